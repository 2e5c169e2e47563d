#include "sync/user_task.h"

#include <algorithm>
#include <optional>
#include <unordered_map>
#include <unordered_set>

#include "sync/ascii_case.h"
#include "sync/property_change.h"
#include "sync/role_catalogue.h"

namespace tenantsync {

namespace {

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : ", ") + s;
  return out;
}

// The service prefixes a soft-deleted user's UPN with its id without dashes; the UPN the
// user had (and gets back on restore) is what follows.
std::string upn_before_deletion(const User& user) {
  std::string prefix;
  for (char c : user.id) {
    if (c != '-') prefix += c;
  }
  const std::string& upn = user.user_principal_name;
  if (!prefix.empty() && upn.size() > prefix.size() &&
      iequals(upn.substr(0, prefix.size()), prefix))
    return upn.substr(prefix.size());
  return upn;
}

// Users of a snapshot by lower-case UPN and id.
class Lookup {
 public:
  explicit Lookup(const TenantSnapshot& snapshot) {
    for (const auto& u : snapshot.users) {
      active_.emplace(ascii_lower(u.user_principal_name), &u);
      active_.emplace(ascii_lower(u.id), &u);
    }
    for (const auto& u : snapshot.deleted_users) {
      deleted_by_id_.emplace(ascii_lower(u.id), &u);
      const User*& latest = deleted_by_upn_[ascii_lower(upn_before_deletion(u))];
      if (!latest || u.deleted_date_time.value_or("") > latest->deleted_date_time.value_or(""))
        latest = &u;
    }
  }

  const User* active(const std::string& name) const { return find(active_, name); }
  // By id, else the latest deleted user that had this UPN.
  const User* deleted(const std::string& name) const {
    if (const User* u = find(deleted_by_id_, name)) return u;
    return find(deleted_by_upn_, name);
  }
  const User* deleted_by_upn(const std::string& upn) const { return find(deleted_by_upn_, upn); }

 private:
  using Index = std::unordered_map<std::string, const User*>;
  static const User* find(const Index& index, const std::string& name) {
    auto it = index.find(ascii_lower(name));
    return it == index.end() ? nullptr : it->second;
  }

  Index active_;
  Index deleted_by_id_;
  Index deleted_by_upn_;
};

// How a user holds one SKU: directly (with which disabled plans) and/or through a group.
struct Holding {
  bool direct = false;
  std::vector<std::string> direct_disabled;
  std::optional<std::string> group;
};

Holding holding(const User& user, const std::string& sku_id) {
  Holding h;
  bool any_state = false;
  for (const auto& s : user.license_states) {
    if (!iequals(s.sku_id, sku_id)) continue;
    any_state = true;
    if (s.assigned_by_group) {
      if (!h.group) h.group = s.assigned_by_group;
    } else if (!h.direct) {
      h.direct = true;
      h.direct_disabled = s.disabled_plans;
    }
  }
  if (!any_state) {
    if (const AssignedLicense* l = user.find_license(sku_id)) {
      h.direct = true;
      h.direct_disabled = l->disabled_plans;
    }
  }
  return h;
}

bool same_ids(std::vector<std::string> a, std::vector<std::string> b) {
  for (auto* v : {&a, &b}) {
    for (auto& s : *v) s = ascii_lower(s);
    std::sort(v->begin(), v->end());
    v->erase(std::unique(v->begin(), v->end()), v->end());
  }
  return a == b;
}

UserTaskTarget target_of(const User& user, const std::string& name) {
  UserTaskTarget t;
  t.name = name;
  t.upn = user.user_principal_name;
  t.user_id = user.id;
  return t;
}

UserTaskTarget missing_target(const std::string& name, const TenantSnapshot& snapshot,
                              const Lookup& lookup) {
  UserTaskTarget t;
  t.name = name;
  t.upn = name;
  if (const User* d = lookup.deleted(name)) {
    t.problems.push_back(upn_before_deletion(*d) +
                         " is soft-deleted; restore it first (tenantsync users restore)");
  } else {
    t.problems.push_back("no user " + name + " in " + snapshot.tenant.default_domain_name);
  }
  return t;
}

void sort_found(std::vector<UserTaskTarget>& found) {
  std::stable_sort(
      found.begin(), found.end(),
      [](const UserTaskTarget& a, const UserTaskTarget& b) { return iless(a.upn, b.upn); });
}

