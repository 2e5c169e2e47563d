// Export: a hand-built snapshot written as desired state, read back, and planned again.
#include "sync/report/exporter.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "sync/plan/planner.h"
#include "sync/plan/service_rules.h"

namespace tenantsync {
namespace exporter_test {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

const Clock::time_point kNow = Clock::time_point(std::chrono::seconds(1795132800));

Sku make_sku(const std::string& part, std::vector<std::string> plans, int enabled = 50,
             const std::string& applies_to = "User") {
  Sku sku;
  sku.id = "tid_sku-" + part;
  sku.sku_id = "sku-" + part;
  sku.sku_part_number = part;
  sku.applies_to = applies_to;
  sku.prepaid_units.enabled = enabled;
  for (const auto& name : plans) {
    sku.service_plans.push_back({"plan-" + name, name, "Success", applies_to});
  }
  return sku;
}

User make_user(const std::string& name) {
  User user;
  user.id = "id-" + name;
  user.user_principal_name = name + "@contoso.onmicrosoft.com";
  user.display_name = name;
  user.usage_location = "US";
  return user;
}

// A direct license; `disabled` are plan names.
void direct(User& user, const std::string& part, std::vector<std::string> disabled = {}) {
  for (auto& d : disabled) d = "plan-" + d;
  user.assigned_licenses.push_back({"sku-" + part, disabled});
  LicenseAssignmentState state;
  state.sku_id = "sku-" + part;
  state.disabled_plans = disabled;
  user.license_states.push_back(state);
}

// A license inherited from a group (and direct too when direct() was called for it).
void inherited(User& user, const std::string& part, const std::string& group) {
  if (!user.find_license("sku-" + part)) user.assigned_licenses.push_back({"sku-" + part, {}});
  LicenseAssignmentState state;
  state.sku_id = "sku-" + part;
  state.assigned_by_group = group;
  user.license_states.push_back(state);
}

TenantSnapshot sample_snapshot() {
  TenantSnapshot s;
  s.tenant = {"tid-contoso", "contoso.onmicrosoft.com", "Contoso"};
  s.mirror = MirrorState::Complete;
  s.synced_at = "2026-11-20T00:00:00Z";
  s.skus = {make_sku("SPE_E3", {"EXCHANGE_S_ENTERPRISE", "YAMMER_ENTERPRISE", "SWAY", "TEAMS1"}),
            make_sku("EMS", {"INTUNE_A", "AAD_PREMIUM"}),
            make_sku("AAD_CONNECT", {"AAD_CONNECT_PLAN"}, 1, "Company"),
            make_sku("ADALLOM_STANDALONE", {"ADALLOM_S_STANDALONE"})};

  User alice = make_user("alice");  // direct E3 with two plans disabled, EMS too
  direct(alice, "SPE_E3", {"YAMMER_ENTERPRISE", "SWAY"});
  direct(alice, "EMS");
  User bob = make_user("Bob");  // EMS only through a group
  inherited(bob, "EMS", "group-all");
  User carol = make_user("carol");  // E3 both direct and by group, EMS by group only
  direct(carol, "SPE_E3", {"TEAMS1"});
  inherited(carol, "SPE_E3", "group-e3");
  inherited(carol, "EMS", "group-all");
  User dave = make_user("dave");  // no license at all
  User erin = make_user("erin");  // a company SKU only (not user-assignable, not managed)
  erin.assigned_licenses.push_back({"sku-AAD_CONNECT", {}});
  User frank = make_user("frank");  // no licenseAssignmentStates: every license is direct
  frank.assigned_licenses.push_back({"sku-EMS", {"plan-INTUNE_A"}});
  User zed = make_user("zed");  // a disabled plan the SKU does not list stays an id
  direct(zed, "SPE_E3", {"GONE"});
  zed.license_states.back().disabled_plans = {"plan-GONE"};
  zed.assigned_licenses.back().disabled_plans = {"plan-GONE"};
  s.users = {alice, bob, carol, dave, erin, frank, zed};

  User gone = make_user("gone");  // soft-deleted, with the license it held
  direct(gone, "SPE_E3");
  gone.deleted_date_time = "2026-11-10T00:00:00Z";
  s.deleted_users = {gone};
  for (const auto& user : s.users) {
    for (const auto& license : user.assigned_licenses) {
      for (auto& sku : s.skus) {
        if (sku.sku_id == license.sku_id) ++sku.consumed_units;
      }
    }
  }
  return s;
}

const DesiredUser* find_user(const DesiredTenant& t, const std::string& upn) {
  for (const auto& u : t.users) {
    if (u.upn == upn) return &u;
  }
  return nullptr;
}

TEST(ExportTest, ManagesEveryUserSkuInReportModeKeepingUnlistedUsers) {
  DesiredTenant t = export_tenant(sample_snapshot());
  EXPECT_EQ(t.tenant, "contoso.onmicrosoft.com");
  EXPECT_EQ(t.mode, TenantMode::Report);
  EXPECT_EQ(t.unlisted, UnlistedPolicy::Keep);
  EXPECT_THAT(t.managed_skus, ElementsAre("ADALLOM_STANDALONE", "EMS", "SPE_E3"));  // sorted
  EXPECT_THAT(t.rules, IsEmpty());
}

TEST(ExportTest, WritesDirectLicensesWithDisabledPlansByNameSorted) {
  DesiredTenant t = export_tenant(sample_snapshot());
  const DesiredUser* alice = find_user(t, "alice@contoso.onmicrosoft.com");
  ASSERT_NE(alice, nullptr);
  ASSERT_TRUE(alice->licenses.has_value());
  ASSERT_EQ(alice->licenses->size(), 2u);
  EXPECT_EQ((*alice->licenses)[0].sku, "EMS");  // licenses sorted by part number
  EXPECT_THAT((*alice->licenses)[0].disabled_plans, IsEmpty());
  EXPECT_EQ((*alice->licenses)[1].sku, "SPE_E3");
  EXPECT_THAT((*alice->licenses)[1].disabled_plans, ElementsAre("SWAY", "YAMMER_ENTERPRISE"));
  EXPECT_EQ(alice->state, DesiredUserState::Unspecified);
  EXPECT_FALSE(alice->ignore);
  EXPECT_FALSE(alice->create.has_value());

  const DesiredUser* zed = find_user(t, "zed@contoso.onmicrosoft.com");
  ASSERT_NE(zed, nullptr);
  EXPECT_THAT((*zed->licenses)[0].disabled_plans, ElementsAre("plan-GONE"));
}

TEST(ExportTest, SkipsGroupOnlyLicensesAndKeepsDirectOnesBesideAGroup) {
  DesiredTenant t = export_tenant(sample_snapshot());
  EXPECT_EQ(find_user(t, "Bob@contoso.onmicrosoft.com"), nullptr);  // EMS from a group only
  const DesiredUser* carol = find_user(t, "carol@contoso.onmicrosoft.com");
  ASSERT_NE(carol, nullptr);
  ASSERT_EQ(carol->licenses->size(), 1u);  // not the group's EMS
  EXPECT_EQ((*carol->licenses)[0].sku, "SPE_E3");
  // The direct assignment's disabled plans, not the group's.
  EXPECT_THAT((*carol->licenses)[0].disabled_plans, ElementsAre("TEAMS1"));
}

TEST(ExportTest, LicensesWithoutAssignmentStatesCountAsDirect) {
  DesiredTenant t = export_tenant(sample_snapshot());
  const DesiredUser* frank = find_user(t, "frank@contoso.onmicrosoft.com");
  ASSERT_NE(frank, nullptr);
  ASSERT_EQ(frank->licenses->size(), 1u);
  EXPECT_EQ((*frank->licenses)[0].sku, "EMS");
  EXPECT_THAT((*frank->licenses)[0].disabled_plans, ElementsAre("INTUNE_A"));
}

TEST(ExportTest, ListsOnlyUsersWithDirectManagedLicensesSortedByUpn) {
  DesiredTenant t = export_tenant(sample_snapshot());
  std::vector<std::string> upns;
  for (const auto& u : t.users) upns.push_back(u.upn);
  // Not Bob (group only), dave (unlicensed), erin (company SKU only), gone (soft-deleted).
  EXPECT_THAT(upns, ElementsAre("alice@contoso.onmicrosoft.com", "carol@contoso.onmicrosoft.com",
                                "frank@contoso.onmicrosoft.com", "zed@contoso.onmicrosoft.com"));
}

TEST(ExportTest, SortsUsersByUpnIgnoringCase) {
  TenantSnapshot s = sample_snapshot();
  User upper = make_user("Beth");
  direct(upper, "EMS");
  User lower = make_user("adam");
  direct(lower, "EMS");
  s.users = {upper, lower};
  DesiredTenant t = export_tenant(s);
  ASSERT_EQ(t.users.size(), 2u);
  EXPECT_EQ(t.users[0].upn, "adam@contoso.onmicrosoft.com");
  EXPECT_EQ(t.users[1].upn, "Beth@contoso.onmicrosoft.com");
}

TEST(ExportTest, StateSortsTenantsAndLeavesOutTenantsWithoutUserSkus) {
  TenantSnapshot contoso = sample_snapshot();
  TenantSnapshot adatum;
  adatum.tenant = {"tid-adatum", "adatum.onmicrosoft.com", "Adatum"};
  adatum.mirror = MirrorState::Complete;
  adatum.skus = {make_sku("EMS", {"INTUNE_A"})};
  TenantSnapshot empty;
  empty.tenant = {"tid-empty", "empty.onmicrosoft.com", "Empty"};
  empty.mirror = MirrorState::Complete;
  empty.skus = {make_sku("AAD_CONNECT", {"AAD_CONNECT_PLAN"}, 1, "Company")};

  DesiredState state = export_state({contoso, empty, adatum});
  EXPECT_EQ(state.version, 1);
  ASSERT_EQ(state.tenants.size(), 2u);
  EXPECT_EQ(state.tenants[0].tenant, "adatum.onmicrosoft.com");
  EXPECT_THAT(state.tenants[0].users, IsEmpty());
  EXPECT_EQ(state.tenants[1].tenant, "contoso.onmicrosoft.com");
}

TEST(ExportTest, TenantWithoutDomainIsNamedByItsId) {
  TenantSnapshot s = sample_snapshot();
  s.tenant.default_domain_name.clear();
  EXPECT_EQ(export_tenant(s).tenant, "tid-contoso");
}

TEST(ExportTest, TextReadsBackToTheSameDesiredState) {
  const DesiredState state = export_state({sample_snapshot()});
  const std::string text = desired_state_to_text(state);
  auto parsed = parse_desired_state(text, "export.json");
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_EQ(*parsed, state);
  // Compact: licenses without disabled plans are plain strings, mode is spelled out.
  EXPECT_NE(text.find("\"mode\": \"report\""), std::string::npos);
  EXPECT_NE(text.find("\"unlisted\": \"keep\""), std::string::npos);
  EXPECT_NE(text.find("\"EMS\""), std::string::npos);
  EXPECT_EQ(text.find("dave@"), std::string::npos);
}

TEST(ExportTest, PlanOfAnUntouchedExportHasNoOperations) {
  TenantSnapshot snapshot = sample_snapshot();
  // zed's unknown plan id cannot be resolved back; everything else round-trips.
  snapshot.users.pop_back();
  const DesiredState state = export_state({snapshot});
  auto reread = parse_desired_state(desired_state_to_text(state), "export.json");
  ASSERT_TRUE(reread.ok()) << reread.error().message;
  ASSERT_EQ(reread->tenants.size(), 1u);

  for (TenantMode mode : {TenantMode::Report, TenantMode::Enforce}) {
    DesiredTenant desired = reread->tenants[0];
    desired.mode = mode;  // switching an export to enforce must not change anything either
    auto plan = plan_tenant(snapshot, desired, ServiceRules::builtin(), kNow);
    ASSERT_TRUE(plan.ok()) << plan.error().message;
    EXPECT_THAT(plan->operations, IsEmpty()) << to_string(mode);
    EXPECT_THAT(plan->missing_users, IsEmpty());
    EXPECT_THAT(plan->ignored_users, IsEmpty());
    for (const auto& seat : plan->seats) EXPECT_EQ(seat.shortfall, 0) << seat.sku;
  }
}

}  // namespace exporter_test
}  // namespace tenantsync
