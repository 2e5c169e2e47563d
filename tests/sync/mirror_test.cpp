// Mirror against the in-memory directory: full and delta reads, expired delta links,
// failures part way, no-change runs, many tenants in parallel, and streaming.
#include "sync/mirror/mirror.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <set>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "sync/log.h"
#include "tests/sync/memory_directory.h"
#include "tests/sync/prefetching_directory.h"

namespace tenantsync {
namespace mirror_test {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

const std::string kE3 = "05e9a617-0261-4cee-bb44-138d3ef5d965";
const std::string kEms = "efccb6f7-5641-4e0e-bd10-b4976e1bf68e";

std::string tenant_id(int i) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%08d-0000-4000-8000-000000000000", i);
  return buf;
}
std::string domain(int i) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "tenant%04d.onmicrosoft.com", i);
  return buf;
}

// `users` users (every third without a license, some with both SKUs) and `deleted`
// soft-deleted ones.
void add_tenant(MemoryDirectory& dir, int i, int users, int deleted = 0) {
  std::vector<User> active, gone;
  for (int u = 0; u < users; ++u) {
    std::vector<std::string> licenses;
    if (u % 3 != 0) licenses.push_back(kE3);
    if (u % 5 == 0) licenses.push_back(kEms);
    User user =
        make_user("t" + std::to_string(i) + "-u" + std::to_string(u),
                  "user" + std::to_string(u) + "@" + domain(i), licenses, u % 2 ? "Sales" : "IT");
    if (u % 7 == 0 && !user.license_states.empty()) {
      user.license_states[0].assigned_by_group = "group-1";
    }
    active.push_back(user);
  }
  for (int d = 0; d < deleted; ++d) {
    User user = make_user("t" + std::to_string(i) + "-d" + std::to_string(d),
                          "gone" + std::to_string(d) + "@" + domain(i), {kE3});
    user.deleted_date_time = "2026-11-1" + std::to_string(d % 10) + "T00:00:00Z";
    gone.push_back(user);
  }
  dir.add_tenant(
      make_tenant(tenant_id(i), domain(i)),
      {make_sku(kE3, "SPE_E3", users, users * 2 / 3), make_sku(kEms, "EMS", users, users / 5)},
      active, gone);
}

std::vector<User> by_upn(std::vector<User> users) {
  std::sort(users.begin(), users.end(), [](const User& a, const User& b) {
    return std::tie(a.user_principal_name, a.id) < std::tie(b.user_principal_name, b.id);
  });
  return users;
}

// The service's 403 for a tenant the partner may not read.
Error access_denied() {
  Error denied =
      make_error(ErrorKind::Forbidden, "Insufficient privileges to complete the operation.",
                 "Authorization_RequestDenied");
  denied.http_status = 403;
  return denied;
}

class MirrorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    configure_logging(LogLevel::Off, false);
    auto c = Cache::open(dir_.file("tenantsync.db"), clock_);
    ASSERT_TRUE(c.ok()) << c.error().describe();
    cache_ = std::move(c).value();
    remote_.set_page_size(4);
  }

  MirrorResult mirror(MirrorOptions options = {}) {
    return mirror_tenants(remote_, *cache_, options);
  }

  TenantSnapshot snapshot(int i) {
    auto s = cache_->load_snapshot(tenant_id(i));
    EXPECT_TRUE(s.ok()) << (s.ok() ? "" : s.error().describe());
    return s.ok() ? std::move(s).value() : TenantSnapshot{};
  }

  // The cache holds exactly what the remote holds.
  void expect_mirrored(int i) {
    TenantSnapshot snap = snapshot(i);
    EXPECT_EQ(snap.mirror, MirrorState::Complete) << domain(i);
    EXPECT_EQ(snap.users, by_upn(remote_.users(tenant_id(i)))) << domain(i);
    EXPECT_EQ(snap.deleted_users, by_upn(remote_.deleted_users(tenant_id(i)))) << domain(i);
    EXPECT_EQ(snap.skus, remote_.skus(tenant_id(i))) << domain(i);
  }

  std::int64_t version(int i) { return cache_->sync_state(tenant_id(i))->state_version; }

  // Someone else changes the job title of the first `count` users of tenant `i`.
  void change_job_titles(int i, int count) { change_job_titles_of(remote_, i, count); }
  static void change_job_titles_of(MemoryDirectory& remote, int i, int count) {
    for (int u = 0; u < count; ++u) {
      User user = remote.users(tenant_id(i))[static_cast<size_t>(u)];
      user.job_title = "Changed";
      remote.put_user(tenant_id(i), user);
    }
  }

  TempDir dir_;
  FakeClock clock_;
  MemoryDirectory remote_;
  std::unique_ptr<Cache> cache_;
};

TEST_F(MirrorTest, FirstMirrorIsAFullReadThatEqualsTheSource) {
  add_tenant(remote_, 1, 23, 3);
  add_tenant(remote_, 2, 0, 0);
  add_tenant(remote_, 3, 9, 1);
  MirrorResult r = mirror();
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r.tenants.size(), 3u);
  EXPECT_EQ(r.tenants[0].requested, domain(1));  // by domain when mirroring all
  EXPECT_EQ(r.tenants[0].kind, ReadKind::Full);
  EXPECT_EQ(r.tenants[0].users, 23);
  EXPECT_EQ(r.tenants[0].deleted_users, 3);
  EXPECT_EQ(r.tenants[0].skus, 2);
  EXPECT_EQ(r.tenants[0].changes_read, 26);
  for (int i = 1; i <= 3; ++i) expect_mirrored(i);
  EXPECT_EQ(remote_.full_reads(tenant_id(1)), 1);
  EXPECT_EQ(snapshot(1).tenant.display_name, "tenant0001");
}

TEST_F(MirrorTest, DeltaPicksUpLicenseChangesDeletionsAndRestores) {
  add_tenant(remote_, 1, 12, 2);
  ASSERT_TRUE(mirror().ok());

  User u1 = remote_.users(tenant_id(1))[1];
  u1.assigned_licenses = {{kEms, {"plan-x"}}};
  u1.license_states = {};
  remote_.put_user(tenant_id(1), u1);                                       // license change
  remote_.put_user(tenant_id(1), make_user("t1-new", "new@" + domain(1)));  // new user
  remote_.soft_delete_user(tenant_id(1), "t1-u2", "2026-11-19T10:00:00Z");  // soft delete
  remote_.hard_delete_user(tenant_id(1), "t1-u3");                          // gone for good
  remote_.hard_delete_user(tenant_id(1), "t1-d1");                          // purged deleted user
  remote_.restore_user(tenant_id(1), "t1-d0");                              // restore
  remote_.put_user(tenant_id(1), u1);  // the same change twice is harmless
  remote_.set_skus(tenant_id(1), {make_sku(kE3, "SPE_E3", 12, 9), make_sku(kEms, "EMS", 12, 4)});

  MirrorResult r = mirror();
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.tenants[0].kind, ReadKind::Delta);
  EXPECT_EQ(r.tenants[0].changes_read, 6 + 1);  // 6 changed users, then 1 deleted user
  EXPECT_EQ(remote_.full_reads(tenant_id(1)), 1);
  EXPECT_EQ(remote_.delta_reads(tenant_id(1)), 1);
  expect_mirrored(1);
  TenantSnapshot snap = snapshot(1);
  ASSERT_EQ(snap.deleted_users.size(), 1u);
  EXPECT_EQ(snap.deleted_users[0].deleted_date_time, "2026-11-19T10:00:00Z");  // the service's
}

