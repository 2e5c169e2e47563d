// The partner-portal user tasks end to end (issue #8): the built tenantsync against a
// fake-graph, with a config file in a temp folder, as an admin would run them: assign,
// revoke, users add / import / reset-password / delete / restore. What the tests check is
// what the admin sees (output, exit code, the passwords file) and what the service holds
// afterwards (/_fake/state), and that a dry run or a refused command sends nothing
// (/_fake/stats).
#include <sys/stat.h>

#include <algorithm>
#include <set>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/support/fake_graph_process.h"
#include "tests/support/passwords_csv.h"
#include "tests/support/run_program.h"

namespace tenantsync::test {
namespace user_tasks_test {

using ::testing::ContainsRegex;
using ::testing::HasSubstr;
using ::testing::Not;
using json = nlohmann::json;

const std::string kClientId = "11111111-1111-1111-1111-111111111111";
const std::string kContoso = "contoso.onmicrosoft.com";
const std::string kNorthwind = "northwind.onmicrosoft.com";
const std::string kE3 = "05e9a617-0261-4cee-bb44-138d3ef5d965";
const std::string kEms = "efccb6f7-5641-4e0e-bd10-b4976e1bf68e";
const std::string kFlowFree = "f30db892-07e9-47e9-837c-80727f46fd3d";

// A fake-graph and a tenantsync config pointing at it, in a fresh folder.
class Estate {
 public:
  explicit Estate(std::vector<std::string> fake_args, int max_deletions = 10)
      : fake_(std::move(fake_args)) {
    config_ = dir_.write("tenantsync.json",
                         json{{"cache", "tenantsync.db"},
                              {"remote",
                               {{"graphUrl", fake_.graph_url()},
                                {"authorityUrl", fake_.url()},
                                {"partnerTenant", "partner.onmicrosoft.com"},
                                {"clientId", kClientId},
                                {"clientSecretEnv", "TS_TEST_SECRET"},
                                {"maxAttempts", 3},
                                {"timeoutSeconds", 20}}},
                              {"tenants", "all"},
                              {"safety", {{"maxRevocations", 50}, {"maxDeletions", max_deletions}}}}
                             .dump(2));
  }

  ProgramResult run(std::vector<std::string> args) {
    args.insert(args.begin(), {"--config", config_, "--no-progress"});
    return run_tenantsync(args, {{"TS_TEST_SECRET", secret_}});
  }

  FakeGraphProcess& fake() { return fake_; }
  const TempDir& dir() const { return dir_; }
  void set_secret(std::string s) { secret_ = std::move(s); }

  // Writes to the tenant took effect (never a dry run's or a refused command's).
  int writes() { return fake_.stats()["writes"].get<int>(); }
  // Requests by route and status, e.g. count("POST /v1.0/users/{id}/assignLicense", "200").
  int count(const std::string& route, const std::string& status = "") {
    json requests = fake_.stats()["requests"];
    if (!requests.contains(route)) return 0;
    int n = 0;
    for (const auto& [code, c] : requests[route].items()) {
      if (status.empty() || code == status) n += c.get<int>();
    }
    return n;
  }
  // Every request that could change the tenant: all but GETs and tokens, and a $batch
  // counts by its items (the fake counts each under its own route).
  int change_requests() {
    int n = 0;
    const nlohmann::json stats = fake_.stats();  // held: the loop reads into it
    for (const auto& [route, codes] : stats["requests"].items()) {
      if (route.rfind("GET ", 0) == 0 || route.find("/oauth2/") != std::string::npos ||
          route.ends_with("/$batch")) {
        continue;
      }
      for (const auto& [code, c] : codes.items()) n += c.get<int>();
    }
    return n;
  }

