// `tenantsync report merge FILE...`: one drift report of the estate from the JSON reports
// of its shards (docs/cli.md "Shards"), in any format `drift` writes. Reads files only: no
// config is needed, no cache and no network.
#include <fstream>
#include <sstream>

#include "connector/cli/command_context.h"
#include "connector/cli/commands.h"
#include "connector/cli/drift_output.h"
#include "sync/report/drift_json.h"

namespace tenantsync {

int run_report_merge(const GlobalFlags&, const ReportMergeFlags& o) {
  std::vector<DriftReport> parts;
  for (const auto& file : o.files) {
    std::ifstream in(file, std::ios::binary);
    if (!in) {
      return report_failure("report merge", make_error(ErrorKind::Io, file + ": cannot be read"));
    }
    std::stringstream text;
    text << in.rdbuf();
    auto report = drift_report_from_json(text.str(), file);
    if (!report.ok()) return report_failure("report merge", report.error());
    parts.push_back(std::move(*report));
  }
  auto merged = merge_drift_reports(parts, o.files);
  if (!merged.ok()) return report_failure("report merge", merged.error());
  return emit_drift_report(*merged, o.format, o.out, o.detailed_exitcode, "report merge");
}

}  // namespace tenantsync
