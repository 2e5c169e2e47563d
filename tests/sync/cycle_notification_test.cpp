// The webhook bodies of `tenantsync run`: the JSON summary per tenant, and the Teams and
// Slack shapes of the same facts.
#include "sync/cycle_notification.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace tenantsync {
namespace {

using ::testing::HasSubstr;

// Contoso had 2 drift items, 1 applied, 1 blocked (left); Fabrikam (report) 3 left.
CycleResult sample_cycle() {
  CycleResult c;
  TenantDrift contoso;
  contoso.tenant = "contoso.onmicrosoft.com";
  contoso.totals.items = 2;
  c.found.tenants.push_back(contoso);
  TenantDrift fabrikam;
  fabrikam.tenant = "fabrikam.onmicrosoft.com";
  fabrikam.mode = TenantMode::Report;
  fabrikam.totals.items = 3;
  c.found.tenants.push_back(fabrikam);
  c.found.totals.items = 5;
  contoso.totals.items = 1;
  contoso.totals.blocked = 1;
  contoso.totals.seats_to_buy = 2;
  c.left.tenants = {contoso, fabrikam};
  c.left.totals.items = 4;
  c.left.totals.blocked = 1;
  c.left.tenants_with_drift = 2;
  ApplyReport apply;
  TenantPlan tp;
  tp.tenant = "contoso.onmicrosoft.com";
  Operation applied;
  applied.status = OpStatus::Applied;
  tp.operations.push_back(applied);
  apply.plan.tenants.push_back(tp);
  c.apply = apply;
  return c;
}

TEST(CycleNotificationTest, JsonSummarisesEachTenantAndPointsAtTheReports) {
  nlohmann::json body =
      cycle_notification(sample_cycle(), 7, {"r/d.html", "r/d.json"}, WebhookFormat::Json);
  EXPECT_EQ(body["source"], "tenantsync");
  EXPECT_EQ(body["cycle"], 7);
  EXPECT_EQ(body["status"], "partial");
  EXPECT_EQ(body["totals"]["driftFound"], 5);
  EXPECT_EQ(body["totals"]["driftLeft"], 4);
  ASSERT_EQ(body["tenants"].size(), 2u);
  const auto& contoso = body["tenants"][0];
  EXPECT_EQ(contoso["tenant"], "contoso.onmicrosoft.com");
  EXPECT_EQ(contoso["mode"], "enforce");
  EXPECT_EQ(contoso["driftFound"], 2);
  EXPECT_EQ(contoso["applied"], 1);
  EXPECT_EQ(contoso["blocked"], 1);
  EXPECT_EQ(contoso["driftLeft"], 1);
  EXPECT_EQ(contoso["seatsToBuy"], 2);
  EXPECT_EQ(contoso["mirror"], "ok");
  EXPECT_EQ(body["tenants"][1]["mode"], "report");
  EXPECT_EQ(body["reports"]["html"], "r/d.html");
}

TEST(CycleNotificationTest, TeamsGetsAMessageCardWithFactsPerTenant) {
  nlohmann::json card =
      cycle_notification(sample_cycle(), 7, {"r/d.html", ""}, WebhookFormat::Teams);
  EXPECT_EQ(card["@type"], "MessageCard");
  EXPECT_THAT(card["title"].get<std::string>(), HasSubstr("cycle 7: partial"));
  ASSERT_EQ(card["sections"].size(), 2u);
  EXPECT_EQ(card["sections"][0]["activityTitle"], "contoso.onmicrosoft.com (enforce)");
  EXPECT_EQ(card["sections"][0]["facts"][1]["name"], "applied");
  EXPECT_EQ(card["sections"][0]["facts"][1]["value"], "1");
  EXPECT_THAT(card["text"].get<std::string>(), HasSubstr("r/d.html"));
}

TEST(CycleNotificationTest, SlackGetsOneLinePerTenant) {
  nlohmann::json msg = cycle_notification(sample_cycle(), 7, {}, WebhookFormat::Slack);
  std::string text = msg["text"];
  EXPECT_THAT(text, HasSubstr("`contoso.onmicrosoft.com` (enforce): 2 drift found, 1 applied, "
                              "0 failed, 1 blocked, 1 left; 2 seats to buy"));
  EXPECT_THAT(text, HasSubstr("`fabrikam.onmicrosoft.com` (report): 3 drift found"));
}

TEST(CycleNotificationTest, AFailedMirrorIsNamedAndMakesTheCycleFailed) {
  CycleResult c = sample_cycle();
  TenantMirrorResult m;
  m.requested = "northwind.onmicrosoft.com";
  m.error = make_error(ErrorKind::Transient, "connection dropped");
  c.mirror.tenants.push_back(m);
  nlohmann::json body = cycle_notification(c, 1, {}, WebhookFormat::Json);
  EXPECT_EQ(body["status"], "failed");
  EXPECT_EQ(body["tenants"][2]["tenant"], "northwind.onmicrosoft.com");
  EXPECT_THAT(body["tenants"][2]["mirror"].get<std::string>(), HasSubstr("connection dropped"));
}

TEST(CycleNotificationTest, AQuietCycleIsOk) {
  EXPECT_STREQ(cycle_status(CycleResult{}), "ok");
  EXPECT_FALSE(CycleResult{}.worth_notifying());
}

}  // namespace
}  // namespace tenantsync
