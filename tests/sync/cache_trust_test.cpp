// A cache that cannot be trusted is never planned from (issue 15, item 7): cached rows are
// verified against their content hash when a snapshot is loaded, a mismatch marks the
// tenant for a full re-read that repairs it, and a file that is empty, foreign or damaged
// is refused rather than silently started over (and only a writer moves a damaged one
// aside).
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "sync/log.h"
#include "sync/plan/planner.h"
#include "sync/store/cache.h"
#include "sync/store/sqlite.h"
#include "tests/sync/memory_directory.h"

namespace tenantsync {
namespace cache_trust_test {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

const Tenant kContoso =
    make_tenant("11111111-0000-0000-0000-000000000001", "contoso.onmicrosoft.com");
const std::string kE3 = "05e9a617-0261-4cee-bb44-138d3ef5d965";
const std::string kAlice = "alice@contoso.onmicrosoft.com";
const std::string kBob = "bob@contoso.onmicrosoft.com";

std::string file_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// Changes the cache file behind tenantsync's back, as damage or another tool would.
void tamper(const std::string& path, const std::string& sql) {
  auto db = Database::open(path, /*create=*/false);
  ASSERT_TRUE(db.ok()) << db.error().describe();
  Status s = (*db)->exec(sql, "tamper");
  ASSERT_TRUE(s.ok()) << s.error().describe();
}

class CacheChecksumTest : public ::testing::Test {
 protected:
  void SetUp() override {
    configure_logging(LogLevel::Off, false);
    auto c = Cache::open(path_, clock_);
    ASSERT_TRUE(c.ok()) << c.error().describe();
    cache_ = std::move(c).value();
    ASSERT_TRUE(cache_->upsert_tenants({kContoso}).ok());
    ASSERT_TRUE(cache_->replace_skus(kContoso.id, {make_sku(kE3, "SPE_E3", 25, 2)}).ok());
    read_fully();
  }

  // What a full mirror of the service's unchanged users does.
  void read_fully() {
    ASSERT_TRUE(cache_->begin_read(kContoso.id, ReadScope::Active).ok());
    ASSERT_TRUE(cache_->stage_page(kContoso.id, ReadScope::Active, service_users_).ok());
    ASSERT_TRUE(cache_->commit_read(kContoso.id, ReadScope::Active, "delta-link-1").ok());
    ASSERT_TRUE(cache_->replace_deleted_users(kContoso.id, {}).ok());
    ASSERT_TRUE(cache_->mark_complete(kContoso.id, ReadKind::Full).ok());
  }

  TenantSnapshot snapshot() {
    auto s = cache_->load_snapshot(kContoso.id);
    EXPECT_TRUE(s.ok()) << (s.ok() ? "" : s.error().describe());
    return s.ok() ? std::move(s).value() : TenantSnapshot{};
  }

