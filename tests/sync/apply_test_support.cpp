#include "tests/sync/apply_test_support.h"

#include <algorithm>

#include <gtest/gtest.h>

#include "model/desired_state.h"
#include "sync/ascii_case.h"
#include "sync/log.h"
#include "sync/mirror/mirror.h"
#include "sync/plan/planner.h"

namespace tenantsync {

namespace {

Sku sku(const std::string& id, const std::string& part, int seats,
        const std::vector<std::string>& plans) {
  Sku s;
  s.id = "tenant_" + id;
  s.sku_id = id;
  s.sku_part_number = part;
  s.prepaid_units.enabled = seats;
  for (const auto& p : plans) s.service_plans.push_back({plan_id_of(p), p, "Success", "User"});
  return s;
}

std::string part_of(const std::string& sku_id) {
  for (const auto& s : test_skus()) {
    if (s.sku_id == sku_id) return s.sku_part_number;
  }
  return sku_id;
}

std::string name_of(const std::string& plan) {
  return plan.rfind("plan-", 0) == 0 ? plan.substr(5) : plan;
}

LicenseView view(const User& u) {
  LicenseView out;
  for (const auto& l : u.assigned_licenses) {
    std::vector<std::string> disabled;
    for (const auto& p : l.disabled_plans) disabled.push_back(name_of(p));
    std::sort(disabled.begin(), disabled.end());
    std::string line = part_of(l.sku_id);
    for (const auto& d : disabled) line += " -" + d;
    out.push_back(line);
  }
  std::sort(out.begin(), out.end());
  return out;
}

StateView state_of(const std::vector<User>& active, const std::vector<User>& deleted) {
  StateView out;
  for (const auto& u : active) out[ascii_lower(u.user_principal_name)] = view(u);
  for (const auto& u : deleted) out["deleted:" + ascii_lower(u.user_principal_name)] = view(u);
  return out;
}

}  // namespace

std::string plan_id_of(const std::string& name) { return "plan-" + name; }

std::vector<User> scenario_users(const std::string& domain) {
  auto user = [&](const std::string& name, std::vector<std::string> skus) {
    return make_user("id-" + name + "-" + domain, name + "@" + domain, skus);
  };
  return {user("alice", {kE3}), user("bob", {kExs}), user("carol", {kE3}),
          user("dave", {}),     user("gina", {kE3}), user("ivan", {kE3})};
}

std::vector<User> scenario_deleted_users(const std::string& domain) {
  User erin = make_user("id-erin-" + domain, "erin@" + domain, {kE3});
  User frank = make_user("id-frank-" + domain, "frank@" + domain, {kEms});
  erin.deleted_date_time = frank.deleted_date_time = "2026-11-15T00:00:00Z";
  return {erin, frank};
}

std::string scenario_desired(const std::string& domain) {
  std::string d = domain;
  return R"({"version": 1, "tenants": [{"tenant": ")" + d + R"(",
    "managedSkus": ["SPE_E3", "EMS", "EXCHANGESTANDARD"],
    "users": [
      {"upn": "alice@)" +
         d + R"(", "licenses": ["EMS"]},
      {"upn": "bob@)" +
         d + R"(", "licenses": ["SPE_E3"]},
      {"upn": "carol@)" +
         d + R"(", "licenses": []},
      {"upn": "dave@)" +
         d + R"(", "licenses": ["SPE_E3"]},
      {"upn": "erin@)" +
         d + R"(", "licenses": ["SPE_E3"]},
      {"upn": "frank@)" +
         d + R"(", "licenses": ["SPE_E3"]},
      {"upn": "gina@)" +
         d + R"(", "state": "deleted"},
      {"upn": "hank@)" +
         d + R"(", "licenses": ["SPE_E3"],
       "create": {"displayName": "Hank", "usageLocation": "US"}},
      {"upn": "ivan@)" +
         d + R"(",
       "licenses": [{"sku": "SPE_E3", "disabledPlans": ["YAMMER_ENTERPRISE"]}]}
    ]}]})";
}

StateView scenario_end_state(const std::string& domain) {
  const std::string& d = domain;
  return {{"alice@" + d, {"EMS"}},
          {"bob@" + d, {"SPE_E3"}},
          {"carol@" + d, {}},
          {"dave@" + d, {"SPE_E3"}},
          {"erin@" + d, {"SPE_E3"}},
          {"frank@" + d, {"SPE_E3"}},
          {"hank@" + d, {"SPE_E3"}},
          {"ivan@" + d, {"SPE_E3 -YAMMER_ENTERPRISE"}},
          {"deleted:gina@" + d, {"SPE_E3"}}};
}

