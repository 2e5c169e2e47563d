// Cache: schema, migrations, recovery, the staged full read, state versions and
// fingerprints, executor write-backs, CLI queries, and the user filter grammar.
#include "sync/store/cache.h"

#include <sqlite3.h>
#include <sys/stat.h>

#include <algorithm>
#include <fstream>
#include <functional>
#include <iterator>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "sync/ascii_case.h"
#include "sync/clock.h"
#include "sync/log.h"
#include "sync/store/cache_codec.h"
#include "sync/store/cache_schema.h"
#include "sync/store/license_columns.h"
#include "tests/sync/memory_directory.h"

namespace tenantsync {
namespace cache_test {

using ::testing::ElementsAre;
using ::testing::ElementsAreArray;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::StartsWith;
using ::testing::UnorderedElementsAre;

const Tenant kContoso =
    make_tenant("11111111-0000-0000-0000-000000000001", "contoso.onmicrosoft.com");
const Tenant kFabrikam =
    make_tenant("22222222-0000-0000-0000-000000000002", "fabrikam.onmicrosoft.com");
const std::string kE3 = "05e9a617-0261-4cee-bb44-138d3ef5d965";
const std::string kEms = "efccb6f7-5641-4e0e-bd10-b4976e1bf68e";

std::vector<std::string> upns(const std::vector<UserListRow>& rows) {
  std::vector<std::string> out;
  for (const auto& r : rows) out.push_back(r.user.user_principal_name);
  return out;
}

int file_mode(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return -1;
  return static_cast<int>(st.st_mode & 0777);
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// Runs SQL on a cache file directly, as an old release or another tool would.
void raw_exec(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  char* message = nullptr;
  int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &message);
  std::string text = message ? message : "";
  sqlite3_free(message);
  sqlite3_close(db);
  ASSERT_EQ(rc, SQLITE_OK) << text;
}

std::int64_t raw_int(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* s = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &s, nullptr), SQLITE_OK);
  std::int64_t v = -1;
  if (sqlite3_step(s) == SQLITE_ROW) v = sqlite3_column_int64(s, 0);
  sqlite3_finalize(s);
  sqlite3_close(db);
  return v;
}

class CacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    configure_logging(LogLevel::Error, false);
    cache_ = open();
    ASSERT_TRUE(cache_);
    ASSERT_TRUE(cache_->upsert_tenants({kContoso, kFabrikam}).ok());
    ASSERT_TRUE(cache_
                    ->replace_skus(kContoso.id,
                                   {make_sku(kE3, "SPE_E3", 25, 3), make_sku(kEms, "EMS", 10, 1)})
                    .ok());
  }

  std::unique_ptr<Cache> open() {
    auto c = Cache::open(path_, clock_);
    EXPECT_TRUE(c.ok()) << (c.ok() ? "" : c.error().describe());
    return c.ok() ? std::move(c).value() : nullptr;
  }

  // A complete full read of `users` (and `deleted`) for the tenant.
  void full_read(const Tenant& t, const std::vector<User>& users,
                 const std::vector<User>& deleted = {}) {
    ASSERT_TRUE(cache_->begin_read(t.id, ReadScope::Active).ok());
    ASSERT_TRUE(cache_->stage_page(t.id, ReadScope::Active, users).ok());
    ASSERT_TRUE(cache_->commit_read(t.id, ReadScope::Active, "delta-link-1").ok());
    ASSERT_TRUE(cache_->replace_deleted_users(t.id, deleted).ok());
    ASSERT_TRUE(cache_->mark_complete(t.id, ReadKind::Full).ok());
  }

  TenantSnapshot snapshot(const std::string& tenant) {
    auto s = cache_->load_snapshot(tenant);
    EXPECT_TRUE(s.ok()) << (s.ok() ? "" : s.error().describe());
    return s.ok() ? std::move(s).value() : TenantSnapshot{};
  }

  std::int64_t version(const std::string& tenant) {
    auto s = cache_->sync_state(tenant);
    EXPECT_TRUE(s.ok());
    return s.ok() ? s->state_version : -1;
  }

  TempDir dir_;
  std::string path_ = dir_.file("tenantsync.db");
  FakeClock clock_;
  std::unique_ptr<Cache> cache_;
};

User deleted_user(const std::string& id, const std::string& upn, const std::string& when,
                  const std::vector<std::string>& licenses) {
  User u = make_user(id, upn, licenses);
  u.deleted_date_time = when;
  return u;
}

// ---- file, schema, recovery ----

TEST_F(CacheTest, CreatesTheFileWithMode0600) {
  EXPECT_EQ(file_mode(path_), 0600);
  EXPECT_EQ(raw_int(path_, "PRAGMA user_version"), kCacheSchemaVersion);
  EXPECT_EQ(raw_int(path_, "SELECT count(*) FROM tenants"), 2);
}

TEST_F(CacheTest, UsesWalMode) {
  EXPECT_EQ(read_file(path_).substr(0, 16), std::string("SQLite format 3\0", 16));
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* s = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &s, nullptr), SQLITE_OK);
  ASSERT_EQ(sqlite3_step(s), SQLITE_ROW);
  EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(s, 0)), "wal");
  sqlite3_finalize(s);
  sqlite3_close(db);
}

TEST_F(CacheTest, ANewCacheHasItsOwnPageSize) {
  EXPECT_EQ(raw_int(path_, "PRAGMA page_size"), kNewCachePageSize);
}

// Caches made before kNewCachePageSize keep SQLite's default 4 KiB pages: they open,
// take a full read (written directly into an empty tenant, then staged over it) and load
// as any other.
TEST(CacheFileTest, ACacheWithOtherPagesKeepsThemAndWorks) {
  configure_logging(LogLevel::Error, false);
  TempDir dir;
  std::string path = dir.file("4k.db");
  std::string schema;
  for (int v = 1; v <= kCacheSchemaVersion; ++v)
    schema += std::string(cache_migration_sql(v)) + ";\n";
  raw_exec(path, "PRAGMA page_size = 4096; PRAGMA journal_mode = WAL; " + schema +
                     "PRAGMA user_version = " + std::to_string(kCacheSchemaVersion) + ";");
  ASSERT_EQ(raw_int(path, "PRAGMA page_size"), 4096);

  FakeClock clock;
  auto cache = Cache::open(path, clock);
  ASSERT_TRUE(cache.ok()) << cache.error().describe();
  ASSERT_TRUE((*cache)->upsert_tenants({kContoso}).ok());
  auto read = [&](const std::vector<User>& users) {
    ASSERT_TRUE((*cache)->begin_read(kContoso.id, ReadScope::Active).ok());
    ASSERT_TRUE((*cache)->stage_page(kContoso.id, ReadScope::Active, users).ok());
    ASSERT_TRUE((*cache)->commit_read(kContoso.id, ReadScope::Active, "link").ok());
    ASSERT_TRUE((*cache)->mark_complete(kContoso.id, ReadKind::Full).ok());
  };
  read({make_user("a", "a@contoso.com", {kE3}), make_user("b", "b@contoso.com", {kE3, kEms})});
  read({make_user("b", "b@contoso.com", {kEms}), make_user("c", "c@contoso.com", {})});
  cache->reset();

  EXPECT_EQ(raw_int(path, "PRAGMA page_size"), 4096);
  auto again = Cache::open(path, clock);
  ASSERT_TRUE(again.ok()) << again.error().describe();
  auto snap = (*again)->load_snapshot(kContoso.id);
  ASSERT_TRUE(snap.ok()) << snap.error().describe();
  EXPECT_TRUE(snap->failing_checksum.empty());
  ASSERT_EQ(snap->users.size(), 2u);
  EXPECT_EQ(snap->users[0].id, "b");
  ASSERT_EQ(snap->users[0].assigned_licenses.size(), 1u);
  EXPECT_EQ(snap->users[0].assigned_licenses[0].sku_id, kEms);
  EXPECT_EQ(snap->users[1].id, "c");
  EXPECT_TRUE(snap->users[1].assigned_licenses.empty());
}

// Schema 13 drops the index by UPN, in one transaction over hundreds of pages here;
// snapshots still come in UPN order, sorted in memory.
TEST(CacheFileTest, MigratesABigSchemaV12CacheDroppingTheUpnIndex) {
  configure_logging(LogLevel::Error, false);
  TempDir dir;
  std::string path = dir.file("v12.db");
  std::string schema;
  for (int v = 1; v <= 12; ++v) schema += std::string(cache_migration_sql(v)) + ";\n";
  raw_exec(path, "PRAGMA page_size = 4096; PRAGMA journal_mode = WAL; " + schema +
                     "PRAGMA user_version = 12;"
                     "INSERT INTO tenants (key, id, domain, display_name) VALUES (1, '" +
                     kContoso.id +
                     "', 'contoso.onmicrosoft.com', 'Contoso');"
                     "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n "
                     "WHERE i < 20000) INSERT INTO users (tenant, id, upn) "
                     "SELECT 1, 'id-' || i, 'user' || ((i * 7919) % 20000) || "
                     "'-' || hex(randomblob(12)) || '@contoso.onmicrosoft.com' FROM n;");
  ASSERT_EQ(raw_int(path, "SELECT count(*) FROM sqlite_master WHERE name = 'users_by_upn'"), 1);

  FakeClock clock;
  auto cache = Cache::open(path, clock);
  ASSERT_TRUE(cache.ok()) << cache.error().describe();
  EXPECT_EQ(raw_int(path, "PRAGMA user_version"), kCacheSchemaVersion);
  EXPECT_EQ(raw_int(path, "SELECT count(*) FROM sqlite_master WHERE name = 'users_by_upn'"), 0);
  auto snap = (*cache)->load_snapshot(kContoso.id);
  ASSERT_TRUE(snap.ok()) << snap.error().describe();
  ASSERT_EQ(snap->users.size(), 20000u);
  EXPECT_TRUE(std::is_sorted(
      snap->users.begin(), snap->users.end(),
      [](const User& a, const User& b) { return a.user_principal_name < b.user_principal_name; }));
}

// Schema 14 rebuilds sync_state (its outcome check without IN) and the deleted users'
// index: a v13 file keeps every tenant's state, its checks, and reads as before.
TEST(CacheFileTest, MigratesASchemaV13FileKeepingTheSyncState) {
  configure_logging(LogLevel::Error, false);
  TempDir dir;
  std::string path = dir.file("v13.db");
  std::string schema;
  for (int v = 1; v <= 13; ++v) schema += std::string(cache_migration_sql(v)) + ";\n";
  raw_exec(path, "PRAGMA journal_mode = WAL; " + schema + "PRAGMA user_version = 13;" +
                     "INSERT INTO tenants (key, id, domain, display_name) VALUES (1, '" +
                     kContoso.id +
                     "', 'contoso.onmicrosoft.com', 'Contoso');"
                     "INSERT INTO sync_state (tenant, delta_link, last_full_sync, synced_at, "
                     "outcome, error, state_version, graph_host, counted_version, "
                     "active_users, deleted_users) VALUES (1, 'https://graph/delta?t=9', "
                     "'2026-12-01T00:00:00Z', '2026-12-02T00:00:00Z', 'complete', '', 7, "
                     "'graph.microsoft.com', 7, 1, 1);"
                     "INSERT INTO users (tenant, id, upn, content_hash) "
                     "VALUES (1, 'a', 'a@contoso.com', 0);"
                     "INSERT INTO users (tenant, id, upn, deleted_at, content_hash) "
                     "VALUES (1, 'd', 'd@contoso.com', '2026-11-30T00:00:00Z', 0);");

  FakeClock clock;
  auto cache = Cache::open(path, clock);
  ASSERT_TRUE(cache.ok()) << cache.error().describe();
  EXPECT_EQ(raw_int(path, "PRAGMA user_version"), kCacheSchemaVersion);
  auto state = (*cache)->sync_state(kContoso.id);
  ASSERT_TRUE(state.ok()) << state.error().describe();
  EXPECT_EQ(state->delta_link, "https://graph/delta?t=9");
  EXPECT_EQ(state->outcome, MirrorState::Complete);
  EXPECT_EQ(state->state_version, 7);
  EXPECT_EQ(state->synced_at, "2026-12-02T00:00:00Z");
  EXPECT_EQ(state->graph_host, "graph.microsoft.com");
  auto counts = (*cache)->counts(kContoso.id);
  ASSERT_TRUE(counts.ok()) << counts.error().describe();
  EXPECT_EQ(counts->users, 1);
  EXPECT_EQ(counts->deleted_users, 1);
  EXPECT_EQ(raw_int(path,
                    "SELECT count(*) FROM sync_state WHERE skus_hash IS NULL AND "
                    "groups_named_version IS NULL"),
            1)
      << "unknown: the first round compares row by row";
  EXPECT_EQ(raw_int(path, "SELECT count(*) FROM sqlite_master WHERE name = 'sync_state_v14'"), 0);
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  EXPECT_EQ(sqlite3_exec(db, "UPDATE sync_state SET outcome = 'bogus'", nullptr, nullptr, nullptr),
            SQLITE_CONSTRAINT)
      << "the outcome is still checked";
  sqlite3_close(db);
}

