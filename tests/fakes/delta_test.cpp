// /users/delta: the initial round, later rounds with changes and removals (changed =
// soft-deleted, deleted = purged), and expired or forged delta tokens.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "tests/fakes/graph_test_support.h"

namespace tenantsync::test {
namespace delta_test {

class DeltaTest : public FakeGraphTest {
 protected:
  struct Round {
    std::vector<json> items;
    std::string delta_link;
    int pages = 0;
  };
  Round follow(std::string url) {
    Round round;
    while (true) {
      HttpReply r = http_request("GET", url, "", {{"Authorization", "Bearer " + token()}});
      EXPECT_EQ(r.status, 200) << r.body;
      if (r.status != 200) return round;
      json page = body_of(r);
      ++round.pages;
      for (const auto& item : page["value"]) round.items.push_back(item);
      if (page.contains("@odata.deltaLink")) {
        EXPECT_FALSE(page.contains("@odata.nextLink"));
        round.delta_link = page["@odata.deltaLink"];
        return round;
      }
      url = page.at("@odata.nextLink");
    }
  }
  Round initial(int top = 5) {
    return follow(fake_->graph_url() +
                  "/users/delta?$select=userPrincipalName,department,assignedLicenses&$top=" +
                  std::to_string(top));
  }
  std::string id_of(const std::string& upn) { return state_user(kContoso, upn)["id"]; }
};

TEST_F(DeltaTest, InitialRoundReturnsEveryUserPageByPage) {
  Round round = initial(5);
  EXPECT_EQ(round.items.size(), 23u);
  EXPECT_EQ(round.pages, 5);
  std::set<std::string> ids;
  for (const auto& u : round.items) {
    ids.insert(u["id"]);
    EXPECT_TRUE(u.contains("department"));
    EXPECT_FALSE(u.contains("@removed"));
  }
  EXPECT_EQ(ids.size(), 23u);
  EXPECT_FALSE(round.delta_link.empty());
}

TEST_F(DeltaTest, SyncFromNowGivesALinkWithoutDataWhoseRoundHasOnlyLaterChanges) {
  Round now = follow(fake_->graph_url() +
                     "/users/delta?$select=userPrincipalName,department&$deltatoken=latest");
  EXPECT_EQ(now.pages, 1);
  EXPECT_TRUE(now.items.empty()) << "no data, only the link";
  ASSERT_FALSE(now.delta_link.empty());
  EXPECT_EQ(follow(now.delta_link).items.size(), 0u);

  ASSERT_EQ(
      send("PATCH", "/users/" + enc(contoso_upn("megan.bowen")), {{"department", "Sales"}}).status,
      204);
  Round later = follow(now.delta_link);
  ASSERT_EQ(later.items.size(), 1u);
  EXPECT_EQ(later.items[0]["department"], "Sales");
  EXPECT_FALSE(later.items[0].contains("assignedLicenses")) << "the link keeps its $select";
}

TEST_F(DeltaTest, LaterRoundCarriesChangesAndRemovalsWithReasons) {
  Round first = initial();
  EXPECT_EQ(follow(first.delta_link).items.size(), 0u);

  ASSERT_EQ(
      send("PATCH", "/users/" + enc(contoso_upn("megan.bowen")), {{"department", "Sales"}}).status,
      204);
  std::string lidia = id_of(contoso_upn("lidia.holloway"));
  ASSERT_EQ(send("DELETE", "/users/" + enc(contoso_upn("lidia.holloway"))).status, 204);
  fake_->set_licenses(kContoso, contoso_upn("emily.braun"),
                      json::array({{{"skuId", kEms}, {"disabledPlans", json::array()}}}));
  std::string cameron = id_of(contoso_upn("cameron.white"));

  Round second = follow(first.delta_link);
  std::map<std::string, json> by_id;
  for (const auto& item : second.items) by_id[item["id"]] = item;
  ASSERT_EQ(by_id.size(), 3u);
  json megan = by_id[id_of(contoso_upn("megan.bowen"))];
  EXPECT_EQ(megan["department"], "Sales");
  EXPECT_TRUE(megan.contains("assignedLicenses"));  // whole object, selected properties
  EXPECT_FALSE(megan.contains("jobTitle"));
  EXPECT_EQ(by_id[lidia]["@removed"]["reason"], "changed");
  EXPECT_EQ(by_id[id_of(contoso_upn("emily.braun"))]["assignedLicenses"][0]["skuId"], kEms);

  // Once past the 30-day window Cameron and Lidia are purged: removed for good. Keep
  // syncing every 6 days (delta tokens live 7) for 36 days.
  std::string link = second.delta_link;
  std::map<std::string, std::string> reasons;
  size_t items = 0;
  for (int week = 0; week < 6; ++week) {
    fake_->advance_clock(6L * 24 * 3600);
    tokens_.clear();
    Round round = follow(link);
    link = round.delta_link;
    items += round.items.size();
    for (const auto& item : round.items) reasons[item["id"]] = item["@removed"]["reason"];
  }
  EXPECT_EQ(reasons[cameron], "deleted");
  EXPECT_EQ(reasons[lidia], "deleted");
  EXPECT_EQ(items, 2u);
}

TEST_F(DeltaTest, RestoredUserComesBackAsAChange) {
  Round first = initial();
  std::string cameron = id_of(contoso_upn("cameron.white"));
  ASSERT_EQ(send("POST", "/directory/deletedItems/" + cameron + "/restore").status, 200);
  Round second = follow(first.delta_link);
  ASSERT_EQ(second.items.size(), 1u);
  EXPECT_EQ(second.items[0]["id"], cameron);
  EXPECT_FALSE(second.items[0].contains("@removed"));
}

TEST_F(DeltaTest, ManyChangesArePaged) {
  Round first = initial(999);
  EXPECT_EQ(first.pages, 1);
  for (const char* local : {"adele.vance", "alex.wilber", "megan.bowen", "lee.gu", "joni.sherman",
                            "isaiah.langer", "emily.braun"}) {
    ASSERT_EQ(send("PATCH", "/users/" + enc(contoso_upn(local)), {{"jobTitle", "Changed"}}).status,
              204);
  }
  Round second = follow(first.delta_link);
  EXPECT_EQ(second.items.size(), 7u);
}

TEST_F(DeltaTest, DeltaTokensExpireAfterSevenDays) {
  Round first = initial();
  fake_->advance_clock(7L * 24 * 3600 + 60);
  tokens_.clear();
  HttpReply r = http_request("GET", first.delta_link, "", {{"Authorization", "Bearer " + token()}});
  EXPECT_EQ(r.status, 410);
  EXPECT_EQ(error_code(r), "syncStateNotFound");
}

TEST_F(DeltaTest, ForgedOrForeignDeltaTokenIsSyncStateNotFound) {
  Round first = initial();
  std::string link = first.delta_link;
  std::string forged = link;
  forged[link.find("$deltatoken=") + 12] ^= 1;
  HttpReply r = http_request("GET", forged, "", {{"Authorization", "Bearer " + token()}});
  EXPECT_EQ(r.status, 410);
  EXPECT_EQ(error_code(r), "syncStateNotFound");
  HttpReply foreign =
      http_request("GET", link, "", {{"Authorization", "Bearer " + token(kFabrikam)}});
  EXPECT_EQ(foreign.status, 410);
  EXPECT_EQ(get("/users/delta?$deltatoken=bm90LWEtdG9rZW4").status, 410);
}

}  // namespace delta_test
}  // namespace tenantsync::test
