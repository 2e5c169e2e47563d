// Safety limits of apply (config `safety`, flags --max-revocations / --max-deletions): a
// tenant whose plan would revoke or delete more than allowed in one apply is refused as a
// whole, so a mistaken desired-state file cannot strip a tenant in one go.
//
// Counted per tenant over the ready operations: revocations are `revoke` operations (an
// update that disables plans is not one), deletions are `delete` operations. Pure
// functions; safe from any thread.
#pragma once

#include <optional>
#include <string>

#include "model/plan.h"

namespace tenantsync {

struct SafetyLimits {
  std::optional<int> max_revocations;  // nullopt: no limit
  std::optional<int> max_deletions;    // nullopt: no limit
  // The command has --max-revocations / --max-deletions (apply); without them (assign,
  // revoke, users delete, users restore) the reason says to raise the config key instead.
  bool flags = true;
};

struct SafetyCheck {
  int revocations = 0;  // ready revoke operations
  int deletions = 0;    // ready delete operations
  bool revocations_exceeded = false;
  bool deletions_exceeded = false;
  // Empty when within the limits, else e.g. "12 revocations exceed the limit of 10
  // (safety.maxRevocations); raise it with --max-revocations 12" (without flags: "raise
  // safety.maxRevocations in the config to allow 12"); both limits joined
  // with "; " when both are exceeded.
  std::string reason;

  bool refused() const { return revocations_exceeded || deletions_exceeded; }
};

SafetyCheck check_safety_limits(const TenantPlan& tenant, const SafetyLimits& limits);

}  // namespace tenantsync
