#include "sync/apply/settle_effect.h"

#include <algorithm>
#include <string>

#include "sync/apply/license_change.h"
#include "sync/plan/property_change.h"

namespace tenantsync {

bool needs_role_assignments(const JournalEntry& entry) {
  return entry.op == OpKind::AddRole || entry.op == OpKind::RemoveRole;
}

namespace {

bool role_change_in_effect(const JournalEntry& entry, const std::optional<User>& active,
                           const std::vector<RoleAssignment>& roles) {
  // A role given right after a create was journalled before the user had an id.
  std::string principal = !entry.user_id.empty() ? entry.user_id : active ? active->id : "";
  std::string role = entry.request.value("roleDefinitionId", "");
  std::string id = entry.request.value("roleAssignmentId", "");
  bool present = std::any_of(roles.begin(), roles.end(), [&](const RoleAssignment& a) {
    return entry.op == OpKind::AddRole
               ? a.principal_id == principal && a.role_definition_id == role
               : a.id == id;
  });
  return entry.op == OpKind::AddRole ? present : !present;
}

}  // namespace

bool took_effect(const JournalEntry& entry, const std::optional<User>& active,
                 const std::vector<RoleAssignment>* roles) {
  switch (entry.op) {
    case OpKind::Create:
    case OpKind::Restore:
      return active.has_value();
    case OpKind::Delete:
      return !active;
    case OpKind::SetProperties:
      return active && property_patch_in_effect(*active, entry.request);
    case OpKind::AddRole:
    case OpKind::RemoveRole:
      return roles && role_change_in_effect(entry, active, *roles);
    case OpKind::Assign:
    case OpKind::Revoke:
    case OpKind::Update: {
      auto change = license_change_from_body(entry.request);
      return active && change && license_change_in_effect(*active, *change);
    }
    case OpKind::ResetPassword:
      return false;  // nothing read shows whether a password took
  }
  return false;
}

}  // namespace tenantsync
