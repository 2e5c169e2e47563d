#include "sync/log.h"

#include <atomic>
#include <cstdio>
#include <mutex>
#include <regex>

#include <nlohmann/json.hpp>

#include "model/json_text.h"
#include "sync/clock.h"

namespace tenantsync {

namespace {

std::atomic<LogLevel> g_level{LogLevel::Info};
std::atomic<bool> g_json{false};
std::mutex g_write_mu;
std::string g_status_line;  // guarded by g_write_mu; "" = none drawn

constexpr const char* kClearLine = "\r\033[K";

const char* level_name(LogLevel level) {
  switch (level) {
    case LogLevel::Trace:
      return "trace";
    case LogLevel::Debug:
      return "debug";
    case LogLevel::Info:
      return "info";
    case LogLevel::Warn:
      return "warn";
    case LogLevel::Error:
      return "error";
    case LogLevel::Off:
      return "off";
  }
  return "info";
}

}  // namespace

bool parse_log_level(std::string_view text, LogLevel& out) {
  for (LogLevel l :
       {LogLevel::Trace, LogLevel::Debug, LogLevel::Info, LogLevel::Warn, LogLevel::Error}) {
    if (text == level_name(l)) {
      out = l;
      return true;
    }
  }
  return false;
}

void configure_logging(LogLevel level, bool json) {
  g_level = level;
  g_json = json;
}

bool log_enabled(LogLevel level) { return level >= g_level.load() && level != LogLevel::Off; }

std::string redact_secrets(std::string_view text) {
  // Cheap check first: most lines hold nothing that could be a secret.
  static const char* const kMarkers[] = {"earer", "ecret", "assword", "token", "assertion", "eyJ"};
  bool suspicious = false;
  for (const char* m : kMarkers) suspicious = suspicious || text.find(m) != std::string_view::npos;
  if (!suspicious) return std::string(text);
  static const std::regex bearer(R"((Bearer)\s+[A-Za-z0-9._~+/=-]+)", std::regex::icase);
  static const std::regex jwt(R"(eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]*)?)");
  static const std::regex pair(
      R"re(((client_secret|password|access_token|client_assertion|temporaryPassword|secret)"?\s*[=:]\s*"?)[^"&,\s}]+)re",
      std::regex::icase);
  std::string out = std::regex_replace(std::string(text), bearer, "$1 [redacted]");
  out = std::regex_replace(out, jwt, "[redacted]");
  out = std::regex_replace(out, pair, "$1[redacted]");
  return out;
}

void log(LogLevel level, std::string_view message, LogFields fields) {
  if (!log_enabled(level)) return;
  std::string line;
  std::string when = format_iso8601(std::chrono::system_clock::now());
  if (g_json) {
    nlohmann::json j = {
        {"time", when}, {"level", level_name(level)}, {"msg", redact_secrets(message)}};
    for (const auto& [k, v] : fields) j[std::string(k)] = redact_secrets(v);
    line = dump_json(j);
  } else {
    line = when + " " + level_name(level) + " " + redact_secrets(message);
    for (const auto& [k, v] : fields) line += " " + std::string(k) + "=" + redact_secrets(v);
  }
  line += '\n';
  std::lock_guard<std::mutex> lock(g_write_mu);
  if (!g_status_line.empty()) line = kClearLine + line + g_status_line;
  std::fwrite(line.data(), 1, line.size(), stderr);
  std::fflush(stderr);
}

void set_status_line(const std::string& text) {
  std::lock_guard<std::mutex> lock(g_write_mu);
  g_status_line = text;
  std::string out = kClearLine + text;
  std::fwrite(out.data(), 1, out.size(), stderr);
  std::fflush(stderr);
}

void clear_status_line() {
  std::lock_guard<std::mutex> lock(g_write_mu);
  if (g_status_line.empty()) return;
  g_status_line.clear();
  std::fputs(kClearLine, stderr);
  std::fflush(stderr);
}

}  // namespace tenantsync
