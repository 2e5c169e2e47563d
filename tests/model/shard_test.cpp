#include "model/shard.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <vector>

namespace tenantsync {
namespace shard_test {

Shard make_shard(int index, int count) { return Shard{index, count}; }

std::vector<std::string> tenant_ids(int n) {
  std::vector<std::string> ids;
  for (int i = 0; i < n; ++i) {
    char id[40];
    std::snprintf(id, sizeof id, "%08x-0000-4000-8000-%012x", i * 2654435761u, i);
    ids.push_back(id);
  }
  return ids;
}

TEST(ShardTest, EveryTenantHasExactlyOneShardAndTheShardsAreBalanced) {
  const auto ids = tenant_ids(4000);
  for (int n : {1, 2, 3, 4, 8}) {
    std::vector<int> owned(n, 0);
    for (const auto& id : ids) {
      int owners = 0;
      for (int k = 0; k < n; ++k) owners += make_shard(k, n).owns(id) ? 1 : 0;
      ASSERT_EQ(owners, 1) << id << " with N=" << n;
      ++owned[make_shard(0, n).owner_of(id)];
    }
    for (int k = 0; k < n; ++k) {
      EXPECT_GT(owned[k], 4000 / n * 8 / 10) << "shard " << k << "/" << n;
      EXPECT_LT(owned[k], 4000 / n * 12 / 10) << "shard " << k << "/" << n;
    }
  }
}

TEST(ShardTest, GoingFromNToNPlusOneMovesAboutOneInNPlusOneAndOnlyToTheNewShard) {
  const auto ids = tenant_ids(4000);
  for (int n = 1; n <= 8; ++n) {
    int moved = 0;
    for (const auto& id : ids) {
      int before = make_shard(0, n).owner_of(id);
      int after = Shard{0, n + 1}.owner_of(id);
      if (before != after) {
        ++moved;
        EXPECT_EQ(after, n) << id << " moved between old shards";
      }
    }
    EXPECT_LE(moved, 1.5 * 4000 / (n + 1)) << n << " -> " << n + 1;
    EXPECT_GT(moved, 0.5 * 4000 / (n + 1)) << n << " -> " << n + 1;
  }
}

TEST(ShardTest, ThePartitionIsFixedAndIgnoresCase) {
  // Pinned: a build that changed the function would move tenants between running shards.
  const std::string id = "0f9d3a86-1b2c-4d5e-8f70-112233445566";
  std::vector<int> owners;
  for (int n : {2, 3, 4, 5, 16}) owners.push_back(make_shard(0, n).owner_of(id));
  EXPECT_EQ(owners, (std::vector<int>{0, 0, 0, 0, 12}));
  std::string upper = id;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  EXPECT_EQ(make_shard(0, 16).owner_of(upper), make_shard(0, 16).owner_of(id));
  EXPECT_EQ(make_shard(0, 1).owner_of(id), 0);
}

TEST(ShardTest, ParsesKSlashNAndNamesWhatIsWrong) {
  auto s = parse_shard("2/4");
  ASSERT_TRUE(s);
  EXPECT_EQ(*s, make_shard(2, 4));
  EXPECT_EQ(s->spec(), "2/4");
  std::string why;
  EXPECT_FALSE(parse_shard("4/4", &why));
  EXPECT_EQ(why, "shard 4/4: k counts from 0 and must be below N (0..3)");
  EXPECT_FALSE(parse_shard("1/0", &why));
  EXPECT_EQ(why, "shard count 0 is not between 1 and 1024");
  EXPECT_FALSE(parse_shard("-1/2", &why));
  EXPECT_EQ(why, "shard -1/2: k counts from 0 and must be below N (0..1)");
  for (const char* bad : {"", "1", "a/2", "1/2/3", "1/ 2", "1/2 "}) {
    EXPECT_FALSE(parse_shard(bad, &why)) << bad;
    EXPECT_NE(why.find("is not a shard: write k/N"), std::string::npos) << bad << ": " << why;
  }
}

}  // namespace shard_test
}  // namespace tenantsync