TEST(CacheFileTest, MigratesASchemaV1FileKeepingItsData) {
  configure_logging(LogLevel::Error, false);
  TempDir dir;
  std::string path = dir.file("old.db");
  // The file exactly as a v1 release wrote it.
  raw_exec(path, std::string(cache_migration_sql(1)) + "; PRAGMA user_version = 1;");
  raw_exec(
      path,
      "INSERT INTO tenants (key, id, domain, display_name) VALUES "
      "(1, '" +
          kContoso.id +
          "', 'contoso.onmicrosoft.com', 'Contoso');"
          "INSERT INTO sync_state (tenant, delta_link, synced_at, outcome) VALUES "
          "(1, 'https://graph/delta?token=1', '2026-11-19T00:00:00Z', 'complete');"
          "INSERT INTO skus (tenant, sku_id, part_number, enabled, consumed_units, position) "
          "VALUES (1, '" +
          kE3 +
          "', 'SPE_E3', 25, 1, 0);"
          "INSERT INTO users (key, tenant, id, upn, display_name, usage_location, content_hash) "
          "VALUES (7, 1, 'u1', 'alice@contoso.onmicrosoft.com', 'Alice', 'US', 0);"
          "INSERT INTO assigned_licenses (user_key, sku_id, tenant, position, disabled_plans) "
          "VALUES (7, '" +
          kE3 + "', 1, 0, '[\"plan-x\"]');");

  FakeClock clock;
  auto cache = Cache::open(path, clock);
  ASSERT_TRUE(cache.ok()) << cache.error().describe();
  EXPECT_EQ(raw_int(path, "PRAGMA user_version"), kCacheSchemaVersion);
  auto migrated = (*cache)->sync_state(kContoso.id);
  ASSERT_TRUE(migrated.ok());
  EXPECT_EQ(migrated->delta_link, "https://graph/delta?token=1");

  // The hand-written row carries hash 0 ("unknown"): it is not trusted, and the load asks
  // for a full re-read (issue 15, item 7).
  auto snap = (*cache)->load_snapshot("contoso.onmicrosoft.com");
  ASSERT_TRUE(snap.ok()) << snap.error().describe();
  EXPECT_TRUE(snap->domains.empty()) << "not read yet: creates wait for the next mirror";
  EXPECT_EQ(snap->mirror, MirrorState::Complete);
  EXPECT_EQ(snap->synced_at, "2026-11-19T00:00:00Z");
  ASSERT_EQ(snap->users.size(), 1u);
  EXPECT_EQ(snap->users[0].user_principal_name, "alice@contoso.onmicrosoft.com");
  ASSERT_EQ(snap->users[0].assigned_licenses.size(), 1u);
  EXPECT_THAT(snap->users[0].assigned_licenses[0].disabled_plans, ElementsAre("plan-x"));
  ASSERT_EQ(snap->skus.size(), 1u);
  EXPECT_EQ(snap->skus[0].sku_part_number, "SPE_E3");
  EXPECT_THAT(snap->failing_checksum, ElementsAre("alice@contoso.onmicrosoft.com"));

  // v2 additions: the state version (existing tenants start at 1) and the journal.
  auto state = (*cache)->sync_state(kContoso.id);
  ASSERT_TRUE(state.ok());
  EXPECT_EQ(state->state_version, 1);
  EXPECT_EQ(state->delta_link, "");
  std::vector<JournalEntry> entries(1);
  entries[0].plan_id = "p1";
  entries[0].tenant_id = kContoso.id;
  EXPECT_TRUE((*cache)->journal().append(entries).ok());

  // A migrated file reopens as is.
  cache->reset();
  auto again = Cache::open(path, clock);
  ASSERT_TRUE(again.ok()) << again.error().describe();
  EXPECT_EQ((*again)->journal().list()->size(), 1u);
}

// v7 adds the names of the groups users inherit licenses from: a v6 file keeps its data,
// gains the (empty) table, and stores and loads names from then on.
TEST(CacheFileTest, MigratesASchemaV6FileToGroupNames) {
  configure_logging(LogLevel::Error, false);
  TempDir dir;
  std::string path = dir.file("v6.db");
  std::string v6;
  for (int v = 1; v <= 6; ++v) v6 += std::string(cache_migration_sql(v)) + ";\n";
  raw_exec(path, v6 + "PRAGMA user_version = 6;");
  raw_exec(path, "INSERT INTO tenants (key, id, domain, display_name) VALUES (1, '" + kContoso.id +
                     "', 'contoso.onmicrosoft.com', 'Contoso');"
                     "INSERT INTO sync_state (tenant, outcome) VALUES (1, 'never');");
  EXPECT_EQ(raw_int(path, "SELECT count(*) FROM sqlite_master WHERE name = 'group_names'"), 0);

  FakeClock clock;
  auto cache = Cache::open(path, clock);
  ASSERT_TRUE(cache.ok()) << cache.error().describe();
  EXPECT_EQ(raw_int(path, "PRAGMA user_version"), kCacheSchemaVersion);
  EXPECT_EQ(raw_int(path, "SELECT count(*) FROM sqlite_master WHERE name = 'group_names'"), 1);
  auto before = (*cache)->load_snapshot(kContoso.id);
  ASSERT_TRUE(before.ok()) << before.error().describe();
  EXPECT_EQ(before->tenant.display_name, "Contoso");
  EXPECT_TRUE(before->group_names.empty());

  ASSERT_TRUE((*cache)->store_group_names(kContoso.id, {{"g-1", "Sales Team"}}).ok());
  ASSERT_TRUE((*cache)->store_group_names(kContoso.id, {{"g-1", "Sales"}, {"g-2", "IT"}}).ok());
  auto after = (*cache)->load_snapshot(kContoso.id);
  ASSERT_TRUE(after.ok()) << after.error().describe();
  EXPECT_EQ(after->group_names,
            (std::map<std::string, std::string>{{"g-1", "Sales"}, {"g-2", "IT"}}));
  EXPECT_EQ(after->group_label("g-2"), "IT (g-2)");
  EXPECT_EQ(after->group_label("g-3"), "g-3");
}

// v9 indexes the soft-deleted users and the groups users inherit licenses from: a v8 file
// gains both over the rows it holds, and counts, group ids and deleted-user reads give what
// they gave before.
TEST(CacheFileTest, MigratesASchemaV8FileToTheDeletedUsersIndex) {
  configure_logging(LogLevel::Error, false);
  TempDir dir;
  std::string path = dir.file("v8.db");
  std::string v8;
  for (int v = 1; v <= 8; ++v) v8 += std::string(cache_migration_sql(v)) + ";\n";
  raw_exec(path, v8 + "PRAGMA user_version = 8;");
  raw_exec(path, "INSERT INTO tenants (key, id, domain, display_name) VALUES (1, '" + kContoso.id +
                     "', 'contoso.onmicrosoft.com', 'Contoso');"
                     "INSERT INTO sync_state (tenant, outcome) VALUES (1, 'complete');"
                     "INSERT INTO users (key, tenant, id, upn) VALUES (5, 1, 'a', 'a@contoso.com');"
                     "INSERT INTO license_states (user_key, position, sku_id, assigned_by_group) "
                     "VALUES (5, 0, 'sku-1', 'g-sales'), (5, 1, 'sku-2', NULL);"
                     "INSERT INTO users (tenant, id, upn) VALUES (1, 'b', 'b@contoso.com');"
                     "INSERT INTO users (tenant, id, upn, deleted_at) "
                     "VALUES (1, 'c', 'c@contoso.com', '2026-11-30T00:00:00Z');");

  FakeClock clock;
  auto cache = Cache::open(path, clock);
  ASSERT_TRUE(cache.ok()) << cache.error().describe();
  EXPECT_EQ(raw_int(path, "PRAGMA user_version"), kCacheSchemaVersion);
  EXPECT_EQ(raw_int(path, "SELECT count(*) FROM sqlite_master WHERE name = 'users_deleted'"), 1);
  auto counts = (*cache)->counts(kContoso.id);
  ASSERT_TRUE(counts.ok()) << counts.error().describe();
  EXPECT_EQ(counts->users, 2);
  EXPECT_EQ(counts->deleted_users, 1);
  auto groups = (*cache)->inheriting_group_ids(kContoso.id);
  ASSERT_TRUE(groups.ok()) << groups.error().describe();
  EXPECT_THAT(*groups, ElementsAre("g-sales"));

  // A deleted-user read that no longer lists c removes it, and only it.
  ASSERT_TRUE((*cache)->replace_deleted_users(kContoso.id, {}).ok());
  counts = (*cache)->counts(kContoso.id);
  ASSERT_TRUE(counts.ok()) << counts.error().describe();
  EXPECT_EQ(counts->users, 2);
  EXPECT_EQ(counts->deleted_users, 0);
}

// SQL text of a value, as an old release's statements would have bound it.
std::string sql_value(const std::optional<std::string>& text) {
  if (!text) return "NULL";
  std::string out = "'";
  for (char c : *text) out += c == '\'' ? std::string("''") : std::string(1, c);
  return out + "'";
}

// A user's rows exactly as schema v9 kept them: the users row with its content hash, and
// one row per assigned license and per license state (written in reverse, so only their
// positions give the order). `plans` replaces every stored plan list when set.
std::string v9_user_rows(int key, const User& u, const std::optional<std::string>& plans = {}) {
  std::string sql =
      "INSERT INTO users (key, tenant, id, upn, display_name, mail, given_name, surname, "
      "job_title, department, account_enabled, usage_location, deleted_at, content_hash) "
      "VALUES (" +
      std::to_string(key) + ", 1, " + sql_value(u.id) + ", " + sql_value(u.user_principal_name) +
      ", " + sql_value(u.display_name) + ", " + sql_value(u.mail) + ", " + sql_value(u.given_name) +
      ", " + sql_value(u.surname) + ", " + sql_value(u.job_title) + ", " + sql_value(u.department) +
      ", " + (u.account_enabled ? "1" : "0") + ", " + sql_value(u.usage_location) + ", " +
      sql_value(u.deleted_date_time) + ", " + std::to_string(user_content_hash(u)) + ");";
  for (size_t i = u.assigned_licenses.size(); i-- > 0;) {
    const auto& l = u.assigned_licenses[i];
    sql +=
        "INSERT INTO assigned_licenses (user_key, sku_id, tenant, position, disabled_plans) "
        "VALUES (" +
        std::to_string(key) + ", " + sql_value(l.sku_id) + ", 1, " + std::to_string(i) + ", " +
        sql_value(plans.value_or(encode_plan_list(l.disabled_plans))) + ");";
  }
  for (size_t i = u.license_states.size(); i-- > 0;) {
    const auto& s = u.license_states[i];
    sql +=
        "INSERT INTO license_states (user_key, position, sku_id, assigned_by_group, "
        "disabled_plans, state, error, tenant) VALUES (" +
        std::to_string(key) + ", " + std::to_string(i) + ", " + sql_value(s.sku_id) + ", " +
        sql_value(s.assigned_by_group) + ", " +
        sql_value(plans.value_or(encode_plan_list(s.disabled_plans))) + ", " + sql_value(s.state) +
        ", " + sql_value(s.error) + ", 1);";
  }
  return sql;
}

// v10 moves each user's license rows into its users row. A v9 file keeps every license in
// its order, so every stored hash still verifies; a plan list that is not JSON fails only
// its user; the SKU filters, seat counts and inherited groups answer as they did.
TEST(CacheFileTest, MigratesASchemaV9FileMovingLicensesIntoTheUsersRow) {
  configure_logging(LogLevel::Error, false);
  TempDir dir;
  std::string path = dir.file("v9.db");
  std::string v9;
  for (int v = 1; v <= 9; ++v) v9 += std::string(cache_migration_sql(v)) + ";\n";
  raw_exec(path, v9 + "PRAGMA user_version = 9;");

  User alice = make_user("a", "alice@contoso.onmicrosoft.com", {}, "Sales");
  alice.assigned_licenses = {{kEms, {}}, {kE3, {"plan \"x\"\\", "plan-y"}}};
  alice.license_states = {{kEms, "g-sales", {}, "Active", "None"},
                          {kE3, std::nullopt, {"plan \"x\"\\", "plan-y"}, "Active", "None"},
                          {kEms, "g-all", {}, "Error", "CountViolation"},
                          {kEms, "g-sales", {}, "Active", "None"}};
  User bob = make_user("b", "bob@contoso.onmicrosoft.com", {kE3});
  bob.deleted_date_time = "2026-11-30T00:00:00Z";
  User carol = make_user("c", "carol@contoso.onmicrosoft.com");
  User dave = make_user("d", "dave@contoso.onmicrosoft.com", {kE3});
  raw_exec(path, "INSERT INTO tenants (key, id, domain, display_name) VALUES (1, '" + kContoso.id +
                     "', 'contoso.onmicrosoft.com', 'Contoso');"
                     "INSERT INTO sync_state (tenant, outcome) VALUES (1, 'complete');"
                     "INSERT INTO skus (tenant, sku_id, part_number, enabled, position) VALUES "
                     "(1, '" +
                     kE3 + "', 'SPE_E3', 10, 0), (1, '" + kEms + "', 'EMS', 10, 1);" +
                     v9_user_rows(1, alice) + v9_user_rows(2, bob) + v9_user_rows(3, carol) +
                     v9_user_rows(4, dave, "[not json"));

  FakeClock clock;
  auto cache = Cache::open(path, clock);
  ASSERT_TRUE(cache.ok()) << cache.error().describe();
  EXPECT_EQ(raw_int(path, "PRAGMA user_version"), kCacheSchemaVersion);
  EXPECT_EQ(raw_int(path,
                    "SELECT count(*) FROM sqlite_master WHERE name IN "
                    "('assigned_licenses', 'license_states', 'license_states_by_group')"),
            0);

  auto snap = (*cache)->load_snapshot(kContoso.id);
  ASSERT_TRUE(snap.ok()) << snap.error().describe();
  EXPECT_THAT(snap->failing_checksum, ElementsAre("dave@contoso.onmicrosoft.com"));
  ASSERT_EQ(snap->users.size(), 3u);
  EXPECT_EQ(snap->users[0], alice);
  EXPECT_EQ(snap->users[1], carol);
  EXPECT_TRUE(snap->users[2].assigned_licenses.empty()) << "damaged: comes without licenses";
  EXPECT_THAT(snap->deleted_users, ElementsAre(bob));

  auto groups = (*cache)->inheriting_group_ids(kContoso.id);
  ASSERT_TRUE(groups.ok()) << groups.error().describe();
  EXPECT_THAT(*groups, ElementsAre("g-all", "g-sales"));

  UserListQuery ems;
  ems.filter.skus = {"EMS"};
  auto listed = (*cache)->list_users(kContoso.id, ems);
  ASSERT_TRUE(listed.ok()) << listed.error().describe();
  EXPECT_THAT(upns(listed->users), ElementsAre("alice@contoso.onmicrosoft.com"));
  EXPECT_EQ(listed->users[0].user, alice);
  UserListQuery e3;
  e3.filter.skus = {"SPE_E3"};
  listed = (*cache)->list_users(kContoso.id, e3);
  ASSERT_FALSE(listed.ok()) << "dave's licenses do not decode";
  EXPECT_THAT(listed.error().message, HasSubstr("damaged licenses for user dave@"));
  UserListQuery unlicensed;
  unlicensed.filter.unlicensed = true;
  listed = (*cache)->list_users(kContoso.id, unlicensed);
  ASSERT_TRUE(listed.ok()) << listed.error().describe();
  EXPECT_THAT(upns(listed->users), ElementsAre("carol@contoso.onmicrosoft.com"));
  UserListQuery deleted;
  deleted.deleted = true;
  listed = (*cache)->list_users(kContoso.id, deleted);
  ASSERT_TRUE(listed.ok()) << listed.error().describe();
  ASSERT_EQ(listed->users.size(), 1u);
  EXPECT_EQ(listed->users[0].user, bob);

  auto seats = (*cache)->sku_seats(kContoso.id, nullptr);
  ASSERT_TRUE(seats.ok()) << seats.error().describe();
  ASSERT_EQ(seats->size(), 2u);
  EXPECT_EQ((*seats)[0].holders, 2) << "alice and dave (the damage is in the plans only)";
  EXPECT_EQ((*seats)[1].holders, 1);
}