  TempDir dir_;
  std::string path_ = dir_.file("tenantsync.db");
  FakeClock clock_;
  std::unique_ptr<Cache> cache_;
  std::vector<User> service_users_ = {make_user("u-alice", kAlice, {kE3}, "Sales"),
                                      make_user("u-bob", kBob, {kE3}, "Sales")};
};

TEST_F(CacheChecksumTest, RowsAsWrittenVerify) {
  EXPECT_THAT(snapshot().failing_checksum, IsEmpty());
}

TEST_F(CacheChecksumTest, AFlippedByteInAUserRowFailsAndAsksForAFullReRead) {
  tamper(path_, "UPDATE users SET department = 'Salez' WHERE upn = '" + kAlice + "'");

  TenantSnapshot snap = snapshot();
  EXPECT_THAT(snap.failing_checksum, ElementsAre(kAlice));
  auto state = cache_->sync_state(kContoso.id);
  ASSERT_TRUE(state.ok());
  EXPECT_EQ(state->delta_link, "") << "the next mirror must read the tenant fully";
  // Still failing until a read rewrites the row: a second load says the same.
  EXPECT_THAT(snapshot().failing_checksum, ElementsAre(kAlice));
}

TEST_F(CacheChecksumTest, AFullReReadRepairsTheRowEvenWhenItsStoredHashWasRight) {
  // The damage left the stored hash as it was: equal to the service's user's hash, which
  // would make a plain full read skip the row as unchanged.
  tamper(path_, "UPDATE users SET department = 'Salez' WHERE upn = '" + kAlice + "'");
  ASSERT_THAT(snapshot().failing_checksum, ElementsAre(kAlice));

  read_fully();

  TenantSnapshot snap = snapshot();
  EXPECT_THAT(snap.failing_checksum, IsEmpty());
  ASSERT_EQ(snap.users.size(), 2u);
  EXPECT_EQ(snap.users[0].department, "Sales");
}

TEST_F(CacheChecksumTest, ADamagedLicenseFailsItsUser) {
  tamper(path_,
         "UPDATE users SET assigned_licenses = json_set(assigned_licenses, '$[0][1]', "
         "json('[\"x\"]')) WHERE upn = '" +
             kBob + "'");
  EXPECT_THAT(snapshot().failing_checksum, ElementsAre(kBob));
}

TEST_F(CacheChecksumTest, LicensesThatNoLongerDecodeFailTheirUserInsteadOfTheLoad) {
  tamper(path_,
         "UPDATE users SET assigned_licenses = '[[\"sku\",[not json' WHERE upn = '" + kBob + "'");
  EXPECT_THAT(snapshot().failing_checksum, ElementsAre(kBob));
}

TEST_F(CacheChecksumTest, AZeroedHashFails) {
  tamper(path_, "UPDATE users SET content_hash = 0 WHERE upn = '" + kBob + "'");
  EXPECT_THAT(snapshot().failing_checksum, ElementsAre(kBob));
}

TEST_F(CacheChecksumTest, UsersSoftDeletedByApplyOrByADeltaStillVerify) {
  ASSERT_TRUE(cache_->mark_deleted(kContoso.id, "u-alice").ok());
  UserPage page;
  page.removed_soft = {"u-bob"};
  ASSERT_TRUE(cache_->apply_user_page(kContoso.id, page).ok());

  TenantSnapshot snap = snapshot();
  EXPECT_THAT(snap.failing_checksum, IsEmpty());
  EXPECT_EQ(snap.deleted_users.size(), 2u);
}

TEST_F(CacheChecksumTest, ADamagedRowThatADeltaSoftDeletesStillFails) {
  // Soft-deleting rewrites the row's hash; a row that was already damaged must not come
  // out of that with a hash that blesses the damage.
  tamper(path_, "UPDATE users SET department = 'Salez' WHERE upn = '" + kAlice + "'");
  UserPage page;
  page.removed_soft = {"u-alice"};
  ASSERT_TRUE(cache_->apply_user_page(kContoso.id, page).ok());

  TenantSnapshot snap = snapshot();
  EXPECT_THAT(snap.failing_checksum, ElementsAre(kAlice));
  ASSERT_EQ(snap.deleted_users.size(), 1u);
}

// The byte-wise FNV-1a hash rows written before the word-wise one hold, for Alice's row as
// SetUp writes it: taken from a cache written by that build (and recomputed from the
// encoding by an independent script).
constexpr std::int64_t kAliceByteWiseHash = -8746544178369307670;

TEST_F(CacheChecksumTest, ARowHashedTheEarlierByteWiseWayStillVerifiesAndIsNotRewritten) {
  tamper(path_, "UPDATE users SET content_hash = " + std::to_string(kAliceByteWiseHash) +
                    " WHERE upn = '" + kAlice + "'");
  auto version = cache_->sync_state(kContoso.id);
  ASSERT_TRUE(version.ok());

  EXPECT_THAT(snapshot().failing_checksum, IsEmpty());
  read_fully();

  auto db = Database::open(path_, /*create=*/false);
  ASSERT_TRUE(db.ok());
  auto stored = (*db)->query_int("SELECT content_hash FROM users WHERE upn = '" + kAlice + "'");
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(*stored, kAliceByteWiseHash) << "an unchanged row is not rewritten";
  auto after = cache_->sync_state(kContoso.id);
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->state_version, version->state_version) << "plans made before stay valid";
}

TEST_F(CacheChecksumTest, ADamagedRowFailsUnderEitherHash) {
  tamper(path_, "UPDATE users SET content_hash = " + std::to_string(kAliceByteWiseHash) +
                    ", department = 'Salez' WHERE upn = '" + kAlice + "'");
  EXPECT_THAT(snapshot().failing_checksum, ElementsAre(kAlice));
}

TEST_F(CacheChecksumTest, AUserListingOneSkuTwiceStillVerifies) {
  // The cache keeps one license row per SKU; the hash must be of what it keeps, or such a
  // user would block its tenant after every re-read.
  User carol = make_user("u-carol", "carol@contoso.onmicrosoft.com", {kE3, "sku-ems", kE3});
  ASSERT_TRUE(cache_->fold_user(kContoso.id, carol).ok());
  EXPECT_THAT(snapshot().failing_checksum, IsEmpty());
}

TEST_F(CacheChecksumTest, TheTenantPlansNothingButOneNote) {
  tamper(path_, "UPDATE users SET department = 'Salez' WHERE upn = '" + kAlice + "'");
  DesiredTenant desired;
  desired.tenant = kContoso.default_domain_name;
  desired.managed_skus = {"SPE_E3"};
  desired.unlisted = UnlistedPolicy::Revoke;
  LicenseRule sales;
  sales.where.department = "Sales";
  sales.licenses = {DesiredLicense{"SPE_E3", {}, {}}};
  desired.rules = {sales};

  auto plan = plan_tenant(snapshot(), desired, ServiceRules::builtin(), clock_.now());

  ASSERT_TRUE(plan.ok()) << plan.error().describe();
  EXPECT_THAT(plan->operations, IsEmpty());
  EXPECT_THAT(plan->notes, ElementsAre("tenant contoso.onmicrosoft.com: cached rows fail their "
                                       "checksum; the next mirror re-reads it fully"));
}

// The SKU rows are checked against the hash kept beside them (sync_state.skus_hash),
// which lets a round whose SKUs hash the same skip reading them: damage the round skipped
// over is found by the next load, which asks for a full re-read, and that read compares
// the rows with the service's SKUs and rewrites them.
TEST_F(CacheChecksumTest, ADamagedSkuRowFailsTheTenantUntilAFullReReadRewritesIt) {
  const std::vector<Sku> service_skus = {make_sku(kE3, "SPE_E3", 25, 2)};
  tamper(path_, "UPDATE skus SET enabled = 2500");
  // A round with the service's unchanged SKUs: their hash is the stored one.
  ASSERT_TRUE(cache_->replace_skus(kContoso.id, service_skus).ok());

  TenantSnapshot damaged = snapshot();
  EXPECT_TRUE(damaged.skus_fail_checksum);
  EXPECT_TRUE(damaged.rows_fail_checksum());
  EXPECT_THAT(damaged.failing_checksum, IsEmpty()) << "no user row is damaged";
  auto state = cache_->sync_state(kContoso.id);
  ASSERT_TRUE(state.ok());
  EXPECT_EQ(state->delta_link, "") << "the next mirror must read the tenant fully";
  EXPECT_TRUE(snapshot().skus_fail_checksum) << "until a read writes the rows again";
  auto listed = cache_->list_users(kContoso.id, UserListQuery{});
  ASSERT_FALSE(listed.ok()) << "users are listed with the names of their SKUs";
  EXPECT_THAT(listed.error().message, HasSubstr("cache holds damaged SKU rows for tenant "
                                                "contoso.onmicrosoft.com"));

  ASSERT_TRUE(cache_->replace_skus(kContoso.id, service_skus).ok());
  TenantSnapshot repaired = snapshot();
  EXPECT_FALSE(repaired.rows_fail_checksum());
  ASSERT_EQ(repaired.skus.size(), 1u);
  EXPECT_EQ(repaired.skus[0].prepaid_units.enabled, 25);
}

TEST_F(CacheChecksumTest, ADamagedServicePlanFailsTheTenantAndPlansNothing) {
  tamper(path_, "UPDATE service_plans SET name = 'EXCHANGE_X' WHERE position = 0");
  DesiredTenant desired;
  desired.tenant = kContoso.default_domain_name;
  desired.managed_skus = {"SPE_E3"};
  desired.unlisted = UnlistedPolicy::Revoke;

  TenantSnapshot snap = snapshot();
  EXPECT_TRUE(snap.skus_fail_checksum);
  auto plan = plan_tenant(snap, desired, ServiceRules::builtin(), clock_.now());
  ASSERT_TRUE(plan.ok()) << plan.error().describe();
  EXPECT_THAT(plan->operations, IsEmpty());
  EXPECT_THAT(plan->notes, ElementsAre("tenant contoso.onmicrosoft.com: cached rows fail their "
                                       "checksum; the next mirror re-reads it fully"));
}

// A list the rows cannot keep as listed (one SKU id twice: the rows keep one) is hashed as
// the rows keep it, so it never reads as damaged.
TEST_F(CacheChecksumTest, SkusListingOneIdTwiceStillVerify) {
  ASSERT_TRUE(cache_
                  ->replace_skus(kContoso.id,
                                 {make_sku(kE3, "SPE_E3", 25, 2), make_sku(kE3, "SPE_E3", 30, 2)})
                  .ok());
  EXPECT_FALSE(snapshot().rows_fail_checksum());
}

// ---- what is at the cache path ----

TEST(CacheFileTrustTest, AZeroByteFileIsRefusedAndLeftAsItIs) {
  configure_logging(LogLevel::Off, false);
  TempDir dir;
  std::string path = dir.file("tenantsync.db");
  std::ofstream(path, std::ios::binary).flush();
  FakeClock clock;

  auto cache = Cache::open(path, clock);

  ASSERT_FALSE(cache.ok());
  EXPECT_EQ(cache.error().kind, ErrorKind::Invalid);
  EXPECT_THAT(cache.error().message, HasSubstr("cache " + path + " is an empty file (0 bytes)"));
  EXPECT_EQ(std::filesystem::file_size(path), 0u);
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir.path()), {}), 1)
      << "nothing moved aside, no -wal created";
}