 private:
  FakeGraphProcess fake_;
  TempDir dir_;
  std::string config_;
  std::string secret_ = "demo-secret";
};

Estate demo_estate(int max_deletions = 10) {
  return Estate({"--fixture", demo_fixture_path()}, max_deletions);
}

const json* find_user(const json& state, const std::string& upn) {
  for (const auto& u : state["users"]) {
    if (u["userPrincipalName"].get<std::string>() == upn) return &u;
  }
  return nullptr;
}

const json* find_deleted(const json& state, const std::string& upn) {
  for (const auto& u : state["deletedUsers"]) {
    if (u["userPrincipalName"].get<std::string>() == upn) return &u;
  }
  return nullptr;
}

// The SKUs a user holds directly (the fake's state lists inherited ones in groupLicenses).
std::set<std::string> skus_of(const json& user) {
  std::set<std::string> out;
  for (const auto& l : user["assignedLicenses"]) out.insert(l["skuId"].get<std::string>());
  return out;
}

const json& sku_state(const json& state, const std::string& sku_id) {
  for (const auto& s : state["skus"]) {
    if (s["skuId"].get<std::string>() == sku_id) return s;
  }
  throw std::runtime_error("no sku " + sku_id);
}

int free_seats(const json& state, const std::string& sku_id) {
  const json& s = sku_state(state, sku_id);
  return s["enabled"].get<int>() + s.value("warning", 0) - s["consumedUnits"].get<int>();
}

bool exists(const std::string& path) {
  struct stat st {};
  return stat(path.c_str(), &st) == 0;
}

int file_mode(const std::string& path) {
  struct stat st {};
  if (stat(path.c_str(), &st) != 0) return -1;
  return static_cast<int>(st.st_mode & 0777);
}

// The service's rule: 8-256 characters, 3 of lower, upper, digit, symbol.
bool complex_enough(const std::string& p) {
  bool lower = false, upper = false, digit = false, symbol = false;
  for (char c : p) {
    lower = lower || std::islower(static_cast<unsigned char>(c));
    upper = upper || std::isupper(static_cast<unsigned char>(c));
    digit = digit || std::isdigit(static_cast<unsigned char>(c));
    symbol = symbol || std::ispunct(static_cast<unsigned char>(c));
  }
  return p.size() >= 8 && p.size() <= 256 && lower + upper + digit + symbol >= 3;
}

// No password of the file shows in what the command printed or in the cache (journal).
void expect_passwords_nowhere_else(const std::map<std::string, std::string>& rows,
                                   const ProgramResult& r, const std::string& cache) {
  std::string db = read_file(cache);
  if (exists(cache + "-wal")) db += read_file(cache + "-wal");
  for (const auto& [upn, password] : rows) {
    EXPECT_EQ(r.out.find(password), std::string::npos) << "stdout shows the password of " << upn;
    EXPECT_EQ(r.err.find(password), std::string::npos) << "stderr shows the password of " << upn;
    EXPECT_EQ(db.find(password), std::string::npos) << "the cache holds the password of " << upn;
  }
}

// ---- assign / revoke ----------------------------------------------------------------

// One tenant with SPE_E3 (150 seats, none used) and EMS, 200 Sales users without
// licenses (user001 ... user200) and 5 Marketing users.
std::string bulk_fixture(const TempDir& dir) {
  json users = json::array();
  for (int i = 1; i <= 205; ++i) {
    char id[40], upn[64];
    std::snprintf(id, sizeof id, "00000000-0000-4000-8000-%012d", i);
    std::snprintf(upn, sizeof upn, "user%03d@bulk.onmicrosoft.com", i);
    users.push_back({{"id", id},
                     {"userPrincipalName", upn},
                     {"displayName", std::string("User ") + std::to_string(i)},
                     {"department", i <= 200 ? "Sales" : "Marketing"},
                     {"usageLocation", "US"},
                     {"accountEnabled", true},
                     {"assignedLicenses", json::array()}});
  }
  json fixture = {{"partner",
                   {{"tenantId", "99999999-0000-4000-8000-000000000000"},
                    {"defaultDomainName", "partner.onmicrosoft.com"}}},
                  {"clients", {{{"clientId", kClientId}, {"secret", "demo-secret"}}}},
                  {"now", "2026-11-20T00:00:00Z"},
                  {"tenants",
                   {{{"id", "aaaaaaaa-0000-4000-8000-000000000001"},
                     {"defaultDomainName", "bulk.onmicrosoft.com"},
                     {"displayName", "Bulk"},
                     {"verifiedDomains", {"bulk.onmicrosoft.com"}},
                     {"skus",
                      {{{"skuId", kE3},
                        {"skuPartNumber", "SPE_E3"},
                        {"appliesTo", "User"},
                        {"enabled", 150},
                        {"warning", 0},
                        {"suspended", 0},
                        {"servicePlans",
                         {{{"servicePlanId", "57ff2da0-773e-42df-b2af-ffb7a2317929"},
                           {"servicePlanName", "TEAMS1"}},
                          {{"servicePlanId", "7547a3fe-08ee-4ccb-b430-5077c5041653"},
                           {"servicePlanName", "YAMMER_ENTERPRISE"}}}}},
                       {{"skuId", kEms},
                        {"skuPartNumber", "EMS"},
                        {"appliesTo", "User"},
                        {"enabled", 300},
                        {"warning", 0},
                        {"suspended", 0},
                        {"servicePlans",
                         {{{"servicePlanId", "c1ec4a95-1f05-45b3-a911-aa3fa01094f5"},
                           {"servicePlanName", "INTUNE_A"}}}}}}},
                     {"users", users}}}}};
  return dir.write("bulk.json", fixture.dump());
}

TEST(UserTasksTest, BulkAssignBeyondTheSeatsAssignsWhatFitsAndReportsTheShortfall) {
  TempDir fixture_dir;
  Estate estate({"--fixture", bulk_fixture(fixture_dir)});
  const std::vector<std::string> assign = {"assign",   "--tenant",         "bulk.onmicrosoft.com",
                                           "--filter", "department:Sales", "--sku",
                                           "SPE_E3"};

  // The dry run shows the same split and sends nothing.
  estate.fake().reset_stats();
  auto args = assign;
  args.push_back("--dry-run");
  auto dry = estate.run(args);
  EXPECT_EQ(dry.exit_code, 3) << dry.out << dry.err;
  EXPECT_THAT(dry.out, HasSubstr("200 users, 200 operations: 150 ready, 50 blocked, 0 failed"));
  EXPECT_THAT(dry.out, HasSubstr("buy 50 more seats of SPE_E3"));
  EXPECT_THAT(dry.out, HasSubstr("nothing was sent"));
  EXPECT_EQ(estate.change_requests(), 0);
  EXPECT_EQ(estate.writes(), 0);

  estate.fake().reset_stats();
  auto r = estate.run(assign);
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  EXPECT_THAT(r.out,
              HasSubstr("200 users, 200 operations: 150 done, 50 blocked, 0 failed, 0 skipped"));
  EXPECT_THAT(r.out, HasSubstr("buy 50 more seats of SPE_E3"));
  // Nothing was sent for the 50: exactly 150 assignLicense calls reached the service.
  EXPECT_EQ(estate.writes(), 150);
  EXPECT_EQ(estate.count("POST /v1.0/users/{id}/assignLicense"), 150);

  // The free seats went to the first 150 by UPN; each of the others is listed blocked
  // with the shortfall, and holds nothing.
  json state = estate.fake().state("bulk.onmicrosoft.com");
  int holders = 0;
  for (int i = 1; i <= 205; ++i) {
    char upn[64];
    std::snprintf(upn, sizeof upn, "user%03d@bulk.onmicrosoft.com", i);
    const json* u = find_user(state, upn);
    ASSERT_NE(u, nullptr) << upn;
    bool holds = skus_of(*u).count(kE3) == 1;
    holders += holds ? 1 : 0;
    EXPECT_EQ(holds, i <= 150) << upn;
    auto block =
        r.out.find(std::string(upn) + "\n    ! assign SPE_E3 blocked: no free seat of SPE_E3");
    EXPECT_EQ(block != std::string::npos, i > 150 && i <= 200) << upn;
    if (i > 200) {
      EXPECT_THAT(r.out, Not(HasSubstr(upn)));  // not selected
    }
  }
  EXPECT_EQ(holders, 150);
  EXPECT_EQ(free_seats(state, kE3), 0);
}

TEST(UserTasksTest, AssignReportsEveryUserAndDisablesTheNamedPlans) {
  Estate estate = demo_estate();
  estate.fake().reset_stats();
  auto r = estate.run({"assign", "--tenant", kContoso, "--users",
                       "emily.braun@contoso.onmicrosoft.com,alex.wilber@contoso.onmicrosoft.com,"
                       "irvin.sayers@contoso.onmicrosoft.com,nobody@contoso.onmicrosoft.com",
                       "--sku", "EMS", "--disable-plan", "INTUNE_A", "--format", "json"});
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  json out = json::parse(r.out);
  std::map<std::string, json> by_user;
  for (const auto& u : out["users"]) by_user[u["user"].get<std::string>()] = u;
  ASSERT_EQ(by_user.size(), 4u) << r.out;
  // Emily gets EMS without Intune; Alex holds EMS already and gets Intune turned off.
  EXPECT_EQ(by_user["emily.braun@contoso.onmicrosoft.com"]["result"], "done");
  EXPECT_EQ(by_user["alex.wilber@contoso.onmicrosoft.com"]["result"], "done");
  EXPECT_EQ(by_user["alex.wilber@contoso.onmicrosoft.com"]["operations"][0]["op"], "update");
  // Irvin has no usage location: blocked with the service's message.
  const json& irvin = by_user["irvin.sayers@contoso.onmicrosoft.com"];
  EXPECT_EQ(irvin["result"], "blocked");
  EXPECT_THAT(irvin["operations"][0]["reason"].get<std::string>(),
              HasSubstr("License assignment cannot be done for user with invalid usage "
                        "location."));
  // An unknown user is reported, not dropped.
  EXPECT_EQ(by_user["nobody@contoso.onmicrosoft.com"]["result"], "notFound");
  EXPECT_THAT(by_user["nobody@contoso.onmicrosoft.com"]["problems"][0].get<std::string>(),
              HasSubstr("no user nobody@contoso.onmicrosoft.com in contoso.onmicrosoft.com"));
  EXPECT_EQ(out["summary"]["done"], 2);
  EXPECT_EQ(out["summary"]["blocked"], 1);
  EXPECT_EQ(out["summary"]["failed"], 0);
  EXPECT_EQ(out["summary"]["notFound"], 1);

  json state = estate.fake().state(kContoso);
  for (const char* upn :
       {"emily.braun@contoso.onmicrosoft.com", "alex.wilber@contoso.onmicrosoft.com"}) {
    const json* u = find_user(state, upn);
    ASSERT_NE(u, nullptr);
    bool found = false;
    for (const auto& l : (*u)["assignedLicenses"]) {
      if (l["skuId"] != kEms) continue;
      found = true;
      EXPECT_EQ(l["disabledPlans"], json::array({"c1ec4a95-1f05-45b3-a911-aa3fa01094f5"})) << upn;
    }
    EXPECT_TRUE(found) << upn;
  }
  EXPECT_EQ(skus_of(*find_user(state, "irvin.sayers@contoso.onmicrosoft.com")).size(), 0u);
  EXPECT_EQ(estate.count("POST /v1.0/users/{id}/assignLicense"), 2);
}

TEST(UserTasksTest, RevokeTakesTheSkuAndSaysWhoDidNotHoldItOrGetsItFromAGroup) {
  Estate estate = demo_estate();
  TempDir files;
  std::string list = files.write("users.txt",
                                 "userPrincipalName\n"
                                 "joni.sherman@contoso.onmicrosoft.com\n"
                                 "lynne.robbins@contoso.onmicrosoft.com\n"
                                 "megan.bowen@contoso.onmicrosoft.com\n"
                                 "christie.cline@contoso.onmicrosoft.com\n");
  const std::vector<std::string> revoke = {"revoke", "--tenant", kContoso, "--users-file",
                                           list,     "--sku",    "EMS"};
  estate.fake().reset_stats();
  auto args = revoke;
  args.push_back("--dry-run");
  auto dry = estate.run(args);
  EXPECT_EQ(dry.exit_code, 3) << dry.out << dry.err;
  EXPECT_THAT(dry.out, HasSubstr("> would revoke EMS"));
  EXPECT_EQ(estate.change_requests(), 0);

  auto r = estate.run(revoke);
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("joni.sherman@contoso.onmicrosoft.com\n    \u2713 revoked EMS"));
  EXPECT_THAT(r.out, HasSubstr("lynne.robbins@contoso.onmicrosoft.com\n    \u2713 revoked EMS"));
  EXPECT_THAT(r.out, HasSubstr("megan.bowen@contoso.onmicrosoft.com\n    = does not hold EMS"));
  EXPECT_THAT(r.out,
              HasSubstr("christie.cline@contoso.onmicrosoft.com\n    ! EMS comes from group"));
  EXPECT_THAT(
      r.out,
      HasSubstr(
          "4 users, 3 operations: 2 done, 1 blocked, 0 failed, 0 skipped; 1 user unchanged."));
  json state = estate.fake().state(kContoso);
  EXPECT_EQ(skus_of(*find_user(state, "joni.sherman@contoso.onmicrosoft.com")),
            std::set<std::string>{kE3});
  EXPECT_EQ(skus_of(*find_user(state, "lynne.robbins@contoso.onmicrosoft.com")),
            std::set<std::string>{kE3});
  // Christie still has EMS from her group.
  const json* christie = find_user(state, "christie.cline@contoso.onmicrosoft.com");
  ASSERT_NE(christie, nullptr);
  ASSERT_EQ((*christie)["groupLicenses"].size(), 1u);
  EXPECT_EQ((*christie)["groupLicenses"][0]["skuId"], kEms);
}

TEST(UserTasksTest, UnknownSkuIsRefusedBeforeAnythingIsSent) {
  Estate estate = demo_estate();
  estate.fake().reset_stats();
  auto r = estate.run({"assign", "--tenant", kContoso, "--filter", "unlicensed", "--sku", "E9"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_THAT(r.err, HasSubstr("--sku: unknown SKU E9 in contoso.onmicrosoft.com"));
  EXPECT_EQ(estate.change_requests(), 0);
}

// ---- users add / import / reset-password ---------------------------------------------

TEST(UserTasksTest, UsersAddCreatesTheUserWithItsLicenseAndWritesThePasswordOnlyToTheFile) {
  Estate estate = demo_estate();
  std::string pw = estate.dir().file("pw.csv");

  // Without --passwords-out it refuses, before anything is sent.
  estate.fake().reset_stats();
  auto refused = estate.run({"users", "add", "--tenant", kContoso, "--upn",
                             "new.person@contoso.onmicrosoft.com", "--display-name", "New Person"});
  EXPECT_EQ(refused.exit_code, 64) << refused.err;
  EXPECT_THAT(refused.err, HasSubstr("--passwords-out"));
  EXPECT_EQ(estate.fake().stats()["requests"].size(), 0u);

  auto r = estate.run({"--log-level", "trace", "users", "add", "--tenant", kContoso, "--upn",
                       "new.person@contoso.onmicrosoft.com", "--display-name", "New Person",
                       "--usage-location", "us", "--license", "EMS", "--passwords-out", pw});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("\u2713 created \"New Person\""));
  EXPECT_THAT(r.out, HasSubstr("\u2713 assigned EMS"));
  EXPECT_EQ(file_mode(pw), 0600);
  auto rows = password_rows(pw);
  ASSERT_EQ(rows.size(), 1u);
  ASSERT_EQ(rows.count("new.person@contoso.onmicrosoft.com"), 1u);
  EXPECT_TRUE(complex_enough(rows.begin()->second)) << "password fails the service's rule";
  expect_passwords_nowhere_else(rows, r, estate.dir().file("tenantsync.db"));

  json state = estate.fake().state(kContoso);
  const json* u = find_user(state, "new.person@contoso.onmicrosoft.com");
  ASSERT_NE(u, nullptr);
  EXPECT_EQ((*u)["displayName"], "New Person");
  EXPECT_EQ((*u)["usageLocation"], "US");
  EXPECT_EQ(skus_of(*u), std::set<std::string>{kEms});

  // A passwords file that exists is never overwritten: refused before anything is sent.
  estate.fake().reset_stats();
  auto again = estate.run({"users", "add", "--tenant", kContoso, "--upn",
                           "other.person@contoso.onmicrosoft.com", "--display-name", "Other",
                           "--passwords-out", pw});
  EXPECT_EQ(again.exit_code, 1) << again.err;
  EXPECT_THAT(again.err, HasSubstr(pw));
  EXPECT_EQ(estate.fake().stats()["requests"].size(), 0u);
  EXPECT_EQ(password_rows(pw), rows);
}

// Excel's way: UTF-8 BOM, `;` separators, quoted fields with `;` and `,`, CRLF.
const std::string kBom = "\xEF\xBB\xBF";
const std::string kHeader =
    "User Name;First Name;Last Name;Display Name;Job Title;Department;Usage Location;Licenses\r\n";
const std::string kGoodRows =
    "nina.north@contoso.onmicrosoft.com;Nina;North;Nina North;\"Sales, EMEA\";Sales;US;EMS\r\n"
    "omar.olsen@sales.contoso.com;Omar;Olsen;\"Olsen; Omar\";Engineer;Engineering;de;\r\n";

TEST(UserTasksTest, ImportWithABadRowCreatesNothingAndNamesTheRowAndColumn) {
  Estate estate = demo_estate();
  std::string csv = estate.dir().write(
      "new-hires.csv", kBom + kHeader + kGoodRows +
                           "pat.bad@contoso.onmicrosoft.com;Pat;Bad;Pat Bad;Tester;QA;UK;\r\n");
  estate.fake().reset_stats();
  auto r = estate.run({"users", "import", "--tenant", kContoso, "--csv", csv, "--passwords-out",
                       estate.dir().file("pw.csv")});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_THAT(r.err, HasSubstr(csv + ":4: column \"Usage Location\""));
  EXPECT_THAT(r.err, HasSubstr("nothing was created (the rows' licenses, roles and domains are "
                               "checked against the tenant once the file has no problems)"));
  EXPECT_EQ(estate.fake().stats()["requests"].size(), 0u);
  EXPECT_FALSE(exists(estate.dir().file("pw.csv")));
  json state = estate.fake().state(kContoso);
  EXPECT_EQ(find_user(state, "nina.north@contoso.onmicrosoft.com"), nullptr);
}

TEST(UserTasksTest, ImportCreatesTheRowsOnceAndARerunSkipsThem) {
  Estate estate = demo_estate();
  std::string csv = estate.dir().write("new-hires.csv", kBom + kHeader + kGoodRows);

  // --dry-run checks the file and plans, sending nothing; no passwords file needed.
  estate.fake().reset_stats();
  auto dry = estate.run({"users", "import", "--tenant", kContoso, "--csv", csv, "--dry-run"});
  EXPECT_EQ(dry.exit_code, 0) << dry.out << dry.err;
  // Every property the create sends, as the real run will send it.
  EXPECT_THAT(dry.out, HasSubstr("> would create \"Nina North\" (usageLocation US, givenName "
                                 "\"Nina\", surname \"North\", department \"Sales\", jobTitle "
                                 "\"Sales, EMEA\")\n"))
      << dry.out;
  EXPECT_THAT(dry.out, HasSubstr("2 users, 3 operations: 3 ready, 0 blocked"));
  EXPECT_EQ(estate.change_requests(), 0);

  std::string pw = estate.dir().file("pw.csv");
  auto r =
      estate.run({"users", "import", "--tenant", kContoso, "--csv", csv, "--passwords-out", pw});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("2 users, 3 operations: 3 done, 0 blocked"));
  json state = estate.fake().state(kContoso);
  const json* nina = find_user(state, "nina.north@contoso.onmicrosoft.com");
  const json* omar = find_user(state, "omar.olsen@sales.contoso.com");
  ASSERT_NE(nina, nullptr);
  ASSERT_NE(omar, nullptr);
  EXPECT_EQ((*nina)["jobTitle"], "Sales, EMEA");  // the quoted comma stayed in its field
  EXPECT_EQ((*omar)["displayName"], "Olsen; Omar");
  EXPECT_EQ((*omar)["usageLocation"], "DE");
  EXPECT_EQ(skus_of(*nina), std::set<std::string>{kEms});
  EXPECT_EQ(file_mode(pw), 0600);
  auto rows = password_rows(pw);
  EXPECT_EQ(rows.size(), 2u);
  expect_passwords_nowhere_else(rows, r, estate.dir().file("tenantsync.db"));

  // The same file again: both exist, nothing is created, no passwords file is written.
  estate.fake().reset_stats();
  std::string pw2 = estate.dir().file("pw2.csv");
  auto rerun =
      estate.run({"users", "import", "--tenant", kContoso, "--csv", csv, "--passwords-out", pw2});
  EXPECT_EQ(rerun.exit_code, 0) << rerun.out << rerun.err;
  EXPECT_THAT(rerun.out, HasSubstr("nina.north@contoso.onmicrosoft.com\n    = already exists: "
                                   "skipped"));
  EXPECT_THAT(
      rerun.out,
      HasSubstr(
          "2 users, 0 operations: 0 done, 0 blocked, 0 failed, 0 skipped; 2 users unchanged."));
  EXPECT_EQ(estate.change_requests(), 0);
  EXPECT_FALSE(exists(pw2));
}

// An import whose license ran short of seats creates the user without it and says so
// (exit 3); once seats are free, running the same file again gives it, and creates nothing.
TEST(UserTasksTest, ARerunOfAnImportGivesTheLicenseTheFirstRunCouldNot) {
  Estate estate = demo_estate();
  json state = estate.fake().state(kContoso);
  const int free_ems = free_seats(state, kEms);
  ASSERT_GT(free_ems, 0);
  std::vector<std::string> takers = {
      "diego.siciliani@contoso.onmicrosoft.com", "isaiah.langer@contoso.onmicrosoft.com",
      "lidia.holloway@contoso.onmicrosoft.com", "megan.bowen@contoso.onmicrosoft.com",
      "pradeep.gupta@contoso.onmicrosoft.com"};
  ASSERT_LE(free_ems, static_cast<int>(takers.size()));
  takers.resize(free_ems);
  for (const auto& upn : takers) {
    estate.fake().set_licenses(kContoso, upn,
                               {{{"skuId", kE3}, {"disabledPlans", json::array()}},
                                {{"skuId", kEms}, {"disabledPlans", json::array()}}});
  }
  ASSERT_EQ(free_seats(estate.fake().state(kContoso), kEms), 0);
  std::string csv = estate.dir().write("new-hires.csv", kBom + kHeader + kGoodRows);
  auto first = estate.run({"users", "import", "--tenant", kContoso, "--csv", csv, "--passwords-out",
                           estate.dir().file("pw.csv")});
  EXPECT_EQ(first.exit_code, 3) << first.out << first.err;
  EXPECT_THAT(first.out, HasSubstr("no free seat of EMS")) << first.out;
  state = estate.fake().state(kContoso);
  const json* nina = find_user(state, "nina.north@contoso.onmicrosoft.com");
  ASSERT_NE(nina, nullptr);
  EXPECT_TRUE(skus_of(*nina).empty());

  // A seat is freed; the same file again gives Nina her license and creates nobody.
  estate.fake().set_licenses(kContoso, takers[0],
                             {{{"skuId", kE3}, {"disabledPlans", json::array()}}});
  estate.fake().reset_stats();
  auto dry = estate.run({"users", "import", "--tenant", kContoso, "--csv", csv, "--dry-run"});
  EXPECT_EQ(dry.exit_code, 0) << dry.out << dry.err;
  EXPECT_THAT(dry.out, HasSubstr("nina.north@contoso.onmicrosoft.com\n    > would assign EMS\n"
                                 "    = already exists: not created again\n"))
      << dry.out;
  EXPECT_THAT(dry.out, HasSubstr("omar.olsen@sales.contoso.com\n    = already exists: skipped"));
  EXPECT_EQ(estate.change_requests(), 0);
  std::string pw2 = estate.dir().file("pw2.csv");
  auto rerun =
      estate.run({"users", "import", "--tenant", kContoso, "--csv", csv, "--passwords-out", pw2});
  EXPECT_EQ(rerun.exit_code, 0) << rerun.out << rerun.err;
  EXPECT_THAT(rerun.out, HasSubstr("\u2713 assigned EMS")) << rerun.out;
  EXPECT_THAT(rerun.out, HasSubstr("2 users, 1 operation: 1 done, 0 blocked")) << rerun.out;
  EXPECT_EQ(estate.count("POST /v1.0/users"), 0) << "nobody created twice";
  EXPECT_FALSE(exists(pw2)) << "no password was made";
  state = estate.fake().state(kContoso);
  nina = find_user(state, "nina.north@contoso.onmicrosoft.com");
  ASSERT_NE(nina, nullptr);
  EXPECT_EQ(skus_of(*nina), std::set<std::string>{kEms});
  const json* taker = find_user(state, takers[0]);
  ASSERT_NE(taker, nullptr);
  EXPECT_EQ(skus_of(*taker), std::set<std::string>{kE3}) << "nothing else moved";
}

TEST(UserTasksTest, ImportOf500UsersCreatesAllWithLicensesAndNoPasswordLeaks) {
  Estate estate = demo_estate();
  std::string text = "userPrincipalName,displayName,department,usageLocation,licenses\n";
  for (int i = 1; i <= 500; ++i) {
    char row[160];
    std::snprintf(row, sizeof row,
                  "hire%03d@northwind.onmicrosoft.com,Hire %03d,Sales,US,FLOW_FREE\n", i, i);
    text += row;
  }
  std::string csv = estate.dir().write("hires.csv", text);
  std::string pw = estate.dir().file("pw.csv");
  auto r = estate.run({"--log-level", "trace", "users", "import", "--tenant", kNorthwind, "--csv",
                       csv, "--passwords-out", pw});
  ASSERT_EQ(r.exit_code, 0) << r.out.substr(0, 2000) << r.err.substr(0, 2000);
  EXPECT_THAT(r.out, HasSubstr("500 users, 1000 operations: 1000 done, 0 blocked, 0 failed"));

  json state = estate.fake().state(kNorthwind);
  int hires = 0;
  for (const auto& u : state["users"]) {
    if (u["userPrincipalName"].get<std::string>().rfind("hire", 0) != 0) continue;
    ++hires;
    EXPECT_EQ(skus_of(u), std::set<std::string>{kFlowFree}) << u["userPrincipalName"];
  }
  EXPECT_EQ(hires, 500);
  EXPECT_EQ(file_mode(pw), 0600);
  auto rows = password_rows(pw);
  ASSERT_EQ(rows.size(), 500u);
  std::set<std::string> distinct;
  for (const auto& [upn, password] : rows) {
    EXPECT_TRUE(complex_enough(password)) << upn;
    distinct.insert(password);
  }
  EXPECT_EQ(distinct.size(), 500u);
  expect_passwords_nowhere_else(rows, r, estate.dir().file("tenantsync.db"));
}

TEST(UserTasksTest, ResetPasswordSetsNewPasswordsToBeChangedAtNextSignIn) {
  Estate estate = demo_estate();
  std::string pw = estate.dir().file("reset.csv");

  estate.fake().reset_stats();
  auto refused = estate.run({"users", "reset-password", "--tenant", kContoso, "--user",
                             "megan.bowen@contoso.onmicrosoft.com"});
  EXPECT_EQ(refused.exit_code, 64) << refused.err;
  EXPECT_EQ(estate.fake().stats()["requests"].size(), 0u);

  auto r = estate.run({"--log-level", "trace", "users", "reset-password", "--tenant", kContoso,
                       "--user", "megan.bowen@contoso.onmicrosoft.com", "--user",
                       "LIDIA.HOLLOWAY@contoso.onmicrosoft.com", "--user",
                       "ghost@contoso.onmicrosoft.com", "--passwords-out", pw});
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("megan.bowen@contoso.onmicrosoft.com\n    \u2713 password reset"));
  EXPECT_THAT(r.out,
              HasSubstr("lidia.holloway@contoso.onmicrosoft.com\n    \u2713 password reset"));
  EXPECT_THAT(r.out, HasSubstr("no user ghost@contoso.onmicrosoft.com"));
  EXPECT_THAT(r.out, HasSubstr("3 users, 2 operations: 2 done, 0 failed; 1 not found."));
  // Two PATCHes the service accepted (a password change is not a "write" it counts).
  EXPECT_EQ(estate.count("PATCH /v1.0/users/{id}", "204"), 2);
  EXPECT_EQ(file_mode(pw), 0600);
  auto rows = password_rows(pw);
  EXPECT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows.count("megan.bowen@contoso.onmicrosoft.com"), 1u);
  EXPECT_EQ(rows.count("lidia.holloway@contoso.onmicrosoft.com"), 1u);
  for (const auto& [upn, password] : rows) EXPECT_TRUE(complex_enough(password)) << upn;
  expect_passwords_nowhere_else(rows, r, estate.dir().file("tenantsync.db"));

  // The audit trail has both resets, without their passwords.
  auto journal = estate.run({"journal", "--tenant", kContoso});
  EXPECT_EQ(journal.exit_code, 0) << journal.err;
  for (const char* upn :
       {"megan.bowen@contoso.onmicrosoft.com", "lidia.holloway@contoso.onmicrosoft.com"}) {
    EXPECT_THAT(journal.out,
                ContainsRegex(std::string("applied +reset-password +") + kContoso + " +" + upn));
  }
  EXPECT_THAT(journal.out, HasSubstr("2 entries."));
  expect_passwords_nowhere_else(rows, journal, estate.dir().file("tenantsync.db"));
}