DesiredTenant desired_for(const TenantSnapshot& snapshot) {
  DesiredTenant d;
  d.tenant = snapshot.tenant.id;
  d.mode = TenantMode::Enforce;
  d.unlisted = UnlistedPolicy::Keep;
  return d;
}

std::string sku_names(const TenantSnapshot& snapshot) {
  std::vector<std::string> names;
  for (const auto& s : snapshot.skus) {
    if (s.applies_to == "User") names.push_back(s.sku_part_number);
  }
  std::sort(names.begin(), names.end());
  return names.empty() ? "the tenant has no SKUs for users"
                       : "the tenant's SKUs are " + join(names);
}

// The user-assignable SKU `name` names, or nullptr with the reason in `problem`.
const Sku* find_sku(const TenantSnapshot& snapshot, const std::string& name, std::string& problem) {
  for (const auto& s : snapshot.skus) {
    if (!iequals(s.sku_part_number, name) && !iequals(s.sku_id, name)) continue;
    if (s.applies_to != "User") {
      problem = "SKU " + name + " applies to the company, not to users";
      return nullptr;
    }
    return &s;
  }
  problem = "unknown SKU " + name + " in " + snapshot.tenant.default_domain_name + "; " +
            sku_names(snapshot);
  return nullptr;
}

// Why the roles `names` cannot be given (`adding`) or taken away as asked, one line each:
// the tenant's roles were never read, a name is unknown, or a role to give is privileged
// and the command did not allow it. Empty when all is well.
std::vector<std::string> role_problems(const TenantSnapshot& snapshot,
                                       const std::vector<std::string>& names, bool adding,
                                       bool allow_privileged) {
  std::vector<std::string> out;
  if (names.empty()) return out;
  if (snapshot.roles.empty()) {
    out.push_back("the admin roles of " + snapshot.tenant.default_domain_name +
                  " are not known yet: the mirror could not read them (the app needs "
                  "RoleManagement.Read.Directory)");
    return out;
  }
  for (const auto& name : names) {
    const RoleDefinition* role = find_role(snapshot.roles, name);
    if (!role) {
      std::vector<std::string> known;
      for (const auto& d : snapshot.roles) known.push_back(d.display_name);
      std::sort(known.begin(), known.end());
      out.push_back("unknown admin role \"" + name + "\" in " +
                    snapshot.tenant.default_domain_name + " (roles: " + join(known) + ")");
    } else if (adding && !allow_privileged && is_privileged_role(*role)) {
      out.push_back(role->display_name +
                    " is a privileged role (it can change who may do what in the tenant): "
                    "pass --allow-privileged to give it");
    }
  }
  return out;
}

const RoleAssignment* held_role(const TenantSnapshot& snapshot, const std::string& user_id,
                                const RoleDefinition& role) {
  for (const RoleAssignment& a : snapshot.role_assignments) {
    if (a.principal_id == user_id && iequals(a.role_definition_id, role.id)) return &a;
  }
  return nullptr;
}

// The users a selection names or matches, as targets (see assign_task).
Result<std::vector<UserTaskTarget>> selected_targets(const TenantSnapshot& snapshot,
                                                     const UserFilter& selection,
                                                     const Lookup& lookup) {
  std::string problems;
  for (const auto* list : {&selection.skus, &selection.no_skus}) {
    for (const auto& name : *list) {
      if (resolve_sku_id(name, snapshot.skus).empty()) {
        problems += (problems.empty() ? "" : "\n") + std::string("--filter: unknown SKU ") + name +
                    " in " + snapshot.tenant.default_domain_name + "; " + sku_names(snapshot);
      }
    }
  }
  if (!problems.empty()) return make_error(ErrorKind::Invalid, problems);

  std::vector<UserTaskTarget> found, missing;
  if (selection.users.empty()) {
    for (const auto& u : snapshot.users) {
      if (matches(selection, u, snapshot.skus))
        found.push_back(target_of(u, u.user_principal_name));
    }
  } else {
    UserFilter rest = selection;
    rest.users.clear();
    std::unordered_set<std::string> seen;
    for (const auto& name : selection.users) {
      const User* u = lookup.active(name);
      if (!u) {
        missing.push_back(missing_target(name, snapshot, lookup));
        continue;
      }
      if (!seen.insert(u->id).second) continue;
      found.push_back(target_of(*u, name));
      if (!matches(rest, *u, snapshot.skus)) {
        found.back().unchanged.push_back("not selected: does not match the filter");
      }
    }
  }
  sort_found(found);
  found.insert(found.end(), missing.begin(), missing.end());
  return found;
}