std::vector<Sku> test_skus(int e3_seats, int ems_seats, int exs_seats, int visio_seats) {
  return {sku(kE3, "SPE_E3", e3_seats,
              {"EXCHANGE_S_ENTERPRISE", "SHAREPOINTENTERPRISE", "YAMMER_ENTERPRISE", "TEAMS1"}),
          sku(kEms, "EMS", ems_seats, {"INTUNE_A", "AAD_PREMIUM"}),
          sku(kExs, "EXCHANGESTANDARD", exs_seats, {"EXCHANGE_S_STANDARD"}),
          sku(kVisio, "VISIOCLIENT", visio_seats, {"VISIO_CLIENT_SUBSCRIPTION"})};
}

ApplyHarness::ApplyHarness() {
  configure_logging(LogLevel::Off, false);
  remote.enforce_license_rules(true);
  auto c = Cache::open(dir.file("tenantsync.db"), clock);
  EXPECT_TRUE(c.ok()) << c.error().describe();
  if (c.ok()) cache = std::move(c).value();
}

void ApplyHarness::add_tenant(const std::string& domain, std::vector<User> users,
                              std::vector<User> deleted, std::vector<Sku> skus) {
  for (auto& u : deleted) {
    if (!u.deleted_date_time) u.deleted_date_time = "2026-11-15T00:00:00Z";
  }
  remote.add_tenant(make_tenant(tenant_id(domain), domain), std::move(skus), std::move(users),
                    std::move(deleted));
}

void ApplyHarness::add_scenario_tenant(const std::string& domain) {
  add_tenant(domain, scenario_users(domain), scenario_deleted_users(domain),
             test_skus(kScenarioE3Seats));
}

void ApplyHarness::mirror() {
  MirrorOptions options;
  options.full = true;
  options.concurrency = 1;
  options.roles = true;  // as `mirror` does
  MirrorResult result = mirror_tenants(remote, *cache, options);
  ASSERT_TRUE(result.ok());
  ASSERT_EQ(result.failed(), 0);
}

Plan ApplyHarness::plan(const std::string& desired_json) {
  Plan plan;
  auto desired = parse_desired_state(desired_json, "desired.json");
  EXPECT_TRUE(desired.ok()) << desired.error().message;
  if (!desired.ok()) return plan;
  std::vector<std::string> ids;
  for (const auto& d : desired->tenants) {
    auto tenant = cache->find_tenant(d.tenant);
    EXPECT_TRUE(tenant.ok()) << d.tenant;
    if (!tenant.ok()) continue;
    auto snapshot = cache->load_snapshot(tenant->id);
    EXPECT_TRUE(snapshot.ok()) << snapshot.error().message;
    if (!snapshot.ok()) continue;
    auto planned = plan_tenant(*snapshot, d, ServiceRules::builtin(), clock.now());
    EXPECT_TRUE(planned.ok()) << planned.error().message;
    if (!planned.ok()) continue;
    plan.tenants.push_back(std::move(planned).value());
    ids.push_back(tenant->id);
  }
  auto fingerprint = cache->fingerprint(ids);
  if (fingerprint.ok()) plan.fingerprint = *fingerprint;
  return plan;
}

ApplyReport ApplyHarness::apply(const Plan& plan, ExecuteOptions options) {
  if (options.plan_id.empty()) options.plan_id = "plan-" + std::to_string(++applies);
  if (!options.passwords.generate) {
    options.passwords.generate = [](const Operation& op) { return "Tmp!" + op.user + "-Pw1"; };
  }
  if (!options.passwords.created) {
    options.passwords.created = [this](const std::string& upn, const std::string& password) {
      passwords[upn] = password;
    };
  }
  auto report = execute_plan(plan, faulty, *cache, clock, options);
  EXPECT_TRUE(report.ok()) << (report.ok() ? "" : report.error().message);
  return report.ok() ? std::move(report).value() : ApplyReport{};
}

SettleReport ApplyHarness::settle(SettleOptions options) {
  auto report = settle_unfinished(faulty, *cache, clock, options);
  EXPECT_TRUE(report.ok()) << (report.ok() ? "" : report.error().message);
  return report.ok() ? std::move(report).value() : SettleReport{};
}

StateView ApplyHarness::remote_state(const std::string& domain) const {
  return state_of(remote.users(tenant_id(domain)), remote.deleted_users(tenant_id(domain)));
}

StateView ApplyHarness::cache_state(const std::string& domain) {
  auto snapshot = cache->load_snapshot(tenant_id(domain));
  EXPECT_TRUE(snapshot.ok());
  if (!snapshot.ok()) return {};
  return state_of(snapshot->users, snapshot->deleted_users);
}

}  // namespace tenantsync
