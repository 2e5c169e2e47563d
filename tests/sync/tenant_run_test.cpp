// One tenant's run, phase by phase (sync/apply/tenant_run.cpp): restores first, seats
// freed before they are taken, deletions last, atomic swaps, one call per user, sets
// before the licenses that need them, creates with passwords and roles, chunks.
#include "tests/sync/executor_fixture.h"

namespace tenantsync {
namespace tenant_run_test {

using namespace executor_fixture;

using TenantRunTest = ExecutorFixture;

TEST_F(TenantRunTest, SeatsOneUserFreesGoToAnotherInTheSameApply) {
  Plan plan = plan_alice_frees_a_seat_for_bob(1);
  ASSERT_EQ(plan.summary().blocked, 0);

  ApplyReport report = h.apply(plan);

  EXPECT_THAT(statuses(report), Each(OpStatus::Applied));
  std::vector<std::string> sent;
  for (const auto& r : h.faulty.recorded()) sent.push_back(describe(r.request));
  EXPECT_THAT(sent, ElementsAre("assign id-alice-contoso.onmicrosoft.com -sku-e3",
                                "assign id-bob-contoso.onmicrosoft.com +sku-e3"));
  EXPECT_EQ(h.faulty.write_calls(), 2);  // the removal went first, in a call of its own
}

TEST_F(TenantRunTest, ASeatTakingCallWhoseSeatFreeingCallFailedIsBlockedNotSent) {
  Plan plan = plan_alice_frees_a_seat_for_bob(1);
  ASSERT_EQ(plan.summary().blocked, 0);
  h.faulty.refuse(user_is("id-alice", WriteRequest::Kind::AssignLicense),
                  service_error("Request_BadRequest", "Something went wrong on our side."));

  ApplyReport report = h.apply(plan);

  auto alice = ops_of(report, "alice@");
  auto bob = ops_of(report, "bob@");
  ASSERT_THAT(alice, SizeIs(1));
  ASSERT_THAT(bob, SizeIs(1));
  EXPECT_EQ(alice[0]->status, OpStatus::Failed);
  EXPECT_EQ(bob[0]->status, OpStatus::Blocked);
  EXPECT_THAT(bob[0]->reason,
              AllOf(HasSubstr("not sent"), HasSubstr("SPE_E3"), HasSubstr("alice@" + kContoso),
                    HasSubstr("Something went wrong on our side.")));
  std::vector<std::string> sent;
  for (const auto& r : h.faulty.recorded()) sent.push_back(describe(r.request));
  EXPECT_THAT(sent, ElementsAre("assign id-alice-contoso.onmicrosoft.com -sku-e3"));
  EXPECT_EQ(report.exit_code(), 3);
  auto journal = h.cache->journal().list();
  ASSERT_TRUE(journal.ok());
  bool journalled = false;
  for (const auto& e : *journal) {
    if (e.user != "bob@" + kContoso) continue;
    journalled = true;
    EXPECT_EQ(e.state, JournalState::Blocked);
    EXPECT_EQ(e.error_message, bob[0]->reason);
  }
  EXPECT_TRUE(journalled);
}

TEST_F(TenantRunTest, ASeatTakingCallStillGoesWhenASeatIsFreeDespiteAFailedFreeingCall) {
  // Two seats, one held by alice: bob's seat is free whatever alice's revocation does.
  Plan plan = plan_alice_frees_a_seat_for_bob(2);
  h.faulty.refuse(user_is("id-alice", WriteRequest::Kind::AssignLicense),
                  service_error("Request_BadRequest", "Something went wrong on our side."));

  ApplyReport report = h.apply(plan);

  EXPECT_EQ(ops_of(report, "alice@")[0]->status, OpStatus::Failed);
  EXPECT_EQ(ops_of(report, "bob@")[0]->status, OpStatus::Applied);
  EXPECT_EQ(h.remote_state(kContoso).at("bob@" + kContoso), LicenseView{"SPE_E3"});
}

TEST_F(TenantRunTest, PhasesRestoreFirstFreeSeatsBeforeTakingThemAndDeleteLast) {
  h.add_scenario_tenant(kContoso);
  h.mirror();
  h.apply(h.plan(scenario_desired(kContoso)));

  // Phase rank of each request in the order sent: must never go down.
  std::vector<int> ranks;
  for (const auto& r : h.faulty.recorded()) {
    const WriteRequest& w = r.request;
    int rank = 0;
    switch (w.kind) {
      case WriteRequest::Kind::CreateUser:
      case WriteRequest::Kind::RestoreUser:
        rank = 0;
        break;
      case WriteRequest::Kind::AssignLicense:
        rank = w.add_licenses.empty() ? 1 : w.remove_licenses.empty() ? 3 : 2;
        break;
      case WriteRequest::Kind::AddRole:
      case WriteRequest::Kind::RemoveRole:
        rank = 4;
        break;
      case WriteRequest::Kind::DeleteUser:
        rank = 5;
        break;
      case WriteRequest::Kind::UpdateUser:
        rank = 6;
        break;
    }
    ranks.push_back(rank);
  }
  EXPECT_TRUE(std::is_sorted(ranks.begin(), ranks.end())) << ::testing::PrintToString(ranks);
  EXPECT_THAT(ranks, ElementsAre(0, 0, 0, 1, 2, 2, 2, 3, 3, 3, 5));
  EXPECT_EQ(h.faulty.write_calls(), 5);  // one call per phase
}

TEST_F(TenantRunTest, AnExclusiveSwapIsOneAtomicWrite) {
  h.add_tenant(kContoso, {user("bob", kContoso, {kExs})});
  h.mirror();
  Plan plan = h.plan(desired(kContoso, entry("bob", kContoso, R"("SPE_E3")")));
  ASSERT_EQ(plan.tenants[0].operations.size(), 2u);

  ApplyReport report = h.apply(plan);

  EXPECT_THAT(statuses(report), Each(OpStatus::Applied));
  auto sent = h.faulty.recorded();
  ASSERT_THAT(sent, SizeIs(1));
  EXPECT_EQ(describe(sent[0].request), "assign id-bob-contoso.onmicrosoft.com -sku-exs +sku-e3");
}

TEST_F(TenantRunTest, AUsersAddsUpdatesAndRemovesGoInOneCall) {
  h.add_tenant(kContoso, {user("alice", kContoso, {kE3, kExs})});
  h.mirror();
  Plan plan =
      h.plan(desired(kContoso, entry("alice", kContoso,
                                     R"({"sku": "SPE_E3", "disabledPlans": ["TEAMS1"]}, "EMS")")));
  ASSERT_EQ(plan.tenants[0].operations.size(), 3u);  // update, assign, revoke

  ApplyReport report = h.apply(plan);

  EXPECT_THAT(statuses(report), Each(OpStatus::Applied));
  EXPECT_EQ(h.faulty.requests(), 1);
  EXPECT_EQ(h.remote_state(kContoso).at("alice@" + kContoso),
            (LicenseView{"EMS", "SPE_E3 -TEAMS1"}));
}

TEST_F(TenantRunTest, ASetOfPropertiesGoesBeforeTheLicensesThatNeedIt) {
  Plan plan = plan_locations_then_licenses(h);
  EXPECT_EQ(plan.summary().set, 2);
  EXPECT_EQ(plan.summary().blocked, 0);

  ApplyReport report = h.apply(plan);

  EXPECT_THAT(statuses(report), Each(OpStatus::Applied));
  std::vector<std::string> sent;
  for (const auto& r : h.faulty.recorded()) sent.push_back(describe(r.request));
  EXPECT_THAT(sent, ElementsAre("update", "update", "assign id-alice-" + kContoso + " +sku-e3",
                                "assign id-bob-" + kContoso + " +sku-ems"));
  auto alice = h.remote.get_user(h.tenant_id(kContoso), "alice@" + kContoso);
  ASSERT_TRUE(alice.ok());
  EXPECT_EQ(alice->usage_location, "US");
  EXPECT_FALSE(h.plan(desired(kContoso,
                              entry("alice", kContoso, R"("SPE_E3")") + "," +
                                  entry("bob", kContoso, R"("EMS")"),
                              R"(, "defaultUsageLocation": "US")"))
                   .has_ready_operations())
      << "the cache holds the new locations";
}

TEST_F(TenantRunTest, ACreatedUsersPasswordGoesToTheServiceAndTheCallbackOnly) {
  h.add_scenario_tenant(kContoso);
  h.mirror();
  ApplyReport report = h.apply(h.plan(scenario_desired(kContoso)));

  const std::string upn = "hank@" + kContoso;
  ASSERT_TRUE(h.passwords.count(upn));
  const std::string password = h.passwords[upn];
  std::string created_id;
  for (const auto& r : h.faulty.recorded()) {
    if (r.request.kind != WriteRequest::Kind::CreateUser) continue;
    EXPECT_EQ(r.request.body["passwordProfile"]["password"], password);
    EXPECT_EQ(r.request.body["passwordProfile"]["forceChangePasswordNextSignIn"], true);
  }
  auto hank = h.remote.get_user(h.tenant_id(kContoso), upn);
  ASSERT_TRUE(hank.ok());
  created_id = hank->id;
  // Its license went to the id the service gave it.
  bool assigned = false;
  for (const auto& r : h.faulty.recorded()) {
    if (r.request.kind == WriteRequest::Kind::AssignLicense && r.request.user == created_id) {
      assigned = true;
    }
  }
  EXPECT_TRUE(assigned);
  // Never in the journal or the report.
  auto entries = h.cache->journal().list();
  ASSERT_TRUE(entries.ok());
  for (const auto& e : *entries) EXPECT_THAT(e.request.dump(), Not(HasSubstr(password)));
  nlohmann::json j = report.plan;
  EXPECT_THAT(j.dump(), Not(HasSubstr(password)));
  for (const auto* o : ops_of(report, "hank@")) {
    EXPECT_THAT(journal_request_body(*o).dump(), Not(HasSubstr("password")));
  }
}

TEST_F(TenantRunTest, CreatesWithoutAPasswordGeneratorAreSkipped) {
  h.add_tenant(kContoso, {});
  h.mirror();
  Plan plan = h.plan(desired(kContoso, R"({"upn": "new@)" + kContoso +
                                           R"(", "licenses": ["SPE_E3"],
                                            "create": {"displayName": "New", "usageLocation": "US"}})"));
  ASSERT_EQ(plan.tenants[0].operations.size(), 2u);

