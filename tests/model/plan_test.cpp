#include "model/plan.h"

#include <functional>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace tenantsync {
namespace plan_test {

using nlohmann::json;
using ::testing::HasSubstr;

Operation op(OpKind kind, OpStatus status, std::string user = "a@contoso.com") {
  Operation o;
  o.op = kind;
  o.status = status;
  o.user = std::move(user);
  o.user_id = "id-" + o.user;
  o.sku = "SPE_E3";
  o.sku_id = "sku-e3";
  return o;
}

Plan sample_plan() {
  Plan p;
  p.fingerprint = "sha256:abc";
  TenantPlan t;
  t.tenant = "contoso.onmicrosoft.com";
  t.tenant_id = "tid-1";
  t.mode = TenantMode::Report;
  Operation assign = op(OpKind::Assign, OpStatus::Ready);
  assign.disabled_plans = {"plan-1", "plan-2"};
  t.operations.push_back(assign);
  Operation blocked = op(OpKind::Assign, OpStatus::Blocked, "b@contoso.com");
  blocked.reason = "no free seat of SPE_E3: buy 1 more";
  t.operations.push_back(blocked);
  Operation failed = op(OpKind::Revoke, OpStatus::Failed, "c@contoso.com");
  failed.error = OperationError{"Request_BadRequest", "License assignment failed."};
  t.operations.push_back(failed);
  Operation update = op(OpKind::Update, OpStatus::Ready, "d@contoso.com");
  update.disabled_plans = {"plan-1", "plan-teams"};
  update.newly_disabled_plans = {"plan-teams"};
  t.operations.push_back(update);
  Operation create = op(OpKind::Create, OpStatus::Ready, "new@contoso.com");
  create.user_id.clear();
  create.sku.clear();
  create.sku_id.clear();
  create.details = json{{"displayName", "New"}, {"usageLocation", "US"}};
  t.operations.push_back(create);
  Operation set = op(OpKind::SetProperties, OpStatus::Ready, "e@contoso.com");
  set.sku.clear();
  set.sku_id.clear();
  set.details = json{{"usageLocation", "US"}, {"accountEnabled", false}};
  t.operations.push_back(set);
  t.seats.push_back({"SPE_E3", "sku-e3", 25, 24, 25, 1, 2, false});
  t.notes = {"desired user ghost@contoso.com does not exist"};
  t.desired_fingerprint = "sha256:def";
  t.over_limit = OverLimit{
      2, 1, 1, 0, {"maxRevocations"}, "2 losses of access (...) > safety.maxRevocations 1"};
  p.tenants.push_back(t);
  TenantPlan empty;
  empty.tenant = "fabrikam.onmicrosoft.com";
  p.tenants.push_back(empty);
  return p;
}

TEST(PlanTest, KindAndStatusNamesRoundTrip) {
  for (OpKind k : {OpKind::Assign, OpKind::Revoke, OpKind::Update, OpKind::Restore, OpKind::Delete,
                   OpKind::Create, OpKind::SetProperties}) {
    EXPECT_EQ(parse_op_kind(to_string(k)), k);
  }
  for (OpStatus s : {OpStatus::Ready, OpStatus::Blocked, OpStatus::Applied, OpStatus::Failed,
                     OpStatus::Skipped}) {
    EXPECT_EQ(parse_op_status(to_string(s)), s);
  }
  EXPECT_STREQ(to_string(OpKind::Delete), "delete");
  EXPECT_STREQ(to_string(OpKind::SetProperties), "set");
  EXPECT_EQ(parse_op_kind("asign"), std::nullopt);
  EXPECT_EQ(parse_op_kind("Assign"), std::nullopt);
  EXPECT_EQ(parse_op_status(""), std::nullopt);
}

TEST(PlanTest, RoundTripsThroughJson) {
  Plan p = sample_plan();
  p.tenants[0].over_limit->sign_in_blocks = 3;
  json j = p;
  auto back = plan_from_json(j);
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(*back, p);
  // Through text too, as `plan --out` and `apply --plan` do.
  auto reread = plan_from_json(json::parse(j.dump(2)));
  ASSERT_TRUE(reread.ok()) << reread.error().message;
  EXPECT_EQ(*reread, p);
}

TEST(PlanTest, JsonHasTheDocumentedShape) {
  json j = sample_plan();
  EXPECT_EQ(j["version"], 1);
  EXPECT_EQ(j["fingerprint"], "sha256:abc");
  const json& t = j["tenants"][0];
  EXPECT_EQ(t["tenant"], "contoso.onmicrosoft.com");
  EXPECT_EQ(t["tenantId"], "tid-1");
  EXPECT_EQ(t["mode"], "report");
  EXPECT_EQ(t["operations"][0],
            json::parse(R"({"op": "assign", "user": "a@contoso.com", "userId": "id-a@contoso.com",
                            "sku": "SPE_E3", "skuId": "sku-e3",
                            "disabledPlans": ["plan-1", "plan-2"], "status": "ready"})"));
  EXPECT_EQ(t["operations"][1]["reason"], "no free seat of SPE_E3: buy 1 more");
  EXPECT_EQ(
      t["operations"][2]["error"],
      json::parse(R"({"code": "Request_BadRequest", "message": "License assignment failed."})"));
  EXPECT_EQ(t["operations"][3]["newlyDisabledPlans"], json::array({"plan-teams"}));
  EXPECT_FALSE(t["operations"][0].contains("newlyDisabledPlans"));
  EXPECT_EQ(t["operations"][4]["details"]["displayName"], "New");
  EXPECT_EQ(t["operations"][4]["userId"], "");  // keys stay stable even when empty
  EXPECT_EQ(t["operations"][4]["disabledPlans"], json::array());
  EXPECT_EQ(t["operations"][5],
            json::parse(R"({"op": "set", "user": "e@contoso.com", "userId": "id-e@contoso.com",
                            "sku": "", "skuId": "", "disabledPlans": [], "status": "ready",
                            "details": {"usageLocation": "US", "accountEnabled": false}})"));
  EXPECT_EQ(t["overLimit"],
            json::parse(R"({"lossesOfAccess": 2, "revocations": 1, "updatesDisablingPlans": 1,
                            "deletions": 0, "signInBlocks": 0, "limits": ["maxRevocations"],
                            "message": "2 losses of access (...) > safety.maxRevocations 1"})"));
  EXPECT_FALSE(j["tenants"][1].contains("overLimit")) << "only on a tenant over a limit";
  EXPECT_EQ(t["desiredFingerprint"], "sha256:def");
  EXPECT_FALSE(j["tenants"][1].contains("desiredFingerprint")) << "only when planned from one";
  EXPECT_EQ(t["seats"][0], json::parse(R"({"sku": "SPE_E3", "skuId": "sku-e3", "enabled": 25,
                                          "consumed": 24, "afterPlan": 25, "shortfall": 1,
                                          "grace": 2, "graceCounted": false})"));
  EXPECT_EQ(j["summary"],
            json::parse(R"({"assign": 1, "revoke": 0, "update": 1, "restore": 0, "delete": 0,
                            "create": 1, "roles": 0, "set": 1, "blocked": 1, "applied": 0, "failed": 1,
                            "skipped": 0, "operations": 6, "users": 6,
                            "tenantsNotPlanned": 0, "tenantsStale": 0})"));
}

// Why a tenant was not planned, or planned from a stale mirror, is in its object, and the
// summary counts such tenants: a script never reads "0 operations" as "matches".
TEST(PlanTest, TenantsNotPlannedOrStaleAreSaidAndCounted) {
  Plan p = sample_plan();
  p.tenants[1].not_planned = "tenant was never mirrored; run mirror";
  p.tenants[1].notes = {p.tenants[1].not_planned};
  TenantPlan stale;
  stale.tenant = "northwind.onmicrosoft.com";
  stale.stale = "tenant mirror is stale: users page 2: 503; re-run mirror";
  p.tenants.push_back(stale);
  json j = p;
  EXPECT_EQ(j["tenants"][1]["notPlanned"], "tenant was never mirrored; run mirror");
  EXPECT_FALSE(j["tenants"][1].contains("stale"));
  EXPECT_EQ(j["tenants"][2]["stale"], stale.stale);
  EXPECT_FALSE(j["tenants"][2].contains("notPlanned"));
  EXPECT_FALSE(j["tenants"][0].contains("stale"));
  EXPECT_EQ(j["summary"]["tenantsNotPlanned"], 1);
  EXPECT_EQ(j["summary"]["tenantsStale"], 1);
  auto back = plan_from_json(j);
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(*back, p);
}

TEST(PlanTest, AnEnforceTenantNotPlannedOrStaleLeavesThePlanUnknown) {
  Plan p = sample_plan();  // a report-mode tenant and an empty enforce one
  EXPECT_FALSE(p.has_enforce_tenant_unknown());
  p.tenants[0].stale = "tenant mirror is stale; re-run mirror";
  EXPECT_FALSE(p.has_enforce_tenant_unknown()) << "report mode: apply never changes it";
  p.tenants[1].stale = "tenant mirror is stale; re-run mirror";
  EXPECT_TRUE(p.has_enforce_tenant_unknown());
  p.tenants[1].stale.clear();
  p.tenants[1].not_planned = "tenant was never mirrored; run mirror";
  EXPECT_TRUE(p.has_enforce_tenant_unknown());
}

TEST(PlanTest, SummaryCountsReadyAndAppliedByKindAndTheRestByStatus) {
  Plan p;
  TenantPlan t;
  t.operations = {op(OpKind::Assign, OpStatus::Ready),    op(OpKind::Assign, OpStatus::Applied),
                  op(OpKind::Revoke, OpStatus::Ready),    op(OpKind::Update, OpStatus::Ready),
                  op(OpKind::Restore, OpStatus::Applied), op(OpKind::Delete, OpStatus::Ready),
                  op(OpKind::Create, OpStatus::Ready),    op(OpKind::Assign, OpStatus::Blocked),
                  op(OpKind::Assign, OpStatus::Failed),   op(OpKind::Revoke, OpStatus::Skipped)};
  p.tenants = {t, t};
  PlanSummary s = p.summary();
  EXPECT_EQ(s.assign, 4);
  EXPECT_EQ(s.revoke, 2);
  EXPECT_EQ(s.update, 2);
  EXPECT_EQ(s.restore, 2);
  EXPECT_EQ(s.del, 2);
  EXPECT_EQ(s.create, 2);
  EXPECT_EQ(s.blocked, 2);
  EXPECT_EQ(s.applied, 4);
  EXPECT_EQ(s.failed, 2);
  EXPECT_EQ(s.skipped, 2);
}

TEST(PlanTest, HasReadyOperationsOnlyWhenSomethingIsReady) {
  Plan p;
  EXPECT_FALSE(p.has_ready_operations());
  TenantPlan t;
  t.operations = {op(OpKind::Assign, OpStatus::Blocked), op(OpKind::Revoke, OpStatus::Applied)};
  p.tenants = {t};
  EXPECT_FALSE(p.has_ready_operations());
  p.tenants[0].operations.push_back(op(OpKind::Revoke, OpStatus::Ready));
  EXPECT_TRUE(p.has_ready_operations());
}

TEST(PlanTest, OperationsToSendOnlyInTenantsInEnforceMode) {
  Plan p;
  TenantPlan reported;
  reported.mode = TenantMode::Report;
  reported.operations = {op(OpKind::Assign, OpStatus::Ready)};
  p.tenants = {reported};
  EXPECT_TRUE(p.has_ready_operations());
  EXPECT_FALSE(p.has_operations_to_send()) << "apply never changes a report-mode tenant";
  TenantPlan enforced;
  enforced.operations = {op(OpKind::Revoke, OpStatus::Blocked)};
  p.tenants.push_back(enforced);
  EXPECT_FALSE(p.has_operations_to_send());
  p.tenants[1].operations.push_back(op(OpKind::Revoke, OpStatus::Ready));
  EXPECT_TRUE(p.has_operations_to_send());
}

TEST(PlanTest, OperationEqualityComparesEveryField) {
  Operation a = op(OpKind::Assign, OpStatus::Ready);
  Operation b = a;
  EXPECT_EQ(a, b);
  b.details = json{{"x", 1}};
  EXPECT_NE(a, b);
  b = a;
  b.error = OperationError{"c", "m"};
  EXPECT_NE(a, b);
  b = a;
  b.disabled_plans = {"p"};
  EXPECT_NE(a, b);
  b = a;
  b.newly_disabled_plans = {"p"};
  EXPECT_NE(a, b);
}

json valid_plan_json() { return sample_plan(); }

struct BadPlanCase {
  const char* name;
  std::function<void(json&)> mutate;
  const char* expected;
};

class PlanFromJsonErrorTest : public ::testing::TestWithParam<BadPlanCase> {};

TEST_P(PlanFromJsonErrorTest, NamesTheFieldPath) {
  json j = valid_plan_json();
  GetParam().mutate(j);
  auto r = plan_from_json(j);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::Invalid);
  EXPECT_EQ(r.error().code, "InvalidPlan");
  EXPECT_THAT(r.error().message, HasSubstr(GetParam().expected));
}

