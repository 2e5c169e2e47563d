// Creating users from desired state (`create` entries), as a user sees it: apply and run
// create them only with a place for their temporary passwords (config passwords.dir: a
// 0700 folder, one new 0600 CSV per run; or apply --passwords-out), else plan and apply
// show the creates blocked with that reason; and no create is ever sent for a UPN outside
// the tenant's verified domains, whether it comes from desired state, `users add` or
// `users import` (fake-graph, the oracle, refuses those too: tests/fakes).
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/e2e/cli_fixture.h"
#include "tests/support/passwords_csv.h"

namespace tenantsync::test {
namespace create_users_cli_test {

using ::testing::HasSubstr;
using ::testing::Not;

const char* kContoso = "contoso.onmicrosoft.com";
const char* kVerified = "(verified: contoso.onmicrosoft.com, sales.contoso.com)";

// Contoso enforced, creating `upns` (each with EMS, in Sales, in the US).
std::string creating(const std::vector<std::string>& upns) {
  nlohmann::json users = nlohmann::json::array();
  for (const auto& upn : upns) {
    users.push_back({{"upn", upn},
                     {"licenses", {"EMS"}},
                     {"create",
                      {{"displayName", upn.substr(0, upn.find('@'))},
                       {"usageLocation", "US"},
                       {"department", "Sales"}}}});
  }
  nlohmann::json desired = {{"version", 1},
                            {"tenants",
                             {{{"tenant", kContoso},
                               {"mode", "enforce"},
                               {"managedSkus", {"EMS"}},
                               {"unlisted", "keep"},
                               {"users", users}}}}};
  return desired.dump(2);
}

bool has_user(const nlohmann::json& state, const std::string& upn) {
  const auto& users = state.at("users");
  return std::any_of(users.begin(), users.end(),
                     [&](const nlohmann::json& u) { return u.at("userPrincipalName") == upn; });
}

int mode_of(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return -1;
  return static_cast<int>(st.st_mode & 0777);
}

std::vector<std::string> files_in(const std::string& folder) {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(folder, ec)) {
    out.push_back(e.path().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

int creates_sent(FakeGraphProcess& fake) {
  auto stats = fake.stats();
  auto route = stats["requests"].find("POST /v1.0/users");
  int n = 0;
  if (route != stats["requests"].end()) {
    for (const auto& [status, count] : route->items()) n += count.get<int>();
  }
  return n;
}

TEST(CreateUsersCliTest, ApplyWithAPasswordsFolderCreatesTheUsersOneFilePerRun) {
  CliFixture f;
  f.write_config({{"passwords", {{"dir", "passwords"}}}});
  const std::string folder = f.dir().file("passwords");
  const std::string nina = "nina.new@contoso.onmicrosoft.com";
  const std::string omar = "omar.new@sales.contoso.com";

  auto plan = f.run({"plan", "--desired", f.write("d1.json", creating({nina, omar}))});
  EXPECT_EQ(plan.exit_code, 0) << plan.out << plan.err;
  EXPECT_THAT(plan.out, Not(HasSubstr("creating users needs")));

  auto first = f.run({"apply", "--desired", f.dir().file("d1.json"), "--yes"});
  EXPECT_EQ(first.exit_code, 0) << first.out << first.err;
  EXPECT_EQ(mode_of(folder), 0700);
  auto files = files_in(folder);
  ASSERT_EQ(files.size(), 1u);
  EXPECT_EQ(mode_of(files[0]), 0600);
  EXPECT_THAT(first.err,
              HasSubstr("the temporary passwords of 2 created users are in " + files[0]));
  auto rows = password_rows(files[0]);
  EXPECT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows.count(nina), 1u);
  EXPECT_EQ(rows.count(omar), 1u);
  for (const auto& [upn, password] : rows) {
    EXPECT_EQ(first.out.find(password), std::string::npos) << "stdout shows a password";
    EXPECT_EQ(first.err.find(password), std::string::npos) << "stderr shows a password";
  }
  auto state = f.fake().state(kContoso);
  EXPECT_TRUE(has_user(state, nina));
  EXPECT_TRUE(has_user(state, omar));
  EXPECT_EQ(direct_sku_ids(find_user(state, nina)),
            std::vector<std::string>{sku_id_of(state, "EMS")});

  // A second run that creates a user writes a second file; the first is left alone.
  const std::string pat = "pat.new@contoso.onmicrosoft.com";
  auto second =
      f.run({"apply", "--desired", f.write("d2.json", creating({nina, omar, pat})), "--yes"});
  EXPECT_EQ(second.exit_code, 0) << second.out << second.err;
  auto after = files_in(folder);
  ASSERT_EQ(after.size(), 2u);
  EXPECT_EQ(password_rows(files[0]), rows);
  std::string newer = after[0] == files[0] ? after[1] : after[0];
  EXPECT_EQ(mode_of(newer), 0600);
  EXPECT_EQ(password_rows(newer).size(), 1u);
  EXPECT_EQ(password_rows(newer).count(pat), 1u);

  // Converged: nothing to create, no third file.
  auto third = f.run({"apply", "--desired", f.dir().file("d2.json"), "--yes"});
  EXPECT_EQ(third.exit_code, 0) << third.out << third.err;
  EXPECT_EQ(files_in(folder).size(), 2u);
}

TEST(CreateUsersCliTest, ApplyPasswordsOutNamesTheFileForOneRun) {
  CliFixture f;
  const std::string pw = f.dir().file("pw.csv");
  auto r = f.run({"apply", "--desired",
                  f.write("d.json", creating({"nina.new@contoso.onmicrosoft.com"})), "--yes",
                  "--passwords-out", pw});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(mode_of(pw), 0600);
  EXPECT_EQ(password_rows(pw).count("nina.new@contoso.onmicrosoft.com"), 1u);

  // An existing file is never overwritten: refused before anything is sent.
  f.fake().reset_stats();
  auto again = f.run({"apply", "--desired",
                      f.write("d2.json", creating({"omar.new@contoso.onmicrosoft.com"})), "--yes",
                      "--passwords-out", pw});
  EXPECT_EQ(again.exit_code, 1) << again.out << again.err;
  EXPECT_THAT(again.err, HasSubstr(pw));
  EXPECT_EQ(f.writes(), 0);
}

// Without a place for passwords a create is blocked with the reason (not planned ready
// and then skipped run after run). Blocked operations keep the tenant from its desired
// state, so apply exits 3, honestly, and says how to unblock it.
TEST(CreateUsersCliTest, WithoutAPasswordsFileCreatesAreBlockedWithTheReason) {
  CliFixture f;
  auto desired = f.write("d.json", creating({"nina.new@contoso.onmicrosoft.com"}));
  const std::string reason =
      "creating users needs a passwords file: set passwords.dir or pass --passwords-out";

  auto plan = f.run({"plan", "--desired", desired, "--format", "json"});
  ASSERT_EQ(plan.exit_code, 0) << plan.err;
  auto ops = nlohmann::json::parse(plan.out)["tenants"][0]["operations"];
  ASSERT_EQ(ops.size(), 1u) << ops.dump(2);
  EXPECT_EQ(ops[0]["op"], "create");
  EXPECT_EQ(ops[0]["status"], "blocked");
  EXPECT_EQ(ops[0]["reason"], reason);

  f.fake().reset_stats();
  auto apply = f.run({"apply", "--desired", desired, "--yes"});
  EXPECT_EQ(apply.exit_code, 3) << apply.out << apply.err;
  EXPECT_THAT(apply.out, HasSubstr(reason));
  EXPECT_EQ(f.writes(), 0);
  EXPECT_FALSE(has_user(f.fake().state(kContoso), "nina.new@contoso.onmicrosoft.com"));
}

// drift, and the cache views that plan (tenants), say what plan says: without a place for
// passwords the create is blocked with plan's reason, and the licenses it would get are
// not "ready" items of their own (plan plans none for a user it cannot create), so no item
// claims apply would fix what it will not send. With passwords.dir both are ready.
TEST(CreateUsersCliTest, DriftShowsACreateBlockedAsPlanDoes) {
  CliFixture f;
  auto desired = f.write("d.json", creating({"nina.new@contoso.onmicrosoft.com"}));
  const std::string reason =
      "creating users needs a passwords file: set passwords.dir or pass --passwords-out";
  auto plan = f.run({"plan", "--desired", desired, "--format", "json"});
  ASSERT_EQ(plan.exit_code, 0) << plan.err;
  auto ops = nlohmann::json::parse(plan.out)["tenants"][0]["operations"];
  ASSERT_EQ(ops.size(), 1u) << ops.dump(2);
  ASSERT_EQ(ops[0]["reason"], reason);

  auto drift = f.run({"drift", "--desired", desired, "--no-refresh", "--format", "json"});
  ASSERT_EQ(drift.exit_code, 0) << drift.err;
  auto report = nlohmann::json::parse(drift.out);
  auto items = report["tenants"][0]["items"];
  ASSERT_EQ(items.size(), 1u) << items.dump(2);
  EXPECT_EQ(items[0]["kind"], "should-be-created");
  EXPECT_EQ(items[0]["status"], "blocked");
  EXPECT_EQ(items[0]["reason"], reason);
  EXPECT_EQ(report["totals"]["blocked"], 1) << report["totals"];

  auto csv = f.run({"drift", "--desired", desired, "--no-refresh", "--format", "csv"});
  ASSERT_EQ(csv.exit_code, 0) << csv.err;
  EXPECT_EQ(lines_with(csv.out, {"nina.new@", "should-be-created", ",blocked," + reason}).size(),
            1u)
      << csv.out;
  EXPECT_THAT(csv.out, Not(HasSubstr(",ready,")));

  auto tenants = f.run({"tenants", "--desired", desired, "--format", "json"});
  ASSERT_EQ(tenants.exit_code, 0) << tenants.err;
  nlohmann::json overview = nlohmann::json::parse(tenants.out);
  for (const auto& t : overview["tenants"]) {
    if (t["domain"] == kContoso) {
      EXPECT_EQ(t["driftItems"], 1) << t;
    }
  }

  // With a place for the passwords, plan and drift both call the create and its license ready.
  f.write_config({{"passwords", {{"dir", "passwords"}}}});
  auto ready = f.run({"drift", "--desired", desired, "--no-refresh", "--format", "json"});
  ASSERT_EQ(ready.exit_code, 0) << ready.err;
  std::vector<std::string> kinds;
  nlohmann::json ready_report = nlohmann::json::parse(ready.out);
  for (const auto& item : ready_report["tenants"][0]["items"]) {
    kinds.push_back(item["kind"].get<std::string>() + " " + item["status"].get<std::string>());
  }
  EXPECT_EQ(kinds, (std::vector<std::string>{"missing-license ready", "should-be-created ready"}));
}

TEST(CreateUsersCliTest, ACreateOutsideTheVerifiedDomainsIsBlockedAndNeverSent) {
  CliFixture f;
  f.write_config({{"passwords", {{"dir", "passwords"}}}});
  auto desired = f.write("d.json", creating({"other@evil.example"}));

  auto plan = f.run({"plan", "--desired", desired});
  EXPECT_EQ(plan.exit_code, 0) << plan.err;
  EXPECT_THAT(plan.out, HasSubstr("evil.example is not a verified domain of this tenant " +
                                  std::string(kVerified)));

  f.fake().reset_stats();
  auto apply = f.run({"apply", "--desired", desired, "--yes"});
  EXPECT_EQ(apply.exit_code, 3) << apply.out << apply.err;
  EXPECT_THAT(apply.out, HasSubstr("evil.example is not a verified domain"));
  EXPECT_EQ(creates_sent(f.fake()), 0);
  EXPECT_EQ(f.writes(), 0);
  EXPECT_TRUE(files_in(f.dir().file("passwords")).empty()) << "no passwords file without users";
}

TEST(CreateUsersCliTest, UsersAddAndImportRefuseUnverifiedDomainsBeforeSending) {
  CliFixture f;
  f.fake().reset_stats();
  auto add = f.run({"users", "add", "--tenant", kContoso, "--upn", "other@evil.example",
                    "--display-name", "Other", "--passwords-out", f.dir().file("pw1.csv")});
  EXPECT_EQ(add.exit_code, 1) << add.out << add.err;
  EXPECT_THAT(add.err, HasSubstr("\"other@evil.example\": evil.example is not a verified domain "
                                 "of this tenant " +
                                 std::string(kVerified)));
  EXPECT_EQ(creates_sent(f.fake()), 0);

  std::string csv = f.write("hires.csv",
                            "userPrincipalName,displayName\n"
                            "ok.person@sales.contoso.com,Ok\n"
                            "bad.person@fabrikam.onmicrosoft.com,Bad\n");
  auto import = f.run({"users", "import", "--tenant", kContoso, "--csv", csv, "--passwords-out",
                       f.dir().file("pw2.csv")});
  EXPECT_EQ(import.exit_code, 1) << import.out << import.err;
  EXPECT_THAT(import.err, HasSubstr(csv + ":3: \"bad.person@fabrikam.onmicrosoft.com\": "
                                          "fabrikam.onmicrosoft.com is not a verified domain"));
  EXPECT_EQ(creates_sent(f.fake()), 0);
  EXPECT_EQ(f.writes(), 0);
  EXPECT_FALSE(has_user(f.fake().state(kContoso), "ok.person@sales.contoso.com"));
}

TEST(CreateUsersCliTest, RunCreatesUsersIntoAPasswordsFileOfItsOwn) {
  CliFixture f;
  auto desired = f.write("d.json", creating({"nina.new@contoso.onmicrosoft.com"}));
  f.write_config({{"desired", desired}, {"reports", {{"dir", ""}}}});
  auto blocked = f.run({"run", "--once"});
  EXPECT_THAT(blocked.out, HasSubstr("1 blocked")) << blocked.out << blocked.err;
  EXPECT_EQ(f.writes(), 0);

  f.write_config(
      {{"desired", desired}, {"reports", {{"dir", ""}}}, {"passwords", {{"dir", "passwords"}}}});
  auto r = f.run({"run", "--once"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  auto files = files_in(f.dir().file("passwords"));
  ASSERT_EQ(files.size(), 1u);
  EXPECT_EQ(mode_of(files[0]), 0600);
  EXPECT_THAT(r.out, HasSubstr("the temporary passwords of 1 created user are in " + files[0]));
  EXPECT_EQ(password_rows(files[0]).count("nina.new@contoso.onmicrosoft.com"), 1u);
  EXPECT_TRUE(has_user(f.fake().state(kContoso), "nina.new@contoso.onmicrosoft.com"));
}

}  // namespace create_users_cli_test
}  // namespace tenantsync::test
