// What throttling looks like during a run, for the progress bar's line: how many answers
// were 429 (whole responses and $batch items) and how many tenants' writes the pacer has
// slowed down (write_pacer.h). Plain value.
#pragma once

#include <cstdint>
#include <string>

namespace tenantsync {

struct ThrottleStatus {
  std::uint64_t throttled = 0;
  int slowed_tenants = 0;

  // "throttled 243x, 3 tenants slowed"; "" when nothing was throttled.
  std::string note() const;
  // The throttling since `earlier` (same counters, taken before).
  ThrottleStatus since(const ThrottleStatus& earlier) const;
};

}  // namespace tenantsync
