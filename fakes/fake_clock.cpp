#include "fakes/fake_clock.h"

#include <cmath>
#include <cstdio>
#include <ctime>
#include <optional>

namespace tenantsync::fake {

FakeClock::FakeClock(double start_epoch_seconds)
    : start_(start_epoch_seconds), origin_(std::chrono::steady_clock::now()) {}

double FakeClock::now() const {
  auto elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - origin_);
  return start_ + elapsed.count() + static_cast<double>(advanced_us_.load()) / 1e6;
}

void FakeClock::advance(double seconds) {
  advanced_us_.fetch_add(static_cast<int64_t>(std::llround(seconds * 1e6)));
}

std::optional<double> parse_iso8601(std::string_view text) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
  int consumed = 0;
  std::string str(text);
  if (std::sscanf(str.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &s, &consumed) !=
      6) {
    return std::nullopt;
  }
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) return std::nullopt;
  std::string_view rest = std::string_view(str).substr(static_cast<size_t>(consumed));
  double fraction = 0;
  if (!rest.empty() && rest.front() == '.') {
    size_t i = 1;
    double scale = 0.1;
    while (i < rest.size() && rest[i] >= '0' && rest[i] <= '9') {
      fraction += (rest[i] - '0') * scale;
      scale /= 10;
      ++i;
    }
    rest.remove_prefix(i);
  }
  if (rest != "Z" && rest != "+00:00" && rest != "z") return std::nullopt;
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = s;
  return static_cast<double>(timegm(&tm)) + fraction;
}

std::string format_iso8601(double epoch_seconds) {
  auto t = static_cast<std::time_t>(std::floor(epoch_seconds));
  // Pages of users repeat the same few times (every license state carries one), and
  // strftime cost more than the rest of writing the page.
  thread_local std::optional<std::time_t> last;
  thread_local char text[32];
  if (t != last) {
    std::tm tm{};
    gmtime_r(&t, &tm);
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
    last = t;
  }
  return text;
}

}  // namespace tenantsync::fake
