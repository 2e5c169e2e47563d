// Shards (issue #21): `--shard k/N` processes each mirror and report the tenants they own,
// every tenant exactly once; `report merge` of their JSON drift reports is the report one
// process gives for the whole estate; a cache is never used by another shard.
#include <gtest/gtest.h>

#include <filesystem>
#include <set>

#include "model/shard.h"
#include "tests/e2e/cli_fixture.h"

namespace tenantsync::test {
namespace shard_cli_test {

using nlohmann::json;

// A drift report without what differs between runs by design: when, and of which mirror.
json comparable(json report) {
  report.erase("generatedAt");
  report.erase("fingerprint");
  return report;
}

std::string drift_json(CliFixture& f, const std::string& cache, const std::string& desired,
                       const std::vector<std::string>& shard_args, const std::string& out) {
  f.write_config({{"cache", cache}});
  std::vector<std::string> args = {"drift", "--desired", desired, "--format", "json", "--out", out};
  args.insert(args.end(), shard_args.begin(), shard_args.end());
  auto r = f.run(args);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  return out;
}

// The example desired state (contoso enforced, fabrikam reported) and northwind with no
// drift: a mixed estate of the demo fixture's three customers.
std::string mixed_estate(CliFixture& f) {
  std::filesystem::create_directories(f.dir().file("desired"));
  for (const char* name : {"contoso.json", "fabrikam.json"}) {
    f.write(std::string("desired/") + name, read_file(examples_desired_path() + "/" + name));
  }
  f.write("desired/northwind.json", R"({"version": 1, "tenants": [
    {"tenant": "northwind.onmicrosoft.com", "mode": "report", "managedSkus": ["VISIOCLIENT"],
     "unlisted": "keep"}]})");
  return f.dir().file("desired");
}

TEST(ShardCliTest, TheShardsReportsMergeIntoTheReportOfOneProcess) {
  CliFixture f;
  const std::string desired = mixed_estate(f);
  std::string whole = drift_json(f, "all.db", desired, {}, f.dir().file("all.json"));
  json single = json::parse(read_file(whole));
  ASSERT_GE(single["tenants"].size(), 3u);
  ASSERT_GT(single["totals"]["items"], 0) << "a mixed estate: some drift to merge";

  for (int n : {2, 3}) {
    std::vector<std::string> parts;
    std::multiset<std::string> seen;
    for (int k = 0; k < n; ++k) {
      std::string spec = std::to_string(k) + "/" + std::to_string(n);
      std::string part =
          drift_json(f, "shard-" + std::to_string(k) + "-of-" + std::to_string(n) + ".db", desired,
                     {"--shard", spec}, f.dir().file("drift-" + std::to_string(k) + ".json"));
      const json report = json::parse(read_file(part));
      for (const auto& t : report["tenants"]) seen.insert(t["tenant"].get<std::string>());
      parts.push_back(part);
    }
    for (const auto& t : single["tenants"]) {
      EXPECT_EQ(seen.count(t["tenant"]), 1u) << t["tenant"] << " with N=" << n;
    }
    EXPECT_EQ(seen.size(), single["tenants"].size()) << "N=" << n;

    std::vector<std::string> merge = {"report", "merge"};
    merge.insert(merge.end(), parts.begin(), parts.end());
    for (const char* format : {"json", "csv", "md", "text", "html"}) {
      std::vector<std::string> args = merge;
      args.insert(args.end(), {"--format", format});
      auto merged = f.run(args);
      ASSERT_EQ(merged.exit_code, 0) << merged.err;
      auto one = f.run({"report", "merge", whole, "--format", format});
      ASSERT_EQ(one.exit_code, 0) << one.err;
      if (std::string(format) == "json") {
        EXPECT_EQ(comparable(json::parse(merged.out)), comparable(single)) << "N=" << n;
        EXPECT_EQ(comparable(json::parse(one.out)), comparable(single)) << "a report reads back";
      } else if (std::string(format) == "csv") {
        EXPECT_EQ(merged.out, one.out) << "N=" << n;
      }
    }
    auto exit2 =
        f.run({"report", "merge", parts[0], parts[1], "--format", "csv", "--detailed-exitcode"});
    EXPECT_EQ(exit2.exit_code, 2) << exit2.err;
  }

  // The same tenants twice (one report passed twice) is refused, naming both files.
  auto twice = f.run({"report", "merge", whole, whole});
  EXPECT_EQ(twice.exit_code, 1);
  EXPECT_NE(twice.err.find("is in both " + whole + " and " + whole), std::string::npos)
      << twice.err;
  auto bad = f.write("bad.json", R"({"version": 1, "generatedAt": "2026-12-03T00:00:00Z",
    "fingerprint": "", "tenants": [{"tenant": "x"}]})");
  auto refused = f.run({"report", "merge", bad});
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_NE(refused.err.find(bad + ": $.tenants[0].tenantId: expected a value"), std::string::npos)
      << refused.err;
}

