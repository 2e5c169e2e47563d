// Storage faults under the engine. The disk fills at every point of a mirror and of an
// apply (FullDiskVfs fails SQLite's writes with SQLITE_FULL after the k-th), and another
// process holds the cache's SQLite write lock. Each gives a clear error naming the cache;
// the cache is never left corrupt (it reopens without being rebuilt); a full read is never
// half taken (users, deleted users and SKUs are each all old or all new); the journal
// keeps every write that was sent; and once there is room again the next run converges,
// with every write having taken effect exactly once.
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "sync/apply/executor.h"
#include "sync/apply/journal_settle.h"
#include "sync/log.h"
#include "sync/mirror/mirror.h"
#include "sync/store/cache.h"
#include "tests/sync/apply_test_support.h"
#include "tests/sync/full_disk_vfs.h"
#include "tests/sync/memory_directory.h"
#include "tests/sync/prefetching_directory.h"

namespace tenantsync {
namespace storage_faults_test {

using test::FullDiskVfs;
using ::testing::AnyOf;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

const std::string kContoso = "contoso.onmicrosoft.com";
const std::string kFabrikam = "fabrikam.onmicrosoft.com";
const std::string kDiskFull = "database or disk is full";

std::vector<std::string> keys(const std::map<std::string, int>& effects) {
  std::vector<std::string> out;
  for (const auto& [k, n] : effects) out.push_back(k);
  return out;
}

// ---- mirror ------------------------------------------------------------------------------

std::string uid(const char* prefix, int i) { return std::string(prefix) + std::to_string(i); }

// Two tenants: contoso with 120 users in pages of 25 and a soft-deleted one, fabrikam 30.
void populate(MemoryDirectory& remote) {
  remote.set_page_size(25);
  std::vector<User> contoso, fabrikam;
  for (int i = 0; i < 120; ++i) {
    contoso.push_back(make_user(uid("c", i), uid("user", i) + "@contoso.com", {"sku-e3"}));
  }
  for (int i = 0; i < 30; ++i) {
    fabrikam.push_back(make_user(uid("f", i), uid("user", i) + "@fabrikam.com", {"sku-e3"}));
  }
  User gone = make_user("c-gone", "gone@contoso.com", {"sku-ems"});
  gone.deleted_date_time = "2026-11-10T00:00:00Z";
  remote.add_tenant(make_tenant("id-contoso", kContoso),
                    {make_sku("sku-e3", "SPE_E3", 500), make_sku("sku-ems", "EMS", 500)}, contoso,
                    {gone});
  remote.add_tenant(make_tenant("id-fabrikam", kFabrikam), {make_sku("sku-e3", "SPE_E3", 50)},
                    fabrikam);
}

// Remote changes after the first mirror: changed, new, soft- and hard-deleted users, SKUs.
void change(MemoryDirectory& remote) {
  for (int i = 0; i < 40; i += 2) {
    remote.put_user("id-contoso",
                    make_user(uid("c", i), uid("user", i) + "@contoso.com", {"sku-ems"}, "Sales"));
  }
  for (int i = 0; i < 10; ++i) {
    remote.put_user("id-contoso", make_user(uid("n", i), uid("new", i) + "@contoso.com"));
  }
  remote.soft_delete_user("id-contoso", "c50", "2026-11-19T00:00:00Z");
  remote.hard_delete_user("id-contoso", "c51");
  remote.set_skus("id-contoso",
                  {make_sku("sku-e3", "SPE_E3", 600), make_sku("sku-ems", "EMS", 500)});
  remote.put_user("id-fabrikam", make_user("f3", "user3@fabrikam.com", {}, "Ops"));
}

struct TenantData {
  std::vector<User> users;
  std::vector<User> deleted_users;
  std::vector<Sku> skus;
  std::string delta_link;
};

std::map<std::string, TenantData> read_tenants(Cache& cache) {
  std::map<std::string, TenantData> out;
  for (const auto& id : {"id-contoso", "id-fabrikam"}) {
    auto snapshot = cache.load_snapshot(id);
    auto state = cache.sync_state(id);
    EXPECT_TRUE(snapshot.ok() && state.ok()) << id;
    if (!snapshot.ok() || !state.ok()) continue;
    out[id] = {snapshot->users, snapshot->deleted_users, snapshot->skus, state->delta_link};
  }
  return out;
}

class MirrorDiskFullTest : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override { configure_logging(LogLevel::Off, false); }

  // A closed cache file at `path` holding the first complete mirror.
  void make_base(const std::string& path) {
    auto cache = Cache::open(path, clock_);
    ASSERT_TRUE(cache.ok());
    ASSERT_TRUE(mirror_tenants(remote_, **cache, {}).ok());
    old_ = read_tenants(**cache);
  }

