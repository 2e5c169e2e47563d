#include "sync/safety_limits.h"

namespace tenantsync {

namespace {

std::string exceeded(int count, const char* noun, const char* plural, int limit, const char* key,
                     const char* flag) {
  std::string text = std::to_string(count) + " " + (count == 1 ? noun : plural) + " exceed" +
                     (count == 1 ? "s" : "") + " the limit of " + std::to_string(limit) + " (" +
                     key + "); ";
  if (flag == nullptr) {
    return text + "raise " + key + " in the config to allow " + std::to_string(count);
  }
  return text + "raise it with " + flag + " " + std::to_string(count);
}

}  // namespace

SafetyCheck check_safety_limits(const TenantPlan& tenant, const SafetyLimits& limits) {
  SafetyCheck check;
  for (const auto& op : tenant.operations) {
    if (op.status != OpStatus::Ready) continue;
    if (op.op == OpKind::Revoke) ++check.revocations;
    if (op.op == OpKind::Delete) ++check.deletions;
  }
  if (limits.max_revocations && check.revocations > *limits.max_revocations) {
    check.revocations_exceeded = true;
    check.reason = exceeded(check.revocations, "revocation", "revocations", *limits.max_revocations,
                            "safety.maxRevocations", limits.flags ? "--max-revocations" : nullptr);
  }
  if (limits.max_deletions && check.deletions > *limits.max_deletions) {
    check.deletions_exceeded = true;
    if (!check.reason.empty()) check.reason += "; ";
    check.reason += exceeded(check.deletions, "deletion", "deletions", *limits.max_deletions,
                             "safety.maxDeletions", limits.flags ? "--max-deletions" : nullptr);
  }
  return check;
}

}  // namespace tenantsync
