// Durations as users write them: "90s", "15m", "6h", "1d" (docs/cli.md's DURATION).
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace tenantsync {

std::optional<std::chrono::seconds> parse_duration(std::string_view text);
std::string format_duration(std::chrono::seconds duration);  // largest exact unit: "15m"

}  // namespace tenantsync
