// One user's assignLicense call as apply builds it: the licenses it adds (assign, and
// update, which re-adds an assigned SKU with new disabled plans) and the SKUs it removes.
// The executor combines all of a user's license operations into one such call, so an
// exclusive swap is atomic; crash resume rebuilds it from the journal.
//
// Also what the call does to the user (assignLicense is atomic: all of it or nothing),
// used to fold a result into the cache without relying on the service returning the
// user's licenses, and whether a re-read user already shows a call's effect.
//
// Plain values and pure functions; safe from any thread.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "model/user.h"

namespace tenantsync {

struct LicenseChange {
  std::vector<AssignedLicense> add;  // skuId + the plans to disable
  std::vector<std::string> remove;   // sku ids

  bool empty() const { return add.empty() && remove.empty(); }
  // Only removals: the call frees seats and takes none.
  bool frees_only() const { return add.empty() && !remove.empty(); }
  // Appends `other`'s additions and removals.
  void merge(const LicenseChange& other);

  bool operator==(const LicenseChange&) const = default;
};

// The Graph body {"addLicenses":[{skuId, disabledPlans}], "removeLicenses":[skuId]}, as
// the journal stores it, and back. Reading fails (nullopt) on anything else.
nlohmann::json to_request_body(const LicenseChange& change);
std::optional<LicenseChange> license_change_from_body(const nlohmann::json& body);

// The user after the call: removed SKUs lose their direct assignment (a license a group
// also gives stays, inherited), added SKUs are assigned directly with exactly the given
// disabled plans (replacing an earlier direct assignment of that SKU).
User apply_license_change(User user, const LicenseChange& change);

// The user's direct assignment of `sku_id`, or nullptr. With no licenseAssignmentStates
// every assigned license counts as direct (user.h).
const std::vector<std::string>* direct_disabled_plans(const User& user, const std::string& sku_id);

// True when `user` already shows every effect of `change`: each added SKU assigned
// directly with the same disabled plans (in any order), each removed SKU not assigned
// directly.
bool license_change_in_effect(const User& user, const LicenseChange& change);

// The user to fold after a successful call: `base` (what tenantsync knew) with the change
// applied; when the service returned the user with its licenses, those win. Every other
// field stays `base`'s: the service's answer may not carry them ($select).
User user_after_call(const User& base, const LicenseChange& change,
                     const std::optional<User>& returned);

}  // namespace tenantsync