TEST(CacheFileTest, RefusesACacheFromANewerTenantsync) {
  configure_logging(LogLevel::Error, false);
  TempDir dir;
  std::string path = dir.file("future.db");
  const std::string newer = std::to_string(kCacheSchemaVersion + 1);
  raw_exec(path, "CREATE TABLE future (x); PRAGMA user_version = " + newer + ";");
  FakeClock clock;
  auto cache = Cache::open(path, clock);
  ASSERT_FALSE(cache.ok());
  EXPECT_EQ(cache.error().kind, ErrorKind::Invalid);
  EXPECT_EQ(cache.error().message, "cache " + path + " was written by a newer tenantsync (schema " +
                                       newer + "); upgrade tenantsync or remove the file");
  EXPECT_EQ(raw_int(path, "PRAGMA user_version"), kCacheSchemaVersion + 1);  // left alone
}

TEST(CacheFileTest, RefusesAnSqliteFileThatIsNotACache) {
  configure_logging(LogLevel::Error, false);
  TempDir dir;
  std::string path = dir.file("other.db");
  raw_exec(path, "CREATE TABLE invoices (id INTEGER);");
  FakeClock clock;
  auto cache = Cache::open(path, clock);
  ASSERT_FALSE(cache.ok());
  EXPECT_EQ(cache.error().kind, ErrorKind::Invalid);
  EXPECT_THAT(cache.error().message, HasSubstr("not a tenantsync cache"));
  EXPECT_EQ(raw_int(path, "SELECT count(*) FROM invoices"), 0);
}

TEST(CacheFileTest, RefusesAGarbageFileAndLeavesItAsItIs) {
  // Not an SQLite database at all: someone else's file, or the wrong `cache` setting.
  // Starting over on it would lose it without a word (issue 15, item 7).
  configure_logging(LogLevel::Off, false);
  TempDir dir;
  std::string path = dir.file("tenantsync.db");
  std::string garbage(8192, '\0');
  for (size_t i = 0; i < garbage.size(); ++i) garbage[i] = static_cast<char>((i * 7919) % 251);
  std::ofstream(path, std::ios::binary) << garbage;

  FakeClock clock;
  auto cache = Cache::open(path, clock);
  ASSERT_FALSE(cache.ok());
  EXPECT_EQ(cache.error().kind, ErrorKind::Invalid);
  EXPECT_THAT(cache.error().message, HasSubstr("cache " + path + " is not an SQLite database"));
  EXPECT_EQ(read_file(path), garbage);
}

TEST(CacheFileTest, MovesAFileFailingQuickCheckAside) {
  configure_logging(LogLevel::Off, false);
  TempDir dir;
  std::string path = dir.file("tenantsync.db");
  FakeClock clock;
  {
    auto cache = Cache::open(path, clock);
    ASSERT_TRUE(cache.ok());
    ASSERT_TRUE((*cache)->upsert_tenants({kContoso}).ok());
    std::vector<User> users;
    for (int i = 0; i < 400; ++i) {
      users.push_back(make_user("u" + std::to_string(i),
                                "user" + std::to_string(i) + "@contoso.onmicrosoft.com", {kE3}));
    }
    ASSERT_TRUE((*cache)->begin_read(kContoso.id, ReadScope::Active).ok());
    ASSERT_TRUE((*cache)->stage_page(kContoso.id, ReadScope::Active, users).ok());
    ASSERT_TRUE((*cache)->commit_read(kContoso.id, ReadScope::Active, "").ok());
  }  // closing the last connection checkpoints the WAL into the file
  std::string bytes = read_file(path);
  ASSERT_GT(bytes.size(), 4096u * 8);
  // Scribble over the b-tree pages, keeping the header page intact.
  for (size_t i = 4096 * 2 + 100; i < bytes.size(); i += 97) bytes[i] = static_cast<char>(0xA5);
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;

  auto cache = Cache::open(path, clock);
  ASSERT_TRUE(cache.ok()) << cache.error().describe();
  EXPECT_THAT((*cache)->moved_aside_to(), StartsWith(path + ".corrupt-"));
  EXPECT_TRUE((*cache)->tenants()->empty());
}

TEST(CacheFileTest, AnUnopenableFileIsAnIoErrorAndIsLeftAlone) {
  configure_logging(LogLevel::Off, false);
  TempDir dir;
  FakeClock clock;
  auto cache = Cache::open(dir.file("missing-folder/tenantsync.db"), clock);
  ASSERT_FALSE(cache.ok());
  EXPECT_EQ(cache.error().kind, ErrorKind::Io);
  EXPECT_THAT(cache.error().message, HasSubstr("missing-folder/tenantsync.db"));
}

// ---- snapshot and full reads ----

TEST_F(CacheTest, SnapshotRoundTripsEveryField) {
  User alice = make_user("u-alice", "alice@contoso.onmicrosoft.com", {kE3, kEms}, "Sales");
  alice.given_name = "Alice";
  alice.surname = "Archer";
  alice.job_title = "Rep";
  alice.assigned_licenses[0].disabled_plans = {"plan-1", "plan-2"};
  alice.license_states = {{kE3, std::nullopt, {"plan-1", "plan-2"}, "Active", "None"},
                          {kEms, std::string("group-9"), {}, "Active", "None"},
                          {kEms, std::nullopt, {}, "ActiveWithError", "CountViolation"}};
  User bob = make_user("u-bob", "bob@contoso.onmicrosoft.com");
  bob.usage_location.reset();
  bob.account_enabled = false;
  User carol =
      deleted_user("u-carol", "carol@contoso.onmicrosoft.com", "2026-11-10T08:00:00Z", {kE3});
  full_read(kContoso, {bob, alice}, {carol});

  TenantSnapshot snap = snapshot("CONTOSO.onmicrosoft.com");
  EXPECT_EQ(snap.tenant, kContoso);
  EXPECT_EQ(snap.mirror, MirrorState::Complete);
  EXPECT_EQ(snap.synced_at, "2026-11-20T00:00:00Z");
  EXPECT_THAT(snap.users, ElementsAre(alice, bob));  // sorted by UPN
  EXPECT_THAT(snap.deleted_users, ElementsAre(carol));
  EXPECT_THAT(snap.skus, ElementsAre(make_sku(kE3, "SPE_E3", 25, 3), make_sku(kEms, "EMS", 10, 1)));
}

TEST_F(CacheTest, SnapshotUsersAreByUpnAsWrittenWhateverTheIndexOrder) {
  // The rows come out by UPN ignoring case (the index); a snapshot lists them by UPN as
  // written, then id, with each user's own licenses whatever order they were read in.
  User alice = make_user("u-alice", "alice@contoso.onmicrosoft.com", {kE3});
  User bob = make_user("u-bob", "Bob@contoso.onmicrosoft.com", {kEms, kE3});
  User bob2 = make_user("u-bob2", "Bob@contoso.onmicrosoft.com", {kEms});
  User carol = make_user("u-carol", "carol@contoso.onmicrosoft.com", {});
  full_read(kContoso, {carol, alice, bob2, bob});

  EXPECT_THAT(snapshot(kContoso.id).users, ElementsAre(bob, bob2, alice, carol));
}

TEST_F(CacheTest, UnknownTenantIsNotFound) {
  auto snap = cache_->load_snapshot("nowhere.onmicrosoft.com");
  ASSERT_FALSE(snap.ok());
  EXPECT_EQ(snap.error().kind, ErrorKind::NotFound);
  EXPECT_THAT(snap.error().message, HasSubstr("nowhere.onmicrosoft.com"));
}

TEST_F(CacheTest, StalenessIsVisibleInTheSnapshot) {
  EXPECT_EQ(snapshot(kFabrikam.id).mirror, MirrorState::Never);
  ASSERT_TRUE(cache_->mark_stale(kFabrikam.id, "Transient: connection reset").ok());
  TenantSnapshot stale = snapshot(kFabrikam.id);
  EXPECT_EQ(stale.mirror, MirrorState::Stale);
  EXPECT_EQ(stale.stale_reason, "Transient: connection reset");
  ASSERT_TRUE(cache_->mark_complete(kFabrikam.id, ReadKind::Delta).ok());
  TenantSnapshot fresh = snapshot(kFabrikam.id);
  EXPECT_EQ(fresh.mirror, MirrorState::Complete);
  EXPECT_EQ(fresh.stale_reason, "");
  auto state = cache_->sync_state(kFabrikam.id);
  EXPECT_EQ(state->last_delta_sync, "2026-11-20T00:00:00Z");
  EXPECT_EQ(state->last_full_sync, "");
}

TEST_F(CacheTest, FullReadRemovesUnseenUsersOnlyAtCommit) {
  User a = make_user("a", "a@contoso.onmicrosoft.com", {kE3});
  User b = make_user("b", "b@contoso.onmicrosoft.com", {kE3});
  User c = make_user("c", "c@contoso.onmicrosoft.com", {kE3});
  full_read(kContoso, {a, b, c});

  User b2 = b;
  b2.assigned_licenses = {{kEms, {}}};
  b2.license_states = {};
  ASSERT_TRUE(cache_->begin_read(kContoso.id, ReadScope::Active).ok());
  ASSERT_TRUE(cache_->stage_page(kContoso.id, ReadScope::Active, {a}).ok());
  ASSERT_TRUE(cache_->stage_page(kContoso.id, ReadScope::Active, {b2}).ok());
  // Mid-read, readers still see the last complete state.
  EXPECT_THAT(snapshot(kContoso.id).users, ElementsAre(a, b, c));
  ASSERT_TRUE(cache_->commit_read(kContoso.id, ReadScope::Active, "delta-link-2").ok());
  EXPECT_THAT(snapshot(kContoso.id).users, ElementsAre(a, b2));
  EXPECT_EQ(cache_->sync_state(kContoso.id)->delta_link, "delta-link-2");
  EXPECT_EQ(raw_int(path_, "SELECT count(*) FROM staged_users"), 0);
}

// A tenant without active users takes its full read directly, inserting each user before
// looking it up; a user it already holds (soft-deleted) or one the read lists twice is
// then updated in place, the later listing winning, as any write of a known user.
TEST_F(CacheTest, AFirstReadUpdatesAUserItAlreadyHoldsOrListsTwice) {
  User x_deleted = deleted_user("x", "x@contoso.onmicrosoft.com", "2026-11-30T00:00:00Z", {kE3});
  ASSERT_TRUE(cache_->replace_deleted_users(kContoso.id, {x_deleted}).ok());
  ASSERT_EQ(raw_int(path_, "SELECT count(*) FROM users"), 1);

  User x = make_user("x", "x@contoso.onmicrosoft.com", {kEms});
  User y = make_user("y", "y@contoso.onmicrosoft.com", {kE3});
  User y2 = y;
  y2.department = "Listed again";
  y2.assigned_licenses = {{kEms, {}}};
  ASSERT_TRUE(cache_->begin_read(kContoso.id, ReadScope::Active).ok());
  ASSERT_TRUE(cache_->stage_page(kContoso.id, ReadScope::Active, {x, y}).ok());
  ASSERT_TRUE(cache_->stage_page(kContoso.id, ReadScope::Active, {y2}).ok());
  ASSERT_TRUE(cache_->commit_read(kContoso.id, ReadScope::Active, "delta-link-1").ok());
  EXPECT_EQ(raw_int(path_, "SELECT count(*) FROM staged_users"), 0) << "written directly";

  TenantSnapshot snap = snapshot(kContoso.id);
  EXPECT_TRUE(snap.failing_checksum.empty());
  EXPECT_THAT(snap.users, ElementsAre(x, y2));
  EXPECT_EQ(raw_int(path_, "SELECT count(*) FROM users"), 2);
  EXPECT_EQ(raw_int(path_, "SELECT sum(json_array_length(assigned_licenses)) FROM users"), 2);
}

