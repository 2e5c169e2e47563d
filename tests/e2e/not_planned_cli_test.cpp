// A command that could not see a tenant says so (docs/architecture.md, trust rules), as a
// user meets it against fake-graph: whatever the reason a tenant was not planned (here its
// reads failing: over the fake's read budget, with no patience for 429s, so the same
// requests fail on every run), or planned only from a stale mirror, `plan`, `apply` and
// `drift` name it and never say the tenants match the desired state; `plan` and `apply`
// exit 3 (partly done) for an enforce tenant, in text and JSON, with or without
// --detailed-exitcode.
#include <algorithm>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/e2e/cli_fixture.h"

namespace tenantsync::test {
namespace not_planned_cli_test {

using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::Not;

const char* kContoso = "contoso.onmicrosoft.com";
const char* kNorthwind = "northwind.onmicrosoft.com";

// Contoso's five changes (cli_fixture.h), and Northwind enforced with nothing to change.
std::string contoso_and_northwind_desired() {
  json d = json::parse(contoso_changes_desired());
  d["tenants"].push_back({{"tenant", kNorthwind},
                          {"mode", "enforce"},
                          {"managedSkus", {"VISIOCLIENT"}},
                          {"unlisted", "keep"}});
  return d.dump(2);
}

// Reads fail from now on: 3 read units per 10 s and tenant, one attempt, 1 s of patience.
// Enough for the partner's list of customers, never for a tenant's read.
void fail_every_read(CliFixture& f) {
  f.write_config({{"remote", {{"maxAttempts", 1}, {"throttleDeadline", "1s"}}}});
  f.fake().set_limits({{"readUnitsPer10s", 3}});
}

// The next command that reads the remote starts with whole budgets (the fake's clock
// moves past the window), so every run fails the same way.
void next_window(CliFixture& f) { f.fake().advance_clock(11); }

std::string last_line(const std::string& text) {
  auto lines = lines_of(text);
  return lines.empty() ? "" : lines.back();
}

const json& tenant_of(const json& plan, const std::string& tenant) {
  for (const auto& t : plan["tenants"]) {
    if (t["tenant"] == tenant) return t;
  }
  throw std::runtime_error("no tenant " + tenant + " in " + plan.dump());
}

TEST(NotPlannedCliTest, NoTenantReadWholeIsNeverNoChanges) {
  CliFixture f;
  auto desired = f.write("desired.json", contoso_and_northwind_desired());
  fail_every_read(f);  // the cache is empty: every tenant's first read fails

  auto plan = f.run({"plan", "--desired", desired});
  EXPECT_EQ(plan.exit_code, 3) << plan.out << plan.err;
  EXPECT_THAT(plan.out, Not(HasSubstr("match the desired state"))) << plan.out;
  EXPECT_EQ(last_line(plan.out), "No changes planned. 2 tenants were not planned (see above).")
      << plan.out;
  for (const char* tenant : {kContoso, kNorthwind}) {
    auto lines = lines_of(plan.out);
    auto at = std::find(lines.begin(), lines.end(), tenant);
    ASSERT_NE(at, lines.end()) << plan.out;
    ASSERT_NE(at + 1, lines.end()) << plan.out;
    EXPECT_EQ(at[1].rfind("  Not planned: tenant was never mirrored", 0), 0u) << plan.out;
  }
  next_window(f);
  auto detailed = f.run({"plan", "--desired", desired, "--detailed-exitcode"});
  EXPECT_EQ(detailed.exit_code, 3) << "not 0: that says nothing needs doing\n" << detailed.out;

  next_window(f);
  auto plan_json = f.run({"plan", "--desired", desired, "--format", "json"});
  EXPECT_EQ(plan_json.exit_code, 3) << plan_json.err;
  json j = json::parse(plan_json.out);
  EXPECT_EQ(j["summary"]["tenantsNotPlanned"], 2) << j["summary"];
  EXPECT_EQ(j["summary"]["operations"], 0);
  for (const char* tenant : {kContoso, kNorthwind}) {
    EXPECT_THAT(tenant_of(j, tenant)["notPlanned"].get<std::string>(),
                HasSubstr("tenant was never mirrored"));
  }

  next_window(f);
  auto apply = f.run({"apply", "--desired", desired, "--yes"});
  EXPECT_EQ(apply.exit_code, 3) << apply.out << apply.err;
  EXPECT_EQ(last_line(apply.out), "Nothing to apply. 2 tenants were not planned (see above).")
      << apply.out;
  EXPECT_EQ(f.writes(), 0);

  next_window(f);
  auto drift = f.run({"drift", "--desired", desired});
  EXPECT_EQ(drift.exit_code, 0) << drift.err;
  EXPECT_THAT(drift.out, HasSubstr("Totals: drift unknown: 2 tenants not planned")) << drift.out;
  EXPECT_THAT(drift.out, Not(HasSubstr("no drift"))) << drift.out;
  next_window(f);
  EXPECT_EQ(f.run({"drift", "--desired", desired, "--detailed-exitcode"}).exit_code, 2);
}

// The same with one tenant whose first read failed while the other was read whole: the
// other is planned, the plan says the first was not, and exits 3 for it.
TEST(NotPlannedCliTest, ATenantWhoseFirstReadFailedIsNamedBesideThePlannedOnes) {
  CliFixture f;
  auto desired = f.write("desired.json", contoso_and_northwind_desired());
  ASSERT_EQ(f.run({"mirror", "--tenant", kContoso}).exit_code, 0);
  fail_every_read(f);
  auto failed = f.run({"mirror", "--tenant", kNorthwind});
  ASSERT_EQ(failed.exit_code, 1) << failed.out << failed.err;
  // It never had a complete state, so the line does not claim one was kept.
  EXPECT_EQ(lines_with(failed.out, {kNorthwind, "FAILED: ",
                                    "(no read of it was ever whole: "
                                    "nothing is planned for it until one is)"})
                .size(),
            1u)
      << failed.out;
  EXPECT_THAT(failed.out + failed.err, Not(HasSubstr("last complete state")));
  f.fake().set_limits(json::object());

  for (const std::vector<std::string>& flags :
       {std::vector<std::string>{}, std::vector<std::string>{"--detailed-exitcode"}}) {
    std::vector<std::string> args = {"plan", "--desired", desired, "--no-refresh"};
    args.insert(args.end(), flags.begin(), flags.end());
    auto plan = f.run(args);
    EXPECT_EQ(plan.exit_code, 3) << plan.out << plan.err;
    EXPECT_THAT(last_line(plan.out),
                HasSubstr("(5 operations for 5 users). 1 tenant was not planned (see above)."))
        << plan.out;
    EXPECT_EQ(lines_with(plan.out, {"  Not planned: tenant was never mirrored"}).size(), 1u)
        << plan.out;
  }
}

// Planned from a stale mirror (Contoso was read whole once; its next read failed): what
// takes access away is not planned, and its drift is unknown.
TEST(NotPlannedCliTest, ATenantPlannedFromAStaleMirrorSaysSo) {
  CliFixture f;
  auto desired = f.write("desired.json", contoso_and_northwind_desired());
  ASSERT_EQ(f.run({"mirror"}).exit_code, 0);
  fail_every_read(f);
  auto failed = f.run({"mirror", "--tenant", kNorthwind});
  EXPECT_EQ(failed.exit_code, 1) << failed.out << failed.err;
  EXPECT_EQ(lines_with(failed.out,
                       {kNorthwind, "FAILED: ", "(kept the last complete state; marked stale)"})
                .size(),
            1u)
      << failed.out;
  // Seats across tenants say it too: a stable token for scripts, and the words.
  json seats = json::parse(f.run({"licenses", "--all-tenants", "--format", "json"}).out);
  int stale_rows = 0;
  for (const auto& row : seats["products"]) {
    if (row["tenant"] != kNorthwind) continue;
    ++stale_rows;
    EXPECT_EQ(row["tenantStatus"], "stale") << row;
    EXPECT_EQ(row["tenantStatusText"].get<std::string>().rfind("stale: ", 0), 0u) << row;
  }
  EXPECT_GT(stale_rows, 0) << seats.dump(1);
  next_window(f);

  auto plan = f.run({"plan", "--desired", desired});
  EXPECT_EQ(plan.exit_code, 3) << plan.out << plan.err;
  EXPECT_EQ(lines_with(plan.out, {"  Stale: nothing that takes access away is planned (tenant "
                                  "mirror is stale: "})
                .size(),
            2u)
      << plan.out;
  EXPECT_THAT(last_line(plan.out), HasSubstr("2 tenants were planned from a stale mirror"))
      << plan.out;
  next_window(f);
  json j = json::parse(f.run({"plan", "--desired", desired, "--format", "json"}).out);
  EXPECT_EQ(j["summary"]["tenantsStale"], 2) << j["summary"];
  EXPECT_THAT(tenant_of(j, kNorthwind)["stale"].get<std::string>(),
              HasSubstr("tenant mirror is stale"));

  next_window(f);
  auto drift = f.run({"drift", "--desired", desired});
  EXPECT_EQ(lines_with(drift.out, {kNorthwind,
                                   "NOT PLANNED, drift unknown: tenant mirror is "
                                   "stale"})
                .size(),
            1u)
      << drift.out;
  EXPECT_THAT(drift.out, Not(HasSubstr("No drift"))) << drift.out;
}

}  // namespace not_planned_cli_test
}  // namespace tenantsync::test
