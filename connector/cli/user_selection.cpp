#include "connector/cli/user_selection.h"

#include <fstream>

#include "sync/ascii_case.h"

namespace tenantsync {

Result<UserFilter> selection_filter(const UserSelection& selection) {
  auto filter = parse_user_filter(selection.filter);
  if (!filter.ok()) return make_error(ErrorKind::Invalid, "--filter: " + filter.error().message);
  for (const auto& u : selection.users) {
    if (!u.empty()) filter->users.push_back(u);
  }
  if (!selection.users_file.empty()) {
    std::ifstream in(selection.users_file);
    if (!in) return make_error(ErrorKind::Io, "cannot read --users-file " + selection.users_file);
    std::string line;
    int number = 0;
    while (std::getline(in, line)) {
      ++number;
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (number == 1 && line.rfind("\xEF\xBB\xBF", 0) == 0) line.erase(0, 3);
      line = line.substr(0, line.find(','));
      auto first = line.find_first_not_of(" \t\"");
      auto last = line.find_last_not_of(" \t\"");
      if (first == std::string::npos || line[first] == '#') continue;
      line = line.substr(first, last - first + 1);
      if (number == 1 && iequals(line, "userPrincipalName")) continue;
      filter->users.push_back(line);
    }
    if (filter->users.empty()) {
      return make_error(ErrorKind::Invalid,
                        "--users-file " + selection.users_file + " names no user");
    }
  }
  return filter;
}

}  // namespace tenantsync