  auto report = execute_plan(plan, h.faulty, *h.cache, h.clock, {});

  ASSERT_TRUE(report.ok());
  for (const auto& o : report->plan.tenants[0].operations) {
    EXPECT_EQ(o.status, OpStatus::Skipped);
    EXPECT_THAT(o.reason, o.op == OpKind::Create ? HasSubstr("temporary passwords")
                                                 : HasSubstr("the user was not created"));
  }
  EXPECT_EQ(h.faulty.write_calls(), 0);
  EXPECT_EQ(report->exit_code(), 3);
}

// create.roles of a desired state: the roles go to the id the service gave the new user,
// after its create, and the cache knows them so the next plan is empty.

TEST_F(TenantRunTest, ACreatedUserGetsItsRolesOnceItExists) {
  h.add_tenant(kContoso, {});
  h.remote.set_roles(h.tenant_id(kContoso),
                     {{"role-reports", "Reports Reader", true, false},
                      {"role-license", "License Administrator", true, false}});
  h.mirror();
  const std::string upn = "new@" + kContoso;
  std::string wanted = desired(kContoso, R"({"upn": ")" + upn + R"(", "licenses": ["SPE_E3"],
      "create": {"displayName": "New", "usageLocation": "US",
                 "roles": ["Reports Reader", "role-license"]}})");
  ApplyReport report = h.apply(h.plan(wanted));
  EXPECT_EQ(report.exit_code(), 0);
  EXPECT_EQ(report.plan.summary().roles, 2);
  auto created = h.remote.get_user(h.tenant_id(kContoso), upn);
  ASSERT_TRUE(created.ok());
  std::vector<std::string> held;
  for (const auto& a : h.remote.held_roles(h.tenant_id(kContoso))) {
    EXPECT_EQ(a.principal_id, created->id);
    held.push_back(a.role_definition_id);
  }
  EXPECT_THAT(held, ::testing::UnorderedElementsAre("role-reports", "role-license"));
  auto snapshot = h.cache->load_snapshot(h.tenant_id(kContoso));
  ASSERT_TRUE(snapshot.ok());
  EXPECT_EQ(snapshot->role_assignments.size(), 2u);
  EXPECT_THAT(h.plan(wanted).tenants[0].operations, IsEmpty());
}

TEST_F(TenantRunTest, ChunksSplitAPhaseIntoSeveralWriteCalls) {
  std::vector<User> users;
  std::string entries;
  for (int i = 0; i < 5; ++i) {
    users.push_back(user("u" + std::to_string(i), kContoso, {}));
    entries += std::string(i ? "," : "") + entry("u" + std::to_string(i), kContoso, R"("EMS")");
  }
  h.add_tenant(kContoso, users);
  h.mirror();
  ExecuteOptions options;
  options.chunk_size = 2;
  std::vector<ApplyProgress> progress;
  options.progress = [&](const ApplyProgress& p) { progress.push_back(p); };

  ApplyReport report = h.apply(h.plan(desired(kContoso, entries)), options);

  EXPECT_EQ(h.faulty.write_calls(), 3);
  EXPECT_EQ(report.write_calls, 3);
  EXPECT_EQ(report.write_requests, 5);
  ASSERT_FALSE(progress.empty());
  EXPECT_EQ(progress.back().done, 5);
  EXPECT_EQ(progress.back().total, 5);
  EXPECT_EQ(progress.back().tenant, kContoso);
}

}  // namespace tenant_run_test
}  // namespace tenantsync
