// Over 500 lines: one builder per task (assign, revoke, users add / import / set / delete
// / restore / roles), each short, all turning a command into a desired state the same way.
#include "sync/tasks/user_task.h"
#include "sync/text_join.h"

#include <algorithm>
#include <optional>
#include <unordered_map>
#include <unordered_set>

#include "sync/ascii_case.h"
#include "sync/plan/property_change.h"
#include "sync/plan/role_catalogue.h"
#include "sync/plan/service_rules.h"

namespace tenantsync {

namespace {

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

// Every SKU the filter names is the tenant's, else an error naming each unknown one.
Status filter_skus_known(const TenantSnapshot& snapshot, const UserFilter& selection) {
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
  return Status{};
}

// A named user whose sign-in is blocked is acted on (the admin named it) but said so.
void note_sign_in_blocked(const User& user, UserTaskTarget& target) {
  if (!user.account_enabled) {
    target.notes.push_back("sign-in is blocked (named explicitly, so not skipped)");
  }
}

// The users a selection names or matches, as targets (see select_users).
Result<std::vector<UserTaskTarget>> selected_targets(const TenantSnapshot& snapshot,
                                                     const UserFilter& selection,
                                                     const Lookup& lookup) {
  if (Status known = filter_skus_known(snapshot, selection); !known.ok()) return known.error();

  // Blocked accounts are left out of a filter's match unless the command or the filter
  // asks for them: seats and changes go to people who can sign in.
  bool skip_blocked = !selection.include_disabled && selection.account_enabled != false;
  std::vector<UserTaskTarget> found, missing;
  if (selection.users.empty()) {
    for (const auto& u : snapshot.users) {
      if (!matches(selection, u, snapshot.skus)) continue;
      found.push_back(target_of(u, u.user_principal_name));
      if (skip_blocked && !u.account_enabled) {
        found.back().skipped_sign_in_blocked = true;
        found.back().unchanged.push_back(
            "not selected: sign-in blocked: skipped; --include-disabled to include");
      }
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
      note_sign_in_blocked(*u, found.back());
      if (!matches(rest, *u, snapshot.skus)) {
        found.back().unchanged.push_back("not selected: does not match the filter");
      }
    }
  }
  sort_found(found);
  found.insert(found.end(), missing.begin(), missing.end());
  return found;
}

// The SKUs `names` name (`flag` says which option gave them), resolved; every unknown
// one reported at once.
Result<std::vector<const Sku*>> requested_skus(const TenantSnapshot& snapshot,
                                               const std::vector<std::string>& names,
                                               const std::string& flag) {
  std::vector<const Sku*> skus;
  std::string problems;
  for (const auto& name : names) {
    std::string problem;
    const Sku* sku = find_sku(snapshot, name, problem);
    if (!sku) {
      problems += (problems.empty() ? "" : "\n") + (flag + ": " + problem);
      continue;
    }
    if (std::find(skus.begin(), skus.end(), sku) == skus.end()) skus.push_back(sku);
  }
  if (!problems.empty()) return make_error(ErrorKind::Invalid, problems);
  return skus;
}

std::string plan_list(const Sku& sku) {
  std::vector<std::string> names;
  for (const auto& p : sku.service_plans) names.push_back(p.service_plan_name);
  std::sort(names.begin(), names.end());
  return sku.sku_part_number + "'s plans are " + join(names);
}

std::string plan_name(const Sku& sku, const std::string& id) {
  const ServicePlan* p = sku.find_plan(id);
  return p ? p->service_plan_name : id;
}

// Per requested SKU, the plan ids the request disables: the --disable-plan plans it has,
// or with --enable-only every plan it has but those; nullopt when the request says
// nothing about the SKU's plans. A plan no SKU has, or (--enable-only) a SKU none of the
// named plans belongs to, is an error listing the plans.
using RequestedPlans = std::vector<std::optional<std::vector<std::string>>>;
Result<RequestedPlans> requested_plans(const std::vector<const Sku*>& skus,
                                       const LicenseRequest& request) {
  bool enable_only = !request.enabled_only.empty();
  const auto& names = enable_only ? request.enabled_only : request.disabled_plans;
  const std::string flag = enable_only ? "--enable-only" : "--disable-plan";
  std::vector<std::vector<std::string>> named(skus.size());
  std::string problems;
  auto problem = [&](const std::string& text) {
    problems += (problems.empty() ? "" : "\n") + (flag + ": " + text);
  };
  for (const auto& name : names) {
    bool found = false;
    for (size_t i = 0; i < skus.size(); ++i) {
      for (const auto& p : skus[i]->service_plans) {
        if (!iequals(p.service_plan_name, name) && !iequals(p.service_plan_id, name)) continue;
        found = true;
        named[i].push_back(p.service_plan_id);
      }
    }
    if (found) continue;
    std::string plans;
    for (const Sku* sku : skus) plans += (plans.empty() ? "" : "; ") + plan_list(*sku);
    problem("no service plan " + name + " in the SKUs given (" + plans + ")");
  }
  RequestedPlans out(skus.size());
  for (size_t i = 0; i < skus.size(); ++i) {
    if (!enable_only) {
      if (!named[i].empty()) out[i] = named[i];
      continue;
    }
    if (named[i].empty()) {
      if (!names.empty()) {
        problem("names no plan of " + skus[i]->sku_part_number + " (" + plan_list(*skus[i]) +
                "); assign it in a command of its own");
      }
      continue;
    }
    std::vector<std::string> off;
    for (const auto& p : skus[i]->service_plans) {
      if (std::none_of(named[i].begin(), named[i].end(),
                       [&](const std::string& id) { return iequals(id, p.service_plan_id); }))
        off.push_back(p.service_plan_id);
    }
    out[i] = std::move(off);
  }
  if (!problems.empty()) return make_error(ErrorKind::Invalid, problems);
  return out;
}

// The plans a user gets disabled on `sku`: what the request asks, except that a direct
// holder keeps what it has disabled unless the request resets plans. Notes what was kept
// and returns its ids in `kept`: disabled only because the user had them disabled.
std::vector<std::string> plans_for(const Sku& sku, const Holding& h,
                                   const std::optional<std::vector<std::string>>& requested,
                                   HolderPlans mode, UserTaskTarget& target,
                                   std::vector<std::string>& kept) {
  if (!h.direct) return requested.value_or(std::vector<std::string>{});
  if (mode == HolderPlans::Reset) return requested.value_or(std::vector<std::string>{});
  std::vector<std::string> plans = h.direct_disabled;
  for (const auto& id : h.direct_disabled) {
    if (!requested || std::none_of(requested->begin(), requested->end(),
                                   [&](const std::string& r) { return iequals(r, id); }))
      kept.push_back(id);
  }
  for (const auto& id : requested.value_or(std::vector<std::string>{})) {
    if (std::none_of(plans.begin(), plans.end(),
                     [&](const std::string& p) { return iequals(p, id); }))
      plans.push_back(id);
  }
  if (!kept.empty()) {
    std::vector<std::string> names;
    for (const auto& id : kept) names.push_back(plan_name(sku, id));
    std::sort(names.begin(), names.end());
    target.unchanged.push_back("keeps " + join(names) + " of " + sku.sku_part_number +
                               " disabled as before (--reset-plans to enable)");
  }
  return plans;
}

// In a swap, a plan of the kept SKU that stays disabled only because the user had it so,
// whose counterpart in a removed SKU the user has enabled (EXCHANGE_S_ENTERPRISE of
// SPE_E3 for EXCHANGE_S_STANDARD of EXCHANGESTANDARD): the swap would leave the user with
// neither. Returns why, naming both, or "" when the swap loses no such service.
std::string service_lost_in_swap(const User& user, const Sku& kept_sku,
                                 const std::vector<std::string>& kept,
                                 const std::vector<const Sku*>& removed) {
  static const ServiceRules rules = ServiceRules::builtin();
  for (const auto& id : kept) {
    const ServicePlan* off = kept_sku.find_plan(id);
    if (!off) continue;
    for (const Sku* r : removed) {
      Holding h = holding(user, r->sku_id);
      if (!h.direct) continue;
      for (const ServicePlan& on : r->service_plans) {
        bool enabled =
            std::none_of(h.direct_disabled.begin(), h.direct_disabled.end(),
                         [&](const std::string& d) { return iequals(d, on.service_plan_id); });
        if (enabled && rules.mutually_exclusive(*off, on)) {
          return "the user has " + off->service_plan_name + " of " + kept_sku.sku_part_number +
                 " disabled: removing " + r->sku_part_number + " takes " + on.service_plan_name +
                 ", so it would hold neither: add --reset-plans to enable " +
                 off->service_plan_name +
                 " (with --disable-plan for plans to keep off), or --keep-plans to swap anyway; "
                 "nothing is sent for this user";
        }
      }
    }
  }
  return "";
}

// Revoke's view of one SKU for a user: whether its direct assignment goes (true), noting
// why not when it cannot or need not.
bool revocable(const TenantSnapshot& snapshot, const Sku& sku, const Holding& h,
               UserTaskTarget& target) {
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
  return h.direct;
}

Result<UserTask> license_task(UserTaskKind kind, const TenantSnapshot& snapshot,
                              const UserFilter& selection, const LicenseRequest& request) {
  auto skus = requested_skus(snapshot, request.skus, "--sku");
  if (!skus.ok()) return skus.error();
  if (skus->empty()) return make_error(ErrorKind::Invalid, "--sku: no SKU given");
  auto removed = requested_skus(snapshot, request.remove_skus, "--remove-sku");
  if (!removed.ok()) return removed.error();
  for (const Sku* r : *removed) {
    if (std::find(skus->begin(), skus->end(), r) != skus->end()) {
      return make_error(ErrorKind::Invalid,
                        r->sku_part_number + " is both in --sku and in --remove-sku");
    }
  }
  RequestedPlans plans(skus->size());
  if (kind == UserTaskKind::Assign) {
    auto requested = requested_plans(*skus, request);
    if (!requested.ok()) return requested.error();
    plans = std::move(*requested);
  }
  Lookup lookup(snapshot);
  auto targets = selected_targets(snapshot, selection, lookup);
  if (!targets.ok()) return targets.error();

  UserTask task;
  task.kind = kind;
  task.desired = desired_for(snapshot);
  for (const Sku* sku : *skus) task.desired.managed_skus.push_back(sku->sku_id);
  for (const Sku* sku : *removed) task.desired.managed_skus.push_back(sku->sku_id);
  for (auto& target : *targets) {
    const User* user = target.user_id.empty() ? nullptr : lookup.active(target.user_id);
    if (!user || !target.unchanged.empty()) {
      task.targets.push_back(std::move(target));
      continue;
    }
    DesiredUser entry;
    entry.upn = user->user_principal_name;
    entry.licenses.emplace();
    bool swap_blocked = false;
    for (const Sku* sku : *removed) {
      Holding h = holding(*user, sku->sku_id);
      if (!h.direct && h.group) {
        swap_blocked = true;
        target.blocked.push_back(sku->sku_part_number + " comes from group " +
                                 snapshot.group_label(*h.group) +
                                 ": remove the user from that group first; nothing is sent "
                                 "for this user");
      } else {
        revocable(snapshot, *sku, h, target);
      }
    }
    for (size_t i = 0; i < skus->size() && !swap_blocked; ++i) {
      const Sku& sku = *(*skus)[i];
      Holding h = holding(*user, sku.sku_id);
      if (kind == UserTaskKind::Revoke) {
        revocable(snapshot, sku, h, target);
        continue;
      }
      std::vector<std::string> kept;
      std::vector<std::string> disabled =
          plans_for(sku, h, plans[i], request.holder_plans, target, kept);
      if (!request.keep_plans_asked) {
        std::string lost = service_lost_in_swap(*user, sku, kept, *removed);
        if (!lost.empty()) {
          swap_blocked = true;
          target.blocked.push_back(lost);
          break;
        }
      }
      if (h.direct && same_ids(h.direct_disabled, disabled)) {
        target.unchanged.push_back("already holds " + sku.sku_part_number);
      } else if (!h.direct && h.group) {
        target.unchanged.push_back("already holds " + sku.sku_part_number + " through group " +
                                   snapshot.group_label(*h.group));
      }
      entry.licenses->push_back({sku.sku_id, std::move(disabled), {}});
    }
    if (!swap_blocked) task.desired.users.push_back(std::move(entry));
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
      note_sign_in_blocked(*u, found.back());
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
  // Named by display name or template id, one role may hide under two names.
  for (const auto& name : request.remove) {
    const RoleDefinition* removed = find_role(snapshot.roles, name);
    for (const auto& added : request.add) {
      if (find_role(snapshot.roles, added) == removed) {
        return make_error(ErrorKind::Invalid,
                          removed->display_name + " is both in --add and in --remove",
                          "InvalidRoleRequest");
      }
    }
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

Result<std::vector<UserTaskTarget>> select_users(const TenantSnapshot& snapshot,
                                                 const UserFilter& selection) {
  Lookup lookup(snapshot);
  return selected_targets(snapshot, selection, lookup);
}

Result<std::vector<std::string>> deleted_users_matching(const TenantSnapshot& snapshot,
                                                        const UserFilter& selection) {
  if (Status known = filter_skus_known(snapshot, selection); !known.ok()) return known.error();
  std::vector<std::pair<std::string, std::string>> found;  // former UPN, id
  for (const User& d : snapshot.deleted_users) {
    User as_it_was = d;
    as_it_was.user_principal_name = upn_before_deletion(d);
    if (matches(selection, as_it_was, snapshot.skus)) {
      found.emplace_back(as_it_was.user_principal_name, d.id);
    }
  }
  std::stable_sort(found.begin(), found.end(),
                   [](const auto& a, const auto& b) { return iless(a.first, b.first); });
  std::vector<std::string> ids;
  for (auto& f : found) ids.push_back(std::move(f.second));
  return ids;
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
  // The row's licenses, as SKUs of the tenant (each added to the managed ones); a name
  // the tenant does not have is a problem of the row.
  auto row_skus = [&](const ImportUser& u, const std::string& row) {
    std::vector<const Sku*> skus;
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
      skus.push_back(sku);
    }
    return skus;
  };
  auto row_roles = [&](const ImportUser& u, const std::string& row) {
    std::vector<const RoleDefinition*> roles;
    for (const auto& why :
         role_problems(snapshot, u.roles, /*adding=*/true, options.allow_privileged_roles)) {
      problem((source.empty() ? std::string("--role: ") : row + "column \"roles\": ") + why);
    }
    for (const auto& name : u.roles) {
      if (const RoleDefinition* role = find_role(snapshot.roles, name)) roles.push_back(role);
    }
    return roles;
  };
  // Existing users a re-run completes, with their entries in task.desired.users.
  std::vector<std::pair<const User*, size_t>> completed;
  for (const auto& u : users) {
    UserTaskTarget t;
    t.name = t.upn = u.upn;
    std::string row = source.empty() ? std::string() : source + ":" + std::to_string(u.line) + ": ";
    if (const User* existing = lookup.active(u.upn)) {
      t.upn = existing->user_principal_name;
      t.user_id = existing->id;
      if (!skip_existing) {
        t.blocked.push_back("already exists: not created");
        task.targets.push_back(std::move(t));
        continue;
      }
      // Running the same file again finishes what an earlier run could not (a license
      // short of seats): the user gets the row's licenses and roles it lacks. Nothing is
      // taken away, and of its properties only a missing usage location is filled, as a
      // license needs one.
      DesiredUser entry;
      entry.upn = existing->user_principal_name;
      entry.licenses.emplace();
      for (const Sku* sku : row_skus(u, row)) {
        Holding h = holding(*existing, sku->sku_id);
        if (!h.direct && !h.group) entry.licenses->push_back({sku->sku_id, {}, {}});
      }
      for (const RoleDefinition* role : row_roles(u, row)) {
        if (!held_role(snapshot, existing->id, *role)) entry.add_roles.push_back(role->id);
      }
      if (entry.licenses->empty() && entry.add_roles.empty()) {
        t.unchanged.push_back("already exists: skipped");
      } else {
        t.unchanged.push_back("already exists: not created again");
        if (!entry.licenses->empty() && !existing->usage_location && !u.usage_location.empty()) {
          entry.properties.usage_location = u.usage_location;
        }
        completed.emplace_back(existing, task.desired.users.size());
        task.desired.users.push_back(std::move(entry));
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
    for (const Sku* sku : row_skus(u, row)) entry.licenses->push_back({sku->sku_id, {}, {}});
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
    for (const RoleDefinition* role : row_roles(u, row)) spec.roles.push_back(role->id);
    entry.create = std::move(spec);
    if (u.block_sign_in) entry.properties.account_enabled = false;  // in the create body
    task.desired.users.push_back(std::move(entry));
    task.targets.push_back(std::move(t));
  }
  if (!problems.empty()) return make_error(ErrorKind::Invalid, problems, "InvalidUserImport");
  // What a completed user holds of the managed SKUs stays as it is: its entry lists it, so
  // the planner takes nothing away (one held only through a group counts as held).
  for (const auto& [user, index] : completed) {
    auto& licenses = *task.desired.users[index].licenses;
    for (const auto& sku_id : task.desired.managed_skus) {
      Holding h = holding(*user, sku_id);
      if (h.direct) {
        licenses.push_back({sku_id, std::move(h.direct_disabled), {}});
      } else if (h.group) {
        licenses.push_back({sku_id, {}, {}});
      }
    }
  }
  return task;
}

}  // namespace tenantsync