TEST_F(MirrorTest, AnExpiredDeltaLinkFallsBackToAFullRead) {
  add_tenant(remote_, 1, 10, 1);
  ASSERT_TRUE(mirror().ok());
  remote_.hard_delete_user(tenant_id(1), "t1-u4");
  remote_.expire_delta_links(tenant_id(1));

  MirrorResult r = mirror();
  ASSERT_TRUE(r.ok()) << r.tenants[0].error->describe();
  EXPECT_EQ(r.tenants[0].kind, ReadKind::Full);
  EXPECT_TRUE(r.tenants[0].resynced);
  EXPECT_EQ(remote_.full_reads(tenant_id(1)), 2);
  expect_mirrored(1);

  // The new link works: the next mirror is a delta again.
  MirrorResult next = mirror();
  EXPECT_EQ(next.tenants[0].kind, ReadKind::Delta);
  EXPECT_FALSE(next.tenants[0].resynced);
}

TEST_F(MirrorTest, FullFlagForcesAFullRead) {
  add_tenant(remote_, 1, 5);
  ASSERT_TRUE(mirror().ok());
  MirrorOptions full;
  full.full = true;
  MirrorResult r = mirror(full);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.tenants[0].kind, ReadKind::Full);
  EXPECT_EQ(remote_.full_reads(tenant_id(1)), 2);
}

TEST_F(MirrorTest, AFailedFullReadKeepsTheLastCompleteStateAndMarksTheTenantStale) {
  add_tenant(remote_, 1, 20, 2);
  add_tenant(remote_, 2, 20, 2);
  ASSERT_TRUE(mirror().ok());
  TenantSnapshot before = snapshot(1);
  std::int64_t version_before = version(1);
  std::string fingerprint_before = *cache_->fingerprint({tenant_id(1)});

  // Changes on page 1 and a removal the read never gets to confirm, then a drop on page 3.
  User u0 = remote_.users(tenant_id(1))[0];
  u0.department = "Changed";
  remote_.put_user(tenant_id(1), u0);
  remote_.hard_delete_user(tenant_id(1), "t1-u9");
  remote_.put_user(tenant_id(2), make_user("t2-new", "new@" + domain(2)));
  remote_.fail_users_after_pages(
      tenant_id(1), 2, make_error(ErrorKind::Transient, "connection closed mid-response"));
  MirrorOptions full;
  full.full = true;
  MirrorResult r = mirror(full);

  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.failed(), 1);
  ASSERT_FALSE(r.tenants[0].ok());
  EXPECT_EQ(r.tenants[0].error->kind, ErrorKind::Transient);
  EXPECT_EQ(r.tenants[0].users, 20);  // the kept state
  TenantSnapshot after = snapshot(1);
  EXPECT_EQ(after.mirror, MirrorState::Stale);
  EXPECT_THAT(after.stale_reason, HasSubstr("connection closed mid-response"));
  EXPECT_EQ(after.users, before.users);
  EXPECT_EQ(after.deleted_users, before.deleted_users);
  EXPECT_EQ(version(1), version_before);
  EXPECT_EQ(*cache_->fingerprint({tenant_id(1)}), fingerprint_before);

  // The other tenant completed.
  EXPECT_TRUE(r.tenants[1].ok());
  expect_mirrored(2);

  // The next mirror heals it.
  ASSERT_TRUE(mirror().ok());
  expect_mirrored(1);
}

TEST_F(MirrorTest, AFailedDeltaReadKeepsTheDeltaLinkAndIsRetriedWhole) {
  add_tenant(remote_, 1, 20);
  ASSERT_TRUE(mirror().ok());
  std::string link = cache_->sync_state(tenant_id(1))->delta_link;
  change_job_titles(1, 10);
  Error throttled = make_error(ErrorKind::Throttled, "Too many requests", "TooManyRequests");
  throttled.http_status = 429;
  remote_.fail_users_after_pages(tenant_id(1), 1, throttled);
  MirrorResult r = mirror();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.tenants[0].kind, ReadKind::Delta);
  EXPECT_EQ(snapshot(1).mirror, MirrorState::Stale);
  EXPECT_EQ(snapshot(1).stale_reason, "TooManyRequests: Too many requests");
  EXPECT_EQ(cache_->sync_state(tenant_id(1))->delta_link, link);

  ASSERT_TRUE(mirror().ok());
  expect_mirrored(1);
}

// Delta pages go into the cache as they come: were tenantsync killed between two of them,
// the cache must say stale, not complete.
TEST_F(MirrorTest, ADeltaRoundIsStaleInTheCacheUntilItsLastPageIsIn) {
  add_tenant(remote_, 1, 20);
  ASSERT_TRUE(mirror().ok());
  std::string link = cache_->sync_state(tenant_id(1))->delta_link;
  change_job_titles(1, 10);
  int pages = 0;
  remote_.set_page_observer([&](const std::string&, int) {
    ++pages;
    auto state = cache_->sync_state(tenant_id(1));  // what a new process would read now
    ASSERT_TRUE(state.ok());
    EXPECT_EQ(state->outcome, MirrorState::Stale);
    EXPECT_THAT(state->error, HasSubstr("delta read of this tenant was under way"));
    EXPECT_EQ(state->delta_link, link);
  });
  ASSERT_TRUE(mirror().ok());
  EXPECT_GE(pages, 3);
  remote_.set_page_observer(nullptr);
  EXPECT_EQ(snapshot(1).mirror, MirrorState::Complete);
  EXPECT_EQ(snapshot(1).stale_reason, "");
  expect_mirrored(1);
}

