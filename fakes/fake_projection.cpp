#include "fakes/fake_projection.h"

#include <algorithm>
#include <array>

#include "fakes/fake_clock.h"
#include "fakes/fake_crypto.h"
#include "fakes/fake_encoding.h"
#include "fakes/fake_errors.h"

namespace tenantsync::fake {

namespace {

using nlohmann::json;

constexpr std::array<const char*, 18> kKnown = {"id",
                                                "userPrincipalName",
                                                "displayName",
                                                "mail",
                                                "givenName",
                                                "surname",
                                                "jobTitle",
                                                "department",
                                                "accountEnabled",
                                                "usageLocation",
                                                "assignedLicenses",
                                                "licenseAssignmentStates",
                                                "businessPhones",
                                                "mobilePhone",
                                                "officeLocation",
                                                "preferredLanguage",
                                                "deletedDateTime",
                                                "mailNickname"};

constexpr std::array<const char*, 11> kDefaults = {
    "id",       "userPrincipalName", "displayName", "mail",           "givenName",        "surname",
    "jobTitle", "businessPhones",    "mobilePhone", "officeLocation", "preferredLanguage"};

json assigned_licenses(const UserRecord& u) {
  json out = json::array();
  for (const auto& l : u.licenses) {
    out.push_back({{"disabledPlans", l.disabled_plans}, {"skuId", l.sku_id}});
  }
  for (const auto& g : u.group_licenses) {
    if (u.direct_license(g.sku_id) != nullptr) continue;  // each SKU once
    bool seen =
        std::any_of(out.begin(), out.end(), [&](const json& j) { return j["skuId"] == g.sku_id; });
    if (!seen) out.push_back({{"disabledPlans", g.disabled_plans}, {"skuId", g.sku_id}});
  }
  return out;
}

json assignment_states(const UserRecord& u) {
  json out = json::array();
  for (const auto& l : u.licenses) {
    out.push_back({{"assignedByGroup", nullptr},
                   {"disabledPlans", l.disabled_plans},
                   {"error", "None"},
                   {"lastUpdatedDateTime", format_iso8601(l.updated_at)},
                   {"skuId", l.sku_id},
                   {"state", "Active"}});
  }
  for (const auto& g : u.group_licenses) {
    out.push_back({{"assignedByGroup", g.group_id},
                   {"disabledPlans", g.disabled_plans},
                   {"error", "None"},
                   {"lastUpdatedDateTime", format_iso8601(g.updated_at)},
                   {"skuId", g.sku_id},
                   {"state", "Active"}});
  }
  return out;
}

json property(const UserRecord& u, const std::string& name) {
  if (name == "id") return u.id;
  if (name == "userPrincipalName") return u.user_principal_name;
  if (name == "displayName") return null_if_empty(u.display_name);
  if (name == "mail") return null_if_empty(u.mail);
  if (name == "givenName") return null_if_empty(u.given_name);
  if (name == "surname") return null_if_empty(u.surname);
  if (name == "jobTitle") return null_if_empty(u.job_title);
  if (name == "department") return null_if_empty(u.department);
  if (name == "accountEnabled") return u.account_enabled;
  if (name == "usageLocation") return u.usage_location ? json(*u.usage_location) : json(nullptr);
  if (name == "assignedLicenses") return assigned_licenses(u);
  if (name == "licenseAssignmentStates") return assignment_states(u);
  if (name == "businessPhones") return json::array();
  if (name == "deletedDateTime") {
    return u.deleted_at > 0 ? json(format_iso8601(u.deleted_at)) : json(nullptr);
  }
  if (name == "mailNickname") {
    return u.user_principal_name.substr(0, u.user_principal_name.find('@'));
  }
  return nullptr;  // mobilePhone, officeLocation, preferredLanguage: never set here
}

}  // namespace

std::string Selection::to_string() const {
  std::string out;
  for (const auto& p : props) {
    if (!out.empty()) out += ",";
    out += p;
  }
  return out;
}

Selection parse_select(const std::optional<std::string>& value) {
  Selection sel;
  if (!value) return sel;
  sel.defaults = false;
  for (const std::string& raw : split(*value, ',')) {
    std::string name = trim(raw);
    if (name.empty()) continue;
    auto it = std::find_if(kKnown.begin(), kKnown.end(),
                           [&](const char* known) { return iequals(known, name); });
    if (it == kKnown.end()) {
      fail(400, msg::kBadRequest,
           "Could not find a property named '" + name + "' on type 'microsoft.graph.user'.");
    }
    if (std::find(sel.props.begin(), sel.props.end(), *it) == sel.props.end()) {
      sel.props.emplace_back(*it);
    }
  }
  if (sel.props.empty()) sel.defaults = true;
  return sel;
}

json project_user(const TenantDirectory&, const UserRecord& user, const Selection& selection,
                  UserView view) {
  json out = json::object();
  if (view == UserView::kDelta) out["id"] = user.id;
  if (selection.defaults) {
    for (const char* name : kDefaults) out[name] = property(user, name);
  } else {
    for (const auto& name : selection.props) out[name] = property(user, name);
  }
  if (view == UserView::kDeleted) out["deletedDateTime"] = property(user, "deletedDateTime");
  return out;
}

json project_sku(const TenantDirectory& tenant, const SkuRecord& sku) {
  json plans = json::array();
  for (const auto& p : sku.plans) {
    plans.push_back({{"servicePlanId", p.id},
                     {"servicePlanName", p.name},
                     {"provisioningStatus", "Success"},
                     {"appliesTo", sku.applies_to}});
  }
  // One subscription per product, its id stable for the tenant and SKU.
  std::string subscription = guid_from(stable_hash(tenant.id()), stable_hash(sku.sku_id));
  return {{"id", tenant.id() + "_" + sku.sku_id},
          {"accountId", tenant.id()},
          {"accountName", tenant.display_name()},
          {"subscriptionIds", json::array({subscription})},
          {"skuId", sku.sku_id},
          {"skuPartNumber", sku.part_number},
          {"appliesTo", sku.applies_to},
          {"capabilityStatus", sku.capability_status},
          {"consumedUnits", tenant.consumed_units(sku.sku_id)},
          {"prepaidUnits",
           {{"enabled", sku.enabled},
            {"suspended", sku.suspended},
            {"warning", sku.warning},
            {"lockedOut", sku.locked_out}}},
          {"servicePlans", std::move(plans)}};
}

json null_if_empty(const std::string& s) { return s.empty() ? json(nullptr) : json(s); }

}  // namespace tenantsync::fake
