// `tenantsync plan` as a user sees it: the text with +/-/~, the seat table and the
// summary; the JSON of docs/cli.md; a saved plan; --detailed-exitcode; --no-refresh working
// from the cache alone; errors in the desired state named by file, line and column.
#include <cstdio>
#include <map>
#include <set>

#include <gtest/gtest.h>

#include "tests/e2e/cli_fixture.h"

namespace tenantsync::test {
namespace plan_cli_test {

const char* kContoso = "contoso.onmicrosoft.com";

// The line right after the line naming `user` (plan text puts each operation under it).
std::string line_after(const std::string& text, const std::string& user) {
  auto lines = lines_of(text);
  for (size_t i = 0; i + 1 < lines.size(); ++i) {
    if (lines[i] == "  " + user) return lines[i + 1];
  }
  return "(no line for " + user + ")";
}

TEST(PlanCliTest, TextShowsEachChangeTheSeatTableAndTheSummary) {
  CliFixture f;
  auto desired = f.write("desired.json", contoso_changes_desired());
  auto state = f.fake().state(kContoso);
  auto r = f.run({"plan", "--desired", desired});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(lines_of(r.out).front(), kContoso) << r.out;
  EXPECT_EQ(line_after(r.out, "allan.deyoung@contoso.onmicrosoft.com"),
            "      + Microsoft 365 E3 (SPE_E3)");
  EXPECT_EQ(line_after(r.out, "alex.wilber@contoso.onmicrosoft.com"),
            "      - Enterprise Mobility + Security E3 (EMS)");
  EXPECT_EQ(line_after(r.out, "isaiah.langer@contoso.onmicrosoft.com"),
            "      + Enterprise Mobility + Security E3 (EMS)");
  EXPECT_EQ(line_after(r.out, "adele.vance@contoso.onmicrosoft.com"),
            "      ~ Microsoft 365 E3 (SPE_E3) (enable all plans)");

  // Seats: SPE_E3 takes one more seat; EMS two more and one back.
  auto seats = lines_with(r.out, {"SKU", "seats", "consumed", "after plan", "shortfall"});
  EXPECT_EQ(seats.size(), 1u) << r.out;
  auto seat_row = [&](const std::string& sku, int delta) {
    int consumed = 0, enabled = 0;
    for (const auto& s : state["skus"]) {
      if (s["skuPartNumber"] != sku) continue;
      consumed = s["consumedUnits"];
      enabled = s["enabled"].get<int>() + s["warning"].get<int>();
    }
    char want[128];
    std::snprintf(want, sizeof want, "%6d  %8d  %10d  %9d", enabled, consumed, consumed + delta, 0);
    auto rows = lines_with(r.out, {"    " + sku + " ", want});
    EXPECT_EQ(rows.size(), 1u) << sku << " row \"" << want << "\" in\n" << r.out;
  };
  seat_row("SPE_E3", 1);
  seat_row("EMS", 1);

  EXPECT_EQ(lines_of(r.out).back(),
            "Plan: 3 to assign, 1 to revoke, 1 to update, 0 to restore, 0 to delete, "
            "0 to create; 0 blocked (5 operations for 5 users).")
      << r.out;
}

TEST(PlanCliTest, JsonHasTheShapeOfTheContract) {
  CliFixture f;
  auto r = f.run({"plan", "--desired", examples_desired_path(), "--format", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  nlohmann::json plan;
  ASSERT_NO_THROW(plan = nlohmann::json::parse(r.out)) << r.out;
  EXPECT_EQ(plan["version"], 1);
  EXPECT_EQ(plan["fingerprint"].get<std::string>().rfind("sha256:", 0), 0u) << plan["fingerprint"];
  ASSERT_EQ(plan["tenants"].size(), 2u) << "contoso and fabrikam";

  std::map<std::string, int> kinds;
  int blocked = 0;
  const std::set<std::string> ops = {"assign", "revoke", "update", "restore", "delete", "create"};
  for (const auto& t : plan["tenants"]) {
    for (const char* key : {"tenant", "tenantId", "mode", "operations", "seats"}) {
      EXPECT_TRUE(t.contains(key)) << key << " missing in " << t["tenant"];
    }
    auto tenant_state = f.fake().state(t["tenant"]);
    EXPECT_EQ(t["tenantId"], tenant_state["id"]);
    EXPECT_EQ(t["mode"], t["tenant"] == kContoso ? "enforce" : "report");
    for (const auto& op : t["operations"]) {
      for (const char* key : {"op", "user", "userId", "sku", "skuId", "disabledPlans", "status"}) {
        EXPECT_TRUE(op.contains(key)) << key << " missing in " << op;
      }
      EXPECT_TRUE(ops.count(op["op"])) << op;
      EXPECT_EQ(op["userId"], find_user(tenant_state, op["user"])["id"]) << op;
      EXPECT_EQ(op["skuId"], sku_id_of(tenant_state, op["sku"])) << op;
      if (op["status"] == "blocked") {
        ++blocked;
        EXPECT_FALSE(op["reason"].get<std::string>().empty()) << "a blocked op says why: " << op;
      } else {
        EXPECT_EQ(op["status"], "ready") << op;
        ++kinds[op["op"]];
      }
    }
    for (const auto& s : t["seats"]) {
      for (const char* key : {"sku", "skuId", "enabled", "consumed", "afterPlan", "shortfall"}) {
        EXPECT_TRUE(s.contains(key)) << key << " missing in " << s;
      }
      EXPECT_EQ(s["consumed"], [&] {
        for (const auto& k : tenant_state["skus"]) {
          if (k["skuId"] == s["skuId"]) return k["consumedUnits"];
        }
        return nlohmann::json();
      }()) << s;
    }
  }
  EXPECT_GT(blocked, 0) << "the demo has a blocked exclusive-plan update (Miriam Graham)";
  const auto& summary = plan["summary"];
  for (const auto& kind : ops) {
    std::string key = kind;
    ASSERT_TRUE(summary.contains(key)) << key;
    EXPECT_EQ(summary[key], kinds[kind]) << key;
  }
  EXPECT_EQ(summary["blocked"], blocked);
}

TEST(PlanCliTest, OutSavesThePlanWithTheMirrorsFingerprint) {
  CliFixture f;
  auto desired = f.write("desired.json", contoso_changes_desired());
  auto saved = f.dir().file("plan.json");
  auto r = f.run({"plan", "--desired", desired, "--out", saved});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("Saved the plan to " + saved + "; apply it with: tenantsync apply --plan " +
                       saved + " --desired " + desired + "\n"),
            std::string::npos)
      << r.out;
  nlohmann::json plan;
  ASSERT_NO_THROW(plan = nlohmann::json::parse(read_file(saved)));
  EXPECT_EQ(plan["fingerprint"].get<std::string>().rfind("sha256:", 0), 0u);
  EXPECT_EQ(plan["tenants"][0]["operations"].size(), 5u);

  // The same mirror state gives the same plan and fingerprint.
  auto again = f.run({"plan", "--desired", desired, "--no-refresh", "--format", "json"});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(nlohmann::json::parse(again.out), plan);
}

TEST(PlanCliTest, DetailedExitcodeIs2WithChangesAnd0Without) {
  CliFixture f;
  auto changes = f.write("changes.json", contoso_changes_desired());
  EXPECT_EQ(f.run({"plan", "--desired", changes}).exit_code, 0) << "without the flag";
  auto r = f.run({"plan", "--desired", changes, "--detailed-exitcode"});
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;

  // Contoso as it is: every user keeps what they hold.
  auto same = f.write("same.json", R"({ "version": 1, "tenants": [
    { "tenant": "contoso.onmicrosoft.com", "managedSkus": ["SPE_E3", "EMS"], "unlisted": "keep" }
  ] })");
  auto none = f.run({"plan", "--desired", same, "--detailed-exitcode"});
  EXPECT_EQ(none.exit_code, 0) << none.out << none.err;
  EXPECT_NE(none.out.find("No changes. The tenants match the desired state."), std::string::npos)
      << none.out;
}

// Terraform's meaning: 2 when apply would change something. A report-mode tenant is drift
// (drift --detailed-exitcode says 2), but apply leaves it alone, so plan says 0.
TEST(PlanCliTest, DetailedExitcodeCountsOnlyWhatApplyWouldSend) {
  CliFixture f;
  std::string report = contoso_changes_desired("report");
  auto desired = f.write("report.json", report);
  auto plan = f.run({"plan", "--desired", desired, "--detailed-exitcode"});
  EXPECT_EQ(plan.exit_code, 0) << plan.out << plan.err;
  EXPECT_NE(plan.out.find("report mode"), std::string::npos) << "still shown:\n" << plan.out;
  auto drift = f.run({"drift", "--desired", desired, "--detailed-exitcode"});
  EXPECT_EQ(drift.exit_code, 2) << drift.out << drift.err;
}

TEST(PlanCliTest, NoRefreshPlansFromTheCacheWithoutContactingTheRemote) {
  CliFixture f;
  auto desired = f.write("desired.json", contoso_changes_desired());
  ASSERT_EQ(f.run({"mirror"}).exit_code, 0);
  f.fake().reset_stats();
  auto cached = f.run({"plan", "--desired", desired, "--no-refresh"});
  ASSERT_EQ(cached.exit_code, 0) << cached.err;
  EXPECT_TRUE(f.fake().stats()["requests"].empty()) << f.fake().stats().dump();

  auto refreshed = f.run({"plan", "--desired", desired});
  ASSERT_EQ(refreshed.exit_code, 0) << refreshed.err;
  EXPECT_FALSE(f.fake().stats()["requests"].empty()) << "without --no-refresh it mirrors";
  EXPECT_EQ(cached.out, refreshed.out);
}

TEST(PlanCliTest, AnErrorInTheDesiredStateNamesFileLineColumnAndNothingIsSent) {
  CliFixture f;
  f.write("desired/contoso.json", contoso_changes_desired());
  auto broken = f.write("desired/fabrikam.json",
                        "{\n"
                        "  \"version\": 1,\n"
                        "  \"tenants\": [\n"
                        "    { \"tenant\": \"fabrikam.onmicrosoft.com\", \"mode\": \"enforse\",\n"
                        "      \"managedSkus\": [\"SPE_E3\"] }\n"
                        "  ]\n"
                        "}\n");
  // Line 4, at the key "mode".
  std::string where = broken +
                      ":4:" + std::to_string(lines_of(read_file(broken))[3].find("\"mode\"") + 1) +
                      ": tenants[0].mode: expected one of";
  std::string folder = f.dir().file("desired");
  for (const auto& args : {std::vector<std::string>{"plan", "--desired", folder},
                           std::vector<std::string>{"apply", "--desired", folder, "--yes"}}) {
    auto r = f.run(args);
    EXPECT_EQ(r.exit_code, 1) << args[0] << "\n" << r.out << r.err;
    EXPECT_NE(r.err.find(where), std::string::npos) << args[0] << ": " << where << "\n" << r.err;
  }
  EXPECT_TRUE(f.fake().stats()["requests"].empty()) << f.fake().stats().dump();
}

}  // namespace plan_cli_test
}  // namespace tenantsync::test
