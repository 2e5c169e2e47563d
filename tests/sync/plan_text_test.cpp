// Plan text: the grouping, markers, seat table and summary line `plan` prints.
#include "sync/report/plan_text.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace tenantsync {
namespace plan_text_test {

using ::testing::HasSubstr;
using ::testing::Not;

Operation op(OpKind kind, const std::string& user, const std::string& sku = "",
             OpStatus status = OpStatus::Ready, const std::string& reason = "") {
  Operation o;
  o.op = kind;
  o.user = user + "@contoso.com";
  o.user_id = kind == OpKind::Create ? "" : "id-" + user;
  o.sku = sku;
  o.sku_id = sku.empty() ? "" : "s-" + sku;
  o.status = status;
  o.reason = reason;
  return o;
}

Plan sample() {
  TenantPlan contoso;
  contoso.tenant = "contoso.onmicrosoft.com";
  contoso.operations = {
      op(OpKind::Revoke, "alice", "EXCHANGESTANDARD"),
      op(OpKind::Update, "alice", "EMS"),
      op(OpKind::Assign, "alice", "SPE_E3"),
      op(OpKind::Assign, "bob", "SPE_E3", OpStatus::Blocked,
         "no free seat of SPE_E3 (Subscription with SKU s-SPE_E3 does not have any available "
         "licenses.)"),
      op(OpKind::Delete, "carol"),
      op(OpKind::Restore, "dave"),
      op(OpKind::Revoke, "dave", "SPE_E3", OpStatus::Ready,
         "cannot come back: no free seat of SPE_E3"),
      op(OpKind::Assign, "nina", "EMS"),
      op(OpKind::Create, "nina"),
  };
  contoso.operations[2].disabled_plans = {"id-yammer"};
  contoso.operations[8].details =
      nlohmann::json{{"displayName", "Nina New"}, {"usageLocation", "FR"}};
  contoso.notes = {
      "desired.json:12: zoe@contoso.com does not exist in tenant; not created (add "
      "\"create\" to create it)"};
  contoso.missing_users = {"zoe@contoso.com"};
  contoso.ignored_users = {"ceo@contoso.com"};
  contoso.seats = {{"EMS", "s-EMS", 10, 3, 4, 0},
                   {"SPE_E3", "s-SPE_E3", 25, 25, 25, 2},
                   {"VISIOCLIENT", "s-VISIOCLIENT", 5, 5, 5, 0}};

  TenantPlan quiet;  // nothing to show
  quiet.tenant = "fabrikam.onmicrosoft.com";
  quiet.seats = {{"EMS", "s-EMS", 10, 3, 3, 0}};

  TenantPlan report;
  report.tenant = "tailspin.onmicrosoft.com";
  report.mode = TenantMode::Report;
  report.operations = {op(OpKind::Assign, "xavier", "EMS")};

  Plan plan;
  plan.tenants = {contoso, quiet, report};
  return plan;
}

TEST(PlanTextTest, RendersTenantsUsersOperationsNotesAndSeats) {
  ServicePlanNames names;
  Sku e3;
  e3.service_plans = {{"id-yammer", "YAMMER_ENTERPRISE", "Success", "User"}};
  names.add(e3);
  EXPECT_EQ(render_plan_text(sample(), false, &names),
            "contoso.onmicrosoft.com\n"
            "  alice@contoso.com\n"
            "      - Exchange Online (Plan 1) (EXCHANGESTANDARD)\n"
            "      ~ Enterprise Mobility + Security E3 (EMS) (enable all plans)\n"
            "      + Microsoft 365 E3 (SPE_E3) (disable YAMMER_ENTERPRISE)\n"
            "  bob@contoso.com\n"
            "    ! + Microsoft 365 E3 (SPE_E3)  blocked: no free seat of SPE_E3 (Subscription with "
            "SKU s-SPE_E3 does "
            "not have any available licenses.)\n"
            "  carol@contoso.com\n"
            "      delete\n"
            "  dave@contoso.com\n"
            "      restore\n"
            "      - Microsoft 365 E3 (SPE_E3)  (cannot come back: no free seat of SPE_E3)\n"
            "  nina@contoso.com\n"
            "      + Enterprise Mobility + Security E3 (EMS)\n"
            "      create \"Nina New\" (usageLocation FR)\n"
            "  Notes:\n"
            "    desired.json:12: zoe@contoso.com does not exist in tenant; not created (add "
            "\"create\" to create it)\n"
            "  Ignored (accepted deviations): ceo@contoso.com\n"
            "  Seats:\n"
            "    SKU      seats  consumed  after plan  shortfall\n"
            "    EMS         10         3           4          0\n"
            "    SPE_E3      25        25          25          2\n"
            "    buy 2 more seats of SPE_E3\n"
            "tailspin.onmicrosoft.com (report mode: apply leaves it alone)\n"
            "  xavier@contoso.com\n"
            "      + Enterprise Mobility + Security E3 (EMS)\n"
            "\n"
            "Plan: 3 to assign, 2 to revoke, 1 to update, 1 to restore, 1 to delete, 1 to "
            "create; 1 blocked (10 operations for 7 users).\n");
}

TEST(PlanTextTest, UnknownPlanIdsAreShownAsIds) {
  EXPECT_THAT(render_plan_text(sample(), false),
              HasSubstr("+ Microsoft 365 E3 (SPE_E3) (disable id-yammer)"));
}

TEST(PlanTextTest, NoOperationsMeansNoChanges) {
  struct Case {
    const char* name;
    Plan plan;
    std::string text;
  };
  Plan with_note;
  with_note.tenants.resize(1);
  with_note.tenants[0].tenant = "contoso.onmicrosoft.com";
  with_note.tenants[0].notes = {
      "alice@contoso.com gets EMS from group Sales; remove the user from that group to take it "
      "away"};
  for (const Case& c : std::vector<Case>{
           {"empty plan", Plan{}, "No changes. The tenants match the desired state.\n"},
           {"notes only", with_note,
            "contoso.onmicrosoft.com\n"
            "  Notes:\n"
            "    alice@contoso.com gets EMS from group Sales; remove the user from that group "
            "to take it away\n"
            "\n"
            "No changes. The tenants match the desired state.\n"},
       }) {
    EXPECT_EQ(render_plan_text(c.plan, false), c.text) << c.name;
  }
}

// Whatever the reason a tenant was not planned (never read whole, gone, another remote,
// its rows failing their checksum, its interrupted operations unsettled), or planned from
// a stale mirror, the plan says so under the tenant and in its last line, and never that
// the tenants match the desired state.
TEST(PlanTextTest, ATenantNotPlannedOrStaleIsNeverSaidToMatch) {
  const std::vector<std::string> reasons = {
      "tenant was never mirrored; run mirror",
      "tenant was never mirrored completely (users page 2: 503 serviceNotAvailable): nothing "
      "is planned; run mirror",
      "tenant is gone from the partner's contracts since 2026-12-02T03:10:00Z: nothing is "
      "planned",
      "tenant was mirrored from https://old.example:443, not from the configured "
      "remote.graphUrl: nothing is planned until mirror reads it from there",
      "tenant contoso.onmicrosoft.com: cached rows fail their checksum; the next mirror "
      "re-reads it fully",
      "1 operation an interrupted run left unfinished here could not be settled (1 user could "
      "not be read (connection reset)): they stay open, and nothing new is sent to this "
      "tenant until a later run settles them"};
  for (const auto& why : reasons) {
    Plan plan;
    plan.tenants.resize(2);
    plan.tenants[0].tenant = "contoso.onmicrosoft.com";
    plan.tenants[0].not_planned = why;
    plan.tenants[0].notes = {why};
    plan.tenants[1].tenant = "fabrikam.onmicrosoft.com";  // planned, nothing to do
    EXPECT_EQ(render_plan_text(plan, false),
              "contoso.onmicrosoft.com\n"
              "  Not planned: " +
                  why +
                  "\n"
                  "\n"
                  "No changes planned. 1 tenant was not planned (see above).\n")
        << why;
  }

  Plan stale;
  stale.tenants.resize(1);
  stale.tenants[0].tenant = "contoso.onmicrosoft.com";
  stale.tenants[0].stale = "tenant mirror is stale: users page 3: 503; re-run mirror";
  EXPECT_EQ(render_plan_text(stale, false),
            "contoso.onmicrosoft.com\n"
            "  Stale: nothing that takes access away is planned (tenant mirror is stale: users "
            "page 3: 503; re-run mirror)\n"
            "\n"
            "No changes planned. 1 tenant was planned from a stale mirror (see above).\n");

  Plan both = sample();
  both.tenants.push_back(stale.tenants[0]);
  both.tenants.back().tenant = "northwind.onmicrosoft.com";
  for (int i = 0; i < 2; ++i) {
    TenantPlan gone;
    gone.tenant = "gone" + std::to_string(i) + ".onmicrosoft.com";
    gone.not_planned = reasons[2];
    both.tenants.push_back(gone);
  }
  EXPECT_THAT(plan_summary_line(both),
              HasSubstr("(10 operations for 7 users). 2 tenants were not planned; 1 tenant was "
                        "planned from a stale mirror (see above)."));
  EXPECT_THAT(render_plan_text(both, false), Not(HasSubstr("match the desired state")));
}

TEST(PlanTextTest, SummaryCountsReadyByKindAndBlocked) {
  Plan plan;
  plan.tenants.resize(1);
  plan.tenants[0].operations = {op(OpKind::Assign, "a", "E", OpStatus::Blocked, "x"),
                                op(OpKind::Revoke, "a", "F", OpStatus::Blocked, "y")};
  EXPECT_EQ(plan_summary_line(plan),
            "Plan: 0 to assign, 0 to revoke, 0 to update, 0 to restore, 0 to delete, 0 to "
            "create; 2 blocked (2 operations for 1 user).");
}

TEST(PlanTextTest, ColorMarksAdditionsRemovalsAndBlocks) {
  std::string plain = render_plan_text(sample(), false);
  std::string color = render_plan_text(sample(), true);
  EXPECT_THAT(plain, Not(HasSubstr("\x1b[")));
  EXPECT_THAT(color, HasSubstr("\x1b[32m+ Enterprise Mobility + Security E3 (EMS)\x1b[0m"));
  EXPECT_THAT(color, HasSubstr("\x1b[31m- Exchange Online (Plan 1) (EXCHANGESTANDARD)\x1b[0m"));
  EXPECT_THAT(
      color,
      HasSubstr("\x1b[33m~ Enterprise Mobility + Security E3 (EMS) (enable all plans)\x1b[0m"));
  EXPECT_THAT(
      color,
      HasSubstr(
          "\x1b[1;31m! \x1b[0m\x1b[32m+ Microsoft 365 E3 (SPE_E3)\x1b[0m  \x1b[1;31mblocked:"));
}

TEST(PlanTextTest, EachTenantApplyWillRefuseIsNamedOnceBeforeTheSummary) {
  Plan plan = sample();
  const std::string message =
      "60 losses of access (52 revocations, 8 updates that disable plans) > "
      "safety.maxRevocations 50: apply will refuse; raise with --max-revocations 60";
  plan.tenants[0].over_limit = OverLimit{60, 52, 8, 0, {"maxRevocations"}, message};
  std::string text = render_plan_text(plan, false);
  EXPECT_THAT(text, HasSubstr("\ncontoso.onmicrosoft.com: " + message + "\n" +
                              plan_summary_line(plan) + "\n"));
  EXPECT_EQ(text.find(message), text.rfind(message)) << "once";
  EXPECT_THAT(render_plan_text(sample(), false), Not(HasSubstr("apply will refuse")));
}

TEST(PlanTextTest, SamePlanSameBytes) {
  EXPECT_EQ(render_plan_text(sample(), true), render_plan_text(sample(), true));
}

TEST(WriteByUserTest, NamesTheUserBeforeEachRunOfTheirOperations) {
  std::vector<Operation> ops = {op(OpKind::Assign, "alice", "EMS"),
                                op(OpKind::Assign, "alice", "SPE_E3"),
                                op(OpKind::Revoke, "bob", "EMS"), op(OpKind::Assign, "alice", "X")};
  std::string out;
  write_by_user(out, ops, [&](const Operation& o) { out += "    " + o.sku + "\n"; });
  EXPECT_EQ(out,
            "  alice@contoso.com\n    EMS\n    SPE_E3\n"
            "  bob@contoso.com\n    EMS\n"
            "  alice@contoso.com\n    X\n");
}

TEST(WriteByUserTest, WritesNothingForNoOperations) {
  std::string out = "kept";
  write_by_user(out, {}, [&](const Operation&) { out += "never"; });
  EXPECT_EQ(out, "kept");
}

}  // namespace plan_text_test
}  // namespace tenantsync
