// POST /$batch: up to 20 items, responses in another order but matched by id, dependsOn
// and 424, per-item throttling with the outer status 200.
#include <gtest/gtest.h>

#include <map>

#include "tests/fakes/graph_test_support.h"

namespace tenantsync::test {
namespace batch_test {

class BatchTest : public FakeGraphTest {
 protected:
  static json get_item(const std::string& id, const std::string& url) {
    return {{"id", id}, {"method", "GET"}, {"url", url}};
  }
  static json assign_item(const std::string& id, const std::string& upn, const std::string& sku) {
    return {{"id", id},
            {"method", "POST"},
            {"url", "/users/" + enc(upn) + "/assignLicense"},
            {"headers", {{"Content-Type", "application/json"}}},
            {"body",
             {{"addLicenses", {{{"skuId", sku}, {"disabledPlans", json::array()}}}},
              {"removeLicenses", json::array()}}}};
  }
  HttpReply batch(const json& requests) {
    return send("POST", "/$batch", {{"requests", requests}});
  }
  static std::map<std::string, json> by_id(const HttpReply& r) {
    std::map<std::string, json> out;
    json body = body_of(r);  // keep the temporary alive for the loop
    for (const auto& item : body["responses"]) out[item["id"]] = item;
    return out;
  }
};

TEST_F(BatchTest, ResponsesComeInAnotherOrderButMatchByIds) {
  json requests = json::array();
  std::vector<std::string> upns = {"adele.vance", "alex.wilber", "lee.gu", "megan.bowen"};
  for (size_t i = 0; i < upns.size(); ++i) {
    requests.push_back(get_item(std::to_string(i + 1), "/users/" + enc(contoso_upn(upns[i]))));
  }
  HttpReply r = batch(requests);
  ASSERT_EQ(r.status, 200) << r.body;
  json responses = body_of(r)["responses"];
  ASSERT_EQ(responses.size(), 4u);
  std::vector<std::string> order;
  for (const auto& item : responses) order.push_back(item["id"]);
  EXPECT_NE(order, (std::vector<std::string>{"1", "2", "3", "4"}));
  auto items = by_id(r);
  for (size_t i = 0; i < upns.size(); ++i) {
    json item = items[std::to_string(i + 1)];
    EXPECT_EQ(item["status"], 200);
    EXPECT_EQ(item["body"]["userPrincipalName"], contoso_upn(upns[i]));
    EXPECT_TRUE(item["headers"].is_object());
  }
}

TEST_F(BatchTest, AtMostTwentyRequests) {
  json requests = json::array();
  for (int i = 1; i <= 21; ++i) requests.push_back(get_item(std::to_string(i), "/subscribedSkus"));
  HttpReply r = batch(requests);
  EXPECT_EQ(r.status, 400);
  requests.erase(requests.end() - 1);
  EXPECT_EQ(batch(requests).status, 200);
}

TEST_F(BatchTest, ItemDependingOnAFailedItemGets424) {
  json requests =
      json::array({assign_item("1", contoso_upn("irvin.sayers"), kEms),  // no usage location: 400
                   assign_item("2", contoso_upn("megan.bowen"), kEms),
                   get_item("3", "/users/" + enc(contoso_upn("megan.bowen")))});
  requests[1]["dependsOn"] = {"1"};
  requests[2]["dependsOn"] = {"2"};
  requests.push_back(
      assign_item("4", contoso_upn("joni.sherman"), kExchangeStandard));  // exclusive
  requests.push_back(assign_item("5", contoso_upn("emily.braun"), kEms));
  HttpReply r = batch(requests);
  ASSERT_EQ(r.status, 200) << r.body;
  auto items = by_id(r);
  EXPECT_EQ(items["1"]["status"], 400);
  EXPECT_EQ(items["1"]["body"]["error"]["message"],
            "License assignment cannot be done for user with invalid usage location.");
  EXPECT_EQ(items["2"]["status"], 424);
  EXPECT_EQ(items["3"]["status"], 424);
  EXPECT_EQ(items["4"]["status"], 400);
  EXPECT_EQ(items["5"]["status"], 200);
  // Only item 5 took effect.
  EXPECT_EQ(state_user(kContoso, contoso_upn("megan.bowen"))["assignedLicenses"].size(), 1u);
  EXPECT_EQ(state_user(kContoso, contoso_upn("emily.braun"))["assignedLicenses"].size(), 1u);
  EXPECT_EQ(fake_->stats()["writes"], 1);
}

TEST_F(BatchTest, WriteWithoutContentTypeIsRefusedPerItem) {
  json item = assign_item("1", contoso_upn("emily.braun"), kEms);
  item.erase("headers");
  HttpReply r = batch(json::array({item, get_item("2", "/subscribedSkus")}));
  ASSERT_EQ(r.status, 200);
  auto items = by_id(r);
  EXPECT_EQ(items["1"]["status"], 400);
  EXPECT_EQ(items["2"]["status"], 200);
}

TEST_F(BatchTest, ThrottledItemsCarryTheirOwn429AndRetryAfter) {
  token();  // before the faults: the token endpoint is faulted too
  fake_->set_faults({{"throttleRate", 0.5}, {"retryAfterSeconds", 2.5}, {"seed", 11}});
  json requests = json::array();
  for (int i = 1; i <= 20; ++i) {
    requests.push_back(get_item(std::to_string(i), "/users?$top=1&$select=id"));
  }
  HttpReply r = batch(requests);
  ASSERT_EQ(r.status, 200) << r.body;
  int throttled = 0;
  for (const auto& [id, item] : by_id(r)) {
    if (item["status"] == 429) {
      ++throttled;
      EXPECT_EQ(item["headers"]["Retry-After"], "2.5");
      EXPECT_EQ(item["body"]["error"]["code"], "TooManyRequests");
    } else {
      EXPECT_EQ(item["status"], 200);
    }
  }
  EXPECT_GT(throttled, 2);
  EXPECT_LT(throttled, 18);
  json stats = fake_->stats();
  EXPECT_EQ(stats["throttled"], throttled);
  EXPECT_EQ(stats["requests"]["GET /v1.0/users"]["429"], throttled);
  EXPECT_EQ(stats["requests"]["POST /v1.0/$batch"]["200"], 1);
}

TEST_F(BatchTest, WritesBehindADroppedBatchAreCountedAsUnanswered) {
  std::string tok = token();  // before the faults: the token endpoint is faulted too
  fake_->set_faults({{"dropRate", 1.0}, {"seed", 5}});
  auto patch_item = [](const std::string& id, const std::string& upn) {
    return json{{"id", id},
                {"method", "PATCH"},
                {"url", "/users/" + enc(upn)},
                {"headers", {{"Content-Type", "application/json"}}},
                {"body", {{"jobTitle", "Batched"}}}};
  };
  const int kBatches = 8;
  for (int i = 0; i < kBatches; ++i) {
    // Two writes and a read: only the writes count.
    json requests =
        json::array({patch_item("1", contoso_upn("adele.vance")),
                     patch_item("2", contoso_upn("lee.gu")), get_item("3", "/subscribedSkus")});
    EXPECT_TRUE(send("POST", "/$batch", {{"requests", requests}}, tok).dropped);
  }
  fake_->set_faults(json::object());
  json stats = fake_->stats();
  EXPECT_EQ(stats["dropped"], kBatches);
  // Some batches were dropped after their items ran, some before: every write that took
  // effect is one whose answer never came back.
  long unanswered = stats["unansweredWrites"].get<long>();
  EXPECT_EQ(unanswered, stats["writes"].get<long>());
  EXPECT_EQ(unanswered % 2, 0);
  EXPECT_GT(unanswered, 0);
  EXPECT_LT(unanswered, 2 * kBatches);
}

TEST_F(BatchTest, MalformedBatchIs400) {
  EXPECT_EQ(send("POST", "/$batch", {{"nothing", 1}}).status, 400);
  json dup = json::array({get_item("1", "/subscribedSkus"), get_item("1", "/subscribedSkus")});
  EXPECT_EQ(batch(dup).status, 400);
  json dangling = json::array({get_item("1", "/subscribedSkus")});
  dangling[0]["dependsOn"] = {"9"};
  EXPECT_EQ(batch(dangling).status, 400);
}

}  // namespace batch_test
}  // namespace tenantsync::test