// ---- users delete / restore ------------------------------------------------------------

TEST(UserTasksTest, DeleteSoftDeletesWithinTheDeletionLimit) {
  Estate estate = demo_estate(/*max_deletions=*/2);
  const std::vector<std::string> three = {"users",    "delete",
                                          "--tenant", kContoso,
                                          "--user",   "megan.bowen@contoso.onmicrosoft.com",
                                          "--user",   "lidia.holloway@contoso.onmicrosoft.com",
                                          "--user",   "emily.braun@contoso.onmicrosoft.com"};
  estate.fake().reset_stats();
  auto refused = estate.run(three);
  EXPECT_EQ(refused.exit_code, 4) << refused.out << refused.err;
  EXPECT_THAT(
      refused.out,
      HasSubstr(
          "3 deletions > safety.maxDeletions 2; raise safety.maxDeletions to 3 in the config"));
  EXPECT_EQ(estate.change_requests(), 0);

  auto r = estate.run({"users", "delete", "--tenant", kContoso, "--user",
                       "megan.bowen@contoso.onmicrosoft.com", "--user",
                       "cameron.white@contoso.onmicrosoft.com", "--user",
                       "nobody@contoso.onmicrosoft.com"});
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("megan.bowen@contoso.onmicrosoft.com\n    \u2713 deleted"));
  EXPECT_THAT(r.out, HasSubstr("cameron.white@contoso.onmicrosoft.com\n    = already deleted"));
  EXPECT_THAT(r.out, HasSubstr("no user nobody@contoso.onmicrosoft.com"));
  json state = estate.fake().state(kContoso);
  EXPECT_EQ(find_user(state, "megan.bowen@contoso.onmicrosoft.com"), nullptr);
  EXPECT_NE(find_deleted(state, "megan.bowen@contoso.onmicrosoft.com"), nullptr);
  EXPECT_EQ(estate.count("DELETE /v1.0/users/{id}"), 1);
}

