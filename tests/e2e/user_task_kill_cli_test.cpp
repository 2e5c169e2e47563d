// A user task killed while its first $batch is in flight, then run again with a changed
// request, as a user meets it against fake-graph: `users import` is killed (-9) with its
// creates on the wire; the admin takes the licenses out of the CSV and runs it again. The
// new run settles what the killed one left and sends nothing the new file does not ask
// for: no license goes out, whatever the first file said.
#include <signal.h>

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

TEST(UserTaskKillCliTest, AnImportKilledMidBatchAndRunWithoutLicensesSendsNoLicense) {
  CliFixture f;
  ASSERT_EQ(f.run({"mirror"}).exit_code, 0);
  auto first_csv = f.write("hires.csv", hires_csv(true));
  f.fake().set_faults({{"latencyMs", 1500}});
  BackgroundProgram killed(TENANTSYNC_BIN,
                           {"--config", f.config_path(), "users", "import", "--tenant", kContoso,
                            "--csv", first_csv, "--passwords-out", f.dir().file("pw1.csv")},
                           f.environment(), f.dir().file("killed.out"), f.dir().file("killed.err"));
  bool in_flight = eventually([&] {
    if (!killed.running()) return true;
    return journal_entries(f, "sending") > 0;
  });
  ASSERT_TRUE(in_flight && killed.running())
      << "the import ended before its first batch was sent:\n"
      << read_file(f.dir().file("killed.out")) << read_file(f.dir().file("killed.err"));
  EXPECT_EQ(killed.kill_and_wait(SIGKILL), 128 + SIGKILL);
  f.fake().set_faults(json::object());
  // Like a request already on the wire to the real service, the batch lands anyway.
  ASSERT_TRUE(eventually([&] { return f.writes() > 0; }));

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

}  // namespace user_task_kill_cli_test
}  // namespace tenantsync::test
