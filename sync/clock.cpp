#include "sync/clock.h"

#include <algorithm>
#include <cctype>
#include <ctime>
#include <string_view>
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

namespace {

// The fields of a date and time as written, before any zone is applied.
struct CivilTime {
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
};

// Exactly `count` ASCII digits at `pos` (sscanf's %2d would also take " 5" or "+5").
bool read_digits(std::string_view text, size_t& pos, int count, int& value) {
  if (pos + static_cast<size_t>(count) > text.size()) return false;
  value = 0;
  for (int i = 0; i < count; ++i) {
    char c = text[pos + static_cast<size_t>(i)];
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
    value = value * 10 + (c - '0');
  }
  pos += static_cast<size_t>(count);
  return true;
}

bool read_char(std::string_view text, size_t& pos, char c) {
  if (pos >= text.size() || text[pos] != c) return false;
  ++pos;
  return true;
}

int days_in_month(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : kDays[month - 1];
}

// "YYYY-MM-DD", a day that exists (no 2026-02-30: timegm would roll it into March).
bool read_date(std::string_view text, size_t& pos, CivilTime& t) {
  return read_digits(text, pos, 4, t.year) && read_char(text, pos, '-') &&
         read_digits(text, pos, 2, t.month) && read_char(text, pos, '-') &&
         read_digits(text, pos, 2, t.day) && t.month >= 1 && t.month <= 12 && t.day >= 1 &&
         t.day <= days_in_month(t.year, t.month);
}

// "THH:MM:SS" with optional fractional seconds (dropped), each field in range (no 25:00).
bool read_time(std::string_view text, size_t& pos, CivilTime& t) {
  if (!(read_char(text, pos, 'T') && read_digits(text, pos, 2, t.hour) &&
        read_char(text, pos, ':') && read_digits(text, pos, 2, t.minute) &&
        read_char(text, pos, ':') && read_digits(text, pos, 2, t.second) && t.hour <= 23 &&
        t.minute <= 59 && t.second <= 59)) {
    return false;
  }
  if (read_char(text, pos, '.')) {
    size_t first = pos;
    while (pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos]))) ++pos;
    if (pos == first) return false;
  }
  return true;
}

// "Z", or an offset from UTC "+HH:MM" / "-HH:MM": what to subtract to get UTC.
bool read_zone(std::string_view text, size_t& pos, int& offset_seconds) {
  if (read_char(text, pos, 'Z')) {
    offset_seconds = 0;
    return true;
  }
  if (pos >= text.size() || (text[pos] != '+' && text[pos] != '-')) return false;
  int sign = text[pos++] == '-' ? -1 : 1;
  int hours = 0, minutes = 0;
  if (!read_digits(text, pos, 2, hours) || !read_char(text, pos, ':') ||
      !read_digits(text, pos, 2, minutes) || hours > 23 || minutes > 59) {
    return false;
  }
  offset_seconds = sign * (hours * 3600 + minutes * 60);
  return true;
}

bool to_time_point(const CivilTime& t, int offset_seconds, Clock::time_point& out) {
  std::tm tm{};
  tm.tm_year = t.year - 1900;
  tm.tm_mon = t.month - 1;
  tm.tm_mday = t.day;
  tm.tm_hour = t.hour;
  tm.tm_min = t.minute;
  tm.tm_sec = t.second;
  std::time_t secs = timegm(&tm);
  if (secs == static_cast<std::time_t>(-1)) return false;
  secs -= offset_seconds;
  // A time_point counts nanoseconds: years past 2262 (or before 1677) do not fit in it.
  using std::chrono::duration_cast;
  using std::chrono::seconds;
  constexpr auto kMax = duration_cast<seconds>(Clock::time_point::max().time_since_epoch());
  constexpr auto kMin = duration_cast<seconds>(Clock::time_point::min().time_since_epoch());
  if (secs >= kMax.count() || secs <= kMin.count()) return false;
  out = std::chrono::system_clock::from_time_t(secs);
  return true;
}

}  // namespace

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
  CivilTime t;
  size_t pos = 0;
  if (!read_date(text, pos, t) || !read_time(text, pos, t)) return false;
  if (pos < text.size() && text[pos] == 'Z') ++pos;
  if (pos != text.size()) return false;
  return to_time_point(t, 0, out);
}

bool parse_date_or_time(const std::string& text, Clock::time_point& out) {
  CivilTime t;
  size_t pos = 0;
  if (!read_date(text, pos, t)) return false;
  if (pos == text.size()) return to_time_point(t, 0, out);
  int offset_seconds = 0;
  if (!read_time(text, pos, t) || !read_zone(text, pos, offset_seconds)) return false;
  if (pos != text.size()) return false;
  return to_time_point(t, offset_seconds, out);
}

}  // namespace tenantsync