  std::unique_ptr<Cache> open_copy(const std::string& base, const std::string& path) {
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
    std::filesystem::copy_file(base, path);
    auto cache = Cache::open(path, clock_);
    EXPECT_TRUE(cache.ok()) << cache.error().describe();
    return cache.ok() ? std::move(cache).value() : nullptr;
  }

  FullDiskVfs vfs_;  // first: it must outlive every connection
  TempDir dir_;
  FakeClock clock_;
  // A delta round takes the deleted users' first page with the lists, as over Graph, and
  // stores a one-page list in one transaction (savepoints inside it).
  PrefetchingDirectory remote_;
  std::map<std::string, TenantData> old_, new_;
};

TEST_P(MirrorDiskFullTest, EveryFailingWriteGivesAClearErrorAndNoHalfRead) {
  const bool full = GetParam();
  populate(remote_);
  const std::string base = dir_.file("base.db");
  make_base(base);
  change(remote_);
  MirrorOptions options;
  options.full = full;
  options.concurrency = 2;

  // The fault-free mirror: its end state, and how many writes it makes.
  long total = 0;
  {
    auto cache = open_copy(base, dir_.file("new.db"));
    ASSERT_TRUE(cache);
    long before = vfs_.writes();
    int first_pages = remote_.deleted_with_groups;
    ASSERT_TRUE(mirror_tenants(remote_, *cache, options).ok());
    total = vfs_.writes() - before;
    // A delta round used the page that came with the lists; a full read read its first
    // page after the users (a one-page list is written with the completion, in one
    // transaction with savepoints inside it).
    EXPECT_EQ(remote_.deleted_with_groups - first_pages, full ? 2 : 0);
    EXPECT_EQ(remote_.deleted_reads, 0);
    new_ = read_tenants(*cache);
  }
  // A commit's WAL frames reach the VFS gathered into a write or a few
  // (wal_write_gathering.h), so each of the rounds' transactions is a handful of writes.
  ASSERT_GT(total, 5);
  ASSERT_NE(new_["id-contoso"].users, old_["id-contoso"].users);

  int failed_runs = 0;
  const std::string path = dir_.file("faulty.db");
  for (long k = 0; k < total; k += std::max(1L, total / 30)) {
    SCOPED_TRACE("disk full after " + std::to_string(k) + " of " + std::to_string(total) +
                 " writes, " + (full ? "full" : "delta") + " read");
    {
      auto cache = open_copy(base, path);
      ASSERT_TRUE(cache);
      vfs_.fill_after(k);
      MirrorResult result = mirror_tenants(remote_, *cache, options);
      vfs_.make_room();
      if (!result.ok()) ++failed_runs;

      if (result.error) {
        EXPECT_THAT(result.error->describe(), HasSubstr(kDiskFull));
        EXPECT_THAT(result.tenants, IsEmpty()) << "no tenant may look mirrored";
      }
      std::map<std::string, TenantData> now = read_tenants(*cache);
      for (const auto& t : result.tenants) {
        const std::string& id = t.tenant.id;
        if (!t.ok()) {
          EXPECT_THAT(t.error->describe(), HasSubstr(kDiskFull)) << id;
          EXPECT_THAT(t.error->describe(), HasSubstr(path)) << "names the cache file";
          // The delta link moves only with the users it stands for (the deleted-user read
          // after them may still fail): otherwise the next mirror reads the round again.
          EXPECT_THAT(now[id].delta_link, AnyOf(old_[id].delta_link, new_[id].delta_link)) << id;
          if (now[id].delta_link != old_[id].delta_link) {
            EXPECT_EQ(now[id].users, new_[id].users) << id;
          }
        }
        if (!full && !t.ok() && id == "id-fabrikam") {
          // Its round came whole with the lists (one page of changes, no deleted users)
          // and is written in one transaction: a failure leaves all of it as it was.
          EXPECT_TRUE(now[id].users == old_[id].users) << "users half-written";
          EXPECT_TRUE(now[id].deleted_users == old_[id].deleted_users);
          EXPECT_EQ(now[id].delta_link, old_[id].delta_link);
        }
        if (full || t.ok()) {
          // A full read (or any completed one) is taken whole or not at all.
          EXPECT_THAT(now[id].users, AnyOf(old_[id].users, new_[id].users)) << id;
          EXPECT_THAT(now[id].deleted_users, AnyOf(old_[id].deleted_users, new_[id].deleted_users))
              << id;
          EXPECT_THAT(now[id].skus, AnyOf(old_[id].skus, new_[id].skus)) << id;
        }
      }
    }
    // Room again: the file is a healthy cache (not moved aside), and the next mirror
    // brings every tenant to the remote's state.
    auto cache = Cache::open(path, clock_);
    ASSERT_TRUE(cache.ok()) << cache.error().describe();
    EXPECT_EQ((*cache)->moved_aside_to(), "");
    MirrorResult again = mirror_tenants(remote_, **cache, {});
    ASSERT_TRUE(again.ok());
    auto now = read_tenants(**cache);
    for (const auto& id : {"id-contoso", "id-fabrikam"}) {
      EXPECT_EQ(now[id].users, new_[id].users) << id;
      EXPECT_EQ(now[id].deleted_users, new_[id].deleted_users) << id;
      EXPECT_EQ(now[id].skus, new_[id].skus) << id;
    }
  }
  EXPECT_GT(failed_runs, 0) << "the disk never filled: the test tested nothing";
}

INSTANTIATE_TEST_SUITE_P(StorageFaults, MirrorDiskFullTest, ::testing::Values(true, false),
                         [](const ::testing::TestParamInfo<bool>& info) {
                           return info.param ? "FullRead" : "DeltaRead";
                         });

// ---- apply -------------------------------------------------------------------------------

TEST(ApplyDiskFullTest, NoWriteIsLostOrRepeatedAndTheNextRunConverges) {
  configure_logging(LogLevel::Off, false);
  FullDiskVfs vfs;
  long total = 0;
  std::vector<std::string> fault_free;
  {
    ApplyHarness h;
    h.add_scenario_tenant(kContoso);
    h.mirror();
    Plan plan = h.plan(scenario_desired(kContoso));
    long before = vfs.writes();
    EXPECT_EQ(h.apply(plan).exit_code(), 0);
    total = vfs.writes() - before;
    fault_free = keys(h.faulty.effects());
  }
  ASSERT_GT(total, 10);

  for (long k = 0; k < total; k += std::max(1L, total / 30)) {
    SCOPED_TRACE("disk full after " + std::to_string(k) + " of " + std::to_string(total) +
                 " writes");
    ApplyHarness h;
    h.add_scenario_tenant(kContoso);
    h.mirror();
    Plan plan = h.plan(scenario_desired(kContoso));
    ExecuteOptions options;
    options.plan_id = "plan-disk-full";
    options.passwords.generate = [](const Operation& op) { return "Tmp!" + op.user + "-Pw1"; };
    options.passwords.created = [](const std::string&, const std::string&) {};

    vfs.fill_after(k);
    auto report = execute_plan(plan, h.faulty, *h.cache, h.clock, options);
    vfs.make_room();

    if (!report.ok()) {
      // The journal could not take the plan: nothing may have been sent.
      EXPECT_THAT(report.error().describe(), HasSubstr(kDiskFull));
      EXPECT_THAT(h.faulty.effects(), IsEmpty());
    } else {
      EXPECT_EQ(report->exit_code(), 1);
      ASSERT_FALSE(report->local_errors.empty());
      for (const auto& e : report->local_errors) EXPECT_THAT(e.describe(), HasSubstr(kDiskFull));
    }
    // Every request handed to the directory has its journal entry marked sent (or
    // settled) first: a write the service may have applied is never missing from it.
    auto entries = h.cache->journal().list();
    ASSERT_TRUE(entries.ok()) << entries.error().describe();
    std::map<std::string, std::string> upn_of;  // the remote's user ids (new ones too)
    for (const auto& list :
         {h.remote.users(h.tenant_id(kContoso)), h.remote.deleted_users(h.tenant_id(kContoso))}) {
      for (const auto& u : list) upn_of[u.id] = u.user_principal_name;
    }
    for (const auto& r : h.faulty.recorded()) {
      const WriteRequest& w = r.request;
      const std::string upn = w.kind == WriteRequest::Kind::CreateUser
                                  ? w.body.value("userPrincipalName", std::string())
                                  : upn_of[w.user];
      bool journalled = false;
      for (const auto& e : *entries) {
        bool same_user = e.user_id == w.user || (!upn.empty() && e.user == upn);
        if (e.plan_id == "plan-disk-full" && same_user && e.state != JournalState::Pending) {
          journalled = true;
        }
      }
      EXPECT_TRUE(journalled) << "sent without being journalled: " << w.user << " " << upn;
    }

    // The next run: settle the journal, mirror, plan, apply.
    SettleReport settled = h.settle();
    EXPECT_EQ(settled.unresolved, 0);
    EXPECT_THAT(settled.local_errors, IsEmpty());
    h.mirror();
    ApplyReport second = h.apply(h.plan(scenario_desired(kContoso)));
    EXPECT_EQ(second.exit_code(), 0);
    EXPECT_EQ(h.remote_state(kContoso), scenario_end_state(kContoso));
    EXPECT_EQ(h.cache_state(kContoso), h.remote_state(kContoso));
    auto effects = h.faulty.effects();
    for (const auto& [effect, count] : effects) EXPECT_EQ(count, 1) << effect;
    EXPECT_EQ(keys(effects), fault_free);
  }
}

// ---- another process holds the cache's write lock ---------------------------------------

// Another process (the sqlite3 shell, as an admin might run it) that holds an SQLite
// write transaction on `path` until released. A forked copy of this process must not
// use SQLite: it would inherit this process's view of the file's locks.
class WriterProcess {
 public:
  explicit WriterProcess(const std::string& path) {
    int in[2], out[2];
    if (pipe(in) != 0 || pipe(out) != 0) throw std::runtime_error("pipe");
    pid_ = fork();
    if (pid_ == 0) {
      dup2(in[0], STDIN_FILENO);
      dup2(out[1], STDOUT_FILENO);
      dup2(out[1], STDERR_FILENO);
      for (int fd : {in[0], in[1], out[0], out[1]}) close(fd);
      execlp("sqlite3", "sqlite3", path.c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
    close(in[0]);
    close(out[1]);
    stdin_ = in[1];
    say(".bail on\nBEGIN IMMEDIATE;\nCREATE TABLE other_writer(x);\n.print locked\n");
    std::string answer;
    char c;
    while (answer.find("locked") == std::string::npos && read(out[0], &c, 1) == 1) answer += c;
    close(out[0]);
    locked_ = answer == "locked";
    if (!locked_) ADD_FAILURE() << "sqlite3: " << answer;
  }
  ~WriterProcess() { release(); }

  bool locked() const { return locked_; }
  void release() {
    if (pid_ <= 0) return;
    say("ROLLBACK;\n.quit\n");
    close(stdin_);
    waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }

 private:
  void say(const std::string& text) { (void)!write(stdin_, text.data(), text.size()); }

  pid_t pid_ = -1;
  int stdin_ = -1;
  bool locked_ = false;
};

TEST(CacheLockedTest, AnotherWriterGivesAClearErrorAndLeavesEverythingAsItWas) {
  configure_logging(LogLevel::Off, false);
  TempDir dir;
  FakeClock clock;
  MemoryDirectory remote;
  populate(remote);
  const std::string path = dir.file("tenantsync.db");
  CacheOpenOptions options;
  options.busy_timeout_ms = 200;  // the real default waits 10 s
  auto opened = Cache::open(path, clock, options);
  ASSERT_TRUE(opened.ok());
  Cache& cache = **opened;
  ASSERT_TRUE(mirror_tenants(remote, cache, {}).ok());
  std::vector<JournalEntry> entry(1);
  entry[0].plan_id = "earlier";
  entry[0].tenant_id = "id-contoso";
  entry[0].tenant = kContoso;
  entry[0].user = "user1@contoso.com";
  ASSERT_TRUE(cache.journal().append(entry).ok());
  auto before = read_tenants(cache);
  auto journal_before = cache.journal().list();
  ASSERT_TRUE(journal_before.ok());
  change(remote);

  WriterProcess other(path);
  ASSERT_TRUE(other.locked());
  MirrorResult result = mirror_tenants(remote, cache, {});
  // The tenant list cannot be recorded: the whole mirror fails, and no tenant may look
  // mirrored.
  ASSERT_TRUE(result.error);
  EXPECT_THAT(result.error->describe(), HasSubstr("database is locked"));
  EXPECT_THAT(result.error->describe(), HasSubstr(path));
  EXPECT_THAT(result.tenants, IsEmpty());
  std::vector<JournalEntry> more(1, entry[0]);
  Status appended = cache.journal().append(more);
  ASSERT_FALSE(appended.ok());
  EXPECT_THAT(appended.error().describe(), HasSubstr("database is locked"));
  // Reads still work while the other process writes, and nothing changed.
  EXPECT_EQ(read_tenants(cache)["id-contoso"].users, before["id-contoso"].users);
  EXPECT_EQ(*cache.journal().list(), *journal_before);

  other.release();
  EXPECT_TRUE(mirror_tenants(remote, cache, {}).ok());
  EXPECT_NE(read_tenants(cache)["id-contoso"].users, before["id-contoso"].users);
  EXPECT_EQ(*cache.journal().list(), *journal_before);
}

}  // namespace storage_faults_test
}  // namespace tenantsync