INSTANTIATE_TEST_SUITE_P(
    Cases, PlanFromJsonErrorTest,
    ::testing::Values(
        BadPlanCase{"NotAnObject", [](json& j) { j = json::array(); },
                    "expected object, got array"},
        BadPlanCase{"UnknownOperation",
                    [](json& j) { j["tenants"][0]["operations"][2]["op"] = "asign"; },
                    "tenants[0].operations[2].op: unknown operation \"asign\""},
        BadPlanCase{"JournalOnlyOperation",
                    [](json& j) { j["tenants"][0]["operations"][2]["op"] = "reset-password"; },
                    "tenants[0].operations[2].op: unknown operation \"reset-password\""},
        BadPlanCase{"UnknownStatus",
                    [](json& j) { j["tenants"][0]["operations"][0]["status"] = "done"; },
                    "tenants[0].operations[0].status: unknown status \"done\""},
        BadPlanCase{"MissingUser", [](json& j) { j["tenants"][0]["operations"][1].erase("user"); },
                    "tenants[0].operations[1]: missing required key \"user\""},
        BadPlanCase{
            "UnknownOperationKey",
            [](json& j) { j["tenants"][0]["operations"][0]["disabledPlan"] = json::array(); },
            "tenants[0].operations[0]: unknown key \"disabledPlan\""},
        BadPlanCase{"DisabledPlansWrongType",
                    [](json& j) { j["tenants"][0]["operations"][0]["disabledPlans"] = {1}; },
                    "tenants[0].operations[0].disabledPlans[0]: expected string, got number"},
        BadPlanCase{"BadMode", [](json& j) { j["tenants"][1]["mode"] = "audit"; },
                    "tenants[1].mode: expected \"enforce\" or \"report\", got \"audit\""},
        BadPlanCase{"SeatNotInteger",
                    [](json& j) { j["tenants"][0]["seats"][0]["enabled"] = "25"; },
                    "tenants[0].seats[0].enabled: expected an integer, got string"},
        BadPlanCase{"SeatOutOfRange",
                    [](json& j) { j["tenants"][0]["seats"][0]["consumed"] = 1LL << 40; },
                    "tenants[0].seats[0].consumed: integer out of range"},
        BadPlanCase{"MissingOperations", [](json& j) { j["tenants"][1].erase("operations"); },
                    "tenants[1]: missing required key \"operations\""},
        BadPlanCase{"WrongVersion", [](json& j) { j["version"] = 2; },
                    "version: unsupported plan version 2"},
        BadPlanCase{"MissingFingerprint", [](json& j) { j.erase("fingerprint"); },
                    "missing required key \"fingerprint\""},
        BadPlanCase{"ErrorNotObject",
                    [](json& j) { j["tenants"][0]["operations"][2]["error"] = "boom"; },
                    "tenants[0].operations[2].error: expected object, got string"}),
    [](const ::testing::TestParamInfo<BadPlanCase>& info) { return std::string(info.param.name); });

