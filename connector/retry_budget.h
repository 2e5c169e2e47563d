// The retry state of ONE operation (a read of one page, one write, one token fetch, the
// items of one $batch chunk): how many transient failures it has had, how often it was
// throttled, and when it started, so its throttling can be bounded by a deadline.
//
// After each failed attempt, next_delay() says how long to wait before the next one, or
// that the operation ends here with that failure:
//  - not retryable (anything but Throttled or Transient);
//  - a transient failure that is the max_attempts'th of the operation;
//  - a wait that would end after started + throttle_deadline (the deadline bounds every
//    wait of the operation, throttled or not);
//  - the run is stopping (RetryPolicy's stop signal).
// A 429 never uses up an attempt. Not thread-safe: one operation, one thread.
#pragma once

#include <chrono>
#include <optional>

#include "connector/retry_policy.h"
#include "model/result.h"
#include "sync/clock.h"

namespace tenantsync {

class RetryBudget {
 public:
  // The deadline runs from now.
  explicit RetryBudget(RetryPolicy& policy);
  // The deadline runs from `started` (the items of a $batch chunk share their chunk's).
  RetryBudget(RetryPolicy& policy, Clock::time_point started);

  // Counts the failure and returns the wait before the next attempt, or nullopt when the
  // operation must end with `error` (see above). Does not wait.
  std::optional<std::chrono::milliseconds> next_delay(const Error& error);

  // Why the last next_delay() ended the operation, for a log line: "" when it did not.
  const char* gave_up_because() const { return gave_up_because_; }

  int transient_failures() const { return transient_; }
  int throttled() const { return throttled_; }
  Clock::time_point started() const { return started_; }
  RetryPolicy& policy() { return policy_; }

 private:
  RetryPolicy& policy_;
  Clock::time_point started_;
  int transient_ = 0;
  int throttled_ = 0;
  const char* gave_up_because_ = "";
};

}  // namespace tenantsync
