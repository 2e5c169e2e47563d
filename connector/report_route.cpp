#include "connector/report_route.h"

#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>

namespace tenantsync {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view kPrefix = "drift-";

bool ends_with(std::string_view text, std::string_view tail) {
  return text.size() >= tail.size() && text.substr(text.size() - tail.size()) == tail;
}

std::string_view extension_of(std::string_view name) {
  return ends_with(name, ".html") ? ".html" : ends_with(name, ".json") ? ".json" : "";
}

std::string content_type_for(std::string_view extension) {
  return extension == ".html" ? "text/html; charset=utf-8" : "application/json; charset=utf-8";
}

StatusReply not_found(std::string body) { return {404, "text/plain; charset=utf-8", body + "\n"}; }

// A plain file (not a symlink that could point out of the folder) directly in `dir`.
bool is_plain_file(const fs::path& path) {
  std::error_code ec;
  return fs::symlink_status(path, ec).type() == fs::file_type::regular;
}

// Sort key: the name without its extension, so drift-T-2 (the second report within the
// same second) comes after drift-T, as it would not with the extension ('-' < '.').
std::string stem_of(const std::string& name) { return name.substr(0, name.rfind('.')); }

std::optional<std::string> newest_report(const std::string& dir, std::string_view extension) {
  std::optional<std::string> newest;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    std::string name = entry.path().filename().string();
    if (!is_report_file_name(name) || extension_of(name) != extension) continue;
    if (!is_plain_file(entry.path())) continue;
    if (!newest || stem_of(name) > stem_of(*newest)) newest = name;
  }
  return newest;
}

std::optional<std::string> read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return std::nullopt;
  return text.str();
}

}  // namespace

bool is_report_file_name(std::string_view name) {
  std::string_view extension = extension_of(name);
  if (name.substr(0, kPrefix.size()) != kPrefix || extension.empty()) return false;
  if (name.size() <= kPrefix.size() + extension.size()) return false;
  if (name.find("..") != std::string_view::npos) return false;
  for (char c : name.substr(kPrefix.size(), name.size() - kPrefix.size() - extension.size())) {
    bool allowed = (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                   c == ':' || c == '.' || c == '_' || c == '-';
    if (!allowed) return false;
  }
  return true;
}

StatusReply report_reply(const std::string& reports_dir, std::string_view name) {
  std::string file;
  if (name == "latest.html" || name == "latest.json") {
    auto newest = newest_report(reports_dir, extension_of(name));
    if (!newest) {
      return not_found("no drift report yet: the first cycle writes one to the report folder");
    }
    file = *newest;
  } else if (is_report_file_name(name)) {
    file = std::string(name);
  } else {
    return not_found(
        "not found: try /reports/latest.html, /reports/latest.json or "
        "/reports/drift-<time>.html|json");
  }
  fs::path path = fs::path(reports_dir) / file;
  auto text = is_plain_file(path) ? read_file(path) : std::nullopt;
  // The newest report may have been pruned by a cycle since it was found.
  if (!text) return not_found("no such report: " + file);
  return {200, content_type_for(extension_of(file)), std::move(*text)};
}

}  // namespace tenantsync
