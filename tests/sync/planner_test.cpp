// The planner (sync/plan/planner.h): what each user should hold and the operations that
// bring it: license differences, rules and explicit entries, user states, creates,
// inherited licenses, properties, the mirror's state, order and determinism.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <random>

#include "tests/sync/planner_fixture.h"

namespace tenantsync {
namespace planner_test {

using namespace planner_fixture;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(PlannerTest, LicenseDifferences) {
  run_cases({
      {"in sync: nothing to do",
       TenantBuilder().add(U("alice").lic("SPE_E3")),
       DesiredBuilder().user("alice", {{L("SPE_E3")}}),
       {}},
      {"missing license is assigned",
       TenantBuilder().add(U("alice")),
       DesiredBuilder().user("alice", {{L("SPE_E3"), L("EMS")}}),
       {"alice assign EMS", "alice assign SPE_E3"}},
      {"extra managed license is revoked",
       TenantBuilder().add(U("alice").lic("SPE_E3").lic("EMS")),
       DesiredBuilder().user("alice", {{L("SPE_E3")}}),
       {"alice revoke EMS"}},
      {"unmanaged SKUs are never touched",
       TenantBuilder().add(U("alice").lic("VISIOCLIENT")),
       DesiredBuilder().user("alice", {{}}),
       {}},
      {"other disabled plans: update",
       TenantBuilder().add(U("alice").lic("SPE_E3")),
       DesiredBuilder().user("alice", {{L("SPE_E3", {"YAMMER_ENTERPRISE"})}}),
       {"alice update SPE_E3 -YAMMER_ENTERPRISE"}},
      {"update to enable every plan",
       TenantBuilder().add(U("alice").lic("SPE_E3", {"YAMMER_ENTERPRISE"})),
       DesiredBuilder().user("alice", {{L("SPE_E3")}}),
       {"alice update SPE_E3"}},
      {"disabled plans named by id or name, any case, compare as sets",
       TenantBuilder().add(U("alice").lic("SPE_E3", {"TEAMS1", "YAMMER_ENTERPRISE"})),
       DesiredBuilder().user("alice", {{L("spe_e3", {"yammer_enterprise", "ID-TEAMS1"})}}),
       {}},
      {"assign carries its disabled plans",
       TenantBuilder().add(U("alice")),
       DesiredBuilder().user("alice", {{L("SPE_E3", {"YAMMER_ENTERPRISE"})}}),
       {"alice assign SPE_E3 -YAMMER_ENTERPRISE"}},
      {"SKU named by sku id",
       TenantBuilder().add(U("alice")),
       DesiredBuilder().managed({"sku-SPE_E3"}).user("alice", {{L("sku-SPE_E3")}}),
       {"alice assign SPE_E3"}},
      {"UPNs compare ignoring case",
       TenantBuilder().add(U("Alice@Contoso.com")),
       DesiredBuilder().user("alice@CONTOSO.COM", {{L("EMS")}}),
       {"Alice assign EMS"}},
  });
}

TEST(PlannerTest, RulesAndExplicitEntries) {
  run_cases({
      {"rule matches department ignoring case",
       TenantBuilder().add(U("alice").department("Sales")).add(U("bob").department("IT")),
       DesiredBuilder().rule(dept("sales"), {L("SPE_E3")}),
       {"alice assign SPE_E3"}},
      {"every where key must match",
       TenantBuilder()
           .add(U("alice").department("Sales").title("Manager").location("DE"))
           .add(U("bob").department("Sales").title("Manager").location("US"))
           .add(U("carol").department("Sales").title("Clerk").location("DE")),
       DesiredBuilder().rule(
           [] {
             RuleMatch m;
             m.department = "Sales";
             m.job_title = "manager";
             m.usage_location = "de";
             return m;
           }(),
           {L("EMS")}),
       {"alice assign EMS"}},
      {"usageLocation rule does not match a user without one",
       TenantBuilder().add(U("alice").location(std::nullopt)),
       DesiredBuilder().rule(
           [] {
             RuleMatch m;
             m.usage_location = "US";
             return m;
           }(),
           {L("EMS")}),
       {}},
      {"upnSuffix matches at a boundary",
       TenantBuilder()
           .add(U("a@contoso.com"))
           .add(U("b@sales.contoso.com"))
           .add(U("c@notcontoso.com"))
           .add(U("d@CONTOSO.COM")),
       DesiredBuilder().rule(
           [] {
             RuleMatch m;
             m.upn_suffix = "contoso.com";
             return m;
           }(),
           {L("EMS")}),
       {"a assign EMS", "b assign EMS", "d assign EMS"}},
      {"upnSuffix with @ matches the domain only",
       TenantBuilder().add(U("a@contoso.com")).add(U("b@sales.contoso.com")),
       DesiredBuilder().rule(
           [] {
             RuleMatch m;
             m.upn_suffix = "@contoso.com";
             return m;
           }(),
           {L("EMS")}),
       {"a assign EMS"}},
      {"entry licenses override rules",
       TenantBuilder().add(U("alice").department("Sales").lic("SPE_E3")),
       DesiredBuilder().rule(dept("Sales"), {L("SPE_E3")}).user("alice", {{L("EMS")}}),
       {"alice revoke SPE_E3", "alice assign EMS"}},
      {"entry without licenses takes the rules",
       TenantBuilder().add(U("alice").department("Sales")),
       DesiredBuilder().rule(dept("Sales"), {L("SPE_E3")}).user("alice", std::nullopt),
       {"alice assign SPE_E3"}},
      {"rules add up; a plan stays disabled only if every rule disables it",
       TenantBuilder().add(U("alice").department("Sales").title("Lead")),
       DesiredBuilder()
           .rule(dept("Sales"), {L("SPE_E3", {"YAMMER_ENTERPRISE", "TEAMS1"})})
           .rule(
               [] {
                 RuleMatch m;
                 m.job_title = "Lead";
                 return m;
               }(),
               {L("SPE_E3", {"YAMMER_ENTERPRISE"}), L("EMS")}),
       {"alice assign EMS", "alice assign SPE_E3 -YAMMER_ENTERPRISE"}},
      {"rule-matched user loses managed SKUs no rule gives",
       TenantBuilder().add(U("alice").department("Sales").lic("EMS").lic("VISIOCLIENT")),
       DesiredBuilder().rule(dept("Sales"), {L("SPE_E3")}),
       {"alice revoke EMS", "alice assign SPE_E3"}},
  });
}

TEST(PlannerTest, UnlistedUsers) {
  run_cases({
      {"unlisted: keep leaves their managed SKUs",
       TenantBuilder().add(U("alice").lic("SPE_E3")).add(U("bob").lic("EMS")),
       DesiredBuilder().user("alice", {{L("SPE_E3")}}),
       {}},
      {"unlisted: revoke takes their managed SKUs, never the others",
       TenantBuilder().add(U("alice").lic("SPE_E3")).add(U("bob").lic("EMS").lic("VISIOCLIENT")),
       DesiredBuilder().unlisted(UnlistedPolicy::Revoke).user("alice", {{L("SPE_E3")}}),
       {"bob revoke EMS"}},
      {"an entry without licenses decides none: unlisted: keep leaves them",
       TenantBuilder().add(U("alice").lic("SPE_E3")).add(U("bob").location("DE").lic("EMS")),
       DesiredBuilder()
           .user("alice", std::nullopt, [](DesiredUser& u) { u.state = DesiredUserState::Active; })
           .user("bob", std::nullopt, [](DesiredUser& u) { u.properties.usage_location = "IN"; }),
       {"bob set usageLocation IN"}},
      {"an entry without licenses under unlisted: revoke",
       TenantBuilder().add(U("alice").lic("SPE_E3")),
       DesiredBuilder().unlisted(UnlistedPolicy::Revoke).user("alice", std::nullopt),
       {"alice revoke SPE_E3"}},
      {"an entry without licenses follows the rules it matches",
       TenantBuilder().add(U("alice").department("Sales").lic("SPE_E3")),
       DesiredBuilder()
           .rule(dept("Sales"), {L("EMS")})
           .user("alice", std::nullopt, [](DesiredUser& u) { u.state = DesiredUserState::Active; }),
       {"alice revoke SPE_E3", "alice assign EMS"}},
  });
}

TEST(PlannerTest, IgnoredUsersAreLeftAloneAndListed) {
  TenantPlan p = plan(TenantBuilder().add(U("ceo").department("Sales").lic("EMS")),
                      DesiredBuilder()
                          .unlisted(UnlistedPolicy::Revoke)
                          .rule(dept("Sales"), {L("SPE_E3")})
                          .user("ceo", std::nullopt, [](DesiredUser& u) { u.ignore = true; })
                          .user("ghost", std::nullopt, [](DesiredUser& u) { u.ignore = true; }));
  expect_ops(p, {});
  EXPECT_THAT(p.ignored_users, ElementsAre("ceo@contoso.com", "ghost@contoso.com"));
  EXPECT_TRUE(p.notes.empty());
  EXPECT_TRUE(p.missing_users.empty());
}

TEST(PlannerTest, UserStates) {
  run_cases({
      {"state deleted: delete, no license operations",
       TenantBuilder().add(U("carol").lic("SPE_E3")),
       DesiredBuilder().user("carol", std::nullopt,
                             [](DesiredUser& u) { u.state = DesiredUserState::Deleted; }),
       {"carol delete"}},
      {"state deleted on a deleted or absent user: nothing",
       TenantBuilder().add_deleted(U("carol").lic("SPE_E3")),
       DesiredBuilder()
           .user("carol", std::nullopt, [](DesiredUser& u) { u.state = DesiredUserState::Deleted; })
           .user("gone", std::nullopt, [](DesiredUser& u) { u.state = DesiredUserState::Deleted; }),
       {}},
      {"state active restores, then licenses follow the entry",
       TenantBuilder().add_deleted(U("dave").lic("SPE_E3").lic("EMS")),
       DesiredBuilder().user("dave", {{L("SPE_E3", {"YAMMER_ENTERPRISE"})}},
                             [](DesiredUser& u) { u.state = DesiredUserState::Active; }),
       {"dave restore", "dave revoke EMS", "dave update SPE_E3 -YAMMER_ENTERPRISE"}},
      {"any entry restores a soft-deleted user",
       TenantBuilder().add_deleted(U("dave").lic("EMS")),
       DesiredBuilder().user("dave", {{L("EMS")}}),
       {"dave restore"}},
      {"a restore without licenses brings the user back with what it held",
       TenantBuilder().add_deleted(U("dave").lic("SPE_E3").lic("EMS")),
       DesiredBuilder().user("dave", std::nullopt,
                             [](DesiredUser& u) { u.state = DesiredUserState::Active; }),
       {"dave restore"}},
      {"a rule alone never restores",
       TenantBuilder().add_deleted(U("dave").department("Sales")),
       DesiredBuilder().rule(dept("Sales"), {L("EMS")}),
       {}},
      {"ignored soft-deleted user stays deleted",
       TenantBuilder().add_deleted(U("dave")),
       DesiredBuilder().user("dave", std::nullopt, [](DesiredUser& u) { u.ignore = true; }),
       {}},
      {"the id prefix the service puts on a deleted UPN is ignored",
       TenantBuilder().add_deleted([] {
         U u("dave");
         u.user.id = "1a2b-3c";
         u.user.user_principal_name = "1a2b3cdave@contoso.com";
         return u;
       }()),
       DesiredBuilder().user("dave", {{}}),
       {"dave restore"}},
      {"deleted more than 30 days ago: restore blocked, nothing else",
       TenantBuilder().add_deleted(U("dave").lic("EMS").deleted("2026-10-01T00:00:00Z")),
       DesiredBuilder().user("dave", {{L("SPE_E3")}}),
       {"!dave restore (deleted on 2026-10-01T00:00:00Z, more than 30 days ago"}},
      {"an active user with the UPN wins over a deleted one",
       TenantBuilder().add(U("dave").lic("EMS")).add_deleted(U("dave").lic("SPE_E3")),
       DesiredBuilder().user("dave", {{L("EMS")}}),
       {}},
      {"the latest deleted of two with one UPN is restored",
       TenantBuilder()
           .add_deleted([] {
             U u("dave");
             u.user.id = "old";
             return u.deleted("2026-11-01T00:00:00Z");
           }())
           .add_deleted([] {
             U u("dave");
             u.user.id = "new";
             return u.deleted("2026-11-15T00:00:00Z");
           }()),
       DesiredBuilder().user("dave", {{}}),
       {"dave restore"}},
  });
  TenantPlan p = plan(TenantBuilder()
                          .add_deleted([] {
                            U u("dave");
                            u.user.id = "old";
                            return u.deleted("2026-11-01T00:00:00Z");
                          }())
                          .add_deleted([] {
                            U u("dave");
                            u.user.id = "new";
                            return u.deleted("2026-11-15T00:00:00Z");
                          }()),
                      DesiredBuilder().user("dave", {{}}));
  ASSERT_EQ(p.operations.size(), 1u);
  EXPECT_EQ(p.operations[0].user_id, "new");
}

TEST(PlannerTest, UnknownDesiredUserIsNotedNotCreated) {
  TenantPlan p = plan(TenantBuilder().add(U("alice")),
                      DesiredBuilder().user("alice", {{}}).user("zoe", {{L("SPE_E3")}}));
  expect_ops(p, {});
  EXPECT_THAT(p.notes, ElementsAre("desired.json:11: zoe@contoso.com does not exist in tenant; "
                                   "not created (add \"create\" to create it)"));
  EXPECT_THAT(p.missing_users, ElementsAre("zoe@contoso.com"));
}

TEST(PlannerTest, CreatesUserWithItsLicenses) {
  auto with_create = [](std::optional<std::string> location) {
    return [location](DesiredUser& u) {
      CreateSpec c;
      c.display_name = "Nina New";
      c.usage_location = location;
      c.department = "Sales";
      u.create = c;
    };
  };
  TenantPlan p =
      plan(TenantBuilder(), DesiredBuilder()
                                .rule(dept("sales"), {L("EMS")})
                                .user("nina", std::nullopt, with_create("FR"))
                                .user("omar", {{L("SPE_E3")}}, with_create(std::nullopt)));
  expect_ops(p, {"nina assign EMS", "nina create",
                 "!omar assign SPE_E3 (the user has no usage location; set one first (License "
                 "assignment cannot be done for user with invalid usage location.)",
                 "omar create"});
  const Operation& create = p.operations[1];
  EXPECT_EQ(create.user_id, "");
  EXPECT_EQ(p.operations[0].user_id, "");
  ASSERT_TRUE(create.details.has_value());
  EXPECT_EQ(*create.details, (nlohmann::json{{"userPrincipalName", "nina@contoso.com"},
                                             {"displayName", "Nina New"},
                                             {"mailNickname", "nina"},
                                             {"accountEnabled", true},
                                             {"usageLocation", "FR"},
                                             {"department", "Sales"}}));
  EXPECT_TRUE(p.missing_users.empty());
}

// The service creates users only in verified domains: a create anywhere else is blocked,
// its licenses with it, and the reason names the domain and the verified ones.

TEST(PlannerTest, GroupInheritedLicenses) {
  run_cases({
      {"undesired SKU held only through a group: no operation",
       TenantBuilder().add(U("alice").group("EMS", "g-1")),
       DesiredBuilder().user("alice", {{}}),
       {}},
      {"desired SKU held through a group counts as held",
       TenantBuilder().add(U("alice").group("SPE_E3", "g-1")),
       DesiredBuilder().user("alice", {{L("SPE_E3", {"YAMMER_ENTERPRISE"})}}),
       {}},
      {"direct and inherited: the direct one is revoked",
       TenantBuilder().add(U("alice").lic("EMS").group("EMS", "g-1")),
       DesiredBuilder().user("alice", {{}}),
       {"alice revoke EMS"}},
  });
  TenantPlan p = plan(TenantBuilder().add(U("alice").lic("EMS").group("EMS", "g-1")),
                      DesiredBuilder().user("alice", {{}}));
  EXPECT_THAT(p.notes, ElementsAre("alice@contoso.com gets EMS from group g-1; remove the user "
                                   "from that group to take it away"));
  // The user keeps its seat through the group.
  EXPECT_EQ(seat(p, "EMS")->after_plan, seat(p, "EMS")->consumed);
}

TEST(PlannerTest, CreateBodyTakesTheEntryPropertiesAndTheDefault) {
  TenantPlan p = plan(TenantBuilder(), DesiredBuilder().default_location("US").user(
                                           "erin", {{}}, [](DesiredUser& u) {
                                             u.create = CreateSpec{"Erin", {}, {}, {}, {}, {}, {}};
                                             u.properties.department = "Sales";
                                             u.properties.account_enabled = false;
                                           }));
  ASSERT_EQ(p.operations.size(), 1u);
  EXPECT_EQ((*p.operations[0].details)["usageLocation"], "US");
  EXPECT_EQ((*p.operations[0].details)["department"], "Sales");
  EXPECT_EQ((*p.operations[0].details)["accountEnabled"], false);
}

TEST(PlannerTest, SetCarriesEveryChangedPropertyAndStaleMirrorKeepsSignInOpen) {
  auto desired = DesiredBuilder().user("alice", std::nullopt, [](DesiredUser& u) {
    u.properties.department = "Sales";
    u.properties.job_title = "Lead";  // has it already
    u.properties.account_enabled = false;
  });
  TenantBuilder tenant;
  tenant.add(U("alice").department("Ops").title("Lead"));
  TenantPlan p = plan(tenant, desired);
  expect_ops(p, {"alice set department \"Sales\", sign-in blocked"});
  EXPECT_EQ(*p.operations[0].details,
            nlohmann::json({{"department", "Sales"}, {"accountEnabled", false}}));
  tenant.mirror(MirrorState::Stale, "users page 3: 503");
  expect_ops(plan(tenant, desired),
             {"!alice set department \"Sales\", sign-in blocked (tenant mirror is stale"});
}

// A tenant planned from a stale mirror says so for the whole tenant, so that no summary
// calls it matching when nothing at all was planned; a complete one does not.
TEST(PlannerTest, AStaleMirrorIsSaidForTheWholeTenant) {
  TenantBuilder tenant;
  tenant.add(U("alice").lic("SPE_E3"));
  auto desired = DesiredBuilder().user("alice", {{L("SPE_E3")}});
  EXPECT_EQ(plan(tenant, desired).stale, "");
  tenant.mirror(MirrorState::Stale, "users page 3: 503");
  TenantPlan p = plan(tenant, desired);
  expect_ops(p, {});
  EXPECT_EQ(p.stale, "tenant mirror is stale: users page 3: 503; re-run mirror");
  EXPECT_EQ(p.not_planned, "");
}

TEST(PlannerTest, NeverMirroredTenantHasOnlyANote) {
  TenantPlan p = plan(TenantBuilder().mirror(MirrorState::Never),
                      DesiredBuilder().user("alice", {{L("SPE_E3")}}));
  expect_ops(p, {});
  EXPECT_THAT(p.notes, ElementsAre("tenant was never mirrored; run mirror"));
  EXPECT_EQ(p.tenant, "contoso.onmicrosoft.com");
}

TEST(PlannerTest, FirstReadFailedPartWayPlansNothingAtAll) {
  // Some users are cached, so assignments would look possible: none may be planned.
  TenantPlan p = plan(TenantBuilder()
                          .first_read_failed("users page 2: 503 ServiceUnavailable")
                          .add(U("alice").lic("EMS"))
                          .add(U("bob")),
                      DesiredBuilder().user("alice", {{L("SPE_E3")}}).user("bob", {{L("EMS")}}));
  expect_ops(p, {});
  EXPECT_THAT(p.notes, ElementsAre("tenant was never mirrored completely (users page 2: 503 "
                                   "ServiceUnavailable): nothing is planned; run mirror"));
  EXPECT_EQ(p.not_planned, p.notes.at(0));
}

TEST(PlannerTest, GoneTenantPlansNothingAndSaysSinceWhen) {
  TenantPlan p = plan(TenantBuilder()
                          .gone("2026-12-02T03:10:00Z", "is gone from the partner's contracts")
                          .add(U("alice").lic("EMS")),
                      DesiredBuilder().user("alice", {{L("SPE_E3")}}));
  expect_ops(p, {});
  EXPECT_THAT(p.notes, ElementsAre("tenant is gone from the partner's contracts since "
                                   "2026-12-02T03:10:00Z: nothing is planned"));
  EXPECT_EQ(p.not_planned, p.notes.at(0));
}

TEST(PlannerTest, DataFromAnotherRemotePlansNothing) {
  TenantPlan p = plan(TenantBuilder().read_from("http://old.example:80").add(U("alice").lic("EMS")),
                      DesiredBuilder().user("alice", {{L("SPE_E3")}}));
  expect_ops(p, {});
  ASSERT_EQ(p.notes.size(), 1u);
  EXPECT_NE(p.notes[0].find("was mirrored from http://old.example:80"), std::string::npos)
      << p.notes[0];
  EXPECT_NE(p.notes[0].find("nothing is planned"), std::string::npos) << p.notes[0];
}

TEST(PlannerTest, OperationsOrderedByUserThenKindThenSku) {
  TenantPlan p = plan(
      TenantBuilder()
          .add(U("Bob").lic("EMS").lic("SPE_E3"))
          .add(U("alice"))
          .add_deleted(U("carl").lic("EMS").lic("MCOEV")),
      DesiredBuilder()
          .user("Bob", {{L("SPE_E3", {"TEAMS1"}), L("EXCHANGESTANDARD", {})}}, [](DesiredUser&) {})
          .user("alice", {{L("EMS"), L("EXCHANGESTANDARD")}})
          .user("carl", {{L("SPE_E3", {"YAMMER_ENTERPRISE"})}}));
  expect_ops(p, {"alice assign EMS", "alice assign EXCHANGESTANDARD", "Bob revoke EMS",
                 "Bob update SPE_E3 -TEAMS1",
                 "!Bob assign EXCHANGESTANDARD (EXCHANGE_S_STANDARD of EXCHANGESTANDARD cannot",
                 "carl restore", "carl revoke EMS", "carl revoke MCOEV",
                 "carl assign SPE_E3 -YAMMER_ENTERPRISE"});
}

TEST(PlannerTest, ShuffledInputGivesTheSamePlan) {
  TenantBuilder tenant;
  tenant.seats("SPE_E3", 40).seats("EMS", 30);
  const char* departments[] = {"Sales", "IT", "HR"};
  for (int i = 0; i < 60; ++i) {
    U u("user" + std::to_string(i));
    u.department(departments[i % 3]);
    if (i % 4 == 0) u.lic("SPE_E3");
    if (i % 5 == 0) u.lic("EMS");
    if (i % 7 == 0) u.lic("EXCHANGESTANDARD");
    if (i % 11 == 0) u.location(std::nullopt);
    if (i % 13 == 0) u.group("EMS", "g-13");
    tenant.add(u);
  }
  for (int i = 0; i < 5; ++i) tenant.add_deleted(U("gone" + std::to_string(i)).lic("SPE_E3"));
  DesiredBuilder desired;
  desired.rule(dept("Sales"), {L("SPE_E3")}).rule(dept("IT"), {L("EMS"), L("SPE_E3")});
  desired.unlisted(UnlistedPolicy::Revoke);
  for (int i = 0; i < 60; i += 6) desired.user("user" + std::to_string(i), {{L("EMS")}});
  for (int i = 0; i < 5; ++i) desired.user("gone" + std::to_string(i), {{L("SPE_E3")}});

  TenantSnapshot snapshot = tenant.build();
  auto resolved = resolve_desired_tenant(desired.get(), snapshot);
  ASSERT_TRUE(resolved.ok()) << resolved.error().message;
  ServiceRules rules = ServiceRules::builtin();
  TenantPlan expected = plan_tenant(snapshot, *resolved, rules, kNow);
  EXPECT_GT(expected.operations.size(), 20u);
  int shortfall = 0;
  for (const auto& s : expected.seats) shortfall += s.shortfall;
  EXPECT_GT(shortfall, 0);

  std::mt19937 rng(42);
  for (int round = 0; round < 5; ++round) {
    TenantSnapshot shuffled = snapshot;
    std::shuffle(shuffled.users.begin(), shuffled.users.end(), rng);
    std::shuffle(shuffled.deleted_users.begin(), shuffled.deleted_users.end(), rng);
    std::shuffle(shuffled.skus.begin(), shuffled.skus.end(), rng);
    for (auto& u : shuffled.users)
      std::shuffle(u.assigned_licenses.begin(), u.assigned_licenses.end(), rng);
    EXPECT_EQ(plan_tenant(shuffled, *resolved, rules, kNow), expected) << "round " << round;
  }
}

TEST(PlannerTest, PlanCarriesTenantAndMode) {
  TenantPlan p = plan(TenantBuilder(), DesiredBuilder().mode(TenantMode::Report));
  EXPECT_EQ(p.tenant, "contoso.onmicrosoft.com");
  EXPECT_EQ(p.tenant_id, "tenant-id");
  EXPECT_EQ(p.mode, TenantMode::Report);
}

TEST(PlannerTest, ResolutionErrorsComeBackWithFileAndLine) {
  DesiredBuilder desired;
  desired.user("alice", {{L("NOPE")}});
  auto result = plan_tenant(TenantBuilder().add(U("alice")).build(), desired.get(),
                            ServiceRules::builtin(), kNow);
  ASSERT_FALSE(result.ok());
  EXPECT_THAT(result.error().message, HasSubstr("desired.json:1:1: "));
  EXPECT_THAT(result.error().message, HasSubstr("unknown SKU \"NOPE\""));
}

}  // namespace planner_test
}  // namespace tenantsync