// contoso's tenant id in fakes/fixtures/demo.json.
const char* kContosoId = "de88018a-924d-561a-a95e-7a0f8c6a9db3";

TEST(ShardCliTest, OnlyTheShardThatOwnsATenantWritesIt) {
  CliFixture f;
  auto desired = f.write("desired.json", contoso_changes_desired());
  const int owner = Shard{0, 2}.owner_of(kContosoId);
  const int other = 1 - owner;
  const std::string other_spec = std::to_string(other) + "/2";

  f.write_config({{"cache", "other.db"}, {"desired", desired}});
  auto skipped = f.run({"apply", "--desired", desired, "--yes", "--shard", other_spec});
  EXPECT_EQ(skipped.exit_code, 0) << skipped.out << skipped.err;
  EXPECT_EQ(f.writes(), 0) << "another shard's tenant: nothing sent\n" << skipped.out;
  auto once = f.run({"run", "--once", "--shard", other_spec});
  EXPECT_EQ(once.exit_code, 0) << once.out << once.err;
  EXPECT_EQ(f.writes(), 0) << once.out;
  auto exported = f.run({"export", "--shard", other_spec});
  ASSERT_EQ(exported.exit_code, 0) << exported.err;
  EXPECT_EQ(exported.out.find("contoso.onmicrosoft.com"), std::string::npos) << exported.out;

  f.write_config({{"cache", "owner.db"}});
  auto applied =
      f.run({"apply", "--desired", desired, "--yes", "--shard", std::to_string(owner) + "/2"});
  EXPECT_EQ(applied.exit_code, 0) << applied.out << applied.err;
  EXPECT_EQ(f.writes(), 5) << "the owner applies contoso's plan\n" << applied.out;

  // A hand task has no --shard: it works in the shard of the cache it is given.
  auto assign = f.run({"assign", "--tenant", "contoso.onmicrosoft.com", "--users",
                       "diego.siciliani@contoso.onmicrosoft.com", "--sku", "MCOEV", "--yes"});
  EXPECT_EQ(assign.exit_code, 0) << assign.out << assign.err;
  EXPECT_EQ(f.writes(), 6) << assign.out;
  f.write_config({{"cache", "other.db"}});
  auto elsewhere = f.run({"assign", "--tenant", "contoso.onmicrosoft.com", "--users",
                          "diego.siciliani@contoso.onmicrosoft.com", "--sku", "EMS", "--yes"});
  EXPECT_EQ(elsewhere.exit_code, 1) << elsewhere.out << elsewhere.err;
  EXPECT_NE(elsewhere.err.find("tenant contoso.onmicrosoft.com belongs to shard " +
                               std::to_string(owner) + "/2"),
            std::string::npos)
      << elsewhere.err;
  EXPECT_EQ(f.writes(), 6) << "another shard's cache sends nothing for contoso";
}

TEST(ShardCliTest, ACacheServesOneShardOnly) {
  CliFixture f;
  f.write_config({{"cache", "shard0.db"}});
  auto first = f.run({"mirror", "--shard", "0/2"});
  ASSERT_EQ(first.exit_code, 0) << first.out << first.err;
  auto other = f.run({"mirror", "--shard", "1/2"});
  EXPECT_EQ(other.exit_code, 1) << other.out;
  EXPECT_NE(other.err.find("holds shard 0/2, and this command runs as shard 1/2"),
            std::string::npos)
      << other.err;
  auto unsharded = f.run({"drift", "--no-refresh", "--desired", examples_desired_path()});
  EXPECT_EQ(unsharded.exit_code, 1);
  EXPECT_NE(unsharded.err.find("runs as every tenant (no shard)"), std::string::npos)
      << unsharded.err;
  // The config's `shard` key is the same as the flag.
  f.write_config({{"cache", "shard0.db"}, {"shard", "0/2"}});
  EXPECT_EQ(f.run({"mirror"}).exit_code, 0);

  // A cache mirrored before shards holds every tenant: a shard is refused it.
  f.write_config({{"cache", "all.db"}});
  ASSERT_EQ(f.run({"mirror"}).exit_code, 0);
  auto sharded = f.run({"mirror", "--shard", "0/2"});
  EXPECT_EQ(sharded.exit_code, 1);
  EXPECT_NE(sharded.err.find("holds every tenant (no shard), and this command runs as shard 0/2"),
            std::string::npos)
      << sharded.err;
  EXPECT_EQ(f.run({"mirror", "--shard", "0/1"}).exit_code, 0) << "0/1 is every tenant";
  auto usage = f.run({"mirror", "--shard", "2/2"});
  EXPECT_EQ(usage.exit_code, 64);
  EXPECT_NE(usage.err.find("k counts from 0 and must be below N"), std::string::npos) << usage.err;
}

}  // namespace shard_cli_test
}  // namespace tenantsync::test
