// The planner's working state (planner.h's plan_tenant): one Planner per tenant plan,
// its work split by concern: what each user should hold (license_targets.h, its own unit),
// the operations that bring it (planner.cpp), the service's rules each operation is checked
// against (planner_checks.cpp, on license_set_checks.h's findings), and who gets the seats
// there are (planner_seats.cpp, in seat_priority.h's order, on seat_ledger.h).
// Internal to sync/plan/.
#pragma once

#include <algorithm>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "sync/ascii_case.h"
#include "sync/plan/license_set_checks.h"
#include "sync/plan/license_targets.h"
#include "sync/plan/planner.h"
#include "sync/plan/seat_ledger.h"
#include "sync/plan/seat_priority.h"

namespace tenantsync::planning {

// The ids of `after` that `before` lacks: the plans an update disables that were enabled.
inline std::vector<std::string> newly_disabled(const std::vector<std::string>& before,
                                               const std::vector<std::string>& after) {
  std::vector<std::string> out;
  for (const auto& id : after) {
    bool found = std::any_of(before.begin(), before.end(),
                             [&](const std::string& b) { return iequals(b, id); });
    if (!found) out.push_back(id);
  }
  return out;
}

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
        targets_(skus_, tenant_rules_, desired),
        ledger_(skus_, options.use_grace_seats),
        before_(tenant_rules_.plan_count()),
        after_(tenant_rules_.plan_count()) {}

  TenantPlan run();

 private:
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
  const ResolvedUser* entry_for(std::string_view key) {
    auto it = entry_by_key_.find(key);
    if (it == entry_by_key_.end()) return nullptr;
    entry_used_[it->second] = true;
    return &desired_.users[it->second];
  }

  // The active user whose UPN is `upn` (any case), or nullptr.
  const User* active_holder(const std::string& upn);

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
    return planning::enables(tenant_rules_, sku, disabled, plan);
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
  LicenseTargets targets_;  // after skus_ and tenant_rules_: built from them
  SeatLedger ledger_;
  PlanCounts before_, after_;
  std::vector<LicenseAfter> after_licenses_;

  IMap<size_t> entry_by_key_;        // upn or id (any case) -> entry
  IMap<const User*> active_by_upn_;  // upn (any case); on demand
  std::vector<bool> entry_used_;

  std::vector<Work> ops_;
  std::vector<UserWork> users_;  // users with license operations or a restore
  // Their key and upn view users_, which no longer grows once seats are handed out.
  std::vector<SeatDemand> demands_;
  std::vector<size_t> worklist_;  // users to validate again
  std::vector<int> dirty_;        // SKUs whose seat capacity shrank
  std::vector<int> shortfall_;
  std::vector<bool> touched_;  // SKUs the plan touches
  bool seats_open_ = false;
  TenantPlan plan_;
};

}  // namespace tenantsync::planning
