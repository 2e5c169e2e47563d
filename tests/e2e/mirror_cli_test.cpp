// `tenantsync mirror` as a user sees it: a line per tenant with the counts the remote
// holds, full then delta reads, a failing tenant that fails alone (exit 1), and JSON logs
// with each tenant's outcome.
#include <map>
#include <regex>

#include <gtest/gtest.h>

#include "tests/e2e/cli_fixture.h"

namespace tenantsync::test {
namespace mirror_cli_test {

const std::vector<std::string> kDemoTenants = {
    "contoso.onmicrosoft.com", "fabrikam.onmicrosoft.com", "northwind.onmicrosoft.com"};

struct MirrorLine {
  int users = -1, deleted = -1, skus = -1;
  std::string kind;  // full | delta
};

// The line `mirror` printed for `tenant`; users == -1 when there is none.
MirrorLine mirror_line(const std::string& out, const std::string& tenant) {
  static const std::regex kLine(
      R"(^(\S+)\s+(\d+) users?\s+(\d+) deleted\s+(\d+) SKUs?\s+(full|delta)\b.*\d+\.\d+s$)");
  for (const auto& line : lines_of(out)) {
    std::smatch m;
    if (std::regex_match(line, m, kLine) && m[1] == tenant) {
      return {std::stoi(m[2]), std::stoi(m[3]), std::stoi(m[4]), m[5]};
    }
  }
  return {};
}

TEST(MirrorCliTest, PrintsOneLinePerTenantWithTheRemoteCounts) {
  CliFixture f;
  auto r = f.run({"mirror"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  for (const auto& tenant : kDemoTenants) {
    auto state = f.fake().state(tenant);
    MirrorLine line = mirror_line(r.out, tenant);
    EXPECT_EQ(line.users, static_cast<int>(state["users"].size())) << tenant << "\n" << r.out;
    EXPECT_EQ(line.deleted, static_cast<int>(state["deletedUsers"].size())) << tenant;
    EXPECT_EQ(line.skus, static_cast<int>(state["skus"].size())) << tenant;
    EXPECT_EQ(line.kind, "full") << tenant;
  }
  EXPECT_EQ(lines_of(r.out).size(), kDemoTenants.size()) << r.out;
}

// One user and one SKU are said in the singular; the columns stay where they are.
TEST(MirrorCliTest, ATenantOfOneUserAndOneSkuSaysSo) {
  TempDir fixture_dir;
  std::string fixture = edited_demo_fixture(fixture_dir, "one.json", [](nlohmann::json& fx) {
    for (auto& t : fx["tenants"]) {
      if (t["defaultDomainName"] != "northwind.onmicrosoft.com") continue;
      t["skus"] = nlohmann::json::array({t["skus"][0]});
      const nlohmann::json kept = t["skus"][0]["skuId"];
      t["users"] = nlohmann::json::array({t["users"][0]});
      t["deletedUsers"] = nlohmann::json::array({t["deletedUsers"][0]});
      for (const char* list : {"users", "deletedUsers"}) {
        for (auto& u : t[list]) {
          nlohmann::json licenses = nlohmann::json::array();
          for (const auto& l : u["assignedLicenses"]) {
            if (l["skuId"] == kept) licenses.push_back(l);
          }
          u["assignedLicenses"] = licenses;
        }
      }
    }
  });
  CliFixture f({"--fixture", fixture}, "demo-secret");
  auto r = f.run({"mirror"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  auto one = lines_with(r.out, {"northwind.onmicrosoft.com"});
  auto many = lines_with(r.out, {"contoso.onmicrosoft.com"});
  ASSERT_EQ(one.size(), 1u) << r.out;
  ASSERT_EQ(many.size(), 1u) << r.out;
  EXPECT_NE(one[0].find("      1 user      1 deleted   1 SKU   full"), std::string::npos) << r.out;
  EXPECT_NE(many[0].find("     23 users     1 deleted   7 SKUs  full"), std::string::npos) << r.out;
  EXPECT_EQ(mirror_line(r.out, "northwind.onmicrosoft.com").skus, 1);
}

TEST(MirrorCliTest, ReadsDeltasAfterTheFirstRunAndFullyWithFull) {
  CliFixture f;
  ASSERT_EQ(f.run({"mirror"}).exit_code, 0);
  // Someone takes Nestor's licenses away in the admin center: the delta must see it.
  f.fake().set_licenses("contoso.onmicrosoft.com", "nestor.wilke@contoso.onmicrosoft.com",
                        nlohmann::json::array());
  auto delta = f.run({"mirror"});
  ASSERT_EQ(delta.exit_code, 0) << delta.err;
  for (const auto& tenant : kDemoTenants) EXPECT_EQ(mirror_line(delta.out, tenant).kind, "delta");
  auto unlicensed = f.run({"users", "list", "--tenant", "contoso.onmicrosoft.com", "--filter",
                           "unlicensed", "--format", "csv"});
  EXPECT_NE(unlicensed.out.find("nestor.wilke@contoso.onmicrosoft.com"), std::string::npos)
      << unlicensed.out;

  auto full = f.run({"mirror", "--full", "--tenant", "fabrikam.onmicrosoft.com"});
  ASSERT_EQ(full.exit_code, 0) << full.err;
  EXPECT_EQ(mirror_line(full.out, "fabrikam.onmicrosoft.com").kind, "full") << full.out;
  EXPECT_EQ(lines_of(full.out).size(), 1u) << "only the tenant asked for:\n" << full.out;
}

TEST(MirrorCliTest, AnUnknownTenantFailsAloneAndTheCommandExits1) {
  CliFixture f;
  f.write_config({{"tenants", {"contoso.onmicrosoft.com", "nosuch.onmicrosoft.com"}}});
  auto r = f.run({"mirror"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  auto failed = lines_with(r.out, {"nosuch.onmicrosoft.com", "FAILED"});
  ASSERT_EQ(failed.size(), 1u) << r.out;
  EXPECT_NE(failed[0].find("not among the partner's customer tenants"), std::string::npos)
      << failed[0];
  EXPECT_EQ(mirror_line(r.out, "contoso.onmicrosoft.com").users,
            static_cast<int>(f.fake().state("contoso.onmicrosoft.com")["users"].size()))
      << r.out;
  // The tenant that could be read is in the cache.
  auto users = f.run({"users", "list", "--tenant", "contoso.onmicrosoft.com"});
  EXPECT_EQ(users.exit_code, 0) << users.err;
}

TEST(MirrorCliTest, JsonLogsAreOneObjectPerLineWithEachTenantsOutcome) {
  CliFixture f;
  f.write_config({{"tenants", {"contoso.onmicrosoft.com", "nosuch.onmicrosoft.com"}}});
  auto r = f.run({"--log-format", "json", "mirror"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  std::map<std::string, nlohmann::json> by_tenant;
  for (const auto& line : lines_of(r.err)) {
    if (line.empty()) continue;
    nlohmann::json entry;
    ASSERT_NO_THROW(entry = nlohmann::json::parse(line)) << "not JSON: " << line;
    ASSERT_TRUE(entry.is_object()) << line;
    EXPECT_TRUE(entry.contains("level") && entry.contains("msg") && entry.contains("time")) << line;
    if (entry.contains("tenant")) by_tenant[entry["tenant"]] = entry;
  }
  ASSERT_TRUE(by_tenant.count("contoso.onmicrosoft.com")) << r.err;
  const auto& ok = by_tenant["contoso.onmicrosoft.com"];
  EXPECT_EQ(ok["level"], "info") << ok;
  EXPECT_EQ(ok["users"], std::to_string(f.fake().state("contoso.onmicrosoft.com")["users"].size()))
      << ok;
  ASSERT_TRUE(by_tenant.count("nosuch.onmicrosoft.com"))
      << "the failed tenant's outcome is missing from the log:\n"
      << r.err;
  const auto& failed = by_tenant["nosuch.onmicrosoft.com"];
  EXPECT_TRUE(failed["level"] == "warn" || failed["level"] == "error") << failed;
  EXPECT_NE(failed.dump().find("not among the partner's customer tenants"), std::string::npos)
      << failed;
}

}  // namespace mirror_cli_test
}  // namespace tenantsync::test
