// `tenantsync tenants` (issue #18, item 1): every cached tenant in scope, one row each,
// from the cache only: counts, last complete mirror, how far it can be trusted, and with a
// desired state its mode, drift items and seats to buy; worst first.
#include <set>

#include <gtest/gtest.h>

#include "sync/csv_reader.h"
#include "tests/e2e/cli_fixture.h"

namespace tenantsync::test {
namespace tenants_cli_test {

using nlohmann::json;

const char* kContoso = "contoso.onmicrosoft.com";
const char* kFabrikam = "fabrikam.onmicrosoft.com";
const char* kNorthwind = "northwind.onmicrosoft.com";

const json& row_of(const json& out, const std::string& domain) {
  for (const auto& t : out["tenants"]) {
    if (t["domain"] == domain) return t;
  }
  throw std::runtime_error("no tenant " + domain + " in " + out.dump());
}

std::vector<std::string> domains_in_order(const json& out) {
  std::vector<std::string> domains;
  for (const auto& t : out["tenants"]) domains.push_back(t["domain"]);
  return domains;
}

TEST(TenantsCliTest, ListsEveryMirroredTenantWithItsCountsFromTheCache) {
  CliFixture f;
  auto empty = f.run({"tenants"});
  EXPECT_EQ(empty.exit_code, 1) << empty.out;
  EXPECT_NE(empty.err.find("run `tenantsync mirror` first"), std::string::npos) << empty.err;

  ASSERT_EQ(f.run({"mirror"}).exit_code, 0);
  f.fake().reset_stats();
  auto text = f.run({"tenants"});
  ASSERT_EQ(text.exit_code, 0) << text.err;
  for (const char* domain : {kContoso, kFabrikam, kNorthwind}) {
    EXPECT_EQ(lines_with(text.out, {domain, "complete"}).size(), 1u) << text.out;
  }
  EXPECT_EQ(lines_with(text.out, {"TENANT", "USERS", "DELETED", "MIRRORED", "STATUS"}).size(), 1u)
      << text.out;

  auto out = f.run({"tenants", "--format", "json"});
  ASSERT_EQ(out.exit_code, 0) << out.err;
  json j = json::parse(out.out);
  ASSERT_EQ(j["tenants"].size(), 3u) << j.dump(2);
  for (const char* domain : {kContoso, kFabrikam, kNorthwind}) {
    json state = f.fake().state(domain);
    const json& row = row_of(j, domain);
    EXPECT_EQ(row["tenantId"], state["id"]) << row;
    EXPECT_EQ(row["displayName"], state["displayName"]) << row;
    EXPECT_EQ(row["users"], state["users"].size()) << row;
    EXPECT_EQ(row["deletedUsers"], state["deletedUsers"].size()) << row;
    EXPECT_EQ(row["status"], "complete") << row;
    EXPECT_EQ(row["statusText"], "complete") << row;
    EXPECT_TRUE(row["lastMirror"].is_string()) << row;
    EXPECT_TRUE(row["mode"].is_null()) << "no desired state: " << row;
    EXPECT_TRUE(row["driftItems"].is_null()) << row;
    EXPECT_TRUE(row["seatsToBuy"].is_null()) << row;
  }
  // Sorted by domain when all are complete and nothing is planned.
  EXPECT_EQ(domains_in_order(j), (std::vector<std::string>{kContoso, kFabrikam, kNorthwind}));
  long graph_requests = 0;
  const nlohmann::json stats = f.fake().stats();  // held: the loop reads into it
  for (const auto& [route, answers] : stats["requests"].items()) {
    for (const auto& [code, n] : answers.items()) graph_requests += n.get<long>();
  }
  EXPECT_EQ(graph_requests, 0) << "the cache only: " << f.fake().stats().dump();

  auto csv = f.run({"tenants", "--format", "csv"});
  ASSERT_EQ(csv.exit_code, 0) << csv.err;
  auto lines = lines_of(csv.out);
  ASSERT_EQ(lines.size(), 4u) << csv.out;
  EXPECT_EQ(lines[0],
            "domain,displayName,tenantId,users,deletedUsers,lastMirror,lastMirrorAge,status,"
            "statusText,mode,driftItems,seatsToBuy");
  EXPECT_EQ(lines[1].rfind(std::string(kContoso) + ",Contoso,", 0), 0u) << csv.out;
  // The same columns as the JSON (docs/cli.md), with the same values.
  auto table = parse_csv(csv.out);
  ASSERT_TRUE(table.ok()) << table.error().describe();
  std::set<std::string> keys, columns(table->header.begin(), table->header.end());
  for (const auto& [key, value] : row_of(j, kContoso).items()) keys.insert(key);
  EXPECT_EQ(columns, keys);
  ASSERT_EQ(table->rows.size(), 3u);
  const std::vector<std::string>& contoso = table->rows[0].fields;
  for (size_t i = 0; i < table->header.size(); ++i) {
    if (table->header[i] == "lastMirrorAge") {  // a moment later than the JSON's
      const std::string& age = contoso[i];
      EXPECT_TRUE(age == "just now" || (age.size() > 4 && age.substr(age.size() - 4) == " ago"))
          << age;
      continue;
    }
    const json& value = row_of(j, kContoso)[table->header[i]];
    std::string expected = value.is_null()     ? ""
                           : value.is_string() ? value.get<std::string>()
                                               : value.dump();
    EXPECT_EQ(contoso[i], expected) << table->header[i];
  }
}

TEST(TenantsCliTest, WithADesiredStateShowsModeDriftAndSeatsToBuy) {
  CliFixture f;
  auto desired = f.write("desired.json", contoso_changes_desired());
  ASSERT_EQ(f.run({"mirror"}).exit_code, 0);

  auto drift = f.run({"drift", "--desired", desired, "--no-refresh", "--format", "json"});
  ASSERT_EQ(drift.exit_code, 0) << drift.err;
  json contoso_drift;
  json drift_report = json::parse(drift.out);
  for (const auto& t : drift_report["tenants"]) {
    if (t["tenant"] == kContoso) contoso_drift = t;
  }
  ASSERT_FALSE(contoso_drift.is_null()) << drift.out;
  ASSERT_GT(contoso_drift["totals"]["items"].get<int>(), 0) << contoso_drift.dump(2);

  auto out = f.run({"tenants", "--desired", desired, "--format", "json"});
  ASSERT_EQ(out.exit_code, 0) << out.err;
  json j = json::parse(out.out);
  const json& contoso = row_of(j, kContoso);
  EXPECT_EQ(contoso["mode"], "enforce") << contoso;
  EXPECT_EQ(contoso["driftItems"], contoso_drift["totals"]["items"]) << contoso;
  EXPECT_EQ(contoso["seatsToBuy"], contoso_drift["totals"]["seatsToBuy"]) << contoso;
  EXPECT_EQ(domains_in_order(j).front(), kContoso) << "most drift first: " << j.dump(2);
  const json& fabrikam = row_of(j, kFabrikam);
  EXPECT_TRUE(fabrikam["mode"].is_null()) << "not named by the desired state: " << fabrikam;
  EXPECT_TRUE(fabrikam["driftItems"].is_null()) << fabrikam;

  auto text = f.run({"tenants", "--desired", desired});
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_EQ(lines_with(text.out, {"MODE", "DRIFT", "BUY"}).size(), 1u) << text.out;
  EXPECT_EQ(lines_with(text.out, {kContoso, "enforce"}).size(), 1u) << text.out;

  // The config's desired state is used when no --desired is given; one that fails to load
  // is an error naming the file.
  auto broken = f.write("broken.json", "{ not json");
  f.write_config({{"desired", broken}});
  auto bad = f.run({"tenants"});
  EXPECT_EQ(bad.exit_code, 1) << bad.out;
  EXPECT_NE(bad.err.find("broken.json"), std::string::npos) << bad.err;
}

TEST(TenantsCliTest, AGoneAndAStaleTenantComeFirstSayingWhy) {
  CliFixture f;
  ASSERT_EQ(f.run({"mirror"}).exit_code, 0);

  // Contoso's contract ends: the next mirror marks it gone.
  f.fake().set_contract(kContoso, false);
  auto gone = f.run({"mirror"});
  ASSERT_EQ(gone.exit_code, 0) << gone.out << gone.err;
  // Northwind's next read fails part way: over its read budget, and no patience for 429s.
  f.write_config({{"remote", {{"maxAttempts", 1}, {"throttleDeadline", "1s"}}}});
  f.fake().set_limits({{"readUnitsPer10s", 3}});
  auto failed = f.run({"mirror", "--tenant", kNorthwind});
  ASSERT_NE(failed.exit_code, 0) << failed.out << failed.err;
  f.fake().set_limits(json::object());

  auto out = f.run({"tenants", "--format", "json"});
  ASSERT_EQ(out.exit_code, 0) << out.err;
  json j = json::parse(out.out);
  EXPECT_EQ(domains_in_order(j), (std::vector<std::string>{kContoso, kNorthwind, kFabrikam}))
      << j.dump(2);
  const json& contoso = row_of(j, kContoso);
  EXPECT_EQ(contoso["status"], "gone") << contoso;
  EXPECT_EQ(contoso["statusText"].get<std::string>().rfind("gone since ", 0), 0u) << contoso;
  EXPECT_NE(contoso["statusText"].get<std::string>().find("gone from the partner's contracts"),
            std::string::npos)
      << contoso;
  const json& northwind = row_of(j, kNorthwind);
  EXPECT_EQ(northwind["status"], "stale") << northwind;
  EXPECT_EQ(northwind["statusText"].get<std::string>().rfind("stale: ", 0), 0u) << northwind;
  EXPECT_TRUE(northwind["lastMirror"].is_string()) << "its last complete mirror stays";

  auto text = f.run({"tenants"});
  ASSERT_EQ(text.exit_code, 0) << text.err;
  auto lines = lines_of(text.out);
  ASSERT_GE(lines.size(), 4u) << text.out;
  EXPECT_NE(lines[1].find(kContoso), std::string::npos) << text.out;
  EXPECT_NE(lines[1].find("gone since "), std::string::npos) << text.out;
  EXPECT_NE(lines[2].find(kNorthwind), std::string::npos) << text.out;
  EXPECT_NE(lines[2].find("stale: "), std::string::npos) << text.out;
  EXPECT_NE(lines[3].find("complete"), std::string::npos) << text.out;
}

// A customer the partner has but no mirror read yet is listed as never read whole, and a
// desired state naming it plans the others and says it for that one, rather than calling
// it an unknown tenant and planning nothing.
TEST(TenantsCliTest, ACustomerNeverMirroredIsListedAndPlannedAsNeverRead) {
  CliFixture f;
  ASSERT_EQ(f.run({"mirror", "--tenant", kContoso, "--tenant", kFabrikam}).exit_code, 0);

  auto out = f.run({"tenants", "--format", "json"});
  ASSERT_EQ(out.exit_code, 0) << out.err;
  json j = json::parse(out.out);
  EXPECT_EQ(row_of(j, kNorthwind)["status"], "never-read-whole") << j.dump(2);

  auto desired = f.write("desired.json", R"({ "version": 1, "tenants": [
    { "tenant": "northwind.onmicrosoft.com", "managedSkus": ["SPE_E3"] },
    { "tenant": "contoso.onmicrosoft.com", "managedSkus": ["SPE_E3"], "unlisted": "keep" } ] })");
  auto plan = f.run({"plan", "--no-refresh", "--desired", desired});
  EXPECT_NE(plan.exit_code, 1) << plan.out << plan.err;
  EXPECT_EQ(plan.err.find("unknown tenant"), std::string::npos) << plan.err;
  EXPECT_NE(plan.out.find("northwind.onmicrosoft.com"), std::string::npos) << plan.out;
  EXPECT_NE(plan.out.find("never mirrored"), std::string::npos) << plan.out;
  auto drift = f.run({"drift", "--no-refresh", "--desired", desired});
  EXPECT_EQ(drift.err.find("unknown tenant"), std::string::npos) << drift.err;
}

}  // namespace tenants_cli_test
}  // namespace tenantsync::test