// ---- users set ------------------------------------------------------------------------

TEST(UserTasksTest, UsersSetGivesAUsageLocationSoTheAssignmentThenSucceeds) {
  Estate estate = demo_estate();
  const std::string irvin = "irvin.sayers@contoso.onmicrosoft.com";  // no usage location

  // Without a property to set, or with a code that is not one: usage errors, nothing sent.
  estate.fake().reset_stats();
  auto nothing = estate.run({"users", "set", "--tenant", kContoso, "--user", irvin});
  EXPECT_EQ(nothing.exit_code, 64) << nothing.err;
  EXPECT_THAT(nothing.err, HasSubstr("--usage-location"));
  auto bad =
      estate.run({"users", "set", "--tenant", kContoso, "--user", irvin, "--usage-location", "UK"});
  EXPECT_EQ(bad.exit_code, 64) << bad.err;
  EXPECT_THAT(bad.err, HasSubstr("the United Kingdom is GB"));
  EXPECT_EQ(estate.fake().stats()["requests"].size(), 0u);

  auto blocked = estate.run({"assign", "--tenant", kContoso, "--users", irvin, "--sku", "EMS"});
  EXPECT_EQ(blocked.exit_code, 3) << blocked.out << blocked.err;
  EXPECT_THAT(blocked.out, HasSubstr("the user has no usage location"));

  auto dry = estate.run({"users", "set", "--tenant", kContoso, "--user", irvin, "--usage-location",
                         "us", "--department", "Support", "--dry-run"});
  EXPECT_EQ(dry.exit_code, 0) << dry.out << dry.err;
  EXPECT_THAT(dry.out, HasSubstr("> would set usageLocation US, department \"Support\""));
  EXPECT_EQ(estate.count("PATCH /v1.0/users/{id}"), 0);

  estate.fake().reset_stats();
  auto set = estate.run({"users", "set", "--tenant", kContoso, "--user", irvin, "--usage-location",
                         "us", "--department", "Support", "--format", "json"});
  EXPECT_EQ(set.exit_code, 0) << set.out << set.err;
  json report = json::parse(set.out);
  EXPECT_EQ(report["users"][0]["result"], "done");
  EXPECT_EQ(report["users"][0]["operations"][0]["op"], "set");
  EXPECT_EQ(report["users"][0]["operations"][0]["details"],
            (json{{"usageLocation", "US"}, {"department", "Support"}}));
  EXPECT_EQ(estate.count("POST /v1.0/$batch", "200"), 2)
      << "the tenant's lists read in one $batch, the change sent in another";
  json state = estate.fake().state(kContoso);
  EXPECT_EQ((*find_user(state, irvin))["usageLocation"], "US");
  EXPECT_EQ((*find_user(state, irvin))["department"], "Support");

  auto again =
      estate.run({"users", "set", "--tenant", kContoso, "--user", irvin, "--usage-location", "US"});
  EXPECT_EQ(again.exit_code, 0) << again.out << again.err;
  EXPECT_THAT(again.out, HasSubstr("= already has usageLocation US"));

  auto assigned = estate.run({"assign", "--tenant", kContoso, "--users", irvin, "--sku", "EMS"});
  EXPECT_EQ(assigned.exit_code, 0) << assigned.out << assigned.err;
  EXPECT_EQ(skus_of(*find_user(estate.fake().state(kContoso), irvin)), std::set<std::string>{kEms});

  auto journal = estate.run({"journal", "--tenant", kContoso, "--format", "json"});
  ASSERT_EQ(journal.exit_code, 0) << journal.err;
  EXPECT_THAT(journal.out, HasSubstr("\"op\": \"set\""));
  EXPECT_THAT(journal.out, HasSubstr("\"usageLocation\": \"US\"")) << "the PATCH body";
}

