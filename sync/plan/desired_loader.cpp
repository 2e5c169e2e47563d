#include "sync/plan/desired_loader.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <unordered_map>

#include "model/json_source.h"
#include "sync/ascii_case.h"

namespace tenantsync {

namespace {

namespace fs = std::filesystem;

Result<std::string> read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return make_error(ErrorKind::Io, path.string() + ": cannot read: " + std::strerror(errno));
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) {
    return make_error(ErrorKind::Io, path.string() + ": cannot read: " + std::strerror(errno));
  }
  return text.str();
}

Result<std::vector<fs::path>> list_files(const fs::path& path) {
  std::error_code ec;
  fs::file_status status = fs::status(path, ec);
  if (ec || !fs::exists(status)) {
    return make_error(ErrorKind::Io, path.string() + ": no such file or folder");
  }
  if (!fs::is_directory(status)) return std::vector<fs::path>{path};
  std::vector<fs::path> files;
  fs::directory_iterator it(path, ec), end;
  for (; !ec && it != end; it.increment(ec)) {
    const fs::path& p = it->path();
    std::error_code file_ec;
    if (p.extension() == ".json" && fs::is_regular_file(it->status(file_ec))) files.push_back(p);
  }
  if (ec) return make_error(ErrorKind::Io, path.string() + ": cannot list: " + ec.message());
  std::sort(files.begin(), files.end(),
            [](const fs::path& a, const fs::path& b) { return a.filename() < b.filename(); });
  if (files.empty()) {
    return make_error(ErrorKind::Invalid, path.string() + ": no *.json files in this folder",
                      "InvalidDesiredState");
  }
  return files;
}

std::string at(const SourceLocation& where) {
  std::string out = where.file;
  if (where.line > 0) {
    out += ':';
    out += std::to_string(where.line);
    out += ':';
    out += std::to_string(where.column);
  }
  return out;
}

}  // namespace

Result<DesiredState> merge_desired_states(std::vector<DesiredState> parts) {
  DesiredState merged;
  std::string problems;
  std::unordered_map<std::string, SourceLocation> seen;  // lower-case tenant -> first entry
  for (auto& part : parts) {
    for (auto& tenant : part.tenants) {
      auto [it, fresh] = seen.emplace(ascii_lower(tenant.tenant), tenant.location);
      if (!fresh) {
        if (!problems.empty()) problems += "\n";
        SourceLocation where = tenant.location;
        if (!where.path.empty()) where.path = path_key(where.path, "tenant");
        problems += where.prefix() + "tenant " + json_quote(tenant.tenant) +
                    " is already declared at " + at(it->second) +
                    "; a tenant belongs in one file only";
        continue;
      }
      merged.tenants.push_back(std::move(tenant));
    }
  }
  if (!problems.empty()) return make_error(ErrorKind::Invalid, problems, "InvalidDesiredState");
  return merged;
}

Result<DesiredState> load_desired_state(const fs::path& path) {
  auto files = list_files(path);
  if (!files) return files.error();
  std::vector<DesiredState> parts;
  std::string problems;
  bool io_failure = false;
  for (const auto& file : *files) {
    auto text = read_file(file);
    Result<DesiredState> part = text ? parse_desired_state(*text, file.string()) : text.error();
    if (part) {
      parts.push_back(std::move(*part));
      continue;
    }
    io_failure = io_failure || part.error().kind == ErrorKind::Io;
    if (!problems.empty()) problems += "\n";
    problems += part.error().message;
  }
  if (!problems.empty()) {
    return make_error(io_failure ? ErrorKind::Io : ErrorKind::Invalid, std::move(problems),
                      io_failure ? "" : "InvalidDesiredState");
  }
  return merge_desired_states(std::move(parts));
}

}  // namespace tenantsync
