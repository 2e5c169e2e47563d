// A user task killed while its first $batch is in flight, then run again with a changed
// request, as a user meets it against fake-graph. The new run settles what the killed one
// left and sends nothing the new request does not ask for:
// - `users import` killed (-9) with its creates on the wire; the admin takes the licenses
//   out of the CSV and runs it again: no license goes out, whatever the first file said;
// - `assign` killed with its licenses on the wire; the admin undoes it with `revoke`: the
//   assigns are not sent again, and nobody holds the license at the end;
// - `revoke` killed with its removals on the wire; the admin undoes it with `assign`: the
//   removals are not sent again, and both users hold the license at the end;
// - `users delete` killed with its deletions on the wire; the admin undoes it with
//   `users restore`: no deletion is sent again, and both users are back at the end;
// - `users set` killed with a usage location on the wire; the admin asks for another:
//   the first is not sent again, and the second is what the users hold at the end;
// - `users roles --add` killed with its role assignments on the wire; the admin undoes it
//   with `--remove`: no assignment is made again, and nobody holds the role at the end;
// - `users restore` killed with its restores on the wire; the admin undoes it with
//   `users delete`: no restore is sent again, and both users are deleted at the end;
// - `users reset-password` killed with its resets on the wire; the admin resets one of
//   the two again: only that one is sent, and the other is marked to be run again (its
//   password was never stored, so nobody knows it);
// - `users add` killed with its create on the wire; the admin corrects the UPN: only the
//   corrected user is created, and the first exists once.
#include <signal.h>

#include <algorithm>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/e2e/background_program.h"
#include "tests/e2e/cli_fixture.h"

