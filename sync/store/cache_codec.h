// How the cache encodes values that have no column of their own: content hashes of users
// (to skip writing users that did not change) and of a tenant's SKUs, lists of disabled
// plan ids, and the payload of a user staged during a full read.
//
// Pure functions; safe from any thread. The hash covers a canonical encoding of every
// field, eight bytes a step, and is stable across runs, builds and machines (it is stored
// in the cache).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "model/result.h"
#include "model/sku.h"
#include "model/user.h"

namespace tenantsync {

// Changes whenever any field of the user changes, deleted_date_time and the order of
// licenses included. Never 0 (0 marks "unknown" in the cache).
std::int64_t user_content_hash(const User& user);

// The same for a tenant's list of SKUs with their service plans, in their order: what the
// cache stores beside a tenant's SKU rows (sync_state.skus_hash). Never 0.
std::int64_t sku_list_hash(const std::vector<Sku>& skus);
// sku_list_hash() of `skus` with each SKU's own fields (all but its plans) taken from the
// SKU of `rows` at its position (those SKUs' plans are not read): the hash of a tenant's
// SKU rows read back without their plan rows, had their plans been `skus`' plans.
// `rows` has as many SKUs as `skus`.
std::int64_t sku_list_hash(const std::vector<Sku>& skus, const std::vector<Sku>& rows);

// Whether `stored` is the content hash of `user`: this function's, or the byte-wise
// FNV-1a hash that rows written before it hold (a row keeps that until it changes, so an
// older cache is neither rewritten nor distrusted). 0 never matches.
bool content_hash_matches(std::int64_t stored, const User& user);
// The same, for a caller that has user_content_hash(user) already (`current`).
bool content_hash_matches(std::int64_t stored, std::int64_t current, const User& user);

// ["id","id"]: JSON, so any plan id round-trips.
std::string encode_plan_list(const std::vector<std::string>& plans);
Result<std::vector<std::string>> decode_plan_list(std::string_view text);

// A whole user as Graph JSON (the staging payload).
std::string encode_staged_user(const User& user);
Result<User> decode_staged_user(std::string_view text);

}  // namespace tenantsync