TEST(CacheFileTrustTest, AnSqliteDatabaseWithAVersionButNotOurTablesIsRefused) {
  configure_logging(LogLevel::Off, false);
  TempDir dir;
  std::string path = dir.file("tenantsync.db");
  {
    auto db = Database::open(path, /*create=*/true);
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE((*db)->exec("CREATE TABLE notes (x); PRAGMA user_version = 1;", "other").ok());
  }
  FakeClock clock;

  auto cache = Cache::open(path, clock);

  ASSERT_FALSE(cache.ok());
  EXPECT_THAT(cache.error().message, HasSubstr("not a tenantsync cache"));
}

TEST(CacheFileTrustTest, AnAbsentFileIsANewCache) {
  configure_logging(LogLevel::Off, false);
  TempDir dir;
  FakeClock clock;
  auto cache = Cache::open(dir.file("tenantsync.db"), clock);
  ASSERT_TRUE(cache.ok()) << cache.error().describe();
  EXPECT_TRUE((*cache)->tenants()->empty());
}

// An SQLite header followed by a damaged page 1: SQLite cannot read the file.
std::string damaged_cache(const TempDir& dir) {
  std::string path = dir.file("tenantsync.db");
  FakeClock clock;
  {
    auto cache = Cache::open(path, clock);
    EXPECT_TRUE(cache.ok());
    EXPECT_TRUE((*cache)->upsert_tenants({kContoso}).ok());
  }
  std::string bytes = file_bytes(path);
  for (size_t i = 16; i < 100; ++i) bytes[i] = static_cast<char>(0xA5);
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
  return path;
}

