#include "connector/throttle_status.h"

namespace tenantsync {

std::string ThrottleStatus::note() const {
  if (throttled == 0 && slowed_tenants == 0) return "";
  std::string out = "throttled " + std::to_string(throttled) + "x";
  if (slowed_tenants > 0) {
    out += ", " + std::to_string(slowed_tenants) +
           (slowed_tenants == 1 ? " tenant slowed" : " tenants slowed");
  }
  return out;
}

ThrottleStatus ThrottleStatus::since(const ThrottleStatus& earlier) const {
  ThrottleStatus out = *this;
  out.throttled = throttled >= earlier.throttled ? throttled - earlier.throttled : 0;
  return out;
}

}  // namespace tenantsync
