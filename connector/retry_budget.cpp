#include "connector/retry_budget.h"

namespace tenantsync {

RetryBudget::RetryBudget(RetryPolicy& policy) : RetryBudget(policy, policy.clock().now()) {}

RetryBudget::RetryBudget(RetryPolicy& policy, Clock::time_point started)
    : policy_(policy), started_(started) {}

std::optional<std::chrono::milliseconds> RetryBudget::next_delay(const Error& error) {
  gave_up_because_ = "";
  if (!RetryPolicy::is_retryable(error)) {
    gave_up_because_ = "not retryable";
    return std::nullopt;
  }
  std::chrono::milliseconds delay;
  if (error.kind == ErrorKind::Throttled) {
    delay = policy_.delay_after(++throttled_, error);
  } else {
    if (++transient_ >= policy_.max_attempts()) {
      gave_up_because_ = "remote.maxAttempts reached";
      return std::nullopt;
    }
    delay = policy_.delay_after(transient_, error);
  }
  if (policy_.clock().now() + delay > started_ + policy_.throttle_deadline()) {
    gave_up_because_ = "remote.throttleDeadline reached";
    return std::nullopt;
  }
  if (policy_.stopping()) {
    gave_up_because_ = "tenantsync is stopping";
    return std::nullopt;
  }
  return delay;
}

}  // namespace tenantsync
