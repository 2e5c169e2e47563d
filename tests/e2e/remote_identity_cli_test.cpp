// Remote identity in the cache (issue #15, item 8): the cache records the graph host each
// tenant was read from. After remote.graphUrl changes (here: a second fake-graph with the
// same estate), the stored delta links are dropped and every tenant is read fully by
// itself, with a log line; until that read completes nothing is planned from the old
// host's data.
#include <gtest/gtest.h>

#include "tests/e2e/cli_fixture.h"

namespace tenantsync::test {
namespace remote_identity_cli_test {

using nlohmann::json;

const char* kContoso = "contoso.onmicrosoft.com";

const json& contoso_of(const json& plan) {
  for (const auto& t : plan["tenants"]) {
    if (t["tenant"] == kContoso) return t;
  }
  throw std::runtime_error("no contoso in " + plan.dump());
}

TEST(RemoteIdentityCliTest, AChangedGraphUrlIsReadFullyAndNothingIsPlannedFromTheOldHost) {
  CliFixture f;
  auto desired = f.write("desired.json", contoso_changes_desired());
  ASSERT_EQ(f.run({"mirror"}).exit_code, 0);
  ASSERT_EQ(f.run({"mirror"}).exit_code, 0);  // delta links stored

  FakeGraphProcess other({"--fixture", demo_fixture_path()});
  f.write_config({{"remote",
                   {{"graphUrl", other.graph_url()},
                    {"authorityUrl", other.url()},
                    {"maxAttempts", 1},
                    {"throttleDeadline", "1s"}}}});

  // From the cache alone: the data came from the old host, so nothing is planned.
  auto offline = f.run({"plan", "--desired", desired, "--no-refresh", "--format", "json"});
  ASSERT_EQ(offline.exit_code, 3) << "not planned: partly done\n" << offline.out << offline.err;
  json stale = contoso_of(json::parse(offline.out));
  EXPECT_EQ(stale["operations"], json::array());
  ASSERT_EQ(stale["notes"].size(), 1u) << stale.dump(2);
  EXPECT_NE(stale["notes"][0].get<std::string>().find("was mirrored from " + f.fake().url()),
            std::string::npos)
      << stale["notes"][0];

  // The new host lists the tenants but throttles their reads (two read units per 10 s per
  // tenant; a throttled read gives up after remote.throttleDeadline, 1 s here): no read
  // completes, and apply sends nothing from the old data.
  other.set_limits({{"readUnitsPer10s", 2}});
  auto apply = f.run({"apply", "--desired", desired, "--yes", "--format", "json"});
  other.set_limits(json::object());
  ASSERT_NE(apply.out.find('{'), std::string::npos) << apply.out << apply.err;
  json applied = json::parse(apply.out.substr(apply.out.find('{')));
  EXPECT_EQ(contoso_of(applied)["operations"], json::array()) << apply.out;
  EXPECT_EQ(write_requests(other.stats()), 0) << other.stats().dump();
  EXPECT_EQ(write_requests(f.fake().stats()), 0);

  // The next mirror drops the old delta links and reads every tenant fully, saying why.
  auto mirror = f.run({"mirror"});
  EXPECT_EQ(mirror.exit_code, 0) << mirror.out << mirror.err;
  for (const char* tenant : {kContoso, "fabrikam.onmicrosoft.com", "northwind.onmicrosoft.com"}) {
    EXPECT_EQ(lines_with(mirror.out, {tenant, " full ", "remote.graphUrl changed"}).size(), 1u)
        << mirror.out;
    EXPECT_EQ(lines_with(mirror.err, {"remote.graphUrl changed", tenant}).size(), 1u) << mirror.err;
  }
  auto delta = f.run({"mirror"});
  EXPECT_EQ(delta.exit_code, 0) << delta.out << delta.err;
  EXPECT_EQ(lines_with(delta.out, {kContoso, " delta "}).size(), 1u) << delta.out;

  auto plan = f.run({"plan", "--desired", desired, "--format", "json"});
  ASSERT_EQ(plan.exit_code, 0) << plan.err;
  json fresh = contoso_of(json::parse(plan.out));
  EXPECT_FALSE(fresh.contains("notPlanned")) << fresh.dump(2);
  EXPECT_EQ(fresh["operations"].size(), 5u) << fresh.dump(2);
}

}  // namespace remote_identity_cli_test
}  // namespace tenantsync::test
