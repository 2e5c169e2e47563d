// One user's PATCH /users/{id} as apply sends it (OpKind::SetProperties): the properties
// desired state sets that the user does not have yet, as the Graph body
// {"usageLocation": "US", "department": "Sales", "accountEnabled": false, ...}.
//
// Also what the PATCH does to the user (to fold a result into the cache), whether a
// re-read user already shows it (crash resume), and how to say it to a person.
//
// Plain values and pure functions; safe from any thread.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "model/desired_state.h"
#include "model/plan.h"
#include "model/user.h"

namespace tenantsync {

// The Graph body of every property `properties` sets.
nlohmann::json patch_body(const UserProperties& properties);

// The Graph body of the properties in `wanted` that `user` lacks; an empty object when
// it has them all. Usage locations compare ignoring case; other strings exactly.
nlohmann::json property_patch(const User& user, const UserProperties& wanted);

// `user` with `patch` applied (the fields it names; others untouched).
void apply_property_patch(User& user, const nlohmann::json& patch);

// Whether `user` has every property `patch` sets.
bool property_patch_in_effect(const User& user, const nlohmann::json& patch);

// "usageLocation US, department \"Sales\", sign-in blocked": usageLocation first, then the
// names, then sign-in.
std::string describe_property_patch(const nlohmann::json& patch);

// A create's body as its line says it: `"Nina North" (usageLocation US, department
// "Sales", sign-in blocked)`; what every create sends (the UPN, which the line names
// already, the mail nickname, sign-in allowed) is left out.
std::string describe_create(const nlohmann::json& body);

// A ready or planned set that blocks sign-in (accountEnabled false): a loss of access.
bool blocks_sign_in(const Operation& op);

// Whether the set carries a usage location (the user's license operations need it).
bool sets_usage_location(const Operation& op);

}  // namespace tenantsync
