// Control endpoints under /_fake/ for tests, benchmarks and the demo: the state dump,
// out-of-band license changes (drift), ending or restoring a customer's contract, faults,
// limits, the clock and the statistics.
// They need no token and are never faulted, limited or counted.
#pragma once

#include "fakes/fake_clock.h"
#include "fakes/fake_errors.h"
#include "fakes/fake_estate.h"
#include "fakes/fake_faults.h"
#include "fakes/fake_http.h"
#include "fakes/fake_limits.h"
#include "fakes/fake_stats.h"

namespace tenantsync::fake {

class ControlApi {
 public:
  ControlApi(Estate& estate, FakeClock& clock, Faults& faults, Limits& limits, Stats& stats)
      : estate_(estate), clock_(clock), faults_(faults), limits_(limits), stats_(stats) {}

  // `segments`: decoded path segments after "_fake".
  FakeResponse handle(const FakeRequest& request, const std::vector<std::string>& segments,
                      const RequestContext& ctx);

 private:
  FakeResponse set_licenses(const std::string& tenant, const std::string& user,
                            const std::string& body, const RequestContext& ctx);

  Estate& estate_;
  FakeClock& clock_;
  Faults& faults_;
  Limits& limits_;
  Stats& stats_;
};

}  // namespace tenantsync::fake
