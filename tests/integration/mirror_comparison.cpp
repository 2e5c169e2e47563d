#include "tests/integration/mirror_comparison.h"

#include <algorithm>
#include <map>
#include <set>
#include <sstream>

#include "sync/clock.h"

namespace tenantsync::test {

namespace {

using nlohmann::json;

// The fake writes null for an empty string; Graph decoding reads null as "".
std::string text(const json& j, const char* key) {
  auto it = j.find(key);
  return it == j.end() || it->is_null() ? std::string() : it->get<std::string>();
}

std::string sorted_list(std::vector<std::string> items) {
  std::sort(items.begin(), items.end());
  std::string out = "[";
  for (const auto& i : items) out += (out.size() > 1 ? "," : "") + i;
  return out + "]";
}

// sku id -> sorted disabled plans, as one comparable string per license.
using Licenses = std::map<std::string, std::string>;
// (sku id, group id) -> sorted disabled plans.
using GroupLicenses = std::map<std::pair<std::string, std::string>, std::string>;

std::string describe(const Licenses& l) {
  std::string out;
  for (const auto& [sku, plans] : l) out += (out.empty() ? "" : " ") + sku + plans;
  return "{" + out + "}";
}

std::string describe(const GroupLicenses& l) {
  std::string out;
  for (const auto& [key, plans] : l) {
    out += (out.empty() ? "" : " ") + key.first + "@" + key.second + plans;
  }
  return "{" + out + "}";
}

Licenses service_direct(const json& user) {
  Licenses out;
  for (const auto& l : user.value("assignedLicenses", json::array())) {
    out[l["skuId"].get<std::string>()] =
        sorted_list(l.value("disabledPlans", std::vector<std::string>{}));
  }
  return out;
}

GroupLicenses service_groups(const json& user) {
  GroupLicenses out;
  for (const auto& l : user.value("groupLicenses", json::array())) {
    out[{l["skuId"].get<std::string>(), l["groupId"].get<std::string>()}] =
        sorted_list(l.value("disabledPlans", std::vector<std::string>{}));
  }
  return out;
}

// What the cache says the user holds directly: licenseAssignmentStates without a group,
// or every assigned license when the service gave no states (model/user.h).
Licenses cached_direct(const User& u) {
  Licenses out;
  if (u.license_states.empty()) {
    for (const auto& l : u.assigned_licenses) out[l.sku_id] = sorted_list(l.disabled_plans);
    return out;
  }
  for (const auto& s : u.license_states) {
    if (!s.assigned_by_group) out[s.sku_id] = sorted_list(s.disabled_plans);
  }
  return out;
}

GroupLicenses cached_groups(const User& u) {
  GroupLicenses out;
  for (const auto& s : u.license_states) {
    if (s.assigned_by_group) out[{s.sku_id, *s.assigned_by_group}] = sorted_list(s.disabled_plans);
  }
  return out;
}

std::set<std::string> sku_set(const Licenses& direct, const GroupLicenses& groups) {
  std::set<std::string> out;
  for (const auto& [sku, plans] : direct) out.insert(sku);
  for (const auto& [key, plans] : groups) out.insert(key.first);
  return out;
}

std::string describe(const std::set<std::string>& s) {
  return sorted_list(std::vector<std::string>(s.begin(), s.end()));
}

class Differences {
 public:
  template <class T>
  void check(const std::string& what, const std::string& field, const T& cached, const T& service) {
    if (cached == service) return;
    std::ostringstream line;
    line << what << ": " << field << ": cache " << cached << ", service " << service;
    lines_.push_back(line.str());
  }
  void add(std::string line) { lines_.push_back(std::move(line)); }
  std::vector<std::string> take() { return std::move(lines_); }

