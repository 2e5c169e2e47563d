#include "sync/store/lock_holder.h"

#include <algorithm>
#include <charconv>
#include <fstream>
#include <sstream>

namespace tenantsync {

namespace {

// The leading decimal number of `text`, or nullopt.
std::optional<long long> leading_number(std::string_view text) {
  long long value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end == text.data()) return std::nullopt;
  return value;
}

}  // namespace

std::string lock_note(long pid, const std::string& command, std::time_t started) {
  return std::to_string(pid) + " " + command + "\nstarted " +
         std::to_string(static_cast<long long>(started)) + "\n";
}

LockHolder parse_lock_note(std::string_view text) {
  LockHolder holder;
  std::string_view first = text.substr(0, text.find('\n'));
  auto pid = leading_number(first);
  if (pid && *pid > 0 && *pid <= (1LL << 30)) holder.pid = static_cast<long>(*pid);
  if (auto space = first.find(' '); space != std::string_view::npos) {
    holder.command = std::string(first.substr(space + 1));
  }
  constexpr std::string_view kStarted = "\nstarted ";
  if (auto at = text.find(kStarted); at != std::string_view::npos) {
    auto started = leading_number(text.substr(at + kStarted.size()));
    if (started && *started > 0) holder.started = static_cast<std::time_t>(*started);
  }
  return holder;
}

Result<LockHolder> read_lock_holder(const std::string& lock_path) {
  std::ifstream in(lock_path);
  if (!in) return make_error(ErrorKind::Io, "cannot read the cache lock " + lock_path);
  std::ostringstream text;
  text << in.rdbuf();
  return parse_lock_note(text.str());
}

std::string describe_holder(const LockHolder& holder) {
  if (holder.pid <= 0) return "another process";
  std::string who = "pid " + std::to_string(holder.pid);
  if (!holder.command.empty()) who += " (tenantsync " + holder.command + ")";
  return who;
}

std::string started_ago(const LockHolder& holder, std::time_t now) {
  if (!holder.started) return "";
  // Clocks of two processes agree; a negative age only means a clock was set back.
  long long seconds = std::max<long long>(0, static_cast<long long>(now - *holder.started));
  return " (started " + std::to_string(seconds) + " s ago)";
}

std::string waiting_line(const LockHolder& holder, std::time_t now) {
  if (holder.pid > 0 && holder.command == "run") {
    return "waiting for the running cycle of pid " + std::to_string(holder.pid) + " to finish" +
           started_ago(holder, now);
  }
  return "waiting for " + describe_holder(holder) + " to finish" + started_ago(holder, now);
}

}  // namespace tenantsync
