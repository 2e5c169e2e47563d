// Logging to stderr, as text or one JSON object per line (--log-format json).
//
// Callers never pass secrets. As a second line of defence every message and field is
// scrubbed of bearer tokens and secret-looking key/value pairs before it is written.
// Thread-safe: lines from different threads never interleave.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

namespace tenantsync {

enum class LogLevel { Trace, Debug, Info, Warn, Error, Off };

bool parse_log_level(std::string_view text, LogLevel& out);
void configure_logging(LogLevel level, bool json);
bool log_enabled(LogLevel level);

using LogFields = std::initializer_list<std::pair<std::string_view, std::string>>;
void log(LogLevel level, std::string_view message, LogFields fields = {});

// The status line at the bottom of the terminal (a progress bar on stderr): drawn with
// set_status_line(), cleared with clear_status_line(). Log lines are written above it and
// it is drawn again under them, so a log line never overwrites a bar or lands inside it.
void set_status_line(const std::string& text);
void clear_status_line();

inline void log_trace(std::string_view m, LogFields f = {}) { log(LogLevel::Trace, m, f); }
inline void log_debug(std::string_view m, LogFields f = {}) { log(LogLevel::Debug, m, f); }
inline void log_info(std::string_view m, LogFields f = {}) { log(LogLevel::Info, m, f); }
inline void log_warn(std::string_view m, LogFields f = {}) { log(LogLevel::Warn, m, f); }
inline void log_error(std::string_view m, LogFields f = {}) { log(LogLevel::Error, m, f); }

// Replaces bearer tokens, JWTs and values of secret-named keys (client_secret, password,
// access_token, client_assertion, ...) with "[redacted]".
std::string redact_secrets(std::string_view text);

}  // namespace tenantsync
