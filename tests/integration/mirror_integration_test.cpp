// The mirror over loopback HTTP against fake-graph (issue #5): the cache after a full
// read equals the service's own state, delta reads pick up what others changed, an
// expired delta link falls back to a full read, a read that fails part way keeps the
// last complete state (and the planner then refuses revocations), an unchanged remote
// writes nothing, and the tenants in scope come from "all" or a list.
#include <gtest/gtest.h>

#include <atomic>
#include <functional>

#include "model/config.h"
#include "sync/plan/service_rules.h"
#include "tests/integration/cache_rows.h"
#include "tests/integration/engine_harness.h"
#include "tests/integration/mirror_comparison.h"
#include "tests/integration/other_client.h"
#include "tests/integration/page_hook_directory.h"

namespace tenantsync::test {
namespace mirror_integration_test {

using nlohmann::json;

const std::string kContoso = "contoso.onmicrosoft.com";
const std::string kFabrikam = "fabrikam.onmicrosoft.com";
const std::string kNorthwind = "northwind.onmicrosoft.com";
const std::string kSpeE3 = "05e9a617-0261-4cee-bb44-138d3ef5d965";
const std::string kEms = "efccb6f7-5641-4e0e-bd10-b4976e1bf68e";
const std::string kYammer = "7547a3fe-08ee-4ccb-b430-5077c5041653";

const User* find_user(const std::vector<User>& users, const std::string& upn) {
  for (const auto& u : users) {
    if (u.user_principal_name == upn) return &u;
  }
  return nullptr;
}

std::string upn(const std::string& name) { return name + "@" + kContoso; }

// Every tenant of the mirror: the cache equals GET /_fake/state/{tenant}.
void expect_cache_equals_service(EngineHarness& h, const MirrorResult& result) {
  for (const auto& t : result.tenants) {
    ASSERT_TRUE(t.ok()) << t.requested << ": " << t.error->describe();
    TenantSnapshot snapshot = h.snapshot(t.tenant.id);
    EXPECT_EQ(snapshot.mirror, MirrorState::Complete) << t.requested;
    json state = h.fake().state(t.tenant.default_domain_name);
    auto differences = mirror_differences(snapshot, state);
    EXPECT_TRUE(differences.empty()) << t.requested << ":\n" << join_lines(differences);
    EXPECT_EQ(t.users, static_cast<int>(state["users"].size())) << t.requested;
    EXPECT_EQ(t.deleted_users, static_cast<int>(state["deletedUsers"].size())) << t.requested;
    EXPECT_EQ(t.skus, static_cast<int>(state["skus"].size())) << t.requested;
  }
}

TEST(MirrorIntegrationTest, FullMirrorOfTheDemoEqualsTheServiceForEveryTenant) {
  EngineHarness h(demo_estate());
  h.fake().reset_stats();
  MirrorResult result = h.mirror();
  ASSERT_TRUE(result.ok());
  ASSERT_EQ(result.tenants.size(), 3u);
  for (const auto& t : result.tenants) EXPECT_EQ(t.kind, ReadKind::Full) << t.requested;
  expect_cache_equals_service(h, result);
  // A tenant's SKUs and domains come in one $batch, and after the users its deleted users
  // with the names of the groups it licenses through in another (two of the demo's
  // tenants inherit from a group; the third reads its deleted users alone); nothing is
  // read twice.
  json stats = h.fake().stats();
  EXPECT_EQ(stats["batches"], 3 + 2) << stats.dump();
  EXPECT_EQ(stats["requests"]["GET /v1.0/directory/deletedItems/microsoft.graph.user"]["200"], 3)
      << stats.dump();
  EXPECT_EQ(stats["requests"]["GET /v1.0/groups/{id}"]["200"], 2) << stats.dump();
  EXPECT_EQ(stats["requests"]["GET /v1.0/subscribedSkus"]["200"], 3) << stats.dump();
  EXPECT_EQ(stats["requests"]["GET /v1.0/domains"]["200"], 3) << stats.dump();

  // The demo's particular cases are there, not only equal: a disabled plan, a license
  // inherited from a group, a soft-deleted user with its licenses and deletion time.
  TenantSnapshot contoso = h.snapshot(kContoso);
  const User* adele = find_user(contoso.users, upn("adele.vance"));
  ASSERT_NE(adele, nullptr);
  ASSERT_NE(adele->find_license(kSpeE3), nullptr);
  EXPECT_EQ(adele->find_license(kSpeE3)->disabled_plans, std::vector<std::string>{kYammer});
  const User* christie = find_user(contoso.users, upn("christie.cline"));
  ASSERT_NE(christie, nullptr);
  EXPECT_TRUE(christie->inheriting_group(kEms).has_value());
  EXPECT_FALSE(christie->has_direct_license(kEms));
  const User* cameron = find_user(contoso.deleted_users, upn("cameron.white"));
  ASSERT_NE(cameron, nullptr);
  EXPECT_EQ(cameron->deleted_date_time.value_or(""), "2026-11-10T09:30:00Z");
  EXPECT_NE(cameron->find_license(kEms), nullptr);
}

TEST(MirrorIntegrationTest, FullMirrorOfAGeneratedEstateReadsEveryPage) {
  // 200 users a tenant: the delta round comes in pages of 100. This seed has soft-deleted
  // users who held a license through a group.
  EngineHarness h(generated_estate(3, 200, 6, 1));
  MirrorResult result = h.mirror();
  ASSERT_TRUE(result.ok());
  ASSERT_EQ(result.tenants.size(), 3u);
  int deleted_with_group_license = 0;
  for (const auto& t : result.tenants) {
    json state = h.fake().state(t.tenant.id);
    for (const auto& u : state["deletedUsers"]) {
      deleted_with_group_license += u["groupLicenses"].empty() ? 0 : 1;
    }
  }
  EXPECT_GT(deleted_with_group_license, 0);
  expect_cache_equals_service(h, result);
}

TEST(MirrorIntegrationTest, DeltaPicksUpLicenseChangesDeletionsAndRestoresByOthers) {
  EngineHarness h(demo_estate());
  ASSERT_TRUE(h.mirror().ok());
  TenantSnapshot before = h.snapshot(kContoso);
  const User* megan = find_user(before.users, upn("megan.bowen"));
  const User* alex = find_user(before.users, upn("alex.wilber"));
  const User* cameron = find_user(before.deleted_users, upn("cameron.white"));
  const User* joni = find_user(before.users, upn("joni.sherman"));
  ASSERT_TRUE(megan && alex && cameron && joni);

  // Someone else: a license change through the fake's control endpoint (no rules), and a
  // license change, a deletion and a restore through Graph with their own token.
  h.fake().set_licenses(kContoso, megan->id,
                        json::array({{{"skuId", kSpeE3}, {"disabledPlans", {kYammer}}},
                                     {{"skuId", kEms}, {"disabledPlans", json::array()}}}));
  OtherClient other(h, kContoso);
  other.assign_license(joni->id, json::array(), json::array({kEms}));
  other.delete_user(alex->id);
  other.restore_user(cameron->id);

  MirrorResult result = h.mirror();
  ASSERT_TRUE(result.ok());
  for (const auto& t : result.tenants) {
    EXPECT_EQ(t.kind, ReadKind::Delta) << t.requested;
    EXPECT_FALSE(t.resynced) << t.requested;
  }
  expect_cache_equals_service(h, result);

  TenantSnapshot after = h.snapshot(kContoso);
  const User* megan_after = find_user(after.users, megan->user_principal_name);
  ASSERT_NE(megan_after, nullptr);
  ASSERT_NE(megan_after->find_license(kEms), nullptr);
  EXPECT_EQ(megan_after->find_license(kSpeE3)->disabled_plans, std::vector<std::string>{kYammer});
  const User* joni_after = find_user(after.users, joni->user_principal_name);
  ASSERT_NE(joni_after, nullptr);
  EXPECT_EQ(joni_after->find_license(kEms), nullptr);
  EXPECT_EQ(find_user(after.users, alex->user_principal_name), nullptr);
  const User* alex_deleted = find_user(after.deleted_users, alex->user_principal_name);
  ASSERT_NE(alex_deleted, nullptr);
  EXPECT_TRUE(alex_deleted->deleted_date_time.has_value());
  EXPECT_EQ(alex_deleted->assigned_licenses.size(), alex->assigned_licenses.size());
  const User* cameron_back = find_user(after.users, cameron->user_principal_name);
  ASSERT_NE(cameron_back, nullptr);
  EXPECT_NE(cameron_back->find_license(kSpeE3), nullptr);
  EXPECT_EQ(find_user(after.deleted_users, cameron->user_principal_name), nullptr);
}

TEST(MirrorIntegrationTest, ExpiredDeltaLinkLeadsToAFullReadByItself) {
  EngineHarness h(demo_estate());
  ASSERT_TRUE(h.mirror().ok());
  auto before = h.cache().sync_state(kContoso);
  ASSERT_TRUE(before.ok());
  TenantSnapshot contoso = h.snapshot(kContoso);
  const User* megan = find_user(contoso.users, upn("megan.bowen"));
  ASSERT_NE(megan, nullptr);
  h.fake().set_licenses(kContoso, megan->id, json::array());

  h.fake().advance_clock(8 * 24 * 3600);  // delta links live 7 days of the fake's clock
  MirrorResult result = h.mirror();
  ASSERT_TRUE(result.ok());
  for (const auto& t : result.tenants) {
    EXPECT_TRUE(t.resynced) << t.requested;
    EXPECT_EQ(t.kind, ReadKind::Full) << t.requested;
  }
  expect_cache_equals_service(h, result);
  auto after = h.cache().sync_state(kContoso);
  ASSERT_TRUE(after.ok());
  EXPECT_NE(after->delta_link, before->delta_link);
  EXPECT_EQ(after->outcome, MirrorState::Complete);

  // The new link works: the next mirror is a delta again.
  MirrorResult next = h.mirror();
  ASSERT_TRUE(next.ok());
  for (const auto& t : next.tenants) EXPECT_EQ(t.kind, ReadKind::Delta) << t.requested;
}

TEST(MirrorIntegrationTest, ReadFailingMidWayKeepsTheLastCompleteStateAndBlocksRevocations) {
  // 2,500 users: three pages of 999 in a full read; the service starts refusing after the
  // first. Throttling is not an attempt: a 1 s throttle deadline is what ends the read.
  EngineHarness h(generated_estate(1, 2500, 4, 5), HarnessOptions{6, 8, std::chrono::seconds(1)});
  const std::string tenant = "tenant0001.onmicrosoft.com";
  ASSERT_TRUE(h.mirror().ok());
  TenantSnapshot complete = h.snapshot(tenant);
  std::string rows = mirrored_rows(h.cache().path());

  // Changes the failed read would have brought: a user gone, another one's licenses.
  OtherClient other(h, tenant);
  other.delete_user(complete.users.front().id);
  h.fake().set_licenses(tenant, complete.users.back().id, json::array());

  std::atomic<int> pages{0};
  PageHookDirectory failing(h.directory(), [&](int page) {
    pages = page;
    // Every request from now on is throttled (Retry-After 1 ms) until the deadline.
    if (page == 1) h.fake().set_faults({{"throttleRate", 1.0}, {"retryAfterSeconds", 0.001}});
  });
  MirrorOptions options;
  options.full = true;
  MirrorResult result = mirror_tenants(failing, h.cache(), options);
  h.fake().set_faults(json::object());
  EXPECT_EQ(pages.load(), 1);
  ASSERT_EQ(result.tenants.size(), 1u);
  ASSERT_FALSE(result.tenants[0].ok());
  EXPECT_EQ(result.tenants[0].error->kind, ErrorKind::Throttled)
      << result.tenants[0].error->describe();

  // The last complete state, untouched, now marked stale with the error.
  TenantSnapshot kept = h.snapshot(tenant);
  EXPECT_EQ(kept.users, complete.users);
  EXPECT_EQ(kept.deleted_users, complete.deleted_users);
  EXPECT_EQ(kept.mirror, MirrorState::Stale);
  EXPECT_NE(kept.stale_reason.find(result.tenants[0].error->message), std::string::npos)
      << kept.stale_reason;
  auto state = h.cache().sync_state(tenant);
  ASSERT_TRUE(state.ok());
  EXPECT_EQ(state->outcome, MirrorState::Stale);
  EXPECT_FALSE(state->error.empty());

  // The planner refuses to revoke anything from the stale tenant, and says why.
  DesiredState desired = parse_desired(R"({"version": 1, "tenants": [{"tenant": ")" + tenant +
                                       R"(", "managedSkus": ["SPE_E3"], "unlisted": "revoke"}]})");
  auto built = h.plan(desired);
  ASSERT_TRUE(built.ok()) << built.error().describe();
  int revocations = 0;
  for (const auto& op : built->plan.tenants.at(0).operations) {
    if (op.op != OpKind::Revoke) continue;
    ++revocations;
    EXPECT_EQ(op.status, OpStatus::Blocked) << op.user;
    EXPECT_NE(op.reason.find("stale"), std::string::npos) << op.reason;
    EXPECT_NE(op.reason.find(result.tenants[0].error->message), std::string::npos) << op.reason;
  }
  EXPECT_GT(revocations, 100);

  // The next complete read brings the changes and clears the mark.
  MirrorResult healed = h.mirror({}, /*full=*/true);
  ASSERT_TRUE(healed.ok());
  expect_cache_equals_service(h, healed);
  EXPECT_NE(mirrored_rows(h.cache().path()), rows);
}

