// Admin roles ("permissions" in Partner Center) end to end (issue #17): the built tenantsync
// against a fake-graph that enforces role management with its own rules. What the tests
// check is what the admin sees and what the service holds afterwards (/_fake/state), and
// that a refused command sends nothing.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/e2e/cli_fixture.h"

namespace tenantsync::test {
namespace admin_roles_cli_test {

using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::UnorderedElementsAre;
using json = nlohmann::json;

const std::string kContoso = "contoso.onmicrosoft.com";
const std::string kLicenseAdmin = "4d6ac14f-3453-41d0-bef9-a3e0c569773a";
const std::string kReportsReader = "4a5d8f65-41da-4de4-8968-e035b65339cf";
const std::string kGlobalAdmin = "62e90394-69f5-4237-9190-012177145e10";

// The role definition ids the service says `upn` holds.
std::vector<std::string> roles_held(CliFixture& cli, const std::string& upn) {
  json state = cli.fake().state(kContoso);
  std::string id = find_user(state, upn)["id"].get<std::string>();
  std::vector<std::string> out;
  for (const auto& a : state["roleAssignments"]) {
    if (a["principalId"] == id) out.push_back(a["roleDefinitionId"].get<std::string>());
  }
  return out;
}

// Requests that could change the tenant: all but GETs and tokens, and a $batch counts by
// its items (the fake counts each under its own route).
int change_requests(CliFixture& cli) {
  int n = 0;
  const nlohmann::json stats = cli.fake().stats();  // held: the loop reads into it
  for (const auto& [route, codes] : stats["requests"].items()) {
    if (route.rfind("GET ", 0) == 0 || route.find("/oauth2/") != std::string::npos ||
        route.ends_with("/$batch")) {
      continue;
    }
    for (const auto& [code, c] : codes.items()) n += c.get<int>();
  }
  return n;
}

TEST(AdminRolesCliTest, UsersAddCreatesTheUserWithItsRolesAndLicensesInOneCommand) {
  CliFixture cli;
  std::string pw = cli.dir().file("pw.csv");
  auto r =
      cli.run({"users", "add", "--tenant", kContoso, "--upn", "new.admin@contoso.onmicrosoft.com",
               "--display-name", "New Admin", "--usage-location", "US", "--license", "EMS",
               "--role", "License Administrator", "--role", kReportsReader, "--passwords-out", pw});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("given role License Administrator"));
  EXPECT_THAT(r.out, HasSubstr("given role Reports Reader"));
  EXPECT_THAT(roles_held(cli, "new.admin@contoso.onmicrosoft.com"),
              UnorderedElementsAre(kLicenseAdmin, kReportsReader));
  json state = cli.fake().state(kContoso);
  EXPECT_EQ(direct_sku_ids(find_user(state, "new.admin@contoso.onmicrosoft.com")),
            std::vector<std::string>{sku_id_of(state, "EMS")});

