// The planner tests' fixture: a tenant snapshot and a desired state built in code
// (TenantBuilder, DesiredBuilder), a plan of them, and its operations as one line each:
// "alice assign SPE_E3 -YAMMER_ENTERPRISE (reason)", blocked ones prefixed with "!".
// Shared by planner_test (what each user should hold), planner_checks_test (the service's
// rules) and planner_seats_test (who gets the seats); license_targets_test builds its
// tenant and desired state from it too.
#pragma once

#include <algorithm>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "sync/plan/planner.h"
#include "sync/plan/property_change.h"

namespace tenantsync::planner_fixture {

inline const Clock::time_point kNow = [] {
  Clock::time_point t;
  parse_iso8601("2026-11-20T00:00:00Z", t);
  return t;
}();

inline std::string plan_id(const std::string& name) { return "id-" + name; }
inline std::string sku_id(const std::string& part) { return "sku-" + part; }

// The tenant's SKUs: part number -> service plans.
inline const std::vector<std::pair<std::string, std::vector<std::string>>> kCatalogue = {
    {"SPE_E3",
     {"EXCHANGE_S_ENTERPRISE", "SHAREPOINTENTERPRISE", "YAMMER_ENTERPRISE", "MCOSTANDARD",
      "TEAMS1"}},
    {"EMS", {"INTUNE_A", "AAD_PREMIUM"}},
    {"EXCHANGESTANDARD", {"EXCHANGE_S_STANDARD"}},
    {"MCOEV", {"MCOEV"}},
    {"MCOPSTN1", {"MCOPSTN1"}},
    {"VISIOCLIENT", {"VISIO_CLIENT_SUBSCRIPTION"}},
};

// A user of the snapshot, fluently.
struct U {
  User user;
  explicit U(const std::string& name) {
    user.user_principal_name = name.find('@') == std::string::npos ? name + "@contoso.com" : name;
    user.id = "id-" + name.substr(0, name.find('@'));
    user.display_name = name;
    user.usage_location = "US";
  }
  U& department(const std::string& d) {
    user.department = d;
    return *this;
  }
  U& title(const std::string& t) {
    user.job_title = t;
    return *this;
  }
  U& location(std::optional<std::string> l) {
    user.usage_location = std::move(l);
    return *this;
  }
  // A direct license; `disabled` are plan names.
  U& lic(const std::string& part, std::vector<std::string> disabled = {}) {
    for (auto& d : disabled) d = plan_id(d);
    user.assigned_licenses.push_back({sku_id(part), disabled});
    LicenseAssignmentState s;
    s.sku_id = sku_id(part);
    s.disabled_plans = disabled;
    user.license_states.push_back(s);
    return *this;
  }
  // A license inherited from `group` (also direct when lic() was called for it too).
  U& group(const std::string& part, const std::string& group_id) {
    if (!user.find_license(sku_id(part))) user.assigned_licenses.push_back({sku_id(part), {}});
    LicenseAssignmentState s;
    s.sku_id = sku_id(part);
    s.assigned_by_group = group_id;
    user.license_states.push_back(s);
    return *this;
  }
  U& deleted(const std::string& when) {
    user.deleted_date_time = when;
    return *this;
  }
};

// A tenant snapshot. Each SKU has 100 seats unless seats() says otherwise; consumed units
// are counted from the users, plus `extra`.
class TenantBuilder {
 public:
  TenantBuilder& seats(const std::string& part, int enabled, int extra_consumed = 0) {
    seats_[part] = {enabled, extra_consumed};
    return *this;
  }
  TenantBuilder& add(const U& u) {
    users_.push_back(u.user);
    return *this;
  }
  TenantBuilder& add_deleted(const U& u) {
    deleted_.push_back(u.user);
    if (!deleted_.back().deleted_date_time)
      deleted_.back().deleted_date_time = "2026-11-10T00:00:00Z";
    return *this;
  }
  TenantBuilder& mirror(MirrorState state, std::string reason = "") {
    mirror_ = state;
    reason_ = std::move(reason);
    return *this;
  }
  // The first read failed part way: stale, some users cached, never complete.
  TenantBuilder& first_read_failed(std::string reason) {
    mirror(MirrorState::Stale, std::move(reason));
    ever_complete_ = false;
    return *this;
  }
  TenantBuilder& gone(std::string since, std::string reason) {
    gone_since_ = std::move(since);
    gone_reason_ = std::move(reason);
    return *this;
  }
  TenantBuilder& read_from(std::string other_host) {
    other_graph_host_ = std::move(other_host);
    return *this;
  }

  TenantBuilder& domains(std::vector<Domain> domains) {
    domains_ = std::move(domains);
    return *this;
  }

  TenantSnapshot build() const {
    TenantSnapshot s;
    s.tenant = {"tenant-id", "contoso.onmicrosoft.com", "Contoso"};
    s.domains = domains_;
    s.mirror = mirror_;
    s.stale_reason = reason_;
    s.ever_complete = ever_complete_ && mirror_ != MirrorState::Never;
    s.gone_since = gone_since_;
    s.gone_reason = gone_reason_;
    s.other_graph_host = other_graph_host_;
    for (const auto& [part, plans] : kCatalogue) {
      Sku sku;
      sku.id = "tenant-id_" + sku_id(part);
      sku.sku_id = sku_id(part);
      sku.sku_part_number = part;
      for (const auto& p : plans) sku.service_plans.push_back({plan_id(p), p, "Success", "User"});
      auto it = seats_.find(part);
      sku.prepaid_units.enabled = it == seats_.end() ? 100 : it->second.first;
      sku.consumed_units = it == seats_.end() ? 0 : it->second.second;
      for (const auto& u : users_) {
        if (u.find_license(sku.sku_id)) ++sku.consumed_units;
      }
      s.skus.push_back(sku);
    }
    s.users = users_;
    std::sort(s.users.begin(), s.users.end(), [](const User& a, const User& b) {
      return a.user_principal_name < b.user_principal_name;
    });
    s.deleted_users = deleted_;
    return s;
  }

