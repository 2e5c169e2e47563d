// The fake's clock: the fixture's `now`, plus real time elapsed since start, plus whatever
// POST /_fake/clock advanced. Everything time-based in the fake (token and delta-token
// expiry, the 30-day restore window, service limits) reads this clock, so tests move
// time forward instead of sleeping. Thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tenantsync::fake {

class FakeClock {
 public:
  explicit FakeClock(double start_epoch_seconds);

  // Seconds since the Unix epoch, with sub-millisecond precision.
  double now() const;
  void advance(double seconds);

 private:
  double start_;
  std::chrono::steady_clock::time_point origin_;
  std::atomic<int64_t> advanced_us_{0};
};

// "2026-11-20T00:00:00Z", optional fraction, 'Z' or +00:00 offset. nullopt when malformed.
std::optional<double> parse_iso8601(std::string_view text);
// Whole seconds, UTC: "2026-11-20T00:00:00Z".
std::string format_iso8601(double epoch_seconds);

}  // namespace tenantsync::fake