  // Every role change is in the journal, with the request it sent.
  auto journal = cli.run({"journal", "--tenant", kContoso, "--format", "json"});
  EXPECT_EQ(journal.exit_code, 0) << journal.err;
  EXPECT_THAT(journal.out, HasSubstr("add-role"));
  EXPECT_THAT(journal.out, HasSubstr(kLicenseAdmin));
}

TEST(AdminRolesCliTest, APrivilegedRoleNeedsAllowPrivilegedAndNothingIsSentWithout) {
  CliFixture cli;
  std::string pw = cli.dir().file("pw.csv");
  cli.fake().reset_stats();
  auto refused = cli.run({"users", "add", "--tenant", kContoso, "--upn",
                          "it.boss@contoso.onmicrosoft.com", "--display-name", "IT Boss", "--role",
                          "Global Administrator", "--passwords-out", pw});
  EXPECT_EQ(refused.exit_code, 1) << refused.out << refused.err;
  EXPECT_THAT(refused.err, HasSubstr("Global Administrator is a privileged role"));
  EXPECT_THAT(refused.err, HasSubstr("--allow-privileged"));
  EXPECT_EQ(change_requests(cli), 0);

  auto roles = cli.run({"users", "roles", "--tenant", kContoso, "--user",
                        "adele.vance@contoso.onmicrosoft.com", "--add", kGlobalAdmin});
  EXPECT_EQ(roles.exit_code, 1) << roles.out << roles.err;
  EXPECT_EQ(change_requests(cli), 0);

  auto allowed = cli.run({"users", "roles", "--tenant", kContoso, "--user",
                          "adele.vance@contoso.onmicrosoft.com", "--add", "global administrator",
                          "--allow-privileged"});
  EXPECT_EQ(allowed.exit_code, 0) << allowed.out << allowed.err;
  EXPECT_THAT(roles_held(cli, "adele.vance@contoso.onmicrosoft.com"),
              UnorderedElementsAre(kGlobalAdmin));
}

TEST(AdminRolesCliTest, UsersRolesShowsAddsAndRemoves) {
  CliFixture cli;
  const std::string alex = "alex.wilber@contoso.onmicrosoft.com";
  auto none = cli.run({"users", "roles", "--tenant", kContoso, "--user", alex});
  EXPECT_EQ(none.exit_code, 0) << none.err;
  EXPECT_THAT(none.out, HasSubstr(alex + ": no admin roles"));

  auto dry = cli.run({"users", "roles", "--tenant", kContoso, "--user", alex, "--add",
                      "License Administrator", "--dry-run"});
  EXPECT_EQ(dry.exit_code, 0) << dry.out << dry.err;
  EXPECT_THAT(roles_held(cli, alex), IsEmpty());

  auto add = cli.run({"users", "roles", "--tenant", kContoso, "--user", alex, "--add",
                      "License Administrator", "--add", "Reports Reader"});
  EXPECT_EQ(add.exit_code, 0) << add.out << add.err;
  EXPECT_THAT(roles_held(cli, alex), UnorderedElementsAre(kLicenseAdmin, kReportsReader));
  auto shown = cli.run({"users", "roles", "--tenant", kContoso, "--user", alex});
  EXPECT_THAT(shown.out, HasSubstr(alex + ": License Administrator, Reports Reader"));
  auto listed = cli.run({"users", "list", "--tenant", kContoso, "--format", "json"});
  EXPECT_THAT(listed.out, HasSubstr("License Administrator"));

  auto again = cli.run({"users", "roles", "--tenant", kContoso, "--user", alex, "--add",
                        "License Administrator", "--remove", "Reports Reader"});
  EXPECT_EQ(again.exit_code, 0) << again.out << again.err;
  EXPECT_THAT(again.out, HasSubstr("already holds License Administrator"));
  EXPECT_THAT(roles_held(cli, alex), UnorderedElementsAre(kLicenseAdmin));

  auto unknown =
      cli.run({"users", "roles", "--tenant", kContoso, "--user", alex, "--add", "Chief Wizard"});
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_THAT(unknown.err, HasSubstr("unknown admin role \"Chief Wizard\""));
}

// As assign refuses "EMS is both in --sku and in --remove-sku": a role both to give and to
// take away is refused before anything is sent, with assign's exit code.
TEST(AdminRolesCliTest, ARoleBothToAddAndToRemoveIsRefusedAndNothingIsSent) {
  CliFixture cli;
  const std::string allan = "allan.deyoung@contoso.onmicrosoft.com";
  ASSERT_EQ(
      cli.run({"users", "roles", "--tenant", kContoso, "--user", allan, "--add", "Reports Reader"})
          .exit_code,
      0);
  std::vector<std::string> before = roles_held(cli, allan);
  ASSERT_EQ(before, std::vector<std::string>{kReportsReader});
  cli.fake().reset_stats();
  auto r = cli.run({"users", "roles", "--tenant", kContoso, "--user", allan, "--remove",
                    "Reports Reader", "--add", "Reports Reader", "--yes"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_THAT(r.err,
              HasSubstr("tenantsync users roles: Reports Reader is both in --add and in --remove"));
  EXPECT_THAT(r.out, Not(HasSubstr("removed role")));
  EXPECT_EQ(cli.writes(), 0);
  EXPECT_EQ(roles_held(cli, allan), before);

  auto swap = cli.run(
      {"assign", "--tenant", kContoso, "--users", allan, "--sku", "EMS", "--remove-sku", "EMS"});
  EXPECT_THAT(swap.err, HasSubstr("tenantsync assign: EMS is both in --sku and in --remove-sku"));
  EXPECT_EQ(swap.exit_code, r.exit_code);
}

TEST(AdminRolesCliTest, ImportGivesTheRolesOfTheRolesColumn) {
  CliFixture cli;
  std::string csv = cli.write("hires.csv",
                              "userPrincipalName,displayName,usageLocation,licenses,Roles\n"
                              "ria.roles@contoso.onmicrosoft.com,Ria Roles,US,EMS,"
                              "License Administrator+Reports Reader\n"
                              "sam.plain@contoso.onmicrosoft.com,Sam Plain,US,,\n");
  auto r = cli.run({"users", "import", "--tenant", kContoso, "--csv", csv, "--passwords-out",
                    cli.dir().file("pw.csv")});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(roles_held(cli, "ria.roles@contoso.onmicrosoft.com"),
              UnorderedElementsAre(kLicenseAdmin, kReportsReader));
  EXPECT_THAT(roles_held(cli, "sam.plain@contoso.onmicrosoft.com"), IsEmpty());
}

// create.roles in a desired state: apply creates the user and gives its roles; a
// privileged one needs --allow-privileged, with the reason in the plan.
TEST(AdminRolesCliTest, ApplyGivesTheRolesOfCreateEntries) {
  CliFixture cli;
  std::string desired = cli.write("desired.json", R"({"version": 1, "tenants": [
    {"tenant": "contoso.onmicrosoft.com", "managedSkus": ["EMS"], "users": [
      {"upn": "ops.lead@contoso.onmicrosoft.com", "licenses": [],
       "create": {"displayName": "Ops Lead", "roles": ["Reports Reader", "Global Administrator"]}}
    ]}]})");
  std::string pw = cli.dir().file("pw.csv");
  auto first = cli.run(
      {"apply", "--desired", desired, "--tenant", kContoso, "--yes", "--passwords-out", pw});
  EXPECT_EQ(first.exit_code, 3) << first.out << first.err;
  EXPECT_THAT(first.out, HasSubstr("Global Administrator is a privileged role"));
  EXPECT_THAT(roles_held(cli, "ops.lead@contoso.onmicrosoft.com"),
              UnorderedElementsAre(kReportsReader));
  // The roles belong to the creation: once the user exists the entry plans none.
  auto again = cli.run({"plan", "--desired", desired, "--tenant", kContoso, "--format", "json"});
  EXPECT_EQ(json::parse(again.out)["summary"]["roles"], 0) << again.out;
  auto given =
      cli.run({"users", "roles", "--tenant", kContoso, "--user", "ops.lead@contoso.onmicrosoft.com",
               "--add", "Global Administrator", "--allow-privileged"});
  EXPECT_EQ(given.exit_code, 0) << given.out << given.err;
  EXPECT_THAT(roles_held(cli, "ops.lead@contoso.onmicrosoft.com"),
              UnorderedElementsAre(kReportsReader, kGlobalAdmin));
}

// An app the customer gave User and License Administrator only (GDAP): the service refuses
// role changes, and tenantsync shows its answer verbatim.
TEST(AdminRolesCliTest, AClientWithoutRoleRightsGetsTheServicesRefusalVerbatim) {
  TempDir fixture_dir;
  std::string fixture = edited_demo_fixture(fixture_dir, "limited.json", [](json& f) {
    f["clients"].push_back({{"clientId", "33333333-3333-3333-3333-333333333333"},
                            {"secret", "limited-secret"},
                            {"roles", {"UserAdministrator", "LicenseAdministrator"}}});
  });
  CliFixture cli({"--fixture", fixture}, "limited-secret");
  cli.write_config({{"remote", {{"clientId", "33333333-3333-3333-3333-333333333333"}}}});
  auto r = cli.run({"users", "roles", "--tenant", kContoso, "--user",
                    "alex.wilber@contoso.onmicrosoft.com", "--add", "Reports Reader"});
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("Authorization_RequestDenied"));
  EXPECT_THAT(r.out, HasSubstr("Insufficient privileges to complete the operation."));
  EXPECT_THAT(roles_held(cli, "alex.wilber@contoso.onmicrosoft.com"), IsEmpty());
}

}  // namespace admin_roles_cli_test
}  // namespace tenantsync::test
