#include "bench/plan_workload.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <optional>

namespace tenantsync::bench {

namespace {

struct SkuSpec {
  const char* part;
  const char* id;
  std::vector<const char*> plans;
  double headroom;  // free seats, per user of the tenant
};

const std::map<std::string, std::string>& plan_ids() {
  static const std::map<std::string, std::string> kIds = {
      {"EXCHANGE_S_STANDARD", "9aaf7827-d63c-4b61-89c3-182f06f82e5c"},
      {"EXCHANGE_S_ENTERPRISE", "efb87545-963c-4e0d-99df-69c6916d9eb0"},
      {"EXCHANGE_S_FOUNDATION", "113feb6c-3fe4-4440-bddc-54d774bf0318"},
      {"TEAMS1", "57ff2da0-773e-42df-b2af-ffb7a2317929"},
      {"MCOSTANDARD", "0feaeb32-d00e-4d66-bd5a-43b5b83db82c"},
      {"MCOEV", "4828c8ec-dc2e-4779-b502-87ac9ce28ab7"},
      {"MCOPSTN1", "4ed3ff63-69d7-4fb7-b984-5aec7f605ca8"},
      {"YAMMER_ENTERPRISE", "7547a3fe-08ee-4ccb-b430-5077c5041653"},
      {"SHAREPOINTENTERPRISE", "5dbe027f-2339-4123-9542-606e4d348a72"},
      {"OFFICESUBSCRIPTION", "43de0ff5-c92c-492b-9116-175376d08c38"},
      {"INTUNE_A", "c1ec4a95-1f05-45b3-a911-aa3fa01094f5"},
      {"AAD_PREMIUM", "41781fb2-bc02-4b7c-bd55-b576c07bb09d"},
      {"AAD_PREMIUM_P2", "eec0eb4f-6444-4f95-aba0-50c24d67f998"},
      {"MFA_PREMIUM", "8a256a2b-b617-496d-b51b-e76466e88db0"},
      {"RMS_S_PREMIUM", "6c57d4b6-3b23-47a5-9bc9-69f17b4947b3"},
      {"BI_AZURE_P2", "70d33638-9c74-4d01-bfd3-562de28bd4ba"},
      {"VISIO_CLIENT_SUBSCRIPTION", "663a804f-1c30-4ff0-9915-9db84f0d1cea"},
  };
  return kIds;
}

const std::vector<SkuSpec>& sku_specs() {
  static const std::vector<SkuSpec> kSkus = {
      {"SPE_E3",
       "05e9a617-0261-4cee-bb44-138d3ef5d965",
       {"EXCHANGE_S_ENTERPRISE", "TEAMS1", "MCOSTANDARD", "SHAREPOINTENTERPRISE",
        "OFFICESUBSCRIPTION", "YAMMER_ENTERPRISE", "INTUNE_A", "AAD_PREMIUM"},
       0.05},
      {"SPE_E5",
       "06ebc4ee-1bb5-47dd-8120-11324bc54e06",
       {"EXCHANGE_S_ENTERPRISE", "TEAMS1", "MCOSTANDARD", "MCOEV", "SHAREPOINTENTERPRISE",
        "OFFICESUBSCRIPTION", "YAMMER_ENTERPRISE", "AAD_PREMIUM_P2", "BI_AZURE_P2"},
       0.01},
      {"EMS",
       "efccb6f7-5641-4e0e-bd10-b4976e1bf68e",
       {"INTUNE_A", "AAD_PREMIUM", "MFA_PREMIUM", "RMS_S_PREMIUM"},
       0.05},
      {"EXCHANGESTANDARD", "4b9405b0-7788-4568-add1-99614e613b69", {"EXCHANGE_S_STANDARD"}, 0.05},
      {"MCOEV", "e43b5b99-8dfb-405f-9987-dc307f34bcbd", {"MCOEV"}, 0.02},
      {"MCOPSTN1", "0dab259f-bf13-4952-b7f8-7db8f131b28d", {"MCOPSTN1"}, 0.02},
      {"POWER_BI_PRO", "f8a1db68-be16-40ed-86d5-cb42ce701560", {"BI_AZURE_P2"}, 0.03},
      {"VISIOCLIENT",
       "c5928f49-12ba-48f7-ada3-0d743a3601d5",
       {"VISIO_CLIENT_SUBSCRIPTION", "EXCHANGE_S_FOUNDATION"},
       0.01},
  };
  return kSkus;
}

const SkuSpec& spec(const char* part) {
  for (const auto& s : sku_specs()) {
    if (std::string(s.part) == part) return s;
  }
  return sku_specs().front();
}

const char* const kDepartments[] = {"Sales",   "Marketing", "IT",         "Finance",
                                    "Support", "HR",        "Engineering"};
const char* const kLocations[] = {"US", "GB", "DE", "FR", "NL"};
const char* const kTitles[] = {"Engineer", "Analyst", "Associate"};
const char* const kEmsGroup = "6a3b2c1d-0000-4000-8000-00000000e005";

std::string user_id(int tenant, int block, int k) {
  char id[64];
  std::snprintf(id, sizeof id, "%08x-%04x-4000-8000-%012d", tenant, block, k);
  return id;
}

void hold(User& u, const char* part, std::vector<std::string> disabled = {}) {
  u.assigned_licenses.push_back({spec(part).id, disabled});
  u.license_states.push_back({spec(part).id, std::nullopt, std::move(disabled), "Active", "None"});
}

void inherit(User& u, const char* part) {
  const std::string id = spec(part).id;
  if (!u.find_license(id)) u.assigned_licenses.push_back({id, {}});
  u.license_states.push_back({id, std::string(kEmsGroup), {}, "Active", "None"});
}

// What the rules of make_desired_tenant() give a user of `department` (SKU part numbers;
// SPE_E3 with YAMMER_ENTERPRISE off for IT).
std::vector<const char*> rule_licenses(const std::string& department, const std::string& title,
                                       const std::optional<std::string>& location) {
  if (department == "Sales" || department == "Engineering") return {"SPE_E3", "EMS"};
  if (department == "Marketing") return {"SPE_E3"};
  if (department == "IT") return {"SPE_E3", "EMS", "POWER_BI_PRO"};
  if (department == "Support") {
    if (location == "GB") return {"EXCHANGESTANDARD", "POWER_BI_PRO"};
    return {"EXCHANGESTANDARD"};
  }
  if (department == "HR") return {"SPE_E3", "MCOEV", "MCOPSTN1"};
  if (department == "Finance" && title == "Manager") return {"SPE_E3", "POWER_BI_PRO"};
  return {"SPE_E3"};  // other Finance staff hold E3 no rule grants (unlisted)
}

// Most users hold what the rules give them; every 25 users, five drift in a different way
// (one missing license, one extra, other disabled plans, Exchange Plan 1 instead of E3,
// nothing at all), and some hold unmanaged SKUs or EMS through a group.
User make_estate_user(int tenant, int k, const std::string& domain) {
  User u;
  char upn[96];
  std::snprintf(upn, sizeof upn, "user%05d@%s", k, domain.c_str());
  u.id = user_id(tenant, 1, k);
  u.user_principal_name = upn;
  u.display_name = "User " + std::to_string(k);
  u.given_name = "User";
  u.surname = std::to_string(k);
  u.mail = upn;
  u.department = kDepartments[k % 7];
  u.job_title = k % 10 == 0 ? "Manager" : kTitles[k % 3];
  if (k % 50 != 7) u.usage_location = k % 97 == 5 ? "CN" : kLocations[k % 5];
  const std::string yammer = plan_ids().at("YAMMER_ENTERPRISE");
  std::vector<const char*> held = rule_licenses(u.department, u.job_title, u.usage_location);
  int drift = k % 25;
  if (drift == 0) held.erase(held.begin());  // missing one: assign
  if (drift == 1) {                          // an extra one: revoke
    bool has_bi = std::find(held.begin(), held.end(), std::string("POWER_BI_PRO")) != held.end();
    held.push_back(has_bi ? "MCOEV" : "POWER_BI_PRO");
  }
  if (drift == 3 && std::string(held.front()) == "SPE_E3") {  // Plan 1 instead: swap
    held.front() = "EXCHANGESTANDARD";
  }
  if (drift == 4 || k % 50 == 7) held.clear();  // not licensed yet
  bool ems_from_group = k % 9 == 0;
  for (const char* part : held) {
    std::string name = part;
    if (name == "EMS" && ems_from_group) continue;                 // inherited below instead
    if (name == "MCOPSTN1" && u.usage_location == "CN") continue;  // not sold there
    bool it_e3 = name == "SPE_E3" && u.department == "IT";
    // IT's E3 has YAMMER_ENTERPRISE off; drift 2 flips that for everyone.
    bool yammer_off = it_e3 != (drift == 2);
    hold(u, part,
         yammer_off && name == "SPE_E3" ? std::vector<std::string>{yammer}
                                        : std::vector<std::string>{});
  }
  if (ems_from_group) inherit(u, "EMS");
  if (drift == 4 && k % 3 == 0) hold(u, "SPE_E5");  // unmanaged: never touched
  if (k % 40 == 3) hold(u, "VISIOCLIENT");          // unmanaged
  return u;
}

DesiredLicense lic(const char* sku, std::vector<std::string> disabled = {}) {
  return DesiredLicense{sku, std::move(disabled), {}};
}

LicenseRule rule(RuleMatch where, std::vector<DesiredLicense> licenses) {
  return LicenseRule{std::move(where), std::move(licenses), {}};
}

}  // namespace

Tenant plan_tenant_identity(int index) {
  char id[64], domain[64];
  std::snprintf(id, sizeof id, "%08x-1111-4000-8000-%012d", index, index);
  std::snprintf(domain, sizeof domain, "tenant%04d.onmicrosoft.com", index);
  return {id, domain, "Tenant " + std::to_string(index)};
}

PlanTenant make_plan_tenant(int index, int users) {
  PlanTenant t;
  t.tenant = plan_tenant_identity(index);
  for (int k = 0; k < users; ++k)
    t.users.push_back(make_estate_user(index, k, t.tenant.default_domain_name));
  for (int j = 0; j < users / 100; ++j) {
    User u = make_estate_user(index, j, t.tenant.default_domain_name);
    char upn[96], when[32];
    std::snprintf(upn, sizeof upn, "leaver%04d@%s", j, t.tenant.default_domain_name.c_str());
    // Most within the 30-day window; every fifth deleted 50 days ago, past it.
    if (j % 5 == 4) {
      std::snprintf(when, sizeof when, "2026-10-01T00:00:00Z");
    } else {
      std::snprintf(when, sizeof when, "2026-11-%02dT00:00:00Z", 1 + j % 18);
    }
    u.id = user_id(index, 0xdddd, j);
    u.user_principal_name = upn;
    u.mail = upn;
    u.deleted_date_time = when;
    t.deleted_users.push_back(std::move(u));
  }
  std::map<std::string, int> consumed;
  for (const auto& u : t.users) {
    for (const auto& l : u.assigned_licenses) consumed[l.sku_id] += 1;
  }
  for (const auto& s : sku_specs()) {
    Sku sku;
    sku.id = t.tenant.id + "_" + s.id;
    sku.sku_id = s.id;
    sku.sku_part_number = s.part;
    // Headroom for what the desired state adds, except in every fifth tenant, where
    // SPE_E3, EMS and the Teams SKUs have none (the plan reports shortfalls there).
    std::string part = s.part;
    bool tight = index % 5 == 0 &&
                 (part == "SPE_E3" || part == "EMS" || part == "MCOEV" || part == "MCOPSTN1");
    sku.consumed_units = consumed[s.id];
    sku.prepaid_units.enabled =
        sku.consumed_units + (tight ? 0 : static_cast<int>(s.headroom * users));
    for (const char* p : s.plans) {
      sku.service_plans.push_back({plan_ids().at(p), p, "Success", "User"});
    }
    t.skus.push_back(std::move(sku));
  }
  return t;
}

DesiredTenant make_desired_tenant(const PlanTenant& tenant, int index) {
  DesiredTenant d;
  d.tenant = tenant.tenant.default_domain_name;
  d.mode = index % 10 == 9 ? TenantMode::Report : TenantMode::Enforce;
  d.managed_skus = {"SPE_E3", "EMS", "EXCHANGESTANDARD", "POWER_BI_PRO", "MCOEV", "MCOPSTN1"};
  d.managed_sku_locations.resize(d.managed_skus.size());
  d.unlisted = index % 2 == 1 ? UnlistedPolicy::Revoke : UnlistedPolicy::Keep;
  auto dept = [](const char* name) {
    RuleMatch m;
    m.department = name;
    return m;
  };
  RuleMatch finance_managers = dept("Finance");
  finance_managers.job_title = "Manager";
  RuleMatch support_gb = dept("Support");
  support_gb.usage_location = "GB";
  d.rules = {
      rule(dept("Sales"), {lic("SPE_E3"), lic("EMS")}),
      rule(dept("Marketing"), {lic("SPE_E3")}),
      rule(dept("IT"), {lic("SPE_E3", {"YAMMER_ENTERPRISE"}), lic("EMS"), lic("POWER_BI_PRO")}),
      rule(dept("Engineering"), {lic("SPE_E3"), lic("EMS")}),
      rule(dept("Support"), {lic("EXCHANGESTANDARD")}),
      rule(support_gb, {lic("EXCHANGESTANDARD"), lic("POWER_BI_PRO")}),
      rule(dept("HR"), {lic("SPE_E3"), lic("MCOEV"), lic("MCOPSTN1")}),
      rule(finance_managers, {lic("SPE_E3"), lic("POWER_BI_PRO")}),
  };
  for (size_t k = 0; k < tenant.users.size(); ++k) {
    const User& u = tenant.users[k];
    DesiredUser e;
    e.upn = u.user_principal_name;
    if (k % 50 == 1) {
      e.licenses = std::vector<DesiredLicense>{lic("EXCHANGESTANDARD")};
    } else if (k % 50 == 2) {
      e.licenses = std::vector<DesiredLicense>{lic("SPE_E3"), lic("EMS")};
    } else if (k % 50 == 3) {
      e.licenses = std::vector<DesiredLicense>{lic("SPE_E3", {"YAMMER_ENTERPRISE", "TEAMS1"})};
    } else if (k % 200 == 4) {
      e.state = DesiredUserState::Deleted;
    } else if (k % 500 == 5) {
      e.ignore = true;
    } else {
      continue;
    }
    d.users.push_back(std::move(e));
  }
  for (size_t j = 0; j < tenant.deleted_users.size(); j += 2) {
    DesiredUser e;
    e.upn = tenant.deleted_users[j].user_principal_name;
    e.state = DesiredUserState::Active;
    e.licenses = std::vector<DesiredLicense>{lic("SPE_E3")};
    d.users.push_back(std::move(e));
  }
  for (int n = 1; n <= 2; ++n) {
    DesiredUser e;
    e.upn = "new.hire" + std::to_string(n) + "@" + d.tenant;
    e.licenses = std::vector<DesiredLicense>{lic("SPE_E3"), lic("EMS")};
    CreateSpec c;
    c.display_name = "New Hire " + std::to_string(n);
    c.usage_location = "US";
    c.department = "Sales";
    e.create = c;
    d.users.push_back(std::move(e));
  }
  DesiredUser missing;
  missing.upn = "former.contractor@" + d.tenant;
  missing.licenses = std::vector<DesiredLicense>{lic("EMS")};
  d.users.push_back(std::move(missing));
  return d;
}

}  // namespace tenantsync::bench
