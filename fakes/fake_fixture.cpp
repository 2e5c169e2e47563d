#include "fakes/fake_fixture.h"

#include <fstream>
#include <sstream>
#include <stdexcept>

#include "fakes/fake_clock.h"
#include "fakes/fake_encoding.h"
#include "fakes/fake_projection.h"
#include "fakes/fake_roles.h"

namespace tenantsync::fake {

namespace {

using nlohmann::json;

std::string str(const json& j, const char* key, const std::string& fallback = "") {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return fallback;
  if (!it->is_string())
    throw std::runtime_error(std::string("field '") + key + "' must be a string");
  return it->get<std::string>();
}

std::string required(const json& j, const char* key, const std::string& where) {
  std::string value = str(j, key);
  if (value.empty()) throw std::runtime_error(where + ": missing '" + key + "'");
  return value;
}

std::vector<std::string> lower_list(const json& j, const char* key) {
  std::vector<std::string> out;
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return out;
  for (const auto& v : *it) out.push_back(to_lower(v.get<std::string>()));
  return out;
}

SkuRecord sku_from_fixture(const json& j, const std::string& where) {
  SkuRecord sku;
  sku.sku_id = to_lower(required(j, "skuId", where));
  sku.part_number = required(j, "skuPartNumber", where);
  sku.applies_to = str(j, "appliesTo", "User");
  sku.capability_status = str(j, "capabilityStatus", "Enabled");
  sku.enabled = j.value("enabled", 0);
  sku.warning = j.value("warning", 0);
  sku.suspended = j.value("suspended", 0);
  sku.locked_out = j.value("lockedOut", 0);
  if (auto it = j.find("servicePlans"); it != j.end()) {
    for (const auto& p : *it) {
      sku.plans.push_back(
          {to_lower(required(p, "servicePlanId", where)), str(p, "servicePlanName")});
    }
  }
  return sku;
}

std::unique_ptr<TenantDirectory> tenant_from_fixture(const json& t, double now) {
  std::string domain = required(t, "defaultDomainName", "tenant");
  std::string where = "tenant " + domain;
  auto tenant = std::make_unique<TenantDirectory>(required(t, "id", where), domain,
                                                  str(t, "displayName", domain));
  if (auto it = t.find("verifiedDomains"); it != t.end()) {
    tenant->set_verified_domains(it->get<std::vector<std::string>>());
  }
  if (auto it = t.find("skus"); it != t.end()) {
    for (const auto& s : *it) tenant->add_sku(sku_from_fixture(s, where));
  }
  if (auto it = t.find("mutuallyExclusivePlans"); it != t.end()) {
    for (const auto& pair : *it) {
      if (!pair.is_array() || pair.size() != 2) {
        throw std::runtime_error(where + ": mutuallyExclusivePlans entries are [planId, planId]");
      }
      tenant->exclusive_plans.emplace_back(to_lower(pair[0].get<std::string>()),
                                           to_lower(pair[1].get<std::string>()));
    }
  }
  if (auto it = t.find("planDependencies"); it != t.end()) {
    for (const auto& d : *it) {
      tenant->plan_dependencies.push_back(
          {to_lower(required(d, "plan", where)), lower_list(d, "requires")});
    }
  }
  if (auto it = t.find("prohibitedLocations"); it != t.end()) {
    for (const auto& p : *it) {
      auto& set = tenant->prohibited_locations[to_lower(required(p, "skuId", where))];
      for (const auto& loc : p.at("usageLocations")) set.insert(loc.get<std::string>());
    }
  }
  if (auto it = t.find("users"); it != t.end()) {
    for (const auto& u : *it) tenant->load_active(user_from_fixture(u));
  }
  if (auto it = t.find("deletedUsers"); it != t.end()) {
    for (const auto& u : *it) {
      UserRecord user = user_from_fixture(u);
      auto when = parse_iso8601(str(u, "deletedDateTime"));
      user.deleted_at = when ? *when : now;
      tenant->load_deleted(std::move(user));
    }
  }
  // Groups: {id, displayName}. A group that groupLicenses name but the list lacks still
  // exists (a user cannot inherit from nothing), named "Group <id>".
  if (auto it = t.find("groups"); it != t.end() && !it->is_null()) {
    for (const auto& g : *it) {
      std::string id = to_lower(required(g, "id", where + " group"));
      std::string name = str(g, "displayName");
      if (name.empty()) throw std::runtime_error(where + ": group " + id + " has no displayName");
      tenant->set_group_name(id, name);
    }
  }
  for (const auto* users : {&tenant->active_users(), &tenant->deleted_users()}) {
    for (const auto& [id, u] : *users) {
      for (const auto& l : u.group_licenses) {
        if (tenant->group_name(l.group_id) == nullptr) {
          tenant->set_group_name(l.group_id, "Group " + l.group_id);
        }
      }
    }
  }
  // Role assignments, after the users: `principalId` an active user's id or UPN,
  // `roleDefinitionId` a built-in role's template id or display name, `directoryScopeId`
  // "/" (or absent), `id` optional (else the one Graph would give).
  if (auto it = t.find("roleAssignments"); it != t.end() && !it->is_null()) {
    for (const auto& a : *it) {
      std::string principal = required(a, "principalId", where + " roleAssignment");
      std::string role_name = required(a, "roleDefinitionId", where + " roleAssignment");
      const UserRecord* user = tenant->find_active(principal);
      if (user == nullptr) {
        throw std::runtime_error(where + ": roleAssignment principal '" + principal +
                                 "' is not an active user");
      }
      const RoleDefinition* role = find_role_by_id_or_name(role_name);
      if (role == nullptr) {
        throw std::runtime_error(where + ": unknown role '" + role_name + "'");
      }
      std::string scope = str(a, "directoryScopeId", "/");
      if (scope != "/") throw std::runtime_error(where + ": directoryScopeId must be \"/\"");
      if (tenant->find_role_assignment(user->id, role->template_id, scope) != nullptr) {
        throw std::runtime_error(where + ": role " + role->display_name + " assigned twice to " +
                                 user->user_principal_name);
      }
      std::string id = str(a, "id", role_assignment_id(role->template_id, user->id));
      tenant->add_role_assignment({id, user->id, role->template_id, scope});
    }
  }
  return tenant;
}

}  // namespace

UserRecord user_from_fixture(const json& j) {
  UserRecord u;
  u.id = to_lower(required(j, "id", "user"));
  u.user_principal_name = required(j, "userPrincipalName", "user " + u.id);
  u.display_name = str(j, "displayName");
  u.mail = str(j, "mail");
  u.given_name = str(j, "givenName");
  u.surname = str(j, "surname");
  u.job_title = str(j, "jobTitle");
  u.department = str(j, "department");
  u.account_enabled = j.value("accountEnabled", true);
  std::string location = str(j, "usageLocation");
  if (!location.empty()) u.usage_location = location;
  if (auto it = j.find("assignedLicenses"); it != j.end() && !it->is_null()) {
    for (const auto& l : *it) {
      u.licenses.push_back(
          {to_lower(required(l, "skuId", "license")), lower_list(l, "disabledPlans")});
    }
  }
  if (auto it = j.find("groupLicenses"); it != j.end() && !it->is_null()) {
    for (const auto& l : *it) {
      u.group_licenses.push_back({to_lower(required(l, "skuId", "groupLicense")),
                                  to_lower(required(l, "groupId", "groupLicense")),
                                  lower_list(l, "disabledPlans")});
    }
  }
  return u;
}

json user_to_fixture(const UserRecord& u) {
  json j = {{"id", u.id},
            {"userPrincipalName", u.user_principal_name},
            {"displayName", null_if_empty(u.display_name)},
            {"mail", null_if_empty(u.mail)},
            {"givenName", null_if_empty(u.given_name)},
            {"surname", null_if_empty(u.surname)},
            {"department", null_if_empty(u.department)},
            {"jobTitle", null_if_empty(u.job_title)},
            {"usageLocation", u.usage_location ? json(*u.usage_location) : json(nullptr)},
            {"accountEnabled", u.account_enabled}};
  json licenses = json::array();
  for (const auto& l : u.licenses) {
    licenses.push_back({{"skuId", l.sku_id}, {"disabledPlans", l.disabled_plans}});
  }
  j["assignedLicenses"] = std::move(licenses);
  json groups = json::array();
  for (const auto& l : u.group_licenses) {
    groups.push_back(
        {{"skuId", l.sku_id}, {"groupId", l.group_id}, {"disabledPlans", l.disabled_plans}});
  }
  j["groupLicenses"] = std::move(groups);
  if (u.deleted_at > 0) j["deletedDateTime"] = format_iso8601(u.deleted_at);
  return j;
}

std::unique_ptr<Estate> load_fixture(const json& fixture) {
  auto estate = std::make_unique<Estate>();
  auto now = parse_iso8601(required(fixture, "now", "fixture"));
  if (!now) throw std::runtime_error("fixture: 'now' is not an ISO 8601 UTC time");
  estate->start_time = *now;

  for (const auto& c : fixture.value("clients", json::array())) {
    ClientApp app;
    app.client_id = to_lower(required(c, "clientId", "client"));
    app.secret = str(c, "secret");
    app.certificate_pem = str(c, "certificatePem");
    if (auto it = c.find("roles"); it != c.end() && !it->is_null()) {
      app.roles = it->get<std::vector<std::string>>();
    }
    estate->clients.push_back(std::move(app));
  }

  const json& partner = fixture.at("partner");
  std::string partner_id = to_lower(required(partner, "tenantId", "partner"));
  bool partner_listed = false;
  for (const auto& t : fixture.value("tenants", json::array())) {
    auto tenant = tenant_from_fixture(t, *now);
    if (tenant->id() == partner_id) {
      partner_listed = true;
      estate->set_partner(std::move(tenant));
    } else {
      estate->add_customer(std::move(tenant));
    }
  }
  if (!partner_listed) {
    std::string domain = required(partner, "defaultDomainName", "partner");
    estate->set_partner(
        std::make_unique<TenantDirectory>(partner_id, domain, str(partner, "displayName", domain)));
  }
  return estate;
}

std::unique_ptr<Estate> load_fixture_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open fixture " + path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  json fixture;
  try {
    fixture = json::parse(buffer.str(), nullptr, true, /*ignore_comments=*/true);
  } catch (const json::exception& e) {
    throw std::runtime_error("fixture " + path + ": " + e.what());
  }
  try {
    return load_fixture(fixture);
  } catch (const json::exception& e) {
    throw std::runtime_error("fixture " + path + ": " + e.what());
  }
}

