// The directory service's rules, written for the fake alone (it is the planner's oracle:
// none of this is shared with sync/). Each check returns the exact message the service
// gives, or nothing when the change is allowed.
#pragma once

#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "fakes/fake_directory.h"

namespace tenantsync::fake {

// The outcome of an assignLicense call: the user's new direct licenses, or the message of
// the first rule it breaks (always 400 Request_BadRequest).
using LicenseChange = std::variant<std::vector<LicenseRecord>, std::string>;

// Checks, in this order: unknown SKUs (adds and removes), removals (a SKU the user lacks,
// one held only through a group), usage location (missing, or one the SKU is prohibited
// in), mutually exclusive plans, plan dependencies, seats. Removals in the call apply
// first; re-adding an assigned SKU replaces its disabledPlans. A plan counts when it is
// enabled (not in disabledPlans) in any of the user's resulting licenses, direct or
// inherited. Exclusive and dependency rules only fire when this call brings the conflict
// about (a plan newly enabled, or a required plan newly lost), so an estate that already
// breaks a rule does not block unrelated changes. Caller holds the tenant's lock.
LicenseChange check_license_change(const TenantDirectory& tenant, const UserRecord& user,
                                   const std::vector<LicenseRecord>& add,
                                   const std::vector<std::string>& remove);

// 8-256 characters and at least 3 of: lower case, upper case, digit, symbol.
bool password_is_complex(const std::string& password);

}  // namespace tenantsync::fake
