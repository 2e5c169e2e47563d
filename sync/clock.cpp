#include "sync/clock.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <ctime>
#include <thread>

namespace tenantsync {

using std::chrono::duration_cast;
using std::chrono::milliseconds;

Clock::time_point SystemClock::now() const { return std::chrono::system_clock::now(); }

void SystemClock::sleep_for(milliseconds duration) { std::this_thread::sleep_for(duration); }

FakeClock::FakeClock(time_point start)
    : now_ms_(duration_cast<milliseconds>(start.time_since_epoch()).count()) {}

Clock::time_point FakeClock::now() const { return time_point(milliseconds(now_ms_.load())); }

void FakeClock::sleep_for(milliseconds duration) {
  slept_ms_ += duration.count();
  advance(duration);
}

void FakeClock::advance(milliseconds duration) { now_ms_ += duration.count(); }

milliseconds FakeClock::total_slept() const { return milliseconds(slept_ms_.load()); }

bool sleep_unless_stopped(Clock& clock, milliseconds duration, const std::atomic<bool>* stop) {
  if (!stop) {
    if (duration > milliseconds(0)) clock.sleep_for(duration);
    return true;
  }
  while (duration > milliseconds(0)) {
    if (stop->load()) return false;
    milliseconds slice = std::min(duration, kStopPollInterval);
    clock.sleep_for(slice);
    duration -= slice;
  }
  return !stop->load();
}

std::string format_iso8601(Clock::time_point t) {
  std::time_t secs = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string format_file_stamp(Clock::time_point t) {
  std::string out;
  for (char c : format_iso8601(t)) {
    if (c != '-' && c != ':') out += c;
  }
  return out;
}

bool parse_iso8601(const std::string& text, Clock::time_point& out) {
  std::tm tm{};
  int consumed = 0;
  if (std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
                  &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &consumed) != 6) {
    return false;
  }
  size_t pos = static_cast<size_t>(consumed);
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    while (pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos]))) ++pos;
  }
  if (pos < text.size() && text[pos] == 'Z') ++pos;
  if (pos != text.size()) return false;
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  std::time_t secs = timegm(&tm);
  if (secs == static_cast<std::time_t>(-1)) return false;
  // A time_point counts nanoseconds: years past 2262 (or before 1677) do not fit in it.
  using std::chrono::duration_cast;
  using std::chrono::seconds;
  constexpr auto kMax = duration_cast<seconds>(Clock::time_point::max().time_since_epoch());
  constexpr auto kMin = duration_cast<seconds>(Clock::time_point::min().time_since_epoch());
  if (secs >= kMax.count() || secs <= kMin.count()) return false;
  out = std::chrono::system_clock::from_time_t(secs);
  return true;
}

}  // namespace tenantsync
