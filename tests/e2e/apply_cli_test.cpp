// `tenantsync apply` as a user sees it: a saved plan applied, the refusals that send
// nothing (no --yes off a terminal, a stale plan, a safety limit: exits 1 and 4), a
// second apply that finds nothing to do, the JSON outcome per operation, and a partly
// failed apply (exit 3) listing each failure with the service's words.
#include <unistd.h>

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "tests/e2e/cli_fixture.h"

namespace tenantsync::test {
namespace apply_cli_test {

const char* kContoso = "contoso.onmicrosoft.com";
const char* kAllan = "allan.deyoung@contoso.onmicrosoft.com";
const char* kAlex = "alex.wilber@contoso.onmicrosoft.com";
const char* kIsaiah = "isaiah.langer@contoso.onmicrosoft.com";
const char* kEnrico = "enrico.cattaneo@sales.contoso.com";
const char* kAdele = "adele.vance@contoso.onmicrosoft.com";

bool holds(const nlohmann::json& state, const std::string& upn, const std::string& sku) {
  auto ids = direct_sku_ids(find_user(state, upn));
  return std::find(ids.begin(), ids.end(), sku_id_of(state, sku)) != ids.end();
}

std::vector<std::string> disabled_plans(const nlohmann::json& state, const std::string& upn,
                                        const std::string& sku) {
  for (const auto& l : find_user(state, upn)["assignedLicenses"]) {
    if (l["skuId"] == sku_id_of(state, sku)) return l["disabledPlans"];
  }
  return {"(not held)"};
}

// What contoso_changes_desired() asks for, as the fake holds it.
void expect_contoso_changed(FakeGraphProcess& fake) {
  auto state = fake.state(kContoso);
  EXPECT_TRUE(holds(state, kAllan, "SPE_E3"));
  EXPECT_FALSE(holds(state, kAlex, "EMS"));
  EXPECT_TRUE(holds(state, kIsaiah, "EMS"));
  EXPECT_TRUE(holds(state, kEnrico, "EMS"));
  EXPECT_EQ(disabled_plans(state, kAdele, "SPE_E3"), std::vector<std::string>{});
}

void expect_contoso_untouched(FakeGraphProcess& fake) {
  auto state = fake.state(kContoso);
  EXPECT_FALSE(holds(state, kAllan, "SPE_E3"));
  EXPECT_TRUE(holds(state, kAlex, "EMS"));
  EXPECT_FALSE(holds(state, kIsaiah, "EMS"));
}

TEST(ApplyCliTest, ASavedPlanIsCarriedOut) {
  CliFixture f;
  auto desired = f.write("desired.json", contoso_changes_desired());
  auto saved = f.dir().file("plan.json");
  ASSERT_EQ(f.run({"plan", "--desired", desired, "--out", saved}).exit_code, 0);
  f.fake().reset_stats();

  auto r = f.run({"apply", "--plan", saved, "--desired", desired, "--yes"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  for (const auto& [user, done] :
       std::vector<std::pair<std::string, std::string>>{{kAllan, "assigned SPE_E3"},
                                                        {kAlex, "revoked EMS"},
                                                        {kIsaiah, "assigned EMS"},
                                                        {kEnrico, "assigned EMS"},
                                                        {kAdele, "updated SPE_E3"}}) {
    EXPECT_NE(r.out.find("  " + user + "\n    \u2713 " + done), std::string::npos)
        << user << " " << done << "\n"
        << r.out;
  }
  EXPECT_EQ(lines_of(r.out).back(),
            "Applied 5 of 5 operations for 5 users: 0 failed, 0 blocked, 0 skipped.");
  EXPECT_EQ(f.writes(), 5) << "one assignLicense per user";
  expect_contoso_changed(f.fake());
}

TEST(ApplyCliTest, WithoutYesAndNoTerminalItRefusesAndSendsNothing) {
  CliFixture f;
  auto desired = f.write("desired.json", contoso_changes_desired());
  // A "y" on a pipe is not a terminal's answer.
  auto r = f.run({"apply", "--desired", desired}, "y\n");
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.err.find("pass --yes"), std::string::npos) << r.err;
  EXPECT_EQ(f.writes(), 0);
  expect_contoso_untouched(f.fake());
}

// Runs `tenantsync args...` on a terminal (util-linux `script` gives it a pseudo-terminal)
// with `answer` typed in; what the terminal showed, stdout and stderr together.
ProgramResult run_on_terminal(const CliFixture& f, const std::vector<std::string>& args,
                              const std::string& answer) {
  auto quote = [](const std::string& s) {
    std::string out = "'";
    for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
  };
  std::string command = "env -u TENANTSYNC_CONFIG " + quote(TENANTSYNC_BIN) + " --config " +
                        quote(f.config_path()) + " --no-progress";
  for (const auto& a : args) command += " " + quote(a);
  return run_program("/usr/bin/script", {"-qec", command, "/dev/null"}, f.environment(), answer);
}

bool have_script() { return access("/usr/bin/script", X_OK) == 0; }

TEST(ApplyCliTest, OnATerminalThePlanIsShownBeforeTheQuestionAndNoSendsNothing) {
  if (!have_script()) GTEST_SKIP() << "util-linux script is not installed";
  CliFixture f;
  auto desired = f.write("desired.json", contoso_changes_desired());
  auto no = run_on_terminal(f, {"apply", "--desired", desired}, "n\n");
  EXPECT_EQ(no.exit_code, 1) << no.out;
  auto question = no.out.find("Apply these operations? [y/N]");
  ASSERT_NE(question, std::string::npos) << no.out;
  // Every operation, as `plan` prints it, comes before the question.
  for (const std::string& shown :
       {std::string(kAllan), std::string(kAlex), std::string(kIsaiah), std::string(kEnrico),
        std::string(kAdele), std::string("Plan: 3 to assign, 1 to revoke, 1 to update")}) {
    auto at = no.out.find(shown);
    EXPECT_LT(at, question) << shown << " is not shown before the question:\n" << no.out;
  }
  EXPECT_EQ(f.writes(), 0);
  expect_contoso_untouched(f.fake());

  auto yes = run_on_terminal(f, {"apply", "--desired", desired}, "y\n");
  EXPECT_EQ(yes.exit_code, 0) << yes.out;
  expect_contoso_changed(f.fake());
}

TEST(ApplyCliTest, AutoApproveIsYes) {
  CliFixture f;
  auto desired = f.write("desired.json", contoso_changes_desired());
  auto r = f.run({"apply", "--desired", desired, "--auto-approve"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  expect_contoso_changed(f.fake());
}

TEST(ApplyCliTest, WhenOnlyReportModeTenantsDifferNothingIsAskedOrSent) {
  CliFixture f;
  std::string report = contoso_changes_desired("report");
  auto desired = f.write("desired.json", report);
  auto r = f.run({"apply", "--desired", desired});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(r.err.find("pass --yes"), std::string::npos) << "nothing to confirm:\n" << r.err;
  EXPECT_NE(r.out.find("report mode"), std::string::npos) << r.out;
  EXPECT_EQ(f.writes(), 0);
  expect_contoso_untouched(f.fake());
}

TEST(ApplyCliTest, AStaleSavedPlanIsRefusedWith4AndNothingIsSent) {
  CliFixture f;
  auto desired = f.write("desired.json", contoso_changes_desired());
  auto saved = f.dir().file("plan.json");
  ASSERT_EQ(f.run({"plan", "--desired", desired, "--out", saved}).exit_code, 0);
  // Between plan and apply someone changes a contoso user in the admin center.
  f.fake().set_licenses(kContoso, "nestor.wilke@contoso.onmicrosoft.com", nlohmann::json::array());
  f.fake().reset_stats();

  auto r = f.run({"apply", "--plan", saved, "--desired", desired, "--yes"});
  EXPECT_EQ(r.exit_code, 4) << r.out << r.err;
  EXPECT_NE(r.err.find("plan is stale: re-run plan"), std::string::npos) << r.err;
  EXPECT_EQ(f.writes(), 0);
  expect_contoso_untouched(f.fake());
}

// Trust rule: act only on current intent. A saved plan whose tenant's desired state
// changed since (switched to report mode, a user taken out of the file) is refused whole,
// before anything is read or sent; so is one checked against no desired state at all.
TEST(ApplyCliTest, ASavedPlanWhoseDesiredStateChangedIsRefusedWith4AndNothingIsSent) {
  CliFixture f;
  auto desired = f.write("desired.json", contoso_changes_desired());
  auto saved = f.dir().file("plan.json");
  ASSERT_EQ(f.run({"plan", "--desired", desired, "--out", saved}).exit_code, 0);
  f.fake().reset_stats();

  auto no_desired = f.run({"apply", "--plan", saved, "--yes"});
  EXPECT_NE(no_desired.exit_code, 0) << no_desired.out << no_desired.err;
  EXPECT_NE(no_desired.err.find("--plan is checked against the current desired state"),
            std::string::npos)
      << no_desired.err;

  f.write("desired.json", contoso_changes_desired("report"));
  auto report = f.run({"apply", "--plan", saved, "--desired", desired, "--yes"});
  EXPECT_EQ(report.exit_code, 4) << report.out << report.err;
  EXPECT_NE(report.err.find("plan is stale: the desired state of contoso.onmicrosoft.com "
                            "changed since it was made; nothing of the saved plan was sent"),
            std::string::npos)
      << report.err;

  std::string without_alex = contoso_changes_desired();
  const std::string alex =
      R"(        { "upn": "alex.wilber@contoso.onmicrosoft.com", "licenses": ["SPE_E3"] },
)";
  ASSERT_NE(without_alex.find(alex), std::string::npos);
  without_alex.erase(without_alex.find(alex), alex.size());
  f.write("desired.json", without_alex);
  auto removed = f.run({"apply", "--plan", saved, "--desired", desired, "--yes"});
  EXPECT_EQ(removed.exit_code, 4) << removed.out << removed.err;

  f.write("desired.json", R"({ "version": 1, "tenants": [
    { "tenant": "fabrikam.onmicrosoft.com", "managedSkus": ["EMS"] } ] })");
  auto gone = f.run({"apply", "--plan", saved, "--desired", desired, "--yes"});
  EXPECT_EQ(gone.exit_code, 4) << gone.out << gone.err;
  EXPECT_NE(gone.err.find("contoso.onmicrosoft.com is no longer in the desired state"),
            std::string::npos)
      << gone.err;

  EXPECT_EQ(f.fake().stats()["writes"], 0);
  expect_contoso_untouched(f.fake());

  // The same file again: the plan is current and is carried out.
  f.write("desired.json", contoso_changes_desired());
  auto same = f.run({"apply", "--plan", saved, "--desired", desired, "--yes"});
  EXPECT_EQ(same.exit_code, 0) << same.out << same.err;
  expect_contoso_changed(f.fake());
}

TEST(ApplyCliTest, OverTheRevocationLimitItIsRefusedWith4NamingLimitCountAndFlag) {
  CliFixture f;
  auto desired = f.write("desired.json", contoso_changes_desired());
  const std::string reason =
      "1 revocation > safety.maxRevocations 0; raise with --max-revocations 1";

  auto flag = f.run({"apply", "--desired", desired, "--yes", "--max-revocations", "0"});
  EXPECT_EQ(flag.exit_code, 4) << flag.out << flag.err;
  EXPECT_NE((flag.out + flag.err).find(reason), std::string::npos) << flag.out << flag.err;
  EXPECT_EQ(f.writes(), 0);

  f.write_config({{"safety", {{"maxRevocations", 0}}}});
  auto config = f.run({"apply", "--desired", desired, "--yes"});
  EXPECT_EQ(config.exit_code, 4) << config.out << config.err;
  EXPECT_NE((config.out + config.err).find(reason), std::string::npos) << config.out;
  EXPECT_EQ(f.writes(), 0);
  expect_contoso_untouched(f.fake());

  // The flag raises the config's limit for one run.
  auto raised = f.run({"apply", "--desired", desired, "--yes", "--max-revocations", "1"});
  EXPECT_EQ(raised.exit_code, 0) << raised.out << raised.err;
  expect_contoso_changed(f.fake());
}

TEST(ApplyCliTest, ASecondApplyAfterConvergenceSendsNothing) {
  CliFixture f;
  auto desired = f.write("desired.json", contoso_changes_desired());
  auto first = f.run({"apply", "--desired", desired, "--yes"});
  ASSERT_EQ(first.exit_code, 0) << first.out << first.err;
  f.fake().reset_stats();

  auto second = f.run({"apply", "--desired", desired, "--yes"});
  EXPECT_EQ(second.exit_code, 0) << second.out << second.err;
  EXPECT_NE(second.out.find("Nothing to apply. The tenants match the desired state."),
            std::string::npos)
      << second.out;
  auto stats = f.fake().stats();
  EXPECT_EQ(stats["writes"], 0);
  for (const auto& item : stats["requests"].items()) {
    const std::string& route = item.key();
    // A $batch's items count under their own routes as well, so they are checked here too.
    EXPECT_TRUE(route.rfind("GET ", 0) == 0 || route.find("/oauth2/") != std::string::npos ||
                route == "POST /v1.0/$batch")
        << "only reads (and tokens) after convergence, got " << route;
  }
}

TEST(ApplyCliTest, AConvergedApplyStillAnswersInJson) {
  CliFixture f;
  auto desired = f.write("desired.json", contoso_changes_desired());
  ASSERT_EQ(f.run({"apply", "--desired", desired, "--yes"}).exit_code, 0);
  auto r = f.run({"apply", "--desired", desired, "--yes", "--format", "json"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  nlohmann::json applied;
  ASSERT_NO_THROW(applied = nlohmann::json::parse(r.out)) << "a script reads this:\n" << r.out;
  EXPECT_TRUE(applied["tenants"][0]["operations"].empty()) << applied;
  EXPECT_EQ(applied["summary"]["applied"], 0);
}

TEST(ApplyCliTest, OnlyBlockedOperationsLeftExit3AndAreListed) {
  CliFixture f;
  // SPE_E5 has no free seat: Alex cannot get it, and apply must not say all is well.
  ASSERT_EQ(free_seats(f.fake().state(kContoso), "SPE_E5"), 0);
  auto desired = f.write("desired.json", R"({ "version": 1, "tenants": [
    { "tenant": "contoso.onmicrosoft.com", "managedSkus": ["SPE_E5"], "unlisted": "keep",
      "users": [ { "upn": "alex.wilber@contoso.onmicrosoft.com", "licenses": ["SPE_E5"] } ] }
  ] })");
  auto r = f.run({"apply", "--desired", desired, "--yes"});
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  EXPECT_NE(r.out.find(std::string("  ") + kAlex + "\n    ! assign SPE_E5 blocked: "),
            std::string::npos)
      << r.out;
  EXPECT_EQ(r.out.find("match the desired state"), std::string::npos) << r.out;
  EXPECT_EQ(f.writes(), 0);

  auto json = f.run({"apply", "--desired", desired, "--yes", "--format", "json"});
  EXPECT_EQ(json.exit_code, 3) << json.err;
  auto applied = nlohmann::json::parse(json.out);
  EXPECT_EQ(applied["tenants"][0]["operations"][0]["status"], "blocked");
  EXPECT_EQ(applied["summary"]["blocked"], 1);
}

TEST(ApplyCliTest, JsonGivesEachOperationsOutcomeInThePlanShape) {
  CliFixture f;
  // The examples: contoso enforced (one update blocked), fabrikam in report mode.
  auto planned = f.run({"plan", "--desired", examples_desired_path(), "--format", "json"});
  ASSERT_EQ(planned.exit_code, 0) << planned.err;
  auto plan = nlohmann::json::parse(planned.out);

  auto r = f.run({"apply", "--desired", examples_desired_path(), "--yes", "--format", "json"});
  EXPECT_EQ(r.exit_code, 3) << "a blocked operation in an enforced tenant is partly done\n"
                            << r.err;
  nlohmann::json applied;
  ASSERT_NO_THROW(applied = nlohmann::json::parse(r.out)) << r.out;
  EXPECT_EQ(applied["version"], 1);
  ASSERT_EQ(applied["tenants"].size(), plan["tenants"].size());
  int applied_count = 0;
  for (size_t t = 0; t < plan["tenants"].size(); ++t) {
    const auto& before = plan["tenants"][t];
    const auto& after = applied["tenants"][t];
    EXPECT_EQ(after["tenant"], before["tenant"]);
    ASSERT_EQ(after["operations"].size(), before["operations"].size()) << before["tenant"];
    for (size_t i = 0; i < before["operations"].size(); ++i) {
      const auto& op = after["operations"][i];
      EXPECT_EQ(op["user"], before["operations"][i]["user"]);
      EXPECT_EQ(op["op"], before["operations"][i]["op"]);
      std::string expected = before["operations"][i]["status"] == "blocked" ? "blocked"
                             : before["mode"] == "report"                   ? "skipped"
                                                                            : "applied";
      EXPECT_EQ(op["status"], expected) << op;
      if (expected == "skipped") {
        EXPECT_EQ(op["reason"], "tenant is in report mode") << op;
      }
      if (expected == "applied") ++applied_count;
    }
  }
  EXPECT_GT(applied_count, 0);
  EXPECT_EQ(applied["summary"]["applied"], applied_count);
  EXPECT_EQ(f.writes(), applied_count) << "each applied operation here is one user's call";
}

// The demo fixture, plus a rule tenantsync cannot know: contoso's service refuses EMS's
// RMS_S_PREMIUM next to SPE_E3's SWAY, so the plan is fine but the service says no.
std::string fixture_with_an_unknown_exclusive_pair(const TempDir& dir) {
  return edited_demo_fixture(dir, "fixture.json", [](nlohmann::json& fixture) {
    for (auto& t : fixture["tenants"]) {
      if (t["defaultDomainName"] != kContoso) continue;
      t["mutuallyExclusivePlans"].push_back(
          {"6c57d4b6-3b23-47a5-9bc9-69f17b4947b3", "a23b959c-7ce8-4e57-9140-b90eb88a9e97"});
    }
  });
}

TEST(ApplyCliTest, APartlyFailedApplyExits3AndListsEachFailureInTheServicesWords) {
  TempDir fixture_dir;
  CliFixture f({"--fixture", fixture_with_an_unknown_exclusive_pair(fixture_dir)}, "demo-secret");
  auto desired = f.write("desired.json", contoso_changes_desired());
  const std::string refusal =
      "Request_BadRequest: License assignment failed because service plans "
      "6c57d4b6-3b23-47a5-9bc9-69f17b4947b3,a23b959c-7ce8-4e57-9140-b90eb88a9e97 are mutually "
      "exclusive.";

  auto r = f.run({"apply", "--desired", desired, "--yes"});
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  for (const char* user : {kIsaiah, kEnrico}) {
    EXPECT_NE(r.out.find(std::string("  ") + user + "\n    \u2717 assign EMS failed: " + refusal),
              std::string::npos)
        << user << "\n"
        << r.out;
  }
  EXPECT_NE(r.out.find(std::string("  ") + kAllan + "\n    \u2713 assigned SPE_E3"),
            std::string::npos)
      << r.out;
  EXPECT_EQ(lines_of(r.out).back(),
            "Applied 3 of 5 operations for 5 users: 2 failed, 0 blocked, 0 skipped.");
  auto state = f.fake().state(kContoso);
  EXPECT_TRUE(holds(state, kAllan, "SPE_E3"));
  EXPECT_FALSE(holds(state, kIsaiah, "EMS"));

  // The JSON says the same, with the service's code and message apart.
  auto again = f.run({"apply", "--desired", desired, "--yes", "--format", "json"});
  EXPECT_EQ(again.exit_code, 3) << again.err;
  auto applied = nlohmann::json::parse(again.out);
  int failed = 0;
  for (const auto& op : applied["tenants"][0]["operations"]) {
    EXPECT_EQ(op["status"], "failed") << "only the refused ones are left: " << op;
    EXPECT_EQ(op["error"]["code"], "Request_BadRequest") << op;
    EXPECT_EQ("Request_BadRequest: " + op["error"]["message"].get<std::string>(), refusal) << op;
    ++failed;
  }
  EXPECT_EQ(failed, 2);
  EXPECT_EQ(applied["summary"]["failed"], 2);
}

}  // namespace apply_cli_test
}  // namespace tenantsync::test
