#include "model/source_location.h"

namespace tenantsync {

std::string SourceLocation::prefix() const {
  std::string out;
  if (!file.empty()) out += file + ":";
  if (line > 0) out += std::to_string(line) + ":" + std::to_string(column) + ":";
  if (!out.empty()) out += " ";
  if (!path.empty()) out += path + ": ";
  return out;
}

}  // namespace tenantsync
