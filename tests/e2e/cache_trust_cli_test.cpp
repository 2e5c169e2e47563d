// A cache that cannot be trusted is never planned from, one writer by file identity, and
// private output files (issue 15, items 7 and 11), as a user meets them against fake-graph:
// - a department byte flipped in a cached row blocks that tenant's plan with a note and
//   sends nothing; the next mirror re-reads the tenant fully and the plan is right again;
// - invalid UTF-8 in a cached UPN never aborts `plan` or `drift` JSON output;
// - a rule on a department in any script matches its spelling in capitals, so unlisted:
//   revoke takes nothing from its users;
// - read-only commands on a damaged cache say so, name the repair and move nothing;
// - a zero-byte or foreign file at the cache path is refused and left as it is;
// - a symlinked cache path or a deleted lock file admits no second writer;
// - plans, exports and drift reports are 0600 under umask 000.
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "sync/clock.h"
#include "sync/store/cache.h"
#include "sync/store/cache_lock.h"
#include "sync/store/sqlite.h"
#include "tests/e2e/cli_fixture.h"

namespace tenantsync::test {
namespace cache_trust_cli_test {

using ::testing::AnyOf;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

const std::string kContoso = "contoso.onmicrosoft.com";
const std::string kChristie = "christie.cline@contoso.onmicrosoft.com";  // Sales, SPE_E3
const std::string kGrady = "grady.archie@contoso.onmicrosoft.com";       // Engineering, SPE_E3
const std::string kNote =
    "tenant contoso.onmicrosoft.com: cached rows fail their checksum; "
    "the next mirror re-reads it fully";

// Sales keeps SPE_E3 by rule; everyone else loses it (unlisted: revoke).
const char* kSalesOnlyE3 = R"({
  "version": 1,
  "tenants": [
    { "tenant": "contoso.onmicrosoft.com", "mode": "enforce",
      "managedSkus": ["SPE_E3"], "unlisted": "revoke",
      "rules": [ { "where": { "department": "Sales" }, "licenses": ["SPE_E3"] } ] }
  ]
}
)";

// Changes the cache file behind tenantsync's back, as damage or another tool would.
void tamper(const std::string& cache, const std::string& sql) {
  auto db = Database::open(cache, /*create=*/false);
  ASSERT_TRUE(db.ok()) << db.error().describe();
  Status s = (*db)->exec(sql, "tamper");
  ASSERT_TRUE(s.ok()) << s.error().describe();
}

// The operations of contoso in a `plan --format json` output.
nlohmann::json contoso_operations(const std::string& plan_json) {
  nlohmann::json plan = nlohmann::json::parse(plan_json);
  for (const auto& t : plan.at("tenants")) {
    if (t.at("tenant") == kContoso) return t.at("operations");
  }
  return nullptr;
}

std::vector<std::string> ops_of(const nlohmann::json& operations, const std::string& upn) {
  std::vector<std::string> out;
  for (const auto& o : operations) {
    if (o.at("user") == upn)
      out.push_back(o.at("op").get<std::string>() + " " + o.at("sku").get<std::string>());
  }
  return out;
}

int mode_of(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return -1;
  return static_cast<int>(st.st_mode & 07777);
}