// A first read inserts its users several to a statement (cache_rows.cpp: 32). A user
// listed twice in one statement's rows or in two of them, one the tenant already holds,
// and one that needs mending end as they would written one by one: once each, the later
// listing winning, every row verifying.
TEST_F(CacheTest, AFirstReadInsertedManyRowsAStatementEndsAsOneByOne) {
  User held = deleted_user("u05", "u05@contoso.onmicrosoft.com", "2026-11-30T00:00:00Z", {kE3});
  ASSERT_TRUE(cache_->replace_deleted_users(kContoso.id, {held}).ok());

  auto upn = [](int n) { return "u" + std::string(n < 10 ? "0" : "") + std::to_string(n); };
  std::vector<User> page, expected;
  for (int n = 0; n < 70; ++n) {
    User u = make_user(upn(n), upn(n) + "@contoso.onmicrosoft.com", {n % 2 ? kE3 : kEms});
    u.department = "first listing";
    page.push_back(u);
    expected.push_back(u);
  }
  page[7].deleted_date_time = "2026-11-30T00:00:00Z";  // mended: an active read's user
  User again_same_statement = page[3];                 // rows 3 and 10: one statement
  again_same_statement.department = "listed again";
  User again_next_statement = page[20];  // rows 20 and 40: two statements
  again_next_statement.assigned_licenses = {{kE3, {"plan-1"}}, {kEms, {}}};
  page.insert(page.begin() + 10, again_same_statement);
  page.insert(page.begin() + 40, again_next_statement);
  expected[3] = again_same_statement;
  expected[20] = again_next_statement;

  ASSERT_TRUE(cache_->begin_read(kContoso.id, ReadScope::Active).ok());
  ASSERT_TRUE(cache_->stage_page(kContoso.id, ReadScope::Active, page).ok());
  ASSERT_TRUE(cache_->commit_read(kContoso.id, ReadScope::Active, "delta-link-1").ok());
  EXPECT_EQ(raw_int(path_, "SELECT count(*) FROM staged_users"), 0) << "written directly";

  TenantSnapshot snap = snapshot(kContoso.id);
  EXPECT_TRUE(snap.failing_checksum.empty());
  EXPECT_THAT(snap.users, ElementsAreArray(expected));
  EXPECT_TRUE(snap.deleted_users.empty()) << "the held user is active again";
  EXPECT_EQ(raw_int(path_, "SELECT count(*) FROM users"), 70);
  EXPECT_EQ(raw_int(path_, "SELECT count(DISTINCT id) FROM users"), 70);
  EXPECT_EQ(
      raw_int(path_, "SELECT count(*) FROM pragma_integrity_check WHERE integrity_check <> 'ok'"),
      0);
}

// Users are made ready to write before the write lock (mended, merged, hashed, encoded):
// what is stored is the same whether the read is written directly or staged.
TEST_F(CacheTest, AReadStoresUsersMendedAndWithOneLicensePerSkuDirectOrStaged) {
  const std::string now = format_iso8601(clock_.now());
  User active_with_date = make_user("a", "a@contoso.onmicrosoft.com", {kE3});
  active_with_date.deleted_date_time = "2026-11-30T00:00:00Z";
  User repeated = make_user("r", "r@contoso.onmicrosoft.com", {kE3});
  repeated.assigned_licenses = {{kE3, {"plan-1"}}, {kEms, {}}, {kE3, {"plan-2"}}};
  User deleted_without_date = make_user("d", "d@contoso.onmicrosoft.com", {kEms});
  deleted_without_date.assigned_licenses = {{kEms, {"plan-1"}}, {kEms, {}}};  // mended, merged

  User active = active_with_date;
  active.deleted_date_time.reset();
  User merged = repeated;
  merged.assigned_licenses = {{kEms, {}}, {kE3, {"plan-2"}}};
  User deleted = deleted_without_date;
  deleted.deleted_date_time = now;
  deleted.assigned_licenses = {{kEms, {}}};
  for (int round = 0; round < 2; ++round) {  // direct (a first read), then staged
    ASSERT_TRUE(cache_->begin_read(kContoso.id, ReadScope::Active).ok());
    ASSERT_TRUE(
        cache_->stage_page(kContoso.id, ReadScope::Active, {active_with_date, repeated}).ok());
    if (round == 1) {
      EXPECT_EQ(raw_int(path_, "SELECT count(*) FROM staged_users"), 2) << "staged";
    }
    ASSERT_TRUE(cache_->commit_read(kContoso.id, ReadScope::Active, "link").ok());
    ASSERT_TRUE(cache_->replace_deleted_users(kContoso.id, {deleted_without_date}).ok());

    TenantSnapshot snap = snapshot(kContoso.id);
    EXPECT_TRUE(snap.failing_checksum.empty()) << "round " << round;
    EXPECT_THAT(snap.users, ElementsAre(active, merged)) << "round " << round;
    EXPECT_THAT(snap.deleted_users, ElementsAre(deleted)) << "round " << round;
    active_with_date.department = "Changed";
    active.department = "Changed";
  }
}

TEST_F(CacheTest, AnAbortedFullReadLeavesThePreviousStateUntouched) {
  User a = make_user("a", "a@contoso.onmicrosoft.com", {kE3});
  User b = make_user("b", "b@contoso.onmicrosoft.com", {kE3});
  full_read(kContoso, {a, b});
  std::int64_t before = version(kContoso.id);

  User a2 = a;
  a2.department = "Changed";
  ASSERT_TRUE(cache_->begin_read(kContoso.id, ReadScope::Active).ok());
  ASSERT_TRUE(cache_->stage_page(kContoso.id, ReadScope::Active, {a2}).ok());
  ASSERT_TRUE(cache_->abort_read(kContoso.id, ReadScope::Active).ok());
  EXPECT_THAT(snapshot(kContoso.id).users, ElementsAre(a, b));
  EXPECT_EQ(version(kContoso.id), before);
  EXPECT_EQ(cache_->sync_state(kContoso.id)->delta_link, "delta-link-1");

  // Committing without a read in progress is refused.
  EXPECT_FALSE(cache_->commit_read(kContoso.id, ReadScope::Active, "x").ok());
}

TEST_F(CacheTest, ACrashedFullReadIsForgottenByTheNextOne) {
  User a = make_user("a", "a@contoso.onmicrosoft.com");
  User b = make_user("b", "b@contoso.onmicrosoft.com");
  full_read(kContoso, {a, b});
  ASSERT_TRUE(cache_->begin_read(kContoso.id, ReadScope::Active).ok());
  ASSERT_TRUE(cache_
                  ->stage_page(kContoso.id, ReadScope::Active,
                               {make_user("z", "z@contoso.onmicrosoft.com")})
                  .ok());
  cache_.reset();  // "crash": the staged rows stay in the file
  cache_ = open();
  EXPECT_THAT(snapshot(kContoso.id).users, ElementsAre(a, b));
  ASSERT_TRUE(cache_->begin_read(kContoso.id, ReadScope::Active).ok());
  ASSERT_TRUE(cache_->stage_page(kContoso.id, ReadScope::Active, {a}).ok());
  ASSERT_TRUE(cache_->commit_read(kContoso.id, ReadScope::Active, "").ok());
  EXPECT_THAT(snapshot(kContoso.id).users, ElementsAre(a));
}

TEST_F(CacheTest, DeletedUsersReadReplacesOnlyDeletedUsers) {
  User a = make_user("a", "a@contoso.onmicrosoft.com");
  User d1 = deleted_user("d1", "d1@contoso.onmicrosoft.com", "2026-11-01T00:00:00Z", {kE3});
  User d2 = deleted_user("d2", "d2@contoso.onmicrosoft.com", "2026-11-02T00:00:00Z", {});
  full_read(kContoso, {a}, {d1, d2});
  User d3 = deleted_user("d3", "d3@contoso.onmicrosoft.com", "2026-11-03T00:00:00Z", {kEms});
  ASSERT_TRUE(cache_->replace_deleted_users(kContoso.id, {d2, d3}).ok());
  TenantSnapshot snap = snapshot(kContoso.id);
  EXPECT_THAT(snap.users, ElementsAre(a));
  EXPECT_THAT(snap.deleted_users, ElementsAre(d2, d3));
}

// A quiet delta round reads the deleted users every time: when the list is what the cache
// holds, nothing is written (not even staged rows deleted again).
TEST_F(CacheTest, DeletedUsersReadAsCachedWritesNothing) {
  User a = make_user("a", "a@contoso.onmicrosoft.com");
  User d1 = deleted_user("d1", "d1@contoso.onmicrosoft.com", "2026-11-01T00:00:00Z", {kE3});
  User d2 = deleted_user("d2", "d2@contoso.onmicrosoft.com", "2026-11-02T00:00:00Z", {});
  full_read(kContoso, {a}, {d1, d2});
  auto watcher = Database::open(path_, /*create=*/false);
  ASSERT_TRUE(watcher.ok()) << watcher.error().describe();
  // Moves when another connection commits a change to the file.
  auto version = [&] { return (*watcher)->query_int("PRAGMA data_version").value(); };
  const auto before = version();
  ASSERT_TRUE(cache_->replace_deleted_users(kContoso.id, {d2, d1}).ok());
  EXPECT_EQ(version(), before) << "the same list, in another order, wrote something";

  // Anything else is written: one repeated in place of another, one changed, one gone.
  ASSERT_TRUE(cache_->replace_deleted_users(kContoso.id, {d1, d1}).ok());
  EXPECT_NE(version(), before);
  EXPECT_THAT(snapshot(kContoso.id).deleted_users, ElementsAre(d1));
  User d1_renamed = d1;
  d1_renamed.display_name = "Renamed";
  ASSERT_TRUE(cache_->replace_deleted_users(kContoso.id, {d1_renamed}).ok());
  EXPECT_THAT(snapshot(kContoso.id).deleted_users, ElementsAre(d1_renamed));
  ASSERT_TRUE(cache_->replace_deleted_users(kContoso.id, {}).ok());
  EXPECT_TRUE(snapshot(kContoso.id).deleted_users.empty());
  EXPECT_THAT(snapshot(kContoso.id).users, ElementsAre(a));
}

// ---- delta pages ----

TEST_F(CacheTest, DeltaPageUpsertsSoftAndHardRemovals) {
  User a = make_user("a", "a@contoso.onmicrosoft.com", {kE3});
  User b = make_user("b", "b@contoso.onmicrosoft.com", {kE3});
  User c = make_user("c", "c@contoso.onmicrosoft.com", {kE3});
  full_read(kContoso, {a, b, c});
  clock_.advance(std::chrono::hours(1));

  User a2 = a;
  a2.assigned_licenses.push_back({kEms, {"p"}});
  User n = make_user("n", "new@contoso.onmicrosoft.com");
  UserPage page;
  page.users = {a2, n};
  page.removed_soft = {"b"};
  page.removed_hard = {"c", "never-seen"};
  ASSERT_TRUE(cache_->apply_user_page(kContoso.id, page).ok());

  TenantSnapshot snap = snapshot(kContoso.id);
  EXPECT_THAT(snap.users, ElementsAre(a2, n));
  ASSERT_EQ(snap.deleted_users.size(), 1u);
  EXPECT_EQ(snap.deleted_users[0].id, "b");
  EXPECT_EQ(snap.deleted_users[0].deleted_date_time, "2026-11-20T01:00:00Z");
  EXPECT_EQ(snap.deleted_users[0].assigned_licenses, b.assigned_licenses);  // kept

  // The restored user comes back active with what the service sends.
  UserPage restore;
  restore.users = {b};
  ASSERT_TRUE(cache_->apply_user_page(kContoso.id, restore).ok());
  snap = snapshot(kContoso.id);
  EXPECT_THAT(snap.users, ElementsAre(a2, b, n));
  EXPECT_TRUE(snap.deleted_users.empty());
}

// An update sets the upn, deleted_at and license_groups columns only when they change
// (an UPDATE that sets an indexed column rewrites its index entry): each index must still
// agree with the rows, whichever columns a change touched.
// A user licensed directly keeps its license states as "assigned" (schema 11), a third of
// its row; any other keeps them in full. Either loads back as written, checksum intact,
// and a change from one to the other rewrites the column.
TEST_F(CacheTest, DirectLicenseStatesAreKeptOnceAndLoadBackWhole) {
  User direct = make_user("d", "d@contoso.onmicrosoft.com", {kE3, kEms});
  direct.assigned_licenses[0].disabled_plans = {"plan-1"};
  direct.license_states[0].disabled_plans = {"plan-1"};
  User grouped = make_user("g", "g@contoso.onmicrosoft.com", {kE3});
  grouped.license_states[0].assigned_by_group = "g-sales";
  User none = make_user("n", "n@contoso.onmicrosoft.com", {});
  ASSERT_TRUE(cache_->begin_read(kContoso.id, ReadScope::Active).ok());
  ASSERT_TRUE(cache_->stage_page(kContoso.id, ReadScope::Active, {direct, grouped, none}).ok());
  ASSERT_TRUE(cache_->commit_read(kContoso.id, ReadScope::Active, "link").ok());
  auto states_are = [&](const std::string& id, const std::string& text) {
    return raw_int(path_, "SELECT count(*) FROM users WHERE id = '" + id +
                              "' AND license_states = '" + text + "'") == 1;
  };
  EXPECT_TRUE(states_are("d", "\"assigned\""));
  EXPECT_TRUE(states_are("g", encode_license_states(grouped.license_states)));
  EXPECT_TRUE(states_are("n", "[]"));
  TenantSnapshot snap = snapshot(kContoso.id);
  EXPECT_TRUE(snap.failing_checksum.empty());
  EXPECT_THAT(snap.users, ElementsAre(direct, grouped, none));

  // A delta round: the direct user now has a license from a group, the grouped one only
  // direct licenses.
  direct.license_states[1].assigned_by_group = "g-sales";
  grouped.license_states[0].assigned_by_group.reset();
  UserPage page;
  page.users = {direct, grouped};
  ASSERT_TRUE(cache_->apply_user_page(kContoso.id, page).ok());
  EXPECT_TRUE(states_are("d", encode_license_states(direct.license_states)));
  EXPECT_TRUE(states_are("g", "\"assigned\""));
  snap = snapshot(kContoso.id);
  EXPECT_TRUE(snap.failing_checksum.empty());
  EXPECT_THAT(snap.users, ElementsAre(direct, grouped, none));
  EXPECT_EQ(cache_->inheriting_group_ids(kContoso.id).value(), std::vector<std::string>{"g-sales"});
}