 private:
  std::map<std::string, std::pair<int, int>> seats_;
  std::vector<User> users_;
  std::vector<User> deleted_;
  MirrorState mirror_ = MirrorState::Complete;
  std::string reason_;
  bool ever_complete_ = true;
  std::string gone_since_;
  std::string gone_reason_;
  std::string other_graph_host_;
  // As GET /domains lists them: the initial domain, a verified custom one, an unverified one.
  std::vector<Domain> domains_ = {{"contoso.onmicrosoft.com", false, true, true},
                                  {"contoso.com", true, false, true},
                                  {"pending.contoso.com", false, false, false}};
};

inline DesiredLicense L(const std::string& sku, std::vector<std::string> disabled = {}) {
  DesiredLicense l;
  l.sku = sku;
  l.disabled_plans = std::move(disabled);
  l.where = {"desired.json", 1, 1, "tenants[0].users[0].licenses[0]"};
  return l;
}

// The desired tenant; users get line numbers 10, 11, ... in the order added.
class DesiredBuilder {
 public:
  DesiredBuilder() {
    t_.tenant = "contoso.onmicrosoft.com";
    t_.managed_skus = {"SPE_E3", "EMS", "EXCHANGESTANDARD", "MCOEV", "MCOPSTN1"};
    t_.location = {"desired.json", 2, 5, "tenants[0]"};
  }
  DesiredBuilder& managed(std::vector<std::string> skus) {
    t_.managed_skus = std::move(skus);
    return *this;
  }
  DesiredBuilder& unlisted(UnlistedPolicy p) {
    t_.unlisted = p;
    return *this;
  }
  DesiredBuilder& default_location(std::string code) {
    t_.default_usage_location = std::move(code);
    return *this;
  }
  DesiredBuilder& mode(TenantMode m) {
    t_.mode = m;
    return *this;
  }
  DesiredBuilder& rule(RuleMatch where, std::vector<DesiredLicense> licenses) {
    LicenseRule r;
    r.where = std::move(where);
    r.licenses = std::move(licenses);
    r.location = {"desired.json", 5, 7,
                  "tenants[0].rules[" + std::to_string(t_.rules.size()) + "]"};
    t_.rules.push_back(std::move(r));
    return *this;
  }
  DesiredBuilder& user(const std::string& name, std::optional<std::vector<DesiredLicense>> licenses,
                       std::function<void(DesiredUser&)> more = {}) {
    DesiredUser u;
    u.upn = name.find('@') == std::string::npos ? name + "@contoso.com" : name;
    u.licenses = std::move(licenses);
    u.location = {"desired.json", 10 + static_cast<int>(t_.users.size()), 7,
                  "tenants[0].users[" + std::to_string(t_.users.size()) + "]"};
    if (more) more(u);
    t_.users.push_back(std::move(u));
    return *this;
  }
  const DesiredTenant& get() const { return t_; }

 private:
  DesiredTenant t_;
};

inline RuleMatch dept(const std::string& d) {
  RuleMatch m;
  m.department = d;
  return m;
}

inline TenantPlan plan(const TenantBuilder& tenant, const DesiredBuilder& desired,
                       const ServiceRules& rules = ServiceRules::builtin()) {
  auto result = plan_tenant(tenant.build(), desired.get(), rules, kNow);
  EXPECT_TRUE(result.ok()) << (result.ok() ? "" : result.error().message);
  return result.ok() ? *result : TenantPlan{};
}

inline std::string line(const Operation& op) {
  std::string s = op.status == OpStatus::Blocked ? "!" : "";
  s += op.user.substr(0, op.user.find('@')) + " " + to_string(op.op);
  if (!op.sku.empty()) s += " " + op.sku;
  if (op.details && op.op == OpKind::SetProperties) s += " " + describe_property_patch(*op.details);
  for (const auto& d : op.disabled_plans) s += " -" + d.substr(3);
  if (!op.reason.empty()) s += " (" + op.reason + ")";
  return s;
}

inline std::vector<std::string> lines(const TenantPlan& p) {
  std::vector<std::string> out;
  for (const auto& op : p.operations) out.push_back(line(op));
  return out;
}

// Each expected line equals the actual one, or is a prefix of it when it has a reason
// ("(" in it), so tables can name the start of a reason.
inline void expect_ops(const TenantPlan& p, const std::vector<std::string>& expected) {
  std::vector<std::string> actual = lines(p);
  bool same = actual.size() == expected.size();
  for (size_t i = 0; same && i < actual.size(); ++i) {
    same = expected[i].find(" (") == std::string::npos ? actual[i] == expected[i]
                                                       : actual[i].rfind(expected[i], 0) == 0;
  }
  if (!same) {
    std::string a, e;
    for (const auto& s : actual) a += "  " + s + "\n";
    for (const auto& s : expected) e += "  " + s + "\n";
    ADD_FAILURE() << "operations:\n" << a << "expected:\n" << e;
  }
}

inline const SeatLine* seat(const TenantPlan& p, const std::string& part) {
  for (const auto& s : p.seats) {
    if (s.sku == part) return &s;
  }
  return nullptr;
}

struct Case {
  const char* name;
  TenantBuilder tenant;
  DesiredBuilder desired;
  std::vector<std::string> ops;
};

inline void run_cases(const std::vector<Case>& cases) {
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    expect_ops(plan(c.tenant, c.desired), c.ops);
  }
}

}  // namespace tenantsync::planner_fixture
