#include "sync/plan/planner.h"

#include <algorithm>
#include <iterator>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "sync/ascii_case.h"
#include "sync/plan/property_change.h"
#include "sync/plan/role_catalogue.h"
#include "sync/plan/seat_ledger.h"
#include "sync/user_import.h"

namespace tenantsync {

namespace {

// Why nothing at all may be planned from this snapshot (the plan's one note), or "" when
// it can be planned. Gone: the partner may no longer act on the tenant. Another remote:
// the data may not describe the service we would write to. Never read whole: a first
// read that failed part way left a fraction of the users, and any of them may be missing.
std::string why_nothing_is_planned(const TenantSnapshot& snapshot) {
  // Damaged rows cannot be told from true ones: trusting the rest of the tenant would
  // still plan from a picture that is known to be wrong somewhere.
  if (!snapshot.failing_checksum.empty()) {
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

constexpr size_t kNone = static_cast<size_t>(-1);

const char* const kRolesUnknown =
    "the tenant's admin roles are not known yet: the next mirror reads them (the app needs "
    "RoleManagement.Read.Directory)";
const char* const kDomainsUnknown =
    "the tenant's domains are not known yet, so the user's domain cannot be checked: re-run "
    "mirror (it reads GET /domains, which needs the Domain.Read.All permission)";

// The service's answer to a user principal name outside the verified domains.
const char* const kUnverifiedDomainMessage =
    "The domain portion of the userPrincipalName property is invalid. You must use one of the "
    "verified domain names in your organization.";

const char* const kUsageLocationMessage =
    "License assignment cannot be done for user with invalid usage location.";

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

bool contains(const std::vector<int>& sorted, int value) {
  return std::binary_search(sorted.begin(), sorted.end(), value);
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

// The ids of `after` that `before` lacks: the plans an update disables that were enabled.
std::vector<std::string> newly_disabled(const std::vector<std::string>& before,
                                        const std::vector<std::string>& after) {
  std::vector<std::string> out;
  for (const auto& id : after) {
    bool found = std::any_of(before.begin(), before.end(),
                             [&](const std::string& b) { return iequals(b, id); });
    if (!found) out.push_back(id);
  }
  return out;
}

// "a@x.com" matches "@x.com" and "x.com"; "a@sales.x.com" matches "x.com" too.
bool upn_suffix_matches(std::string_view upn, std::string_view suffix) {
  if (suffix.empty() || !iends_with(upn, suffix)) return false;
  if (suffix.front() == '@' || suffix.front() == '.') return true;
  if (upn.size() == suffix.size()) return false;
  char before = upn[upn.size() - suffix.size() - 1];
  return before == '@' || before == '.';
}

// The attributes rules match on.
struct Attributes {
  std::string_view upn;
  std::string_view department;
  std::string_view job_title;
  const std::optional<std::string>* usage_location;
};

bool rule_matches(const RuleMatch& where, const Attributes& a) {
  if (where.department && !iequals(*where.department, a.department)) return false;
  if (where.job_title && !iequals(*where.job_title, a.job_title)) return false;
  if (where.usage_location &&
      (!*a.usage_location || !iequals(*where.usage_location, **a.usage_location))) {
    return false;
  }
  if (where.upn_suffix && !upn_suffix_matches(a.upn, *where.upn_suffix)) return false;
  return true;
}

// A license a user should hold.
struct Want {
  int sku = -1;
  std::vector<std::string> disabled_ids;  // canonical ids, sorted
  std::vector<int> disabled;              // plan indices, sorted
};

// A license a user holds (or will hold again once restored), direct and/or inherited.
struct Held {
  int sku = -1;
  bool direct = false;
  std::vector<std::string> direct_disabled_ids;
  std::vector<int> direct_disabled;  // plan indices, sorted
  std::optional<std::string> group;  // the first group it is inherited from
  std::vector<int> group_disabled;
};

enum class SeatClass { Restore = 0, Explicit = 1, Rule = 2 };

// One operation being planned.
struct Work {
  Operation op;
  int sku = -1;
  size_t user = kNone;        // index into Planner::users_
  std::vector<int> disabled;  // assign/update: plan indices the new license disables
  bool frees = false;         // revoke: the SKU is not also inherited, so a seat comes free
  bool releases = false;      // revoke: counted as a released seat in the ledger right now
  bool restored = false;      // revoke of a license a restore brings back (frees nothing)
  bool forced = false;        // revoke of a license a restore brings back that cannot stay
  bool seatless = false;      // forced because its SKU has no free seat
};

struct UserWork {
  std::string upn;
  std::string key;  // ascii_lower(upn), the sort key
  std::string id;
  SeatClass seat_class = SeatClass::Rule;
  std::optional<std::string> usage_location;
  std::vector<Held> held;   // by SKU index
  std::vector<size_t> ops;  // its license operations (assign, revoke, update)
  size_t restore_op = kNone;
};

struct Demand {
  SeatClass seat_class;
  size_t user;
  int sku;
  size_t op;  // the assignment; kNone for a license a restore brings back
};

// Enabled service plans of a set of licenses, as counts per plan index. Reused across
// users: clear() resets only what was touched.
class PlanCounts {
 public:
  explicit PlanCounts(int plans) : count_(static_cast<size_t>(plans), 0) {}
  void add(const std::vector<int>& plans, const std::vector<int>& disabled) {
    for (int p : plans) {
      if (contains(disabled, p)) continue;
      if (count_[p]++ == 0) touched_.push_back(p);
    }
  }
  int operator[](int plan) const { return count_[plan]; }
  void clear() {
    for (int p : touched_) count_[p] = 0;
    touched_.clear();
  }

 private:
  std::vector<int> count_;
  std::vector<int> touched_;
};

class Planner {
 public:
  Planner(const TenantSnapshot& snapshot, const ResolvedTenant& desired, const ServiceRules& rules,
          Clock::time_point now, const PlanOptions& options)
      : snapshot_(snapshot),
        desired_(desired),
        now_(now),
        options_(options),
        skus_(sorted_skus(snapshot.skus)),
        tenant_rules_(rules.for_tenant(skus_)),
        ledger_(skus_, options.use_grace_seats),
        before_(tenant_rules_.plan_count()),
        after_(tenant_rules_.plan_count()) {}

  TenantPlan run();

 private:
  struct AfterLicense {
    int sku;
    const std::vector<int>* disabled;
    size_t op;               // the ready assign/update that brings it, or kNone when kept as is
    bool inherited = false;  // from a group: the user keeps it whatever it is sent
  };

  static std::vector<Sku> sorted_skus(std::vector<Sku> skus) {
    std::sort(skus.begin(), skus.end(), [](const Sku& a, const Sku& b) {
      if (a.sku_part_number != b.sku_part_number) {
        return iless(a.sku_part_number, b.sku_part_number);
      }
      return a.sku_id < b.sku_id;
    });
    return skus;
  }

  void index();
  std::vector<Want> wants_of(const std::vector<ResolvedLicense>& licenses) const;
  std::vector<int> plan_indices(const std::vector<std::string>& ids) const;
  int sku_index(const std::string& sku_id) const {
    auto it = sku_by_id_.find(ascii_lower(sku_id));
    return it == sku_by_id_.end() ? -1 : it->second;
  }
  const ResolvedUser* entry_for(const std::string& key) {
    auto it = entry_by_key_.find(key);
    if (it == entry_by_key_.end()) return nullptr;
    entry_used_[it->second] = true;
    return &desired_.users[it->second];
  }

  std::vector<Held> held_of(const User& user) const;
  // The active user whose UPN is `upn` (any case), or nullptr.
  const User* active_holder(const std::string& upn);
  // What the user should hold; `governed` says whether undesired managed SKUs go.
  const std::vector<Want>& wants_for(const ResolvedUser* entry, const Attributes& attrs,
                                     bool& governed);

  void plan_active(const User& user);
  void plan_deleted(const User& user, const std::string& upn, const ResolvedUser& entry);
  void plan_create(const ResolvedUser& entry);
  void plan_licenses(size_t user, const std::vector<Want>& wants, bool governed);
  void plan_roles(const std::vector<RoleDefinition>& add, const std::vector<RoleDefinition>& remove,
                  const std::string& upn, const std::string& user_id);
  bool plan_properties(const User& user, const std::string& upn, const ResolvedUser* entry,
                       bool governed, std::optional<std::string>& location);

  size_t add_op(OpKind kind, const std::string& upn, const std::string& user_id, int sku);
  size_t add_license_op(size_t user, OpKind kind, int sku);
  std::string stale_reason() const;
  void static_checks(size_t op);
  void check_create(size_t op);      // the UPN's domain, and whether users can be created now
  void check_upn_domain(size_t op);  // the operation's UPN is in a verified domain
  void block(size_t op, std::string reason);
  bool is_ready(size_t op) const { return ops_[op].op.status == OpStatus::Ready; }

  void build_sets(const UserWork& user);
  bool enables(int sku, const std::vector<int>& disabled, int plan) const {
    return contains(tenant_rules_.sku_plans(sku), plan) && !contains(disabled, plan);
  }
  const Held* held_for(const UserWork& user, int sku) const;
  size_t license_op(const UserWork& user, int sku) const;
  void validate(size_t user);
  bool check_exclusive();
  bool check_dependencies(const UserWork& user);
  bool leaves_with(const UserWork& user, int plan, const std::string& why,
                   std::vector<std::pair<int, std::string>>& leaving) const;
  void cannot_come_back(size_t user, int sku, std::string reason, bool holds_seat);
  bool check_held_back(const UserWork& user);

  void allocate_seats();
  void lose(size_t demand);
  void settle();
  std::vector<SeatLine> seat_lines() const;
  const std::string& part(int sku) const { return skus_[sku].sku_part_number; }
  const std::string& plan_name(int plan) const {
    const ServicePlan& p = tenant_rules_.plan(plan);
    return p.service_plan_name.empty() ? p.service_plan_id : p.service_plan_name;
  }

  const TenantSnapshot& snapshot_;
  const ResolvedTenant& desired_;
  Clock::time_point now_;
  const PlanOptions& options_;
  std::vector<Sku> skus_;  // sorted by part number
  TenantServiceRules tenant_rules_;
  SeatLedger ledger_;
  PlanCounts before_, after_;
  std::vector<AfterLicense> after_licenses_;

  std::unordered_map<std::string, int> sku_by_id_;  // lower-case sku id -> index
  std::vector<bool> managed_;
  std::unordered_map<std::string, size_t> entry_by_key_;        // lower-case upn (or id) -> entry
  std::unordered_map<std::string, const User*> active_by_upn_;  // lower-case upn; on demand
  std::vector<bool> entry_used_;
  std::vector<std::optional<std::vector<Want>>> entry_wants_;
  std::vector<std::vector<Want>> rule_wants_;
  std::vector<Want> merged_wants_;  // scratch for users matching several rules
  const std::vector<Want> no_wants_;

  std::vector<Work> ops_;
  std::vector<UserWork> users_;  // users with license operations or a restore
  std::vector<Demand> demands_;
  std::vector<size_t> worklist_;  // users to validate again
  std::vector<int> dirty_;        // SKUs whose seat capacity shrank
  std::vector<int> shortfall_;
  std::vector<bool> touched_;  // SKUs the plan touches
  bool seats_open_ = false;
  TenantPlan plan_;
};

void Planner::index() {
  for (size_t i = 0; i < skus_.size(); ++i) {
    sku_by_id_.emplace(ascii_lower(skus_[i].sku_id), static_cast<int>(i));
  }
  managed_.assign(skus_.size(), false);
  for (const auto& id : desired_.managed_sku_ids) {
    int sku = sku_index(id);
    if (sku >= 0) managed_[sku] = true;
  }
  shortfall_.assign(skus_.size(), 0);
  touched_.assign(skus_.size(), false);
  entry_used_.assign(desired_.users.size(), false);
  for (size_t i = 0; i < desired_.users.size(); ++i) {
    entry_by_key_.emplace(ascii_lower(desired_.users[i].upn), i);  // the first entry wins
    entry_wants_.push_back(desired_.users[i].licenses
                               ? std::optional(wants_of(*desired_.users[i].licenses))
                               : std::nullopt);
  }
  for (const auto& rule : desired_.rules) rule_wants_.push_back(wants_of(rule.licenses));
}

std::vector<int> Planner::plan_indices(const std::vector<std::string>& ids) const {
  std::vector<int> out;
  for (const auto& id : ids) {
    int p = tenant_rules_.plan_index(id);
    if (p >= 0) out.push_back(p);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::vector<Want> Planner::wants_of(const std::vector<ResolvedLicense>& licenses) const {
  std::vector<Want> out;
  for (const auto& l : licenses) {
    int sku = sku_index(l.sku_id);
    if (sku < 0 || !managed_[sku]) continue;  // resolution guarantees neither happens
    out.push_back({sku, l.disabled_plans, plan_indices(l.disabled_plans)});
  }
  std::sort(out.begin(), out.end(), [](const Want& a, const Want& b) { return a.sku < b.sku; });
  return out;
}

std::vector<Held> Planner::held_of(const User& user) const {
  std::vector<Held> out;
  auto slot = [&](int sku) -> Held& {
    for (auto& h : out) {
      if (h.sku == sku) return h;
    }
    out.push_back({});
    out.back().sku = sku;
    return out.back();
  };
  for (const auto& license : user.assigned_licenses) {
    int sku = sku_index(license.sku_id);
    if (sku < 0) continue;
    Held& h = slot(sku);
    bool any_state = false;
    for (const auto& s : user.license_states) {
      if (!iequals(s.sku_id, license.sku_id)) continue;
      any_state = true;
      if (s.assigned_by_group) {
        if (!h.group) {
          h.group = s.assigned_by_group;
          h.group_disabled = plan_indices(s.disabled_plans);
        }
      } else if (!h.direct) {
        h.direct = true;
        h.direct_disabled_ids = s.disabled_plans;
      }
    }
    if (!any_state && !h.direct) {
      h.direct = true;
      h.direct_disabled_ids = license.disabled_plans;
    }
  }
  for (auto& h : out) h.direct_disabled = plan_indices(h.direct_disabled_ids);
  std::sort(out.begin(), out.end(), [](const Held& a, const Held& b) { return a.sku < b.sku; });
  return out;
}

const std::vector<Want>& Planner::wants_for(const ResolvedUser* entry, const Attributes& attrs,
                                            bool& governed) {
  if (entry && entry->licenses) {
    governed = true;
    return *entry_wants_[entry - desired_.users.data()];
  }
  const std::vector<Want>* single = nullptr;
  size_t matched = 0;
  for (size_t r = 0; r < desired_.rules.size(); ++r) {
    if (!rule_matches(desired_.rules[r].where, attrs)) continue;
    if (++matched == 1) {
      single = &rule_wants_[r];
      continue;
    }
    if (matched == 2) merged_wants_ = *single;
    for (const Want& w : rule_wants_[r]) {
      auto it = std::find_if(merged_wants_.begin(), merged_wants_.end(),
                             [&](const Want& m) { return m.sku == w.sku; });
      if (it == merged_wants_.end()) {
        merged_wants_.push_back(w);
        continue;
      }
      // A plan stays disabled only if every rule granting the SKU disables it.
      std::vector<std::string> ids;
      std::set_intersection(it->disabled_ids.begin(), it->disabled_ids.end(),
                            w.disabled_ids.begin(), w.disabled_ids.end(), std::back_inserter(ids));
      it->disabled_ids = std::move(ids);
      it->disabled = plan_indices(it->disabled_ids);
    }
  }
  governed = entry != nullptr || matched > 0 || desired_.unlisted == UnlistedPolicy::Revoke;
  if (matched == 0) return no_wants_;
  if (matched == 1) return *single;
  std::sort(merged_wants_.begin(), merged_wants_.end(),
            [](const Want& a, const Want& b) { return a.sku < b.sku; });
  return merged_wants_;
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
  std::string key = ascii_lower(user.user_principal_name);
  const ResolvedUser* entry = entry_for(key);
  if (!entry) entry = entry_for(ascii_lower(user.id));  // an entry may name the object id
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
  const std::vector<Want>* wants = &wants_for(entry, attrs, governed);
  if (plan_properties(user, user.user_principal_name, entry, governed, location)) {
    wants = &wants_for(entry, attrs, governed);  // rules see the new usage location
  }
  std::vector<Held> held = held_of(user);
  if (wants->empty() && (held.empty() || !governed)) return;  // the common case: nothing to do

  users_.push_back({});
  UserWork& u = users_.back();
  u.upn = user.user_principal_name;
  u.key = std::move(key);
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
      block(op, "its name is held by active user " + holder->user_principal_name + " (" +
                    holder->id +
                    "): restore it under another name with --new-upn, or rename or delete that "
                    "user first (Another object with the same value for property "
                    "userPrincipalName already exists.)");
    }
  }
  Clock::time_point deleted;
  if (is_ready(op) && user.deleted_date_time && parse_iso8601(*user.deleted_date_time, deleted) &&
      now_ - deleted > kRestoreWindow) {
    block(op, "deleted on " + *user.deleted_date_time +
                  ", more than 30 days ago: the service no longer restores it");
  }
  if (!is_ready(op)) return;  // what it would hold afterwards cannot be planned
  u.held = held_of(user);
  for (const Held& h : u.held) touched_[h.sku] = true;
  std::optional<std::string> location = user.usage_location;
  Attributes attrs{upn, user.department, user.job_title, &location};
  bool governed = false;
  const std::vector<Want>* wants = &wants_for(&entry, attrs, governed);
  if (plan_properties(user, upn, &entry, governed, location)) {
    wants = &wants_for(&entry, attrs, governed);
  }
  users_[index].usage_location = std::move(location);
  plan_licenses(index, *wants, governed);
}

// The PATCH of the user's properties its entry asks for, and for a governed user without
// a usage location the tenant's defaultUsageLocation. True when it is ready and gives the
// user a new usage location: `location` is then that one, and its licenses plan with it.
bool Planner::plan_properties(const User& user, const std::string& upn, const ResolvedUser* entry,
                              bool governed, std::optional<std::string>& location) {
  UserProperties wanted = entry ? entry->properties : UserProperties{};
  bool missing = !user.usage_location || user.usage_location->empty();
  if (!wanted.usage_location && governed && missing) {
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
  const std::vector<Want>& wants = wants_for(&entry, attrs, governed);
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
    if (!managed_[h.sku]) continue;
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

void Planner::check_create(size_t index) {
  check_upn_domain(index);
  if (is_ready(index) && !options_.creates_blocked.empty()) block(index, options_.creates_blocked);
}

void Planner::check_upn_domain(size_t index) {
  if (snapshot_.domains.empty()) {
    block(index, kDomainsUnknown);
    return;
  }
  std::string why =
      upn_domain_problem(ops_[index].op.user, verified_domain_names(snapshot_.domains));
  if (!why.empty()) block(index, why + " (" + kUnverifiedDomainMessage + ")");
}

void Planner::static_checks(size_t index) {
  Work& w = ops_[index];
  bool complete = snapshot_.mirror == MirrorState::Complete;
  switch (w.op.op) {
    case OpKind::Revoke:
    case OpKind::Delete:
    case OpKind::Restore:
      if (!complete) block(index, stale_reason());
      return;
    case OpKind::Create:
      if (!complete) {
        block(index, stale_reason());
      } else {
        check_create(index);
      }
      return;
    case OpKind::ResetPassword:  // journal-only, never planned
      return;
    case OpKind::AddRole:
    case OpKind::RemoveRole:
      if (snapshot_.roles.empty() || role_name(w.op).empty() ||
          !w.op.details->contains("roleDefinitionId") ||
          (*w.op.details)["roleDefinitionId"].get<std::string>().empty()) {
        block(index, kRolesUnknown);
      } else if (!complete) {
        block(index, stale_reason());
      }
      return;
    case OpKind::SetProperties:
      if (!complete && blocks_sign_in(w.op)) block(index, stale_reason());  // takes access
      return;
    case OpKind::Update:
    case OpKind::Assign: {
      if (w.op.op == OpKind::Update && !complete && !w.op.newly_disabled_plans.empty()) {
        block(index, stale_reason());
        return;
      }
      const auto& location = users_[w.user].usage_location;
      if (!location || location->empty()) {
        block(index, std::string("the user has no usage location; set one first (") +
                         kUsageLocationMessage + ")");
      } else if (tenant_rules_.prohibited(w.sku, *location)) {
        block(index, part(w.sku) + " may not be used in usage location " + *location + " (" +
                         kUsageLocationMessage + ")");
      }
      return;
    }
  }
}

void Planner::block(size_t index, std::string reason) {
  Work& w = ops_[index];
  if (w.op.status == OpStatus::Blocked) return;
  w.op.status = OpStatus::Blocked;
  w.op.reason = std::move(reason);
  if (!seats_open_ || w.op.op != OpKind::Revoke) return;
  if (w.releases) {
    w.releases = false;
    ledger_.unrelease(w.sku);
    dirty_.push_back(w.sku);
  } else if (w.restored) {
    ledger_.force(w.sku);  // the license stays after the restore
    dirty_.push_back(w.sku);
  }
}

const User* Planner::active_holder(const std::string& upn) {
  if (active_by_upn_.empty()) {
    for (const auto& u : snapshot_.users) {
      active_by_upn_.emplace(ascii_lower(u.user_principal_name), &u);
    }
  }
  auto it = active_by_upn_.find(ascii_lower(upn));
  return it == active_by_upn_.end() ? nullptr : it->second;
}

const Held* Planner::held_for(const UserWork& user, int sku) const {
  for (const auto& h : user.held) {
    if (h.sku == sku) return &h;
  }
  return nullptr;
}

// The revoke or update of `sku` for `user`: the ready one if any, else a blocked one, else
// kNone. (A restored license that cannot come back has a ready revoke and a blocked update.)
size_t Planner::license_op(const UserWork& user, int sku) const {
  size_t found = kNone;
  for (size_t op : user.ops) {
    if (ops_[op].sku != sku || ops_[op].op.op == OpKind::Assign) continue;
    if (is_ready(op)) return op;
    if (found == kNone) found = op;
  }
  return found;
}

// The user's licenses before its assignLicense call (after any restore) and after it,
// with only its ready operations applied.
void Planner::build_sets(const UserWork& user) {
  before_.clear();
  after_.clear();
  after_licenses_.clear();
  for (const Held& h : user.held) {
    const auto& plans = tenant_rules_.sku_plans(h.sku);
    if (h.group) {
      before_.add(plans, h.group_disabled);
      after_.add(plans, h.group_disabled);
      after_licenses_.push_back({h.sku, &h.group_disabled, kNone, true});
    }
    if (!h.direct) continue;
    before_.add(plans, h.direct_disabled);
    size_t op = license_op(user, h.sku);
    if (op != kNone && is_ready(op)) {
      if (ops_[op].op.op == OpKind::Revoke) continue;
      after_.add(plans, ops_[op].disabled);
      after_licenses_.push_back({h.sku, &ops_[op].disabled, op});
    } else {
      after_.add(plans, h.direct_disabled);
      after_licenses_.push_back({h.sku, &h.direct_disabled, kNone});
    }
  }
  for (size_t op : user.ops) {
    const Work& w = ops_[op];
    if (w.op.op != OpKind::Assign || !is_ready(op)) continue;
    after_.add(tenant_rules_.sku_plans(w.sku), w.disabled);
    after_licenses_.push_back({w.sku, &w.disabled, op});
  }
}

void Planner::validate(size_t index) {
  const UserWork& user = users_[index];
  if (user.ops.empty()) return;
  for (;;) {
    build_sets(user);
    if (check_exclusive() || check_dependencies(user) || check_held_back(user)) continue;
    return;
  }
}

// A ready assignment or update that newly enables a plan exclusive with one the user
// ends up with is blocked (both sides, when both are new).
bool Planner::check_exclusive() {
  std::vector<std::pair<size_t, std::string>> culprits;
  for (const AfterLicense& l : after_licenses_) {
    if (l.op == kNone) continue;
    bool found = false;
    for (int p : tenant_rules_.sku_plans(l.sku)) {
      if (found) break;
      if (contains(*l.disabled, p) || before_[p] > 0) continue;
      for (int q : tenant_rules_.exclusive_with(p)) {
        int others = after_[q] - (enables(l.sku, *l.disabled, q) ? 1 : 0);
        if (others <= 0) continue;
        std::string other;
        for (const AfterLicense& m : after_licenses_) {
          if (&m != &l && enables(m.sku, *m.disabled, q)) {
            other = part(m.sku);
            break;
          }
        }
        culprits.emplace_back(
            l.op, plan_name(p) + " of " + part(l.sku) + " cannot be held with " + plan_name(q) +
                      " of " + other + " (License assignment failed because service plans " +
                      tenant_rules_.plan(p).service_plan_id + "," +
                      tenant_rules_.plan(q).service_plan_id + " are mutually exclusive.)");
        found = true;
        break;
      }
    }
  }
  for (auto& [op, reason] : culprits) block(op, std::move(reason));
  return !culprits.empty();
}

// A plan in the resulting licenses whose required plans are missing: blocked is the
// operation that newly enables it, or else the one that takes away what it requires.
bool Planner::check_dependencies(const UserWork& user) {
  std::vector<std::pair<size_t, std::string>> culprits;
  std::vector<std::pair<int, std::string>> leaving;  // restored licenses that go too
  std::vector<int> seen;
  for (const AfterLicense& l : after_licenses_) {
    for (int p : tenant_rules_.sku_plans(l.sku)) {
      if (contains(*l.disabled, p) || tenant_rules_.requirements(p).empty()) continue;
      if (std::find(seen.begin(), seen.end(), p) != seen.end()) continue;
      seen.push_back(p);
      for (const auto& req : tenant_rules_.requirements(p)) {
        std::vector<int> lost;  // required plans enabled before, gone after
        bool satisfied = true;
        std::string needed;
        for (const auto& alternatives : req.all_of) {
          bool any = std::any_of(alternatives.begin(), alternatives.end(),
                                 [&](int q) { return after_[q] > 0; });
          if (any) continue;
          satisfied = false;
          if (!needed.empty()) needed += ", ";
          needed += plan_name(alternatives.front());
          for (int q : alternatives) {
            if (before_[q] > 0) lost.push_back(q);
          }
        }
        if (satisfied) continue;
        std::string message = " (License assignment failed because service plan " +
                              tenant_rules_.plan(p).service_plan_id +
                              " depends on the service plan(s) " + req.ids + ".)";
        if (before_[p] == 0) {
          for (const AfterLicense& m : after_licenses_) {
            if (m.op != kNone && enables(m.sku, *m.disabled, p)) {
              culprits.emplace_back(
                  m.op, plan_name(p) + " of " + part(m.sku) + " needs " + needed + message);
            }
          }
          continue;
        }
        for (size_t op : user.ops) {
          const Work& w = ops_[op];
          if (w.op.op == OpKind::Assign || !is_ready(op)) continue;
          const Held* h = held_for(user, w.sku);
          if (!h || !h->direct) continue;
          bool takes = std::any_of(lost.begin(), lost.end(), [&](int q) {
            return enables(w.sku, h->direct_disabled, q) &&
                   (w.op.op == OpKind::Revoke || !enables(w.sku, w.disabled, q));
          });
          if (!takes) continue;
          // A restored license that cannot come back takes what needs it along, rather
          // than staying over the seats.
          std::string why =
              "cannot come back: needs " + needed + " of " + part(w.sku) +
              (w.seatless ? ", which has no free seat" : ", which cannot come back either");
          if (w.forced && leaves_with(user, p, why, leaving)) continue;
          culprits.emplace_back(op, plan_name(p) + " of " + part(l.sku) + " still needs " + needed +
                                        " of " + part(w.sku) + message);
        }
      }
    }
  }
  for (auto& [op, reason] : culprits) block(op, std::move(reason));
  size_t index = static_cast<size_t>(&user - users_.data());
  for (auto& [sku, reason] : leaving) cannot_come_back(index, sku, std::move(reason), true);
  return !culprits.empty() || !leaving.empty();
}

// Whether every license of a restored `user` that enables `plan` can go again with the
// license it needs; if so adds them to `leaving` (once each). Not when one is inherited
// from a group, assigned by this plan, or has a revocation of its own already.
bool Planner::leaves_with(const UserWork& user, int plan, const std::string& why,
                          std::vector<std::pair<int, std::string>>& leaving) const {
  std::vector<int> skus;
  for (const AfterLicense& m : after_licenses_) {
    if (!enables(m.sku, *m.disabled, plan)) continue;
    if (m.inherited || (m.op != kNone && ops_[m.op].op.op == OpKind::Assign)) return false;
    size_t own = license_op(user, m.sku);
    if (own != kNone && ops_[own].op.op == OpKind::Revoke) return false;
    skus.push_back(m.sku);
  }
  for (int sku : skus) {
    bool listed =
        std::any_of(leaving.begin(), leaving.end(), [&](const auto& l) { return l.first == sku; });
    if (!listed) leaving.emplace_back(sku, why);
  }
  return !skus.empty();
}

// A ready revocation (or update disabling plans) that takes away a plan a blocked
// assignment or update of the same user would have provided, or replaced with an
// exclusive one, waits for that assignment.
bool Planner::check_held_back(const UserWork& user) {
  for (size_t op : user.ops) {
    const Work& r = ops_[op];
    if (r.op.op == OpKind::Assign || r.forced || !is_ready(op)) continue;
    const Held* h = held_for(user, r.sku);
    if (!h || !h->direct) continue;
    for (int p : tenant_rules_.sku_plans(r.sku)) {
      if (contains(h->direct_disabled, p) || after_[p] > 0) continue;  // not lost
      for (size_t other : user.ops) {
        const Work& a = ops_[other];
        if (a.op.op == OpKind::Revoke || a.op.status != OpStatus::Blocked) continue;
        bool replaces = enables(a.sku, a.disabled, p);
        for (int q : tenant_rules_.exclusive_with(p)) {
          replaces = replaces || enables(a.sku, a.disabled, q);
        }
        if (!replaces) continue;
        block(op, "kept until " + part(a.sku) + " can be " +
                      (a.op.op == OpKind::Assign ? "assigned" : "updated"));
        return true;
      }
    }
  }
  return false;
}

void Planner::allocate_seats() {
  seats_open_ = true;
  for (Work& w : ops_) {
    if (w.op.op == OpKind::Revoke && w.frees && !w.restored && w.op.status == OpStatus::Ready) {
      w.releases = true;
      ledger_.release(w.sku);
    }
  }
  for (size_t i = 0; i < users_.size(); ++i) {
    const UserWork& u = users_[i];
    if (u.restore_op != kNone) {
      for (const Held& h : u.held) {
        size_t revoke = license_op(u, h.sku);
        bool revoked = revoke != kNone && ops_[revoke].op.op == OpKind::Revoke;
        if (h.group || (revoked && !is_ready(revoke))) {
          ledger_.force(h.sku);  // comes back and stays, seat or not
        } else if (!revoked) {
          demands_.push_back({SeatClass::Restore, i, h.sku, kNone});
        }
      }
    }
    for (size_t op : u.ops) {
      if (ops_[op].op.op == OpKind::Assign && is_ready(op)) {
        demands_.push_back({u.seat_class, i, ops_[op].sku, op});
      }
    }
  }
  std::sort(demands_.begin(), demands_.end(), [&](const Demand& a, const Demand& b) {
    if (a.seat_class != b.seat_class) return a.seat_class < b.seat_class;
    const UserWork& x = users_[a.user];
    const UserWork& y = users_[b.user];
    if (x.key != y.key) return x.key < y.key;
    if (x.upn != y.upn) return x.upn < y.upn;
    return a.sku < b.sku;
  });
  for (size_t d = 0; d < demands_.size(); ++d) {
    const Demand& demand = demands_[d];
    if (demand.op != kNone && !is_ready(demand.op)) continue;
    if (!ledger_.take(demand.sku, d)) lose(d);
  }
}

// Demand `d` gets no seat: its assignment is blocked, or the restored license goes again.
void Planner::lose(size_t d) {
  const Demand& demand = demands_[d];
  const Sku& sku = skus_[demand.sku];
  if (demand.op != kNone) {
    if (!is_ready(demand.op)) return;  // blocked meanwhile for another reason
    if (!options_.use_grace_seats && sku.prepaid_units.warning > 0) {
      // The service would take a grace unit: the refusal is this tool's, not the service's.
      block(demand.op, "no paid seat of " + sku.sku_part_number + " left; its " +
                           std::to_string(sku.prepaid_units.warning) +
                           " grace units are not handed out (safety.useGraceSeats is off)");
    } else {
      block(demand.op, "no free seat of " + sku.sku_part_number + " (Subscription with SKU " +
                           sku.sku_id + " does not have any available licenses.)");
    }
  } else {
    size_t revoke = license_op(users_[demand.user], demand.sku);
    if (revoke != kNone && ops_[revoke].forced && is_ready(revoke)) {
      // It goes already (what depends on a license that cannot come back): the seat it
      // was granted is taken back, so the revocation frees none any more.
      if (ops_[revoke].releases) {
        ops_[revoke].releases = false;
        ledger_.unrelease(demand.sku);
      }
      return;
    }
    cannot_come_back(demand.user, demand.sku,
                     "cannot come back: no free seat of " + sku.sku_part_number,
                     /*holds_seat=*/false);
  }
  ++shortfall_[demand.sku];
  worklist_.push_back(demand.user);
}

// A license the restore of `user` brings back goes again, in the user's one assignLicense
// call. `holds_seat`: its restore was granted a seat, which the revocation frees again.
void Planner::cannot_come_back(size_t user, int sku, std::string reason, bool holds_seat) {
  size_t update = license_op(users_[user], sku);
  if (update != kNone) block(update, reason);  // an update of a license that goes again
  size_t op = add_license_op(user, OpKind::Revoke, sku);
  Work& w = ops_[op];
  w.frees = true;  // cancels the seat the restore takes
  w.restored = true;
  w.forced = true;
  w.seatless = !holds_seat;
  w.op.reason = std::move(reason);
  if (holds_seat) {
    w.releases = true;
    ledger_.release(sku);
  }
}

// Re-checks users whose operations changed and takes back seats that no longer fit,
// until nothing changes. Every step blocks or adds an operation, so this ends.
void Planner::settle() {
  while (!worklist_.empty() || !dirty_.empty()) {
    if (!worklist_.empty()) {
      size_t user = worklist_.back();
      worklist_.pop_back();
      validate(user);
      continue;
    }
    int sku = dirty_.back();
    dirty_.pop_back();
    for (size_t d : ledger_.overflow(sku)) lose(d);
  }
}

std::vector<SeatLine> Planner::seat_lines() const {
  std::vector<int> delta(skus_.size(), 0);
  for (const Work& w : ops_) {
    if (w.op.status != OpStatus::Ready) continue;
    if (w.op.op == OpKind::Assign) ++delta[w.sku];
    if (w.op.op == OpKind::Revoke && w.frees) --delta[w.sku];
    if (w.op.op == OpKind::Restore) {
      for (const Held& h : users_[w.user].held) ++delta[h.sku];
    }
  }
  std::vector<SeatLine> out;
  for (size_t s = 0; s < skus_.size(); ++s) {
    if (!managed_[s] && !touched_[s]) continue;
    const Sku& sku = skus_[s];
    SeatLine line;
    line.sku = sku.sku_part_number;
    line.sku_id = sku.sku_id;
    line.grace = sku.prepaid_units.warning;
    line.grace_counted = options_.use_grace_seats && line.grace > 0;
    line.enabled = sku.counted_seats(options_.use_grace_seats);
    line.consumed = sku.consumed_units;
    line.after_plan = sku.consumed_units + delta[s];
    line.shortfall = shortfall_[s];
    out.push_back(std::move(line));
  }
  return out;
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
  index();

  // Active users, in UPN order so notes come out in that order.
  std::vector<const User*> active;
  active.reserve(snapshot_.users.size());
  for (const auto& u : snapshot_.users) active.push_back(&u);
  std::sort(active.begin(), active.end(), [](const User* a, const User* b) {
    return iless(a->user_principal_name, b->user_principal_name);
  });
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
    auto it = entry_by_key_.find(ascii_lower(user->id));
    if (it == entry_by_key_.end() || entry_used_[it->second]) {
      it = entry_by_key_.find(ascii_lower(upn));
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
    auto first = entry_by_key_.find(ascii_lower(entry.upn));
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

}  // namespace

TenantPlan plan_tenant(const TenantSnapshot& snapshot, const ResolvedTenant& desired,
                       const ServiceRules& rules, Clock::time_point now,
                       const PlanOptions& options) {
  return Planner(snapshot, desired, rules, now, options).run();
}

Result<TenantPlan> plan_tenant(const TenantSnapshot& snapshot, const DesiredTenant& desired,
                               const ServiceRules& rules, Clock::time_point now,
                               const PlanOptions& options) {
  if (!why_nothing_is_planned(snapshot).empty()) {
    ResolvedTenant empty;
    empty.mode = desired.mode;
    return plan_tenant(snapshot, empty, rules, now, options);
  }
  auto resolved = resolve_desired_tenant(desired, snapshot);
  if (!resolved) return resolved.error();
  return plan_tenant(snapshot, *resolved, rules, now, options);
}

}  // namespace tenantsync
