// Drift reports built from hand-made plans, and each of their formats.
#include "sync/report/drift.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <algorithm>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sync/report/drift_html.h"
#include "sync/report/drift_json.h"
#include "sync/report/drift_render.h"

namespace tenantsync {
namespace drift_test {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

const Clock::time_point kGenerated = Clock::time_point(std::chrono::seconds(1795132800));
const char* const kGeneratedText = "2026-11-20T00:00:00Z";

Operation op(OpKind kind, std::string user, std::string sku = {}, OpStatus status = OpStatus::Ready,
             std::string reason = {}) {
  Operation o;
  o.op = kind;
  o.user = std::move(user);
  o.user_id = o.op == OpKind::Create ? "" : "id-" + o.user;
  o.sku = std::move(sku);
  o.sku_id = o.sku.empty() ? "" : "sku-" + o.sku;
  o.status = status;
  o.reason = std::move(reason);
  return o;
}

// contoso: one operation of every kind (in planner order, not report order), a blocked
// assignment, a missing user, two ignored users and a seat shortfall. fabrikam: clean but
// for one ignored user.
Plan sample_plan() {
  TenantPlan contoso;
  contoso.tenant = "contoso.onmicrosoft.com";
  contoso.tenant_id = "tid-contoso";
  contoso.mode = TenantMode::Enforce;
  Operation assign = op(OpKind::Assign, "alice@contoso.onmicrosoft.com", "SPE_E3");
  assign.disabled_plans = {"plan-yammer", "plan-sway"};
  contoso.operations.push_back(assign);
  contoso.operations.push_back(op(OpKind::Revoke, "bob@contoso.onmicrosoft.com", "EMS"));
  Operation update = op(OpKind::Update, "carol@contoso.onmicrosoft.com", "SPE_E3");
  update.disabled_plans = {"plan-unknown"};
  contoso.operations.push_back(update);
  contoso.operations.push_back(op(OpKind::Restore, "dave@contoso.onmicrosoft.com"));
  contoso.operations.push_back(op(OpKind::Delete, "erin@contoso.onmicrosoft.com"));
  Operation create = op(OpKind::Create, "frank@contoso.onmicrosoft.com");
  create.details = nlohmann::json{{"displayName", "Frank Jones"}, {"usageLocation", "US"}};
  contoso.operations.push_back(create);
  contoso.operations.push_back(op(OpKind::Assign, "Aaron@contoso.onmicrosoft.com", "SPE_E3",
                                  OpStatus::Blocked, "no free seat of SPE_E3"));
  contoso.seats.push_back({"SPE_E3", "sku-SPE_E3", 25, 25, 26, 1});
  contoso.seats.push_back({"EMS", "sku-EMS", 10, 5, 4, 0});
  contoso.notes.push_back("gina@contoso.onmicrosoft.com holds EMS from group g-1");
  contoso.missing_users.push_back("zoe@contoso.onmicrosoft.com");
  contoso.ignored_users = {"ceo@contoso.onmicrosoft.com", "cfo@contoso.onmicrosoft.com"};

  TenantPlan fabrikam;
  fabrikam.tenant = "fabrikam.onmicrosoft.com";
  fabrikam.tenant_id = "tid-fabrikam";
  fabrikam.mode = TenantMode::Report;
  fabrikam.ignored_users = {"boss@fabrikam.onmicrosoft.com"};

  Plan plan;
  plan.fingerprint = "sha256:abc";
  plan.tenants = {fabrikam, contoso};  // the report sorts tenants by domain
  return plan;
}

ServicePlanNames sample_names() {
  Sku sku;
  sku.sku_id = "sku-SPE_E3";
  sku.sku_part_number = "SPE_E3";
  sku.service_plans = {{"plan-yammer", "YAMMER_ENTERPRISE", "Success", "User"},
                       {"plan-sway", "SWAY", "Success", "User"}};
  ServicePlanNames names;
  names.add(sku);
  return names;
}

DriftReport sample_report() {
  const ServicePlanNames names = sample_names();
  return build_drift_report(sample_plan(), kGenerated, &names);
}

Plan clean_plan() {
  TenantPlan t;
  t.tenant = "contoso.onmicrosoft.com";
  t.tenant_id = "tid-contoso";
  t.seats.push_back({"SPE_E3", "sku-SPE_E3", 25, 20, 20, 0});
  Plan plan;
  plan.tenants = {t};
  return plan;
}

const DriftItem* find_item(const TenantDrift& t, DriftKind kind, const std::string& user) {
  for (const auto& item : t.items) {
    if (item.kind == kind && item.user == user) return &item;
  }
  return nullptr;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

std::string replace_all(std::string text, const std::string& from, const std::string& to) {
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
  return text;
}

size_t occurrences(const std::string& text, const std::string& needle) {
  size_t n = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

// ---- building the report ----

TEST(DriftReportTest, MapsEveryOperationKindToAnItem) {
  DriftReport report = sample_report();
  ASSERT_EQ(report.tenants.size(), 2u);
  const TenantDrift& t = report.tenants[0];
  ASSERT_EQ(t.tenant, "contoso.onmicrosoft.com");
  EXPECT_EQ(t.tenant_id, "tid-contoso");
  EXPECT_EQ(t.mode, TenantMode::Enforce);

  const DriftItem* missing =
      find_item(t, DriftKind::MissingLicense, "alice@contoso.onmicrosoft.com");
  ASSERT_NE(missing, nullptr);
  EXPECT_EQ(missing->sku, "SPE_E3");
  EXPECT_EQ(missing->user_id, "id-alice@contoso.onmicrosoft.com");
  EXPECT_EQ(missing->status, DriftStatus::Ready);
  EXPECT_EQ(missing->detail, "should hold SPE_E3 with SWAY, YAMMER_ENTERPRISE disabled");

  const DriftItem* extra = find_item(t, DriftKind::ExtraLicense, "bob@contoso.onmicrosoft.com");
  ASSERT_NE(extra, nullptr);
  EXPECT_EQ(extra->sku, "EMS");
  EXPECT_EQ(extra->detail, "holds EMS, which the desired state does not give");

  const DriftItem* update =
      find_item(t, DriftKind::DisabledPlansDiffer, "carol@contoso.onmicrosoft.com");
  ASSERT_NE(update, nullptr);
  EXPECT_EQ(update->detail, "SPE_E3 should have disabled: plan-unknown");  // no name known

  const DriftItem* restore =
      find_item(t, DriftKind::ShouldBeRestored, "dave@contoso.onmicrosoft.com");
  ASSERT_NE(restore, nullptr);
  EXPECT_THAT(restore->detail, HasSubstr("soft-deleted"));
  EXPECT_TRUE(restore->sku.empty());

  const DriftItem* del = find_item(t, DriftKind::ShouldBeDeleted, "erin@contoso.onmicrosoft.com");
  ASSERT_NE(del, nullptr);
  EXPECT_THAT(del->detail, HasSubstr("wants it deleted"));

  const DriftItem* create =
      find_item(t, DriftKind::ShouldBeCreated, "frank@contoso.onmicrosoft.com");
  ASSERT_NE(create, nullptr);
  EXPECT_THAT(create->detail, HasSubstr("\"Frank Jones\""));
  EXPECT_TRUE(create->user_id.empty());
}

TEST(DriftReportTest, DisabledPlanIdsBecomeNamesWhenKnown) {
  DriftReport with_names = sample_report();
  const DriftItem* item =
      find_item(with_names.tenants[0], DriftKind::MissingLicense, "alice@contoso.onmicrosoft.com");
  ASSERT_NE(item, nullptr);
  EXPECT_THAT(item->disabled_plans, ElementsAre("SWAY", "YAMMER_ENTERPRISE"));

  DriftReport without = build_drift_report(sample_plan(), kGenerated);
  item = find_item(without.tenants[0], DriftKind::MissingLicense, "alice@contoso.onmicrosoft.com");
  ASSERT_NE(item, nullptr);
  EXPECT_THAT(item->disabled_plans, ElementsAre("plan-sway", "plan-yammer"));
}

TEST(DriftReportTest, UpdateToNoDisabledPlansSaysSo) {
  Plan plan = clean_plan();
  plan.tenants[0].operations.push_back(op(OpKind::Update, "a@contoso.onmicrosoft.com", "SPE_E3"));
  DriftReport report = build_drift_report(plan, kGenerated);
  ASSERT_EQ(report.tenants[0].items.size(), 1u);
  EXPECT_EQ(report.tenants[0].items[0].detail, "SPE_E3 should have no plan disabled");
}

TEST(DriftReportTest, BlockedOperationIsDriftWithItsReason) {
  DriftReport report = sample_report();
  const DriftItem* blocked =
      find_item(report.tenants[0], DriftKind::MissingLicense, "Aaron@contoso.onmicrosoft.com");
  ASSERT_NE(blocked, nullptr);
  EXPECT_TRUE(blocked->blocked());
  EXPECT_EQ(blocked->status, DriftStatus::Blocked);
  EXPECT_EQ(blocked->reason, "no free seat of SPE_E3");
  EXPECT_EQ(report.tenants[0].totals.blocked, 1);
  EXPECT_EQ(report.totals.blocked, 1);
}

TEST(DriftReportTest, OnlyBlockedItemsStillCountAsDrift) {
  Plan plan = clean_plan();
  plan.tenants[0].operations.push_back(op(OpKind::Assign, "a@contoso.onmicrosoft.com", "SPE_E3",
                                          OpStatus::Blocked, "usage location is not set"));
  DriftReport report = build_drift_report(plan, kGenerated);
  EXPECT_TRUE(has_drift(report));
  EXPECT_EQ(report.totals.items, 1);
  EXPECT_EQ(report.tenants_with_drift, 1);
}

TEST(DriftReportTest, MissingUsersAreManualItems) {
  DriftReport report = sample_report();
  const DriftItem* item =
      find_item(report.tenants[0], DriftKind::UserNotFound, "zoe@contoso.onmicrosoft.com");
  ASSERT_NE(item, nullptr);
  EXPECT_EQ(item->status, DriftStatus::Manual);
  EXPECT_FALSE(item->blocked());
  EXPECT_TRUE(item->sku.empty());
  EXPECT_THAT(item->detail, HasSubstr("create"));
  EXPECT_EQ(drift_kind_label(DriftKind::UserNotFound), std::string("desired user does not exist"));
}

TEST(DriftReportTest, IgnoredUsersAreListedButNotCounted) {
  DriftReport report = sample_report();
  const TenantDrift& contoso = report.tenants[0];
  EXPECT_THAT(contoso.ignored_users,
              ElementsAre("ceo@contoso.onmicrosoft.com", "cfo@contoso.onmicrosoft.com"));
  for (const auto& item : contoso.items) EXPECT_NE(item.user, "ceo@contoso.onmicrosoft.com");
  EXPECT_EQ(contoso.totals.ignored, 2);
  EXPECT_EQ(contoso.totals.items, 8);

  const TenantDrift& fabrikam = report.tenants[1];
  EXPECT_FALSE(fabrikam.has_drift());
  EXPECT_EQ(fabrikam.totals.items, 0);
  EXPECT_EQ(fabrikam.totals.ignored, 1);
  EXPECT_EQ(report.totals.ignored, 3);
}

TEST(DriftReportTest, IgnoredUsersAloneAreNoDrift) {
  Plan plan = clean_plan();
  plan.tenants[0].ignored_users = {"ceo@contoso.onmicrosoft.com"};
  DriftReport report = build_drift_report(plan, kGenerated);
  EXPECT_FALSE(has_drift(report));
  EXPECT_EQ(report.tenants_with_drift, 0);
  EXPECT_EQ(report.totals.ignored, 1);
}

TEST(DriftReportTest, TotalsByKindPerTenantAndOverall) {
  DriftReport report = sample_report();
  const DriftCounts& c = report.tenants[0].totals;
  EXPECT_EQ(c.of(DriftKind::MissingLicense), 2);  // alice, and Aaron (blocked)
  EXPECT_EQ(c.of(DriftKind::ExtraLicense), 1);
  EXPECT_EQ(c.of(DriftKind::DisabledPlansDiffer), 1);
  EXPECT_EQ(c.of(DriftKind::ShouldBeRestored), 1);
  EXPECT_EQ(c.of(DriftKind::ShouldBeDeleted), 1);
  EXPECT_EQ(c.of(DriftKind::ShouldBeCreated), 1);
  EXPECT_EQ(c.of(DriftKind::UserNotFound), 1);
  EXPECT_EQ(c.items, 8);
  EXPECT_EQ(c.blocked, 1);
  EXPECT_EQ(c.failed, 0);
  EXPECT_EQ(c.seats_to_buy, 1);

  EXPECT_EQ(report.totals.items, 8);
  EXPECT_EQ(report.totals.ignored, 3);
  EXPECT_EQ(report.tenants_with_drift, 1);
  EXPECT_EQ(report.fingerprint, "sha256:abc");
  EXPECT_EQ(report.generated_at, kGenerated);
  EXPECT_TRUE(has_drift(report));
}

TEST(DriftReportTest, OrdersTenantsByDomainAndItemsByUserKindSku) {
  DriftReport report = sample_report();
  EXPECT_EQ(report.tenants[0].tenant, "contoso.onmicrosoft.com");
  EXPECT_EQ(report.tenants[1].tenant, "fabrikam.onmicrosoft.com");
  std::vector<std::string> users;
  for (const auto& item : report.tenants[0].items) users.push_back(item.user);
  EXPECT_THAT(users, ElementsAre("Aaron@contoso.onmicrosoft.com", "alice@contoso.onmicrosoft.com",
                                 "bob@contoso.onmicrosoft.com", "carol@contoso.onmicrosoft.com",
                                 "dave@contoso.onmicrosoft.com", "erin@contoso.onmicrosoft.com",
                                 "frank@contoso.onmicrosoft.com", "zoe@contoso.onmicrosoft.com"));

  // The same plan with its operations in another order gives the same report.
  Plan shuffled = sample_plan();
  std::reverse(shuffled.tenants[1].operations.begin(), shuffled.tenants[1].operations.end());
  std::reverse(shuffled.tenants.begin(), shuffled.tenants.end());
  const ServicePlanNames names = sample_names();
  EXPECT_EQ(build_drift_report(shuffled, kGenerated, &names), report);
}

TEST(DriftReportTest, AppliedOperationsAreNotDriftButFailedOnesAre) {
  Plan plan = clean_plan();
  plan.tenants[0].operations.push_back(
      op(OpKind::Assign, "a@contoso.onmicrosoft.com", "SPE_E3", OpStatus::Applied));
  Operation failed = op(OpKind::Revoke, "b@contoso.onmicrosoft.com", "SPE_E3", OpStatus::Failed);
  failed.error = OperationError{"Request_BadRequest", "License assignment failed."};
  plan.tenants[0].operations.push_back(failed);
  DriftReport report = build_drift_report(plan, kGenerated);
  ASSERT_EQ(report.tenants[0].items.size(), 1u);
  const DriftItem& item = report.tenants[0].items[0];
  EXPECT_EQ(item.user, "b@contoso.onmicrosoft.com");
  EXPECT_EQ(item.status, DriftStatus::Failed);
  EXPECT_EQ(item.reason, "Request_BadRequest: License assignment failed.");
  EXPECT_EQ(report.totals.failed, 1);
}

TEST(DriftReportTest, SeatAdviceNamesTheSeatsToBuy) {
  EXPECT_EQ(seat_advice({"SPE_E3", "x", 25, 25, 26, 1}), "buy 1 more seat of SPE_E3");
  EXPECT_EQ(seat_advice({"EMS", "x", 10, 10, 13, 3}), "buy 3 more seats of EMS");
  EXPECT_EQ(seat_advice({"EMS", "x", 10, 5, 5, 0}), "");
}

TEST(DriftReportTest, DescribeCountsLeavesOutZeroKinds) {
  EXPECT_EQ(describe_counts(sample_report().tenants[1].totals), "no drift; 1 ignored user");
  DriftCounts c;
  EXPECT_EQ(describe_counts(c), "no drift");
  EXPECT_EQ(describe_counts(sample_report().totals),
            "8 drift items: 2 missing license, 1 extra license, 1 different disabled plans, "
            "1 should be restored, 1 should be deleted, 1 should be created, 1 desired user "
            "does not exist; 1 blocked; 3 ignored users; 1 seat to buy");
}

// ---- formats ----

TEST(DriftFormatTest, ParsesEveryFormatName) {
  for (const char* name : {"text", "json", "csv", "md", "html"}) {
    auto format = parse_drift_format(name);
    ASSERT_TRUE(format.has_value()) << name;
    EXPECT_STREQ(to_string(*format), name);
  }
  EXPECT_FALSE(parse_drift_format("markdown").has_value());
  EXPECT_FALSE(parse_drift_format("").has_value());
}

TEST(DriftFormatTest, EveryFormatIsDeterministicButForTheTimestamp) {
  const ServicePlanNames names = sample_names();
  for (DriftFormat format : {DriftFormat::Text, DriftFormat::Json, DriftFormat::Csv,
                             DriftFormat::Markdown, DriftFormat::Html}) {
    Plan shuffled = sample_plan();
    std::reverse(shuffled.tenants[1].operations.begin(), shuffled.tenants[1].operations.end());
    const std::string a =
        render_drift(build_drift_report(sample_plan(), kGenerated, &names), format);
    const std::string b = render_drift(
        build_drift_report(shuffled, kGenerated + std::chrono::hours(25), &names), format);
    const std::string b_fixed = replace_all(b, "2026-11-21T01:00:00Z", kGeneratedText);
    EXPECT_EQ(a, b_fixed) << to_string(format);
    EXPECT_FALSE(a.empty());
    EXPECT_EQ(a.back(), '\n') << to_string(format);
  }
}

TEST(DriftTextTest, GroupsByTenantWithAlignedColumnsAndTotals) {
  const std::string text = render_drift(sample_report(), DriftFormat::Text);
  const auto lines = lines_of(text);
  EXPECT_EQ(lines[0], "Drift report, generated 2026-11-20T00:00:00Z, 2 tenants");
  EXPECT_THAT(text, HasSubstr("\ncontoso.onmicrosoft.com (enforce): 8 drift items: "));
  EXPECT_THAT(text, HasSubstr("\nfabrikam.onmicrosoft.com (report): no drift; 1 ignored user\n"));

  // The header and the item rows start their columns at the same offsets.
  auto header = std::find_if(lines.begin(), lines.end(),
                             [](const std::string& l) { return l.rfind("  USER", 0) == 0; });
  ASSERT_NE(header, lines.end());
  const size_t kind_col = header->find("KIND");
  const size_t status_col = header->find("STATUS");
  const size_t detail_col = header->find("DETAIL");
  auto row = std::find_if(lines.begin(), lines.end(), [](const std::string& l) {
    return l.rfind("  Aaron@contoso.onmicrosoft.com", 0) == 0;
  });
  ASSERT_NE(row, lines.end());
  EXPECT_EQ(row->find("missing license"), kind_col);
  EXPECT_EQ(row->find("blocked"), status_col);
  EXPECT_EQ(row->substr(detail_col), "should hold SPE_E3 (no free seat of SPE_E3)");
  EXPECT_THAT(text, HasSubstr("desired user does not exist"));

  EXPECT_THAT(text, HasSubstr("  ignored (accepted deviation): ceo@contoso.onmicrosoft.com\n"));
  EXPECT_THAT(text, HasSubstr("  seats: buy 1 more seat of SPE_E3 (25 enabled, 25 consumed, "
                              "26 after plan)\n"));
  EXPECT_THAT(text, HasSubstr("  note: gina@contoso.onmicrosoft.com holds EMS from group g-1\n"));
  EXPECT_EQ(lines.back(),
            "Totals: 8 drift items in 1 of 2 tenants: 2 missing license, 1 extra license, 1 "
            "different disabled plans, 1 should be restored, 1 should be deleted, 1 should be "
            "created, 1 desired user does not exist; 1 blocked; 3 ignored users; 1 seat to buy");
  EXPECT_THAT(text, Not(HasSubstr("No drift")));
}

TEST(DriftTextTest, CleanReportSaysNoDrift) {
  const std::string text =
      render_drift(build_drift_report(clean_plan(), kGenerated), DriftFormat::Text);
  EXPECT_EQ(text,
            "Drift report, generated 2026-11-20T00:00:00Z, 1 tenant\n"
            "\n"
            "No drift: every tenant matches the desired state.\n");
}

// A tenant with nothing planned because it is gone, beside a clean one.
Plan plan_with_a_tenant_not_planned() {
  Plan plan = clean_plan();
  TenantPlan gone;
  gone.tenant = "fabrikam.onmicrosoft.com";
  gone.tenant_id = "tid-fabrikam";
  gone.not_planned =
      "tenant is gone from the partner's contracts since 2026-11-19T00:00:00Z: nothing is planned";
  gone.notes = {gone.not_planned};
  plan.tenants.push_back(gone);
  return plan;
}

TEST(DriftReportTest, ATenantNotPlannedIsListedApartNeverAsNoDrift) {
  DriftReport report = build_drift_report(plan_with_a_tenant_not_planned(), kGenerated);
  EXPECT_TRUE(has_drift(report)) << "its drift is unknown";
  EXPECT_EQ(report.tenants_not_planned, 1);
  EXPECT_EQ(report.tenants_with_drift, 0);
  EXPECT_EQ(describe_totals(report), "no drift in 1 tenant; 1 tenant not planned (drift unknown)");

  const std::string text = render_drift(report, DriftFormat::Text);
  EXPECT_EQ(text.find("No drift"), std::string::npos) << text;
  EXPECT_NE(text.find("fabrikam.onmicrosoft.com (enforce): NOT PLANNED, drift unknown: tenant is "
                      "gone from the partner's contracts since 2026-11-19T00:00:00Z"),
            std::string::npos)
      << text;
  const auto j = drift_report_to_json(report);
  EXPECT_EQ(j["drift"], true);
  EXPECT_EQ(j["tenants"][0]["notPlanned"], "");
  EXPECT_EQ(j["tenants"][1]["notPlanned"], report.tenants[1].not_planned);
  EXPECT_EQ(j["totals"]["tenantsNotPlanned"], 1);
  const std::string csv = render_drift(report, DriftFormat::Csv);
  EXPECT_NE(csv.find("fabrikam.onmicrosoft.com,,not-planned,,tenant is gone"), std::string::npos)
      << csv;
  for (auto format : {DriftFormat::Markdown, DriftFormat::Html}) {
    const std::string page = render_drift(report, format);
    EXPECT_EQ(page.find("No drift: every tenant"), std::string::npos) << page;
    EXPECT_NE(page.find("drift unknown"), std::string::npos) << page;
  }
}

// Planned from a stale mirror (its last read failed): what the plan shows may be out of
// date, so its drift is unknown, as `run` says of a tenant it could not read this cycle.
TEST(DriftReportTest, ATenantPlannedFromAStaleMirrorHasDriftUnknown) {
  Plan plan = clean_plan();
  plan.tenants[0].stale = "tenant mirror is stale: users page 2: 503; re-run mirror";
  plan.tenants[0].operations = {op(OpKind::Assign, "alice@contoso.onmicrosoft.com", "SPE_E3")};
  DriftReport report = build_drift_report(plan, kGenerated);
  ASSERT_EQ(report.tenants.size(), 1u);
  EXPECT_EQ(report.tenants[0].not_planned, plan.tenants[0].stale);
  EXPECT_TRUE(report.tenants[0].items.empty());
  EXPECT_TRUE(has_drift(report));
  EXPECT_EQ(report.tenants_not_planned, 1);
  // Listed in text too, though it has no note (nor has a tenant `run` could not read).
  EXPECT_THAT(render_drift(report, DriftFormat::Text),
              HasSubstr("\ncontoso.onmicrosoft.com (enforce): NOT PLANNED, drift unknown: tenant "
                        "mirror is stale: users page 2: 503; re-run mirror\n"));
}

// No tenant planned: nothing is known, so not "no drift in 0 tenants".
TEST(DriftReportTest, NoTenantPlannedSaysDriftUnknown) {
  Plan plan = plan_with_a_tenant_not_planned();
  plan.tenants.erase(plan.tenants.begin());
  DriftReport report = build_drift_report(plan, kGenerated);
  EXPECT_EQ(describe_totals(report), "drift unknown: 1 tenant not planned");
  const std::string text = render_drift(report, DriftFormat::Text);
  EXPECT_THAT(text, Not(HasSubstr("no drift"))) << text;
  EXPECT_THAT(text, Not(HasSubstr("No drift"))) << text;
}

TEST(DriftTextTest, CleanReportStillListsIgnoredUsers) {
  Plan plan = clean_plan();
  plan.tenants[0].ignored_users = {"ceo@contoso.onmicrosoft.com"};
  const std::string text = render_drift(build_drift_report(plan, kGenerated), DriftFormat::Text);
  EXPECT_EQ(text,
            "Drift report, generated 2026-11-20T00:00:00Z, 1 tenant\n"
            "\n"
            "contoso.onmicrosoft.com (enforce): no drift; 1 ignored user\n"
            "  ignored (accepted deviation): ceo@contoso.onmicrosoft.com\n"
            "\n"
            "No drift: every tenant matches the desired state.\n"
            "Totals: no drift in 1 tenant; 1 ignored user\n");
}

TEST(DriftTextTest, ControlCharactersInNamesCannotReachTheTerminal) {
  Plan plan = clean_plan();
  plan.tenants[0].operations.push_back(
      op(OpKind::Revoke, "evil\x1b[2J@contoso.onmicrosoft.com", "SPE_E3"));
  const std::string text = render_drift(build_drift_report(plan, kGenerated), DriftFormat::Text);
  EXPECT_THAT(text, Not(HasSubstr("\x1b")));
  EXPECT_THAT(text, HasSubstr("evil?[2J@contoso.onmicrosoft.com"));
}

TEST(DriftJsonTest, HasTheDocumentedShape) {
  const auto j = nlohmann::json::parse(render_drift(sample_report(), DriftFormat::Json));
  EXPECT_EQ(j["version"], 1);
  EXPECT_EQ(j["generatedAt"], kGeneratedText);
  EXPECT_EQ(j["fingerprint"], "sha256:abc");
  EXPECT_EQ(j["drift"], true);
  ASSERT_EQ(j["tenants"].size(), 2u);

  const auto& t = j["tenants"][0];
  EXPECT_EQ(t["tenant"], "contoso.onmicrosoft.com");
  EXPECT_EQ(t["tenantId"], "tid-contoso");
  EXPECT_EQ(t["mode"], "enforce");
  ASSERT_EQ(t["items"].size(), 8u);
  const auto& blocked = t["items"][0];
  EXPECT_EQ(blocked, (nlohmann::json{{"kind", "missing-license"},
                                     {"user", "Aaron@contoso.onmicrosoft.com"},
                                     {"userId", "id-Aaron@contoso.onmicrosoft.com"},
                                     {"sku", "SPE_E3"},
                                     {"productName", "Microsoft 365 E3"},
                                     {"disabledPlans", nlohmann::json::array()},
                                     {"detail", "should hold SPE_E3"},
                                     {"status", "blocked"},
                                     {"blocked", true},
                                     {"reason", "no free seat of SPE_E3"}}));
  const auto& alice = t["items"][1];
  EXPECT_EQ(alice["disabledPlans"], (nlohmann::json{"SWAY", "YAMMER_ENTERPRISE"}));
  EXPECT_EQ(alice["blocked"], false);
  EXPECT_EQ(alice["reason"], "");
  const auto& zoe = t["items"][7];
  EXPECT_EQ(zoe["kind"], "user-not-found");
  EXPECT_EQ(zoe["status"], "manual");
  EXPECT_EQ(zoe["sku"], "");
  EXPECT_EQ(zoe["productName"], "") << "no SKU, no name; the key is always there";

  EXPECT_EQ(t["ignored"],
            (nlohmann::json{"ceo@contoso.onmicrosoft.com", "cfo@contoso.onmicrosoft.com"}));
  ASSERT_EQ(t["seats"].size(), 2u);
  EXPECT_EQ(t["seats"][0], (nlohmann::json{{"sku", "SPE_E3"},
                                           {"productName", "Microsoft 365 E3"},
                                           {"skuId", "sku-SPE_E3"},
                                           {"enabled", 25},
                                           {"consumed", 25},
                                           {"afterPlan", 26},
                                           {"shortfall", 1},
                                           {"grace", 0},
                                           {"graceCounted", false},
                                           {"advice", "buy 1 more seat of SPE_E3"}}));
  EXPECT_EQ(t["seats"][1]["advice"], "");
  EXPECT_EQ(t["notes"].size(), 1u);
  EXPECT_EQ(t["totals"], (nlohmann::json{{"items", 8},
                                         {"blocked", 1},
                                         {"failed", 0},
                                         {"ignored", 2},
                                         {"seatsToBuy", 1},
                                         {"byKind",
                                          {{"missing-license", 2},
                                           {"extra-license", 1},
                                           {"disabled-plans-differ", 1},
                                           {"should-be-restored", 1},
                                           {"should-be-deleted", 1},
                                           {"should-be-created", 1},
                                           {"user-not-found", 1},
                                           {"properties-differ", 0}}}}));

  const auto& f = j["tenants"][1];
  EXPECT_EQ(f["mode"], "report");
  EXPECT_TRUE(f["items"].empty());
  EXPECT_EQ(f["totals"]["byKind"].size(), 8u);  // every kind, even at 0

  EXPECT_EQ(j["totals"]["tenants"], 2);
  EXPECT_EQ(j["totals"]["tenantsWithDrift"], 1);
  EXPECT_EQ(j["totals"]["items"], 8);
  EXPECT_EQ(j["totals"]["ignored"], 3);
  EXPECT_EQ(j["totals"]["byKind"]["missing-license"], 2);
}

TEST(DriftJsonTest, KeysComeInTheDocumentedOrder) {
  const std::string json = render_drift(sample_report(), DriftFormat::Json);
  const auto root = nlohmann::ordered_json::parse(json);
  std::vector<std::string> keys;
  for (const auto& [key, value] : root.items()) keys.push_back(key);
  EXPECT_THAT(keys,
              ElementsAre("version", "generatedAt", "fingerprint", "tenants", "totals", "drift"));
  keys.clear();
  for (const auto& [key, value] : root["tenants"][0]["items"][0].items()) keys.push_back(key);
  EXPECT_THAT(keys, ElementsAre("kind", "user", "userId", "sku", "productName", "disabledPlans",
                                "detail", "status", "blocked", "reason"));
}

TEST(DriftJsonTest, CleanReportSaysNoDrift) {
  const auto j = drift_report_to_json(build_drift_report(clean_plan(), kGenerated));
  EXPECT_EQ(j["drift"], false);
  EXPECT_EQ(j["totals"]["items"], 0);
  EXPECT_EQ(j["fingerprint"], "");
}

TEST(DriftCsvTest, HeaderThenOneRowPerItemWithCrlf) {
  const std::string csv = render_drift(sample_report(), DriftFormat::Csv);
  EXPECT_EQ(csv.rfind("tenant,user,kind,sku,detail,status,reason,productName\r\n", 0), 0u);
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 9);  // header + 8 items
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\r'), 9);
  EXPECT_THAT(csv, HasSubstr("\r\ncontoso.onmicrosoft.com,Aaron@contoso.onmicrosoft.com,"
                             "missing-license,SPE_E3,should hold SPE_E3,blocked,"
                             "no free seat of SPE_E3,Microsoft 365 E3\r\n"));
  EXPECT_THAT(csv, HasSubstr("\r\ncontoso.onmicrosoft.com,zoe@contoso.onmicrosoft.com,"
                             "user-not-found,,"));
  EXPECT_THAT(csv, Not(HasSubstr("ceo@")));  // ignored users are not rows
}

TEST(DriftCsvTest, QuotesFieldsWithCommasAndQuotes) {
  Plan plan = clean_plan();
  Operation create = op(OpKind::Create, "jd@contoso.onmicrosoft.com");
  create.details = nlohmann::json{{"displayName", "Doe, John \"JD\""}};
  plan.tenants[0].operations.push_back(create);
  const std::string csv = render_drift(build_drift_report(plan, kGenerated), DriftFormat::Csv);
  EXPECT_EQ(csv,
            "tenant,user,kind,sku,detail,status,reason,productName\r\n"
            "contoso.onmicrosoft.com,jd@contoso.onmicrosoft.com,should-be-created,,"
            "\"does not exist; its entry says to create it as \"\"Doe, John \"\"JD\"\"\"\"\","
            "ready,,\r\n");
}

TEST(DriftCsvTest, QuotesLineBreaksAndDefusesFormulas) {
  Plan plan = clean_plan();
  plan.tenants[0].operations.push_back(op(OpKind::Assign, "a@contoso.onmicrosoft.com", "SPE_E3",
                                          OpStatus::Blocked, "=HYPERLINK(\"x\")\nsecond"));
  const std::string csv = render_drift(build_drift_report(plan, kGenerated), DriftFormat::Csv);
  EXPECT_THAT(csv, HasSubstr(",blocked,\"'=HYPERLINK(\"\"x\"\")\nsecond\",Microsoft 365 E3\r\n"));
}

TEST(DriftMarkdownTest, HeadingAndTablePerTenantWithTotals) {
  const std::string md = render_drift(sample_report(), DriftFormat::Markdown);
  EXPECT_EQ(md.rfind("# Drift report\n\nGenerated 2026-11-20T00:00:00Z. **8 drift items in 1 of 2 "
                     "tenants:",
                     0),
            0u);
  EXPECT_THAT(md, HasSubstr("| Tenant | Mode | Drift items | Blocked | Ignored | Seats to buy |\n"
                            "| --- | --- | ---: | ---: | ---: | ---: |\n"
                            "| contoso.onmicrosoft.com | enforce | 8 | 1 | 2 | 1 |\n"
                            "| fabrikam.onmicrosoft.com | report | 0 | 0 | 1 | 0 |\n"));
  EXPECT_THAT(md, HasSubstr("\n## contoso.onmicrosoft.com (enforce)\n"));
  EXPECT_THAT(md, HasSubstr("\n## fabrikam.onmicrosoft.com (report)\n"));
  EXPECT_THAT(
      md,
      HasSubstr("| User | Kind | SKU | Status | Detail | Reason |\n"
                "| --- | --- | --- | --- | --- | --- |\n"
                "| Aaron@contoso.onmicrosoft.com | missing license | Microsoft 365 E3 (SPE\\_E3) "
                "| blocked "
                "| should hold SPE\\_E3 | no free seat of SPE\\_E3 |\n"));
  EXPECT_THAT(md, HasSubstr("- ceo@contoso.onmicrosoft.com\n"));
  EXPECT_THAT(md, HasSubstr("- buy 1 more seat of SPE\\_E3 (25 enabled"));
}

TEST(DriftMarkdownTest, EscapesPipesAndHtmlInCells) {
  Plan plan = clean_plan();
  plan.tenants[0].operations.push_back(op(OpKind::Assign, "a@contoso.onmicrosoft.com", "SPE_E3",
                                          OpStatus::Blocked, "a|b <script>\nc"));
  const std::string md = render_drift(build_drift_report(plan, kGenerated), DriftFormat::Markdown);
  EXPECT_THAT(md, HasSubstr("| a\\|b &lt;script&gt; c |\n"));
  EXPECT_THAT(md, Not(HasSubstr("<script>")));
}

TEST(DriftMarkdownTest, CleanReportSaysNoDrift) {
  const std::string md =
      render_drift(build_drift_report(clean_plan(), kGenerated), DriftFormat::Markdown);
  EXPECT_THAT(md, HasSubstr("No drift: every tenant matches the desired state."));
  EXPECT_THAT(md, HasSubstr("Generated 2026-11-20T00:00:00Z. **No drift in 1 tenant.**\n"));
  EXPECT_THAT(md, HasSubstr("## contoso.onmicrosoft.com (enforce)\n\nNo drift.\n"));
}

// ---- HTML ----

std::string sha256_base64(const std::string& content) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(content.data(), content.size(), digest, &length, EVP_sha256(), nullptr);
  unsigned char encoded[128] = {};
  const int n = EVP_EncodeBlock(encoded, digest, static_cast<int>(length));
  return std::string(reinterpret_cast<const char*>(encoded), n);
}

std::string between(const std::string& text, const std::string& open, const std::string& close) {
  const size_t start = text.find(open);
  if (start == std::string::npos) return {};
  const size_t end = text.find(close, start + open.size());
  if (end == std::string::npos) return {};
  return text.substr(start + open.size(), end - start - open.size());
}

TEST(DriftHtmlTest, IsOneSelfContainedPage) {
  const std::string html = render_drift(sample_report(), DriftFormat::Html);
  EXPECT_EQ(html.rfind("<!DOCTYPE html>\n<html lang=\"en\">", 0), 0u);
  EXPECT_THAT(html, HasSubstr("</html>\n"));
  EXPECT_THAT(html, Not(HasSubstr("http://")));
  EXPECT_THAT(html, Not(HasSubstr("https://")));
  EXPECT_THAT(html, Not(HasSubstr("<link")));
  EXPECT_THAT(html, Not(HasSubstr("<img")));
  EXPECT_THAT(html, Not(HasSubstr("@import")));
  EXPECT_THAT(html, Not(HasSubstr("url(")));
  EXPECT_THAT(html, Not(HasSubstr(" src=")));
  // In-page links only: every href is a fragment.
  for (size_t at = html.find("href=\""); at != std::string::npos;
       at = html.find("href=\"", at + 1)) {
    EXPECT_EQ(html[at + 6], '#') << html.substr(at, 40);
  }
  // Exactly one inline script and one inline style.
  EXPECT_EQ(occurrences(html, "<script"), 1u);
  EXPECT_EQ(occurrences(html, "<script>"), 1u);
  EXPECT_EQ(occurrences(html, "<style"), 1u);
  EXPECT_THAT(html, HasSubstr("@media print"));
}

TEST(DriftHtmlTest, ContentSecurityPolicyAllowsExactlyTheInlineStyleAndScript) {
  const std::string html = render_drift(sample_report(), DriftFormat::Html);
  const std::string policy =
      between(html, "http-equiv=\"Content-Security-Policy\" content=\"", "\"");
  ASSERT_FALSE(policy.empty());
  EXPECT_THAT(policy, HasSubstr("default-src 'none'"));
  EXPECT_THAT(policy, HasSubstr("script-src 'sha256-" +
                                sha256_base64(between(html, "<script>", "</script>")) + "'"));
  EXPECT_THAT(policy, HasSubstr("style-src 'sha256-" +
                                sha256_base64(between(html, "<style>", "</style>")) + "'"));
}

TEST(DriftHtmlTest, TotalsAndTenantSectionsCanBeFound) {
  const std::string html = render_drift(sample_report(), DriftFormat::Html);
  EXPECT_THAT(html, HasSubstr("<section id=\"summary\">"));
  EXPECT_THAT(html, HasSubstr("id=\"totals\""));
  EXPECT_THAT(html, HasSubstr("data-items=\"8\" data-blocked=\"1\""));
  EXPECT_THAT(html,
              HasSubstr("<strong>8 drift items</strong> in 1 of 2 tenants: 2 missing license, "));
  EXPECT_THAT(html, HasSubstr("<section class=\"tenant\" id=\"tenant-contoso.onmicrosoft.com\">"));
  EXPECT_THAT(html, HasSubstr("<section class=\"tenant\" id=\"tenant-fabrikam.onmicrosoft.com\">"));
  EXPECT_THAT(html, HasSubstr("<a href=\"#tenant-contoso.onmicrosoft.com\">"));
  // Every tenant section has its drift table, the clean one a single "No drift" row.
  const std::string fabrikam =
      between(html, "id=\"tenant-fabrikam.onmicrosoft.com\">", "</section>");
  EXPECT_THAT(fabrikam, HasSubstr("<table class=\"drift sortable\">"));
  EXPECT_THAT(fabrikam, HasSubstr(">No drift</td>"));
  EXPECT_THAT(fabrikam, HasSubstr("<li>boss@fabrikam.onmicrosoft.com</li>"));
  const std::string contoso = between(html, "id=\"tenant-contoso.onmicrosoft.com\">", "</section>");
  EXPECT_THAT(contoso, HasSubstr("<table class=\"drift sortable\">"));
  EXPECT_THAT(
      contoso,
      HasSubstr("<tr class=\"item blocked\" data-kind=\"missing-license\" "
                "data-status=\"blocked\"><td>Aaron@contoso.onmicrosoft.com</td>"
                "<td>missing license</td><td>Microsoft 365 E3 (SPE_E3)</td><td>blocked</td>"));
  EXPECT_THAT(contoso, HasSubstr("<td>buy 1 more seat of SPE_E3</td>"));
  EXPECT_THAT(html, Not(HasSubstr("id=\"no-drift\"")));
}

TEST(DriftHtmlTest, EscapesUntrustedStrings) {
  Plan plan = clean_plan();
  Operation create = op(OpKind::Create, "x@contoso.onmicrosoft.com");
  create.details = nlohmann::json{{"displayName", "<script>alert('pwned')</script>"}};
  plan.tenants[0].operations.push_back(create);
  plan.tenants[0].operations.push_back(
      op(OpKind::Revoke, "\"><img src=x onerror=alert(1)>@contoso.onmicrosoft.com", "EMS"));
  plan.tenants[0].ignored_users = {"<b>boss</b>@contoso.onmicrosoft.com"};
  plan.tenants[0].notes = {"note & <i>stuff</i>"};
  const std::string html = render_drift(build_drift_report(plan, kGenerated), DriftFormat::Html);
  EXPECT_THAT(html, Not(HasSubstr("<script>alert")));
  EXPECT_THAT(html, HasSubstr("&lt;script&gt;alert(&#39;pwned&#39;)&lt;/script&gt;"));
  EXPECT_THAT(html, Not(HasSubstr("<img")));
  EXPECT_THAT(html, HasSubstr("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;@contoso"));
  EXPECT_THAT(html, Not(HasSubstr("<b>boss")));
  EXPECT_THAT(html, HasSubstr("note &amp; &lt;i&gt;stuff&lt;/i&gt;"));
  EXPECT_EQ(occurrences(html, "<script"), 1u);  // the page's own
}

TEST(DriftHtmlTest, CleanPageSaysNoDrift) {
  const std::string html =
      render_drift(build_drift_report(clean_plan(), kGenerated), DriftFormat::Html);
  EXPECT_THAT(html, HasSubstr("<p id=\"no-drift\">No drift: every tenant matches the desired "
                              "state.</p>"));
  EXPECT_THAT(html, HasSubstr("id=\"totals\" class=\"clean\" data-items=\"0\""));
  EXPECT_THAT(html, HasSubstr("<strong>No drift</strong> in 1 tenant.</p>"));
}

TEST(DriftHtmlTest, EscapeCoversAllFiveCharacters) {
  EXPECT_EQ(html_escape("a&b<c>d\"e'f"), "a&amp;b&lt;c&gt;d&quot;e&#39;f");
}

}  // namespace drift_test
}  // namespace tenantsync

