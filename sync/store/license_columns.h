// How a user's licenses are kept in its own users row (schema v10): one JSON column for
// its assigned licenses, one for its license assignment states, and the groups those
// states come from. In the row, writing or loading a user costs no b-tree walk per
// license; as JSON, SQL can still look inside (json_each) for the CLI's filters.
//
//   assigned_licenses  [["<skuId>",["<planId>",...]],...]
//   license_states     [["<skuId>","<groupId>"|null,["<planId>",...],"<state>","<error>"],...]
//                      or "assigned" (schema 11): the states say no more than the assigned
//                      licenses (kStatesAsAssigned below), so the row keeps them once
//   license_groups     ["<groupId>",...] sorted and distinct, NULL when no state has one
//
// Pure functions; safe from any thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/result.h"
#include "model/user.h"

namespace tenantsync {

std::string encode_assigned_licenses(const std::vector<AssignedLicense>& licenses);
std::string encode_license_states(const std::vector<LicenseAssignmentState>& states);
// The groups `states` come through, sorted, each once.
std::vector<std::string> license_group_ids(const std::vector<LicenseAssignmentState>& states);
std::optional<std::string> encode_license_groups(const std::vector<LicenseAssignmentState>& states);

// license_states for a user whose states are its assigned licenses, one each in their
// order, direct, "Active", "None", with the same disabled plans: most users, licensed
// directly. Their JSON took 60-70 bytes a license, about a third of a user's row.
inline constexpr std::string_view kStatesAsAssigned = "\"assigned\"";
bool states_are_assigned(const std::vector<LicenseAssignmentState>& states,
                         const std::vector<AssignedLicense>& assigned);
std::vector<LicenseAssignmentState> states_of_assigned(
    const std::vector<AssignedLicense>& assigned);

// The columns as written above, or any JSON of that shape; anything else is an error (a
// damaged row). Plain text (every id and state the service returns) is read in place;
// the rest goes to the JSON parser, whose rules stay the only ones.
Result<std::vector<AssignedLicense>> decode_assigned_licenses(std::string_view text);
Result<std::vector<LicenseAssignmentState>> decode_license_states(std::string_view text);

}  // namespace tenantsync
