#include "connector/retry_policy.h"

#include <algorithm>
#include <cmath>

namespace tenantsync {

namespace {

std::uint64_t pick_seed(std::uint64_t seed) {
  if (seed != 0) return seed;
  std::random_device rd;
  return (static_cast<std::uint64_t>(rd()) << 32) ^ rd();
}

}  // namespace

RetryPolicy::RetryPolicy(Clock& clock, RetrySettings settings)
    : clock_(clock), settings_(settings), rng_(pick_seed(settings.seed)) {
  if (settings_.max_attempts < 1) settings_.max_attempts = 1;
  if (settings_.throttle_deadline < std::chrono::milliseconds(0)) {
    settings_.throttle_deadline = std::chrono::milliseconds(0);
  }
}

bool RetryPolicy::is_retryable(const Error& error) {
  return error.kind == ErrorKind::Throttled || error.kind == ErrorKind::Transient;
}

std::chrono::milliseconds RetryPolicy::backoff(int attempt) {
  using std::chrono::milliseconds;
  // Cap the exponent before shifting: attempt counts are small but config is user input.
  int exponent = std::clamp(attempt - 1, 0, 30);
  double ceiling =
      static_cast<double>(settings_.initial_backoff.count()) * std::ldexp(1.0, exponent);
  ceiling = std::min(ceiling, static_cast<double>(settings_.max_backoff.count()));
  std::uniform_real_distribution<double> dist(0.0, ceiling);
  double ms;
  {
    std::lock_guard<std::mutex> lock(mu_);
    ms = dist(rng_);
  }
  return milliseconds(static_cast<std::int64_t>(ms));
}

std::chrono::milliseconds RetryPolicy::delay_after(int n, const Error& error) {
  using std::chrono::milliseconds;
  if (error.retry_after_seconds > 0) {
    // Capped before the cast: a Retry-After of 30 digits does not fit in milliseconds.
    double ms = std::min(std::ceil(error.retry_after_seconds * 1000.0),
                         static_cast<double>(settings_.max_retry_after.count()));
    return milliseconds(static_cast<std::int64_t>(ms));
  }
  return backoff(n);
}

}  // namespace tenantsync
