// How `drift` and `report merge` hand a drift report to the admin: rendered in the format
// asked for, on stdout or into --out (mode 0600, it names users), with the exit code of
// --detailed-exitcode.
#pragma once

#include <string>

#include "sync/report/drift.h"

namespace tenantsync {

int emit_drift_report(const DriftReport& report, const std::string& format, const std::string& out,
                      bool detailed_exitcode, const std::string& command);

}  // namespace tenantsync
