// The directory's rules for the values of a user's own properties, written for the fake
// alone (none of this is shared with sync/, whose checks it must catch out), after the
// user resource's documentation: what POST and PATCH /users may write.
//
// Pure functions; safe from any thread.
#pragma once

#include <optional>
#include <string>

#include <nlohmann/json_fwd.hpp>

namespace tenantsync::fake {

// An assigned ISO 3166-1 alpha-2 code (and XK, Kosovo, which the service lists too), in
// either case: "US", "gb". Not "UK" or user-assigned codes such as "ZZ".
bool is_usage_location(const std::string& value);

// The first free-text property of a POST or PATCH /users body whose value the service
// refuses, or nullopt. displayName at most 256 characters, never null (it cannot be
// cleared; whether a create has one is the caller's check); givenName, surname and
// department at most 64, jobTitle 128; characters, not bytes. A value that is not a
// string is refused, and so is an empty one: null clears the optional ones.
std::optional<std::string> refused_text_property(const nlohmann::json& body);

}  // namespace tenantsync::fake