TEST(CacheFileTrustTest, AReaderNeverMovesADamagedCacheAsideButNamesTheRepair) {
  configure_logging(LogLevel::Off, false);
  TempDir dir;
  std::string path = damaged_cache(dir);
  std::string bytes = file_bytes(path);
  FakeClock clock;
  CacheOpenOptions reader;
  reader.verify = false;
  reader.repair = false;

  auto cache = Cache::open(path, clock, reader);

  ASSERT_FALSE(cache.ok());
  EXPECT_EQ(cache.error().code, "cache-damaged");
  EXPECT_THAT(cache.error().message, HasSubstr("cache " + path + " is damaged"));
  EXPECT_THAT(cache.error().message, HasSubstr("run `tenantsync mirror`"));
  EXPECT_EQ(file_bytes(path), bytes);
}

TEST(CacheFileTrustTest, AWriterMovesADamagedCacheAsideAndRebuildsIt) {
  configure_logging(LogLevel::Off, false);
  TempDir dir;
  std::string path = damaged_cache(dir);
  std::string bytes = file_bytes(path);
  FakeClock clock;

  auto cache = Cache::open(path, clock);

  ASSERT_TRUE(cache.ok()) << cache.error().describe();
  EXPECT_EQ(file_bytes((*cache)->moved_aside_to()), bytes);
  EXPECT_TRUE((*cache)->tenants()->empty());
}

}  // namespace cache_trust_test
}  // namespace tenantsync