// `users set` checks what `users add` checks, before anything is sent (not even the
// mirror), each problem named by its flag: the service refuses these values (the user
// resource's documented limits; a display name cannot be cleared; an empty string is not a
// value). The limits themselves go through.
TEST(UserTasksTest, UsersSetRefusesWhatTheServiceWouldRefuseBeforeSending) {
  Estate estate = demo_estate();
  const std::string megan = "megan.bowen@contoso.onmicrosoft.com";
  struct Case {
    std::vector<std::string> flags;
    std::string message;
  };
  const std::vector<Case> cases = {
      {{"--display-name", ""}, "--display-name: a display name is required"},
      {{"--display-name", "   "}, "--display-name: a display name is required"},
      {{"--display-name", std::string(300, 'n')},
       "--display-name: is 300 characters long; the service allows at most 256"},
      {{"--department", std::string(100, 'd')},
       "--department: is 100 characters long; the service allows at most 64"},
      {{"--given-name", std::string(65, 'g')},
       "--given-name: is 65 characters long; the service allows at most 64"},
      {{"--surname", std::string(65, 's')},
       "--surname: is 65 characters long; the service allows at most 64"},
      {{"--job-title", std::string(129, 'j')},
       "--job-title: is 129 characters long; the service allows at most 128"},
      {{"--job-title", ""}, "--job-title: is empty"},
      {{"--department", "Sales\nEast"}, "--department: \"Sales?East\" holds a line break"},
      {{"--usage-location", "ZZ"}, "--usage-location: \"ZZ\" is not an ISO 3166"},
  };
  estate.fake().reset_stats();
  for (const Case& c : cases) {
    std::vector<std::string> args = {"users",  "set", "--tenant", kContoso,
                                     "--user", megan, "--yes"};
    args.insert(args.end(), c.flags.begin(), c.flags.end());
    auto r = estate.run(args);
    EXPECT_EQ(r.exit_code, 64) << c.message << "\n" << r.out << r.err;
    EXPECT_THAT(r.err, HasSubstr("tenantsync users set: " + c.message));
    EXPECT_THAT(r.out, Not(HasSubstr("\u2713"))) << c.message;
  }
  EXPECT_EQ(estate.fake().stats()["requests"].size(), 0u);
  json state = estate.fake().state(kContoso);
  EXPECT_EQ((*find_user(state, megan))["displayName"], "Megan Bowen");
  EXPECT_EQ((*find_user(state, megan))["department"], "Marketing");

  // Every problem at once.
  auto both = estate.run({"users", "set", "--tenant", kContoso, "--user", megan, "--display-name",
                          "", "--department", std::string(100, 'd')});
  EXPECT_EQ(both.exit_code, 64);
  EXPECT_THAT(both.err, HasSubstr("--display-name: "));
  EXPECT_THAT(both.err, HasSubstr("--department: "));

  const std::string name(256, 'n'), department(64, 'd');
  auto fits = estate.run({"users", "set", "--tenant", kContoso, "--user", megan, "--display-name",
                          name, "--department", department, "--job-title", std::string(128, 'j')});
  EXPECT_EQ(fits.exit_code, 0) << fits.out << fits.err;
  state = estate.fake().state(kContoso);
  EXPECT_EQ((*find_user(state, megan))["displayName"], name);
  EXPECT_EQ((*find_user(state, megan))["department"], department);
}