TEST_F(MirrorTest, AFailureOnTheFirstReadLeavesAStaleTenant) {
  add_tenant(remote_, 1, 10);
  remote_.fail_skus(tenant_id(1), access_denied());
  MirrorResult r = mirror();
  ASSERT_FALSE(r.ok());
  TenantSnapshot snap = snapshot(1);
  EXPECT_EQ(snap.mirror, MirrorState::Stale);
  EXPECT_EQ(snap.stale_reason,
            "Authorization_RequestDenied: Insufficient privileges to complete the operation.");
  EXPECT_TRUE(snap.users.empty());
}

TEST_F(MirrorTest, ReadsRefusedAsAWholeMarkTheTenantGoneUntilAReadSucceeds) {
  add_tenant(remote_, 1, 10);
  ASSERT_TRUE(mirror().ok());
  remote_.fail_skus(tenant_id(1), access_denied());
  MirrorResult r = mirror();
  ASSERT_EQ(r.tenants.size(), 1u);
  EXPECT_FALSE(r.tenants[0].ok());
  EXPECT_TRUE(r.tenants[0].gone());
  TenantSnapshot snap = snapshot(1);
  EXPECT_EQ(snap.gone_since, format_iso8601(clock_.now()));
  EXPECT_EQ(snap.gone_reason,
            "has refused the partner's reads (Authorization_RequestDenied: Insufficient "
            "privileges to complete the operation.)");
  EXPECT_EQ(snap.users.size(), 10u) << "its data stays";

  MirrorResult back = mirror();  // the fault was one-shot: the tenant answers again
  ASSERT_TRUE(back.ok());
  EXPECT_TRUE(back.tenants[0].returned);
  EXPECT_EQ(back.tenants[0].kind, ReadKind::Full) << "its delta link was dropped";
  EXPECT_TRUE(snapshot(1).gone_since.empty());
}

TEST_F(MirrorTest, CachedTenantsMissingFromContractsAreGoneUntilTheyReturn) {
  add_tenant(remote_, 1, 5);
  add_tenant(remote_, 2, 5);
  ASSERT_TRUE(mirror().ok());
  std::int64_t before = version(1);
  remote_.set_contract(tenant_id(1), false);
  clock_.advance(std::chrono::hours(1));

  MirrorResult r = mirror();
  EXPECT_TRUE(r.ok()) << "gone is no failure";
  ASSERT_EQ(r.tenants.size(), 2u) << "with all tenants, the gone one is reported too";
  EXPECT_EQ(r.tenants[0].tenant.id, tenant_id(1));
  EXPECT_TRUE(r.tenants[0].gone());
  EXPECT_EQ(r.tenants[0].gone_reason, kGoneFromContracts);
  EXPECT_EQ(r.tenants[0].gone_since, format_iso8601(clock_.now()));
  EXPECT_EQ(remote_.full_reads(tenant_id(1)), 1) << "a gone tenant is not read";
  EXPECT_GT(version(1), before) << "a plan saved before must be stale";
  EXPECT_FALSE(r.tenants[1].gone());

  // Named, it is reported gone as well (not as an unknown tenant); the time is kept.
  std::string since = r.tenants[0].gone_since;
  clock_.advance(std::chrono::hours(1));
  MirrorOptions named;
  named.tenants = {domain(1)};
  MirrorResult again = mirror(named);
  EXPECT_TRUE(again.ok());
  ASSERT_EQ(again.tenants.size(), 1u);
  EXPECT_EQ(again.tenants[0].gone_since, since);

  remote_.set_contract(tenant_id(1), true);
  MirrorResult back = mirror();
  ASSERT_TRUE(back.ok());
  EXPECT_TRUE(back.tenants[0].returned);
  EXPECT_EQ(back.tenants[0].kind, ReadKind::Full);
  EXPECT_EQ(remote_.full_reads(tenant_id(1)), 2);
  EXPECT_TRUE(snapshot(1).gone_since.empty());
  expect_mirrored(1);
}

TEST_F(MirrorTest, AnotherGraphHostDropsTheDeltaLinkAndReadsFully) {
  add_tenant(remote_, 1, 5);
  cache_->set_graph_host("https://old.example:443");
  ASSERT_TRUE(mirror().ok());
  ASSERT_FALSE(cache_->sync_state(tenant_id(1))->delta_link.empty());
  EXPECT_EQ(cache_->sync_state(tenant_id(1))->graph_host, "https://old.example:443");

  cache_->set_graph_host("https://new.example:443");
  EXPECT_EQ(snapshot(1).other_graph_host, "https://old.example:443");
  remote_.fail_users_after_pages(tenant_id(1), 0, make_error(ErrorKind::Transient, "down"));
  MirrorResult failed = mirror();
  ASSERT_FALSE(failed.ok());
  EXPECT_TRUE(cache_->sync_state(tenant_id(1))->delta_link.empty()) << "dropped";
  EXPECT_EQ(snapshot(1).other_graph_host, "https://old.example:443") << "until a read completes";

  MirrorResult r = mirror();
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r.tenants[0].host_changed);
  EXPECT_EQ(r.tenants[0].kind, ReadKind::Full);
  EXPECT_EQ(remote_.full_reads(tenant_id(1)), 3);
  EXPECT_TRUE(snapshot(1).other_graph_host.empty());
  EXPECT_EQ(cache_->sync_state(tenant_id(1))->graph_host, "https://new.example:443");
}

TEST_F(MirrorTest, AFailedDeletedUserReadMarksStale) {
  add_tenant(remote_, 1, 10, 3);
  ASSERT_TRUE(mirror().ok());
  remote_.fail_deleted_users(tenant_id(1), make_error(ErrorKind::Transient, "Service unavailable"));
  MirrorResult r = mirror();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(snapshot(1).mirror, MirrorState::Stale);
  EXPECT_EQ(snapshot(1).deleted_users.size(), 3u);
}

// A tenant's roles are written with the write that marks its read complete: when a later
// step of a full read fails (here the deleted users), the tenant keeps the roles of its
// last complete read, and the next read that ends whole brings the new ones.
TEST_F(MirrorTest, AReadFailingAfterItsUsersKeepsTheRolesOfTheLastCompleteRead) {
  add_tenant(remote_, 1, 10, 3);
  const RoleDefinition reader{"role-reports", "Reports Reader", true, false};
  remote_.set_roles(tenant_id(1), {reader});
  MirrorOptions full;
  full.full = true;
  full.roles = true;
  ASSERT_TRUE(mirror_tenants(remote_, *cache_, full).ok());
  ASSERT_EQ(snapshot(1).roles, std::vector<RoleDefinition>{reader});

  const RoleDefinition helpdesk{"role-helpdesk", "Helpdesk Administrator", true, true};
  remote_.set_roles(tenant_id(1), {reader, helpdesk});
  remote_.fail_deleted_users(tenant_id(1), make_error(ErrorKind::Transient, "Service unavailable"));
  ASSERT_FALSE(mirror_tenants(remote_, *cache_, full).ok());
  EXPECT_EQ(snapshot(1).mirror, MirrorState::Stale);
  EXPECT_EQ(snapshot(1).roles, std::vector<RoleDefinition>{reader});

  ASSERT_TRUE(mirror_tenants(remote_, *cache_, full).ok());
  EXPECT_EQ(snapshot(1).roles, (std::vector<RoleDefinition>{helpdesk, reader}));
}