 private:
  std::vector<std::string> lines_;
};

void compare_skus(const TenantSnapshot& cached, const json& state, Differences& d) {
  std::map<std::string, const Sku*> by_id;
  for (const auto& s : cached.skus) by_id[s.sku_id] = &s;
  std::set<std::string> seen;
  for (const auto& s : state.value("skus", json::array())) {
    std::string id = s["skuId"].get<std::string>();
    seen.insert(id);
    std::string what = "SKU " + id + " (" + text(s, "skuPartNumber") + ")";
    auto it = by_id.find(id);
    if (it == by_id.end()) {
      d.add(what + ": missing from the cache");
      continue;
    }
    const Sku& c = *it->second;
    d.check(what, "skuPartNumber", c.sku_part_number, text(s, "skuPartNumber"));
    d.check(what, "appliesTo", c.applies_to, text(s, "appliesTo"));
    d.check(what, "capabilityStatus", c.capability_status, text(s, "capabilityStatus"));
    d.check(what, "enabled", c.prepaid_units.enabled, s["enabled"].get<int>());
    d.check(what, "warning", c.prepaid_units.warning, s["warning"].get<int>());
    d.check(what, "suspended", c.prepaid_units.suspended, s["suspended"].get<int>());
    d.check(what, "lockedOut", c.prepaid_units.locked_out, s.value("lockedOut", 0));
    d.check(what, "consumedUnits", c.consumed_units, s["consumedUnits"].get<int>());
    std::map<std::string, std::string> cached_plans, service_plans;
    for (const auto& p : c.service_plans) cached_plans[p.service_plan_id] = p.service_plan_name;
    for (const auto& p : s.value("servicePlans", json::array())) {
      service_plans[p["servicePlanId"].get<std::string>()] = text(p, "servicePlanName");
    }
    if (cached_plans != service_plans) {
      d.add(what + ": service plans differ (cache " + std::to_string(cached_plans.size()) +
            ", service " + std::to_string(service_plans.size()) + ")");
    }
  }
  for (const auto& [id, sku] : by_id) {
    if (!seen.count(id)) d.add("SKU " + id + ": in the cache, not in the service");
  }
}

void compare_attributes(const std::string& what, const User& c, const json& s, Differences& d) {
  d.check(what, "userPrincipalName", c.user_principal_name, text(s, "userPrincipalName"));
  d.check(what, "displayName", c.display_name, text(s, "displayName"));
  d.check(what, "mail", c.mail, text(s, "mail"));
  d.check(what, "givenName", c.given_name, text(s, "givenName"));
  d.check(what, "surname", c.surname, text(s, "surname"));
  d.check(what, "department", c.department, text(s, "department"));
  d.check(what, "jobTitle", c.job_title, text(s, "jobTitle"));
  d.check(
      what, "usageLocation", c.usage_location.value_or("(none)"),
      s["usageLocation"].is_null() ? std::string("(none)") : s["usageLocation"].get<std::string>());
  d.check(what, "accountEnabled", c.account_enabled, s["accountEnabled"].get<bool>());
}

// Direct, group and effective licenses. For a soft-deleted user these are the licenses
// it held when deleted, and where each came from: a restore brings the group's back
// through the group.
void compare_licenses(const std::string& what, const User& c, const json& s, Differences& d) {
  Licenses direct = service_direct(s);
  GroupLicenses groups = service_groups(s);
  d.check(what, "direct licenses", describe(cached_direct(c)), describe(direct));
  d.check(what, "group licenses", describe(cached_groups(c)), describe(groups));
  std::set<std::string> effective;
  for (const auto& l : c.assigned_licenses) effective.insert(l.sku_id);
  d.check(what, "assignedLicenses", describe(effective), describe(sku_set(direct, groups)));
}

void compare_deletion_time(const std::string& what, const User& c, const json& s, Differences& d) {
  Clock::time_point cached_time, service_time;
  bool cached_ok = c.deleted_date_time && parse_iso8601(*c.deleted_date_time, cached_time);
  bool service_ok = parse_iso8601(text(s, "deletedDateTime"), service_time);
  if (!cached_ok || !service_ok || cached_time != service_time) {
    d.add(what + ": deletedDateTime: cache " + c.deleted_date_time.value_or("(none)") +
          ", service " + text(s, "deletedDateTime"));
  }
}

// One list of users, active or soft-deleted, in the cache against the service's.
void compare_users(const std::vector<User>& cached, const json& service, bool deleted,
                   Differences& d) {
  const std::string kind = deleted ? "deleted user " : "user ";
  std::map<std::string, const User*> by_id;
  for (const auto& u : cached) {
    if (!by_id.emplace(u.id, &u).second) d.add(kind + u.id + ": twice in the cache");
  }
  std::set<std::string> seen;
  for (const auto& s : service) {
    std::string id = s["id"].get<std::string>();
    seen.insert(id);
    std::string what = kind + id + " (" + text(s, "userPrincipalName") + ")";
    auto it = by_id.find(id);
    if (it == by_id.end()) {
      d.add(what + ": missing from the cache");
      continue;
    }
    compare_attributes(what, *it->second, s, d);
    if (deleted) compare_deletion_time(what, *it->second, s, d);
    compare_licenses(what, *it->second, s, d);
  }
  for (const auto& [id, user] : by_id) {
    if (!seen.count(id)) {
      d.add(kind + id + " (" + user->user_principal_name + "): in the cache, not in the service");
    }
  }
}

}  // namespace

std::vector<std::string> mirror_differences(const TenantSnapshot& cached,
                                            const nlohmann::json& service_state) {
  Differences d;
  d.check("tenant", "id", cached.tenant.id, service_state["id"].get<std::string>());
  d.check("tenant", "defaultDomainName", cached.tenant.default_domain_name,
          text(service_state, "defaultDomainName"));
  compare_skus(cached, service_state, d);
  std::string cached_domains, service_domains;
  for (const auto& name : verified_domain_names(cached.domains)) cached_domains += name + " ";
  for (const auto& name : service_state.value("verifiedDomains", json::array())) {
    service_domains += name.get<std::string>() + " ";
  }
  d.check("tenant", "verifiedDomains", cached_domains, service_domains);
  compare_users(cached.users, service_state.value("users", json::array()), false, d);
  compare_users(cached.deleted_users, service_state.value("deletedUsers", json::array()), true, d);
  return d.take();
}

std::string join_lines(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines) out += l + "\n";
  return out;
}

}  // namespace tenantsync::test
