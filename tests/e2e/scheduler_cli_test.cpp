// `tenantsync run` as it runs in production: fake-graph with the demo estate, the
// scheduler every 2 s with /healthz and /metrics on a port and a webhook listener. Out of
// band changes are put back for the enforce tenant (Contoso) and only reported for the
// report tenant (Fabrikam); the webhook hears of it; a hand task gets the cache between
// cycles; SIGTERM stops it cleanly with a complete journal.
#include <signal.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/e2e/background_program.h"
#include "tests/e2e/cli_fixture.h"
#include "tests/support/local_http_server.h"
#include "tests/support/test_http.h"

namespace tenantsync::test {
namespace scheduler_cli_test {

using ::testing::HasSubstr;
using ::testing::Not;
using namespace std::chrono_literals;

const std::string kContoso = "contoso.onmicrosoft.com";
const std::string kFabrikam = "fabrikam.onmicrosoft.com";
const std::string kAllan = "allan.deyoung@contoso.onmicrosoft.com";  // desired: SPE_E3
const std::string kAisha = "aisha.bello@fabrikam.onmicrosoft.com";   // rule: SPE_E3 + EMS

// Cycles reported on stdout so far.
int cycles_in(const std::string& out) {
  return static_cast<int>(lines_with(out, {"cycle ", " in ", " s: "}).size());
}

TEST(SchedulerCliTest, KeepsEnforceTenantsReconciledReportsTheOthersAndStopsCleanly) {
  CliFixture f;
  LocalHttpServer hook([](const LocalHttpServer::Request&) { return http_reply(204, ""); });
  std::string reports = f.dir().file("reports");
  f.write_config({{"desired", examples_desired_path()},
                  {"reports", {{"dir", reports}, {"keep", 3}}},
                  {"webhook", {{"url", hook.url() + "/hook"}, {"format", "json"}}}});
  int port = unused_port();
  std::string base = "http://127.0.0.1:" + std::to_string(port);
  std::string out = f.dir().file("run.out");
  BackgroundProgram run(TENANTSYNC_BIN,
                        {"--config", f.config_path(), "run", "--every", "2s", "--listen",
                         "127.0.0.1:" + std::to_string(port)},
                        f.environment(), out, f.dir().file("run.err"));
  ASSERT_TRUE(eventually([&] { return cycles_in(read_file(out)) >= 1; }))
      << read_file(out) << read_file(f.dir().file("run.err"));

  // The scheduler holds the cache only while a cycle runs: a hand task gets in between
  // cycles (or waits for the running one) instead of being refused.
  ProgramResult mirror = f.run({"mirror"});
  EXPECT_EQ(mirror.exit_code, 0) << mirror.err;
  EXPECT_THAT(mirror.err, Not(HasSubstr("in use")));
  // A second scheduler on the same cache is refused: two would take turns at its cycles.
  ProgramResult second = f.run({"run", "--once"});
  EXPECT_EQ(second.exit_code, 1);
  EXPECT_THAT(second.err, HasSubstr("another tenantsync run already serves the cache"));
  EXPECT_THAT(second.err, HasSubstr("(tenantsync run)"));

  // Out of band: Allan (Contoso, enforce) and Aisha (Fabrikam, report) lose their licenses.
  f.fake().set_licenses(kContoso, kAllan, nlohmann::json::array());
  f.fake().set_licenses(kFabrikam, kAisha, nlohmann::json::array());
  int before = cycles_in(read_file(out));

  ASSERT_TRUE(eventually([&] {
    return !direct_sku_ids(find_user(f.fake().state(kContoso), kAllan)).empty();
  })) << read_file(out);
  auto contoso = f.fake().state(kContoso);
  EXPECT_THAT(direct_sku_ids(find_user(contoso, kAllan)),
              ::testing::ElementsAre(sku_id_of(contoso, "SPE_E3")));
  // Two more cycles: Fabrikam is reported each time and never changed.
  ASSERT_TRUE(eventually([&] { return cycles_in(read_file(out)) >= before + 3; }));
  EXPECT_TRUE(direct_sku_ids(find_user(f.fake().state(kFabrikam), kAisha)).empty());

  // The newest JSON report lists Aisha's missing licenses; only `keep` cycles are kept.
  std::vector<std::string> json_reports;
  for (const auto& e : std::filesystem::directory_iterator(reports)) {
    if (e.path().extension() == ".json") json_reports.push_back(e.path().string());
  }
  std::sort(json_reports.begin(), json_reports.end());
  ASSERT_FALSE(json_reports.empty());
  EXPECT_LE(json_reports.size(), 3u);
  std::string newest = read_file(json_reports.back());
  EXPECT_THAT(newest, HasSubstr(kAisha));
  EXPECT_THAT(newest, HasSubstr("missing-license"));

  // The webhook heard of the cycle that put Allan back.
  bool told_of_the_fix = false;
  for (const auto& r : hook.requests()) {
    EXPECT_EQ(r.method, "POST");
    EXPECT_EQ(r.target, "/hook");
    auto body = nlohmann::json::parse(r.body);
    EXPECT_EQ(body["source"], "tenantsync");
    for (const auto& t : body["tenants"]) {
      if (t["tenant"] == kContoso && t["applied"].get<int>() >= 1) told_of_the_fix = true;
    }
  }
  EXPECT_TRUE(told_of_the_fix) << hook.requests().size() << " notifications";

  HttpReply health = http_request("GET", base + "/healthz");
  EXPECT_EQ(health.status, 200);
  EXPECT_THAT(health.body, HasSubstr("ok: last cycle finished"));
  HttpReply metrics = http_request("GET", base + "/metrics");
  EXPECT_EQ(metrics.status, 200);
  EXPECT_THAT(metrics.body, HasSubstr("# TYPE tenantsync_cycles_total counter"));
  EXPECT_THAT(metrics.body,
              HasSubstr("tenantsync_operations_total{op=\"assign\",outcome=\"applied\"}"));
  EXPECT_THAT(metrics.body, HasSubstr("tenantsync_drift_items{tenant=\"" + kFabrikam + "\"}"));
  EXPECT_THAT(metrics.body, HasSubstr("tenantsync_http_requests_total{status=\"200\"}"));
  EXPECT_THAT(metrics.body,
              HasSubstr("tenantsync_seats_free{tenant=\"" + kContoso + "\",sku=\"SPE_E3\"}"));

  EXPECT_EQ(run.kill_and_wait(SIGTERM), 0);
  EXPECT_THAT(read_file(out), HasSubstr("stopped: the journal is complete"));
  ProgramResult journal = f.run({"journal", "--format", "json"});
  ASSERT_EQ(journal.exit_code, 0) << journal.err;
  auto entries = nlohmann::json::parse(journal.out);
  ASSERT_TRUE(entries.is_array()) << journal.out;
  bool allan_applied = false;
  for (const auto& e : entries) {
    EXPECT_NE(e["state"], "pending") << e.dump();
    EXPECT_NE(e["state"], "sending") << e.dump();
    EXPECT_NE(e["tenant"], kFabrikam) << "a report tenant is never sent anything";
    if (e["user"] == kAllan && e["state"] == "applied") allan_applied = true;
  }
  EXPECT_TRUE(allan_applied) << journal.out;
}

TEST(SchedulerCliTest, SighupReloadsTheDesiredStateAndKeepsTheOldOneWhenTheNewIsBroken) {
  CliFixture f;
  std::string desired = f.write("desired.json", contoso_changes_desired());
  f.write_config({{"desired", desired}, {"reports", {{"dir", f.dir().file("r")}}}});
  std::string out = f.dir().file("run.out");
  std::string err = f.dir().file("run.err");
  BackgroundProgram run(TENANTSYNC_BIN, {"--config", f.config_path(), "run", "--every", "1s"},
                        f.environment(), out, err);
  ASSERT_TRUE(eventually([&] { return cycles_in(read_file(out)) >= 1; })) << read_file(err);

  f.write("desired.json", "{ \"version\": 1, \"tenants\": [ ");  // cut off mid-edit
  ASSERT_TRUE(run.signal(SIGHUP));
  ASSERT_TRUE(eventually([&] { return read_file(err).find("reload failed") != std::string::npos; }))
      << read_file(err);
  EXPECT_THAT(read_file(err), HasSubstr("keeping the previous config and desired state"));
  EXPECT_THAT(read_file(err), HasSubstr("desired.json:1:"));
  int cycles = cycles_in(read_file(out));
  ASSERT_TRUE(eventually([&] { return cycles_in(read_file(out)) >= cycles + 1; }))
      << "cycles go on with the old desired state";

  // A good file: Allan, given SPE_E3 by the old file, should now hold none.
  ASSERT_TRUE(eventually([&] {
    auto contoso = f.fake().state(kContoso);
    auto held = direct_sku_ids(find_user(contoso, kAllan));
    return std::find(held.begin(), held.end(), sku_id_of(contoso, "SPE_E3")) != held.end();
  }));
  f.write("desired.json", R"({"version": 1, "tenants": [{"tenant": ")" + kContoso +
                              R"(", "managedSkus": ["SPE_E3"], "users": [{"upn": ")" + kAllan +
                              R"(", "licenses": []}]}]})");
  ASSERT_TRUE(run.signal(SIGHUP));
  ASSERT_TRUE(eventually([&] {
    return read_file(err).find("reloaded the config and the desired state") != std::string::npos;
  })) << read_file(err);
  ASSERT_TRUE(eventually([&] {
    auto contoso = f.fake().state(kContoso);
    auto held = direct_sku_ids(find_user(contoso, kAllan));
    return std::find(held.begin(), held.end(), sku_id_of(contoso, "SPE_E3")) == held.end();
  })) << read_file(out);
  EXPECT_EQ(run.kill_and_wait(SIGTERM), 0);
}