// The requested SKUs, resolved; every unknown one reported at once.
Result<std::vector<const Sku*>> requested_skus(const TenantSnapshot& snapshot,
                                               const std::vector<std::string>& names) {
  std::vector<const Sku*> skus;
  std::string problems;
  for (const auto& name : names) {
    std::string problem;
    const Sku* sku = find_sku(snapshot, name, problem);
    if (!sku) {
      problems += (problems.empty() ? "" : "\n") + ("--sku: " + problem);
      continue;
    }
    if (std::find(skus.begin(), skus.end(), sku) == skus.end()) skus.push_back(sku);
  }
  if (!problems.empty()) return make_error(ErrorKind::Invalid, problems);
  if (skus.empty()) return make_error(ErrorKind::Invalid, "--sku: no SKU given");
  return skus;
}

// Per requested SKU, the ids of the --disable-plan plans it has. A plan none of them has
// is an error listing their plans.
Result<std::vector<std::vector<std::string>>> disabled_plans_per_sku(
    const std::vector<const Sku*>& skus, const std::vector<std::string>& names) {
  std::vector<std::vector<std::string>> out(skus.size());
  std::string problems;
  for (const auto& name : names) {
    bool found = false;
    for (size_t i = 0; i < skus.size(); ++i) {
      for (const auto& p : skus[i]->service_plans) {
        if (!iequals(p.service_plan_name, name) && !iequals(p.service_plan_id, name)) continue;
        found = true;
        out[i].push_back(p.service_plan_id);
      }
    }
    if (found) continue;
    std::string plans;
    for (const Sku* sku : skus) {
      std::vector<std::string> names_of_sku;
      for (const auto& p : sku->service_plans) names_of_sku.push_back(p.service_plan_name);
      std::sort(names_of_sku.begin(), names_of_sku.end());
      plans +=
          (plans.empty() ? "" : "; ") + sku->sku_part_number + "'s plans are " + join(names_of_sku);
    }
    problems += (problems.empty() ? "" : "\n") +
                ("--disable-plan: no service plan " + name + " in the SKUs given (" + plans + ")");
  }
  if (!problems.empty()) return make_error(ErrorKind::Invalid, problems);
  return out;
}

Result<UserTask> license_task(UserTaskKind kind, const TenantSnapshot& snapshot,
                              const UserFilter& selection, const LicenseRequest& request) {
  auto skus = requested_skus(snapshot, request.skus);
  if (!skus.ok()) return skus.error();
  std::vector<std::vector<std::string>> disabled(skus->size());
  if (kind == UserTaskKind::Assign) {
    auto plans = disabled_plans_per_sku(*skus, request.disabled_plans);
    if (!plans.ok()) return plans.error();
    disabled = std::move(*plans);
  }
  Lookup lookup(snapshot);
  auto targets = selected_targets(snapshot, selection, lookup);
  if (!targets.ok()) return targets.error();

  UserTask task;
  task.kind = kind;
  task.desired = desired_for(snapshot);
  for (const Sku* sku : *skus) task.desired.managed_skus.push_back(sku->sku_id);
  for (auto& target : *targets) {
    const User* user = target.user_id.empty() ? nullptr : lookup.active(target.user_id);
    if (user && target.unchanged.empty()) {
      DesiredUser entry;
      entry.upn = user->user_principal_name;
      entry.licenses.emplace();
      for (size_t i = 0; i < skus->size(); ++i) {
        const Sku& sku = *(*skus)[i];
        Holding h = holding(*user, sku.sku_id);
        if (kind == UserTaskKind::Revoke) {
          if (!h.direct && !h.group) {
            target.unchanged.push_back("does not hold " + sku.sku_part_number);
          } else if (!h.direct) {
            target.blocked.push_back(sku.sku_part_number + " comes from group " +
                                     snapshot.group_label(*h.group) +
                                     ": remove the user from that group to take it away");
          } else if (h.group) {
            target.unchanged.push_back("keeps " + sku.sku_part_number + " through group " +
                                       snapshot.group_label(*h.group));
          }
          continue;
        }
        std::vector<std::string> plans = disabled[i];
        if (plans.empty() && h.direct) plans = h.direct_disabled;
        if (h.direct && same_ids(h.direct_disabled, plans)) {
          target.unchanged.push_back("already holds " + sku.sku_part_number);
        } else if (!h.direct && h.group) {
          target.unchanged.push_back("already holds " + sku.sku_part_number + " through group " +
                                     snapshot.group_label(*h.group));
        }
        entry.licenses->push_back({sku.sku_id, std::move(plans), {}});
      }
      task.desired.users.push_back(std::move(entry));
    }
    task.targets.push_back(std::move(target));
  }
  return task;
}

}  // namespace