TEST_F(CacheTest, TheInheritingGroupsAreEveryGroupOfEverySetOfTheTenantsUsersOnce) {
  // Sets of one and of two groups, each held by several users, users with no group, and
  // another tenant's group: every group of this tenant comes once, in order, and no other.
  auto with_groups = [](User u, std::vector<std::string> groups) {
    for (size_t i = 0; i < groups.size(); ++i) {
      u.license_states.push_back(
          {u.assigned_licenses.at(i).sku_id, groups[i], {}, "Active", "None"});
    }
    return u;
  };
  std::vector<User> users;
  for (int i = 0; i < 12; ++i) {
    const std::string id = "u" + std::to_string(i);
    User u = make_user(id, id + "@contoso.onmicrosoft.com", {kE3, kEms});
    if (i % 4 == 1) u = with_groups(u, {"g-sales"});
    if (i % 4 == 2) u = with_groups(u, {"g-all", "g-staff"});
    if (i % 4 == 3) u = with_groups(u, {"g-zeta"});
    users.push_back(u);
  }
  full_read(
      kContoso, users,
      {with_groups(deleted_user("d", "d@contoso.onmicrosoft.com", "2026-11-19T00:00:00Z", {kE3}),
                   {"g-deleted"})});
  full_read(kFabrikam,
            {with_groups(make_user("f", "f@fabrikam.onmicrosoft.com", {kE3}), {"g-fabrikam"})});

  auto groups = cache_->inheriting_group_ids(kContoso.id);
  ASSERT_TRUE(groups.ok()) << groups.error().describe();
  EXPECT_THAT(*groups, ElementsAre("g-all", "g-deleted", "g-sales", "g-staff", "g-zeta"));
  auto none = cache_->inheriting_group_ids(kFabrikam.id);
  ASSERT_TRUE(none.ok());
  EXPECT_THAT(*none, ElementsAre("g-fabrikam"));
}

TEST_F(CacheTest, ADeltaUpdateKeepsEveryIndexInStepWithItsRow) {
  const std::string kStaff = "99999999-0000-0000-0000-00000000aaaa";
  const std::string kSales = "99999999-0000-0000-0000-00000000bbbb";
  auto inheriting = [](User u, const std::string& group) {
    u.license_states = {{u.assigned_licenses.at(0).sku_id, group, {}, "Active", "None"}};
    return u;
  };
  User licenses_only = make_user("a", "a@contoso.onmicrosoft.com", {kE3});
  User renamed = make_user("b", "b@contoso.onmicrosoft.com", {kE3});
  User leaves_group = inheriting(make_user("c", "c@contoso.onmicrosoft.com", {kE3}), kStaff);
  User joins_group = make_user("d", "d@contoso.onmicrosoft.com", {kEms});
  User restored = deleted_user("e", "e@contoso.onmicrosoft.com", "2026-11-19T00:00:00Z", {kE3});
  User stays_deleted =
      deleted_user("f", "f@contoso.onmicrosoft.com", "2026-11-18T00:00:00Z", {kE3});
  full_read(kContoso, {licenses_only, renamed, leaves_group, joins_group},
            {restored, stays_deleted});

  licenses_only.assigned_licenses.push_back({kEms, {}});
  renamed.user_principal_name = "Bea@contoso.onmicrosoft.com";
  leaves_group.license_states.clear();
  leaves_group.job_title = "Clerk";
  joins_group = inheriting(joins_group, kSales);
  restored.deleted_date_time.reset();
  UserPage page;
  page.users = {licenses_only, renamed, leaves_group, joins_group, restored};
  ASSERT_TRUE(cache_->apply_user_page(kContoso.id, page).ok());
  stays_deleted.assigned_licenses.push_back({kEms, {}});  // changed while deleted
  ASSERT_TRUE(cache_->replace_deleted_users(kContoso.id, {stays_deleted}).ok());

  TenantSnapshot snap = snapshot(kContoso.id);
  EXPECT_THAT(snap.users,
              UnorderedElementsAre(licenses_only, renamed, leaves_group, joins_group, restored));
  EXPECT_THAT(snap.deleted_users, ElementsAre(stays_deleted));
  auto groups = cache_->inheriting_group_ids(kContoso.id);
  ASSERT_TRUE(groups.ok());
  EXPECT_THAT(*groups, ElementsAre(kSales));  // users_by_license_group
  UserListQuery by_upn;
  by_upn.filter.users = {"bea@contoso.onmicrosoft.com", "b@contoso.onmicrosoft.com"};
  auto found = cache_->list_users(kContoso.id, by_upn);
  ASSERT_TRUE(found.ok());
  EXPECT_THAT(upns(found->users), ElementsAre("Bea@contoso.onmicrosoft.com"));  // renamed
  auto counts = cache_->counts(kContoso.id);
  ASSERT_TRUE(counts.ok());
  EXPECT_EQ(counts->users, 5);  // users_deleted
  EXPECT_EQ(counts->deleted_users, 1);
  cache_.reset();
  EXPECT_EQ(
      raw_int(path_, "SELECT count(*) FROM pragma_integrity_check WHERE integrity_check <> 'ok'"),
      0);
}

// ---- SKUs ----

// The tenant's SKUs load back in the order the service listed them, each with its own
// plans in theirs, whatever the order of their ids (here the reverse of the listing's).
TEST_F(CacheTest, SkusLoadBackInTheirOrderEachWithItsOwnPlans) {
  Sku ems = make_sku(kEms, "EMS", 10, 1);
  ems.service_plans = {{"plan-z", "INTUNE_A", "Success", "User"},
                       {"plan-a", "AAD_PREMIUM", "Disabled", "User"}};
  Sku e3 = make_sku(kE3, "SPE_E3", 25, 3);
  e3.service_plans = {{"plan-m", "EXCHANGE_S_ENTERPRISE", "Success", "User"}};
  Sku none = make_sku("00000000-0000-0000-0000-000000000001", "FLOW_FREE", 100);
  none.service_plans.clear();
  ASSERT_LT(kE3, kEms);
  ASSERT_TRUE(cache_->replace_skus(kContoso.id, {ems, none, e3}).ok());
  EXPECT_THAT(snapshot(kContoso.id).skus, ElementsAre(ems, none, e3));
}

// A round rewrites the SKUs (and moves the state version) exactly when they differ from
// the cached ones, which it compares as it reads them: every field, every plan, the order
// of both, a SKU or a plan more or fewer, a plan moved to another SKU.
TEST_F(CacheTest, SkusAreRewrittenExactlyWhenTheyDiffer) {
  Sku ems = make_sku(kEms, "EMS", 10, 1);
  Sku e3 = make_sku(kE3, "SPE_E3", 25, 3);
  const std::vector<Sku> base = {ems, e3};
  ASSERT_TRUE(cache_->replace_skus(kContoso.id, base).ok());
  ASSERT_EQ(snapshot(kContoso.id).skus, base);

  std::vector<std::vector<Sku>> variants;
  auto vary = [&](const std::function<void(std::vector<Sku>&)>& change) {
    std::vector<Sku> v = base;
    change(v);
    variants.push_back(v);
  };
  vary([](auto&) {});  // the same
  vary([](auto& v) { v[0].id += "x"; });
  vary([](auto& v) { v[0].sku_part_number = "EMSPREMIUM"; });
  vary([](auto& v) { v[0].applies_to = "Company"; });
  vary([](auto& v) { v[0].capability_status = "Warning"; });
  vary([](auto& v) { v[1].consumed_units += 1; });
  vary([](auto& v) { v[1].prepaid_units.enabled += 1; });
  vary([](auto& v) { v[1].prepaid_units.suspended += 1; });
  vary([](auto& v) { v[1].prepaid_units.warning += 1; });
  vary([](auto& v) { v[1].prepaid_units.locked_out += 1; });
  vary([](auto& v) { v[1].service_plans[0].service_plan_id += "x"; });
  vary([](auto& v) { v[1].service_plans[1].service_plan_name += "X"; });
  vary([](auto& v) { v[0].service_plans[0].provisioning_status = "Disabled"; });
  vary([](auto& v) { v[0].service_plans[1].applies_to = "Company"; });
  vary([](auto& v) { std::swap(v[0], v[1]); });
  vary([](auto& v) { std::swap(v[0].service_plans[0], v[0].service_plans[1]); });
  vary([](auto& v) { v[0].service_plans.push_back({"plan-new", "NEW", "Success", "User"}); });
  vary([](auto& v) { v[1].service_plans.pop_back(); });
  vary([](auto& v) { v[0].service_plans.clear(); });
  vary([](auto& v) {
    v[1].service_plans.push_back(v[0].service_plans.back());
    v[0].service_plans.pop_back();
  });
  vary([](auto& v) { v.pop_back(); });
  vary([](auto& v) {
    v.push_back(make_sku("00000000-0000-0000-0000-000000000001", "FLOW_FREE", 9));
  });
  vary([](auto& v) {
    v.push_back(make_sku("00000000-0000-0000-0000-000000000002", "POWER_BI_STANDARD", 9));
    v.back().service_plans.clear();
  });
  vary([](auto& v) { v.clear(); });
  for (size_t i = 0; i < variants.size(); ++i) {
    const std::int64_t before = version(kContoso.id);
    ASSERT_TRUE(cache_->replace_skus(kContoso.id, variants[i]).ok()) << "variant " << i;
    EXPECT_EQ(version(kContoso.id) != before, variants[i] != base) << "variant " << i;
    EXPECT_EQ(snapshot(kContoso.id).skus, variants[i]) << "variant " << i;
    ASSERT_TRUE(cache_->replace_skus(kContoso.id, base).ok());
  }
}

// Proves: SKUs whose seats were counted anew (as every round that assigns or revokes
// licenses finds them) update only the SKU rows that differ; the plans' rows, far more of
// them, are written only when a plan or a SKU's place changed. Triggers in the file count
// the statements' row writes.
TEST_F(CacheTest, NewSeatCountsUpdateOnlyTheirSkuRows) {
  Sku ems = make_sku(kEms, "EMS", 10, 1);
  Sku none = make_sku("00000000-0000-0000-0000-000000000001", "FLOW_FREE", 100);
  Sku e3 = make_sku(kE3, "SPE_E3", 25, 3);
  ASSERT_TRUE(cache_->replace_skus(kContoso.id, {ems, none, e3}).ok());
  raw_exec(path_,
           "CREATE TABLE row_writes (what TEXT);"
           "CREATE TRIGGER plans_in AFTER INSERT ON service_plans "
           "BEGIN INSERT INTO row_writes VALUES ('plan'); END;"
           "CREATE TRIGGER plans_out AFTER DELETE ON service_plans "
           "BEGIN INSERT INTO row_writes VALUES ('plan'); END;"
           "CREATE TRIGGER skus_in AFTER INSERT ON skus "
           "BEGIN INSERT INTO row_writes VALUES ('sku'); END;"
           "CREATE TRIGGER skus_out AFTER DELETE ON skus "
           "BEGIN INSERT INTO row_writes VALUES ('sku'); END;"
           "CREATE TRIGGER skus_set AFTER UPDATE ON skus "
           "BEGIN INSERT INTO row_writes VALUES ('sku updated'); END;");
  auto writes = [&](const std::string& what) {
    return raw_int(path_, "SELECT count(*) FROM row_writes WHERE what = '" + what + "'");
  };

  // One moved from a SKU to another: both counted anew.
  Sku ems_counted = ems;
  ems_counted.consumed_units -= 1;
  Sku e3_counted = e3;
  e3_counted.consumed_units += 1;
  e3_counted.prepaid_units.warning = 5;
  std::int64_t before = version(kContoso.id);
  ASSERT_TRUE(cache_->replace_skus(kContoso.id, {ems_counted, none, e3_counted}).ok());
  EXPECT_EQ(snapshot(kContoso.id).skus, (std::vector<Sku>{ems_counted, none, e3_counted}));
  EXPECT_FALSE(snapshot(kContoso.id).skus_fail_checksum);
  EXPECT_NE(version(kContoso.id), before) << "the seats changed: plans made on them are stale";
  EXPECT_EQ(writes("sku updated"), 2) << "only the SKUs whose seats changed";
  EXPECT_EQ(writes("sku"), 0);
  EXPECT_EQ(writes("plan"), 0) << "no plan changed";

  // Another plan: every row written again.
  Sku e3_replanned = e3_counted;
  e3_replanned.service_plans[0].provisioning_status = "Disabled";
  ASSERT_TRUE(cache_->replace_skus(kContoso.id, {ems_counted, none, e3_replanned}).ok());
  EXPECT_EQ(snapshot(kContoso.id).skus, (std::vector<Sku>{ems_counted, none, e3_replanned}));
  EXPECT_GT(writes("plan"), 0);
}

// Proves: a plan row damaged since it was written is not passed off as intact when seats
// counted anew update the SKU rows around it (the plans are not read then): the next load
// finds the rows failing their hash, and the tenant plans nothing until a read rewrites
// them, as when the SKUs had not changed at all.
TEST_F(CacheTest, ADamagedPlanRowIsFoundAfterNewSeatCounts) {
  Sku ems = make_sku(kEms, "EMS", 10, 1);
  Sku e3 = make_sku(kE3, "SPE_E3", 25, 3);
  ASSERT_TRUE(cache_->replace_skus(kContoso.id, {ems, e3}).ok());
  raw_exec(path_, "UPDATE service_plans SET name = 'DAMAGED' WHERE position = 0");

  Sku e3_counted = e3;
  e3_counted.consumed_units += 1;
  ASSERT_TRUE(cache_->replace_skus(kContoso.id, {ems, e3_counted}).ok());
  EXPECT_TRUE(snapshot(kContoso.id).skus_fail_checksum);
}

// Proves: the hash kept beside a tenant's SKU rows is that of the rows as they load back,
// whether the list repeats no id (the list's own hash) or repeats one (the rows keep the
// last listing of it, and their hash is taken from them): either way a load finds them
// intact, and the same list again writes nothing only when it had no repeat.
TEST_F(CacheTest, SkuRowsVerifyWhetherTheListRepeatedAnIdOrNot) {
  Sku ems = make_sku(kEms, "EMS", 10, 1);
  Sku e3 = make_sku(kE3, "SPE_E3", 25, 3);
  Sku ems_again = ems;
  ems_again.consumed_units = 7;
  ems_again.service_plans[0].provisioning_status = "Disabled";

  ASSERT_TRUE(cache_->replace_skus(kContoso.id, {e3, ems}).ok());
  TenantSnapshot distinct = snapshot(kContoso.id);
  EXPECT_EQ(distinct.skus, (std::vector<Sku>{e3, ems}));
  EXPECT_FALSE(distinct.skus_fail_checksum);
  std::int64_t before = version(kContoso.id);
  ASSERT_TRUE(cache_->replace_skus(kContoso.id, {e3, ems}).ok());
  EXPECT_EQ(version(kContoso.id), before);

  ASSERT_TRUE(cache_->replace_skus(kContoso.id, {ems, e3, ems_again}).ok());
  TenantSnapshot repeated = snapshot(kContoso.id);
  EXPECT_EQ(repeated.skus, (std::vector<Sku>{e3, ems_again}));
  EXPECT_FALSE(repeated.skus_fail_checksum);
}

