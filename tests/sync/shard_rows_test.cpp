// The cache's shard (schema v8): claimed by the first writer, refused to any other shard;
// the partner's contracts answer which tenant a name means, for every shard alike.
#include "sync/store/shard_rows.h"

#include <cctype>

#include <gtest/gtest.h>

#include "sync/log.h"
#include "sync/store/cache.h"
#include "tests/sync/memory_directory.h"

namespace tenantsync {
namespace shard_rows_test {

const Tenant kContoso =
    make_tenant("11111111-0000-0000-0000-000000000001", "contoso.onmicrosoft.com");
const Tenant kFabrikam =
    make_tenant("22222222-0000-0000-0000-000000000002", "fabrikam.onmicrosoft.com");

class ShardRowsTest : public ::testing::Test {
 protected:
  void SetUp() override { configure_logging(LogLevel::Error, false); }
  std::unique_ptr<Cache> open() {
    auto c = Cache::open(path_, clock_);
    EXPECT_TRUE(c.ok()) << (c.ok() ? "" : c.error().describe());
    return c.ok() ? std::move(c).value() : nullptr;
  }
  TempDir dir_;
  std::string path_ = dir_.file("tenantsync.db");
  FakeClock clock_;
};

TEST_F(ShardRowsTest, TheFirstWriterClaimsTheCacheAndAnotherShardIsRefused) {
  auto cache = open();
  ASSERT_TRUE(cache->shards().check(Shard{1, 4}).ok()) << "an unclaimed cache suits anyone";
  EXPECT_FALSE(*cache->shards().claimed());
  ASSERT_TRUE(cache->shards().claim(Shard{1, 4}).ok());
  EXPECT_EQ(*cache->shards().claimed(), "1/4");
  EXPECT_TRUE(cache->shards().claim(Shard{1, 4}).ok());

  cache.reset();
  cache = open();
  Status other = cache->shards().claim(Shard{2, 4});
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.error().code, "wrong-shard");
  EXPECT_EQ(other.error().message,
            "cache " + path_ +
                " holds shard 1/4, and this command runs as shard 2/4: each shard needs a cache "
                "of its own (config `cache`); start this one with a new cache file");
  Status all = cache->shards().check(std::nullopt);
  ASSERT_FALSE(all.ok());
  EXPECT_NE(all.error().message.find("runs as every tenant (no shard)"), std::string::npos);
  EXPECT_EQ(*cache->shards().claimed(), "1/4") << "a refusal changes nothing";
}

TEST_F(ShardRowsTest, ACacheWithTenantsAndNoShardHoldsEveryTenant) {
  auto cache = open();
  ASSERT_TRUE(cache->upsert_tenants({kContoso}).ok());
  EXPECT_EQ(*cache->shards().claimed(), "");
  EXPECT_FALSE(cache->shards().claim(Shard{0, 2}).ok());
  EXPECT_TRUE(cache->shards().claim(std::nullopt).ok());
}

// Proves: recording the list a round finds (every round records it) keeps it as it was when
// it is the same, and otherwise leaves exactly the new list: a domain that moved, a tenant
// listed twice as its last listing spells it, and that spelling replaced again.
TEST_F(ShardRowsTest, ContractsRecordedAgainAreTheLastListExactly) {
  auto cache = open();
  ASSERT_TRUE(cache->shards().record_contracts({kContoso, kFabrikam}).ok());
  ASSERT_TRUE(cache->shards().record_contracts({kContoso, kFabrikam}).ok());
  EXPECT_EQ(*cache->shards().contract_id(kContoso.default_domain_name), kContoso.id);
  EXPECT_EQ(*cache->shards().contract_id(kFabrikam.id), kFabrikam.id);

  Tenant moved = kContoso;
  moved.default_domain_name = "contoso.example";
  ASSERT_TRUE(cache->shards().record_contracts({moved, kFabrikam}).ok());
  EXPECT_EQ(*cache->shards().contract_id("contoso.example"), kContoso.id);
  EXPECT_EQ(*cache->shards().contract_id(kContoso.default_domain_name), "");

  const Tenant acme = make_tenant("aaaaaaaa-0000-0000-0000-00000000000a", "acme.onmicrosoft.com");
  Tenant shouted = acme;
  for (char& c : shouted.id) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  ASSERT_TRUE(cache->shards().record_contracts({acme, kFabrikam, shouted}).ok());
  EXPECT_EQ(*cache->shards().contract_id(acme.default_domain_name), shouted.id);
  ASSERT_TRUE(cache->shards().record_contracts({acme, kFabrikam}).ok());
  EXPECT_EQ(*cache->shards().contract_id(acme.default_domain_name), acme.id);
  EXPECT_EQ(*cache->shards().contract_id("contoso.example"), "");
  ASSERT_TRUE(cache->shards().record_contracts({acme}).ok());
  EXPECT_EQ(*cache->shards().contract_id(kFabrikam.id), "");
}

TEST_F(ShardRowsTest, ContractsNameTenantsByIdOrDomainInAnyCase) {
  auto cache = open();
  Status recorded = cache->shards().record_contracts({kContoso, kFabrikam});
  ASSERT_TRUE(recorded.ok()) << recorded.error().describe();
  EXPECT_EQ(*cache->shards().contract_id("CONTOSO.onmicrosoft.com"), kContoso.id);
  EXPECT_EQ(*cache->shards().contract_id(kFabrikam.id), kFabrikam.id);
  EXPECT_EQ(*cache->shards().contract_id("nowhere.example"), "");
  ASSERT_TRUE(cache->shards().record_contracts({kFabrikam}).ok());
  EXPECT_EQ(*cache->shards().contract_id(kContoso.id), "") << "the list is replaced";

  // A name resolves to its contract's id: the shard that owns that id owns the name.
  for (int n : {2, 3, 5}) {
    for (int k = 0; k < n; ++k) {
      Shard s{k, n};
      EXPECT_EQ(*shard_owner(s, cache->shards(), "fabrikam.onmicrosoft.com"),
                s.owner_of(kFabrikam.id));
      EXPECT_EQ(*shard_owner(s, cache->shards(), "nowhere.example"), s.owner_of("nowhere.example"));
    }
  }
}

}  // namespace shard_rows_test
}  // namespace tenantsync