Result<UserTask> assign_task(const TenantSnapshot& snapshot, const UserFilter& selection,
                             const LicenseRequest& request) {
  return license_task(UserTaskKind::Assign, snapshot, selection, request);
}

Result<UserTask> revoke_task(const TenantSnapshot& snapshot, const UserFilter& selection,
                             const LicenseRequest& request) {
  return license_task(UserTaskKind::Revoke, snapshot, selection, request);
}

Result<UserTask> set_properties_task(const TenantSnapshot& snapshot, const UserFilter& selection,
                                     const UserProperties& properties) {
  Lookup lookup(snapshot);
  auto targets = selected_targets(snapshot, selection, lookup);
  if (!targets.ok()) return targets.error();
  UserTask task;
  task.kind = UserTaskKind::SetProperties;
  task.desired = desired_for(snapshot);
  for (auto& target : *targets) {
    const User* user = target.user_id.empty() ? nullptr : lookup.active(target.user_id);
    if (user && target.unchanged.empty()) {
      if (property_patch(*user, properties).empty()) {
        target.unchanged.push_back("already has " +
                                   describe_property_patch(patch_body(properties)));
      } else {
        DesiredUser entry;
        entry.upn = user->user_principal_name;
        entry.properties = properties;
        task.desired.users.push_back(std::move(entry));
      }
    }
    task.targets.push_back(std::move(target));
  }
  return task;
}

std::vector<UserTaskTarget> active_targets(const TenantSnapshot& snapshot,
                                           const std::vector<std::string>& names) {
  Lookup lookup(snapshot);
  std::vector<UserTaskTarget> found, missing;
  std::unordered_set<std::string> seen;
  for (const auto& name : names) {
    const User* u = lookup.active(name);
    if (!u) {
      missing.push_back(missing_target(name, snapshot, lookup));
    } else if (seen.insert(u->id).second) {
      found.push_back(target_of(*u, name));
    }
  }
  sort_found(found);
  found.insert(found.end(), missing.begin(), missing.end());
  return found;
}

Result<UserTask> roles_task(const TenantSnapshot& snapshot, const std::vector<std::string>& names,
                            const RoleRequest& request) {
  std::vector<std::string> problems =
      role_problems(snapshot, request.add, /*adding=*/true, request.allow_privileged);
  for (auto& p : role_problems(snapshot, request.remove, /*adding=*/false, false)) {
    problems.push_back(std::move(p));
  }
  if (!problems.empty()) {
    std::string message;
    for (const auto& p : problems) message += (message.empty() ? "" : "\n") + p;
    return make_error(ErrorKind::Invalid, message, "InvalidRoleRequest");
  }
  UserTask task;
  task.kind = UserTaskKind::Roles;
  task.desired = desired_for(snapshot);
  task.targets = active_targets(snapshot, names);
  for (UserTaskTarget& t : task.targets) {
    if (t.user_id.empty()) continue;
    DesiredUser entry;
    entry.upn = t.upn;
    for (const auto& name : request.add) {
      const RoleDefinition& role = *find_role(snapshot.roles, name);
      if (held_role(snapshot, t.user_id, role)) {
        t.unchanged.push_back("already holds " + role.display_name);
      } else {
        entry.add_roles.push_back(role.id);
      }
    }
    for (const auto& name : request.remove) {
      const RoleDefinition& role = *find_role(snapshot.roles, name);
      if (held_role(snapshot, t.user_id, role)) {
        entry.remove_roles.push_back(role.id);
      } else {
        t.unchanged.push_back("does not hold " + role.display_name);
      }
    }
    if (!entry.add_roles.empty() || !entry.remove_roles.empty()) {
      task.desired.users.push_back(std::move(entry));
    }
  }
  return task;
}

