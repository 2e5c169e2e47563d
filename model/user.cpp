#include "model/user.h"

#include <nlohmann/json.hpp>

namespace tenantsync {

namespace {

// Graph sends null for unset string properties.
std::string string_or_empty(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return {};
  return it->get<std::string>();
}

std::optional<std::string> optional_string(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return std::nullopt;
  return it->get<std::string>();
}

nlohmann::json string_or_null(const std::optional<std::string>& s) {
  return s ? nlohmann::json(*s) : nlohmann::json(nullptr);
}

}  // namespace

const AssignedLicense* User::find_license(const std::string& sku_id) const {
  for (const auto& l : assigned_licenses) {
    if (l.sku_id == sku_id) return &l;
  }
  return nullptr;
}

bool User::has_direct_license(const std::string& sku_id) const {
  if (!find_license(sku_id)) return false;
  bool any_state = false;
  for (const auto& s : license_states) {
    if (s.sku_id != sku_id) continue;
    any_state = true;
    if (!s.assigned_by_group) return true;
  }
  return !any_state;
}

std::optional<std::string> User::inheriting_group(const std::string& sku_id) const {
  for (const auto& s : license_states) {
    if (s.sku_id == sku_id && s.assigned_by_group) return s.assigned_by_group;
  }
  return std::nullopt;
}

void to_json(nlohmann::json& j, const AssignedLicense& l) {
  j = {{"skuId", l.sku_id}, {"disabledPlans", l.disabled_plans}};
}

void from_json(const nlohmann::json& j, AssignedLicense& l) {
  l.sku_id = j.at("skuId").get<std::string>();
  l.disabled_plans = j.value("disabledPlans", std::vector<std::string>{});
}

void to_json(nlohmann::json& j, const LicenseAssignmentState& s) {
  j = {{"skuId", s.sku_id},
       {"assignedByGroup", string_or_null(s.assigned_by_group)},
       {"disabledPlans", s.disabled_plans},
       {"state", s.state},
       {"error", s.error}};
}

void from_json(const nlohmann::json& j, LicenseAssignmentState& s) {
  s.sku_id = j.at("skuId").get<std::string>();
  s.assigned_by_group = optional_string(j, "assignedByGroup");
  s.disabled_plans = j.value("disabledPlans", std::vector<std::string>{});
  s.state = j.contains("state") && !j["state"].is_null() ? j["state"].get<std::string>() : "Active";
  s.error = j.contains("error") && !j["error"].is_null() ? j["error"].get<std::string>() : "None";
}

void to_json(nlohmann::json& j, const User& u) {
  j = {{"id", u.id},
       {"userPrincipalName", u.user_principal_name},
       {"displayName", u.display_name},
       {"mail", u.mail},
       {"givenName", u.given_name},
       {"surname", u.surname},
       {"jobTitle", u.job_title},
       {"department", u.department},
       {"accountEnabled", u.account_enabled},
       {"usageLocation", string_or_null(u.usage_location)},
       {"assignedLicenses", u.assigned_licenses},
       {"licenseAssignmentStates", u.license_states}};
  if (u.deleted_date_time) j["deletedDateTime"] = *u.deleted_date_time;
}

void from_json(const nlohmann::json& j, User& u) {
  u.id = j.at("id").get<std::string>();
  u.user_principal_name = string_or_empty(j, "userPrincipalName");
  u.display_name = string_or_empty(j, "displayName");
  u.mail = string_or_empty(j, "mail");
  u.given_name = string_or_empty(j, "givenName");
  u.surname = string_or_empty(j, "surname");
  u.job_title = string_or_empty(j, "jobTitle");
  u.department = string_or_empty(j, "department");
  auto enabled = j.find("accountEnabled");
  u.account_enabled = enabled == j.end() || enabled->is_null() || enabled->get<bool>();
  u.usage_location = optional_string(j, "usageLocation");
  u.assigned_licenses = j.value("assignedLicenses", std::vector<AssignedLicense>{});
  u.license_states = j.value("licenseAssignmentStates", std::vector<LicenseAssignmentState>{});
  u.deleted_date_time = optional_string(j, "deletedDateTime");
}

}  // namespace tenantsync
