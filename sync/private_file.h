// Files tenantsync writes that list users and their licenses (plans from `plan --out`,
// exports, drift reports, `run`'s report folder): created, or replaced, with mode 0600
// whatever the umask. open(2) creates the file 0600 and fchmod narrows a file that
// existed with a wider mode, before a byte is written.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "model/result.h"

namespace tenantsync {

// Writes `text` as the whole content of `path` (created or truncated), mode 0600.
// ErrorKind::Io naming the path and the system's reason on failure.
Status write_private_file(const std::filesystem::path& path, std::string_view text);

// Creates `dir` (and missing parents) with mode 0700 when it does not exist; an existing
// folder is left as it is. ErrorKind::Io naming the folder on failure, as `what` ("the
// report folder").
Status create_private_folder(const std::filesystem::path& dir,
                             const std::string& what = "the folder");

}  // namespace tenantsync