// The link a delta round ends with is stored with the tenant's completeness, in one
// write: when a later step of the read fails (here the deleted users), the tenant stays
// stale with its old link and the next mirror reads the round again.
TEST_F(MirrorTest, AReadFailingAfterItsDeltaRoundKeepsTheOldLink) {
  add_tenant(remote_, 1, 10, 3);
  ASSERT_TRUE(mirror().ok());
  const std::string link = cache_->sync_state(tenant_id(1))->delta_link;
  change_job_titles(1, 4);
  remote_.fail_deleted_users(tenant_id(1), make_error(ErrorKind::Transient, "Service unavailable"));
  MirrorResult broken = mirror();
  ASSERT_FALSE(broken.ok());
  EXPECT_EQ(broken.tenants[0].kind, ReadKind::Delta);
  EXPECT_EQ(snapshot(1).mirror, MirrorState::Stale);
  EXPECT_EQ(cache_->sync_state(tenant_id(1))->delta_link, link);

  MirrorResult again = mirror();
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again.tenants[0].kind, ReadKind::Delta);
  expect_mirrored(1);
  EXPECT_NE(cache_->sync_state(tenant_id(1))->delta_link, link) << "moved with the complete read";
}

class PrefetchedDeletedUsersTest : public MirrorTest {
 protected:
  MirrorResult mirror_prefetching() { return mirror_tenants(remote_prefetching_, *cache_, {}); }

  void expect_mirrored_prefetching(int i) {
    TenantSnapshot snap = snapshot(i);
    EXPECT_EQ(snap.mirror, MirrorState::Complete);
    EXPECT_EQ(snap.users, by_upn(remote_prefetching_.users(tenant_id(i))));
    EXPECT_EQ(snap.deleted_users, by_upn(remote_prefetching_.deleted_users(tenant_id(i))));
  }

  // Reads of the deleted users from their first page: alone, or with the group names.
  int deleted_list_reads() const {
    return remote_prefetching_.deleted_reads + remote_prefetching_.deleted_with_groups;
  }

  PrefetchingDirectory remote_prefetching_;
};

TEST_F(PrefetchedDeletedUsersTest, ADeltaRoundUsesThePageThatCameWithTheLists) {
  add_tenant(remote_prefetching_, 1, 10, 4);  // two pages
  ASSERT_TRUE(mirror_prefetching().ok());
  EXPECT_EQ(deleted_list_reads(), 1) << "a full read reads them after the users";
  EXPECT_EQ(remote_prefetching_.deleted_reads_after, 1);

  // Changed and restored before the lists are read: the page already says so.
  change_job_titles_of(remote_prefetching_, 1, 2);
  remote_prefetching_.restore_user(tenant_id(1), "t1-d0");
  ASSERT_TRUE(mirror_prefetching().ok());
  EXPECT_EQ(deleted_list_reads(), 1) << "no second read of the deleted users";
  EXPECT_EQ(remote_prefetching_.deleted_reads_after, 2) << "the rest after the first page";
  expect_mirrored_prefetching(1);

  // A user deleted since, when the deleted users take more than one page: the first page
  // cannot tell whether a later one lists it, so they are all read again.
  remote_prefetching_.soft_delete_user(tenant_id(1), "t1-u4", "2026-12-01T08:00:00Z");
  ASSERT_TRUE(mirror_prefetching().ok());
  EXPECT_EQ(deleted_list_reads(), 2);
  expect_mirrored_prefetching(1);
}

TEST_F(PrefetchedDeletedUsersTest, AUserRestoredAfterThePageIsReadIsNotLeftDeleted) {
  add_tenant(remote_prefetching_, 1, 10, 2);  // one page
  ASSERT_TRUE(mirror_prefetching().ok());
  remote_prefetching_.in_the_window = [&] {
    remote_prefetching_.restore_user(tenant_id(1), "t1-d0");
  };
  ASSERT_TRUE(mirror_prefetching().ok());
  EXPECT_EQ(deleted_list_reads(), 2) << "the page was out of date: read again";
  expect_mirrored_prefetching(1);
  // And it stays mirrored: the next round does not lose the restored user.
  ASSERT_TRUE(mirror_prefetching().ok());
  expect_mirrored_prefetching(1);
}

TEST_F(PrefetchedDeletedUsersTest, AUserDeletedOrPurgedAfterThePageIsReadIsSeenInTheSameRound) {
  add_tenant(remote_prefetching_, 1, 10, 2);  // one page
  ASSERT_TRUE(mirror_prefetching().ok());
  remote_prefetching_.in_the_window = [&] {
    remote_prefetching_.soft_delete_user(tenant_id(1), "t1-u5", "2026-12-02T09:00:00Z");
  };
  ASSERT_TRUE(mirror_prefetching().ok());
  EXPECT_EQ(deleted_list_reads(), 2);
  expect_mirrored_prefetching(1);

  remote_prefetching_.in_the_window = [&] {
    remote_prefetching_.hard_delete_user(tenant_id(1), "t1-d1");
  };
  ASSERT_TRUE(mirror_prefetching().ok());
  EXPECT_EQ(deleted_list_reads(), 3);
  expect_mirrored_prefetching(1);
}

// After a full read's users, the deleted users' first page comes with the names of the
// groups users inherit licenses from (one $batch over Graph), the rest by its next link;
// a failure of that page fails the tenant as a failed deleted-users read does.
TEST_F(PrefetchedDeletedUsersTest, AFullReadReadsTheDeletedUsersWithTheGroupNames) {
  add_tenant(remote_prefetching_, 1, 10, 4);  // group-1 licenses user 0; two deleted pages
  remote_prefetching_.set_group(tenant_id(1), {"group-1", "Sales Team"});
  MirrorOptions full;
  full.full = true;
  ASSERT_TRUE(mirror_tenants(remote_prefetching_, *cache_, full).ok());
  EXPECT_EQ(remote_prefetching_.deleted_with_groups, 1);
  EXPECT_EQ(remote_prefetching_.deleted_reads, 0);
  EXPECT_EQ(remote_prefetching_.deleted_reads_after, 1) << "the rest after the first page";
  EXPECT_EQ(snapshot(1).group_label("group-1"), "Sales Team (group-1)");
  expect_mirrored_prefetching(1);

  remote_prefetching_.with_groups_fault = make_error(ErrorKind::Transient, "Service unavailable");
  remote_prefetching_.soft_delete_user(tenant_id(1), "t1-u4", "2026-12-01T08:00:00Z");
  MirrorResult failed = mirror_tenants(remote_prefetching_, *cache_, full);
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(snapshot(1).mirror, MirrorState::Stale);
  EXPECT_EQ(snapshot(1).deleted_users.size(), 4u) << "the deleted users as they were";
  ASSERT_TRUE(mirror_tenants(remote_prefetching_, *cache_, full).ok());
  expect_mirrored_prefetching(1);
}

