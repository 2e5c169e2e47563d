// The apply result as text: one line per operation outcome, refusals, the summary.
#include "sync/report/apply_text.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace tenantsync {
namespace apply_text_test {

using ::testing::HasSubstr;
using ::testing::Not;

Operation op(OpKind kind, const std::string& user, const std::string& sku, OpStatus status,
             const std::string& reason = "") {
  Operation o;
  o.op = kind;
  o.user = user;
  o.user_id = "id-" + user;
  o.sku = sku;
  o.sku_id = "sku-" + sku;
  o.status = status;
  o.reason = reason;
  return o;
}

ApplyReport sample() {
  ApplyReport r;
  TenantPlan t;
  t.tenant = "contoso.onmicrosoft.com";
  t.tenant_id = "t1";
  t.operations.push_back(
      op(OpKind::Revoke, "alice@contoso.com", "EXCHANGESTANDARD", OpStatus::Applied));
  t.operations.push_back(op(OpKind::Assign, "alice@contoso.com", "SPE_E3", OpStatus::Applied));
  Operation update = op(OpKind::Update, "bob@contoso.com", "SPE_E3", OpStatus::Applied);
  update.disabled_plans = {"plan-yammer"};
  t.operations.push_back(update);
  Operation failed = op(OpKind::Assign, "carol@contoso.com", "SPE_E3", OpStatus::Failed);
  failed.error =
      OperationError{"Request_BadRequest",
                     "Subscription with SKU sku-SPE_E3 does not have any available licenses."};
  t.operations.push_back(failed);
  t.operations.push_back(op(OpKind::Assign, "dave@contoso.com", "EMS", OpStatus::Blocked,
                            "the user has no usage location; set one first"));
  t.operations.push_back(op(OpKind::Restore, "erin@contoso.com", "", OpStatus::Applied));
  t.operations.push_back(op(OpKind::Assign, "frank@contoso.com", "SPE_E3", OpStatus::Skipped,
                            "not sent: the restore failed"));
  Operation create = op(OpKind::Create, "hank@contoso.com", "", OpStatus::Applied);
  create.details = nlohmann::json{{"displayName", "Hank"}};
  t.operations.push_back(create);
  t.operations.push_back(op(OpKind::Delete, "gina@contoso.com", "", OpStatus::Applied));
  r.plan.tenants.push_back(t);

  TenantPlan report_mode;
  report_mode.tenant = "fabrikam.onmicrosoft.com";
  report_mode.tenant_id = "t2";
  report_mode.mode = TenantMode::Report;
  report_mode.operations.push_back(
      op(OpKind::Assign, "zoe@fabrikam.com", "EMS", OpStatus::Skipped, "tenant is in report mode"));
  r.plan.tenants.push_back(report_mode);
  return r;
}

TEST(ApplyTextTest, ListsEveryOutcomePerTenantAndUserLikeAConfirmationPage) {
  EXPECT_EQ(render_apply_text(sample()),
            "contoso.onmicrosoft.com\n"
            "  alice@contoso.com\n"
            "    \u2713 revoked EXCHANGESTANDARD\n"
            "    \u2713 assigned SPE_E3\n"
            "  bob@contoso.com\n"
            "    \u2713 updated SPE_E3 (disable plan-yammer)\n"
            "  carol@contoso.com\n"
            "    \u2717 assign SPE_E3 failed: Request_BadRequest: Subscription with SKU "
            "sku-SPE_E3 does not have any available licenses.\n"
            "  dave@contoso.com\n"
            "    ! assign EMS blocked: the user has no usage location; set one first\n"
            "  erin@contoso.com\n"
            "    \u2713 restored\n"
            "  frank@contoso.com\n"
            "    - assign SPE_E3 skipped: not sent: the restore failed\n"
            "  hank@contoso.com\n"
            "    \u2713 created \"Hank\"\n"
            "  gina@contoso.com\n"
            "    \u2713 deleted\n"
            "fabrikam.onmicrosoft.com (report mode: not changed)\n"
            "  zoe@fabrikam.com\n"
            "    - assign EMS skipped: tenant is in report mode\n"
            "\n"
            "Applied 6 of 10 operations for 9 users: 1 failed, 1 blocked, 2 skipped.\n");
}

TEST(ApplyTextTest, AsciiMarkersAndPlanNames) {
  ServicePlanNames names;
  Sku sku;
  sku.sku_id = "sku-SPE_E3";
  sku.service_plans = {{"plan-yammer", "YAMMER_ENTERPRISE", "Success", "User"}};
  names.add(sku);
  std::string text = render_apply_text(sample(), {.ascii = true, .color = false, .names = &names});
  EXPECT_THAT(text, HasSubstr("    + revoked EXCHANGESTANDARD\n"));
  EXPECT_THAT(text, HasSubstr("    x assign SPE_E3 failed: Request_BadRequest"));
  EXPECT_THAT(text, HasSubstr("updated SPE_E3 (disable YAMMER_ENTERPRISE)"));
  EXPECT_THAT(text, Not(HasSubstr("\u2713")));
}

TEST(ApplyTextTest, ColorOnlyWhenAsked) {
  EXPECT_THAT(render_apply_text(sample()), Not(HasSubstr("\x1b[")));
  EXPECT_THAT(render_apply_text(sample(), {.color = true}), HasSubstr("\x1b[32m"));
}

TEST(ApplyTextTest, ASafetyRefusalIsStatedUnderItsTenant) {
  ApplyReport r;
  TenantPlan t;
  t.tenant = "contoso.onmicrosoft.com";
  t.tenant_id = "t1";
  const std::string reason =
      "12 revocations > safety.maxRevocations 10; raise with --max-revocations 12";
  const std::string not_sent = "not sent: the tenant is over safety.maxRevocations";
  t.operations.push_back(op(OpKind::Revoke, "a@contoso.com", "EMS", OpStatus::Skipped, not_sent));
  r.plan.tenants.push_back(t);
  r.refusals.push_back({t.tenant, t.tenant_id, 12, 0, reason});

  EXPECT_EQ(render_apply_text(r),
            "contoso.onmicrosoft.com\n"
            "  Refused: " +
                reason +
                "; nothing was sent.\n"
                "  a@contoso.com\n"
                "    - revoke EMS skipped: " +
                not_sent +
                "\n"
                "\n"
                "Applied 0 of 1 operations for 1 user: 0 failed, 0 blocked, 1 skipped.\n");
}

TEST(ApplyTextTest, StalePlansAndLocalErrorsAreSaid) {
  ApplyReport r = sample();
  r.stale = "the cache changed since the plan was computed";
  r.local_errors.push_back(make_error(ErrorKind::Io, "contoso: the journal could not be written"));
  std::string text = render_apply_text(r);
  EXPECT_EQ(text.rfind("Refused: the plan is stale: the cache changed since the plan was "
                       "computed; nothing was sent.\n\n",
                       0),
            0u);
  EXPECT_THAT(text, HasSubstr("\nError: contoso: the journal could not be written\nApplied "));
}

TEST(ApplyTextTest, NothingToApply) {
  ApplyReport r;
  TenantPlan t;
  t.tenant = "contoso.onmicrosoft.com";
  r.plan.tenants.push_back(t);
  EXPECT_EQ(render_apply_text(r), "Nothing to apply. The tenants match the desired state.\n");
}

// Whatever the reason, a tenant not planned or planned from a stale mirror is said under
// the tenant and in the summary, never "The tenants match the desired state".
TEST(ApplyTextTest, ATenantNotPlannedOrStaleIsNeverSaidToMatch) {
  ApplyReport r;
  TenantPlan unsettled;
  unsettled.tenant = "contoso.onmicrosoft.com";
  unsettled.not_planned =
      "2 operations an interrupted run left unfinished here could not be settled (2 users "
      "could not be read (Authorization_RequestDenied: denied)): they stay open, and nothing "
      "new is sent to this tenant until a later run settles them";
  unsettled.notes = {unsettled.not_planned};
  TenantPlan stale;
  stale.tenant = "fabrikam.onmicrosoft.com";
  stale.stale = "tenant mirror is stale: users page 2: 503; re-run mirror";
  r.plan.tenants = {unsettled, stale};
  EXPECT_EQ(render_apply_text(r),
            "contoso.onmicrosoft.com\n"
            "  Not planned: " +
                unsettled.not_planned +
                "; nothing was sent.\n"
                "fabrikam.onmicrosoft.com\n"
                "  Stale: nothing that takes access away is planned (tenant mirror is stale: "
                "users page 2: 503; re-run mirror)\n"
                "\n"
                "Nothing to apply. 1 tenant was not planned; 1 tenant was planned from a stale "
                "mirror (see above).\n");

  ApplyReport some = sample();
  some.plan.tenants.push_back(stale);
  EXPECT_THAT(render_apply_text(some),
              HasSubstr(" skipped. 1 tenant was planned from a stale mirror (see above).\n"));
}

TEST(ApplyTextTest, AnOperationNeverSentSaysSo) {
  ApplyReport r;
  TenantPlan t;
  t.tenant = "contoso.onmicrosoft.com";
  t.operations.push_back(op(OpKind::Assign, "a@contoso.com", "EMS", OpStatus::Ready));
  r.plan.tenants.push_back(t);
  EXPECT_THAT(render_apply_text(r), HasSubstr("    ? assign EMS not sent\n"));
}

}  // namespace apply_text_test
}  // namespace tenantsync
