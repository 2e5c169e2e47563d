// How the cache encodes values that have no column of their own: content hashes of users
// (to skip writing users that did not change), lists of disabled plan ids, and the
// payload of a user staged during a full read.
//
// Pure functions; safe from any thread. The hash is FNV-1a 64 over a canonical encoding
// of every field, stable across runs and builds (it is stored in the cache).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "model/result.h"
#include "model/user.h"

namespace tenantsync {

// Changes whenever any field of the user changes, deleted_date_time and the order of
// licenses included. Never 0 (0 marks "unknown" in the cache).
std::int64_t user_content_hash(const User& user);

// ["id","id"]: JSON, so any plan id round-trips.
std::string encode_plan_list(const std::vector<std::string>& plans);
Result<std::vector<std::string>> decode_plan_list(std::string_view text);

// A whole user as Graph JSON (the staging payload).
std::string encode_staged_user(const User& user);
Result<User> decode_staged_user(std::string_view text);

}  // namespace tenantsync
