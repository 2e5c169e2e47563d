#include "sync/run/report_store.h"

#include <algorithm>
#include <filesystem>
#include <vector>

#include "sync/private_file.h"
#include "sync/report/drift_render.h"

namespace tenantsync {

namespace fs = std::filesystem;

namespace {

Status write_atomically(const fs::path& path, const std::string& text) {
  fs::path tmp = path;
  tmp += ".tmp";
  Status written = write_private_file(tmp, text);
  if (!written.ok()) {
    return make_error(ErrorKind::Io, "cannot write the report: " + written.error().message);
  }
  std::error_code ec;
  fs::rename(tmp, path, ec);
  if (ec)
    return make_error(ErrorKind::Io,
                      "cannot write the report " + path.string() + ": " + ec.message());
  return {};
}

void prune(const fs::path& dir, const std::string& extension, int keep) {
  std::vector<fs::path> reports;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    std::string name = entry.path().filename().string();
    if (name.rfind("drift-", 0) == 0 && entry.path().extension() == extension) {
      reports.push_back(entry.path());
    }
  }
  if (static_cast<int>(reports.size()) <= keep) return;
  std::sort(reports.begin(), reports.end());
  for (size_t i = 0; i + static_cast<size_t>(keep) < reports.size(); ++i)
    fs::remove(reports[i], ec);
}

}  // namespace

Result<CycleReportFiles> write_cycle_reports(const std::string& dir, const DriftReport& drift,
                                             Clock::time_point at, int keep) {
  if (Status s = create_private_folder(dir, "the report folder"); !s.ok()) return s.error();
  std::string base = "drift-" + format_file_stamp(at);
  // Two cycles within one second (run --once twice) must not overwrite each other.
  for (int n = 2; fs::exists(fs::path(dir) / (base + ".json")); ++n) {
    base = "drift-" + format_file_stamp(at) + "-" + std::to_string(n);
  }
  CycleReportFiles files;
  fs::path html = fs::path(dir) / (base + ".html");
  fs::path json = fs::path(dir) / (base + ".json");
  if (Status s = write_atomically(html, render_drift(drift, DriftFormat::Html)); !s.ok())
    return s.error();
  if (Status s = write_atomically(json, render_drift(drift, DriftFormat::Json)); !s.ok())
    return s.error();
  files.html = html.string();
  files.json = json.string();
  prune(dir, ".html", std::max(1, keep));
  prune(dir, ".json", std::max(1, keep));
  return files;
}

}  // namespace tenantsync