// ---- counts ----

// What counts() says, checked against the users table itself.
void expect_counts_are_the_tables(Cache& cache, const std::string& path, const std::string& step) {
  auto counts = cache.counts(kContoso.id);
  ASSERT_TRUE(counts.ok()) << step << ": " << counts.error().describe();
  EXPECT_EQ(counts->users,
            raw_int(path, "SELECT count(*) FROM users WHERE tenant = 1 AND deleted_at IS NULL"))
      << step;
  EXPECT_EQ(counts->deleted_users,
            raw_int(path, "SELECT count(*) FROM users WHERE tenant = 1 AND deleted_at IS NOT NULL"))
      << step;
}

// The write that ends a round stores the counts with the state version it leaves; a later
// round that changes nothing reports them without counting, and every other write of the
// tenant's users moves the version, so counts() never reports counts it has outlived.
TEST_F(CacheTest, CountsAreKeptWithTheRoundsStateVersionAndNeverOutliveIt) {
  const std::string counted =
      "SELECT counted_version IS state_version FROM sync_state WHERE tenant = 1";
  ASSERT_EQ(raw_int(path_, "SELECT key FROM tenants WHERE id = '" + kContoso.id + "'"), 1);
  full_read(kContoso,
            {make_user("a", "a@contoso.onmicrosoft.com", {kE3}),
             make_user("b", "b@contoso.onmicrosoft.com", {kE3}),
             make_user("c", "c@contoso.onmicrosoft.com", {})},
            {deleted_user("d", "d@contoso.onmicrosoft.com", "2026-11-18T00:00:00Z", {})});
  EXPECT_EQ(raw_int(path_, counted), 1) << "stored by the completion";
  auto completed = cache_->mark_complete(kContoso.id, ReadKind::Delta);
  ASSERT_TRUE(completed.ok()) << completed.error().describe();
  EXPECT_EQ(completed->users, 3) << "given back by it";
  EXPECT_EQ(completed->deleted_users, 1);
  EXPECT_EQ(completed->skus, static_cast<int>(snapshot(kContoso.id).skus.size()));
  expect_counts_are_the_tables(*cache_, path_, "after the full read");

  // A round that changes nothing keeps them; they are read, not counted: planted counts
  // come back as they are.
  std::vector<Sku> skus = snapshot(kContoso.id).skus;
  std::vector<User> deleted = snapshot(kContoso.id).deleted_users;
  UserPage quiet;
  const std::string link = "delta-link-2";
  ASSERT_TRUE(
      cache_->write_whole_delta_round(kContoso.id, {{.skus = &skus}, quiet, deleted, link}).ok());
  EXPECT_EQ(raw_int(path_, counted), 1);
  raw_exec(path_, "UPDATE sync_state SET active_users = 77 WHERE tenant = 1");
  auto planted = cache_->counts(kContoso.id);
  ASSERT_TRUE(planted.ok());
  EXPECT_EQ(planted->users, 77);
  raw_exec(path_, "UPDATE sync_state SET active_users = 3 WHERE tenant = 1");

  // Every other write of the users moves the version past the stored counts.
  ASSERT_TRUE(cache_->fold_user(kContoso.id, make_user("e", "e@contoso.onmicrosoft.com", {})).ok());
  expect_counts_are_the_tables(*cache_, path_, "fold_user");
  ASSERT_TRUE(cache_->mark_deleted(kContoso.id, "a").ok());
  expect_counts_are_the_tables(*cache_, path_, "mark_deleted");
  ASSERT_TRUE(cache_->remove_user(kContoso.id, "b").ok());
  expect_counts_are_the_tables(*cache_, path_, "remove_user");
  UserPage page;
  page.users = {make_user("f", "f@contoso.onmicrosoft.com", {})};
  page.removed_soft = {"c"};
  page.removed_hard = {"e"};
  ASSERT_TRUE(cache_->apply_user_page(kContoso.id, page).ok());
  expect_counts_are_the_tables(*cache_, path_, "apply_user_page");
  ASSERT_TRUE(cache_->replace_deleted_users(kContoso.id, {}).ok());
  expect_counts_are_the_tables(*cache_, path_, "replace_deleted_users");
  ASSERT_TRUE(cache_->begin_read(kContoso.id, ReadScope::Active).ok());
  ASSERT_TRUE(cache_
                  ->stage_page(kContoso.id, ReadScope::Active,
                               {make_user("g", "g@contoso.onmicrosoft.com", {})})
                  .ok());
  ASSERT_TRUE(cache_->commit_read(kContoso.id, ReadScope::Active, "delta-link-3").ok());
  expect_counts_are_the_tables(*cache_, path_, "a full read's commit");
  EXPECT_EQ(raw_int(path_, counted), 0) << "none of these ends a round";

  // A round that changed something counts again, in its own transaction.
  UserPage changes;
  changes.users = {make_user("h", "h@contoso.onmicrosoft.com", {})};
  ASSERT_TRUE(
      cache_->write_whole_delta_round(kContoso.id, {{.skus = &skus}, changes, {}, link}).ok());
  EXPECT_EQ(raw_int(path_, counted), 1);
  EXPECT_EQ(raw_int(path_, "SELECT active_users FROM sync_state WHERE tenant = 1"), 2);
  expect_counts_are_the_tables(*cache_, path_, "a round with changes");
}

// A whole round whose changes leave every user where it was (active, or soft-deleted)
// keeps the counts of the version before it without counting them: planted counts come
// back. A round that adds, removes, deletes or restores a user, or changes the deleted
// users, counts again; planted counts would show if it had not.
TEST_F(CacheTest, AWholeRoundThatMovesNoUserKeepsTheCountsUncounted) {
  const std::string counted =
      "SELECT counted_version IS state_version FROM sync_state WHERE tenant = 1";
  const User deleted_d = deleted_user("d", "d@contoso.onmicrosoft.com", "2026-11-18T00:00:00Z", {});
  full_read(kContoso,
            {make_user("a", "a@contoso.onmicrosoft.com", {kE3}),
             make_user("b", "b@contoso.onmicrosoft.com", {kE3}),
             make_user("c", "c@contoso.onmicrosoft.com", {})},
            {deleted_d});
  const std::vector<Sku> skus = snapshot(kContoso.id).skus;
  const std::string link = "delta-link-2";
  // The round, and the counts it gives back: those counts() reads after it.
  auto round = [&](const UserPage& changes, const std::vector<User>& deleted) {
    auto written =
        cache_->write_whole_delta_round(kContoso.id, {{.skus = &skus}, changes, deleted, link});
    ASSERT_TRUE(written.ok()) << written.error().describe();
    EXPECT_EQ(raw_int(path_, counted), 1);
    auto read = cache_->counts(kContoso.id);
    ASSERT_TRUE(read.ok()) << read.error().describe();
    EXPECT_EQ(written->counts.users, read->users);
    EXPECT_EQ(written->counts.deleted_users, read->deleted_users);
    EXPECT_EQ(written->counts.skus, read->skus);
  };
  auto plant = [&] { raw_exec(path_, "UPDATE sync_state SET active_users = 77 WHERE tenant = 1"); };

  // Licenses and a new upn (the update that rewrites the upn index too): users stay put.
  plant();
  const std::int64_t before = version(kContoso.id);
  UserPage rewritten;
  rewritten.users = {make_user("a", "a@contoso.onmicrosoft.com", {kEms}),
                     make_user("b", "bee@contoso.onmicrosoft.com", {kE3})};
  round(rewritten, {deleted_d});
  EXPECT_GT(version(kContoso.id), before);
  auto kept = cache_->counts(kContoso.id);
  ASSERT_TRUE(kept.ok()) << kept.error().describe();
  EXPECT_EQ(kept->users, 77) << "kept, not counted";
  EXPECT_EQ(kept->deleted_users, 1);

  UserPage added;
  added.users = {make_user("e", "e@contoso.onmicrosoft.com", {})};
  UserPage restored;
  restored.users = {make_user("d", "d@contoso.onmicrosoft.com", {})};
  UserPage removed;
  removed.removed_hard = {"c"};
  UserPage soft_deleted;
  soft_deleted.removed_soft = {"e"};
  struct Step {
    std::string name;
    UserPage changes;
    std::vector<User> deleted;
  };
  const User deleted_f = deleted_user("f", "f@contoso.onmicrosoft.com", "2026-11-20T00:00:00Z", {});
  for (const Step& step : std::vector<Step>{{"a user added", added, {deleted_d}},
                                            {"a deleted user restored", restored, {}},
                                            {"a user removed", removed, {}},
                                            {"a user soft-deleted", soft_deleted, {}},
                                            {"the deleted users changed", {}, {deleted_f}}}) {
    plant();
    round(step.changes, step.deleted);
    expect_counts_are_the_tables(*cache_, path_, step.name);
  }
}

// A whole round reads, in its own transaction, which groups its users inherit licenses
// from that have no cached name: the groups the round's changes brought included.
TEST_F(CacheTest, AWholeRoundGivesTheInheritingGroupsWithoutANameAsItLeftThem) {
  User named = make_user("a", "a@contoso.onmicrosoft.com", {kE3});
  named.license_states[0].assigned_by_group = "g-named";
  full_read(kContoso, {named});
  ASSERT_TRUE(cache_->store_group_names(kContoso.id, {{"g-named", "Sales"}}).ok());
  User fresh = make_user("b", "b@contoso.onmicrosoft.com", {kE3});
  fresh.license_states[0].assigned_by_group = "g-new";
  UserPage changes;
  changes.users = {fresh};
  const std::vector<Sku> skus = snapshot(kContoso.id).skus;
  auto written =
      cache_->write_whole_delta_round(kContoso.id, {{.skus = &skus}, changes, {}, "delta-link-2"});
  ASSERT_TRUE(written.ok()) << written.error().describe();
  ASSERT_TRUE(written->unnamed_group_ids.ok());
  EXPECT_THAT(*written->unnamed_group_ids, ElementsAre("g-new"));
  auto unnamed = cache_->unnamed_group_ids(kContoso.id);
  ASSERT_TRUE(unnamed.ok()) << unnamed.error().describe();
  EXPECT_THAT(*unnamed, ElementsAre("g-new"));
}

// After a round that found every group named, the next looks up only the groups of the
// users it writes; any other write of the users moves the state version, and the round
// after it looks at every user again. Planted: a group no round's users bring.
TEST_F(CacheTest, AWholeRoundLooksUpOnlyItsOwnUsersGroupsWhileEveryGroupHadAName) {
  User named = make_user("a", "a@contoso.onmicrosoft.com", {kE3});
  named.license_states[0].assigned_by_group = "g-named";
  full_read(kContoso, {named});
  ASSERT_TRUE(cache_->store_group_names(kContoso.id, {{"g-named", "Sales"}}).ok());
  const std::vector<Sku> skus = snapshot(kContoso.id).skus;
  auto round = [&](const UserPage& changes) {
    auto written =
        cache_->write_whole_delta_round(kContoso.id, {{.skus = &skus}, changes, {}, "link"});
    EXPECT_TRUE(written.ok() && written->unnamed_group_ids.ok());
    return written.ok() && written->unnamed_group_ids.ok() ? *written->unnamed_group_ids
                                                           : std::vector<std::string>{"?"};
  };
  EXPECT_THAT(round({}), IsEmpty());

  // A group no user of the round brings, planted behind the cache's back: not looked for
  // while the version stands where every group had a name.
  raw_exec(path_, "UPDATE users SET license_groups = '[\"g-planted\"]' WHERE id = 'a'");
  User fresh = make_user("b", "b@contoso.onmicrosoft.com", {kE3});
  fresh.license_states[0].assigned_by_group = "g-new";
  UserPage changes;
  changes.users = {fresh};
  EXPECT_THAT(round(changes), ElementsAre("g-new"));

  // The round left a group without a name, so the next looks at every user.
  ASSERT_TRUE(cache_->store_group_names(kContoso.id, {{"g-new", "IT"}}).ok());
  EXPECT_THAT(round({}), ElementsAre("g-planted"));
  ASSERT_TRUE(cache_->store_group_names(kContoso.id, {{"g-planted", "Ops"}}).ok());
  EXPECT_THAT(round({}), IsEmpty());

  // A write outside a round (apply's result) moves the version: every user again.
  User folded = make_user("c", "c@contoso.onmicrosoft.com", {kE3});
  folded.license_states[0].assigned_by_group = "g-folded";
  ASSERT_TRUE(cache_->fold_user(kContoso.id, folded).ok());
  EXPECT_THAT(round({}), ElementsAre("g-folded"));
}

// ---- state version and fingerprint ----

TEST_F(CacheTest, StateVersionBumpsOnlyWhenDataChanges) {
  User a = make_user("a", "a@contoso.onmicrosoft.com", {kE3});
  full_read(kContoso, {a});
  std::int64_t v = version(kContoso.id);

  UserPage same;
  same.users = {a};
  same.removed_soft = {"not-here"};
  same.removed_hard = {"not-here-either"};
  ASSERT_TRUE(cache_->apply_user_page(kContoso.id, same).ok());
  ASSERT_TRUE(cache_
                  ->replace_skus(kContoso.id,
                                 {make_sku(kE3, "SPE_E3", 25, 3), make_sku(kEms, "EMS", 10, 1)})
                  .ok());
  ASSERT_TRUE(cache_->upsert_tenants({kContoso}).ok());
  full_read(kContoso, {a});
  ASSERT_TRUE(cache_->fold_user(kContoso.id, a).ok());
  ASSERT_TRUE(cache_->mark_stale(kContoso.id, "x").ok());
  EXPECT_EQ(version(kContoso.id), v);

  ASSERT_TRUE(cache_
                  ->replace_skus(kContoso.id,
                                 {make_sku(kE3, "SPE_E3", 25, 4), make_sku(kEms, "EMS", 10, 1)})
                  .ok());
  EXPECT_EQ(version(kContoso.id), v + 1);
  User a2 = a;
  a2.job_title = "Boss";
  UserPage changed;
  changed.users = {a2};
  ASSERT_TRUE(cache_->apply_user_page(kContoso.id, changed).ok());
  EXPECT_EQ(version(kContoso.id), v + 2);
}

