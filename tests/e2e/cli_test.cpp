// The command line as users and scripts see it: commands, help, version, usage errors,
// and config errors pointing at file, line and column.
#include <ostream>

#include <gtest/gtest.h>

#include "tests/support/run_program.h"

namespace tenantsync::test {
namespace cli_test {

const std::vector<std::string> kCommands = {"mirror", "plan",     "apply",  "drift",
                                            "export", "licenses", "assign", "revoke",
                                            "users",  "journal",  "run"};

TEST(CliTest, HelpListsEveryCommand) {
  auto r = run_tenantsync({"--help"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  for (const auto& c : kCommands) EXPECT_NE(r.out.find(c), std::string::npos) << c;
}

TEST(CliTest, EveryCommandHasHelpWithAnExample) {
  std::vector<std::vector<std::string>> commands;
  for (const auto& c : kCommands) {
    if (c != "users") commands.push_back({c});
  }
  for (const auto& u : {"list", "add", "import", "reset-password", "delete", "restore"}) {
    commands.push_back({"users", u});
  }
  for (auto args : commands) {
    args.push_back("--help");
    auto r = run_tenantsync(args);
    EXPECT_EQ(r.exit_code, 0) << args[0];
    EXPECT_NE(r.out.find("Example:"), std::string::npos) << args[0] << "\n" << r.out;
    EXPECT_NE(r.out.find("tenantsync " + args[0]), std::string::npos) << r.out;
  }
}

TEST(CliTest, VersionPrintsTheVersion) {
  auto r = run_tenantsync({"--version"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out.rfind("tenantsync ", 0), 0u) << r.out;
}

struct UsageCase {
  std::vector<std::string> args;
  std::string hint;  // what the one-line hint must name
};

// Names the case by its arguments in test output instead of a byte dump.
void PrintTo(const UsageCase& c, std::ostream* os) {
  *os << "tenantsync";
  for (const auto& a : c.args) *os << " " << a;
}

class CliUsageTest : public ::testing::TestWithParam<UsageCase> {};

TEST_P(CliUsageTest, ExitsWith64AndAHint) {
  auto r = run_tenantsync(GetParam().args);
  EXPECT_EQ(r.exit_code, 64) << r.out << r.err;
  EXPECT_NE(r.err.find(GetParam().hint), std::string::npos) << r.err;
}

INSTANTIATE_TEST_SUITE_P(
    UsageErrors, CliUsageTest,
    ::testing::Values(
        UsageCase{{}, "tenantsync --help"}, UsageCase{{"frobnicate"}, "tenantsync --help"},
        UsageCase{{"plan", "--bogus"}, "tenantsync plan --help"},
        UsageCase{{"plan", "--format", "xml"}, "tenantsync plan --help"},
        UsageCase{{"drift", "--format", "pdf"}, "tenantsync drift --help"},
        UsageCase{{"licenses"}, "tenantsync licenses --help"},
        UsageCase{{"assign", "--tenant", "t", "--sku", "S"}, "tenantsync assign --help"},
        UsageCase{
            {"assign", "--tenant", "t", "--users", "a", "--filter", "unlicensed", "--sku", "S"},
            "tenantsync assign --help"},
        UsageCase{{"users"}, "tenantsync users --help"},
        UsageCase{{"users", "add", "--tenant", "t"}, "tenantsync users add --help"},
        UsageCase{{"users", "list", "--tenant", "t", "--page", "0"},
                  "tenantsync users list --help"},
        UsageCase{{"run", "--every", "soon"}, "tenantsync run --help"},
        UsageCase{{"mirror", "--wait", "soon"}, "tenantsync mirror --help"},
        UsageCase{{"assign", "--tenant", "t", "--users", "a", "--sku", "S", "--wait", "-1"},
                  "tenantsync assign --help"},
        UsageCase{{"--log-level", "loud", "mirror"}, "tenantsync"}));

TEST(CliTest, MissingConfigNamesTheFileAndExits1) {
  TempDir dir;
  auto r = run_tenantsync({"--config", dir.file("nope.json"), "mirror"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find(dir.file("nope.json")), std::string::npos) << r.err;
}

TEST(CliTest, ConfigTypoIsReportedWithFileLineColumnAndKey) {
  TempDir dir;
  std::string path = dir.write("cfg.json",
                               "{\n"
                               "  \"remote\": {\n"
                               "    \"clientId\": \"x\",\n"
                               "    \"clientSecretEnv\": \"S\",\n"
                               "    \"concurency\": 4\n"
                               "  }\n"
                               "}\n");
  auto r = run_tenantsync({"--config", path, "mirror"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find(path + ":5:5: remote.concurency: unknown key \"concurency\""),
            std::string::npos)
      << r.err;
}

TEST(CliTest, ConfigFromEnvironmentVariable) {
  TempDir dir;
  std::string path = dir.write("env.json", "{ \"cache\": 3 }");
  auto r = run_tenantsync({"mirror"}, {{"TENANTSYNC_CONFIG", path}});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find(path + ":1:3: cache: expected a string"), std::string::npos) << r.err;
}

}  // namespace cli_test
}  // namespace tenantsync::test

namespace tenantsync::test {
namespace cli_test {

struct DesiredCase {
  std::string text;
  std::string expected;  // after "<file>:"
};

void PrintTo(const DesiredCase& c, std::ostream* os) { *os << c.expected; }

class CliDesiredStateErrorTest : public ::testing::TestWithParam<DesiredCase> {};

TEST_P(CliDesiredStateErrorTest, NamesFileLineColumnAndFieldPathAndExits1) {
  TempDir dir;
  std::string config =
      dir.write("tenantsync.json", R"({ "remote": { "clientId": "c", "clientSecretEnv": "S" } })");
  std::string desired = dir.write("desired.json", GetParam().text);
  for (const char* command : {"plan", "drift"}) {
    auto r = run_tenantsync({"--config", config, command, "--desired", desired});
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_NE(r.err.find(desired + ":" + GetParam().expected), std::string::npos) << r.err;
  }
}

INSTANTIATE_TEST_SUITE_P(
    DesiredErrors, CliDesiredStateErrorTest,
    ::testing::Values(
        DesiredCase{
            "{\n"
            "  \"version\": 1,\n"
            "  \"tenants\": [\n"
            "    { \"tenant\": \"contoso.onmicrosoft.com\", \"managedSkus\": [\"SPE_E3\"],\n"
            "      \"users\": [\n"
            "        { \"upn\": \"a@contoso.onmicrosoft.com\", \"licenses\": [ { \"skuu\": "
            "\"SPE_E3\" } ] }\n"
            "      ] }\n"
            "  ]\n"
            "}\n",
            "6:63: tenants[0].users[0].licenses[0]: unknown key \"skuu\""},
        DesiredCase{
            "{\n"
            "  \"version\": 1,\n"
            "  \"tenants\": [ { \"tenant\": \"c.onmicrosoft.com\", \"managedSkus\": [\"E3\"],\n"
            "                 \"mode\": 5 } ]\n"
            "}\n",
            "4:18: tenants[0].mode: expected"},
        DesiredCase{"{\n"
                    "  \"version\": 1\n"
                    "  \"tenants\": []\n"
                    "}\n",
                    "3:"}));

}  // namespace cli_test
}  // namespace tenantsync::test
