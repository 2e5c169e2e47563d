// What a tenant's run makes of each answer (sync/apply/tenant_run_results.cpp): the
// cache and its seat counts after applying, failures kept verbatim and what they take
// with them, and the journal written before and while sending.
#include "tests/sync/executor_fixture.h"

namespace tenantsync {
namespace tenant_run_results_test {

using namespace executor_fixture;

using TenantRunResultsTest = ExecutorFixture;

TEST_F(TenantRunResultsTest, TheCacheIsRightWhenTheServiceAnswersWithoutLicenses) {
  h.add_scenario_tenant(kContoso);
  h.mirror();
  h.faulty.return_users_without_licenses(true);

  ApplyReport report = h.apply(h.plan(scenario_desired(kContoso)));

  EXPECT_EQ(report.exit_code(), 0);
  EXPECT_EQ(h.cache_state(kContoso), scenario_end_state(kContoso));
  EXPECT_FALSE(h.plan(scenario_desired(kContoso)).has_ready_operations());
}

TEST_F(TenantRunResultsTest, SeatCountsInTheCacheAreReadAgainAfterApplying) {
  h.add_scenario_tenant(kContoso);
  h.mirror();
  h.apply(h.plan(scenario_desired(kContoso)));

  auto snapshot = h.cache->load_snapshot(h.tenant_id(kContoso));
  ASSERT_TRUE(snapshot.ok());
  auto e3 = std::find_if(snapshot->skus.begin(), snapshot->skus.end(),
                         [](const Sku& s) { return s.sku_id == kE3; });
  ASSERT_NE(e3, snapshot->skus.end());
  EXPECT_EQ(e3->consumed_units, kScenarioE3Seats - 1);  // gina's deletion freed one
}

TEST_F(TenantRunResultsTest, AFailedWriteKeepsTheServicesCodeAndMessageVerbatim) {
  h.add_scenario_tenant(kContoso);
  h.mirror();
  h.faulty.refuse(user_is("id-dave", WriteRequest::Kind::AssignLicense),
                  service_error("Request_BadRequest", kSeatMessage));

  ApplyReport report = h.apply(h.plan(scenario_desired(kContoso)));

  auto dave = ops_of(report, "dave@");
  ASSERT_THAT(dave, SizeIs(1));
  EXPECT_EQ(dave[0]->status, OpStatus::Failed);
  ASSERT_TRUE(dave[0]->error);
  EXPECT_EQ(dave[0]->error->code, "Request_BadRequest");
  EXPECT_EQ(dave[0]->error->message, kSeatMessage);
  EXPECT_EQ(report.exit_code(), 3);
  PlanSummary s = report.summary();
  EXPECT_EQ(s.failed, 1);
  EXPECT_EQ(s.applied, 13);

  auto journal = h.cache->journal().list();
  ASSERT_TRUE(journal.ok());
  auto failed = std::find_if(journal->begin(), journal->end(),
                             [](const JournalEntry& e) { return e.state == JournalState::Failed; });
  ASSERT_NE(failed, journal->end());
  EXPECT_EQ(failed->user, "dave@" + kContoso);
  EXPECT_EQ(failed->error_code, "Request_BadRequest");
  EXPECT_EQ(failed->error_message, kSeatMessage);
  // The JSON form carries it too.
  nlohmann::json j = report.plan;
  bool found = false;
  for (const auto& o : j["tenants"][0]["operations"]) {
    if (o["status"] == "failed") {
      found = true;
      EXPECT_EQ(o["error"]["code"], "Request_BadRequest");
      EXPECT_EQ(o["error"]["message"], kSeatMessage);
    }
  }
  EXPECT_TRUE(found);
}

TEST_F(TenantRunResultsTest, AFailedCallFailsEveryOperationItCarried) {
  h.add_scenario_tenant(kContoso);
  h.mirror();
  const char* message =
      "License assignment failed because service plans plan-EXCHANGE_S_STANDARD,"
      "plan-EXCHANGE_S_ENTERPRISE are mutually exclusive.";
  h.faulty.refuse(user_is("id-bob", WriteRequest::Kind::AssignLicense),
                  service_error("Request_BadRequest", message));

  ApplyReport report = h.apply(h.plan(scenario_desired(kContoso)));

  auto bob = ops_of(report, "bob@");
  ASSERT_THAT(bob, SizeIs(2));
  for (const auto* o : bob) {
    EXPECT_EQ(o->status, OpStatus::Failed);
    ASSERT_TRUE(o->error);
    EXPECT_EQ(o->error->message, message);
  }
  EXPECT_EQ(h.remote_state(kContoso).at("bob@" + kContoso), LicenseView{"EXCHANGESTANDARD"});
  EXPECT_EQ(h.cache_state(kContoso), h.remote_state(kContoso));
}

TEST_F(TenantRunResultsTest, AFailedRestoreSkipsTheUsersLicenseOperations) {
  h.add_scenario_tenant(kContoso);
  h.mirror();
  h.faulty.refuse(user_is("id-frank", WriteRequest::Kind::RestoreUser),
                  service_error("Request_ResourceNotFound", "Resource 'x' does not exist.", 404,
                                ErrorKind::NotFound));

  ApplyReport report = h.apply(h.plan(scenario_desired(kContoso)));

  auto frank = ops_of(report, "frank@");
  ASSERT_THAT(frank, SizeIs(3));  // restore, revoke EMS, assign E3
  for (const auto* o : frank) {
    if (o->op == OpKind::Restore) {
      EXPECT_EQ(o->status, OpStatus::Failed);
      EXPECT_EQ(o->error->code, "Request_ResourceNotFound");
    } else {
      EXPECT_EQ(o->status, OpStatus::Skipped);
      EXPECT_EQ(o->reason, "not sent: the restore failed");
    }
  }
  EXPECT_EQ(report.exit_code(), 3);
  for (const auto& r : h.faulty.recorded()) {
    if (r.request.kind == WriteRequest::Kind::AssignLicense) {
      EXPECT_THAT(r.request.user, Not(HasSubstr("frank")));
    }
  }
}

TEST_F(TenantRunResultsTest, AFinalThrottleOrTransientErrorIsAFailureWithItsMessage) {
  h.add_tenant(kContoso, {user("a", kContoso, {}), user("b", kContoso, {})});
  h.mirror();
  Error throttled = service_error("TooManyRequests", "Too many requests. Retry after 2.128 s.", 429,
                                  ErrorKind::Throttled);
  throttled.retry_after_seconds = 2.128;
  h.faulty.refuse(user_is("id-a", WriteRequest::Kind::AssignLicense), throttled);
  h.faulty.refuse(user_is("id-b", WriteRequest::Kind::AssignLicense),
                  make_error(ErrorKind::Transient, "connection closed mid-response"));

  ApplyReport report = h.apply(h.plan(desired(
      kContoso, entry("a", kContoso, R"("SPE_E3")") + "," + entry("b", kContoso, R"("SPE_E3")"))));

  const auto& ops = report.plan.tenants[0].operations;
  ASSERT_THAT(ops, SizeIs(2));
  EXPECT_EQ(ops[0].status, OpStatus::Failed);
  EXPECT_EQ(ops[0].error->code, "TooManyRequests");
  EXPECT_EQ(ops[0].error->message, "Too many requests. Retry after 2.128 s.");
  EXPECT_EQ(ops[1].status, OpStatus::Failed);
  EXPECT_EQ(ops[1].error->code, "transient");
  EXPECT_EQ(ops[1].error->message, "connection closed mid-response");
  EXPECT_EQ(report.exit_code(), 3);
}

TEST_F(TenantRunResultsTest, EntriesAreJournalledBeforeAndSendingWhileTheDirectoryIsCalled) {
  h.add_scenario_tenant(kContoso);
  h.mirror();
  Plan plan = h.plan(scenario_desired(kContoso));
  int checked = 0;
  h.faulty.on_write([&](const std::string&, const std::vector<WriteRequest>& requests) {
    auto entries = h.cache->journal().list();
    ASSERT_TRUE(entries.ok());
    ASSERT_EQ(entries->size(), 14u);  // the whole plan, before the first write
    int sending = 0;
    for (const auto& e : *entries) {
      if (e.state == JournalState::Sending) ++sending;
    }
    int carried = 0;  // operations the requests carry
    for (const auto& r : requests) {
      carried += r.kind == WriteRequest::Kind::AssignLicense
                     ? static_cast<int>(r.add_licenses.size() + r.remove_licenses.size())
                     : 1;
    }
    // Updates re-add a SKU: one add carries one operation either way.
    EXPECT_EQ(sending, carried);
    ++checked;
  });

  ApplyReport report = h.apply(plan);

  EXPECT_EQ(checked, 5);
  auto unfinished = h.cache->journal().unfinished();
  ASSERT_TRUE(unfinished.ok());
  EXPECT_THAT(*unfinished, IsEmpty());
  auto entries = h.cache->journal().list();
  ASSERT_TRUE(entries.ok());
  for (const auto& e : *entries) {
    EXPECT_EQ(e.state, JournalState::Applied) << e.user << " " << to_string(e.op);
    EXPECT_EQ(e.plan_id, report.plan_id);
  }
}

TEST_F(TenantRunResultsTest, AFailedSetSkipsTheLicensesThatNeededItsLocation) {
  Plan plan = plan_locations_then_licenses(h);
  h.faulty.refuse(user_is("id-alice", WriteRequest::Kind::UpdateUser),
                  service_error("Authorization_RequestDenied",
                                "Insufficient privileges to complete the operation.", 403));

  ApplyReport report = h.apply(plan);

  auto alice = ops_of(report, "alice@");
  ASSERT_THAT(alice, SizeIs(2));
  EXPECT_EQ(alice[0]->op, OpKind::SetProperties);
  EXPECT_EQ(alice[0]->status, OpStatus::Failed);
  EXPECT_EQ(alice[0]->error->code, "Authorization_RequestDenied");
  EXPECT_EQ(alice[1]->status, OpStatus::Skipped);
  EXPECT_EQ(alice[1]->reason,
            "not sent: setting the usage location failed (Authorization_RequestDenied: "
            "Insufficient privileges to complete the operation.)");
  EXPECT_THAT(ops_of(report, "bob@"), Each(Field(&Operation::status, OpStatus::Applied)));
  for (const auto& r : h.faulty.recorded()) {
    if (r.request.kind == WriteRequest::Kind::AssignLicense) {
      EXPECT_THAT(r.request.user, Not(HasSubstr("alice")));
    }
  }
  EXPECT_EQ(report.exit_code(), 3);
}

TEST_F(TenantRunResultsTest, TheJournalKeepsThePatchBodyOfASet) {
  Plan plan = plan_locations_then_licenses(h);
  h.apply(plan);
  auto entries = h.cache->journal().list();
  ASSERT_TRUE(entries.ok());
  std::vector<nlohmann::json> bodies;
  for (const auto& e : *entries) {
    if (e.op == OpKind::SetProperties) bodies.push_back(e.request);
  }
  EXPECT_THAT(bodies, ElementsAre(nlohmann::json{{"usageLocation", "US"}},
                                  nlohmann::json{{"usageLocation", "US"}}));
}

TEST_F(TenantRunResultsTest, TheJournalKeepsEachOperationsRequestBody) {
  h.add_tenant(kContoso, {user("alice", kContoso, {kExs})});
  h.mirror();
  h.apply(h.plan(desired(
      kContoso, entry("alice", kContoso, R"({"sku": "SPE_E3", "disabledPlans": ["TEAMS1"]})"))));

  auto entries = h.cache->journal().list();
  ASSERT_TRUE(entries.ok());
  ASSERT_THAT(*entries, SizeIs(2));
  EXPECT_EQ(entries->at(0).op, OpKind::Revoke);
  EXPECT_EQ(entries->at(0).request,
            nlohmann::json::parse(R"({"addLicenses": [], "removeLicenses": ["sku-exs"]})"));
  EXPECT_EQ(entries->at(1).op, OpKind::Assign);
  EXPECT_EQ(entries->at(1).request, nlohmann::json::parse(R"({"addLicenses": [{"skuId": "sku-e3",
              "disabledPlans": ["plan-TEAMS1"]}], "removeLicenses": []})"));
}

// A create that fails takes its roles with it: nothing is sent for a user that is not there.

TEST_F(TenantRunResultsTest, AFailedCreateSkipsItsRoles) {
  h.add_tenant(kContoso, {});
  h.remote.set_roles(h.tenant_id(kContoso), {{"role-reports", "Reports Reader", true, false}});
  h.mirror();
  h.faulty.refuse([](const std::string&,
                     const WriteRequest& r) { return r.kind == WriteRequest::Kind::CreateUser; },
                  service_error("Request_BadRequest", "nope"));
  ApplyReport report = h.apply(h.plan(desired(kContoso, R"({"upn": "new@)" + kContoso + R"(",
      "licenses": [], "create": {"displayName": "New", "roles": ["Reports Reader"]}})")));
  for (const auto* o : ops_of(report, "new@")) {
    if (o->op != OpKind::AddRole) continue;
    EXPECT_EQ(o->status, OpStatus::Skipped);
    EXPECT_THAT(o->reason, HasSubstr("creating the user failed"));
  }
  EXPECT_THAT(h.remote.held_roles(h.tenant_id(kContoso)), IsEmpty());
}

}  // namespace tenant_run_results_test
}  // namespace tenantsync
