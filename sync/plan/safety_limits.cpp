#include "sync/plan/safety_limits.h"

#include "sync/plan/property_change.h"

namespace tenantsync {

namespace {

std::string count(int n, const char* noun, const char* plural) {
  return std::to_string(n) + " " + (n == 1 ? noun : plural);
}

void append_joined(std::string& text, const std::string& part, const char* separator) {
  if (!text.empty()) text += separator;
  text += part;
}

}  // namespace

OverLimit SafetyCheck::over_limit(bool ahead) const {
  OverLimit o;
  o.losses_of_access = losses_of_access();
  o.revocations = revocations;
  o.updates_disabling_plans = updates_disabling_plans;
  o.deletions = deletions;
  o.sign_in_blocks = sign_in_blocks;
  if (revocations_exceeded) o.limits.push_back("maxRevocations");
  if (deletions_exceeded) o.limits.push_back("maxDeletions");
  o.message = ahead ? exceeded + ": apply will refuse; " + raise : reason;
  return o;
}

std::string SafetyCheck::skipped_reason() const {
  std::string keys;
  if (revocations_exceeded) append_joined(keys, "safety.maxRevocations", " and ");
  if (deletions_exceeded) append_joined(keys, "safety.maxDeletions", " and ");
  return "not sent: the tenant is over " + keys;
}

SafetyCheck check_safety_limits(const TenantPlan& tenant, const SafetyLimits& limits) {
  SafetyCheck check;
  for (const auto& op : tenant.operations) {
    if (op.status != OpStatus::Ready) continue;
    if (op.op == OpKind::Revoke) ++check.revocations;
    if (op.op == OpKind::Update && !op.newly_disabled_plans.empty()) {
      ++check.updates_disabling_plans;
    }
    if (op.op == OpKind::Delete) ++check.deletions;
    if (blocks_sign_in(op)) ++check.sign_in_blocks;
  }
  std::string raise_flags, raise_keys;
  auto over = [&](const std::string& what, const char* key, int limit, const char* flag,
                  int needed) {
    append_joined(check.exceeded, what + " > " + key + " " + std::to_string(limit), ", ");
    append_joined(raise_flags, std::string(flag) + " " + std::to_string(needed), " ");
    append_joined(raise_keys, std::string(key) + " to " + std::to_string(needed), " and ");
  };
  int losses = check.losses_of_access();
  if (limits.max_revocations && losses > *limits.max_revocations) {
    check.revocations_exceeded = true;
    std::string what = check.updates_disabling_plans == 0
                           ? count(losses, "revocation", "revocations")
                           : count(losses, "loss of access", "losses of access") + " (" +
                                 count(check.revocations, "revocation", "revocations") + ", " +
                                 count(check.updates_disabling_plans, "update that disables plans",
                                       "updates that disable plans") +
                                 ")";
    over(what, "safety.maxRevocations", *limits.max_revocations, "--max-revocations", losses);
  }
  int taken = check.users_losing_sign_in();
  if (limits.max_deletions && taken > *limits.max_deletions) {
    check.deletions_exceeded = true;
    std::string what =
        check.sign_in_blocks == 0
            ? count(taken, "deletion", "deletions")
            : count(taken, "deletion or sign-in block", "deletions and sign-in blocks") + " (" +
                  count(check.deletions, "deletion", "deletions") + ", " +
                  count(check.sign_in_blocks, "sign-in block", "sign-in blocks") + ")";
    over(what, "safety.maxDeletions", *limits.max_deletions, "--max-deletions", taken);
  }
  if (!check.refused()) return check;
  check.raise =
      limits.flags ? "raise with " + raise_flags : "raise " + raise_keys + " in the config";
  check.reason = check.exceeded + "; " + check.raise;
  return check;
}

void mark_over_limits(Plan& plan, const SafetyLimits& limits) {
  for (auto& tenant : plan.tenants) {
    tenant.over_limit.reset();
    if (tenant.mode != TenantMode::Enforce) continue;
    SafetyCheck check = check_safety_limits(tenant, limits);
    if (check.refused()) tenant.over_limit = check.over_limit(/*ahead=*/true);
  }
}

}  // namespace tenantsync