TEST(SchedulerCliTest, OnceRunsOneCycleAndExitsWithApplysCode) {
  CliFixture f;
  f.write_config({{"desired", examples_desired_path()}, {"reports", {{"dir", f.dir().file("r")}}}});
  ProgramResult first = f.run({"run", "--once"});
  // The demo estate has blocked operations on purpose: partly done.
  EXPECT_EQ(first.exit_code, 3) << first.out << first.err;
  EXPECT_THAT(first.out, HasSubstr("cycle 1: partial"));
  EXPECT_TRUE(std::filesystem::exists(f.dir().file("r")));
  int writes = f.writes();
  ProgramResult second = f.run({"run", "--once"});
  EXPECT_THAT(second.out, HasSubstr("cycle 1:"));
  EXPECT_EQ(f.writes(), writes) << "a converged estate gets no writes";
}

// Reports written by `run` so far (the .json ones), oldest first.
std::vector<std::string> json_reports_in(const std::string& dir) {
  std::vector<std::string> out;
  if (!std::filesystem::exists(dir)) return out;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    if (e.path().extension() == ".json") out.push_back(e.path().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<nlohmann::json> bodies(const LocalHttpServer& hook) {
  std::vector<nlohmann::json> out;
  for (const auto& r : hook.requests()) out.push_back(nlohmann::json::parse(r.body));
  return out;
}

// An admin's week, compressed: a good cycle, then a wrong secret for several cycles, then
// the right one again.
TEST(SchedulerCliTest, AWrongSecretFailsHonestlyOnceAndRecoveryIsAnnounced) {
  CliFixture f;
  LocalHttpServer hook([](const LocalHttpServer::Request&) { return http_reply(204, ""); });
  std::string reports = f.dir().file("reports");
  f.write_config({{"desired", examples_desired_path()},
                  {"reports", {{"dir", reports}, {"keep", 2}}},
                  {"webhook", {{"url", hook.url() + "/hook"}, {"format", "json"}}}});
  ProgramResult good = f.run({"run", "--once"});
  ASSERT_EQ(json_reports_in(reports).size(), 1u) << good.out << good.err;
  std::string good_report = json_reports_in(reports).front();
  size_t told = hook.requests().size();
  ASSERT_EQ(told, 1u) << "the first cycle's drift is news";

  auto wrong = f.environment();
  for (auto& [name, value] : wrong) {
    if (name != "TENANTSYNC_CONFIG") value = "not-the-secret";
  }
  int port = unused_port();
  std::string base = "http://127.0.0.1:" + std::to_string(port);
  std::string out = f.dir().file("wrong.out");
  {
    BackgroundProgram run(TENANTSYNC_BIN,
                          {"--config", f.config_path(), "run", "--every", "1s", "--listen",
                           "127.0.0.1:" + std::to_string(port)},
                          wrong, out, f.dir().file("wrong.err"));
    ASSERT_TRUE(eventually([&] { return cycles_in(read_file(out)) >= 4; }))
        << read_file(out) << read_file(f.dir().file("wrong.err"));
    HttpReply health = http_request("GET", base + "/healthz");
    EXPECT_EQ(health.status, 503) << health.body;
    EXPECT_THAT(health.body, HasSubstr("failed"));
    EXPECT_THAT(health.body, HasSubstr("AADSTS"));
    HttpReply metrics = http_request("GET", base + "/metrics");
    EXPECT_THAT(metrics.body, HasSubstr("tenantsync_cycles_total{status=\"failed\"}"));
    EXPECT_EQ(run.kill_and_wait(SIGTERM), 0);
  }
  std::string text = read_file(out);
  EXPECT_THAT(text, HasSubstr("cycle 1: failed"));
  EXPECT_THAT(text, HasSubstr("no drift report written (the last complete one stays)"));
  EXPECT_THAT(text, Not(HasSubstr("No drift")));
  // The error is said once per cycle, not once per tenant and again for the cycle.
  EXPECT_EQ(lines_with(text, {"AADSTS"}).size(), static_cast<size_t>(cycles_in(text))) << text;
  // No report for the failed cycles: the good one is still there, still the newest.
  EXPECT_THAT(json_reports_in(reports), ::testing::ElementsAre(good_report));
  // The webhook heard of the failure once, not every cycle.
  auto posts = bodies(hook);
  ASSERT_EQ(posts.size(), told + 1) << text;
  EXPECT_EQ(posts.back()["status"], "failed");
  EXPECT_THAT(posts.back()["error"].get<std::string>(), HasSubstr("AADSTS"));

  // The right secret again: healthy, and the webhook hears the failure is over.
  out = f.dir().file("right.out");
  BackgroundProgram run(TENANTSYNC_BIN,
                        {"--config", f.config_path(), "run", "--every", "1s", "--listen",
                         "127.0.0.1:" + std::to_string(port)},
                        f.environment(), out, f.dir().file("right.err"));
  ASSERT_TRUE(eventually([&] { return cycles_in(read_file(out)) >= 2; })) << read_file(out);
  EXPECT_EQ(http_request("GET", base + "/healthz").status, 200);
  EXPECT_EQ(run.kill_and_wait(SIGTERM), 0);
  posts = bodies(hook);
  ASSERT_EQ(posts.size(), told + 2) << read_file(out);
  EXPECT_NE(posts.back()["status"], "failed");
  EXPECT_EQ(posts.back()["resolvedCount"], 1);
  EXPECT_EQ(posts.back()["resolved"][0], "cycle, failed");
  EXPECT_EQ(json_reports_in(reports).size(), 2u);
}

TEST(SchedulerCliTest, ARefusalIsSaidOnTheCycleLineInTheLogTheWebhookHealthAndMetrics) {
  CliFixture f;
  LocalHttpServer hook([](const LocalHttpServer::Request&) { return http_reply(204, ""); });
  f.write_config({{"desired", f.write("desired.json", contoso_changes_desired())},
                  {"safety", {{"maxRevocations", 0}}},
                  {"reports", {{"dir", f.dir().file("reports")}}},
                  {"webhook", {{"url", hook.url() + "/hook"}, {"format", "json"}}}});
  int port = unused_port();
  std::string base = "http://127.0.0.1:" + std::to_string(port);
  std::string out = f.dir().file("run.out");
  std::string err = f.dir().file("run.err");
  BackgroundProgram run(TENANTSYNC_BIN,
                        {"--config", f.config_path(), "run", "--every", "1s", "--listen",
                         "127.0.0.1:" + std::to_string(port)},
                        f.environment(), out, err);
  ASSERT_TRUE(eventually([&] { return cycles_in(read_file(out)) >= 3; })) << read_file(err);
  HttpReply health = http_request("GET", base + "/healthz");
  HttpReply metrics = http_request("GET", base + "/metrics");
  EXPECT_EQ(run.kill_and_wait(SIGTERM), 0);
  EXPECT_EQ(f.writes(), 0) << "a refused tenant is sent nothing";

  std::string text = read_file(out);
  EXPECT_THAT(text, HasSubstr("cycle 1: refused"));
  EXPECT_THAT(text, HasSubstr("1 refused by a safety limit"));
  EXPECT_THAT(text, HasSubstr("contoso.onmicrosoft.com refused: "));
  EXPECT_THAT(text, HasSubstr("raise safety.maxRevocations to 1 in the config"));
  EXPECT_THAT(read_file(err), HasSubstr("tenant over a safety limit"));
  EXPECT_EQ(health.status, 503) << health.body;
  EXPECT_THAT(health.body, HasSubstr("refused: contoso.onmicrosoft.com"));
  EXPECT_THAT(metrics.body, HasSubstr("tenantsync_safety_refusals_total{tenant=\"contoso."
                                      "onmicrosoft.com\",limit=\"maxRevocations\"}"));
  EXPECT_THAT(metrics.body, HasSubstr("tenantsync_tenant_status{tenant=\"contoso."
                                      "onmicrosoft.com\",status=\"refused\"} 1"));
  // Three refused cycles, one post: nothing changed after the first.
  auto posts = bodies(hook);
  ASSERT_EQ(posts.size(), 1u) << text;
  EXPECT_EQ(posts[0]["status"], "refused");
  const auto& contoso = posts[0]["tenants"][0];
  EXPECT_EQ(contoso["status"], "refused");
  EXPECT_EQ(contoso["refused"]["limits"][0], "maxRevocations");
  EXPECT_EQ(contoso["refused"]["lossesOfAccess"], 1);
  EXPECT_THAT(contoso["detail"].get<std::string>(),
              HasSubstr("raise safety.maxRevocations to 1 in the config"));

  ProgramResult once = f.run({"run", "--once"});
  EXPECT_EQ(once.exit_code, 4) << once.out;
}

TEST(SchedulerCliTest, UnchangedDriftIsPostedOnce) {
  CliFixture f;
  LocalHttpServer hook([](const LocalHttpServer::Request&) { return http_reply(204, ""); });
  f.write_config({{"desired", examples_desired_path()},
                  {"reports", {{"dir", f.dir().file("reports")}}},
                  {"webhook", {{"url", hook.url() + "/hook"}, {"format", "slack"}}}});
  std::string out = f.dir().file("run.out");
  BackgroundProgram run(TENANTSYNC_BIN, {"--config", f.config_path(), "run", "--every", "1s"},
                        f.environment(), out, f.dir().file("run.err"));
  ASSERT_TRUE(eventually([&] { return cycles_in(read_file(out)) >= 5; })) << read_file(out);
  EXPECT_EQ(run.kill_and_wait(SIGTERM), 0);
  // The first cycle puts Contoso right and leaves what apply cannot fix (a blocked item)
  // and Fabrikam's reported drift: one post. Then nothing changes: no more posts.
  std::string told;
  for (const auto& r : hook.requests()) told += r.body + "\n";
  EXPECT_EQ(hook.requests().size(), 1u) << cycles_in(read_file(out)) << " cycles:\n" << told;
}

TEST(SchedulerCliTest, APostTheWebhookMissedIsDeliveredByTheNextRunAndItsPathIsNeverLogged) {
  CliFixture f;
  const std::string secret_path = "/workflows/SECRETPATH123/triggers?sig=SECRETSIG456";
  int closed = unused_port();  // nothing listens there
  f.write_config({{"desired", examples_desired_path()},
                  {"reports", {{"dir", f.dir().file("reports")}}},
                  {"webhook",
                   {{"url", "http://127.0.0.1:" + std::to_string(closed) + secret_path},
                    {"format", "json"}}}});
  ProgramResult first = f.run({"--log-level", "debug", "run", "--once"});
  EXPECT_THAT(first.err, HasSubstr("not delivered"));
  EXPECT_THAT(first.err, HasSubstr("127.0.0.1"));

  LocalHttpServer hook([](const LocalHttpServer::Request&) { return http_reply(204, ""); });
  f.write_config({{"desired", examples_desired_path()},
                  {"reports", {{"dir", f.dir().file("reports")}}},
                  {"webhook", {{"url", hook.url() + secret_path}, {"format", "json"}}}});
  ProgramResult second = f.run({"--log-level", "debug", "run", "--once"});
  auto posts = bodies(hook);
  ASSERT_EQ(posts.size(), 1u) << second.out << second.err;
  EXPECT_EQ(posts[0]["cycle"], 1);
  EXPECT_EQ(posts[0]["change"], "changed");
  for (const auto* text : {&first.out, &first.err, &second.out, &second.err}) {
    EXPECT_THAT(*text, Not(HasSubstr("SECRETPATH123")));
    EXPECT_THAT(*text, Not(HasSubstr("SECRETSIG456")));
  }
}

TEST(SchedulerCliTest, ABadListenAddressIsAUsageError) {
  CliFixture f;
  f.write_config({{"desired", examples_desired_path()}});
  ProgramResult r = f.run({"run", "--once", "--listen", "nonsense"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("--listen nonsense: expected HOST:PORT"));
}

}  // namespace scheduler_cli_test
}  // namespace tenantsync::test
