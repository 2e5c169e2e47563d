// One tenant whose interrupted operations cannot be settled holds up only itself, as a
// user meets it against fake-graph: `apply` is killed (-9) while its first $batch is in
// flight, then that tenant's contract ends, so its users cannot be read back. The next
// `apply --tenant` of another tenant neither mentions nor waits for it; the next whole
// `apply` settles and applies every other tenant, reports that one not planned saying
// why (its entries stay open, nothing new is sent to it) and exits 3; its settle line
// never claims what it could not check. Once the contract is back, the next apply
// settles what was left, sending none of it again.
#include <signal.h>

#include <chrono>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/e2e/background_program.h"
#include "tests/e2e/cli_fixture.h"
#include "tests/support/test_http.h"

namespace tenantsync::test {
namespace unsettled_tenant_cli_test {

using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::Not;

const std::string kFirst = "tenant0001.onmicrosoft.com";
const std::string kSecond = "tenant0002.onmicrosoft.com";
const std::string kThird = "tenant0003.onmicrosoft.com";

// Each named tenant enforced, losing `sku` wherever no rule or entry keeps it.
std::string desired_revoking(const std::vector<std::pair<std::string, std::string>>& tenants) {
  json d = {{"version", 1}, {"tenants", json::array()}};
  for (const auto& [tenant, sku] : tenants) {
    d["tenants"].push_back(
        {{"tenant", tenant}, {"mode", "enforce"}, {"managedSkus", {sku}}, {"unlisted", "revoke"}});
  }
  return d.dump(2);
}

// Journal entries of `tenant` in `state`.
int entries_in(const json& journal, const std::string& tenant, const std::string& state) {
  int n = 0;
  for (const auto& e : journal) n += e["tenant"] == tenant && e["state"] == state ? 1 : 0;
  return n;
}

TEST(UnsettledTenantCliTest, ATenantWhoseEntriesCannotBeSettledHoldsUpOnlyItself) {
  CliFixture f({"--generate", "tenants=4,users=40,skus=4,seed=3"}, "generated-secret");
  f.write_config({{"remote", {{"timeoutSeconds", 3}}}, {"safety", {{"maxRevocations", 1000}}}});
  auto first_desired =
      f.write("first.json", desired_revoking({{kFirst, "SPE_E3"}, {kSecond, "EMS"}}));
  ASSERT_EQ(f.run({"mirror"}).exit_code, 0);
  const std::string first_id = f.fake().state(kFirst)["id"].get<std::string>();

  // Killed while the first tenant's first $batch is on its way (the fake holds each request
  // 1.5 s before it runs it): the journal says `sending`, the batch lands after the kill.
  f.fake().set_faults({{"latencyMs", 1500}});
  BackgroundProgram killed(
      TENANTSYNC_BIN, {"--config", f.config_path(), "apply", "--desired", first_desired, "--yes"},
      f.environment(), f.dir().file("killed.out"), f.dir().file("killed.err"));
  json journal;
  bool in_flight = eventually([&] {
    if (!killed.running()) return true;
    journal = json::parse(f.run({"journal", "--format", "json"}).out);  // never waits
    // Sending, and arrived at the fake: a kill between the two would take it along.
    return entries_in(journal, kFirst, "sending") > 0 && f.fake().stats().value("held", 0) > 0;
  });
  ASSERT_TRUE(in_flight && killed.running())
      << "apply ended before its first batch was sent:\n"
      << read_file(f.dir().file("killed.out")) << read_file(f.dir().file("killed.err"));
  EXPECT_EQ(killed.kill_and_wait(SIGKILL), 128 + SIGKILL);
  f.fake().set_faults(json::object());
  journal = json::parse(f.run({"journal", "--format", "json"}).out);
  ASSERT_GT(entries_in(journal, kFirst, "sending"), 0) << journal.dump(1);
  // Like a request already on the wire to the real service, the batch lands anyway.
  ASSERT_TRUE(eventually(
      [&] { return f.fake().control("GET", "/_fake/stats/writes").contains(first_id); }));

  // The first tenant's contract ends: its users cannot be read. A third tenant is added.
  f.fake().set_contract(kFirst, false);
  auto desired = f.write("desired.json",
                         desired_revoking({{kFirst, "SPE_E3"}, {kSecond, "EMS"}, {kThird, "EMS"}}));

  // Only the third tenant: the first's entries are none of its business.
  f.fake().reset_stats();
  auto third = f.run({"apply", "--desired", desired, "--yes", "--tenant", kThird});
  EXPECT_EQ(third.exit_code, 0) << third.out << third.err;
  EXPECT_THAT(third.out + third.err, Not(HasSubstr(kFirst)));
  EXPECT_THAT(third.out, Not(HasSubstr("interrupted run"))) << third.out;
  EXPECT_GT(f.writes(), 0) << "the third tenant's revocations were sent";

  // Every tenant: the first is held back, the second settled and applied.
  f.fake().reset_stats();
  auto all = f.run({"apply", "--desired", desired, "--yes"});
  EXPECT_EQ(all.exit_code, 3) << "partly done\n" << all.out << all.err;
  auto settle_line = lines_with(all.out, {"an interrupted run left unfinished", "none is sent"});
  ASSERT_EQ(settle_line.size(), 1u) << all.out;
  EXPECT_THAT(settle_line[0], HasSubstr("stay open (" + kFirst + ": "));
  EXPECT_THAT(settle_line[0], HasSubstr("could not be read (")) << settle_line[0];
  EXPECT_THAT(settle_line[0], HasSubstr("none is sent again.")) << settle_line[0];
  const int open = entries_in(journal, kFirst, "sending");
  EXPECT_THAT(settle_line[0], Not(HasSubstr("Settled " + std::to_string(open) + " operations")))
      << "the reads failed: nothing of the first tenant was settled";
  EXPECT_EQ(lines_with(all.out, {"  Not planned: ", "gone from the partner's contracts",
                                 "could not be settled", "nothing was sent."})
                .size(),
            1u)
      << all.out;
  EXPECT_THAT(all.out, Not(HasSubstr("match the desired state"))) << all.out;
  EXPECT_FALSE(f.fake().control("GET", "/_fake/stats/writes").contains(first_id))
      << "nothing new was sent to the first tenant";
  auto after = json::parse(f.run({"journal", "--format", "json"}).out);
  EXPECT_EQ(entries_in(after, kFirst, "sending"), open) << "its entries stay open";
  EXPECT_EQ(entries_in(after, kFirst, "pending"), 0) << "never sent: closed without a read";
  EXPECT_EQ(entries_in(after, kSecond, "sending") + entries_in(after, kSecond, "pending"), 0);
  auto converged = f.run({"plan", "--desired", desired, "--tenant", kSecond, "--tenant", kThird,
                          "--detailed-exitcode"});
  EXPECT_EQ(converged.exit_code, 0) << converged.out << converged.err;

  // A plan saved now cannot be carried out while those entries stay open, and apply says
  // why without claiming they were settled.
  auto saved = f.dir().file("saved.json");
  f.run({"plan", "--desired", desired, "--out", saved});
  auto stale = f.run({"apply", "--plan", saved, "--desired", desired, "--yes"});
  EXPECT_EQ(stale.exit_code, 4) << stale.out << stale.err;
  EXPECT_THAT(stale.err, HasSubstr("could not be settled yet")) << stale.err;
  EXPECT_THAT(stale.err, Not(HasSubstr("was settled"))) << stale.err;

  // The contract is back: the next apply settles what was left, sending none of it again.
  f.fake().set_contract(kFirst, true);
  auto back = f.run({"apply", "--desired", desired, "--yes"});
  EXPECT_EQ(back.exit_code, 0) << back.out << back.err;
  EXPECT_EQ(lines_with(back.out, {"Settled " + std::to_string(open) +
                                      " operations an "
                                      "interrupted run left unfinished (read ",
                                  "none is sent again."})
                .size(),
            1u)
      << back.out;
  auto settled = json::parse(f.run({"journal", "--format", "json"}).out);
  EXPECT_EQ(entries_in(settled, kFirst, "sending"), 0);
}

}  // namespace unsettled_tenant_cli_test
}  // namespace tenantsync::test
