// The user filter expression of the CLI (`--filter EXPR`, docs/cli.md):
//
//   unlicensed              no license at all (direct or group-inherited)
//   sku:SPE_E3              holds this SKU (part number or sku id, any case)
//   no-sku:SPE_E3           does not hold it
//   department:Sales        department equals, any case
//   usage-location:none     no usage location; usage-location:US matches that country
//   upn:*@sales.contoso.com UPN glob, any case; `*` any run of characters, `?` one
//   enabled                 sign-in allowed (accountEnabled true)
//   disabled                sign-in blocked (accountEnabled false)
//
// Parts are joined with `,` and all must match. Parsing is pure and reports which part
// is wrong. The same struct drives the cache's SQL queries (Cache::list_users,
// Cache::sku_seats) and the in-memory match over a TenantSnapshot (matches()), so the
// CLI and the planner agree on what a filter selects. Thread-compatible value type.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/result.h"
#include "model/sku.h"
#include "model/user.h"

namespace tenantsync {

struct UserFilter {
  bool unlicensed = false;
  std::vector<std::string> skus;             // must hold each
  std::vector<std::string> no_skus;          // must hold none
  std::vector<std::string> departments;      // must equal each (any case)
  bool no_usage_location = false;            // usage-location:none
  std::vector<std::string> usage_locations;  // must equal each (any case)
  std::vector<std::string> upn_patterns;     // must match each glob
  std::optional<bool> account_enabled;       // enabled: true, disabled: false
  // Not part of the grammar: an explicit selection (--users U,U / --users-file), each a
  // UPN (any case) or an object id; the user must be one of them.
  std::vector<std::string> users;
  // Not part of the grammar either: --include-disabled of the writing commands. A filter
  // selection of an imperative task skips users whose sign-in is blocked unless this is
  // set or the filter says `disabled` (sync/tasks/user_task.h); matches() ignores it.
  bool include_disabled = false;

  bool empty() const;
  bool operator==(const UserFilter&) const = default;
};

// Parses "unlicensed,sku:SPE_E3,upn:*@sales.contoso.com". Whitespace around parts is
// ignored; an empty expression is an empty filter. Errors (ErrorKind::Invalid) quote the
// bad part: "filter part 3 'skew:E3': unknown key 'skew' (expected unlicensed, enabled,
// disabled, sku:, no-sku:, department:, usage-location:, upn:)". `enabled` with
// `disabled` is an error: together they match nobody; so is a usage location that is not an
// ISO 3166 code (model/country_code.h: "UK" is refused with the hint that it is GB).
Result<UserFilter> parse_user_filter(std::string_view expr);

// The expression form of a parsed filter (without `users` and `include_disabled`).
std::string to_string(const UserFilter& filter);

// `*` matches any run, `?` one character; ASCII case-insensitive.
bool matches_upn_glob(std::string_view pattern, std::string_view upn);

// Whether `user` passes the filter; `skus` (the tenant's) resolve part numbers.
bool matches(const UserFilter& filter, const User& user, const std::vector<Sku>& skus);

// The sku id for a part number or sku id (any case), or "" when the tenant has no such SKU.
std::string resolve_sku_id(std::string_view part_number_or_id, const std::vector<Sku>& skus);

}  // namespace tenantsync
