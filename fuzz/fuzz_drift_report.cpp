// Fuzzes drift_report_from_json() (`tenantsync report merge` reads files people pass it):
// any text gives a report or an error naming the file, never a crash; a report that reads
// renders in every format, and its JSON reads back to the same report.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "sync/report/drift_json.h"
#include "sync/report/drift_render.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace tenantsync;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto report = drift_report_from_json(text, "shard.json");
  if (!report.ok()) return 0;
  for (DriftFormat format :
       {DriftFormat::Text, DriftFormat::Csv, DriftFormat::Markdown, DriftFormat::Html}) {
    (void)render_drift(*report, format);
  }
  std::string json = render_drift(*report, DriftFormat::Json);
  auto again = drift_report_from_json(json, "again.json");
  if (!again.ok() || render_drift(*again, DriftFormat::Json) != json) std::abort();
  return 0;
}