TEST(MirrorIntegrationTest, SecondMirrorWithoutRemoteChangesWritesNothing) {
  EngineHarness h(demo_estate());
  MirrorResult first = h.mirror();
  ASSERT_TRUE(first.ok());
  std::vector<std::string> ids;
  for (const auto& t : first.tenants) ids.push_back(t.tenant.id);
  auto fingerprint = h.cache().fingerprint(ids);
  ASSERT_TRUE(fingerprint.ok());
  std::vector<std::int64_t> versions;
  for (const auto& id : ids) versions.push_back(h.cache().sync_state(id)->state_version);
  std::string rows = mirrored_rows(h.cache().path());

  for (bool full : {false, true}) {
    MirrorResult again = h.mirror({}, full);
    ASSERT_TRUE(again.ok());
    for (const auto& t : again.tenants) {
      EXPECT_EQ(t.kind, full ? ReadKind::Full : ReadKind::Delta) << t.requested;
    }
    EXPECT_EQ(*h.cache().fingerprint(ids), *fingerprint) << (full ? "full" : "delta");
    for (size_t i = 0; i < ids.size(); ++i) {
      EXPECT_EQ(h.cache().sync_state(ids[i])->state_version, versions[i]) << ids[i];
    }
    EXPECT_EQ(mirrored_rows(h.cache().path()), rows) << (full ? "full" : "delta");
  }

  // The same check can see a change: one license changed by someone else.
  TenantSnapshot contoso = h.snapshot(kContoso);
  const User* megan = find_user(contoso.users, upn("megan.bowen"));
  ASSERT_NE(megan, nullptr);
  h.fake().set_licenses(kContoso, megan->id, json::array());
  ASSERT_TRUE(h.mirror().ok());
  EXPECT_NE(*h.cache().fingerprint(ids), *fingerprint);
  EXPECT_NE(mirrored_rows(h.cache().path()), rows);
}