// Proves: upserting the customers (every round does) leaves a tenant held as it is alone,
// renames a renamed one (moving its state version), adds a new one, gives back a missing
// sync_state row, and takes a tenant listed twice as the last listing names it.
TEST_F(CacheTest, UpsertingTenantsWritesTheNewTheChangedAndTheIncompleteOnly) {
  const std::int64_t contoso = version(kContoso.id);
  const std::int64_t fabrikam = version(kFabrikam.id);
  raw_exec(path_, "DELETE FROM sync_state WHERE tenant = (SELECT key FROM tenants WHERE id = '" +
                      kFabrikam.id + "')");
  Tenant renamed = kContoso;
  renamed.display_name = "Contoso Ltd";
  const Tenant added = make_tenant("33333333-0000-0000-0000-000000000003", "new.onmicrosoft.com");

  ASSERT_TRUE(cache_->upsert_tenants({renamed, kFabrikam, added}).ok());
  auto held = cache_->tenants();
  ASSERT_TRUE(held.ok());
  ASSERT_EQ(held->size(), 3u);
  auto named = [&](const std::string& id) {
    for (const auto& t : *held)
      if (t.tenant.id == id) return t.tenant.display_name;
    return std::string("(absent)");
  };
  EXPECT_EQ(named(kContoso.id), "Contoso Ltd");
  EXPECT_EQ(version(kContoso.id), contoso + 1);
  EXPECT_EQ(named(added.id), added.display_name);
  EXPECT_EQ(raw_int(path_, "SELECT count(*) FROM sync_state"), 3);
  EXPECT_EQ(version(kFabrikam.id), 0)
      << "its row is back, as a new tenant's (was " << fabrikam << "); its data did not change";

  ASSERT_TRUE(cache_->upsert_tenants({renamed, kFabrikam, added}).ok());
  EXPECT_EQ(version(kContoso.id), contoso + 1);

  ASSERT_TRUE(cache_->upsert_tenants({kContoso, renamed}).ok());
  held = cache_->tenants();
  ASSERT_TRUE(held.ok());
  EXPECT_EQ(named(kContoso.id), "Contoso Ltd");
  EXPECT_EQ(version(kContoso.id), contoso + 3);
}

// Whoever left the contracts comes back whole (names and sync state), by domain in any
// case; one gone for another reason is marked gone from them, one marked already is left
// as it is (its time and state version kept).
TEST_F(CacheTest, TenantsMissingFromContractsAreMarkedOnceAndReturnedWholeByDomain) {
  Tenant apple = make_tenant("33333333-0000-0000-0000-000000000003", "Apple.onmicrosoft.com");
  apple.display_name = "Apple Inc";
  ASSERT_TRUE(cache_->upsert_tenants({apple}).ok());
  const std::string refused_at = format_iso8601(clock_.now());
  ASSERT_TRUE(cache_->mark_gone(kFabrikam.id, "has refused the partner's reads").ok());
  clock_.advance(std::chrono::hours(1));
  const std::string now = format_iso8601(clock_.now());

  auto gone = cache_->mark_missing_from_contracts({kContoso});
  ASSERT_TRUE(gone.ok()) << gone.error().describe();
  ASSERT_EQ(gone->size(), 2u);
  EXPECT_EQ((*gone)[0].tenant.id, apple.id) << "Apple before fabrikam, case aside";
  EXPECT_EQ((*gone)[0].tenant.default_domain_name, apple.default_domain_name);
  EXPECT_EQ((*gone)[0].tenant.display_name, "Apple Inc");
  EXPECT_EQ((*gone)[0].state.gone_since, now);
  EXPECT_EQ((*gone)[0].state.gone_reason, kGoneFromContracts);
  EXPECT_EQ((*gone)[1].tenant.id, kFabrikam.id);
  EXPECT_EQ((*gone)[1].state.gone_since, refused_at) << "gone since it was first";
  EXPECT_EQ((*gone)[1].state.gone_reason, kGoneFromContracts);
  EXPECT_TRUE(cache_->sync_state(kContoso.id)->gone_since.empty());

  const std::int64_t apple_version = version(apple.id);
  clock_.advance(std::chrono::hours(1));
  auto again = cache_->mark_missing_from_contracts({kContoso});
  ASSERT_TRUE(again.ok());
  ASSERT_EQ(again->size(), 2u);
  EXPECT_EQ((*again)[0].state.gone_since, now);
  EXPECT_EQ((*again)[0].state.state_version, apple_version) << "its time and version kept";
  EXPECT_EQ(version(apple.id), apple_version);
}

// A tenant's read writes its lists with its own writes, not one transaction a list: the
// SKUs and domains with the read's start (or a delta round's stale mark), the roles and a
// one-page list of deleted users with its completion. Each is replaced whole, and moves
// the state version only when something changed.
TEST_F(CacheTest, AReadsListsAreWrittenWithItsOwnWrites) {
  const std::vector<Sku> skus = {make_sku(kE3, "SPE_E3", 30, 3)};
  const std::vector<Domain> domains = {{"contoso.com", true, false, true}};
  const std::vector<RoleDefinition> roles = {{"role-1", "User Administrator", true, true}};
  const std::vector<RoleAssignment> holders = {{"assignment-1", "a", "role-1"}};
  User a = make_user("a", "a@contoso.onmicrosoft.com", {kE3});
  const std::vector<User> deleted = {
      deleted_user("d", "d@contoso.onmicrosoft.com", "2026-11-01T00:00:00Z", {})};
  std::int64_t v = version(kContoso.id);

  ASSERT_TRUE(
      cache_
          ->begin_read(kContoso.id, ReadScope::Active, ListRows{.skus = &skus, .domains = &domains})
          .ok());
  TenantSnapshot started = snapshot(kContoso.id);
  EXPECT_EQ(started.skus, skus);
  EXPECT_EQ(started.domains, domains);
  EXPECT_EQ(version(kContoso.id), v + 1);
  ASSERT_TRUE(cache_->stage_page(kContoso.id, ReadScope::Active, {a}).ok());
  ASSERT_TRUE(cache_->commit_read(kContoso.id, ReadScope::Active, "link-1").ok());
  EXPECT_TRUE(snapshot(kContoso.id).roles.empty()) << "roles wait for the completion";

  auto counts = cache_->mark_complete(
      kContoso.id, ReadKind::Full, std::nullopt,
      ListRows{.role_definitions = &roles, .role_assignments = &holders}, &deleted);
  ASSERT_TRUE(counts.ok()) << counts.error().describe();
  EXPECT_EQ(counts->users, 1);
  EXPECT_EQ(counts->deleted_users, 1);
  TenantSnapshot done = snapshot(kContoso.id);
  EXPECT_EQ(done.roles, roles);
  EXPECT_EQ(done.role_assignments, holders);
  EXPECT_THAT(done.users, ElementsAre(a));
  EXPECT_EQ(done.deleted_users, deleted);
  EXPECT_EQ(done.mirror, MirrorState::Complete);
  EXPECT_EQ(cache_->sync_state(kContoso.id)->delta_link, "link-1");

  // The same lists again change nothing; new SKUs with a stale mark move the version.
  std::int64_t complete = version(kContoso.id);
  ASSERT_TRUE(
      cache_
          ->begin_read(kContoso.id, ReadScope::Active, ListRows{.skus = &skus, .domains = &domains})
          .ok());
  ASSERT_TRUE(cache_->abort_read(kContoso.id, ReadScope::Active).ok());
  EXPECT_EQ(version(kContoso.id), complete);
  const std::vector<Sku> more = {make_sku(kE3, "SPE_E3", 40, 3)};
  ASSERT_TRUE(cache_->mark_stale(kContoso.id, "under way", ListRows{.skus = &more}).ok());
  TenantSnapshot stale = snapshot(kContoso.id);
  EXPECT_EQ(stale.skus, more);
  EXPECT_EQ(stale.domains, domains) << "a list not given is kept";
  EXPECT_EQ(stale.mirror, MirrorState::Stale);
  EXPECT_EQ(stale.stale_reason, "under way");
  EXPECT_EQ(version(kContoso.id), complete + 1);
}

TEST_F(CacheTest, FingerprintIsStableUntilATenantChanges) {
  full_read(kContoso, {make_user("a", "a@contoso.onmicrosoft.com")});
  full_read(kFabrikam, {make_user("f", "f@fabrikam.onmicrosoft.com")});
  auto fp = cache_->fingerprint({kContoso.id, kFabrikam.id});
  ASSERT_TRUE(fp.ok());
  EXPECT_THAT(*fp, StartsWith("sha256:"));
  EXPECT_EQ(fp->size(), 7u + 64u);
  EXPECT_EQ(*cache_->fingerprint({kFabrikam.id, kContoso.id}), *fp);  // order-free
  EXPECT_EQ(*cache_->fingerprint({"fabrikam.onmicrosoft.com", kContoso.id}), *fp);

  full_read(kFabrikam, {make_user("f", "f@fabrikam.onmicrosoft.com")});  // no change
  EXPECT_EQ(*cache_->fingerprint({kContoso.id, kFabrikam.id}), *fp);

  auto contoso_only = cache_->fingerprint({kContoso.id});
  ASSERT_TRUE(cache_->fold_user(kFabrikam.id, make_user("g", "g@fabrikam.onmicrosoft.com")).ok());
  EXPECT_NE(*cache_->fingerprint({kContoso.id, kFabrikam.id}), *fp);
  EXPECT_EQ(*cache_->fingerprint({kContoso.id}), *contoso_only);  // the other tenant's is kept

  auto unknown = cache_->fingerprint({"nowhere"});
  EXPECT_TRUE(unknown.ok());
}

// ---- executor write-backs ----

TEST_F(CacheTest, FoldsExecutorResults) {
  User a = make_user("a", "a@contoso.onmicrosoft.com", {kE3});
  User b = make_user("b", "b@contoso.onmicrosoft.com", {kE3});
  full_read(kContoso, {a, b});

  User a2 = a;
  a2.assigned_licenses = {{kE3, {}}, {kEms, {}}};
  ASSERT_TRUE(cache_->fold_user(kContoso.id, a2).ok());
  ASSERT_TRUE(cache_->mark_deleted(kContoso.id, "b").ok());
  TenantSnapshot snap = snapshot(kContoso.id);
  EXPECT_THAT(snap.users, ElementsAre(a2));
  ASSERT_EQ(snap.deleted_users.size(), 1u);
  EXPECT_EQ(snap.deleted_users[0].deleted_date_time, "2026-11-20T00:00:00Z");

  ASSERT_TRUE(cache_->restore_user(kContoso.id, b).ok());
  EXPECT_THAT(snapshot(kContoso.id).users, ElementsAre(a2, b));
  ASSERT_TRUE(cache_->remove_user(kContoso.id, "a").ok());
  EXPECT_THAT(snapshot(kContoso.id).users, ElementsAre(b));
  EXPECT_EQ(raw_int(path_, "SELECT count(*) FROM users"), 1)
      << "a's row, licenses and all, is gone";
}

// ---- CLI queries ----

class CacheQueryTest : public CacheTest {
 protected:
  void SetUp() override {
    CacheTest::SetUp();
    User nolo = make_user("u4", "dave@sales.contoso.onmicrosoft.com", {}, "Sales");
    nolo.usage_location.reset();
    User blocked = make_user("u3", "carol@contoso.onmicrosoft.com", {kEms}, "IT");
    blocked.account_enabled = false;  // sign-in blocked
    full_read(kContoso,
              {make_user("u1", "alice@contoso.onmicrosoft.com", {kE3, kEms}, "Sales"),
               make_user("u2", "Bob@sales.contoso.onmicrosoft.com", {kE3}, "sales"), blocked, nolo,
               make_user("u5", "erin@contoso.onmicrosoft.com", {}, "IT")},
              {deleted_user("d1", "old@contoso.onmicrosoft.com", "2026-11-15T12:00:00Z", {kE3}),
               deleted_user("d2", "older@contoso.onmicrosoft.com", "2026-10-01T00:00:00Z", {})});
  }

  std::vector<std::string> list(const std::string& expr) {
    auto f = parse_user_filter(expr);
    EXPECT_TRUE(f.ok()) << expr;
    UserListQuery q;
    q.filter = *f;
    q.page_size = 100;
    auto page = cache_->list_users(kContoso.id, q);
    EXPECT_TRUE(page.ok()) << (page.ok() ? "" : page.error().describe());
    return page.ok() ? upns(page->users) : std::vector<std::string>{};
  }
};

TEST_F(CacheQueryTest, FiltersUsers) {
  const std::string alice = "alice@contoso.onmicrosoft.com",
                    bob = "Bob@sales.contoso.onmicrosoft.com",
                    carol = "carol@contoso.onmicrosoft.com",
                    dave = "dave@sales.contoso.onmicrosoft.com",
                    erin = "erin@contoso.onmicrosoft.com";
  EXPECT_THAT(list(""), ElementsAre(alice, bob, carol, dave, erin));
  EXPECT_THAT(list("unlicensed"), ElementsAre(dave, erin));
  EXPECT_THAT(list("sku:SPE_E3"), ElementsAre(alice, bob));
  EXPECT_THAT(list("sku:spe_e3,sku:EMS"), ElementsAre(alice));
  EXPECT_THAT(list("sku:" + kEms), ElementsAre(alice, carol));
  EXPECT_THAT(list("no-sku:SPE_E3"), ElementsAre(carol, dave, erin));
  EXPECT_THAT(list("department:SALES"), ElementsAre(alice, bob, dave));
  EXPECT_THAT(list("usage-location:none"), ElementsAre(dave));
  EXPECT_THAT(list("usage-location:us"), ElementsAre(alice, bob, carol, erin));
  EXPECT_THAT(list("upn:*@sales.contoso.onmicrosoft.com"), ElementsAre(bob, dave));
  EXPECT_THAT(list("upn:?ob@*"), ElementsAre(bob));
  EXPECT_THAT(list("upn:*@SALES.*,unlicensed"), ElementsAre(dave));
  EXPECT_THAT(list("upn:a_ice@*"), ElementsAre());  // `_` is literal, not LIKE's wildcard
  EXPECT_THAT(list("disabled"), ElementsAre(carol));
  EXPECT_THAT(list("enabled"), ElementsAre(alice, bob, dave, erin));
  EXPECT_THAT(list("enabled,sku:EMS"), ElementsAre(alice));
  EXPECT_THAT(list("DISABLED,department:it"), ElementsAre(carol));
}