std::vector<std::string> roles_of(const TenantSnapshot& snapshot, const std::string& user_id) {
  std::vector<std::string> out;
  for (const RoleAssignment& a : snapshot.role_assignments) {
    if (a.principal_id != user_id) continue;
    const RoleDefinition* role = find_role(snapshot.roles, a.role_definition_id);
    out.push_back(role ? role->display_name : a.role_definition_id);
  }
  std::sort(out.begin(), out.end(),
            [](const std::string& a, const std::string& b) { return iless(a, b); });
  return out;
}

UserTask delete_task(const TenantSnapshot& snapshot, const std::vector<std::string>& names) {
  Lookup lookup(snapshot);
  UserTask task;
  task.kind = UserTaskKind::Delete;
  task.desired = desired_for(snapshot);
  std::vector<UserTaskTarget> found, missing;
  std::unordered_set<std::string> seen;
  for (const auto& name : names) {
    if (const User* u = lookup.active(name)) {
      if (!seen.insert(u->id).second) continue;
      DesiredUser entry;
      entry.upn = u->user_principal_name;
      entry.state = DesiredUserState::Deleted;
      task.desired.users.push_back(std::move(entry));
      found.push_back(target_of(*u, name));
    } else if (const User* d = lookup.deleted(name)) {
      if (!seen.insert(d->id).second) continue;
      UserTaskTarget t = target_of(*d, name);
      t.upn = upn_before_deletion(*d);
      t.unchanged.push_back("already deleted (on " + d->deleted_date_time.value_or("?") + ")");
      found.push_back(std::move(t));
    } else {
      UserTaskTarget t;
      t.name = t.upn = name;
      t.problems.push_back("no user " + name + " in " + snapshot.tenant.default_domain_name);
      missing.push_back(std::move(t));
    }
  }
  sort_found(found);
  task.targets = std::move(found);
  task.targets.insert(task.targets.end(), missing.begin(), missing.end());
  return task;
}

UserTask restore_task(const TenantSnapshot& snapshot, const std::vector<std::string>& names,
                      const TenantSnapshot* before, const std::optional<std::string>& new_upn) {
  Lookup lookup(snapshot);
  std::optional<Lookup> earlier;
  if (before) earlier.emplace(*before);
  UserTask task;
  task.kind = UserTaskKind::Restore;
  task.desired = desired_for(snapshot);
  std::vector<UserTaskTarget> found, missing;
  std::unordered_set<std::string> seen;
  for (const auto& name : names) {
    if (const User* d = lookup.deleted(name)) {
      if (!seen.insert(d->id).second) continue;
      DesiredUser entry;
      entry.upn = d->id;  // this deleted user, whoever else has (had) its name
      entry.state = DesiredUserState::Active;
      entry.restore_as = new_upn;
      task.desired.users.push_back(std::move(entry));
      UserTaskTarget t = target_of(*d, name);
      t.upn = upn_before_deletion(*d);
      found.push_back(std::move(t));
      continue;
    }
    if (const User* u = lookup.active(name)) {
      if (!seen.insert(u->id).second) continue;
      UserTaskTarget t = target_of(*u, name);
      t.unchanged.push_back("is active: nothing to restore");
      found.push_back(std::move(t));
      continue;
    }
    UserTaskTarget t;
    t.name = t.upn = name;
    const User* gone = earlier ? earlier->deleted(name) : nullptr;
    if (gone) {
      t.upn = upn_before_deletion(*gone);
      t.user_id = gone->id;
      t.problems.push_back("cannot be restored: deleted on " +
                           gone->deleted_date_time.value_or("?") +
                           " and purged since (the service keeps deleted users for 30 days)");
    } else {
      t.problems.push_back("no soft-deleted user " + name + " in " +
                           snapshot.tenant.default_domain_name +
                           " (users deleted more than 30 days ago are purged and cannot be "
                           "restored)");
    }
    missing.push_back(std::move(t));
  }
  sort_found(found);
  task.targets = std::move(found);
  task.targets.insert(task.targets.end(), missing.begin(), missing.end());
  return task;
}