TEST(PlanTest, ReadingReportsEveryProblem) {
  json j = valid_plan_json();
  j["tenants"][0]["operations"][0]["op"] = "asign";
  j["tenants"][0]["operations"][1]["status"] = 7;
  auto r = plan_from_json(j);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message,
            "tenants[0].operations[0].op: unknown operation \"asign\"\n"
            "tenants[0].operations[1].status: unknown status 7");
}

TEST(PlanTest, ReadingIgnoresTheSummaryAndAcceptsNullIds) {
  json j = valid_plan_json();
  j["summary"] = {{"assign", 999}};
  j["tenants"][0]["operations"][0]["userId"] = nullptr;
  auto r = plan_from_json(j);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->tenants[0].operations[0].user_id, "");
  EXPECT_EQ(r->summary().assign, 1);
}

TEST(PlanTest, ReadingAnyShapeFailsCleanly) {
  for (const char* text :
       {"null", "1", "\"x\"", "[]", "{}", R"({"version": 1, "fingerprint": 1, "tenants": [1]})",
        R"({"version": 1, "fingerprint": "", "tenants": [{"tenant": [], "operations": [null],
            "seats": [[]], "notes": {}}]})",
        R"({"version": {"deep": [1]}, "fingerprint": "", "tenants": {}})"}) {
    auto r = plan_from_json(json::parse(text));
    EXPECT_FALSE(r.ok()) << text;
  }
}

TEST(PlanTest, MessagesShowInvalidUtf8WithoutThrowing) {
  json j = valid_plan_json();
  j["tenants"][0]["operations"][0]["op"] = std::string("as\xFFign");
  auto r = plan_from_json(j);
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.error().message, HasSubstr("unknown operation \"as\xEF\xBF\xBDign\""));
}

TEST(PlanTest, ApplyOutcomesRoundTrip) {
  Plan p = sample_plan();
  p.tenants[0].operations[0].status = OpStatus::Applied;
  p.tenants[0].operations[3].status = OpStatus::Skipped;
  json j = p;
  EXPECT_EQ(j["summary"]["applied"], 1);
  EXPECT_EQ(j["summary"]["skipped"], 1);
  auto back = plan_from_json(j);
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(*back, p);
}

}  // namespace plan_test
}  // namespace tenantsync
