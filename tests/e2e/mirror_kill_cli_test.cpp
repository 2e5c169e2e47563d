// kill -9 at any moment of a delta mirror (issue #19 wrote a round that comes whole with
// the tenant's lists in one transaction): whatever the moment, each tenant's cache is
// - its state before the mirror, with its old delta link;
// - or its state after it, with a new link, marked complete;
// - or, for a round of several pages cut short, stale with its old link (never complete);
// never half a round taken for complete. The next mirror brings every tenant to the state
// a mirror that was never killed reaches.
#include <signal.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "sync/clock.h"
#include "sync/store/cache.h"
#include "tests/e2e/background_program.h"
#include "tests/e2e/cli_fixture.h"

namespace tenantsync::test {
namespace mirror_kill_cli_test {

constexpr int kTrials = 16;

struct TenantState {
  std::string domain;
  std::vector<User> users;
  std::vector<User> deleted_users;
  MirrorState mirror = MirrorState::Never;
  std::string delta_link;
};

// Every tenant of the cache at `path` (closed), by id.
std::map<std::string, TenantState> read_cache(const std::string& path) {
  FakeClock clock;
  auto cache = Cache::open(path, clock);
  EXPECT_TRUE(cache.ok()) << cache.error().describe();
  if (!cache.ok()) return {};
  EXPECT_EQ((*cache)->moved_aside_to(), "") << "a killed mirror left a damaged cache";
  std::map<std::string, TenantState> out;
  auto tenants = (*cache)->tenants();
  EXPECT_TRUE(tenants.ok());
  if (!tenants.ok()) return out;
  for (const auto& t : *tenants) {
    auto snapshot = (*cache)->load_snapshot(t.tenant.id);
    EXPECT_TRUE(snapshot.ok()) << t.tenant.id;
    if (!snapshot.ok()) continue;
    out[t.tenant.id] = {t.tenant.default_domain_name, snapshot->users, snapshot->deleted_users,
                        t.state.outcome, t.state.delta_link};
  }
  return out;
}

void copy_cache(const std::string& from, const std::string& to) {
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(to + suffix);
  std::filesystem::copy_file(from, to);
  if (std::filesystem::exists(from + "-wal"))
    std::filesystem::copy_file(from + "-wal", to + "-wal");
}

// Toggles the first SKU of `count` users of the tenant, out of band (the fake's control
// endpoint), so that the next delta round brings them.
void change_users(FakeGraphProcess& fake, const std::string& tenant, const TenantState& state,
                  const std::string& sku, int count) {
  for (int i = 0; i < count && i < static_cast<int>(state.users.size()); ++i) {
    const User& u = state.users[static_cast<size_t>(i)];
    nlohmann::json licenses = nlohmann::json::array();
    bool held = false;
    for (const auto& l : u.assigned_licenses) {
      if (!u.has_direct_license(l.sku_id)) continue;
      if (l.sku_id == sku) {
        held = true;
        continue;
      }
      licenses.push_back({{"skuId", l.sku_id}, {"disabledPlans", l.disabled_plans}});
    }
    if (!held) licenses.push_back({{"skuId", sku}, {"disabledPlans", nlohmann::json::array()}});
    fake.set_licenses(tenant, u.id, licenses);
  }
}

TEST(MirrorKillCliTest, AKilledMirrorLeavesEachTenantAsBeforeAsAfterOrStale) {
  CliFixture f({"--generate", "tenants=6,users=500,skus=3,seed=5"}, "generated-secret");
  const std::string base = f.dir().file("base.db");
  const std::string after = f.dir().file("after.db");
  const std::string work = f.dir().file("work.db");
  auto use_cache = [&](const std::string& path) {
    f.write_config({{"cache", path}, {"remote", {{"concurrency", 2}}}});
  };
  use_cache(base);
  auto full = f.run({"mirror", "--full", "--no-progress"});
  ASSERT_EQ(full.exit_code, 0) << full.err;
  const std::map<std::string, TenantState> before = read_cache(base);
  ASSERT_EQ(before.size(), 6u);

  // A few changed users in each tenant (a round that comes whole with the lists), and
  // 450 in the first the mirror reads (by domain), so that early kills land in its round
  // of five pages of 100: four more requests of 20 ms each. With two pages, the round was
  // about as long as the time between two kills, and all sixteen could miss it.
  std::string paged = before.begin()->first;
  for (const auto& [id, state] : before) {
    if (state.domain < before.at(paged).domain) paged = id;
  }
  for (const auto& [id, state] : before) {
    FakeClock clock;
    auto cache = Cache::open(base, clock);
    ASSERT_TRUE(cache.ok());
    auto snapshot = (*cache)->load_snapshot(id);
    ASSERT_TRUE(snapshot.ok());
    ASSERT_FALSE(snapshot->skus.empty());
    change_users(f.fake(), id, state, snapshot->skus.front().sku_id, id == paged ? 450 : 3);
  }

  // Where a mirror that is never killed ends.
  copy_cache(base, after);
  use_cache(after);
  auto quiet = f.run({"mirror", "--no-progress"});
  ASSERT_EQ(quiet.exit_code, 0) << quiet.err;
  const std::map<std::string, TenantState> expected = read_cache(after);
  for (const auto& [id, state] : expected) {
    ASSERT_FALSE(state.users == before.at(id).users) << id << ": the change did not show";
  }

  // How long the mirror takes with 20 ms a request, so the kills spread over all of it.
  use_cache(work);
  copy_cache(base, work);
  f.fake().set_faults({{"latencyMs", 20}});
  const auto started = std::chrono::steady_clock::now();
  auto timed = f.run({"mirror", "--no-progress"});
  const auto took = std::chrono::steady_clock::now() - started;
  ASSERT_EQ(timed.exit_code, 0) << timed.err;

  int killed = 0, complete_new = 0, stale = 0;
  for (int trial = 0; trial < kTrials; ++trial) {
    SCOPED_TRACE("trial " + std::to_string(trial));
    copy_cache(base, work);
    f.fake().set_faults({{"latencyMs", 20}});
    BackgroundProgram mirror(
        TENANTSYNC_BIN, {"--config", f.config_path(), "mirror", "--no-progress"}, f.environment(),
        f.dir().file("mirror.out"), f.dir().file("mirror.err"));
    std::this_thread::sleep_for(took * (2 * trial + 1) / (2 * kTrials));
    if (mirror.running()) {
      mirror.kill_and_wait(SIGKILL);
      ++killed;
    }
    f.fake().set_faults(nlohmann::json::object());

    for (const auto& [id, now] : read_cache(work)) {
      SCOPED_TRACE(id);
      const TenantState& old = before.at(id);
      const TenantState& next = expected.at(id);
      const bool moved = now.delta_link != old.delta_link;
      if (moved) {
        EXPECT_EQ(now.mirror, MirrorState::Complete) << "the link moves only with the whole read";
        EXPECT_TRUE(now.users == next.users) << "a moved link with other users than its round's";
        EXPECT_TRUE(now.deleted_users == next.deleted_users);
        ++complete_new;
      } else if (now.mirror == MirrorState::Complete) {
        EXPECT_TRUE(now.users == old.users) << "complete with the old link: the old users";
        EXPECT_TRUE(now.deleted_users == old.deleted_users);
      } else {
        EXPECT_EQ(now.mirror, MirrorState::Stale);
        ++stale;
      }
    }

    // The next mirror converges.
    auto again = f.run({"mirror", "--no-progress"});
    ASSERT_EQ(again.exit_code, 0) << again.err;
    for (const auto& [id, now] : read_cache(work)) {
      EXPECT_EQ(now.mirror, MirrorState::Complete) << id;
      EXPECT_TRUE(now.users == expected.at(id).users) << id;
      EXPECT_TRUE(now.deleted_users == expected.at(id).deleted_users) << id;
    }
  }
  // The kills landed before, inside and after the tenants' rounds.
  EXPECT_GE(killed, kTrials / 4) << "the mirror took "
                                 << std::chrono::duration<double>(took).count() << " s";
  EXPECT_GT(complete_new, 0) << "no kill came after a tenant's round";
  EXPECT_GT(stale, 0) << "no kill came inside the round of pages";
}

}  // namespace mirror_kill_cli_test
}  // namespace tenantsync::test
