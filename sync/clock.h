// Time as an injected dependency, so token expiry, retry delays and the 30-day restore
// window run on a fake clock in tests (after ninja's virtual DiskInterface).
#pragma once

#include <atomic>
#include <chrono>
#include <string>

namespace tenantsync {

class Clock {
 public:
  using time_point = std::chrono::system_clock::time_point;
  virtual ~Clock() = default;
  virtual time_point now() const = 0;
  // Blocks the calling thread (the fake clock advances instead).
  virtual void sleep_for(std::chrono::milliseconds duration) = 0;
};

class SystemClock final : public Clock {
 public:
  time_point now() const override;
  void sleep_for(std::chrono::milliseconds duration) override;
};

// Thread-safe manual clock: sleep_for advances time instantly and records it.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(time_point start = time_point(std::chrono::seconds(1795132800)));
  time_point now() const override;
  void sleep_for(std::chrono::milliseconds duration) override;
  void advance(std::chrono::milliseconds duration);
  std::chrono::milliseconds total_slept() const;

 private:
  std::atomic<std::int64_t> now_ms_;
  std::atomic<std::int64_t> slept_ms_{0};
};

// Sleeps `duration` on `clock` unless `*stop` becomes true first (SIGTERM during a long
// Retry-After): then it returns false within kStopPollInterval. A null `stop` never stops.
// Polls rather than waits on a condition: the flag is set from a signal handler.
inline constexpr std::chrono::milliseconds kStopPollInterval{50};
bool sleep_unless_stopped(Clock& clock, std::chrono::milliseconds duration,
                          const std::atomic<bool>* stop);

// ISO 8601 UTC ("2026-11-20T00:00:00Z") <-> time_point. Parsing accepts fractional
// seconds and a trailing Z; returns false on anything else, on a date or time that does
// not exist (2026-02-30, 25:00), and on a time a time_point cannot hold (years before 1678
// or after 2261).
std::string format_iso8601(Clock::time_point t);
bool parse_iso8601(const std::string& text, Clock::time_point& out);
// A date or time as a person types it (`journal --since`): a date ("2026-11-20", its
// start in UTC) or a full time with Z or an offset from UTC ("2026-11-20T08:00:00+01:00"
// is 07:00:00Z). A time without either is refused: it would not say where it is. False as
// parse_iso8601 is, for anything else.
bool parse_date_or_time(const std::string& text, Clock::time_point& out);
// "20261120T101500Z": the same time for file names (sorts by time, no ':' for Windows shares).
std::string format_file_stamp(Clock::time_point t);

}  // namespace tenantsync
