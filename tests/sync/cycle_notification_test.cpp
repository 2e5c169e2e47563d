// The webhook bodies of `tenantsync run`: the JSON summary per tenant, and the Teams and
// Slack shapes of the same facts.
#include "sync/run/cycle_notification.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/sync/adaptive_card_schema.h"

namespace tenantsync {
namespace cycle_notification_test {

using ::testing::HasSubstr;
using ::testing::IsEmpty;

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

nlohmann::json body_of(const CycleResult& c, WebhookFormat format,
                       const CycleReportFiles& reports = {}) {
  CycleOutcome outcome = cycle_outcome(c);
  NoticeDecision decision = decide_notice(std::nullopt, open_matters(c, outcome), outcome.applied,
                                          Clock::time_point{}, std::chrono::hours(24));
  decision.kind = NoticeKind::Changed;  // the sample has counts, not items
  return cycle_notification({7, c, outcome, decision, reports}, format);
}

TEST(CycleNotificationTest, JsonSummarisesEachTenantAndPointsAtTheReports) {
  nlohmann::json body = body_of(sample_cycle(), WebhookFormat::Json, {"r/d.html", "r/d.json"});
  EXPECT_EQ(body["source"], "tenantsync");
  EXPECT_EQ(body["cycle"], 7);
  EXPECT_EQ(body["status"], "partial");
  EXPECT_EQ(body["change"], "changed");
  EXPECT_EQ(body["totals"]["driftFound"], 5);
  EXPECT_EQ(body["totals"]["driftLeft"], 4);
  ASSERT_EQ(body["tenants"].size(), 2u);
  const auto& contoso = body["tenants"][0];
  EXPECT_EQ(contoso["tenant"], "contoso.onmicrosoft.com");
  EXPECT_EQ(contoso["mode"], "enforce");
  EXPECT_EQ(contoso["status"], "partial");
  EXPECT_EQ(contoso["driftFound"], 2);
  EXPECT_EQ(contoso["applied"], 1);
  EXPECT_EQ(contoso["blocked"], 1);
  EXPECT_EQ(contoso["driftLeft"], 1);
  EXPECT_EQ(contoso["seatsToBuy"], 2);
  EXPECT_EQ(body["tenants"][1]["mode"], "report");
  EXPECT_EQ(body["tenants"][1]["status"], "drift");
  EXPECT_EQ(body["reports"]["html"], "r/d.html");
}

TEST(CycleNotificationTest, TeamsGetsAnAdaptiveCardInAWorkflowMessageThatFitsItsSchema) {
  nlohmann::json message =
      body_of(sample_cycle(), WebhookFormat::Teams, {"https://r.example/d.html", "r/d.json"});
  EXPECT_THAT(test::workflow_message_violations(message), IsEmpty()) << message.dump(2);
  EXPECT_EQ(message["type"], "message");
  const auto& card = message["attachments"][0]["content"];
  EXPECT_EQ(card["version"], "1.4");
  std::string text = card.dump();
  EXPECT_THAT(text, HasSubstr("cycle 7: partial"));
  EXPECT_THAT(text, HasSubstr("contoso.onmicrosoft.com (enforce): partial"));
  EXPECT_THAT(text, HasSubstr("seats to buy"));
  // The HTML report is a button; a file path only a line of text.
  ASSERT_EQ(card["actions"].size(), 1u);
  EXPECT_EQ(card["actions"][0]["url"], "https://r.example/d.html");
  EXPECT_THAT(text, HasSubstr("r/d.json"));
}

TEST(CycleNotificationTest, SlackGetsOneLinePerTenant) {
  nlohmann::json msg = body_of(sample_cycle(), WebhookFormat::Slack);
  std::string text = msg["text"];
  EXPECT_THAT(text, HasSubstr("`contoso.onmicrosoft.com` (enforce): partial; 2 drift found, "
                              "1 applied, 0 failed, 1 blocked, 1 left; 2 seats to buy"));
  EXPECT_THAT(text, HasSubstr("`fabrikam.onmicrosoft.com` (report): drift; 3 drift found"));
}

// One of a thing in the singular: "1 drift item left in 1 tenant", "1 seat to buy".
TEST(CycleNotificationTest, CountsOfOneAreSingular) {
  CycleResult c = sample_cycle();
  c.left.tenants.pop_back();  // fabrikam's drift resolved
  c.left.tenants[0].totals.seats_to_buy = 1;
  c.left.totals.items = 1;
  c.left.tenants_with_drift = 1;
  std::string text = body_of(c, WebhookFormat::Slack)["text"];
  EXPECT_THAT(text, HasSubstr("; 1 drift item left in 1 tenant"));
  EXPECT_THAT(text, HasSubstr("1 left; 1 seat to buy"));
  EXPECT_THAT(body_of(sample_cycle(), WebhookFormat::Slack)["text"].get<std::string>(),
              HasSubstr("; 4 drift items left in 2 tenants"));
}

TEST(CycleNotificationTest, AFailedMirrorIsNamedWithItsError) {
  CycleResult c = sample_cycle();
  TenantMirrorResult ok;
  ok.requested = "contoso.onmicrosoft.com";
  c.mirror.tenants.push_back(ok);
  TenantMirrorResult m;
  m.requested = "northwind.onmicrosoft.com";
  m.error = make_error(ErrorKind::Transient, "connection dropped");
  c.mirror.tenants.push_back(m);
  nlohmann::json body = body_of(c, WebhookFormat::Json);
  EXPECT_EQ(body["status"], "partial");
  ASSERT_EQ(body["tenants"].size(), 3u);
  EXPECT_EQ(body["tenants"][2]["tenant"], "northwind.onmicrosoft.com");
  EXPECT_EQ(body["tenants"][2]["status"], "failed");
  EXPECT_THAT(body["tenants"][2]["detail"].get<std::string>(), HasSubstr("connection dropped"));
}

TEST(CycleNotificationTest, ARefusedTenantSaysWhichLimitTheCountAndHowToRaiseIt) {
  CycleResult c = sample_cycle();
  OverLimit over;
  over.losses_of_access = 60;
  over.revocations = 60;
  over.limits = {"maxRevocations"};
  over.message =
      "60 revocations > safety.maxRevocations 50: apply will refuse; raise "
      "safety.maxRevocations to 60 in the config";
  c.found.tenants[0].over_limit = over;
  nlohmann::json body = body_of(c, WebhookFormat::Json);
  EXPECT_EQ(body["status"], "refused");
  const auto& contoso = body["tenants"][0];
  EXPECT_EQ(contoso["status"], "refused");
  EXPECT_EQ(contoso["refused"]["limits"][0], "maxRevocations");
  EXPECT_EQ(contoso["refused"]["lossesOfAccess"], 60);
  EXPECT_THAT(contoso["detail"].get<std::string>(),
              HasSubstr("raise safety.maxRevocations to 60 in the config"));
  EXPECT_THAT(body["summary"].get<std::string>(), HasSubstr("1 tenant over a safety limit"));
}

TEST(CycleNotificationTest, ASharedRunNamesItsShardInTheSummaryAndTheBody) {
  CycleResult c = sample_cycle();
  CycleOutcome outcome = cycle_outcome(c);
  NoticeDecision decision = decide_notice(std::nullopt, open_matters(c, outcome), outcome.applied,
                                          Clock::time_point{}, std::chrono::hours(24));
  nlohmann::json body =
      cycle_notification({7, c, outcome, decision, {}, "1/4"}, WebhookFormat::Json);
  EXPECT_EQ(body["shard"], "1/4");
  EXPECT_EQ(body["summary"].get<std::string>().rfind("tenantsync cycle 7 (shard 1/4): ", 0), 0u)
      << body["summary"];
  nlohmann::json unsharded = body_of(c, WebhookFormat::Json);
  EXPECT_FALSE(unsharded.contains("shard"));
  EXPECT_EQ(unsharded["summary"].get<std::string>().rfind("tenantsync cycle 7: ", 0), 0u);
}

TEST(CycleNotificationTest, NewAndResolvedMattersAreListedAndCounted) {
  CycleResult c = sample_cycle();
  CycleOutcome outcome = cycle_outcome(c);
  NotifiedState last{{"gone.example|failed"}, "failed", Clock::time_point{}};
  NoticeDecision decision =
      decide_notice(last, open_matters(c, outcome), 0, Clock::time_point{}, std::chrono::hours(24));
  nlohmann::json body = cycle_notification({3, c, outcome, decision, {}}, WebhookFormat::Json);
  EXPECT_EQ(body["resolvedCount"], 1);
  EXPECT_EQ(body["resolved"][0], "gone.example, failed");
  EXPECT_EQ(body["newCount"], decision.added.size());
}

}  // namespace cycle_notification_test
}  // namespace tenantsync