// The config's "tenants" as the CLI reads it: "all" or a list of domains and ids.
std::vector<std::string> tenants_from_config(const std::string& tenants_json) {
  auto config = parse_config(R"({"remote": {"clientId": "11111111-1111-1111-1111-111111111111",
                                            "clientSecretEnv": "TENANTSYNC_INTEGRATION_SECRET"},
                                 "tenants": )" +
                                 tenants_json + "}",
                             "tenantsync.json");
  if (!config.ok()) throw std::runtime_error(config.error().describe());
  return config->tenants.value_or(std::vector<std::string>{});
}

TEST(MirrorIntegrationTest, TenantsAllMirrorsEveryCustomerFromContracts) {
  EngineHarness h(demo_estate());
  MirrorResult result = h.mirror(tenants_from_config(R"("all")"));
  ASSERT_TRUE(result.ok());
  std::vector<std::string> mirrored;
  for (const auto& t : result.tenants) mirrored.push_back(t.tenant.default_domain_name);
  EXPECT_EQ(mirrored, (std::vector<std::string>{kContoso, kFabrikam, kNorthwind}));
  auto cached = h.cache().tenants();
  ASSERT_TRUE(cached.ok());
  EXPECT_EQ(cached->size(), 3u);
  for (const auto& c : *cached) EXPECT_EQ(c.state.outcome, MirrorState::Complete);
}

