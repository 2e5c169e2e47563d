// Lists joined for messages and reports: "SPE_E3, EMS".
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace tenantsync {

inline std::string join(const std::vector<std::string>& parts, std::string_view separator = ", ") {
  std::string out;
  for (const auto& part : parts) {
    if (!out.empty()) out += separator;
    out += part;
  }
  return out;
}

}  // namespace tenantsync