namespace tenantsync::test {
namespace user_task_kill_cli_test {

using nlohmann::json;

const std::string kContoso = "contoso.onmicrosoft.com";

std::string hires_csv(bool with_licenses) {
  std::string text = "userPrincipalName,displayName,usageLocation,licenses\n";
  for (const char* name : {"kim", "lou", "max"}) {
    text += std::string(name) + ".new@contoso.onmicrosoft.com," + name + ",US," +
            (with_licenses ? "EMS" : "") + "\n";
  }
  return text;
}

int journal_entries(CliFixture& f, const std::string& state) {
  int n = 0;
  for (const auto& e : json::parse(f.run({"journal", "--format", "json"}).out)) {
    n += e["state"] == state ? 1 : 0;
  }
  return n;
}

// How many of `users` (UPNs joined by commas) hold EMS directly, as the service says.
int ems_holders(CliFixture& f, const std::string& users) {
  int n = 0;
  const json state = f.fake().state(kContoso);
  for (const auto& u : state["users"]) {
    if (users.find(u["userPrincipalName"].get<std::string>()) == std::string::npos) continue;
    for (const auto& l : u["assignedLicenses"]) {
      n += l["skuId"] == "efccb6f7-5641-4e0e-bd10-b4976e1bf68e" ? 1 : 0;
    }
  }
  return n;
}

// How many of `users` (UPNs) the service holds soft-deleted (a deleted user's UPN carries
// its id in front).
int soft_deleted(CliFixture& f, const std::vector<std::string>& users) {
  int n = 0;
  const json state = f.fake().state(kContoso);
  for (const auto& u : state["deletedUsers"]) {
    const std::string upn = u["userPrincipalName"];
    for (const auto& user : users) n += upn.find(user) != std::string::npos ? 1 : 0;
  }
  return n;
}

// Runs `tenantsync <task>` against a slow fake, kills it (-9) once its first $batch has
// reached the fake, and waits until that batch lands anyway, as a request already sent to
// the real service would.
void kill_while_its_first_batch_is_sent(CliFixture& f, const std::vector<std::string>& task) {
  f.fake().set_faults({{"latencyMs", 1500}});
  std::vector<std::string> args = {"--config", f.config_path()};
  args.insert(args.end(), task.begin(), task.end());
  BackgroundProgram killed(TENANTSYNC_BIN, args, f.environment(), f.dir().file("killed.out"),
                           f.dir().file("killed.err"));
  // Journalled as sending, and arrived at the service: a kill between the two would take
  // the request with it.
  bool in_flight = eventually([&] {
    if (!killed.running()) return true;
    return journal_entries(f, "sending") > 0 && f.fake().stats().value("held", 0) > 0;
  });
  ASSERT_TRUE(in_flight && killed.running())
      << "the task ended before its first batch was sent:\n"
      << read_file(f.dir().file("killed.out")) << read_file(f.dir().file("killed.err"));
  EXPECT_EQ(killed.kill_and_wait(SIGKILL), 128 + SIGKILL);
  f.fake().set_faults(json::object());
  ASSERT_TRUE(eventually([&] { return f.writes() > 0; }));
}

TEST(UserTaskKillCliTest, AnImportKilledMidBatchAndRunWithoutLicensesSendsNoLicense) {
  CliFixture f;
  ASSERT_EQ(f.run({"mirror"}).exit_code, 0);
  auto first_csv = f.write("hires.csv", hires_csv(true));
  ASSERT_NO_FATAL_FAILURE(kill_while_its_first_batch_is_sent(
      f, {"users", "import", "--tenant", kContoso, "--csv", first_csv, "--passwords-out",
          f.dir().file("pw1.csv")}));

  // The admin takes the licenses out and runs the file again.
  auto second_csv = f.write("hires2.csv", hires_csv(false));
  f.fake().reset_stats();
  auto again = f.run({"users", "import", "--tenant", kContoso, "--csv", second_csv,
                      "--passwords-out", f.dir().file("pw2.csv")});
  EXPECT_EQ(again.exit_code, 0) << again.out << again.err;
  EXPECT_THAT(again.out + again.err, ::testing::HasSubstr("interrupted run")) << again.err;
  json stats = f.fake().stats();
  EXPECT_FALSE(stats["requests"].contains("POST /v1.0/users/{id}/assignLicense"))
      << "a license the new file does not ask for was sent: " << stats.dump(1);
  EXPECT_EQ(journal_entries(f, "sending") + journal_entries(f, "pending"), 0);
  json state = f.fake().state(kContoso);
  int created = 0;
  for (const auto& u : state["users"]) {
    const std::string upn = u["userPrincipalName"];
    created += upn.find(".new@contoso.onmicrosoft.com") != std::string::npos ? 1 : 0;
  }
  EXPECT_EQ(created, 3) << "the creates the new file still asks for were made, once each";
}

TEST(UserTaskKillCliTest, AnAssignKilledMidBatchAndUndoneWithRevokeIsNotSentAgain) {
  CliFixture f;
  ASSERT_EQ(f.run({"mirror"}).exit_code, 0);
  // Neither holds EMS, directly or through a group.
  const std::string users =
      "lidia.holloway@contoso.onmicrosoft.com,megan.bowen@contoso.onmicrosoft.com";
  ASSERT_NO_FATAL_FAILURE(kill_while_its_first_batch_is_sent(
      f, {"assign", "--tenant", kContoso, "--users", users, "--sku", "EMS"}));
  ASSERT_TRUE(eventually([&] { return ems_holders(f, users) > 0; })) << "the writes took effect";
  const int landed = ems_holders(f, users);  // a $batch takes effect as a whole

  f.fake().reset_stats();
  auto undo = f.run({"revoke", "--tenant", kContoso, "--users", users, "--sku", "EMS"});
  EXPECT_EQ(undo.exit_code, 0) << undo.out << undo.err;
  EXPECT_THAT(undo.out + undo.err, ::testing::HasSubstr("interrupted run")) << undo.err;
  json sent = f.fake().stats()["requests"].value("POST /v1.0/users/{id}/assignLicense", json{});
  EXPECT_EQ(sent.value("200", 0), landed)
      << "one removal for each license that landed, and no assign sent again: "
      << f.fake().stats().dump(1);
  EXPECT_EQ(journal_entries(f, "sending") + journal_entries(f, "pending"), 0);
  EXPECT_EQ(ems_holders(f, users), 0) << "nobody holds the license the admin took back";
}

TEST(UserTaskKillCliTest, ARevokeKilledMidBatchAndUndoneWithAssignIsNotSentAgain) {
  CliFixture f;
  ASSERT_EQ(f.run({"mirror"}).exit_code, 0);
  // Both hold EMS directly.
  const std::string users =
      "alex.wilber@contoso.onmicrosoft.com,joni.sherman@contoso.onmicrosoft.com";
  ASSERT_EQ(ems_holders(f, users), 2);
  ASSERT_NO_FATAL_FAILURE(kill_while_its_first_batch_is_sent(
      f, {"revoke", "--tenant", kContoso, "--users", users, "--sku", "EMS"}));
  ASSERT_TRUE(eventually([&] { return ems_holders(f, users) < 2; })) << "the writes took effect";
  const int landed = 2 - ems_holders(f, users);  // a $batch takes effect as a whole

  f.fake().reset_stats();
  auto undo = f.run({"assign", "--tenant", kContoso, "--users", users, "--sku", "EMS"});
  EXPECT_EQ(undo.exit_code, 0) << undo.out << undo.err;
  EXPECT_THAT(undo.out + undo.err, ::testing::HasSubstr("interrupted run")) << undo.err;
  json sent = f.fake().stats()["requests"].value("POST /v1.0/users/{id}/assignLicense", json{});
  EXPECT_EQ(sent.value("200", 0), landed)
      << "one assign for each removal that landed, and no removal sent again: "
      << f.fake().stats().dump(1);
  EXPECT_EQ(journal_entries(f, "sending") + journal_entries(f, "pending"), 0);
  EXPECT_EQ(ems_holders(f, users), 2) << "both hold the license the admin gave back";
}

TEST(UserTaskKillCliTest, ADeleteKilledMidBatchAndUndoneWithRestoreIsNotSentAgain) {
  CliFixture f;
  ASSERT_EQ(f.run({"mirror"}).exit_code, 0);
  const std::vector<std::string> leavers = {"lidia.holloway@contoso.onmicrosoft.com",
                                            "megan.bowen@contoso.onmicrosoft.com"};
  ASSERT_NO_FATAL_FAILURE(kill_while_its_first_batch_is_sent(
      f, {"users", "delete", "--tenant", kContoso, "--user", leavers[0], "--user", leavers[1]}));
  auto deleted = [&] { return soft_deleted(f, leavers); };
  ASSERT_TRUE(eventually([&] { return deleted() > 0; })) << "the deletions took effect";
  const int landed = deleted();  // a $batch takes effect as a whole

  f.fake().reset_stats();
  auto undo =
      f.run({"users", "restore", "--tenant", kContoso, "--user", leavers[0], "--user", leavers[1]});
  EXPECT_EQ(undo.exit_code, 0) << undo.out << undo.err;
  EXPECT_THAT(undo.out + undo.err, ::testing::HasSubstr("interrupted run")) << undo.err;
  const json requests = f.fake().stats()["requests"];
  EXPECT_FALSE(requests.contains("DELETE /v1.0/users/{id}"))
      << "a deletion the admin took back was sent again: " << requests.dump(1);
  json restored = requests.value("POST /v1.0/directory/deletedItems/{id}/restore", json{});
  EXPECT_EQ(restored.value("200", 0), landed)
      << "one restore for each deletion that landed: " << requests.dump(1);
  EXPECT_EQ(journal_entries(f, "sending") + journal_entries(f, "pending"), 0);
  EXPECT_EQ(deleted(), 0);
  int active = 0;
  const json state = f.fake().state(kContoso);
  for (const auto& u : state["users"]) {
    for (const auto& leaver : leavers) active += u["userPrincipalName"] == leaver ? 1 : 0;
  }
  EXPECT_EQ(active, 2) << "both users are back";
}

TEST(UserTaskKillCliTest, AUsersSetKilledMidBatchAndChangedIsNotSentAgain) {
  CliFixture f;
  ASSERT_EQ(f.run({"mirror"}).exit_code, 0);
  const std::vector<std::string> movers = {"lidia.holloway@contoso.onmicrosoft.com",
                                           "megan.bowen@contoso.onmicrosoft.com"};
  ASSERT_NO_FATAL_FAILURE(kill_while_its_first_batch_is_sent(
      f, {"users", "set", "--tenant", kContoso, "--user", movers[0], "--user", movers[1],
          "--usage-location", "FR"}));
  auto located_in = [&](const std::string& country) {
    int n = 0;
    const json state = f.fake().state(kContoso);
    for (const auto& u : state["users"]) {
      for (const auto& mover : movers) {
        n += u["userPrincipalName"] == mover && u.value("usageLocation", "") == country ? 1 : 0;
      }
    }
    return n;
  };
  ASSERT_TRUE(eventually([&] { return located_in("FR") > 0; })) << "the writes took effect";

  // The admin meant Germany.
  f.fake().reset_stats();
  auto again = f.run({"users", "set", "--tenant", kContoso, "--user", movers[0], "--user",
                      movers[1], "--usage-location", "DE"});
  EXPECT_EQ(again.exit_code, 0) << again.out << again.err;
  EXPECT_THAT(again.out + again.err, ::testing::HasSubstr("interrupted run")) << again.err;
  const json requests = f.fake().stats()["requests"];
  EXPECT_EQ(requests.value("PATCH /v1.0/users/{id}", json{}).value("204", 0), 2)
      << "one update a user, the one asked for now: " << requests.dump(1);
  EXPECT_EQ(journal_entries(f, "sending") + journal_entries(f, "pending"), 0);
  EXPECT_EQ(located_in("DE"), 2);
}

TEST(UserTaskKillCliTest, ARoleAddKilledMidBatchAndUndoneWithRemoveIsNotSentAgain) {
  CliFixture f;
  ASSERT_EQ(f.run({"mirror"}).exit_code, 0);
  const std::vector<std::string> admins = {"lidia.holloway@contoso.onmicrosoft.com",
                                           "megan.bowen@contoso.onmicrosoft.com"};
  const std::string license_admin = "4d6ac14f-3453-41d0-bef9-a3e0c569773a";
  auto holders = [&] {
    int n = 0;
    const json state = f.fake().state(kContoso);
    for (const auto& u : state["users"]) {
      if (std::find(admins.begin(), admins.end(), u["userPrincipalName"]) == admins.end()) {
        continue;
      }
      for (const auto& a : state["roleAssignments"]) {
        n += a["principalId"] == u["id"] && a["roleDefinitionId"] == license_admin ? 1 : 0;
      }
    }
    return n;
  };
  ASSERT_EQ(holders(), 0);
  ASSERT_NO_FATAL_FAILURE(kill_while_its_first_batch_is_sent(
      f, {"users", "roles", "--tenant", kContoso, "--user", admins[0], "--user", admins[1], "--add",
          "License Administrator"}));
  ASSERT_TRUE(eventually([&] { return holders() > 0; })) << "the writes took effect";
  const int landed = holders();  // a $batch takes effect as a whole

  f.fake().reset_stats();
  auto undo = f.run({"users", "roles", "--tenant", kContoso, "--user", admins[0], "--user",
                     admins[1], "--remove", "License Administrator"});
  EXPECT_EQ(undo.exit_code, 0) << undo.out << undo.err;
  EXPECT_THAT(undo.out + undo.err, ::testing::HasSubstr("interrupted run")) << undo.err;
  const json requests = f.fake().stats()["requests"];
  EXPECT_FALSE(requests.contains("POST /v1.0/roleManagement/directory/roleAssignments"))
      << "a role the admin took back was given again: " << requests.dump(1);
  json removed =
      requests.value("DELETE /v1.0/roleManagement/directory/roleAssignments/{id}", json{});
  EXPECT_EQ(removed.value("204", 0), landed)
      << "one removal for each assignment that landed: " << requests.dump(1);
  EXPECT_EQ(journal_entries(f, "sending") + journal_entries(f, "pending"), 0);
  EXPECT_EQ(holders(), 0) << "nobody holds the role the admin took back";
}

TEST(UserTaskKillCliTest, ARestoreKilledMidBatchAndUndoneWithDeleteIsNotSentAgain) {
  CliFixture f;
  ASSERT_EQ(f.run({"mirror"}).exit_code, 0);
  const std::vector<std::string> leavers = {"lidia.holloway@contoso.onmicrosoft.com",
                                            "megan.bowen@contoso.onmicrosoft.com"};
  auto deleted = [&] { return soft_deleted(f, leavers); };
  auto deleting =
      f.run({"users", "delete", "--tenant", kContoso, "--user", leavers[0], "--user", leavers[1]});
  ASSERT_EQ(deleting.exit_code, 0) << deleting.out << deleting.err;
  ASSERT_EQ(deleted(), 2);
  ASSERT_NO_FATAL_FAILURE(kill_while_its_first_batch_is_sent(
      f, {"users", "restore", "--tenant", kContoso, "--user", leavers[0], "--user", leavers[1]}));
  ASSERT_TRUE(eventually([&] { return deleted() < 2; })) << "the restores took effect";
  const int landed = 2 - deleted();  // a $batch takes effect as a whole

  // The admin keeps them deleted after all.
  f.fake().reset_stats();
  auto undo =
      f.run({"users", "delete", "--tenant", kContoso, "--user", leavers[0], "--user", leavers[1]});
  EXPECT_EQ(undo.exit_code, 0) << undo.out << undo.err;
  EXPECT_THAT(undo.out + undo.err, ::testing::HasSubstr("interrupted run")) << undo.err;
  const json requests = f.fake().stats()["requests"];
  EXPECT_FALSE(requests.contains("POST /v1.0/directory/deletedItems/{id}/restore"))
      << "a restore the admin took back was sent again: " << requests.dump(1);
  EXPECT_EQ(requests.value("DELETE /v1.0/users/{id}", json{}).value("204", 0), landed)
      << "one deletion for each restore that landed: " << requests.dump(1);
  EXPECT_EQ(journal_entries(f, "sending") + journal_entries(f, "pending"), 0);
  EXPECT_EQ(deleted(), 2) << "both users are deleted";
}

TEST(UserTaskKillCliTest, AResetKilledMidBatchIsNeverSentAgainAndOnlyTheNewOneGoesOut) {
  CliFixture f;
  ASSERT_EQ(f.run({"mirror"}).exit_code, 0);
  const std::string lidia = "lidia.holloway@contoso.onmicrosoft.com";
  const std::string megan = "megan.bowen@contoso.onmicrosoft.com";
  ASSERT_NO_FATAL_FAILURE(kill_while_its_first_batch_is_sent(
      f, {"users", "reset-password", "--tenant", kContoso, "--user", lidia, "--user", megan,
          "--passwords-out", f.dir().file("pw1.csv")}));

  // The admin resets Lidia's password again; Megan's waits for another day.
  f.fake().reset_stats();
  auto again = f.run({"users", "reset-password", "--tenant", kContoso, "--user", lidia,
                      "--passwords-out", f.dir().file("pw2.csv")});
  EXPECT_EQ(again.exit_code, 0) << again.out << again.err;
  EXPECT_THAT(again.out + again.err, ::testing::HasSubstr("interrupted run")) << again.err;
  const json requests = f.fake().stats()["requests"];
  EXPECT_EQ(requests.value("PATCH /v1.0/users/{id}", json{}).value("204", 0), 1)
      << "only the reset asked for now: " << requests.dump(1);
  EXPECT_EQ(journal_entries(f, "sending") + journal_entries(f, "pending"), 0);
  int to_run_again = 0;
  for (const auto& e : json::parse(f.run({"journal", "--format", "json"}).out)) {
    if (e["op"] != "reset-password" || !e.contains("error")) continue;
    const std::string message = e["error"].value("message", "");
    to_run_again += message.find("run users reset-password again") != std::string::npos;
  }
  EXPECT_EQ(to_run_again, 2) << "both killed resets say their password is not known";
  EXPECT_THAT(read_file(f.dir().file("pw2.csv")), ::testing::HasSubstr(lidia));
}

TEST(UserTaskKillCliTest, AnAddKilledMidCreateAndCorrectedCreatesOnlyTheCorrectedUser) {
  CliFixture f;
  ASSERT_EQ(f.run({"mirror"}).exit_code, 0);
  const std::string typo = "temp.hrie@contoso.onmicrosoft.com";
  const std::string meant = "temp.hire@contoso.onmicrosoft.com";
  ASSERT_NO_FATAL_FAILURE(kill_while_its_first_batch_is_sent(
      f, {"users", "add", "--tenant", kContoso, "--upn", typo, "--display-name", "Temp Hire",
          "--passwords-out", f.dir().file("pw1.csv")}));
  auto holders_of = [&](const std::string& upn) {
    int n = 0;
    const json state = f.fake().state(kContoso);
    for (const auto& u : state["users"]) n += u["userPrincipalName"] == upn ? 1 : 0;
    return n;
  };
  ASSERT_TRUE(eventually([&] { return holders_of(typo) > 0; })) << "the create took effect";

  f.fake().reset_stats();
  auto again = f.run({"users", "add", "--tenant", kContoso, "--upn", meant, "--display-name",
                      "Temp Hire", "--passwords-out", f.dir().file("pw2.csv")});
  EXPECT_EQ(again.exit_code, 0) << again.out << again.err;
  EXPECT_THAT(again.out + again.err, ::testing::HasSubstr("interrupted run")) << again.err;
  const json requests = f.fake().stats()["requests"];
  EXPECT_EQ(requests.value("POST /v1.0/users", json{}).value("201", 0), 1)
      << "one create, of the user asked for now: " << requests.dump(1);
  EXPECT_EQ(journal_entries(f, "sending") + journal_entries(f, "pending"), 0);
  EXPECT_EQ(holders_of(meant), 1);
  EXPECT_EQ(holders_of(typo), 1) << "the killed run's user exists once";
}

}  // namespace user_task_kill_cli_test
}  // namespace tenantsync::test