TEST(MirrorIntegrationTest, TenantsListMirrorsOnlyThoseAndReportsUnknownOnes) {
  EngineHarness h(demo_estate());
  std::string northwind_id = h.fake().state(kNorthwind)["id"].get<std::string>();
  MirrorResult result = h.mirror(tenants_from_config(
      R"(["FABRIKAM.onmicrosoft.com", ")" + northwind_id + R"(", "nowhere.onmicrosoft.com"])"));
  ASSERT_FALSE(result.error.has_value());
  ASSERT_EQ(result.tenants.size(), 3u);
  EXPECT_EQ(result.failed(), 1);
  EXPECT_EQ(result.tenants[0].tenant.default_domain_name, kFabrikam);
  EXPECT_TRUE(result.tenants[0].ok());
  EXPECT_EQ(result.tenants[1].tenant.default_domain_name, kNorthwind);
  EXPECT_TRUE(result.tenants[1].ok());
  ASSERT_FALSE(result.tenants[2].ok());
  EXPECT_NE(result.tenants[2].error->message.find("nowhere.onmicrosoft.com"), std::string::npos);

  auto cached = h.cache().tenants();
  ASSERT_TRUE(cached.ok());
  std::set<std::string> domains;
  for (const auto& c : *cached) domains.insert(c.tenant.default_domain_name);
  // Contoso, a customer not asked for, is listed but never read.
  EXPECT_EQ(domains, (std::set<std::string>{kContoso, kFabrikam, kNorthwind}));
  for (const auto& c : *cached) {
    EXPECT_EQ(c.state.outcome,
              c.tenant.default_domain_name == kContoso ? MirrorState::Never : MirrorState::Complete)
        << c.tenant.default_domain_name;
  }
  MirrorResult both{std::nullopt, {result.tenants[0], result.tenants[1]}};
  expect_cache_equals_service(h, both);
}

}  // namespace mirror_integration_test
}  // namespace tenantsync::test
