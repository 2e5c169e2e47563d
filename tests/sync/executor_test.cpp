// The executor against the in-memory remote (service license rules on) behind the
// fault-injecting wrapper: convergence, phase order, atomic swaps, report mode, safety
// limits, failures kept verbatim, journalling before sending, creates and passwords,
// parallel tenants, chunking, stale plans, exit codes.
#include "sync/apply/executor.h"

#include <algorithm>
#include <chrono>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "sync/apply/license_change.h"
#include "sync/ascii_case.h"
#include "sync/plan/safety_limits.h"
#include "tests/sync/apply_test_support.h"

namespace tenantsync {
namespace executor_test {

using ::testing::AllOf;
using ::testing::Each;
using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::SizeIs;

const std::string kContoso = "contoso.onmicrosoft.com";
const std::string kFabrikam = "fabrikam.onmicrosoft.com";
const char* kSeatMessage = "Subscription with SKU sku-e3 does not have any available licenses.";

Error service_error(const std::string& code, const std::string& message, int http = 400,
                    ErrorKind kind = ErrorKind::Rejected) {
  Error e = make_error(kind, message, code);
  e.http_status = http;
  return e;
}

// Requests of `kind` whose user (an id: "id-<name>-<domain>") starts with `prefix`.
FaultyDirectory::Match user_is(const std::string& prefix, WriteRequest::Kind kind) {
  return [=](const std::string&, const WriteRequest& r) {
    return r.kind == kind && r.user.rfind(prefix, 0) == 0;
  };
}

std::string desired(const std::string& tenant, const std::string& users,
                    const std::string& extra = "") {
  return R"({"version": 1, "tenants": [{"tenant": ")" + tenant +
         R"(", "managedSkus": ["SPE_E3", "EMS", "EXCHANGESTANDARD"])" + extra + R"(, "users": [)" +
         users + "]}]}";
}

std::string entry(const std::string& name, const std::string& domain, const std::string& licenses) {
  return R"({"upn": ")" + name + "@" + domain + R"(", "licenses": [)" + licenses + "]}";
}

User user(const std::string& name, const std::string& domain, std::vector<std::string> skus) {
  return make_user("id-" + name + "-" + domain, name + "@" + domain, skus);
}

std::vector<const Operation*> ops_of(const ApplyReport& r, const std::string& upn_prefix) {
  std::vector<const Operation*> out;
  for (const auto& t : r.plan.tenants) {
    for (const auto& o : t.operations) {
      if (o.user.rfind(upn_prefix, 0) == 0) out.push_back(&o);
    }
  }
  return out;
}

std::vector<OpStatus> statuses(const ApplyReport& r) {
  std::vector<OpStatus> out;
  for (const auto& t : r.plan.tenants) {
    for (const auto& o : t.operations) out.push_back(o.status);
  }
  return out;
}

// A request as one short line: "assign alice -sku-e3 +sku-ems", "restore id-erin-...".
std::string describe(const WriteRequest& r) {
  switch (r.kind) {
    case WriteRequest::Kind::AssignLicense: {
      std::string out = "assign " + r.user.substr(0, r.user.find('@'));
      for (const auto& s : r.remove_licenses) out += " -" + s;
      for (const auto& a : r.add_licenses) out += " +" + a.sku_id;
      return out;
    }
    case WriteRequest::Kind::CreateUser:
      return "create";
    case WriteRequest::Kind::RestoreUser:
      return "restore";
    case WriteRequest::Kind::DeleteUser:
      return "delete";
    case WriteRequest::Kind::UpdateUser:
      return "update";
    case WriteRequest::Kind::AddRole:
      return "add-role " + r.user + " " + r.role_definition_id;
    case WriteRequest::Kind::RemoveRole:
      return "remove-role " + r.role_assignment_id;
  }
  return "";
}

class ExecutorTest : public ::testing::Test {
 protected:
  // Alice gives up her SPE_E3 and bob takes one, out of `seats` in all.
  Plan plan_alice_frees_a_seat_for_bob(int seats) {
    h.add_tenant(kContoso, {user("alice", kContoso, {kE3}), user("bob", kContoso, {})}, {},
                 test_skus(seats));
    h.mirror();
    return h.plan(desired(
        kContoso, entry("alice", kContoso, "") + "," + entry("bob", kContoso, R"("SPE_E3")")));
  }

