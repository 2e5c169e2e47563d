// ANSI escape sequences for the text renderers (plan, apply, user tasks); they are used
// only when the output is a terminal.
#pragma once

namespace tenantsync::ansi {

inline constexpr const char* kReset = "\x1b[0m";
inline constexpr const char* kBold = "\x1b[1m";
inline constexpr const char* kRed = "\x1b[31m";
inline constexpr const char* kBoldRed = "\x1b[1;31m";
inline constexpr const char* kGreen = "\x1b[32m";
inline constexpr const char* kYellow = "\x1b[33m";
inline constexpr const char* kCyan = "\x1b[36m";

}  // namespace tenantsync::ansi
