// Loading the desired state from disk: one file, or a folder of `*.json` files.
//
// A folder's files (regular files named *.json directly in it, not in subfolders) are
// read in byte order of their names and merged into one DesiredState, tenants in that
// order. A tenant may appear in one file only: the same tenant (default domain or id,
// compared case-insensitively) in two places is an error that names both files and
// lines. Every file is parsed even when an earlier one failed, so one run reports every
// problem; read errors name the file. Errors are ErrorKind::Invalid (code
// "InvalidDesiredState") for content and ErrorKind::Io for files that cannot be read.
#pragma once

#include <filesystem>
#include <vector>

#include "model/desired_state.h"
#include "model/result.h"

namespace tenantsync {

Result<DesiredState> load_desired_state(const std::filesystem::path& path);

// Merges parsed documents in the order given; errors as load_desired_state().
Result<DesiredState> merge_desired_states(std::vector<DesiredState> parts);

}  // namespace tenantsync
