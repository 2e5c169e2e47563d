#include "connector/cli/user_selection.h"

#include <fstream>
#include <iterator>

#include "connector/cli/command_context.h"
#include "sync/plan/users_file.h"

namespace tenantsync {

Result<UserFilter> selection_filter(const UserSelection& selection) {
  auto filter = parse_user_filter(selection.filter);
  if (!filter.ok()) {
    Error e = filter.error();  // keeps its code, "bad-filter": a usage error
    e.message = "--filter: " + e.message;
    return e;
  }
  filter->include_disabled = selection.include_disabled;
  for (const auto& u : selection.users) {
    if (!u.empty()) filter->users.push_back(u);
  }
  if (!selection.users_file.empty()) {
    std::ifstream in(selection.users_file, std::ios::binary);
    if (!in) return make_error(ErrorKind::Io, "cannot read --users-file " + selection.users_file);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto users = parse_users_file(text, selection.users_file);
    if (!users.ok()) {
      Error e = users.error();
      e.message = "--users-file: " + e.message;
      return e;
    }
    for (auto& u : *users) filter->users.push_back(std::move(u));
  }
  return filter;
}

int report_selection_failure(const std::string& command, const Error& error) {
  if (error.code == "bad-filter") return usage_error(command, error.message);
  return report_failure(command, error);
}

Result<SelectedNames> selected_names(const TenantSnapshot& snapshot, const UserFilter& selection) {
  SelectedNames out;
  if (!selection.users.empty()) {
    out.names = selection.users;
    return out;
  }
  auto targets = select_users(snapshot, selection);
  if (!targets.ok()) return targets.error();
  for (auto& t : *targets) {
    if (t.skipped_sign_in_blocked) {
      out.skipped.push_back(std::move(t));
    } else {
      out.names.push_back(t.upn);
    }
  }
  return out;
}

}  // namespace tenantsync
