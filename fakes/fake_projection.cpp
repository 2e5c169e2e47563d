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

// Indexes into kKnown (in a namespace of their own: the generator has names like kSurname).
namespace prop {
enum Property {
  kId,
  kUserPrincipalName,
  kDisplayName,
  kMail,
  kGivenName,
  kSurname,
  kJobTitle,
  kDepartment,
  kAccountEnabled,
  kUsageLocation,
  kAssignedLicenses,
  kLicenseAssignmentStates,
  kBusinessPhones,
  kMobilePhone,
  kOfficeLocation,
  kPreferredLanguage,
  kDeletedDateTime,
  kMailNickname,
};
}  // namespace prop

int property_index(std::string_view name) {
  auto it = std::find(kKnown.begin(), kKnown.end(), name);
  return static_cast<int>(it - kKnown.begin());  // names come from kKnown and kDefaults
}

constexpr std::array<const char*, 11> kDefaults = {
    "id",       "userPrincipalName", "displayName", "mail",           "givenName",        "surname",
    "jobTitle", "businessPhones",    "mobilePhone", "officeLocation", "preferredLanguage"};

void write_assigned_licenses(JsonText& w, const UserRecord& u) {
  auto license = [&](const std::vector<std::string>& disabled_plans, const std::string& sku_id) {
    w.begin_object();
    w.key("disabledPlans");
    w.string_array(disabled_plans);
    w.key("skuId");
    w.string(sku_id);
    w.end_object();
  };
  w.begin_array();
  for (const auto& l : u.licenses) license(l.disabled_plans, l.sku_id);
  // Each SKU once: a SKU held directly, or from an earlier group, is not repeated.
  const auto& groups = u.group_licenses;
  for (size_t i = 0; i < groups.size(); ++i) {
    const auto& g = groups[i];
    if (u.direct_license(g.sku_id) != nullptr) continue;
    bool seen = std::any_of(groups.begin(), groups.begin() + static_cast<std::ptrdiff_t>(i),
                            [&](const GroupLicenseRecord& e) { return e.sku_id == g.sku_id; });
    if (!seen) license(g.disabled_plans, g.sku_id);
  }
  w.end_array();
}

void write_assignment_states(JsonText& w, const UserRecord& u) {
  auto state = [&](const std::string* group, const std::vector<std::string>& disabled_plans,
                   double updated_at, const std::string& sku_id) {
    w.begin_object();
    w.key("assignedByGroup");
    if (group != nullptr) {
      w.string(*group);
    } else {
      w.null();
    }
    w.key("disabledPlans");
    w.string_array(disabled_plans);
    w.key("error");
    w.string("None");
    w.key("lastUpdatedDateTime");
    w.string(format_iso8601(updated_at));
    w.key("skuId");
    w.string(sku_id);
    w.key("state");
    w.string("Active");
    w.end_object();
  };
  w.begin_array();
  for (const auto& l : u.licenses) state(nullptr, l.disabled_plans, l.updated_at, l.sku_id);
  for (const auto& g : u.group_licenses) {
    state(&g.group_id, g.disabled_plans, g.updated_at, g.sku_id);
  }
  w.end_array();
}

void string_or_null(JsonText& w, const std::string& s) {
  if (s.empty()) {
    w.null();
  } else {
    w.string(s);
  }
}

void write_property(JsonText& w, const UserRecord& u, int property) {
  switch (property) {
    case prop::kId:
      return w.string(u.id);
    case prop::kUserPrincipalName:
      return w.string(u.user_principal_name);
    case prop::kDisplayName:
      return string_or_null(w, u.display_name);
    case prop::kMail:
      return string_or_null(w, u.mail);
    case prop::kGivenName:
      return string_or_null(w, u.given_name);
    case prop::kSurname:
      return string_or_null(w, u.surname);
    case prop::kJobTitle:
      return string_or_null(w, u.job_title);
    case prop::kDepartment:
      return string_or_null(w, u.department);
    case prop::kAccountEnabled:
      return w.boolean(u.account_enabled);
    case prop::kUsageLocation:
      return u.usage_location ? w.string(*u.usage_location) : w.null();
    case prop::kAssignedLicenses:
      return write_assigned_licenses(w, u);
    case prop::kLicenseAssignmentStates:
      return write_assignment_states(w, u);
    case prop::kBusinessPhones:
      w.begin_array();
      return w.end_array();
    case prop::kDeletedDateTime:
      return u.deleted_at > 0 ? w.string(format_iso8601(u.deleted_at)) : w.null();
    case prop::kMailNickname: {
      const std::string& upn = u.user_principal_name;
      return w.string(std::string_view(upn).substr(0, upn.find('@')));
    }
    default:
      return w.null();  // mobilePhone, officeLocation, preferredLanguage: never set here
  }
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

UserShape::UserShape(const Selection& selection, UserView view) {
  std::vector<std::string_view> names;
  if (view == UserView::kDelta) names.emplace_back("id");
  if (selection.defaults) {
    names.insert(names.end(), kDefaults.begin(), kDefaults.end());
  } else {
    names.insert(names.end(), selection.props.begin(), selection.props.end());
  }
  if (view == UserView::kDeleted) names.emplace_back("deletedDateTime");
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  for (std::string_view name : names) properties_.push_back(property_index(name));
}

void write_user(JsonText& w, const UserRecord& user, const UserShape& shape) {
  w.begin_object();
  for (int property : shape.properties()) {
    w.key(kKnown[static_cast<size_t>(property)]);
    write_property(w, user, property);
  }
  w.end_object();
}

json project_user(const TenantDirectory&, const UserRecord& user, const Selection& selection,
                  UserView view) {
  std::string text;
  JsonText w(text);
  write_user(w, user, UserShape(selection, view));
  return json::parse(text);
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