// Names of the files in `dir`.
std::vector<std::string> files_in(const std::string& dir) {
  std::vector<std::string> out;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    out.push_back(e.path().filename().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

TEST(CacheTrustCliTest, AFlippedByteInACachedRowBlocksTheTenantUntilTheNextMirrorReReadsIt) {
  CliFixture f;
  std::string desired = f.write("desired.json", kSalesOnlyE3);
  std::string cache = f.dir().file("tenantsync.db");
  ProgramResult before = f.run({"plan", "--desired", desired, "--format", "json"});
  ASSERT_EQ(before.exit_code, 0) << before.err;
  nlohmann::json truth = contoso_operations(before.out);
  ASSERT_FALSE(truth.empty()) << "non-Sales holders of SPE_E3 lose it";
  ASSERT_THAT(ops_of(truth, kChristie), IsEmpty()) << "she is in Sales";

  // One byte of her cached row changes; the row is still a valid row (quick_check passes).
  tamper(cache, "UPDATE users SET department = 'Salez' WHERE upn = '" + kChristie + "'");

  f.fake().reset_stats();
  ProgramResult apply = f.run({"apply", "--desired", desired, "--yes"});
  EXPECT_EQ(apply.exit_code, 3) << "partly done: contoso was not planned\n"
                                << apply.out << apply.err;
  EXPECT_THAT(apply.out, HasSubstr(kNote)) << apply.out << apply.err;
  EXPECT_EQ(f.writes(), 0) << "nothing may be sent from a tenant whose rows fail their checksum";
  EXPECT_EQ(find_user(f.fake().state(kContoso), kChristie).at("department"), "Sales");

  ProgramResult plan = f.run({"plan", "--desired", desired, "--no-refresh", "--format", "json"});
  ASSERT_EQ(plan.exit_code, 3) << "contoso was not planned\n" << plan.err;
  EXPECT_THAT(contoso_operations(plan.out), IsEmpty()) << "still blocked until a mirror";

  ProgramResult mirror = f.run({"mirror", "--tenant", kContoso});
  ASSERT_EQ(mirror.exit_code, 0) << mirror.err;
  EXPECT_FALSE(lines_with(mirror.out + mirror.err, {kContoso, "full"}).empty())
      << "the next mirror reads the tenant fully by itself\n"
      << mirror.out << mirror.err;

  ProgramResult after = f.run({"plan", "--desired", desired, "--format", "json"});
  ASSERT_EQ(after.exit_code, 0) << after.err;
  EXPECT_THAT(after.out, Not(HasSubstr("fail their checksum")));
  EXPECT_EQ(contoso_operations(after.out), truth);
}

TEST(CacheTrustCliTest, ARuleOnADepartmentInAnyScriptKeepsTheLicensesOfItsCapitalisedSpelling) {
  // HR writes the department in capitals; the file in its usual spelling. The service
  // calls them one department, so under `unlisted: revoke` nobody in it may lose SPE_E3.
  CliFixture f;
  ProgramResult set = f.run({"users", "set", "--tenant", kContoso, "--user", kChristie,
                             "--department", "GESCHÄFTSFÜHRUNG", "--yes"});
  ASSERT_EQ(set.exit_code, 0) << set.out << set.err;
  ASSERT_EQ(find_user(f.fake().state(kContoso), kChristie).at("department"), "GESCHÄFTSFÜHRUNG");
  std::string desired = f.write("desired.json", R"({
  "version": 1,
  "tenants": [
    { "tenant": "contoso.onmicrosoft.com", "mode": "enforce",
      "managedSkus": ["SPE_E3"], "unlisted": "revoke",
      "rules": [ { "where": { "department": "Geschäftsführung" }, "licenses": ["SPE_E3"] } ] }
  ]
}
)");
  ProgramResult plan = f.run({"plan", "--desired", desired, "--format", "json"});
  ASSERT_EQ(plan.exit_code, 0) << plan.err;
  nlohmann::json operations = contoso_operations(plan.out);
  ASSERT_FALSE(operations.empty()) << "the others hold SPE_E3 outside the department";
  EXPECT_THAT(ops_of(operations, kChristie), IsEmpty()) << plan.out;
  EXPECT_THAT(ops_of(operations, kGrady), ::testing::ElementsAre("revoke SPE_E3")) << plan.out;

  ProgramResult listed = f.run({"users", "list", "--tenant", kContoso, "--filter",
                                "department:geschäftsführung", "--format", "json"});
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_THAT(listed.out, HasSubstr(kChristie));
  EXPECT_THAT(listed.out, Not(HasSubstr(kGrady)));
}

TEST(CacheTrustCliTest, InvalidUtf8InACachedUpnIsReplacedInJsonOutput) {
  CliFixture f;
  std::string desired = f.write("desired.json", kSalesOnlyE3);
  ASSERT_EQ(f.run({"mirror"}).exit_code, 0);
  const std::string damaged = "grady.archie\xff\xfe@contoso.onmicrosoft.com";
  {
    // A row whose bytes are not UTF-8 but whose checksum holds (written as tenantsync
    // writes rows): the output must survive it, not only the checksum.
    SystemClock clock;
    auto c = Cache::open(f.dir().file("tenantsync.db"), clock);
    ASSERT_TRUE(c.ok()) << c.error().describe();
    auto snap = (*c)->load_snapshot(kContoso);
    ASSERT_TRUE(snap.ok());
    bool found = false;
    for (User u : snap->users) {
      if (u.user_principal_name != kGrady) continue;
      u.user_principal_name = damaged;
      ASSERT_TRUE((*c)->fold_user(kContoso, u).ok());
      found = true;
    }
    ASSERT_TRUE(found);
  }
  const std::string replaced = "grady.archie\xEF\xBF\xBD\xEF\xBF\xBD@contoso.onmicrosoft.com";

  ProgramResult plan = f.run({"plan", "--desired", desired, "--format", "json"});
  ASSERT_EQ(plan.exit_code, 0) << plan.out << plan.err;
  nlohmann::json operations;
  ASSERT_NO_THROW(operations = contoso_operations(plan.out)) << plan.out;
  EXPECT_THAT(ops_of(operations, replaced), testing::ElementsAre("revoke SPE_E3"));

  ProgramResult drift = f.run({"drift", "--desired", desired, "--format", "json"});
  ASSERT_EQ(drift.exit_code, 0) << drift.out << drift.err;
  EXPECT_TRUE(nlohmann::json::accept(drift.out)) << drift.out;
  EXPECT_THAT(drift.out, HasSubstr(replaced));
}

TEST(CacheTrustCliTest, ReadOnlyCommandsOnADamagedCacheNameTheRepairAndMoveNothing) {
  CliFixture f;
  std::string desired = f.write("desired.json", contoso_changes_desired());
  ProgramResult apply = f.run({"apply", "--desired", desired, "--yes"});
  ASSERT_THAT(apply.exit_code, AnyOf(0, 3)) << apply.out << apply.err;
  std::string cache = f.dir().file("tenantsync.db");
  // The header string stays; the rest of the database header is scribbled over.
  std::string bytes = read_file(cache);
  ASSERT_GT(bytes.size(), 100u);
  for (size_t i = 16; i < 100; ++i) bytes[i] = static_cast<char>(0xA5);
  f.write("tenantsync.db", bytes);
  std::vector<std::string> files = files_in(f.dir().path());

  for (const auto& args :
       std::vector<std::vector<std::string>>{{"journal"},
                                             {"users", "list", "--tenant", kContoso},
                                             {"licenses", "--tenant", kContoso},
                                             {"plan", "--desired", desired, "--no-refresh"}}) {
    ProgramResult r = f.run(args);
    EXPECT_EQ(r.exit_code, 1) << args[0] << "\n" << r.out << r.err;
    EXPECT_THAT(r.err, HasSubstr("cache " + cache + " is damaged")) << args[0];
    EXPECT_THAT(r.err, HasSubstr("run `tenantsync mirror`")) << args[0];
    EXPECT_EQ(read_file(cache), bytes) << args[0] << " changed the cache";
    EXPECT_EQ(files_in(f.dir().path()), files) << args[0] << " moved or made files";
  }

  // The command it names repairs it, keeping the damaged file beside it.
  ProgramResult mirror = f.run({"mirror"});
  EXPECT_EQ(mirror.exit_code, 0) << mirror.err;
  EXPECT_THAT(mirror.err, HasSubstr("it was moved to " + cache + ".corrupt-"));
  EXPECT_EQ(f.run({"journal"}).exit_code, 0);
}

TEST(CacheTrustCliTest, AZeroByteOrForeignCacheFileIsRefusedAndLeftAsItIs) {
  CliFixture f;
  std::string cache = f.dir().file("tenantsync.db");
  for (const std::string& content : {std::string(), std::string("name,licenses\nx,y\n")}) {
    f.write("tenantsync.db", content);
    for (const auto& args : std::vector<std::vector<std::string>>{
             {"mirror"}, {"journal"}, {"users", "list", "--tenant", kContoso}}) {
      f.fake().reset_stats();
      ProgramResult r = f.run(args);
      EXPECT_EQ(r.exit_code, 1) << args[0] << "\n" << r.out << r.err;
      EXPECT_THAT(r.err, HasSubstr("cache " + cache +
                                   (content.empty() ? " is an empty file (0 bytes)"
                                                    : " is not an SQLite database")))
          << args[0];
      EXPECT_EQ(read_file(cache), content) << args[0];
      EXPECT_TRUE(f.fake().stats()["requests"].empty()) << args[0] << " sent requests";
      EXPECT_FALSE(std::filesystem::exists(cache + "-wal")) << args[0];
    }
  }
}

TEST(CacheTrustCliTest, ASymlinkedCachePathOrADeletedLockFileAdmitsNoSecondWriter) {
  CliFixture f;
  ASSERT_EQ(f.run({"mirror"}).exit_code, 0);
  std::string cache = f.dir().file("tenantsync.db");
  std::filesystem::create_symlink(cache, f.dir().file("link.db"));
  // This test process is the writer that holds the cache.
  auto held = CacheLock::acquire(cache, "run");
  ASSERT_TRUE(held.ok()) << held.error().describe();

  f.write_config({{"cache", f.dir().file("link.db")}});
  f.fake().reset_stats();
  ProgramResult through_link = f.run({"mirror", "--wait", "0"});
  EXPECT_EQ(through_link.exit_code, 1) << through_link.out << through_link.err;
  EXPECT_THAT(through_link.err,
              HasSubstr("is in use by pid " + std::to_string(getpid()) + " (tenantsync run)"));
  EXPECT_TRUE(f.fake().stats()["requests"].empty()) << "the second writer sent requests";

  ASSERT_EQ(std::remove((*held)->path().c_str()), 0);
  for (const std::string& path : {cache, f.dir().file("link.db")}) {
    f.write_config({{"cache", path}});
    f.fake().reset_stats();
    ProgramResult r = f.run({"mirror"});
    EXPECT_EQ(r.exit_code, 1) << path << "\n" << r.out << r.err;
    EXPECT_THAT(r.err, HasSubstr("is in use by another process")) << path;
    EXPECT_TRUE(f.fake().stats()["requests"].empty()) << path << ": the second writer sent";
  }

  held->reset();
  EXPECT_EQ(f.run({"mirror"}).exit_code, 0) << "free again once released";
}

// Sets the umask for the scope; children started meanwhile inherit it.
class ScopedUmask {
 public:
  explicit ScopedUmask(mode_t mask) : previous_(::umask(mask)) {}
  ~ScopedUmask() { ::umask(previous_); }

 private:
  mode_t previous_;
};

TEST(CacheTrustCliTest, PlansExportsAndReportsAreOwnerOnlyUnderAnOpenUmask) {
  CliFixture f;
  std::string desired = f.write("desired.json", contoso_changes_desired());
  std::string reports = f.dir().file("reports");
  f.write_config({{"desired", desired}, {"reports", {{"dir", reports}}}});
  ScopedUmask open_umask(0);

  std::vector<std::pair<std::vector<std::string>, std::string>> writers = {
      {{"plan", "--desired", desired, "--out", f.dir().file("plan.json")}, "plan.json"},
      {{"export", "--out", f.dir().file("export.json")}, "export.json"},
      {{"drift", "--desired", desired, "--format", "html", "--out", f.dir().file("drift.html")},
       "drift.html"}};
  for (const auto& [args, file] : writers) {
    ProgramResult r = f.run(args);
    ASSERT_THAT(r.exit_code, AnyOf(0, 2)) << args[0] << "\n" << r.out << r.err;
    EXPECT_EQ(mode_of(f.dir().file(file)), 0600) << file;
  }
  ProgramResult cycle = f.run({"run", "--once"});
  ASSERT_THAT(cycle.exit_code, AnyOf(0, 3)) << cycle.out << cycle.err;
  EXPECT_EQ(mode_of(reports), 0700);
  std::vector<std::string> written = files_in(reports);
  ASSERT_EQ(written.size(), 2u) << "an html and a json report";
  for (const auto& name : written) EXPECT_EQ(mode_of(reports + "/" + name), 0600) << name;
}

}  // namespace cache_trust_cli_test
}  // namespace tenantsync::test