// A delta round's first page came with the lists: it is applied, and the rest of the round
// is read from its next link; a quiet round is the lists' read alone.
TEST_F(PrefetchedDeletedUsersTest, ADeltaRoundStartsWithThePageThatCameWithTheLists) {
  remote_prefetching_.set_page_size(2);
  add_tenant(remote_prefetching_, 1, 10, 2);
  ASSERT_TRUE(mirror_prefetching().ok());
  change_job_titles_of(remote_prefetching_, 1, 5);  // three pages
  MirrorResult delta = mirror_prefetching();
  ASSERT_TRUE(delta.ok());
  EXPECT_EQ(delta.tenants[0].kind, ReadKind::Delta);
  EXPECT_EQ(delta.tenants[0].changes_read, 5 + 2);
  EXPECT_EQ(remote_prefetching_.delta_reads(tenant_id(1)), 1);
  EXPECT_EQ(remote_prefetching_.delta_reads_after, 1);
  expect_mirrored_prefetching(1);

  std::int64_t before = version(1);
  MirrorResult quiet = mirror_prefetching();
  ASSERT_TRUE(quiet.ok());
  EXPECT_EQ(version(1), before) << "nothing changed: plans made before still pass";
  EXPECT_EQ(quiet.tenants[0].changes_read, 2) << "the deleted users only";
  EXPECT_EQ(remote_prefetching_.delta_reads(tenant_id(1)), 2);
  EXPECT_EQ(remote_prefetching_.delta_reads_after, 1) << "one page: nothing after it";
  EXPECT_EQ(snapshot(1).mirror, MirrorState::Complete);
  expect_mirrored_prefetching(1);
}

// A round that came whole with the lists (one page of changes, one page of deleted users)
// is written with them in one transaction: every list, change and deletion of it, and the
// moved link, in one round trip to the remote and one commit.
TEST_F(PrefetchedDeletedUsersTest, ARoundThatCameWholeIsWrittenWithTheLists) {
  add_tenant(remote_prefetching_, 1, 10, 2);
  remote_prefetching_.set_roles(tenant_id(1), {{"role-reports", "Reports Reader", true, false}});
  MirrorOptions roles;
  roles.roles = true;
  ASSERT_TRUE(mirror_tenants(remote_prefetching_, *cache_, roles).ok());
  const std::string link = cache_->sync_state(tenant_id(1))->delta_link;

  change_job_titles_of(remote_prefetching_, 1, 2);
  remote_prefetching_.soft_delete_user(tenant_id(1), "t1-u3", "2026-12-01T08:00:00Z");
  remote_prefetching_.hard_delete_user(tenant_id(1), "t1-d0");
  remote_prefetching_.set_skus(tenant_id(1), {make_sku(kE3, "SPE_E3", 25, 6)});
  std::vector<Domain> domains = {{domain(1), false, true, true},
                                 {"one.example", true, false, true}};
  remote_prefetching_.set_domains(tenant_id(1), domains);
  WriteRequest give;
  give.kind = WriteRequest::Kind::AddRole;
  give.user = "t1-u1";
  give.role_definition_id = "role-reports";
  ASSERT_TRUE(remote_prefetching_.write(tenant_id(1), {give})[0].status.ok());
  std::int64_t before = version(1);

  MirrorResult round = mirror_tenants(remote_prefetching_, *cache_, roles);
  ASSERT_TRUE(round.ok());
  EXPECT_EQ(round.tenants[0].kind, ReadKind::Delta);
  EXPECT_EQ(round.tenants[0].changes_read, 2 + 1 + 1 + 2) << "changes, then the deleted users";
  EXPECT_EQ(remote_prefetching_.delta_reads_after, 0) << "one page: nothing after it";
  EXPECT_EQ(deleted_list_reads(), 1) << "only the full read's";
  expect_mirrored_prefetching(1);
  TenantSnapshot snap = snapshot(1);
  EXPECT_EQ(snap.skus, remote_prefetching_.skus(tenant_id(1)));
  EXPECT_EQ(snap.domains, domains);
  ASSERT_EQ(snap.role_assignments.size(), 1u);
  EXPECT_EQ(snap.role_assignments[0].principal_id, "t1-u1");
  EXPECT_GT(version(1), before);
  EXPECT_NE(cache_->sync_state(tenant_id(1))->delta_link, link) << "moved with the round";
  EXPECT_EQ(cache_->sync_state(tenant_id(1))->error, "");
}

// A round that came whole reads the names of the groups its changes brought and no other
// (the known ones are not read again), and reports the tenant's counts as they are, kept
// from the round before when no user came or went.
TEST_F(PrefetchedDeletedUsersTest, ARoundThatCameWholeReadsOnlyTheGroupNamesItBrought) {
  add_tenant(remote_prefetching_, 1, 10, 2);  // user 0 inherits EMS from group-1
  remote_prefetching_.set_group(tenant_id(1), {"group-1", "Sales Team"});
  ASSERT_TRUE(mirror_prefetching().ok());
  EXPECT_THAT(remote_prefetching_.group_reads(tenant_id(1)), ElementsAre("group-1"));

  User user = remote_prefetching_.users(tenant_id(1))[1];
  user.license_states.push_back({kEms, "group-2", {}, "Active", "None"});
  user.assigned_licenses.push_back({kEms, {}});
  remote_prefetching_.put_user(tenant_id(1), user);
  remote_prefetching_.set_group(tenant_id(1), {"group-2", "Finance"});
  MirrorResult round = mirror_prefetching();
  ASSERT_TRUE(round.ok());
  EXPECT_EQ(round.tenants[0].kind, ReadKind::Delta);
  EXPECT_EQ(remote_prefetching_.delta_reads_after, 0) << "the round came whole";
  EXPECT_THAT(remote_prefetching_.group_reads(tenant_id(1)), ElementsAre("group-1", "group-2"));
  EXPECT_EQ(snapshot(1).group_label("group-2"), "Finance (group-2)");
  EXPECT_EQ(round.tenants[0].users, 10);
  EXPECT_EQ(round.tenants[0].deleted_users, 2);

  remote_prefetching_.hard_delete_user(tenant_id(1), "t1-d0");  // gone from the recycle bin
  round = mirror_prefetching();
  ASSERT_TRUE(round.ok());
  EXPECT_EQ(round.tenants[0].users, 10);
  EXPECT_EQ(round.tenants[0].deleted_users, 1);
  EXPECT_THAT(remote_prefetching_.group_reads(tenant_id(1)), ElementsAre("group-1", "group-2"));
}

