// The service's rules, checked on each planned operation before apply could send it:
// domains, usage locations, roles, mutually exclusive and dependent service plans, and
// licenses a restore brings back that cannot stay. A failed check blocks the operation
// with the reason the service would give.
#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "sync/ascii_case.h"
#include "sync/plan/planner_work.h"
#include "sync/plan/property_change.h"
#include "sync/plan/role_catalogue.h"
#include "sync/user_import.h"

namespace tenantsync::planning {

namespace {

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

}  // namespace

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
      active_by_upn_.emplace(u.user_principal_name, &u);
    }
  }
  auto it = active_by_upn_.find(upn);
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
  for (const ExclusiveConflict& c :
       exclusive_conflicts(tenant_rules_, before_, after_, after_licenses_)) {
    const LicenseAfter& l = after_licenses_[c.license];
    culprits.emplace_back(
        l.op, plan_name(c.plan) + " of " + part(l.sku) + " cannot be held with " +
                  plan_name(c.other_plan) + " of " + (c.other_sku >= 0 ? part(c.other_sku) : "") +
                  " (License assignment failed because service plans " +
                  tenant_rules_.plan(c.plan).service_plan_id + "," +
                  tenant_rules_.plan(c.other_plan).service_plan_id + " are mutually exclusive.)");
  }
  for (auto& [op, reason] : culprits) block(op, std::move(reason));
  return !culprits.empty();
}

// A plan in the resulting licenses whose required plans are missing: blocked is the
// operation that newly enables it, or else the one that takes away what it requires.
bool Planner::check_dependencies(const UserWork& user) {
  std::vector<std::pair<size_t, std::string>> culprits;
  std::vector<std::pair<int, std::string>> leaving;  // restored licenses that go too
  for (const UnmetRequirement& unmet :
       unmet_requirements(tenant_rules_, before_, after_, after_licenses_)) {
    const int p = unmet.plan;
    const LicenseAfter& l = after_licenses_[unmet.license];
    std::string needed;
    for (int q : unmet.needed) needed += (needed.empty() ? "" : ", ") + plan_name(q);
    std::string message = " (License assignment failed because service plan " +
                          tenant_rules_.plan(p).service_plan_id +
                          " depends on the service plan(s) " + unmet.requirement->ids + ".)";
    if (unmet.newly_enabled) {
      for (const LicenseAfter& m : after_licenses_) {
        if (m.op != kNone && enables(m.sku, *m.disabled, p)) {
          culprits.emplace_back(m.op,
                                plan_name(p) + " of " + part(m.sku) + " needs " + needed + message);
        }
      }
      continue;
    }
    for (size_t op : user.ops) {
      const Work& w = ops_[op];
      if (w.op.op == OpKind::Assign || !is_ready(op)) continue;
      const Held* h = held_for(user, w.sku);
      if (!h || !h->direct) continue;
      bool takes = std::any_of(unmet.lost.begin(), unmet.lost.end(), [&](int q) {
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
  for (const LicenseAfter& m : after_licenses_) {
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

}  // namespace tenantsync::planning
