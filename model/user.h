// A directory user, as Graph returns it with the $select tenantsync uses.
//
// `assigned_licenses` is what the service reports as the user's effective licenses
// (direct and group-inherited alike). `license_states` says where each came from: an
// entry with `assigned_by_group` set is inherited from that group and cannot be removed
// from the user directly. When the service omits licenseAssignmentStates, every
// assigned license counts as direct.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace tenantsync {

struct AssignedLicense {
  std::string sku_id;
  std::vector<std::string> disabled_plans;  // service plan ids

  bool operator==(const AssignedLicense&) const = default;
};

struct LicenseAssignmentState {
  std::string sku_id;
  std::optional<std::string> assigned_by_group;  // group id; nullopt = direct
  std::vector<std::string> disabled_plans;
  std::string state = "Active";
  std::string error = "None";

  bool operator==(const LicenseAssignmentState&) const = default;
};

struct User {
  std::string id;
  std::string user_principal_name;
  std::string display_name;
  std::string mail;
  std::string given_name;
  std::string surname;
  std::string job_title;
  std::string department;
  bool account_enabled = true;
  std::optional<std::string> usage_location;  // ISO 3166 alpha-2
  std::vector<AssignedLicense> assigned_licenses;
  std::vector<LicenseAssignmentState> license_states;
  std::optional<std::string> deleted_date_time;  // soft-deleted users only (ISO 8601)

  const AssignedLicense* find_license(const std::string& sku_id) const;
  bool has_direct_license(const std::string& sku_id) const;
  // The group a license comes from, if any group assigns it.
  std::optional<std::string> inheriting_group(const std::string& sku_id) const;

  bool operator==(const User&) const = default;
};

// Graph user shape. Absent optional fields decode to their defaults; null strings decode
// to "" (usageLocation null decodes to nullopt).
void to_json(nlohmann::json& j, const AssignedLicense& l);
void from_json(const nlohmann::json& j, AssignedLicense& l);
void to_json(nlohmann::json& j, const LicenseAssignmentState& s);
void from_json(const nlohmann::json& j, LicenseAssignmentState& s);
void to_json(nlohmann::json& j, const User& u);
void from_json(const nlohmann::json& j, User& u);

}  // namespace tenantsync