// Lists that could not be read with a round that came whole keep what the cache knew, as
// in a round read step by step; the round is still complete.
TEST_F(PrefetchedDeletedUsersTest, ARoundThatCameWholeKeepsListsThatCouldNotBeRead) {
  add_tenant(remote_prefetching_, 1, 10, 2);
  ASSERT_TRUE(mirror_prefetching().ok());
  std::vector<Domain> known = snapshot(1).domains;
  remote_prefetching_.set_domains(tenant_id(1), {});
  remote_prefetching_.fail_domains(
      tenant_id(1),
      make_error(ErrorKind::Forbidden, "Insufficient privileges", "Authorization_RequestDenied"));
  change_job_titles_of(remote_prefetching_, 1, 1);
  MirrorOptions roles;  // and roles this directory cannot list
  roles.roles = true;
  ASSERT_TRUE(mirror_tenants(remote_prefetching_, *cache_, roles).ok());
  expect_mirrored_prefetching(1);
  EXPECT_EQ(snapshot(1).domains, known);
  EXPECT_TRUE(snapshot(1).roles.empty());
}

// The round breaks after its first page was applied: the tenant stays stale with its old
// link, and the next mirror reads the round again whole.
TEST_F(PrefetchedDeletedUsersTest, ADeltaRoundBrokenAfterItsFirstPageKeepsItsLink) {
  remote_prefetching_.set_page_size(2);
  add_tenant(remote_prefetching_, 1, 10, 2);
  ASSERT_TRUE(mirror_prefetching().ok());
  std::string link = cache_->sync_state(tenant_id(1))->delta_link;
  change_job_titles_of(remote_prefetching_, 1, 5);
  remote_prefetching_.rest_fault = make_error(ErrorKind::Transient, "Service unavailable");
  MirrorResult broken = mirror_prefetching();
  ASSERT_FALSE(broken.ok());
  EXPECT_EQ(remote_prefetching_.delta_reads_after, 1);
  EXPECT_EQ(snapshot(1).mirror, MirrorState::Stale);
  EXPECT_EQ(cache_->sync_state(tenant_id(1))->delta_link, link);

  MirrorResult again = mirror_prefetching();
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again.tenants[0].kind, ReadKind::Delta);
  EXPECT_EQ(again.tenants[0].changes_read, 5 + 2) << "the whole round again";
  expect_mirrored_prefetching(1);
}

// A full read starts from the "sync from now" link that came with the lists: a change made
// after it (here, before the users are even listed) comes again in the next delta round,
// which is harmless; nothing made after the link is lost.
TEST_F(PrefetchedDeletedUsersTest, AFullReadStartsFromTheLinkReadWithTheLists) {
  add_tenant(remote_prefetching_, 1, 10, 2);
  remote_prefetching_.in_the_window = [&] { change_job_titles_of(remote_prefetching_, 1, 3); };
  ASSERT_TRUE(mirror_prefetching().ok());
  EXPECT_EQ(remote_prefetching_.reads_after_latest, 1);
  expect_mirrored_prefetching(1);

  MirrorResult delta = mirror_prefetching();
  ASSERT_TRUE(delta.ok());
  EXPECT_EQ(delta.tenants[0].kind, ReadKind::Delta);
  // The three changed after the link, again, and the two deleted users (read every round).
  EXPECT_EQ(delta.tenants[0].changes_read, 3 + 2);
  EXPECT_EQ(remote_prefetching_.delta_reads(tenant_id(1)), 1);
  expect_mirrored_prefetching(1);
}

// The link could not be read with the lists (throttled, say): the full read asks for its
// own, and nothing fails.
TEST_F(PrefetchedDeletedUsersTest, AFullReadWithoutTheListedLinkAsksForItsOwn) {
  add_tenant(remote_prefetching_, 1, 10, 2);
  remote_prefetching_.latest_fault = make_error(ErrorKind::Throttled, "throttled");
  MirrorResult full = mirror_prefetching();
  ASSERT_TRUE(full.ok());
  EXPECT_EQ(full.tenants[0].kind, ReadKind::Full);
  EXPECT_EQ(remote_prefetching_.reads_after_latest, 0);
  EXPECT_EQ(remote_prefetching_.full_reads(tenant_id(1)), 1);
  expect_mirrored_prefetching(1);
  change_job_titles_of(remote_prefetching_, 1, 1);
  ASSERT_TRUE(mirror_prefetching().ok());
  expect_mirrored_prefetching(1);
}

TEST_F(MirrorTest, AMirrorWithNoRemoteChangeBumpsNothing) {
  add_tenant(remote_, 1, 30, 4);
  add_tenant(remote_, 2, 7, 1);
  ASSERT_TRUE(mirror().ok());
  std::int64_t v1 = version(1), v2 = version(2);
  std::string fp = *cache_->fingerprint({tenant_id(1), tenant_id(2)});

  ASSERT_TRUE(mirror().ok());  // delta
  MirrorOptions full;
  full.full = true;
  ASSERT_TRUE(mirror(full).ok());  // full, staged, nothing differs
  EXPECT_EQ(version(1), v1);
  EXPECT_EQ(version(2), v2);
  EXPECT_EQ(*cache_->fingerprint({tenant_id(1), tenant_id(2)}), fp);

  remote_.put_user(tenant_id(2), make_user("t2-new", "new@" + domain(2)));
  ASSERT_TRUE(mirror().ok());
  EXPECT_EQ(version(1), v1);
  EXPECT_GT(version(2), v2);
  EXPECT_NE(*cache_->fingerprint({tenant_id(1), tenant_id(2)}), fp);
}

// The tenant's domains are read with it and kept in the cache (they decide where users
// may be created); a change of them is a change of the tenant's data.
TEST_F(MirrorTest, CachesTheTenantsDomains) {
  add_tenant(remote_, 1, 3);
  ASSERT_TRUE(mirror().ok());
  EXPECT_EQ(snapshot(1).domains, (std::vector<Domain>{{domain(1), true, true, true}}));

  std::vector<Domain> domains = {{domain(1), false, true, true},
                                 {"one.example", true, false, true},
                                 {"pending.example", false, false, false}};
  remote_.set_domains(tenant_id(1), domains);
  std::int64_t before = version(1);
  ASSERT_TRUE(mirror().ok());
  EXPECT_EQ(snapshot(1).domains, domains);
  EXPECT_GT(version(1), before);
  EXPECT_THAT(verified_domain_names(snapshot(1).domains), ElementsAre(domain(1), "one.example"));
}

