// The report folder of `tenantsync run` (config `reports.dir`, `reports.keep`): each cycle
// writes its drift report as drift-<UTC time>.html and .json (render_drift's formats),
// each written to a temporary name and renamed, so a reader never sees half a report.
// Only the newest `keep` cycles stay; older drift-*.html/json files are removed (other
// files in the folder are never touched). The folder is created when missing.
#pragma once

#include <string>

#include "model/result.h"
#include "sync/clock.h"
#include "sync/report/drift.h"
#include "sync/run/cycle_notification.h"

namespace tenantsync {

Result<CycleReportFiles> write_cycle_reports(const std::string& dir, const DriftReport& drift,
                                             Clock::time_point at, int keep);

}  // namespace tenantsync