Result<UserTask> create_task(const TenantSnapshot& snapshot, const std::vector<ImportUser>& users,
                             const std::string& source, bool skip_existing,
                             const CreateTaskOptions& options) {
  Lookup lookup(snapshot);
  UserTask task;
  task.kind = UserTaskKind::Create;
  task.desired = desired_for(snapshot);
  std::string problems;
  auto problem = [&](const std::string& line) {
    problems += (problems.empty() ? "" : "\n") + line;
  };
  const std::vector<std::string> verified = verified_domain_names(snapshot.domains);
  bool domains_unknown_said = false;
  std::unordered_set<std::string> managed;
  for (const auto& u : users) {
    UserTaskTarget t;
    t.name = t.upn = u.upn;
    if (const User* existing = lookup.active(u.upn)) {
      t.upn = existing->user_principal_name;
      t.user_id = existing->id;
      if (skip_existing) {
        t.unchanged.push_back("already exists: skipped");
      } else {
        t.blocked.push_back("already exists: not created");
      }
      task.targets.push_back(std::move(t));
      continue;
    }
    const User* deleted = lookup.deleted_by_upn(u.upn);
    if (deleted && !options.reuse_deleted_upn) {
      t.blocked.push_back("a soft-deleted user (" + deleted->id + ", deleted on " +
                          deleted->deleted_date_time.value_or("?") +
                          ") holds this name: restore it (tenantsync users restore), or "
                          "create a new user under it with --reuse-deleted-upn (the deleted "
                          "one can then only be restored under another name)");
      task.targets.push_back(std::move(t));
      continue;
    }
    // The service creates users only in its verified domains: refuse the others here,
    // before anything is sent, naming the row.
    std::string row = source.empty() ? std::string() : source + ":" + std::to_string(u.line) + ": ";
    if (verified.empty()) {
      if (!domains_unknown_said) {
        problem("the domains of " + snapshot.tenant.default_domain_name +
                " are not known yet, so no user can be created: re-run the command once its "
                "mirror has read GET /domains (the app needs the Domain.Read.All permission)");
      }
      domains_unknown_said = true;
    } else if (std::string why = upn_domain_problem(u.upn, verified); !why.empty()) {
      problem(row + (source.empty() ? "--upn " : "") + "\"" + u.upn + "\": " + why);
    }
    DesiredUser entry;
    entry.upn = u.upn;
    entry.create_over_deleted = deleted != nullptr;
    entry.licenses.emplace();
    for (const auto& name : u.licenses) {
      std::string why;
      const Sku* sku = find_sku(snapshot, name, why);
      if (!sku) {
        problem((source.empty() ? std::string("--license: ") : row + "column \"licenses\": ") +
                why);
        continue;
      }
      if (managed.insert(ascii_lower(sku->sku_id)).second) {
        task.desired.managed_skus.push_back(sku->sku_id);
      }
      entry.licenses->push_back({sku->sku_id, {}, {}});
    }
    CreateSpec spec;
    spec.display_name = u.display_name;
    auto set = [](std::optional<std::string>& field, const std::string& value) {
      if (!value.empty()) field = value;
    };
    set(spec.usage_location, u.usage_location);
    set(spec.given_name, u.given_name);
    set(spec.surname, u.surname);
    set(spec.department, u.department);
    set(spec.job_title, u.job_title);
    for (const auto& why :
         role_problems(snapshot, u.roles, /*adding=*/true, options.allow_privileged_roles)) {
      problem((source.empty() ? std::string("--role: ") : row + "column \"roles\": ") + why);
    }
    for (const auto& name : u.roles) {
      if (const RoleDefinition* role = find_role(snapshot.roles, name)) {
        spec.roles.push_back(role->id);
      }
    }
    entry.create = std::move(spec);
    if (u.block_sign_in) entry.properties.account_enabled = false;  // in the create body
    task.desired.users.push_back(std::move(entry));
    task.targets.push_back(std::move(t));
  }
  if (!problems.empty()) return make_error(ErrorKind::Invalid, problems, "InvalidUserImport");
  return task;
}

}  // namespace tenantsync