TEST_F(CacheQueryTest, FiltersDepartmentsInAnyScriptIgnoringCaseAsTheInMemoryMatchDoes) {
  full_read(kFabrikam, {make_user("f1", "anna@fabrikam.com", {kE3}, "Geschäftsführung"),
                        make_user("f2", "bernd@fabrikam.com", {kE3}, "GESCHÄFTSFÜHRUNG"),
                        make_user("f3", "carl@fabrikam.com", {kE3}, "Geschaftsfuhrung"),
                        make_user("f4", "dina@fabrikam.com", {kE3}, "ПРОДАЖИ")});
  TenantSnapshot snap = snapshot(kFabrikam.id);
  auto select = [&](const std::string& expr) {
    UserListQuery q;
    q.filter = *parse_user_filter(expr);
    auto page = cache_->list_users(kFabrikam.id, q);
    EXPECT_TRUE(page.ok()) << (page.ok() ? "" : page.error().describe());
    std::vector<std::string> in_memory;
    for (const User& u : snap.users) {
      if (matches(q.filter, u, snap.skus)) in_memory.push_back(u.user_principal_name);
    }
    std::sort(in_memory.begin(), in_memory.end());
    EXPECT_EQ(page.ok() ? upns(page->users) : std::vector<std::string>{}, in_memory) << expr;
    return in_memory;
  };
  EXPECT_THAT(select("department:geschäftsführung"),
              ElementsAre("anna@fabrikam.com", "bernd@fabrikam.com"));  // accents still count
  EXPECT_THAT(select("department:Продажи"), ElementsAre("dina@fabrikam.com"));
}

// The SQL of list_users and the in-memory matches() select the same users, whatever the
// filter (the CLI lists with one and the user tasks select with the other).
TEST_F(CacheQueryTest, SqlQueryAgreesWithInMemoryMatch) {
  TenantSnapshot snap = snapshot(kContoso.id);
  for (const char* expr :
       {"", "unlicensed", "sku:SPE_E3", "no-sku:EMS", "department:sales", "usage-location:none",
        "usage-location:US", "upn:*@sales.*", "enabled", "disabled", "disabled,sku:EMS",
        "enabled,unlicensed", "enabled,department:Sales,no-sku:SPE_E3"}) {
    UserFilter f = *parse_user_filter(expr);
    std::vector<std::string> in_memory;
    for (const User& u : snap.users) {
      if (matches(f, u, snap.skus)) in_memory.push_back(u.user_principal_name);
    }
    std::sort(in_memory.begin(), in_memory.end(), [](const std::string& a, const std::string& b) {
      return ascii_lower(a) < ascii_lower(b);
    });
    EXPECT_EQ(list(expr), in_memory) << expr;
  }
}

TEST_F(CacheQueryTest, ExplicitUserSelection) {
  UserListQuery q;
  q.filter.users = {"ALICE@contoso.onmicrosoft.com", "u3", "nobody@x"};
  auto page = cache_->list_users(kContoso.id, q);
  ASSERT_TRUE(page.ok());
  EXPECT_THAT(upns(page->users),
              ElementsAre("alice@contoso.onmicrosoft.com", "carol@contoso.onmicrosoft.com"));
}

TEST_F(CacheQueryTest, PagesWithTotals) {
  UserListQuery q;
  q.page_size = 2;
  q.page = 3;
  auto page = cache_->list_users(kContoso.id, q);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->total, 5);
  EXPECT_EQ(page->page_count, 3);
  EXPECT_THAT(upns(page->users), ElementsAre("erin@contoso.onmicrosoft.com"));
  ASSERT_EQ(page->users.size(), 1u);
  EXPECT_EQ(page->users[0].user.assigned_licenses.size(), 0u);

  q.page = 1;
  page = cache_->list_users(kContoso.id, q);
  ASSERT_EQ(page->users.size(), 2u);
  EXPECT_EQ(page->users[0].user.assigned_licenses.size(), 2u);  // licenses loaded

  q.page = 9;
  page = cache_->list_users(kContoso.id, q);
  EXPECT_TRUE(page->users.empty());
  EXPECT_EQ(page->total, 5);

  q.last_page = true;  // --page last
  page = cache_->list_users(kContoso.id, q);
  EXPECT_EQ(page->page, 3);
  EXPECT_THAT(upns(page->users), ElementsAre("erin@contoso.onmicrosoft.com"));
  q.last_page = false;

  q.filter = *parse_user_filter("department:nobody");
  q.page = 1;
  page = cache_->list_users(kContoso.id, q);
  EXPECT_EQ(page->total, 0);
  EXPECT_EQ(page->page_count, 1);
  q.last_page = true;  // an empty result is page 1 of 1
  EXPECT_EQ(cache_->list_users(kContoso.id, q)->page, 1);
  q.last_page = false;

  q.page = 0;
  EXPECT_EQ(cache_->list_users(kContoso.id, q).error().kind, ErrorKind::Invalid);
}

TEST_F(CacheQueryTest, UnknownSkuInAFilterSaysWhichSkusExist) {
  UserListQuery q;
  q.filter = *parse_user_filter("sku:E5");
  auto page = cache_->list_users(kContoso.id, q);
  ASSERT_FALSE(page.ok());
  EXPECT_EQ(page.error().kind, ErrorKind::Invalid);
  EXPECT_EQ(page.error().message,
            "sku:E5: tenant contoso.onmicrosoft.com has no SKU E5 (it has SPE_E3, EMS)");
}

TEST_F(CacheQueryTest, DeletedUsersWithDaysLeft) {
  UserListQuery q;
  q.deleted = true;
  auto page = cache_->list_users(kContoso.id, q);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->users.size(), 2u);
  EXPECT_EQ(page->users[0].user.user_principal_name, "old@contoso.onmicrosoft.com");
  EXPECT_EQ(page->users[0].days_left, 26);  // deleted 4.5 days before the clock's now
  EXPECT_EQ(page->users[1].days_left, 0);   // past the window
  q.filter = *parse_user_filter("sku:SPE_E3");
  EXPECT_THAT(upns(cache_->list_users(kContoso.id, q)->users),
              ElementsAre("old@contoso.onmicrosoft.com"));
}

TEST_F(CacheQueryTest, SeatsPerSkuWithSelection) {
  auto all = cache_->sku_seats(kContoso.id);
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].sku.sku_part_number, "SPE_E3");
  EXPECT_EQ((*all)[0].sku.prepaid_units.enabled, 25);
  EXPECT_EQ((*all)[0].sku.consumed_units, 3);
  EXPECT_EQ((*all)[0].holders, 2);
  EXPECT_EQ((*all)[1].holders, 2);

  UserFilter sales = *parse_user_filter("department:Sales");
  auto selected = cache_->sku_seats(kContoso.id, &sales);
  ASSERT_TRUE(selected.ok());
  EXPECT_EQ((*selected)[0].selected, 3);
  EXPECT_EQ((*selected)[0].selected_holding, 2);  // some hold SPE_E3
  EXPECT_EQ((*selected)[1].selected_holding, 1);  // EMS
}

// A row whose licenses are not JSON any more (a damaged file): a query that looks inside
// them refuses with an error naming the damage, rather than counting or filtering as if
// the user held nothing.
TEST_F(CacheQueryTest, ADamagedLicenseColumnFailsTheQueriesThatReadIt) {
  raw_exec(path_, "UPDATE users SET assigned_licenses = '[not json' WHERE id = 'u2'");
  UserListQuery by_sku;
  by_sku.filter = *parse_user_filter("sku:SPE_E3");
  auto listed = cache_->list_users(kContoso.id, by_sku);
  ASSERT_FALSE(listed.ok());
  const std::string named = "damaged licenses for user Bob@sales.contoso.onmicrosoft.com";
  EXPECT_THAT(listed.error().message, HasSubstr(named));
  auto seats = cache_->sku_seats(kContoso.id);
  ASSERT_FALSE(seats.ok());
  EXPECT_THAT(seats.error().message, HasSubstr(named));
  // A filter that does not look inside them still lists the other users.
  EXPECT_THAT(list("department:IT"),
              ElementsAre("carol@contoso.onmicrosoft.com", "erin@contoso.onmicrosoft.com"));
}

// ---- filter grammar ----

TEST(UserFilterTest, ParsesEveryPart) {
  auto f = parse_user_filter(
      " unlicensed , sku:SPE_E3,no-sku:EMS,department:Sales,usage-location:none,"
      "usage-location:de,upn:*@sales.contoso.com, Disabled");
  ASSERT_TRUE(f.ok()) << f.error().describe();
  EXPECT_TRUE(f->unlicensed);
  EXPECT_EQ(f->account_enabled, false);
  EXPECT_THAT(f->skus, ElementsAre("SPE_E3"));
  EXPECT_THAT(f->no_skus, ElementsAre("EMS"));
  EXPECT_THAT(f->departments, ElementsAre("Sales"));
  EXPECT_TRUE(f->no_usage_location);
  EXPECT_THAT(f->usage_locations, ElementsAre("de"));
  EXPECT_THAT(f->upn_patterns, ElementsAre("*@sales.contoso.com"));
  EXPECT_EQ(to_string(*f),
            "unlicensed,disabled,sku:SPE_E3,no-sku:EMS,department:Sales,usage-location:none,"
            "usage-location:de,upn:*@sales.contoso.com");
  EXPECT_TRUE(parse_user_filter("")->empty());
  EXPECT_EQ(parse_user_filter("enabled")->account_enabled, true);
  EXPECT_FALSE(parse_user_filter("enabled")->empty());
}

TEST(UserFilterTest, ErrorsNameTheBadPart) {
  struct Case {
    const char* expr;
    const char* message;
  };
  const Case cases[] = {
      {"unlicensed,skew:E3",
       "filter part 2 'skew:E3': unknown key 'skew' (expected unlicensed, enabled, disabled, "
       "sku:, no-sku:, department:, usage-location:, upn:)"},
      {"sku:", "filter part 1 'sku:': 'sku:' needs a value"},
      {"sku:E3,,unlicensed", "filter part 2 '': empty part (two commas in a row?)"},
      {"licensed",
       "filter part 1 'licensed': unknown filter (expected unlicensed, enabled, disabled, sku:, "
       "no-sku:, department:, usage-location:, upn:)"},
      {"usage-location:USA",
       "filter part 1 'usage-location:USA': usage location must be 'none' or a two-letter "
       "country code"},
      {"usage-location:UK",
       "filter part 1 'usage-location:UK': \"UK\" is not an ISO 3166 code; the United Kingdom "
       "is GB"},
      {"enabled,usage-location:uk",
       "filter part 2 'usage-location:uk': \"UK\" is not an ISO 3166 code; the United Kingdom "
       "is GB"},
      {"usage-location:XX",
       "filter part 1 'usage-location:XX': \"XX\" is not an ISO 3166 two-letter country code "
       "(such as US, GB or DE)"},
      {"unlicensed:yes", "filter part 1 'unlicensed:yes': 'unlicensed' takes no value"},
      {"disabled:yes", "filter part 1 'disabled:yes': 'disabled' takes no value"},
      {"enabled,disabled",
       "filter part 2 'disabled': 'enabled' and 'disabled' together match "
       "nobody"},
  };
  for (const auto& c : cases) {
    auto f = parse_user_filter(c.expr);
    ASSERT_FALSE(f.ok()) << c.expr;
    EXPECT_EQ(f.error().kind, ErrorKind::Invalid);
    EXPECT_EQ(f.error().message, c.message) << c.expr;
  }
}

TEST(UserFilterTest, GlobMatching) {
  EXPECT_TRUE(matches_upn_glob("*@sales.contoso.com", "Bob@SALES.contoso.com"));
  EXPECT_FALSE(matches_upn_glob("*@sales.contoso.com", "bob@contoso.com"));
  EXPECT_TRUE(matches_upn_glob("a*b*c", "aXXbYYc"));
  EXPECT_FALSE(matches_upn_glob("a*b*c", "aXXbYY"));
  EXPECT_TRUE(matches_upn_glob("?ob@*", "bob@x"));
  EXPECT_TRUE(matches_upn_glob("*", ""));
  EXPECT_FALSE(matches_upn_glob("", "x"));
}

TEST(UserFilterTest, InMemoryMatchAgreesWithTheGrammar) {
  std::vector<Sku> skus = {make_sku(kE3, "SPE_E3", 1)};
  User u = make_user("1", "bob@sales.contoso.com", {kE3}, "Sales");
  EXPECT_TRUE(matches(*parse_user_filter("sku:spe_e3,department:sales,upn:*@sales.*"), u, skus));
  EXPECT_FALSE(matches(*parse_user_filter("unlicensed"), u, skus));
  EXPECT_FALSE(matches(*parse_user_filter("no-sku:SPE_E3"), u, skus));
  EXPECT_FALSE(matches(*parse_user_filter("usage-location:none"), u, skus));
  EXPECT_TRUE(matches(*parse_user_filter("usage-location:US"), u, skus));
  EXPECT_TRUE(matches(*parse_user_filter("enabled"), u, skus));
  EXPECT_FALSE(matches(*parse_user_filter("disabled"), u, skus));
  u.account_enabled = false;
  EXPECT_TRUE(matches(*parse_user_filter("disabled,sku:SPE_E3"), u, skus));
  EXPECT_FALSE(matches(*parse_user_filter("enabled"), u, skus));
  UserFilter by_id;
  by_id.users = {"1"};
  EXPECT_TRUE(matches(by_id, u, skus));
}

}  // namespace cache_test
}  // namespace tenantsync
