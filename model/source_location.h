// Where a value came from in a user's file, for error messages that point at it.
#pragma once

#include <string>

namespace tenantsync {

struct SourceLocation {
  std::string file;
  int line = 0;      // 1-based; 0 = unknown
  int column = 0;    // 1-based
  std::string path;  // field path, e.g. tenants[0].users[3].licenses[1].sku

  // "file:line:column: path: " (parts that are unknown are left out).
  std::string prefix() const;
  bool operator==(const SourceLocation&) const = default;
};

}  // namespace tenantsync
