#include "model/config.h"

#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

namespace tenantsync {
namespace config_test {

const char* kMinimal = R"({ "remote": { "clientId": "c", "clientSecretEnv": "TS_TEST_SECRET" } })";

TEST(ConfigTest, DefaultsFillEveryOmittedKey) {
  auto c = parse_config(kMinimal, "/etc/ts/tenantsync.json");
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->cache, "/etc/ts/tenantsync.db");
  EXPECT_EQ(c->remote.graph_url, "https://graph.microsoft.com/v1.0");
  EXPECT_EQ(c->remote.concurrency, 8);
  EXPECT_EQ(c->remote.max_attempts, 6);
  EXPECT_EQ(c->remote.throttle_deadline, std::chrono::minutes(10));
  EXPECT_FALSE(c->tenants.has_value());
  EXPECT_EQ(c->schedule_every, std::chrono::minutes(15));
  EXPECT_EQ(c->max_revocations, 50);
  EXPECT_EQ(c->max_deletions, 10);
  EXPECT_EQ(c->reports_keep, 30);
  EXPECT_EQ(c->passwords_dir, "") << "no passwords folder unless one is named";
  EXPECT_EQ(c->log_level, "info");
}

// The product names file resolves like the other paths: against the config's folder.
TEST(ConfigTest, ProductNamesIsAPathRelativeToTheConfig) {
  auto none = parse_config(kMinimal, "/etc/ts/tenantsync.json");
  ASSERT_TRUE(none.ok()) << none.error().message;
  EXPECT_EQ(none->product_names, "");
  auto c = parse_config(
      R"({ "remote": { "clientId": "c", "clientSecretEnv": "S" }, "productNames": "names.csv" })",
      "/etc/ts/tenantsync.json");
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->product_names, "/etc/ts/names.csv");
  auto absolute = parse_config(
      R"({ "remote": { "clientId": "c", "clientSecretEnv": "S" }, "productNames": "/srv/n.json" })",
      "/etc/ts/tenantsync.json");
  ASSERT_TRUE(absolute.ok()) << absolute.error().message;
  EXPECT_EQ(absolute->product_names, "/srv/n.json");
}

TEST(ConfigTest, TheExampleConfigParses) {
  std::ifstream in(std::string(TENANTSYNC_SOURCE_DIR) + "/config.example.json");
  std::stringstream text;
  text << in.rdbuf();
  auto c = parse_config(text.str(), "/x/config.example.json");
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->remote.client_secret_env, "TENANTSYNC_CLIENT_SECRET");
  EXPECT_EQ(c->desired, "/x/examples/desired");
  EXPECT_EQ(c->passwords_dir, "/x/passwords");
  EXPECT_EQ(c->remote.throttle_deadline, std::chrono::minutes(10));
}

TEST(ConfigTest, ThrottleDeadlineIsADuration) {
  auto c = parse_config(R"({ "remote": { "clientId": "c", "clientSecretEnv": "S",
                             "throttleDeadline": "90s" } })",
                        "cfg.json");
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->remote.throttle_deadline, std::chrono::seconds(90));
}

TEST(ConfigTest, ShardIsKSlashNAndAbsentMeansEveryTenant) {
  auto none =
      parse_config(R"({ "remote": { "clientId": "c", "clientSecretEnv": "S" } })", "cfg.json");
  ASSERT_TRUE(none.ok()) << none.error().message;
  EXPECT_FALSE(none->shard);
  auto c = parse_config(R"({ "remote": { "clientId": "c", "clientSecretEnv": "S" },
                             "shard": "1/3" })",
                        "cfg.json");
  ASSERT_TRUE(c.ok()) << c.error().message;
  ASSERT_TRUE(c->shard);
  EXPECT_EQ(c->shard->spec(), "1/3");
  auto bad = parse_config(R"({ "remote": { "clientId": "c", "clientSecretEnv": "S" },
                               "shard": "3/3" })",
                          "cfg.json");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("shard: shard 3/3: k counts from 0"), std::string::npos)
      << bad.error().message;
  auto one = parse_config(R"({ "remote": { "clientId": "c", "clientSecretEnv": "S" },
                               "shard": "0/1" })",
                          "cfg.json");
  ASSERT_TRUE(one.ok()) << one.error().message;
  EXPECT_FALSE(one->shard) << "one shard of one is every tenant";
}

