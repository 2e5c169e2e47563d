// The planner's service rules (sync/plan/planner_checks.cpp): verified domains for
// creates, exclusive and dependent service plans, usage location before the license that
// needs it, what a stale mirror may not remove, rules learned from the service.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/sync/planner_fixture.h"

namespace tenantsync {
namespace planner_checks_test {

using namespace planner_fixture;
using ::testing::ElementsAre;

TEST(PlannerChecksTest, CreateOutsideAVerifiedDomainIsBlocked) {
  auto create = [](DesiredUser& u) { u.create = CreateSpec{"New", "US", {}, {}, {}, {}, {}}; };
  TenantPlan p = plan(TenantBuilder(), DesiredBuilder()
                                           .user("ok@CONTOSO.onmicrosoft.com", {{L("EMS")}}, create)
                                           .user("mallory@evil.example", {{L("EMS")}}, create)
                                           .user("pat@pending.contoso.com", {{L("EMS")}}, create));
  const std::string verified =
      " is not a verified domain of this tenant (verified: "
      "contoso.onmicrosoft.com, contoso.com) (The domain portion of "
      "the userPrincipalName property is invalid.";
  expect_ops(p, {"!mallory create (evil.example" + verified, "ok assign EMS", "ok create",
                 "!pat create (pending.contoso.com" + verified});
}

TEST(PlannerChecksTest, CreatesAreBlockedWhileTheTenantsDomainsAreUnknown) {
  TenantPlan p = plan(TenantBuilder().domains({}),
                      DesiredBuilder().user("nina", {{L("EMS")}}, [](DesiredUser& u) {
                        u.create = CreateSpec{"Nina", "US", {}, {}, {}, {}, {}};
                      }));
  expect_ops(p, {"!nina create (the tenant's domains are not known yet"});
}

// Without a place for temporary passwords (PlanOptions::creates_blocked) a create is
// blocked with that reason, not planned ready only to be skipped by apply.

TEST(PlannerChecksTest, CreatesAreBlockedWithTheCommandsReason) {
  PlanOptions options;
  options.creates_blocked = "creating users needs a passwords file";
  auto result = plan_tenant(
      TenantBuilder().build(),
      DesiredBuilder()
          .user("nina", {{L("EMS")}},
                [](DesiredUser& u) { u.create = CreateSpec{"Nina", "US", {}, {}, {}, {}, {}}; })
          .get(),
      ServiceRules::builtin(), kNow, options);
  ASSERT_TRUE(result.ok());
  expect_ops(*result, {"!nina create (creating users needs a passwords file)"});
  EXPECT_EQ(seat(*result, "EMS")->after_plan, seat(*result, "EMS")->consumed);
}

TEST(PlannerChecksTest, UpdatesNameThePlansTheyDisable) {
  TenantPlan p = plan(TenantBuilder()
                          .add(U("alice").lic("SPE_E3", {"YAMMER_ENTERPRISE"}))
                          .add(U("bob").lic("SPE_E3", {"YAMMER_ENTERPRISE"})),
                      DesiredBuilder()
                          .user("alice", {{L("SPE_E3", {"TEAMS1", "YAMMER_ENTERPRISE"})}})
                          .user("bob", {{L("SPE_E3")}}));
  ASSERT_EQ(p.operations.size(), 2u);
  EXPECT_THAT(p.operations[0].newly_disabled_plans, ElementsAre(plan_id("TEAMS1")));
  EXPECT_TRUE(p.operations[1].newly_disabled_plans.empty()) << "enabling takes nothing away";
}

TEST(PlannerChecksTest, ExclusivePlans) {
  run_cases({
      {"a swap within one user is one call",
       TenantBuilder().add(U("alice").lic("EXCHANGESTANDARD")),
       DesiredBuilder().user("alice", {{L("SPE_E3")}}),
       {"alice revoke EXCHANGESTANDARD", "alice assign SPE_E3"}},
      {"a swap whose assignment is blocked keeps the old SKU",
       TenantBuilder().seats("SPE_E3", 0).add(U("alice").lic("EXCHANGESTANDARD")),
       DesiredBuilder().user("alice", {{L("SPE_E3")}}),
       {"!alice revoke EXCHANGESTANDARD (kept until SPE_E3 can be assigned)",
        "!alice assign SPE_E3 (no free seat of SPE_E3"}},
      {"a swap blocked by usage location keeps the old SKU",
       TenantBuilder().add(U("alice").location(std::nullopt).lic("EXCHANGESTANDARD")),
       DesiredBuilder().user("alice", {{L("SPE_E3")}}),
       {"!alice revoke EXCHANGESTANDARD (kept until SPE_E3 can be assigned)",
        "!alice assign SPE_E3 (the user has no usage location"}},
      {"conflict with a plan the user keeps (inherited) blocks the assignment",
       TenantBuilder().add(U("alice").group("EXCHANGESTANDARD", "g-1")),
       DesiredBuilder().user("alice", {{L("SPE_E3")}}),
       {"!alice assign SPE_E3 (EXCHANGE_S_ENTERPRISE of SPE_E3 cannot be held with "
        "EXCHANGE_S_STANDARD of EXCHANGESTANDARD (License assignment failed because service "
        "plans id-EXCHANGE_S_ENTERPRISE,id-EXCHANGE_S_STANDARD are mutually exclusive.))"}},
      {"conflict with an unmanaged SKU the user keeps",
       TenantBuilder().add(U("alice").lic("EXCHANGESTANDARD")),
       DesiredBuilder().managed({"SPE_E3"}).user("alice", {{L("SPE_E3")}}),
       {"!alice assign SPE_E3 (EXCHANGE_S_ENTERPRISE of SPE_E3 cannot be held with"}},
      {"disabled plans do not count",
       TenantBuilder().add(U("alice").lic("EXCHANGESTANDARD")),
       DesiredBuilder()
           .managed({"SPE_E3"})
           .user("alice", {{L("SPE_E3", {"EXCHANGE_S_ENTERPRISE"})}}),
       {"alice assign SPE_E3 -EXCHANGE_S_ENTERPRISE"}},
      {"two conflicting desired SKUs: both blocked",
       TenantBuilder().add(U("alice")),
       DesiredBuilder().user("alice", {{L("SPE_E3"), L("EXCHANGESTANDARD")}}),
       {"!alice assign EXCHANGESTANDARD (EXCHANGE_S_STANDARD of EXCHANGESTANDARD cannot be held",
        "!alice assign SPE_E3 (EXCHANGE_S_ENTERPRISE of SPE_E3 cannot be held"}},
      {"a conflict the estate already has does not block other changes",
       TenantBuilder().add(U("alice").lic("SPE_E3").group("EXCHANGESTANDARD", "g-1")),
       DesiredBuilder().user("alice", {{L("SPE_E3"), L("EMS")}}),
       {"alice assign EMS"}},
  });
}

TEST(PlannerChecksTest, PlanDependencies) {
  run_cases({
      {"revoking what a kept plan depends on is blocked",
       TenantBuilder().add(U("alice").lic("SPE_E3").lic("MCOEV")),
       DesiredBuilder().user("alice", {{L("MCOEV")}}),
       {"!alice revoke SPE_E3 (MCOEV of MCOEV still needs MCOSTANDARD of SPE_E3 (License "
        "assignment failed because service plan id-MCOEV depends on the service plan(s) "
        "id-MCOSTANDARD.))"}},
      {"revoking both together is fine",
       TenantBuilder().add(U("alice").lic("SPE_E3").lic("MCOEV")),
       DesiredBuilder().user("alice", {{}}),
       {"alice revoke MCOEV", "alice revoke SPE_E3"}},
      {"disabling what a kept plan depends on is blocked",
       TenantBuilder().add(U("alice").lic("SPE_E3").lic("MCOEV")),
       DesiredBuilder().user("alice", {{L("SPE_E3", {"MCOSTANDARD"}), L("MCOEV")}}),
       {"!alice update SPE_E3 -MCOSTANDARD (MCOEV of MCOEV still needs MCOSTANDARD of SPE_E3"}},
      {"assigning a plan without what it depends on is blocked",
       TenantBuilder().add(U("alice")),
       DesiredBuilder().user("alice", {{L("MCOEV")}}),
       {"!alice assign MCOEV (MCOEV of MCOEV needs MCOSTANDARD (License assignment failed because "
        "service plan id-MCOEV depends on the service plan(s) id-MCOSTANDARD.))"}},
      {"assigning both in one call is fine",
       TenantBuilder().add(U("alice")),
       DesiredBuilder().user("alice", {{L("MCOEV"), L("SPE_E3")}}),
       {"alice assign MCOEV", "alice assign SPE_E3"}},
      {"a dependency chain falls with its first blocked link",
       TenantBuilder().seats("SPE_E3", 0).add(U("alice")),
       DesiredBuilder().user("alice", {{L("MCOEV"), L("SPE_E3"), L("MCOPSTN1")}}),
       {"!alice assign MCOEV (MCOEV of MCOEV needs MCOSTANDARD",
        "!alice assign MCOPSTN1 (MCOPSTN1 of MCOPSTN1 needs MCOEV",
        "!alice assign SPE_E3 (no free seat of SPE_E3"}},
  });
}

TEST(PlannerChecksTest, UsageLocation) {
  run_cases({
      {"no usage location blocks assignments and updates, not revocations",
       TenantBuilder().add(U("alice").location(std::nullopt).lic("SPE_E3").lic("EMS")),
       DesiredBuilder().user("alice", {{L("SPE_E3", {"TEAMS1"}), L("MCOEV")}}),
       {"alice revoke EMS",
        "!alice update SPE_E3 -TEAMS1 (the user has no usage location; set one first (License "
        "assignment cannot be done for user with invalid usage location.))",
        "!alice assign MCOEV (the user has no usage location"}},
      {"a SKU prohibited in the user's location is blocked",
       TenantBuilder().add(U("li").location("CN").lic("SPE_E3").lic("MCOEV")),
       DesiredBuilder().user("li", {{L("SPE_E3"), L("MCOEV"), L("MCOPSTN1")}}),
       {"!li assign MCOPSTN1 (MCOPSTN1 may not be used in usage location CN (License assignment "
        "cannot be done for user with invalid usage location.))"}},
  });
}

DesiredUser& with_location(DesiredUser& u, const std::string& code) {
  u.properties.usage_location = code;
  return u;
}

TEST(PlannerChecksTest, SetsUsageLocationBeforeTheAssignmentThatNeedsIt) {
  run_cases({
      {"the tenant default fills a missing location; the assignment is not blocked",
       TenantBuilder().add(U("alice").location(std::nullopt)),
       DesiredBuilder().default_location("US").user("alice", {{L("SPE_E3")}}),
       {"alice set usageLocation US", "alice assign SPE_E3"}},
      {"an empty location counts as missing",
       TenantBuilder().add(U("alice").location("")),
       DesiredBuilder().default_location("US").user("alice", {{L("SPE_E3")}}),
       {"alice set usageLocation US", "alice assign SPE_E3"}},
      {"the default never changes a location a user has",
       TenantBuilder().add(U("alice").location("DE")),
       DesiredBuilder().default_location("US").user("alice", {{L("SPE_E3")}}),
       {"alice assign SPE_E3"}},
      {"the entry's location overrides the default and changes the user's",
       TenantBuilder().add(U("alice").location("DE")).add(U("bob").location(std::nullopt)),
       DesiredBuilder()
           .default_location("US")
           .user("alice", {{L("SPE_E3")}}, [](DesiredUser& u) { with_location(u, "FR"); })
           .user("bob", {{L("EMS")}}, [](DesiredUser& u) { with_location(u, "GB"); }),
       {"alice set usageLocation FR", "alice assign SPE_E3", "bob set usageLocation GB",
        "bob assign EMS"}},
      {"no set when the user has the location already (any case)",
       TenantBuilder().add(U("alice").location("fr").lic("SPE_E3")),
       DesiredBuilder().user("alice", {{L("SPE_E3")}},
                             [](DesiredUser& u) { with_location(u, "FR"); }),
       {}},
      {"the default reaches users a rule governs, not ungoverned ones",
       TenantBuilder()
           .add(U("sam").department("Sales").location(std::nullopt))
           .add(U("olga").department("Ops").location(std::nullopt)),
       DesiredBuilder().default_location("US").rule(dept("Sales"), {L("EMS")}),
       {"sam set usageLocation US", "sam assign EMS"}},
      {"a rule on usageLocation sees the location the set gives",
       TenantBuilder().add(U("alice").location(std::nullopt)),
       DesiredBuilder()
           .rule(
               [] {
                 RuleMatch m;
                 m.usage_location = "DE";
                 return m;
               }(),
               {L("EMS")})
           .user("alice", std::nullopt, [](DesiredUser& u) { with_location(u, "DE"); }),
       {"alice set usageLocation DE", "alice assign EMS"}},
      {"the new location is checked against prohibited locations",
       TenantBuilder().add(U("li").location(std::nullopt).lic("SPE_E3").lic("MCOEV")),
       DesiredBuilder().user("li", {{L("SPE_E3"), L("MCOEV"), L("MCOPSTN1")}},
                             [](DesiredUser& u) { with_location(u, "CN"); }),
       {"li set usageLocation CN",
        "!li assign MCOPSTN1 (MCOPSTN1 may not be used in usage location CN"}},
      {"a created user gets the default in its create body, no set",
       TenantBuilder(),
       DesiredBuilder().default_location("US").user(
           "erin", {{L("EMS")}},
           [](DesiredUser& u) { u.create = CreateSpec{"Erin", {}, {}, {}, {}, {}, {}}; }),
       {"erin assign EMS", "erin create"}},
  });
}

TEST(PlannerChecksTest, StaleMirrorBlocksWhatRemovesAccess) {
  TenantPlan p = plan(
      TenantBuilder()
          .mirror(MirrorState::Stale, "users page 3: 503 ServiceUnavailable")
          .add(U("alice").lic("EMS").lic("SPE_E3", {"TEAMS1"}))
          .add(U("bob").lic("EMS", {"INTUNE_A"}))
          .add(U("carol"))
          .add_deleted(U("dave")),
      DesiredBuilder()
          .user("alice", {{L("SPE_E3", {"TEAMS1", "YAMMER_ENTERPRISE"}), L("MCOEV")}})
          .user("bob", {{L("EMS")}})
          .user("carol", std::nullopt, [](DesiredUser& u) { u.state = DesiredUserState::Deleted; })
          .user("dave", {{}})
          .user("erin", {{}},
                [](DesiredUser& u) { u.create = CreateSpec{"Erin", "US", {}, {}, {}, {}, {}}; }));
  const std::string stale =
      "(tenant mirror is stale: users page 3: 503 ServiceUnavailable; re-run mirror)";
  expect_ops(
      p, {"!alice revoke EMS " + stale, "!alice update SPE_E3 -TEAMS1 -YAMMER_ENTERPRISE " + stale,
          "alice assign MCOEV", "bob update EMS", "!carol delete " + stale,
          "!dave restore " + stale, "!erin create " + stale});
}

TEST(PlannerChecksTest, LearnedRulesApply) {
  ServiceRules rules;  // no built-in catalogue: only what the service taught
  EXPECT_TRUE(rules.add_learned(
      "License assignment failed because service plans id-INTUNE_A,id-TEAMS1 are mutually "
      "exclusive."));
  TenantPlan p = plan(TenantBuilder().add(U("alice").lic("SPE_E3")),
                      DesiredBuilder().user("alice", {{L("SPE_E3"), L("EMS")}}), rules);
  expect_ops(p, {"!alice assign EMS (INTUNE_A of EMS cannot be held with TEAMS1 of SPE_E3"});
}

}  // namespace planner_checks_test
}  // namespace tenantsync
