// When to try a remote call again, and how long to wait first (google-cloud-cpp style:
// a policy object handed to the layers that retry, so tests count attempts on a fake
// clock instead of sleeping). One operation's own count is a RetryBudget
// (retry_budget.h); this object holds what every operation shares.
//
// Throttled (429) and Transient (503/504, dropped, timed out) errors are retried, and
// differently: a 429 is the service saying "later", with the time to wait, so it waits
// its Retry-After (decimal seconds, e.g. 2.128 s) and is NOT an attempt; only transient
// failures count against `max_attempts`, each followed by exponential backoff with full
// jitter: uniform in [0, min(max_backoff, initial * 2^n)]. Throttling is bounded instead
// by `throttle_deadline` per operation, and every wait by the stop signal (SIGTERM).
// Whether a *write* may be resent at all is decided by the caller (graph_client.h
// documents which writes are safe to repeat and how an ambiguous one is checked).
//
// Thread-safe: the jitter generator is guarded by a mutex; waits happen on the Clock; the
// stop signal may be set and read from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <random>

#include "model/result.h"
#include "sync/clock.h"

namespace tenantsync {

struct RetrySettings {
  int max_attempts = 6;  // transient failures per operation (429s do not count)
  std::chrono::milliseconds initial_backoff{1000};
  std::chrono::milliseconds max_backoff{32000};
  // A Retry-After above this is capped (a broken header must not park a thread for hours).
  std::chrono::milliseconds max_retry_after{300000};
  std::uint64_t seed = 0;  // 0: seeded from std::random_device
  // How long one operation may go on being throttled, from its first request: a wait that
  // would end later ends the operation with the service's last answer.
  std::chrono::milliseconds throttle_deadline{600000};
};

class RetryPolicy {
 public:
  RetryPolicy(Clock& clock, RetrySettings settings = {});

  int max_attempts() const { return settings_.max_attempts; }
  std::chrono::milliseconds throttle_deadline() const { return settings_.throttle_deadline; }
  Clock& clock() { return clock_; }

  // Throttled or Transient.
  static bool is_retryable(const Error& error);

  // How long to wait after a failure with `error`, the `n`th of its kind (1-based) in the
  // operation: its Retry-After when it has one, otherwise full-jitter backoff.
  std::chrono::milliseconds delay_after(int n, const Error& error);

  // Full-jitter backoff alone (for callers that merge several waits).
  std::chrono::milliseconds backoff(int attempt);

  // Waits end early once `*stop` is true (null: never). The flag must outlive its use;
  // set it back to null before it goes away.
  void set_stop_signal(const std::atomic<bool>* stop) { stop_.store(stop); }
  const std::atomic<bool>* stop_signal() const { return stop_.load(); }
  bool stopping() const {
    const std::atomic<bool>* stop = stop_.load();
    return stop && stop->load();
  }

  // Sleeps on the clock; false (promptly) when the stop signal was set before or during it.
  bool wait(std::chrono::milliseconds delay) {
    return sleep_unless_stopped(clock_, delay, stop_.load());
  }

 private:
  Clock& clock_;
  RetrySettings settings_;
  std::atomic<const std::atomic<bool>*> stop_{nullptr};
  std::mutex mu_;
  std::mt19937_64 rng_;  // guarded by mu_
};

}  // namespace tenantsync