json dump_tenant(const TenantDirectory& tenant) {
  json skus = json::array();
  for (const SkuRecord& s : tenant.skus()) {
    json plans = json::array();
    for (const auto& p : s.plans) {
      plans.push_back({{"servicePlanId", p.id}, {"servicePlanName", p.name}});
    }
    skus.push_back({{"skuId", s.sku_id},
                    {"skuPartNumber", s.part_number},
                    {"appliesTo", s.applies_to},
                    {"capabilityStatus", s.capability_status},
                    {"enabled", s.enabled},
                    {"warning", s.warning},
                    {"suspended", s.suspended},
                    {"lockedOut", s.locked_out},
                    {"consumedUnits", tenant.consumed_units(s.sku_id)},
                    {"servicePlans", std::move(plans)}});
  }
  json exclusive = json::array();
  for (const auto& [a, b] : tenant.exclusive_plans) exclusive.push_back({a, b});
  json deps = json::array();
  for (const auto& d : tenant.plan_dependencies) {
    deps.push_back({{"plan", d.plan}, {"requires", d.requires_plans}});
  }
  json prohibited = json::array();
  for (const auto& [sku, locations] : tenant.prohibited_locations) {
    prohibited.push_back({{"skuId", sku}, {"usageLocations", locations}});
  }
  json users = json::array();
  for (const auto& [id, u] : tenant.active_users()) users.push_back(user_to_fixture(u));
  json deleted = json::array();
  for (const auto& [id, u] : tenant.deleted_users()) deleted.push_back(user_to_fixture(u));
  json roles = json::array();
  for (const auto& [id, a] : tenant.role_assignments()) {
    roles.push_back({{"id", a.id},
                     {"principalId", a.principal_id},
                     {"roleDefinitionId", a.role_definition_id},
                     {"directoryScopeId", a.directory_scope_id}});
  }
  json groups = json::array();
  for (const auto& [id, name] : tenant.groups()) {
    groups.push_back({{"id", id}, {"displayName", name}});
  }
  return {{"id", tenant.id()},
          {"defaultDomainName", tenant.default_domain()},
          {"displayName", tenant.display_name()},
          {"verifiedDomains", tenant.verified_domains()},
          {"skus", std::move(skus)},
          {"mutuallyExclusivePlans", std::move(exclusive)},
          {"planDependencies", std::move(deps)},
          {"prohibitedLocations", std::move(prohibited)},
          {"users", std::move(users)},
          {"deletedUsers", std::move(deleted)},
          {"groups", std::move(groups)},
          {"roleAssignments", std::move(roles)}};
}

}  // namespace tenantsync::fake