  ApplyHarness h;
};

TEST_F(ExecutorTest, ApplyConvergesAndTheNextPlanIsEmpty) {
  h.add_scenario_tenant(kContoso);
  h.mirror();
  Plan plan = h.plan(scenario_desired(kContoso));
  PlanSummary planned = plan.summary();
  EXPECT_EQ(planned.blocked, 0);
  EXPECT_EQ(planned.restore, 2);
  EXPECT_EQ(planned.create, 1);
  EXPECT_EQ(planned.del, 1);

  ApplyReport report = h.apply(plan);

  EXPECT_THAT(statuses(report), Each(OpStatus::Applied));
  EXPECT_EQ(report.exit_code(), 0);
  EXPECT_THAT(report.local_errors, IsEmpty());
  EXPECT_EQ(report.write_requests, kScenarioRequests);
  EXPECT_EQ(h.remote_state(kContoso), scenario_end_state(kContoso));
  EXPECT_EQ(h.cache_state(kContoso), h.remote_state(kContoso));
  for (const auto& [effect, count] : h.faulty.effects()) EXPECT_EQ(count, 1) << effect;

  Plan again = h.plan(scenario_desired(kContoso));
  EXPECT_FALSE(again.has_ready_operations());
  EXPECT_EQ(again.summary().blocked, 0);
}

TEST_F(ExecutorTest, TheCacheIsRightWhenTheServiceAnswersWithoutLicenses) {
  h.add_scenario_tenant(kContoso);
  h.mirror();
  h.faulty.return_users_without_licenses(true);

  ApplyReport report = h.apply(h.plan(scenario_desired(kContoso)));

  EXPECT_EQ(report.exit_code(), 0);
  EXPECT_EQ(h.cache_state(kContoso), scenario_end_state(kContoso));
  EXPECT_FALSE(h.plan(scenario_desired(kContoso)).has_ready_operations());
}

TEST_F(ExecutorTest, SeatCountsInTheCacheAreReadAgainAfterApplying) {
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

TEST_F(ExecutorTest, SeatsOneUserFreesGoToAnotherInTheSameApply) {
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

TEST_F(ExecutorTest, ASeatTakingCallWhoseSeatFreeingCallFailedIsBlockedNotSent) {
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

TEST_F(ExecutorTest, ASeatTakingCallStillGoesWhenASeatIsFreeDespiteAFailedFreeingCall) {
  // Two seats, one held by alice: bob's seat is free whatever alice's revocation does.
  Plan plan = plan_alice_frees_a_seat_for_bob(2);
  h.faulty.refuse(user_is("id-alice", WriteRequest::Kind::AssignLicense),
                  service_error("Request_BadRequest", "Something went wrong on our side."));

  ApplyReport report = h.apply(plan);

  EXPECT_EQ(ops_of(report, "alice@")[0]->status, OpStatus::Failed);
  EXPECT_EQ(ops_of(report, "bob@")[0]->status, OpStatus::Applied);
  EXPECT_EQ(h.remote_state(kContoso).at("bob@" + kContoso), LicenseView{"SPE_E3"});
}

TEST_F(ExecutorTest, PhasesRestoreFirstFreeSeatsBeforeTakingThemAndDeleteLast) {
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

TEST_F(ExecutorTest, AnExclusiveSwapIsOneAtomicWrite) {
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

TEST_F(ExecutorTest, AUsersAddsUpdatesAndRemovesGoInOneCall) {
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

TEST_F(ExecutorTest, AReportModeTenantIsNeverChanged) {
  h.add_tenant(kContoso, {user("alice", kContoso, {})});
  h.add_tenant(kFabrikam, {user("alice", kFabrikam, {})});
  h.mirror();
  std::string both =
      R"({"version": 1, "tenants": [
        {"tenant": ")" +
      kContoso + R"(", "mode": "report", "managedSkus": ["SPE_E3"],
         "users": [{"upn": "alice@)" +
      kContoso + R"(", "licenses": ["SPE_E3"]}]},
        {"tenant": ")" +
      kFabrikam + R"(", "managedSkus": ["SPE_E3"],
         "users": [{"upn": "alice@)" +
      kFabrikam + R"(", "licenses": ["SPE_E3"]}]}]})";

  ApplyReport report = h.apply(h.plan(both));

  const Operation& untouched = report.plan.tenants[0].operations.at(0);
  EXPECT_EQ(untouched.status, OpStatus::Skipped);
  EXPECT_EQ(untouched.reason, "tenant is in report mode");
  EXPECT_EQ(report.plan.tenants[1].operations.at(0).status, OpStatus::Applied);
  for (const auto& r : h.faulty.recorded()) EXPECT_EQ(r.tenant, h.tenant_id(kFabrikam));
  EXPECT_THAT(h.remote_state(kContoso).at("alice@" + kContoso), IsEmpty());
  EXPECT_EQ(report.exit_code(), 0);
}

TEST_F(ExecutorTest, ASafetyLimitRefusesTheTenantWithNothingSentAndJournalsIt) {
  h.add_tenant(kContoso, {user("a", kContoso, {kE3}), user("b", kContoso, {kE3}),
                          user("c", kContoso, {kE3}), user("d", kContoso, {})});
  h.mirror();
  Plan plan =
      h.plan(desired(kContoso, entry("d", kContoso, R"("SPE_E3")"), R"(, "unlisted": "revoke")"));
  ASSERT_EQ(plan.summary().revoke, 3);
  ExecuteOptions options;
  options.limits.max_revocations = 2;

  ApplyReport report = h.apply(plan, options);

  EXPECT_EQ(h.faulty.write_calls(), 0);
  EXPECT_TRUE(report.nothing_sent());
  EXPECT_EQ(report.exit_code(), 4);
  const std::string reason =
      "3 revocations > safety.maxRevocations 2; raise with --max-revocations 3";
  const std::string not_sent = "not sent: the tenant is over safety.maxRevocations";
  ASSERT_THAT(report.refusals, SizeIs(1));
  EXPECT_EQ(report.refusals[0].reason, reason);
  EXPECT_EQ(report.refusals[0].revocations, 3);
  // The reason once for the tenant; each operation only points at it.
  ASSERT_TRUE(report.plan.tenants[0].over_limit.has_value());
  EXPECT_EQ(report.plan.tenants[0].over_limit->message, reason);
  EXPECT_EQ(report.plan.tenants[0].over_limit->losses_of_access, 3);
  for (const auto& o : report.plan.tenants[0].operations) {
    EXPECT_EQ(o.status, OpStatus::Skipped);
    EXPECT_EQ(o.reason, not_sent);
  }
  auto journal = h.cache->journal().list();
  ASSERT_TRUE(journal.ok());
  ASSERT_THAT(*journal, SizeIs(4));
  for (const auto& e : *journal) {
    EXPECT_EQ(e.state, JournalState::Skipped);
    EXPECT_EQ(e.error_message, not_sent);
  }
}

TEST_F(ExecutorTest, ARefusedTenantBesideAChangedOneExitsPartlyDone) {
  h.add_tenant(kContoso, {user("a", kContoso, {}), user("b", kContoso, {})});
  h.add_tenant(kFabrikam, {user("a", kFabrikam, {})});
  h.mirror();
  std::string both = R"({"version": 1, "tenants": [
        {"tenant": ")" +
                     kContoso + R"(", "managedSkus": ["SPE_E3"],
         "users": [{"upn": "a@)" +
                     kContoso + R"(", "state": "deleted"},
                   {"upn": "b@)" +
                     kContoso + R"(", "state": "deleted"}]},
        {"tenant": ")" +
                     kFabrikam + R"(", "managedSkus": ["SPE_E3"],
         "users": [{"upn": "a@)" +
                     kFabrikam + R"(", "licenses": ["SPE_E3"]}]}]})";
  ExecuteOptions options;
  options.limits.max_deletions = 1;

  ApplyReport report = h.apply(h.plan(both), options);

  ASSERT_THAT(report.refusals, SizeIs(1));
  EXPECT_EQ(report.refusals[0].tenant, kContoso);
  EXPECT_EQ(report.refusals[0].reason,
            "2 deletions > safety.maxDeletions 1; raise with --max-deletions 2");
  EXPECT_EQ(report.plan.tenants[1].operations[0].status, OpStatus::Applied);
  EXPECT_EQ(report.exit_code(), 3);
  EXPECT_EQ(h.remote.deleted_users(h.tenant_id(kContoso)).size(), 0u);
}

TEST_F(ExecutorTest, AFailedWriteKeepsTheServicesCodeAndMessageVerbatim) {
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

TEST_F(ExecutorTest, AFailedCallFailsEveryOperationItCarried) {
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

TEST_F(ExecutorTest, AFailedRestoreSkipsTheUsersLicenseOperations) {
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

TEST_F(ExecutorTest, AFinalThrottleOrTransientErrorIsAFailureWithItsMessage) {
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

TEST_F(ExecutorTest, EntriesAreJournalledBeforeAndSendingWhileTheDirectoryIsCalled) {
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

// Alice and bob have no usage location; the tenant's default gives them one.
Plan plan_locations_then_licenses(ApplyHarness& h) {
  User alice = user("alice", kContoso, {});
  alice.usage_location.reset();
  User bob = user("bob", kContoso, {});
  bob.usage_location.reset();
  h.add_tenant(kContoso, {alice, bob});
  h.mirror();
  return h.plan(desired(
      kContoso, entry("alice", kContoso, R"("SPE_E3")") + "," + entry("bob", kContoso, R"("EMS")"),
      R"(, "defaultUsageLocation": "US")"));
}

TEST_F(ExecutorTest, ASetOfPropertiesGoesBeforeTheLicensesThatNeedIt) {
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

TEST_F(ExecutorTest, AFailedSetSkipsTheLicensesThatNeededItsLocation) {
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

TEST_F(ExecutorTest, TheJournalKeepsThePatchBodyOfASet) {
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

TEST_F(ExecutorTest, TheJournalKeepsEachOperationsRequestBody) {
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

TEST_F(ExecutorTest, ACreatedUsersPasswordGoesToTheServiceAndTheCallbackOnly) {
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

TEST_F(ExecutorTest, CreatesWithoutAPasswordGeneratorAreSkipped) {
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
TEST_F(ExecutorTest, ACreatedUserGetsItsRolesOnceItExists) {
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

// A create that fails takes its roles with it: nothing is sent for a user that is not there.
TEST_F(ExecutorTest, AFailedCreateSkipsItsRoles) {
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

TEST_F(ExecutorTest, TenantsRunInParallelWithinTheConcurrencyBound) {
  std::string tenants;
  for (int i = 0; i < 8; ++i) {
    std::string domain = "t" + std::to_string(i) + ".onmicrosoft.com";
    h.add_tenant(domain, {user("a", domain, {}), user("b", domain, {kExs})});
    tenants += std::string(i ? "," : "") + R"({"tenant": ")" + domain +
               R"(", "managedSkus": ["SPE_E3", "EXCHANGESTANDARD"], "users": [)" +
               entry("a", domain, R"("SPE_E3")") + "," + entry("b", domain, R"("SPE_E3")") + "]}";
  }
  h.mirror();
  Plan plan = h.plan(R"({"version": 1, "tenants": [)" + tenants + "]}");
  h.faulty.on_write([](const std::string&, const std::vector<WriteRequest>&) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  });
  ExecuteOptions options;
  options.concurrency = 3;
  std::mutex mu;
  int progress_calls = 0;
  options.progress = [&](const ApplyProgress&) {
    std::lock_guard<std::mutex> lock(mu);
    ++progress_calls;
  };

  ApplyReport report = h.apply(plan, options);

  EXPECT_THAT(statuses(report), Each(OpStatus::Applied));
  EXPECT_EQ(report.summary().applied, 8 * 3);
  EXPECT_LE(h.faulty.max_concurrent_calls(), 3);
  EXPECT_GE(h.faulty.max_concurrent_calls(), 2);
  EXPECT_GT(progress_calls, 0);
}

TEST_F(ExecutorTest, ChunksSplitAPhaseIntoSeveralWriteCalls) {
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

TEST_F(ExecutorTest, AStalePlanIsRefusedWithNothingSent) {
  h.add_tenant(kContoso, {user("a", kContoso, {})});
  h.mirror();
  Plan plan = h.plan(desired(kContoso, entry("a", kContoso, R"("SPE_E3")")));
  h.remote.put_user(h.tenant_id(kContoso), user("z", kContoso, {}));
  h.mirror();
  ExecuteOptions options;
  options.refuse_stale_plan = true;

  ApplyReport report = h.apply(plan, options);

  EXPECT_THAT(report.stale, HasSubstr("the cache changed since the plan was computed"));
  EXPECT_EQ(h.faulty.write_calls(), 0);
  EXPECT_EQ(report.exit_code(), 4);
  EXPECT_EQ(report.plan.tenants[0].operations[0].status, OpStatus::Skipped);
}

TEST_F(ExecutorTest, AnUnchangedPlanIsNotStale) {
  h.add_tenant(kContoso, {user("a", kContoso, {})});
  h.mirror();
  ExecuteOptions options;
  options.refuse_stale_plan = true;

  ApplyReport report =
      h.apply(h.plan(desired(kContoso, entry("a", kContoso, R"("SPE_E3")"))), options);

  EXPECT_TRUE(report.stale.empty());
  EXPECT_EQ(report.exit_code(), 0);
}

TEST_F(ExecutorTest, BlockedOperationsAreJournalledAndNotSent) {
  h.add_tenant(kContoso, {user("a", kContoso, {}), user("b", kContoso, {})}, {}, test_skus(1));
  h.mirror();
  Plan plan = h.plan(desired(
      kContoso, entry("a", kContoso, R"("SPE_E3")") + "," + entry("b", kContoso, R"("SPE_E3")")));
  ASSERT_EQ(plan.summary().blocked, 1);

  ApplyReport report = h.apply(plan);

  EXPECT_EQ(h.faulty.requests(), 1);
  EXPECT_EQ(report.exit_code(), 3);
  auto entries = h.cache->journal().list();
  ASSERT_TRUE(entries.ok());
  ASSERT_THAT(*entries, SizeIs(2));
  EXPECT_EQ(entries->at(1).state, JournalState::Blocked);
  EXPECT_THAT(entries->at(1).error_message, HasSubstr("seat"));
}

TEST_F(ExecutorTest, NothingToDoExitsZeroAndSendsNothing) {
  h.add_tenant(kContoso, {user("a", kContoso, {kE3})});
  h.mirror();
  ApplyReport report = h.apply(h.plan(desired(kContoso, entry("a", kContoso, R"("SPE_E3")"))));
  EXPECT_EQ(report.exit_code(), 0);
  EXPECT_TRUE(report.nothing_sent());
  EXPECT_EQ(h.faulty.write_calls(), 0);
}

TEST_F(ExecutorTest, AnExceptionInAHookStopsTheRunAndReachesTheCaller) {
  h.add_scenario_tenant(kContoso);
  h.mirror();
  ExecuteOptions options;
  options.plan_id = "crashing";
  options.passwords.generate = [](const Operation&) { return std::string("Tmp!Passw0rd"); };
  options.hooks.after_write = [](const std::string&, ApplyPhase phase) {
    if (phase == ApplyPhase::FreeSeats) throw SimulatedCrash();
  };
  Plan plan = h.plan(scenario_desired(kContoso));

  EXPECT_THROW(execute_plan(plan, h.faulty, *h.cache, h.clock, options), SimulatedCrash);
  EXPECT_EQ(h.faulty.write_calls(), 2);  // nothing after the crash
  auto unfinished = h.cache->journal().unfinished();
  ASSERT_TRUE(unfinished.ok());
  EXPECT_FALSE(unfinished->empty());
}

TEST_F(ExecutorTest, AGeneratedPlanIdNamesTheJournalEntries) {
  h.add_tenant(kContoso, {user("a", kContoso, {})});
  h.mirror();
  Plan plan = h.plan(desired(kContoso, entry("a", kContoso, R"("SPE_E3")")));
  auto report = execute_plan(plan, h.faulty, *h.cache, h.clock, {});
  ASSERT_TRUE(report.ok());
  EXPECT_THAT(report->plan_id, HasSubstr("apply-2026-11-20T00:00:00Z-"));
  auto entries = h.cache->journal().list();
  ASSERT_TRUE(entries.ok());
  EXPECT_EQ(entries->at(0).plan_id, report->plan_id);
}

// ---- exit codes ----

ApplyReport report_with(std::vector<OpStatus> statuses, TenantMode mode = TenantMode::Enforce) {
  ApplyReport r;
  TenantPlan t;
  t.mode = mode;
  for (auto s : statuses) {
    Operation o;
    o.status = s;
    t.operations.push_back(o);
  }
  r.plan.tenants.push_back(t);
  return r;
}

TEST(ApplyExitCodeTest, FollowsTheCliContract) {
  EXPECT_EQ(report_with({}).exit_code(), 0);
  EXPECT_EQ(report_with({OpStatus::Applied, OpStatus::Applied}).exit_code(), 0);
  EXPECT_EQ(report_with({OpStatus::Applied, OpStatus::Failed}).exit_code(), 3);
  EXPECT_EQ(report_with({OpStatus::Applied, OpStatus::Blocked}).exit_code(), 3);
  EXPECT_EQ(report_with({OpStatus::Skipped}).exit_code(), 3);
  EXPECT_EQ(report_with({OpStatus::Skipped, OpStatus::Blocked}, TenantMode::Report).exit_code(), 0);

  ApplyReport refused = report_with({OpStatus::Skipped});
  refused.refusals.push_back({"contoso", "id", 3, 0, "3 revocations > ..."});
  EXPECT_EQ(refused.exit_code(), 4);
  refused.write_requests = 1;
  EXPECT_EQ(refused.exit_code(), 3);

  ApplyReport stale = report_with({OpStatus::Skipped});
  stale.stale = "the cache changed";
  EXPECT_EQ(stale.exit_code(), 4);

  ApplyReport local = report_with({OpStatus::Applied});
  local.local_errors.push_back(make_error(ErrorKind::Io, "disk full"));
  EXPECT_EQ(local.exit_code(), 1);
}

// ---- license changes ----

TEST(ExecutorLicenseChangeTest, AppliesRemovalsThenAdditionsAndKeepsGroupLicenses) {
  User u = make_user("id-a", "a@x.com", {kE3, kEms});
  u.license_states.push_back({kEms, std::string("group-1"), {}, "Active", "None"});
  LicenseChange change{{{kExs, {}}, {kE3, {"plan-TEAMS1"}}}, {kEms}};

  User after = apply_license_change(u, change);

  ASSERT_NE(after.find_license(kEms), nullptr);  // still inherited from the group
  EXPECT_FALSE(after.has_direct_license(kEms));
  EXPECT_TRUE(after.has_direct_license(kExs));
  EXPECT_EQ(after.find_license(kE3)->disabled_plans, std::vector<std::string>{"plan-TEAMS1"});
  EXPECT_TRUE(license_change_in_effect(after, change));
  EXPECT_FALSE(license_change_in_effect(u, change));
}

TEST(ExecutorLicenseChangeTest, RequestBodyRoundTrips) {
  LicenseChange change{{{kE3, {"plan-a"}}}, {kEms}};
  auto back = license_change_from_body(to_request_body(change));
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, change);
  EXPECT_FALSE(license_change_from_body(nlohmann::json::object()));
  EXPECT_FALSE(license_change_from_body(nlohmann::json::parse(R"({"addLicenses": 3})")));
}

TEST(ExecutorLicenseChangeTest, DisabledPlansCompareInAnyOrder) {
  User u = make_user("id-a", "a@x.com", {});
  u.assigned_licenses.push_back({kE3, {"p2", "p1"}});
  u.license_states.push_back({kE3, std::nullopt, {"p2", "p1"}, "Active", "None"});
  EXPECT_TRUE(license_change_in_effect(u, {{{kE3, {"p1", "p2"}}}, {}}));
  EXPECT_FALSE(license_change_in_effect(u, {{{kE3, {"p1"}}}, {}}));
}

}  // namespace executor_test
}  // namespace tenantsync
