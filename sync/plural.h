// "1 seat", "3 seats": a count with the word that goes with it, for every sentence the
// reports and the CLI print.
#pragma once

#include <string>
#include <string_view>

namespace tenantsync {

inline std::string plural(int n, std::string_view one, std::string_view many) {
  return std::to_string(n) + " " + std::string(n == 1 ? one : many);
}

}  // namespace tenantsync
