// Reading a drift report back from its JSON form (`drift --format json`, run's
// reports/*.json), for `tenantsync report merge`: the inverse of drift_report_to_json for
// everything the formats show. Pure; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "model/result.h"
#include "sync/report/drift.h"

namespace tenantsync {

// The report in `text`; Invalid (code "InvalidDriftReport") naming `source` and the JSON
// path of the first value that is not what drift_report_to_json writes.
Result<DriftReport> drift_report_from_json(std::string_view text, const std::string& source);

}  // namespace tenantsync