namespace tenantsync {
namespace drift_test {

// What `report merge` reads is what `drift --format json` wrote: every format renders the
// read-back report exactly as the original (over_limit lives on in the notes).
TEST(DriftJsonTest, AReportReadsBackFromItsJson) {
  DriftReport report = sample_report();
  report.tenants[0].seats[0].grace = 5;  // contoso, SPE_E3: the grace note is in the advice
  auto back = drift_report_from_json(render_drift(report, DriftFormat::Json), "r.json");
  ASSERT_TRUE(back.ok()) << back.error().describe();
  for (DriftFormat format : {DriftFormat::Text, DriftFormat::Json, DriftFormat::Csv,
                             DriftFormat::Markdown, DriftFormat::Html}) {
    EXPECT_EQ(render_drift(*back, format), render_drift(report, format)) << to_string(format);
  }
  EXPECT_EQ(back->totals, report.totals);
}

TEST(DriftJsonTest, ABadReportIsRefusedNamingTheFileAndTheValue) {
  auto not_json = drift_report_from_json("{", "a.json");
  ASSERT_FALSE(not_json.ok());
  EXPECT_EQ(not_json.error().message, "a.json: not JSON (a report of `drift --format json` is)");
  nlohmann::json j = nlohmann::json::parse(render_drift(sample_report(), DriftFormat::Json));
  j["tenants"][0]["items"][0]["kind"] = "missing-licence";
  auto bad_kind = drift_report_from_json(j.dump(), "b.json");
  ASSERT_FALSE(bad_kind.ok());
  EXPECT_EQ(bad_kind.error().message,
            "b.json: $.tenants[0].items[0].kind: expected a known value, not \"missing-licence\"");
  EXPECT_EQ(bad_kind.error().code, "InvalidDriftReport");
  j["tenants"][0]["items"][0]["kind"] = "missing-license";
  j["tenants"][0]["seats"][0]["shortfall"] = 3000000000;
  auto huge = drift_report_from_json(j.dump(), "c.json");
  ASSERT_FALSE(huge.ok());
  EXPECT_EQ(huge.error().message,
            "c.json: $.tenants[0].seats[0].shortfall: expected a whole number from 0 to 100000000");
}

TEST(DriftMergeTest, TheShardsReportsMergeIntoTheWholeReport) {
  DriftReport whole = sample_report();
  DriftReport contoso = whole, fabrikam = whole;
  contoso.tenants = {whole.tenants[0]};
  fabrikam.tenants = {whole.tenants[1]};
  contoso.generated_at = kGenerated + std::chrono::seconds(5);
  auto merged = merge_drift_reports({contoso, fabrikam}, {"c.json", "f.json"});
  ASSERT_TRUE(merged.ok()) << merged.error().describe();
  EXPECT_EQ(merged->tenants, whole.tenants) << "tenants in report order";
  EXPECT_EQ(merged->totals, whole.totals);
  EXPECT_EQ(merged->tenants_with_drift, whole.tenants_with_drift);
  EXPECT_EQ(merged->generated_at, contoso.generated_at) << "the latest part's time";
  EXPECT_EQ(merged->fingerprint, "sha256:abc,sha256:abc");

  auto overlap = merge_drift_reports({whole, fabrikam}, {"all.json", "f.json"});
  ASSERT_FALSE(overlap.ok());
  EXPECT_EQ(overlap.error().message,
            "tenant fabrikam.onmicrosoft.com is in both all.json and f.json: reports to merge "
            "come from the shards of one --shard k/N, each once");
}

}  // namespace drift_test
}  // namespace tenantsync
