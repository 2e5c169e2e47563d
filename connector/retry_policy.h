// When to try a remote call again, and how long to wait first (google-cloud-cpp style:
// a policy object handed to the layers that retry, so tests count attempts on a fake
// clock instead of sleeping).
//
// Only Throttled (429) and Transient (503/504, dropped, timed out) errors are retried,
// at most `max_attempts` attempts in all. A 429's Retry-After is honoured as given
// (decimal seconds, e.g. 2.128 s); without one, and for transient errors, the wait is
// exponential backoff with full jitter: uniform in [0, min(max_backoff, initial * 2^n)].
// Whether a *write* may be resent at all is decided by the caller (graph_client.h
// documents which writes are safe to repeat and how an ambiguous one is checked).
//
// Thread-safe: the jitter generator is guarded by a mutex; waits happen on the Clock.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <random>

#include "model/result.h"
#include "sync/clock.h"

namespace tenantsync {

struct RetrySettings {
  int max_attempts = 6;
  std::chrono::milliseconds initial_backoff{1000};
  std::chrono::milliseconds max_backoff{32000};
  // A Retry-After above this is capped (a broken header must not park a thread for hours).
  std::chrono::milliseconds max_retry_after{300000};
  std::uint64_t seed = 0;  // 0: seeded from std::random_device
};

class RetryPolicy {
 public:
  RetryPolicy(Clock& clock, RetrySettings settings = {});

  int max_attempts() const { return settings_.max_attempts; }
  Clock& clock() { return clock_; }

  // Throttled or Transient.
  static bool is_retryable(const Error& error);

  // True when `error` ended attempt `attempt` (1-based) and another attempt is allowed.
  bool should_retry(int attempt, const Error& error) const;

  // How long to wait after attempt `attempt` failed with `error`: its Retry-After when it
  // has one, otherwise full-jitter backoff.
  std::chrono::milliseconds delay_after(int attempt, const Error& error);

  // Full-jitter backoff alone (for callers that merge several waits).
  std::chrono::milliseconds backoff(int attempt);

  // Sleeps on the clock.
  void wait(std::chrono::milliseconds delay) { clock_.sleep_for(delay); }

 private:
  Clock& clock_;
  RetrySettings settings_;
  std::mutex mu_;
  std::mt19937_64 rng_;  // guarded by mu_
};

}  // namespace tenantsync