TEST(ConfigTest, TheSchedulersKeysHaveDefaultsAndParse) {
  auto defaults =
      parse_config(R"({ "remote": { "clientId": "c", "clientSecretEnv": "S" } })", "cfg.json");
  ASSERT_TRUE(defaults.ok()) << defaults.error().message;
  EXPECT_EQ(defaults->reports_base_url, "");
  EXPECT_EQ(defaults->webhook_remind_every, std::chrono::hours(24));
  EXPECT_EQ(defaults->health_failed_cycles_before_unhealthy, 1);

  auto c = parse_config(R"({ "remote": { "clientId": "c", "clientSecretEnv": "S" },
                             "reports": { "baseUrl": "https://reports.example.com/ts/" },
                             "webhook": { "remindEvery": "6h" },
                             "health": { "failedCyclesBeforeUnhealthy": 3 } })",
                        "cfg.json");
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->reports_base_url, "https://reports.example.com/ts");
  EXPECT_EQ(c->webhook_remind_every, std::chrono::hours(6));
  EXPECT_EQ(c->health_failed_cycles_before_unhealthy, 3);
}

struct BadConfig {
  std::string text;
  std::string expected;  // a part of the error message
};

void PrintTo(const BadConfig& c, std::ostream* os) { *os << c.expected; }

class ConfigErrorTest : public ::testing::TestWithParam<BadConfig> {};

TEST_P(ConfigErrorTest, NamesFileLineAndKey) {
  auto c = parse_config(GetParam().text, "cfg.json");
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().kind, ErrorKind::Invalid);
  EXPECT_NE(c.error().message.find(GetParam().expected), std::string::npos) << c.error().message;
}

INSTANTIATE_TEST_SUITE_P(
    Errors, ConfigErrorTest,
    ::testing::Values(
        BadConfig{
            "{ \"remote\": { \"clientId\": \"c\", \"clientSecretEnv\": \"S\" }, \"cahce\": \"x\" }",
            "cfg.json:1:58: cahce: unknown key \"cahce\""},
        BadConfig{"{ \"remote\": { \"clientId\": \"c\", \"clientSecretEnv\": \"S\", "
                  "\"concurrency\": 0 } }",
                  "remote.concurrency: expected a whole number from 1 to 256"},
        BadConfig{"{ \"remote\": { \"clientId\": \"c\", \"clientSecret\": \"hunter2\" } }",
                  "secrets are not kept in the config"},
        BadConfig{"{ \"remote\": { \"clientSecretEnv\": \"S\" } }", "remote.clientId is required"},
        BadConfig{"{ \"remote\": { \"clientId\": \"c\" } }", "a credential is required"},
        BadConfig{"{ \"remote\": { \"clientId\": \"c\", \"certificateFile\": \"c.pem\" } }",
                  "go together"},
        BadConfig{"{ \"remote\": { \"clientId\": \"c\", \"clientSecretEnv\": \"S\", "
                  "\"graphUrl\": \"ftp://x\" } }",
                  "remote.graphUrl: expected an http:// or https:// URL"},
        BadConfig{"{ \"remote\": { \"clientId\": \"c\", \"clientSecretEnv\": \"S\" }, "
                  "\"schedule\": { \"every\": \"soon\" } }",
                  "schedule.every: expected a duration"},
        BadConfig{"{ \"remote\": { \"clientId\": \"c\", \"clientSecretEnv\": \"S\" }, \"tenants\": "
                  "\"some\" }",
                  "tenants: expected \"all\" or a list"},
        BadConfig{"{ \"remote\": { \"clientId\": \"c\", \"clientSecretEnv\": \"S\" }, "
                  "\"webhook\": { \"format\": \"irc\" } }",
                  "webhook.format: expected one of \"json\", \"teams\", \"slack\", got \"irc\""},
        BadConfig{"{ \"remote\": { \"clientId\": \"c\", \"clientSecretEnv\": \"S\" }, "
                  "\"log\": { \"level\": \"loud\" } }",
                  "log.level: expected one of"},
        BadConfig{"{ \"remote\": { \"clientId\": \"c\", \"clientSecretEnv\": \"S\", "
                  "\"throttleDeadline\": \"forever\" } }",
                  "remote.throttleDeadline: expected a duration from 1s to 1d"},
        BadConfig{"{ \"remote\": { \"clientId\": \"c\", \"clientSecretEnv\": \"S\", "
                  "\"throttleDeadline\": 600 } }",
                  "remote.throttleDeadline: expected"},
        BadConfig{"{ \"remote\": { \"clientId\": \"c\", \"clientSecretEnv\": \"S\" }, "
                  "\"reports\": { \"baseUrl\": \"reports.example.com\" } }",
                  "reports.baseUrl: expected an http:// or https:// URL"},
        BadConfig{"{ \"remote\": { \"clientId\": \"c\", \"clientSecretEnv\": \"S\" }, "
                  "\"productNames\": [\"names.json\"] }",
                  "productNames: expected a string"},
        BadConfig{"{ \"remote\": { \"clientId\": \"c\", \"clientSecretEnv\": \"S\" }, "
                  "\"webhook\": { \"remindEvery\": \"10s\" } }",
                  "webhook.remindEvery: expected a duration of 1m or more"},
        BadConfig{"{ \"remote\": { \"clientId\": \"c\", \"clientSecretEnv\": \"S\" }, "
                  "\"health\": { \"failedCyclesBeforeUnhealthy\": 0 } }",
                  "health.failedCyclesBeforeUnhealthy"},
        BadConfig{"{ \"remote\": { \"clientId\": \"c\", ", "cfg.json:1:"}));