TEST(UserTasksTest, BlockingSignInCountsAgainstTheDeletionLimit) {
  Estate estate = demo_estate(/*max_deletions=*/1);
  estate.fake().reset_stats();
  auto refused = estate.run({"users", "set", "--tenant", kContoso, "--user",
                             "megan.bowen@contoso.onmicrosoft.com", "--user",
                             "lidia.holloway@contoso.onmicrosoft.com", "--block-sign-in"});
  EXPECT_EQ(refused.exit_code, 4) << refused.out << refused.err;
  EXPECT_THAT(refused.out, HasSubstr("2 deletions and sign-in blocks (0 deletions, 2 sign-in "
                                     "blocks) > safety.maxDeletions 1"));
  EXPECT_EQ(estate.change_requests(), 0);

  auto r = estate.run({"users", "set", "--tenant", kContoso, "--user",
                       "megan.bowen@contoso.onmicrosoft.com", "--block-sign-in"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("\u2713 set sign-in blocked"));
  json state = estate.fake().state(kContoso);
  EXPECT_EQ((*find_user(state, "megan.bowen@contoso.onmicrosoft.com"))["accountEnabled"], false);
}

// docs/cli.md: a name that names nobody is `notFound` and counted once, as not found: the
// JSON says what the text says ("0 failed ..., 1 not found").
TEST(UserTasksTest, ANameThatNamesNobodyIsNotFoundInJsonAsInText) {
  Estate estate = demo_estate();
  const std::string users = "megan.bowen@contoso.onmicrosoft.com,nobody@contoso.onmicrosoft.com";
  auto assigned = estate.run(
      {"assign", "--tenant", kContoso, "--users", users, "--sku", "EMS", "--format", "json"});
  EXPECT_EQ(assigned.exit_code, 3) << assigned.out << assigned.err;
  json report = json::parse(assigned.out);
  EXPECT_EQ(report["users"][0]["result"], "done");
  EXPECT_EQ(report["users"][1]["user"], "nobody@contoso.onmicrosoft.com");
  EXPECT_EQ(report["users"][1]["result"], "notFound");
  EXPECT_EQ(report["summary"]["users"], 2);
  EXPECT_EQ(report["summary"]["done"], 1);
  EXPECT_EQ(report["summary"]["failed"], 0);
  EXPECT_EQ(report["summary"]["notFound"], 1);
  EXPECT_EQ(report["summary"]["operations"]["failed"], 0);

  auto set = estate.run(
      {"users", "set", "--tenant", kContoso, "--user", "megan.bowen@contoso.onmicrosoft.com",
       "--user", "nobody@contoso.onmicrosoft.com", "--department", "Sales", "--format", "json"});
  EXPECT_EQ(set.exit_code, 3) << set.out << set.err;
  report = json::parse(set.out);
  EXPECT_EQ(report["users"][1]["result"], "notFound");
  EXPECT_EQ(report["summary"]["failed"], 0);
  EXPECT_EQ(report["summary"]["notFound"], 1);

  auto text = estate.run({"users", "set", "--tenant", kContoso, "--user",
                          "megan.bowen@contoso.onmicrosoft.com", "--user",
                          "nobody@contoso.onmicrosoft.com", "--department", "Sales"});
  EXPECT_EQ(text.exit_code, 3);
  EXPECT_THAT(text.out, HasSubstr("0 failed, 0 skipped; 1 user unchanged, 1 not found."));
}

// Creating a user whose sign-in is blocked takes nothing away from anyone: no safety
// limit counts it, and `users add --help` says what the flag does (only `users set
// --block-sign-in` counts against safety.maxDeletions).
TEST(UserTasksTest, UsersAddWithSignInBlockedIsNoDeletion) {
  Estate estate = demo_estate(/*max_deletions=*/0);
  auto add_help = estate.run({"users", "add", "--help"});
  EXPECT_THAT(add_help.out, Not(HasSubstr("maxDeletions")));
  EXPECT_THAT(add_help.out,
              HasSubstr("Create the user with sign-in blocked (accountEnabled false)"));
  auto set_help = estate.run({"users", "set", "--help"});
  EXPECT_THAT(set_help.out, HasSubstr("counts against safety.maxDeletions"));

  std::string pw = estate.dir().file("pw.csv");
  auto r = estate.run({"users", "add", "--tenant", kContoso, "--upn",
                       "blocked.hire@contoso.onmicrosoft.com", "--display-name", "Blocked Hire",
                       "--block-sign-in", "--passwords-out", pw});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  json state = estate.fake().state(kContoso);
  const json* u = find_user(state, "blocked.hire@contoso.onmicrosoft.com");
  ASSERT_NE(u, nullptr);
  EXPECT_EQ((*u)["accountEnabled"], false);

  auto blocked = estate.run({"users", "set", "--tenant", kContoso, "--user",
                             "megan.bowen@contoso.onmicrosoft.com", "--block-sign-in"});
  EXPECT_EQ(blocked.exit_code, 4) << blocked.out << blocked.err;
}

TEST(UserTasksTest, UsersAddSetsTheNewPropertiesInTheCreateBody) {
  Estate estate = demo_estate();
  std::string pw = estate.dir().file("pw.csv");
  auto r = estate.run({"users", "add", "--tenant", kContoso, "--upn",
                       "temp.hire@contoso.onmicrosoft.com", "--display-name", "Temp Hire",
                       "--given-name", "Temp", "--surname", "Hire", "--department", "Sales",
                       "--job-title", "Intern", "--block-sign-in", "--passwords-out", pw});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  json state = estate.fake().state(kContoso);
  const json* u = find_user(state, "temp.hire@contoso.onmicrosoft.com");
  ASSERT_NE(u, nullptr);
  EXPECT_EQ((*u)["givenName"], "Temp");
  EXPECT_EQ((*u)["surname"], "Hire");
  EXPECT_EQ((*u)["department"], "Sales");
  EXPECT_EQ((*u)["jobTitle"], "Intern");
  EXPECT_EQ((*u)["accountEnabled"], false);
  EXPECT_EQ(estate.count("PATCH /v1.0/users/{id}"), 0) << "all in the create body";
}

TEST(UserTasksTest, RestoreAfterTheSeatsShrankSaysWhichLicensesCouldNotComeBack) {
  Estate estate = demo_estate();
  // Someone else takes every free EMS seat: Cameron's EMS has no seat to come back to.
  json state = estate.fake().state(kContoso);
  int free_ems = free_seats(state, kEms);
  ASSERT_GT(free_ems, 0);
  int taken = 0;
  for (const char* upn :
       {"diego.siciliani@contoso.onmicrosoft.com", "isaiah.langer@contoso.onmicrosoft.com",
        "lidia.holloway@contoso.onmicrosoft.com", "megan.bowen@contoso.onmicrosoft.com",
        "pradeep.gupta@contoso.onmicrosoft.com"}) {
    if (taken == free_ems) break;
    estate.fake().set_licenses(kContoso, upn,
                               {{{"skuId", kE3}, {"disabledPlans", json::array()}},
                                {{"skuId", kEms}, {"disabledPlans", json::array()}}});
    ++taken;
  }
  ASSERT_EQ(free_seats(estate.fake().state(kContoso), kEms), 0);

  auto r = estate.run({"users", "restore", "--tenant", kContoso, "--user",
                       "cameron.white@contoso.onmicrosoft.com"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("\u2713 restored"));
  EXPECT_THAT(r.out, HasSubstr("\u2713 revoked EMS (cannot come back: no free seat of EMS)"));
  state = estate.fake().state(kContoso);
  const json* cameron = find_user(state, "cameron.white@contoso.onmicrosoft.com");
  ASSERT_NE(cameron, nullptr);
  EXPECT_EQ(skus_of(*cameron), std::set<std::string>{kE3});
  EXPECT_GE(free_seats(state, kEms), 0);
  EXPECT_GE(free_seats(state, kE3), 0);
}

TEST(UserTasksTest, RestorePastThirtyDaysIsRefusedWithTheReason) {
  Estate estate = demo_estate();
  ASSERT_EQ(estate.run({"mirror"}).exit_code, 0);
  estate.fake().advance_clock(21L * 24 * 3600);  // Cameron was deleted 31 days ago now
  estate.fake().reset_stats();
  auto r = estate.run({"users", "restore", "--tenant", kContoso, "--user",
                       "cameron.white@contoso.onmicrosoft.com"});
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("cannot be restored: deleted on 2026-11-10T09:30:00Z and purged "
                               "since (the service keeps deleted users for 30 days)"));
  EXPECT_EQ(estate.change_requests(), 0);
}

// A soft-deleted user whose name an active user took meanwhile.
std::string taken_name_fixture(const TempDir& dir) {
  json fixture = json::parse(read_file(demo_fixture_path()), nullptr, true, true);
  for (auto& t : fixture["tenants"]) {
    if (t["defaultDomainName"] != kContoso) continue;
    json newcomer = {{"id", "0badc0de-0000-4000-8000-000000000001"},
                     {"userPrincipalName", "cameron.white@contoso.onmicrosoft.com"},
                     {"displayName", "Cameron White (new)"},
                     {"usageLocation", "US"},
                     {"accountEnabled", true},
                     {"assignedLicenses", json::array()}};
    t["users"].push_back(newcomer);
  }
  return dir.write("taken.json", fixture.dump());
}

TEST(UserTasksTest, RestoreOntoATakenNameNamesTheActiveUserAndSendsNothing) {
  TempDir fixture_dir;
  Estate estate({"--fixture", taken_name_fixture(fixture_dir)});
  estate.fake().reset_stats();
  auto r = estate.run({"users", "restore", "--tenant", kContoso, "--user",
                       "cameron.white@contoso.onmicrosoft.com"});
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("! restore blocked: its name is held by active user "
                               "cameron.white@contoso.onmicrosoft.com "
                               "(0badc0de-0000-4000-8000-000000000001)"));
  EXPECT_THAT(r.out, HasSubstr("restore it under another name with --new-upn"));
  EXPECT_EQ(estate.change_requests(), 0);
  json state = estate.fake().state(kContoso);
  EXPECT_NE(find_deleted(state, "cameron.white@contoso.onmicrosoft.com"), nullptr);

  // Under a new name it comes back, with the licenses it held.
  auto renamed = estate.run({"users", "restore", "--tenant", kContoso, "--user",
                             "cameron.white@contoso.onmicrosoft.com", "--new-upn",
                             "cameron.white2@contoso.onmicrosoft.com"});
  EXPECT_EQ(renamed.exit_code, 0) << renamed.out << renamed.err;
  state = estate.fake().state(kContoso);
  EXPECT_EQ(find_deleted(state, "cameron.white@contoso.onmicrosoft.com"), nullptr);
  const json* back = find_user(state, "cameron.white2@contoso.onmicrosoft.com");
  ASSERT_NE(back, nullptr);
  EXPECT_EQ(skus_of(*back), (std::set<std::string>{kE3, kEms}));
  EXPECT_EQ((*find_user(state, "cameron.white@contoso.onmicrosoft.com"))["displayName"],
            "Cameron White (new)");
  auto journal = estate.run({"journal", "--tenant", kContoso, "--format", "json"});
  EXPECT_THAT(journal.out, HasSubstr("newUserPrincipalName"));
}