// A failed read of the domains (an app without Domain.Read.All, say) does not fail the
// tenant: its users and SKUs are mirrored, and the domains it knew are kept.
TEST_F(MirrorTest, AFailedDomainsReadKeepsTheKnownDomainsAndTheTenantComplete) {
  add_tenant(remote_, 1, 3);
  ASSERT_TRUE(mirror().ok());
  std::vector<Domain> known = snapshot(1).domains;
  remote_.set_domains(tenant_id(1), {});
  remote_.fail_domains(tenant_id(1), make_error(ErrorKind::Forbidden, "Insufficient privileges",
                                                "Authorization_RequestDenied"));
  change_job_titles(1, 1);
  MirrorResult r = mirror();
  EXPECT_TRUE(r.ok());
  expect_mirrored(1);
  EXPECT_EQ(snapshot(1).domains, known);
}

// Roles are read only when the caller asks (`mirror`, the user tasks, a desired state that
// gives roles): a plain cycle costs no request for them.
TEST_F(MirrorTest, AdminRolesAreReadWhenAsked) {
  add_tenant(remote_, 1, 3);
  remote_.set_roles(tenant_id(1), {{"role-reports", "Reports Reader", true, false}});
  WriteRequest give;
  give.kind = WriteRequest::Kind::AddRole;
  give.user = "t1-u0";
  give.role_definition_id = "role-reports";
  ASSERT_TRUE(remote_.write(tenant_id(1), {give})[0].status.ok());
  ASSERT_TRUE(mirror().ok());
  EXPECT_TRUE(snapshot(1).roles.empty());
  MirrorOptions asked;
  asked.roles = true;
  ASSERT_TRUE(mirror(asked).ok());
  EXPECT_EQ(snapshot(1).roles.size(), 1u);
  ASSERT_EQ(snapshot(1).role_assignments.size(), 1u);
  EXPECT_EQ(snapshot(1).role_assignments[0].principal_id, "t1-u0");

  give.user = "t1-u1";
  ASSERT_TRUE(remote_.write(tenant_id(1), {give})[0].status.ok());
  ASSERT_TRUE(mirror().ok());  // not asked: who holds roles is not read again
  EXPECT_EQ(snapshot(1).role_assignments.size(), 1u);
  ASSERT_TRUE(mirror(asked).ok());
  EXPECT_EQ(snapshot(1).role_assignments.size(), 2u);
}

// A directory that cannot list roles (an app without RoleManagement.Read.Directory) keeps
// the tenant complete; its roles stay unknown.
TEST_F(MirrorTest, ATenantWhoseRolesCannotBeReadIsStillMirroredWhole) {
  add_tenant(remote_, 1, 3);
  MirrorOptions asked;
  asked.roles = true;
  MirrorResult r = mirror(asked);
  EXPECT_TRUE(r.ok());
  expect_mirrored(1);
  EXPECT_TRUE(snapshot(1).roles.empty());
}

// The names of the groups users inherit licenses from are read once (reports name the
// group); a later mirror reads only groups it does not know yet, --full all of them again.
TEST_F(MirrorTest, ReadsTheNamesOfTheGroupsUsersInheritLicensesFrom) {
  add_tenant(remote_, 1, 3);  // user 0 inherits EMS from group-1
  remote_.set_group(tenant_id(1), {"group-1", "Sales Team"});
  ASSERT_TRUE(mirror().ok());
  EXPECT_EQ(snapshot(1).group_names,
            (std::map<std::string, std::string>{{"group-1", "Sales Team"}}));
  EXPECT_EQ(snapshot(1).group_label("group-1"), "Sales Team (group-1)");
  EXPECT_THAT(remote_.group_reads(tenant_id(1)), ElementsAre("group-1"));

  // Known: not read again by a delta round.
  remote_.set_group(tenant_id(1), {"group-1", "Sales Team EMEA"});
  ASSERT_TRUE(mirror().ok());
  EXPECT_THAT(remote_.group_reads(tenant_id(1)), ElementsAre("group-1"));
  EXPECT_EQ(snapshot(1).group_label("group-1"), "Sales Team (group-1)");

  // A new group is read on its own.
  User user = remote_.users(tenant_id(1))[1];
  user.license_states.push_back({kEms, "group-2", {}, "Active", "None"});
  user.assigned_licenses.push_back({kEms, {}});
  remote_.put_user(tenant_id(1), user);
  remote_.set_group(tenant_id(1), {"group-2", "Finance"});
  ASSERT_TRUE(mirror().ok());
  EXPECT_THAT(remote_.group_reads(tenant_id(1)), ElementsAre("group-1", "group-2"));

  MirrorOptions full;
  full.full = true;
  ASSERT_TRUE(mirror(full).ok());
  EXPECT_EQ(snapshot(1).group_label("group-1"), "Sales Team EMEA (group-1)");
  EXPECT_EQ(snapshot(1).group_label("group-2"), "Finance (group-2)");
}

// A group that cannot be read (deleted, no Group.Read.All, a 503) is a warning: the tenant
// is mirrored whole, and reports show the group by its id (or the name it had).
TEST_F(MirrorTest, AGroupThatCannotBeReadIsAWarningNotAFailure) {
  add_tenant(remote_, 1, 3);
  remote_.fail_group(tenant_id(1), "group-1", access_denied());
  MirrorResult r = mirror();
  EXPECT_TRUE(r.ok());
  ASSERT_EQ(r.tenants.size(), 1u);
  EXPECT_FALSE(r.tenants[0].error.has_value());
  expect_mirrored(1);
  EXPECT_TRUE(snapshot(1).group_names.empty());
  EXPECT_EQ(snapshot(1).group_label("group-1"), "group-1");

  // Read again by the next mirror, since it is still unknown.
  remote_.set_group(tenant_id(1), {"group-1", "Sales Team"});
  ASSERT_TRUE(mirror().ok());
  EXPECT_EQ(snapshot(1).group_label("group-1"), "Sales Team (group-1)");

  // A directory that cannot read groups at all (the port's default) changes nothing.
  class NoGroups : public MemoryDirectory {
   public:
    std::vector<Result<Group>> groups(const std::string& tenant,
                                      const std::vector<std::string>& ids) override {
      return Directory::groups(tenant, ids);
    }
  };
  NoGroups plain;
  add_tenant(plain, 2, 3);
  MirrorOptions full;
  full.full = true;
  MirrorResult other = mirror_tenants(plain, *cache_, full);
  EXPECT_TRUE(other.ok());
  EXPECT_EQ(snapshot(2).mirror, MirrorState::Complete);
}