TEST(ConfigTest, ReportsEveryErrorAtOnce) {
  auto c = parse_config(
      "{ \"a\": 1, \"b\": 2, \"remote\": { \"clientId\": \"c\", \"clientSecretEnv\": \"S\" } }",
      "cfg.json");
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().message.find("unknown key \"a\""), std::string::npos);
  EXPECT_NE(c.error().message.find("unknown key \"b\""), std::string::npos);
}

TEST(ConfigTest, TenantListAndWebhookFormat) {
  auto c = parse_config(R"({ "remote": { "clientId": "c", "clientSecretEnv": "S" },
    "tenants": ["contoso.onmicrosoft.com"], "webhook": { "url": "https://h", "format": "teams" } })",
                        "cfg.json");
  ASSERT_TRUE(c.ok()) << c.error().message;
  ASSERT_TRUE(c->tenants.has_value());
  EXPECT_EQ(c->tenants->at(0), "contoso.onmicrosoft.com");
  EXPECT_EQ(c->webhook_format, WebhookFormat::Teams);
}

TEST(ConfigTest, CredentialCheckNeedsTheSecretVariable) {
  auto c = parse_config(kMinimal, "cfg.json");
  ASSERT_TRUE(c.ok());
  unsetenv("TS_TEST_SECRET");
  auto missing = check_credentials(*c);
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("TS_TEST_SECRET"), std::string::npos);
  setenv("TS_TEST_SECRET", "s3cret-value", 1);
  EXPECT_TRUE(check_credentials(*c).ok());
  unsetenv("TS_TEST_SECRET");
}

TEST(ConfigTest, PrivateKeyReadableByOthersIsRefused) {
  auto dir = std::filesystem::temp_directory_path() / "ts-config-test-key";
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "cert.pem") << "cert";
  std::ofstream(dir / "key.pem") << "key";
  chmod((dir / "key.pem").c_str(), 0644);
  auto c = parse_config(R"({ "remote": { "clientId": "c", "certificateFile": "cert.pem",
      "privateKeyFile": "key.pem" } })",
                        (dir / "cfg.json").string());
  ASSERT_TRUE(c.ok()) << c.error().message;
  auto refused = check_credentials(*c);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("readable by others"), std::string::npos);
  chmod((dir / "key.pem").c_str(), 0600);
  EXPECT_TRUE(check_credentials(*c).ok());
  std::filesystem::remove_all(dir);
}

}  // namespace config_test
}  // namespace tenantsync