TEST(UserTasksTest, NewUpnRestoresOneUserAndMustBeAName) {
  Estate estate = demo_estate();
  estate.fake().reset_stats();
  auto two = estate.run({"users", "restore", "--tenant", kContoso, "--user", "a@x", "--user", "b@x",
                         "--new-upn", "c@contoso.onmicrosoft.com"});
  EXPECT_EQ(two.exit_code, 64) << two.err;
  EXPECT_THAT(two.err, HasSubstr("give exactly one --user"));
  auto bad = estate.run({"users", "restore", "--tenant", kContoso, "--user",
                         "cameron.white@contoso.onmicrosoft.com", "--new-upn", "nobody"});
  EXPECT_EQ(bad.exit_code, 64) << bad.err;
  EXPECT_EQ(estate.fake().stats()["requests"].size(), 0u);
}

// The service lets a new user take a deleted user's name; tenantsync asks first.
TEST(UserTasksTest, ANewUserTakesADeletedUsersNameOnlyWithReuseDeletedUpn) {
  Estate estate = demo_estate();
  std::string pw = estate.dir().file("pw.csv");
  auto guarded = estate.run({"users", "add", "--tenant", kContoso, "--upn",
                             "cameron.white@contoso.onmicrosoft.com", "--display-name",
                             "Cameron Two", "--passwords-out", pw});
  EXPECT_EQ(guarded.exit_code, 3) << guarded.out << guarded.err;
  EXPECT_THAT(guarded.out, HasSubstr("--reuse-deleted-upn"));
  EXPECT_EQ(find_user(estate.fake().state(kContoso), "cameron.white@contoso.onmicrosoft.com"),
            nullptr);
  auto reused = estate.run({"users", "add", "--tenant", kContoso, "--upn",
                            "cameron.white@contoso.onmicrosoft.com", "--display-name",
                            "Cameron Two", "--reuse-deleted-upn", "--passwords-out", pw});
  EXPECT_EQ(reused.exit_code, 0) << reused.out << reused.err;
  json state = estate.fake().state(kContoso);
  ASSERT_NE(find_user(state, "cameron.white@contoso.onmicrosoft.com"), nullptr);
  EXPECT_NE(find_deleted(state, "cameron.white@contoso.onmicrosoft.com"), nullptr);
}

TEST(UserTasksTest, TheJournalRecordsWhatTheCommandsSent) {
  Estate estate = demo_estate();
  ASSERT_EQ(estate
                .run({"revoke", "--tenant", kContoso, "--users",
                      "joni.sherman@contoso.onmicrosoft.com", "--sku", "EMS"})
                .exit_code,
            0);
  auto journal = estate.run({"journal", "--tenant", kContoso, "--format", "json"});
  EXPECT_EQ(journal.exit_code, 0) << journal.err;
  EXPECT_THAT(journal.out, HasSubstr("joni.sherman@contoso.onmicrosoft.com"));
  EXPECT_THAT(journal.out, HasSubstr("revoke-"));
}

}  // namespace user_tasks_test
}  // namespace tenantsync::test
