// The operations that bring each user what it should hold (license_targets.cpp decides
// what that is), user by user, and the run that orders them; the checks and the seats are
// apart (planner_checks.cpp, planner_seats.cpp, sharing planner_work.h).
#include "sync/plan/planner.h"

#include <algorithm>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "sync/ascii_case.h"
#include "sync/plan/desired_fingerprint.h"
#include "sync/plan/planner_work.h"
#include "sync/plan/property_change.h"
#include "sync/plan/role_catalogue.h"
#include "sync/user_import.h"

namespace tenantsync {

namespace planning {

namespace {

// Why nothing at all may be planned from this snapshot (the plan's one note), or "" when
// it can be planned. Gone: the partner may no longer act on the tenant. Another remote:
// the data may not describe the service we would write to. Never read whole: a first
// read that failed part way left a fraction of the users, and any of them may be missing.
std::string why_nothing_is_planned(const TenantSnapshot& snapshot) {
  // Damaged rows cannot be told from true ones: trusting the rest of the tenant would
  // still plan from a picture that is known to be wrong somewhere.
  if (snapshot.rows_fail_checksum()) {
    return checksum_failure_message(snapshot.tenant.default_domain_name);
  }
  if (!snapshot.gone_since.empty()) {
    return "tenant " + snapshot.gone_reason + " since " + snapshot.gone_since +
           ": nothing is planned";
  }
  if (!snapshot.other_graph_host.empty()) {
    return "tenant was mirrored from " + snapshot.other_graph_host +
           ", not from the configured remote.graphUrl: nothing is planned until mirror "
           "reads it from there";
  }
  if (snapshot.mirror == MirrorState::Never ||
      (snapshot.mirror == MirrorState::Stale && !snapshot.ever_complete)) {
    return snapshot.stale_reason.empty()
               ? "tenant was never mirrored; run mirror"
               : "tenant was never mirrored completely (" + snapshot.stale_reason +
                     "): nothing is planned; run mirror";
  }
  return "";
}

// Operations of one user, in the order the plan lists them.
int kind_rank(OpKind kind) {
  switch (kind) {
    case OpKind::Restore:
      return 0;
    case OpKind::SetProperties:  // before the licenses that need its usage location
      return 1;
    case OpKind::Revoke:
      return 2;
    case OpKind::Update:
      return 3;
    case OpKind::Assign:
      return 4;
    case OpKind::Delete:
      return 5;
    case OpKind::Create:
      return 6;
    case OpKind::RemoveRole:
      return 7;
    case OpKind::AddRole:
      return 8;
    case OpKind::ResetPassword:  // journal-only, never planned
      break;
  }
  return 9;
}

// Service plan ids compared as sets, ignoring case.
bool same_ids(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  if (a.empty() || b.empty()) return a.empty() && b.empty();
  std::vector<std::string> x, y;
  for (const auto& s : a) x.push_back(ascii_lower(s));
  for (const auto& s : b) y.push_back(ascii_lower(s));
  std::sort(x.begin(), x.end());
  x.erase(std::unique(x.begin(), x.end()), x.end());
  std::sort(y.begin(), y.end());
  y.erase(std::unique(y.begin(), y.end()), y.end());
  return x == y;
}

}  // namespace

void Planner::index() {
  shortfall_.assign(skus_.size(), 0);
  touched_.assign(skus_.size(), false);
  entry_used_.assign(desired_.users.size(), false);
  for (size_t i = 0; i < desired_.users.size(); ++i) {
    entry_by_key_.emplace(desired_.users[i].upn, i);  // the first entry wins
  }
}

std::string Planner::stale_reason() const {
  if (snapshot_.stale_reason.empty()) return "tenant mirror is stale; re-run mirror";
  return "tenant mirror is stale: " + snapshot_.stale_reason + "; re-run mirror";
}

size_t Planner::add_op(OpKind kind, const std::string& upn, const std::string& user_id, int sku) {
  Work w;
  w.op.op = kind;
  w.op.user = upn;
  w.op.user_id = user_id;
  w.sku = sku;
  if (sku >= 0) {
    w.op.sku = skus_[sku].sku_part_number;
    w.op.sku_id = skus_[sku].sku_id;
    touched_[sku] = true;
  }
  ops_.push_back(std::move(w));
  return ops_.size() - 1;
}

size_t Planner::add_license_op(size_t user, OpKind kind, int sku) {
  UserWork& u = users_[user];
  size_t op = add_op(kind, u.upn, u.id, sku);
  ops_[op].user = user;
  u.ops.push_back(op);
  return op;
}

void Planner::plan_active(const User& user) {
  const ResolvedUser* entry = entry_for(user.user_principal_name);
  if (!entry) entry = entry_for(user.id);  // an entry may name the object id
  if (entry && entry->ignore) return;
  if (entry && entry->state == DesiredUserState::Deleted) {
    size_t op = add_op(OpKind::Delete, user.user_principal_name, user.id, -1);
    static_checks(op);
    return;
  }
  if (entry) plan_roles(entry->add_roles, entry->remove_roles, user.user_principal_name, user.id);
  std::optional<std::string> location = user.usage_location;
  Attributes attrs{user.user_principal_name, user.department, user.job_title, &location};
  bool governed = false;
  const std::vector<Want>* wants = &targets_.wants_for(entry, attrs, governed);
  if (plan_properties(user, user.user_principal_name, entry, governed, location)) {
    wants = &targets_.wants_for(entry, attrs, governed);  // rules see the new usage location
  }
  std::vector<Held> held = targets_.held_of(user);
  if (wants->empty() && (held.empty() || !governed)) return;  // the common case: nothing to do

  users_.push_back({});
  UserWork& u = users_.back();
  u.upn = user.user_principal_name;
  u.key = ascii_lower(user.user_principal_name);
  u.id = user.id;
  u.seat_class = entry ? SeatClass::Explicit : SeatClass::Rule;
  u.usage_location = std::move(location);
  u.held = std::move(held);
  plan_licenses(users_.size() - 1, *wants, governed);
  if (users_.back().ops.empty()) users_.pop_back();
}

void Planner::plan_deleted(const User& user, const std::string& upn, const ResolvedUser& entry) {
  users_.push_back({});
  size_t index = users_.size() - 1;
  UserWork& u = users_.back();
  u.upn = upn;
  u.key = ascii_lower(upn);
  u.id = user.id;
  u.seat_class = SeatClass::Explicit;
  u.usage_location = user.usage_location;
  if (entry.restore_as) {
    u.upn = *entry.restore_as;
    u.key = ascii_lower(u.upn);
  }
  size_t op = add_op(OpKind::Restore, u.upn, user.id, -1);
  ops_[op].user = index;
  u.restore_op = op;
  if (entry.restore_as) {
    ops_[op].op.details = nlohmann::json{{"newUserPrincipalName", *entry.restore_as}};
    ops_[op].op.reason = "as " + *entry.restore_as + ", not " + upn;
  }
  static_checks(op);
  if (is_ready(op) && entry.restore_as) check_upn_domain(op);
  if (is_ready(op)) {
    if (const User* holder = active_holder(u.upn)) {
      const std::string who = holder->user_principal_name + " (" + holder->id + ")";
      block(op,
            (entry.restore_as ? "the new name " + u.upn + " is held by active user " + who +
                                    ": choose another --new-upn"
                              : "its name is held by active user " + who +
                                    ": restore it under another name with --new-upn, or rename or "
                                    "delete that user first") +
                " (Another object with the same value for property userPrincipalName "
                "already exists.)");
    }
  }
  Clock::time_point deleted;
  if (is_ready(op) && user.deleted_date_time && parse_iso8601(*user.deleted_date_time, deleted) &&
      now_ - deleted > kRestoreWindow) {
    block(op, "deleted on " + *user.deleted_date_time +
                  ", more than 30 days ago: the service no longer restores it");
  }
  if (!is_ready(op)) return;  // what it would hold afterwards cannot be planned
  u.held = targets_.held_of(user);
  for (const Held& h : u.held) touched_[h.sku] = true;
  std::optional<std::string> location = user.usage_location;
  Attributes attrs{upn, user.department, user.job_title, &location};
  bool governed = false;
  const std::vector<Want>* wants = &targets_.wants_for(&entry, attrs, governed);
  if (plan_properties(user, upn, &entry, governed, location)) {
    wants = &targets_.wants_for(&entry, attrs, governed);
  }
  users_[index].usage_location = std::move(location);
  plan_licenses(index, *wants, governed);
}

// The PATCH of the user's properties its entry asks for, and for a governed user (one with
// an entry, or whose licenses are decided) without a usage location the tenant's
// defaultUsageLocation. True when it is ready and gives the user a new usage location:
// `location` is then that one, and its licenses plan with it.
bool Planner::plan_properties(const User& user, const std::string& upn, const ResolvedUser* entry,
                              bool governed, std::optional<std::string>& location) {
  UserProperties wanted = entry ? entry->properties : UserProperties{};
  bool missing = !user.usage_location || user.usage_location->empty();
  if (!wanted.usage_location && (entry || governed) && missing) {
    wanted.usage_location = desired_.default_usage_location;
  }
  nlohmann::json patch = property_patch(user, wanted);
  if (patch.empty()) return false;
  size_t op = add_op(OpKind::SetProperties, upn, user.id, -1);
  ops_[op].op.details = patch;
  static_checks(op);
  if (!is_ready(op) || !patch.contains("usageLocation")) return false;
  location = patch["usageLocation"].get<std::string>();
  return true;
}

void Planner::plan_create(const ResolvedUser& entry) {
  const CreateSpec& spec = *entry.create;
  size_t op = add_op(OpKind::Create, entry.upn, "", -1);
  nlohmann::json details = {{"userPrincipalName", entry.upn},
                            {"displayName", spec.display_name},
                            {"mailNickname", mail_nickname_for(entry.upn)},
                            {"accountEnabled", true}};
  // `create` first, then the entry's own properties, then the tenant's default location.
  const UserProperties& props = entry.properties;
  std::optional<std::string> location = spec.usage_location    ? spec.usage_location
                                        : props.usage_location ? props.usage_location
                                                               : desired_.default_usage_location;
  auto put = [&](const char* key, const std::optional<std::string>& first,
                 const std::optional<std::string>& second) {
    if (first || second) details[key] = first ? *first : *second;
  };
  if (location) details["usageLocation"] = *location;
  put("givenName", spec.given_name, props.given_name);
  put("surname", spec.surname, props.surname);
  put("department", spec.department, props.department);
  put("jobTitle", spec.job_title, props.job_title);
  if (props.account_enabled) details["accountEnabled"] = *props.account_enabled;
  ops_[op].op.details = std::move(details);
  static_checks(op);
  if (!is_ready(op)) return;

  users_.push_back({});
  size_t index = users_.size() - 1;
  UserWork& u = users_.back();
  u.upn = entry.upn;
  u.key = ascii_lower(entry.upn);
  u.seat_class = SeatClass::Explicit;
  u.usage_location = location;
  ops_[op].user = index;
  static const std::string kEmpty;
  Attributes attrs{entry.upn, spec.department ? *spec.department : kEmpty,
                   spec.job_title ? *spec.job_title : kEmpty, &location};
  bool governed = false;
  const std::vector<Want>& wants = targets_.wants_for(&entry, attrs, governed);
  plan_licenses(index, wants, governed);
  if (users_.back().ops.empty()) users_.pop_back();
  plan_roles(entry.create_roles, {}, entry.upn, "");  // given once the executor created it
}

void Planner::plan_roles(const std::vector<RoleDefinition>& add_roles,
                         const std::vector<RoleDefinition>& remove_roles, const std::string& upn,
                         const std::string& user_id) {
  auto held = [&](const RoleDefinition& role) -> const RoleAssignment* {
    if (user_id.empty()) return nullptr;
    for (const RoleAssignment& a : snapshot_.role_assignments) {
      if (a.principal_id == user_id && iequals(a.role_definition_id, role.id)) return &a;
    }
    return nullptr;
  };
  auto add = [&](OpKind kind, const RoleDefinition& role, const std::string& assignment) {
    size_t op = add_op(kind, upn, user_id, -1);
    nlohmann::json details = {{"role", role.display_name}, {"roleDefinitionId", role.id}};
    if (!assignment.empty()) details["roleAssignmentId"] = assignment;
    ops_[op].op.details = std::move(details);
    static_checks(op);
    if (!is_ready(op)) return;
    if (kind == OpKind::AddRole && is_privileged_role(role) && !options_.allow_privileged_roles) {
      block(op, role.display_name +
                    " is a privileged role (it can change who may do what in the tenant): "
                    "pass --allow-privileged to give it");
    }
  };
  for (const RoleDefinition& role : add_roles) {
    if (role.id.empty() || !held(role)) add(OpKind::AddRole, role, "");
  }
  for (const RoleDefinition& role : remove_roles) {
    if (role.id.empty()) {
      add(OpKind::RemoveRole, role, "");
    } else if (const RoleAssignment* a = held(role)) {
      add(OpKind::RemoveRole, role, a->id);
    }
  }
}

void Planner::plan_licenses(size_t user, const std::vector<Want>& wants, bool governed) {
  for (const Want& w : wants) {
    const Held* h = held_for(users_[user], w.sku);
    if (h && h->direct) {
      if (same_ids(h->direct_disabled_ids, w.disabled_ids)) continue;
      size_t op = add_license_op(user, OpKind::Update, w.sku);
      ops_[op].op.disabled_plans = w.disabled_ids;
      ops_[op].op.newly_disabled_plans = newly_disabled(h->direct_disabled_ids, w.disabled_ids);
      ops_[op].disabled = w.disabled;
      static_checks(op);
    } else if (!h) {
      size_t op = add_license_op(user, OpKind::Assign, w.sku);
      ops_[op].op.disabled_plans = w.disabled_ids;
      ops_[op].disabled = w.disabled;
      static_checks(op);
    }
    // Held only through a group: counts as held.
  }
  if (!governed) return;
  const UserWork& u = users_[user];
  for (size_t i = 0; i < u.held.size(); ++i) {
    const Held& h = users_[user].held[i];
    if (!targets_.managed(h.sku)) continue;
    bool wanted =
        std::any_of(wants.begin(), wants.end(), [&](const Want& w) { return w.sku == h.sku; });
    if (wanted) continue;
    if (h.group) {
      plan_.notes.push_back(u.upn + " gets " + part(h.sku) + " from group " +
                            snapshot_.group_label(*h.group) +
                            "; remove the user from that group to take it away");
    }
    if (!h.direct) continue;
    bool frees = !h.group;
    bool restoring = u.restore_op != kNone;
    size_t op = add_license_op(user, OpKind::Revoke, h.sku);
    ops_[op].frees = frees;
    ops_[op].restored = restoring && frees;
    static_checks(op);
  }
}

TenantPlan Planner::run() {
  plan_.tenant = snapshot_.tenant.default_domain_name;
  plan_.tenant_id = snapshot_.tenant.id;
  plan_.mode = desired_.mode;
  if (std::string why = why_nothing_is_planned(snapshot_); !why.empty()) {
    plan_.notes.push_back(why);
    plan_.not_planned = std::move(why);
    return std::move(plan_);
  }
  if (snapshot_.mirror == MirrorState::Stale) plan_.stale = stale_reason();
  index();

  // Active users, in UPN order so notes come out in that order.
  std::vector<const User*> active;
  active.reserve(snapshot_.users.size());
  for (const auto& u : snapshot_.users) active.push_back(&u);
  auto by_upn = [](const User* a, const User* b) {
    return iless(a->user_principal_name, b->user_principal_name);
  };
  // A snapshot is by UPN already (as written; the same order unless capitals differ).
  if (!std::is_sorted(active.begin(), active.end(), by_upn)) {
    std::stable_sort(active.begin(), active.end(), by_upn);
  }
  for (const User* u : active) plan_active(*u);

  // Soft-deleted users with an entry no active user took; the latest deleted first.
  std::vector<std::pair<std::string, const User*>> deleted;
  for (const auto& u : snapshot_.deleted_users) {
    // The service prefixes a deleted user's UPN with its id (without dashes).
    std::string upn = u.user_principal_name;
    std::string prefix;
    for (char c : u.id) {
      if (c != '-') prefix += c;
    }
    if (!prefix.empty() && upn.size() > prefix.size() &&
        iequals(upn.substr(0, prefix.size()), prefix)) {
      upn = upn.substr(prefix.size());
    }
    deleted.emplace_back(std::move(upn), &u);
  }
  std::sort(deleted.begin(), deleted.end(), [](const auto& a, const auto& b) {
    if (!iequals(a.first, b.first)) return iless(a.first, b.first);
    std::string da = a.second->deleted_date_time.value_or("");
    std::string db = b.second->deleted_date_time.value_or("");
    if (da != db) return da > db;
    return a.second->id < b.second->id;
  });
  for (const auto& [upn, user] : deleted) {
    // An entry naming this user's object id is for it alone; one naming the UPN goes to
    // the latest deleted user of that name, unless an active user took it.
    auto it = entry_by_key_.find(user->id);
    if (it == entry_by_key_.end() || entry_used_[it->second]) {
      it = entry_by_key_.find(upn);
      // --reuse-deleted-upn: the entry is for a new user that takes this one's name.
      if (it != entry_by_key_.end() && desired_.users[it->second].create_over_deleted) continue;
    }
    if (it == entry_by_key_.end() || entry_used_[it->second]) continue;
    entry_used_[it->second] = true;
    const ResolvedUser& entry = desired_.users[it->second];
    if (entry.ignore || entry.state == DesiredUserState::Deleted) continue;
    plan_deleted(*user, upn, entry);
  }

  // Desired users that exist nowhere: created, or noted.
  for (size_t i = 0; i < desired_.users.size(); ++i) {
    const ResolvedUser& entry = desired_.users[i];
    if (entry.ignore) plan_.ignored_users.push_back(entry.upn);
    if (entry_used_[i] || entry.ignore || entry.state == DesiredUserState::Deleted) continue;
    auto first = entry_by_key_.find(entry.upn);
    if (first->second != i) continue;  // a duplicate entry (resolution refuses those)
    if (entry.create) {
      plan_create(entry);
      continue;
    }
    std::string where = entry.location.file;
    if (entry.location.line > 0) where += ":" + std::to_string(entry.location.line);
    plan_.notes.push_back((where.empty() ? "" : where + ": ") + entry.upn +
                          " does not exist in tenant; not created (add \"create\" to create it)");
    plan_.missing_users.push_back(entry.upn);
  }
  std::sort(plan_.ignored_users.begin(), plan_.ignored_users.end(),
            [](const std::string& a, const std::string& b) { return iless(a, b); });

  for (size_t u = 0; u < users_.size(); ++u) validate(u);
  allocate_seats();
  settle();

  plan_.seats = seat_lines();
  std::vector<size_t> order(ops_.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    const Operation& x = ops_[a].op;
    const Operation& y = ops_[b].op;
    if (x.user != y.user) return iless(x.user, y.user);
    if (x.op != y.op) return kind_rank(x.op) < kind_rank(y.op);
    if (x.sku != y.sku) return iless(x.sku, y.sku);
    if (x.sku_id != y.sku_id) return x.sku_id < y.sku_id;
    return iless(role_name(x), role_name(y));
  });
  plan_.operations.reserve(order.size());
  for (size_t i : order) plan_.operations.push_back(std::move(ops_[i].op));
  return std::move(plan_);
}

}  // namespace planning

TenantPlan plan_tenant(const TenantSnapshot& snapshot, const ResolvedTenant& desired,
                       const ServiceRules& rules, Clock::time_point now,
                       const PlanOptions& options) {
  return planning::Planner(snapshot, desired, rules, now, options).run();
}

Result<TenantPlan> plan_tenant(const TenantSnapshot& snapshot, const DesiredTenant& desired,
                               const ServiceRules& rules, Clock::time_point now,
                               const PlanOptions& options) {
  TenantPlan plan;
  if (!planning::why_nothing_is_planned(snapshot).empty()) {
    ResolvedTenant empty;
    empty.mode = desired.mode;
    plan = plan_tenant(snapshot, empty, rules, now, options);
  } else {
    auto resolved = resolve_desired_tenant(desired, snapshot);
    if (!resolved) return resolved.error();
    plan = plan_tenant(snapshot, *resolved, rules, now, options);
  }
  plan.desired_fingerprint = desired_fingerprint(desired);
  return plan;
}

}  // namespace tenantsync
