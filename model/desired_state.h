// Declarative desired state: the licenses each tenant's users should hold (docs/cli.md).
//
// Parsed from a JSON file (`//` comments allowed). Every problem is reported with file,
// line, column and field path; unknown keys are errors. SKU and plan names are kept as
// written: resolving them against a tenant's SKUs is the planner's job, and each keeps
// its SourceLocation so that job can point at the line too.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "model/result.h"
#include "model/source_location.h"

namespace tenantsync {

enum class TenantMode { Enforce, Report };
enum class UnlistedPolicy { Keep, Revoke };
enum class DesiredUserState { Unspecified, Active, Deleted };

const char* to_string(TenantMode mode);         // "enforce" | "report"
const char* to_string(UnlistedPolicy policy);   // "keep" | "revoke"
const char* to_string(DesiredUserState state);  // "unspecified" | "active" | "deleted"
std::optional<TenantMode> parse_tenant_mode(std::string_view text);

struct DesiredLicense {
  std::string sku;                          // part number or sku id, as written
  std::vector<std::string> disabled_plans;  // plan names or ids, as written
  SourceLocation where;                     // of the sku field (or of the string form)

  bool operator==(const DesiredLicense& o) const {
    return sku == o.sku && disabled_plans == o.disabled_plans;
  }
};

// `where` keys: department, jobTitle, usageLocation, upnSuffix. All must match.
struct RuleMatch {
  std::optional<std::string> department;
  std::optional<std::string> job_title;
  std::optional<std::string> usage_location;
  std::optional<std::string> upn_suffix;

  bool operator==(const RuleMatch&) const = default;
};

struct LicenseRule {
  RuleMatch where;
  std::vector<DesiredLicense> licenses;
  SourceLocation location;

  bool operator==(const LicenseRule& o) const { return where == o.where && licenses == o.licenses; }
};

struct CreateSpec {
  std::string display_name;
  std::optional<std::string> usage_location;
  std::optional<std::string> given_name;
  std::optional<std::string> surname;
  std::optional<std::string> department;
  std::optional<std::string> job_title;
  // Admin roles (display names or template ids) given right after the user is created.
  std::vector<std::string> roles;

  bool operator==(const CreateSpec&) const = default;
};

// User properties to set with PATCH /users/{id} (OpKind::SetProperties). A file sets only
// `usageLocation` (on a user entry); `users set` builds desired state with any of them.
struct UserProperties {
  std::optional<std::string> usage_location;  // ISO 3166 alpha-2, upper case
  std::optional<std::string> display_name;
  std::optional<std::string> given_name;
  std::optional<std::string> surname;
  std::optional<std::string> department;
  std::optional<std::string> job_title;
  std::optional<bool> account_enabled;  // false: sign-in blocked

  bool empty() const { return *this == UserProperties{}; }
  bool operator==(const UserProperties&) const = default;
};

struct DesiredUser {
  std::string upn;
  std::optional<std::vector<DesiredLicense>> licenses;  // set = overrides rules
  DesiredUserState state = DesiredUserState::Unspecified;
  bool ignore = false;
  std::optional<CreateSpec> create;
  // Admin roles to give / take away (names or ids), set by `users roles` only: a file
  // gives roles only to the users it creates (create.roles).
  std::vector<std::string> add_roles;
  std::vector<std::string> remove_roles;
  // Set by `users restore --new-upn` only: restore the deleted user under this name.
  std::optional<std::string> restore_as;
  // Set by `users add / import --reuse-deleted-upn` only: `create` makes a new user even
  // though a soft-deleted user had this name (which is otherwise restored).
  bool create_over_deleted = false;
  UserProperties properties;  // set on the user when they differ (see UserProperties)
  SourceLocation location;    // of the entry

  bool operator==(const DesiredUser& o) const {
    return upn == o.upn && licenses == o.licenses && state == o.state && ignore == o.ignore &&
           create == o.create && add_roles == o.add_roles && remove_roles == o.remove_roles &&
           restore_as == o.restore_as && create_over_deleted == o.create_over_deleted &&
           properties == o.properties;
  }
};

struct DesiredTenant {
  std::string tenant;  // default domain or tenant id
  TenantMode mode = TenantMode::Enforce;
  std::vector<std::string> managed_skus;
  std::vector<SourceLocation> managed_sku_locations;  // parallel to managed_skus
  UnlistedPolicy unlisted = UnlistedPolicy::Keep;
  // Fills a missing usage location of the users the file governs; never changes one.
  std::optional<std::string> default_usage_location;
  std::vector<LicenseRule> rules;
  std::vector<DesiredUser> users;
  SourceLocation location;  // of the tenant entry

  bool operator==(const DesiredTenant& o) const {
    return tenant == o.tenant && mode == o.mode && managed_skus == o.managed_skus &&
           unlisted == o.unlisted && default_usage_location == o.default_usage_location &&
           rules == o.rules && users == o.users;
  }
};

struct DesiredState {
  int version = 1;
  std::vector<DesiredTenant> tenants;

  bool operator==(const DesiredState& o) const {
    return version == o.version && tenants == o.tenants;
  }
};

// Whether any entry's `create` gives admin roles: then planning it needs the tenants'
// role definitions read.
bool creates_with_roles(const DesiredState& state);

// Parses one desired-state document. `file` names it in errors. On failure the error
// (ErrorKind::Invalid) lists every problem found, one per line in file order, each
// "file:line:col: path: what"; a syntax error is reported alone (code "InvalidJson"),
// validation problems under code "InvalidDesiredState" (at most 100, then a count).
//
// Beyond the shape in docs/cli.md it checks: version is 1; tenant and managedSkus
// (non-empty) are required; no tenant twice in a file, no user twice in a tenant (UPNs
// compared case-insensitively); every license names a SKU listed in managedSkus, spelled
// the same way (case-insensitive); a `where` has at least one key; usage locations are
// two letters (stored upper-case); a user with "state": "deleted" has no licenses and no
// "create"; "ignore": true stands with nothing but "upn"; a upn contains '@'; a user's
// `usageLocation` and a tenant's `defaultUsageLocation` are ISO 3166 codes.
// Unknown keys are errors, with a "did you mean" for near misses.
Result<DesiredState> parse_desired_state(std::string_view text, const std::string& file);

// The canonical JSON form (what `export` writes); parse_desired_state() reads it back
// to an equal DesiredState. Licenses without disabled plans are plain strings; default
// values are left out except `mode` and `unlisted`, which are always written. Of a user's
// properties only usageLocation is written (the only one a file can set).
nlohmann::json desired_state_to_json(const DesiredState& state);

// The same canonical form as text, keys in the order docs/cli.md shows them (tenant first,
// upn first), indented by 2, ending in a newline. nlohmann::json sorts keys, so export
// should write this rather than desired_state_to_json(...).dump().
std::string desired_state_to_text(const DesiredState& state);

}  // namespace tenantsync