TEST_F(MirrorTest, MirrorsManyTenantsInParallel) {
  constexpr int kTenants = 40;
  for (int i = 1; i <= kTenants; ++i) add_tenant(remote_, i, 5 + i % 13, i % 3);
  std::mutex mu;
  std::map<std::string, int> done;
  MirrorOptions options;
  options.concurrency = 8;
  MirrorResult r = mirror_tenants(remote_, *cache_, options, [&](const MirrorProgress& p) {
    std::lock_guard<std::mutex> lock(mu);
    if (p.phase == MirrorProgress::Phase::Done) ++done[p.tenant];
  });
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r.tenants.size(), static_cast<size_t>(kTenants));
  EXPECT_EQ(done.size(), static_cast<size_t>(kTenants));
  for (int i = 1; i <= kTenants; ++i) expect_mirrored(i);

  // And again, with changes in some of them.
  for (int i = 1; i <= kTenants; i += 4) {
    User u = remote_.users(tenant_id(i))[0];
    u.assigned_licenses.clear();
    u.license_states.clear();
    remote_.put_user(tenant_id(i), u);
  }
  ASSERT_TRUE(mirror_tenants(remote_, *cache_, options).ok());
  for (int i = 1; i <= kTenants; ++i) expect_mirrored(i);
}

// A directory that prepares tenants ahead (GraphDirectory fetches their tokens), holding
// the first reads until the tenant after them was prepared while they were under way.
class PreparingDirectory : public MemoryDirectory {
 public:
  bool prepares_ahead() const override { return true; }
  void prepare(const std::string& tenant) override {
    std::lock_guard lock(mu_);
    prepared.push_back(tenant);
    if (read.count(tenant) == 0) ahead_of_read.insert(tenant);
    changed_.notify_all();
  }
  Result<std::vector<Sku>> subscribed_skus(const std::string& tenant) override {
    {
      std::unique_lock lock(mu_);
      read.insert(tenant);
      if (read.size() <= 2 && tenant != hold_until) {  // a slow first answer
        changed_.wait_for(lock, std::chrono::seconds(10),
                          [&] { return ahead_of_read.count(hold_until) > 0; });
      }
    }
    return MemoryDirectory::subscribed_skus(tenant);
  }

  std::string hold_until;
  std::vector<std::string> prepared;
  std::set<std::string> ahead_of_read;
  std::set<std::string> read;

 private:
  std::mutex mu_;
  std::condition_variable changed_;
};

TEST_F(MirrorTest, TheNextTenantsArePreparedWhileTheCurrentOnesAreRead) {
  PreparingDirectory remote;
  for (int i = 1; i <= 10; ++i) add_tenant(remote, i, 4);
  remote.hold_until = tenant_id(3);
  MirrorOptions options;
  options.concurrency = 2;
  for (int i = 1; i <= 8; ++i) options.tenants.push_back(domain(i));
  MirrorResult r = mirror_tenants(remote, *cache_, options);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(remote.ahead_of_read.count(tenant_id(3)))
      << "the third tenant was prepared while the first two were read";
  std::set<std::string> once(remote.prepared.begin(), remote.prepared.end());
  EXPECT_EQ(once.size(), remote.prepared.size()) << "none twice";
  EXPECT_FALSE(once.count(tenant_id(9)) || once.count(tenant_id(10))) << "only tenants in scope";
  for (const auto& t : r.tenants) EXPECT_TRUE(t.ok()) << t.tenant.default_domain_name;
}

TEST_F(MirrorTest, SelectsTenantsByIdOrDomainAndReportsUnknownOnes) {
  add_tenant(remote_, 1, 3);
  add_tenant(remote_, 2, 3);
  add_tenant(remote_, 3, 3);
  MirrorOptions options;
  options.tenants = {"TENANT0003.onmicrosoft.com", "nope.onmicrosoft.com", tenant_id(1), domain(1)};
  MirrorResult r = mirror(options);
  EXPECT_FALSE(r.ok());
  ASSERT_EQ(r.tenants.size(), 3u);  // tenant 1 named twice, mirrored once
  EXPECT_EQ(r.tenants[0].tenant.id, tenant_id(3));
  EXPECT_TRUE(r.tenants[0].ok());
  EXPECT_EQ(r.tenants[1].requested, "nope.onmicrosoft.com");
  EXPECT_EQ(r.tenants[1].error->kind, ErrorKind::NotFound);
  EXPECT_EQ(r.tenants[1].error->message,
            "tenant nope.onmicrosoft.com is not among the partner's customer tenants");
  EXPECT_TRUE(r.tenants[2].ok());
  expect_mirrored(1);
  expect_mirrored(3);
  // Out of scope: not read, but listed as a customer never read (not an unknown tenant).
  ASSERT_TRUE(cache_->find_tenant(tenant_id(2)).ok());
  auto never = cache_->sync_state(tenant_id(2));
  ASSERT_TRUE(never.ok());
  EXPECT_EQ(never->outcome, MirrorState::Never);
}

TEST_F(MirrorTest, ATenantListFailureFailsTheWholeMirror) {
  add_tenant(remote_, 1, 3);
  remote_.fail_customer_tenants(
      make_error(ErrorKind::Auth, "bad token", "InvalidAuthenticationToken"));
  MirrorResult r = mirror();
  EXPECT_FALSE(r.ok());
  ASSERT_TRUE(r.error.has_value());
  EXPECT_EQ(r.error->code, "InvalidAuthenticationToken");
  EXPECT_TRUE(r.tenants.empty());
}

// Memory stays bounded: each page is in the cache (committed, visible to another
// connection) before the next page is produced, and no more than one page is ever in
// the mirror's hands. Structural, not timed.
TEST_F(MirrorTest, StreamsOnePageAtATimeIntoTheCache) {
  add_tenant(remote_, 1, 4 * 10);  // 10 pages of 4
  std::vector<int> users_after_page;
  remote_.set_page_observer([&](const std::string& tenant, int page) {
    auto counts = cache_->counts(tenant);  // the read connection: committed data only
    ASSERT_TRUE(counts.ok());
    users_after_page.push_back(counts->users);
    EXPECT_EQ(counts->users, page * 4);
  });
  ASSERT_TRUE(mirror().ok());
  EXPECT_EQ(users_after_page.size(), 10u);
  EXPECT_EQ(remote_.max_pages_in_flight(), 1);
}

}  // namespace mirror_test
}  // namespace tenantsync
