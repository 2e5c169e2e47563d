// Service limits: over-budget calls get 429 TooManyRequests with an honest Retry-After
// (waiting exactly that long is enough, and not much more than needed), per app and tenant.
#include <gtest/gtest.h>

#include <string>

#include "tests/fakes/graph_test_support.h"

namespace tenantsync::test {
namespace limits_test {

class LimitsTest : public FakeGraphTest {
 protected:
  void advance(double seconds) {
    HttpReply r = http_request("POST", fake_->url() + "/_fake/clock",
                               json{{"advanceSeconds", seconds}}.dump());
    ASSERT_EQ(r.status, 200);
  }
  HttpReply patch(const std::string& local, const std::string& tok) {
    return send("PATCH", "/users/" + enc(contoso_upn(local)), {{"jobTitle", "T"}}, tok);
  }
};

TEST_F(LimitsTest, OffByDefault) {
  std::string tok = token();
  for (int i = 0; i < 30; ++i) ASSERT_EQ(get("/users?$top=1", tok).status, 200);
}

TEST_F(LimitsTest, WriteBurstGets429WithAnHonestRetryAfter) {
  std::string tok = token();
  fake_->set_limits({{"writesPerWindow", 5}, {"windowSeconds", 30}});
  for (int i = 0; i < 5; ++i) ASSERT_EQ(patch("megan.bowen", tok).status, 204);
  HttpReply over = patch("megan.bowen", tok);
  ASSERT_EQ(over.status, 429);
  EXPECT_EQ(error_code(over), "TooManyRequests");
  double retry_after = std::stod(over.headers.at("retry-after"));
  EXPECT_GT(retry_after, 25.0);
  EXPECT_LE(retry_after, 30.0);
  // Five seconds short of it: still over budget (the answer was not inflated; the margin
  // absorbs real time passing on a busy machine).
  advance(retry_after - 5);
  HttpReply early = patch("megan.bowen", tok);
  EXPECT_EQ(early.status, 429);
  // Waiting what we were told is enough.
  advance(std::stod(early.headers.at("retry-after")));
  EXPECT_EQ(patch("megan.bowen", tok).status, 204);
  // Another tenant has its own budget.
  EXPECT_EQ(send("PATCH", "/users/" + enc("kenji.sato@" + kFabrikam), {{"jobTitle", "T"}},
                 token(kFabrikam))
                .status,
            204);
  // Refused calls did not take effect and are counted as throttled.
  json stats = fake_->stats();
  EXPECT_EQ(stats["writes"], 7);
  EXPECT_EQ(stats["throttled"], 2);
}

TEST_F(LimitsTest, ReadUnitsCostTwoWithoutSelectOneWith) {
  std::string tok = token();
  fake_->set_limits({{"readUnitsPer10s", 10}});
  for (int i = 0; i < 5; ++i) ASSERT_EQ(get("/users?$top=1", tok).status, 200);  // 10 units
  HttpReply over = get("/users?$top=1&$select=id", tok);
  ASSERT_EQ(over.status, 429);
  double retry_after = std::stod(over.headers.at("retry-after"));
  EXPECT_LE(retry_after, 10.0);
  advance(retry_after);
  EXPECT_EQ(get("/users?$top=1&$select=id", tok).status, 200);
}

TEST_F(LimitsTest, WritesInsideABatchCountAndGetTheirOwn429) {
  std::string tok = token();
  fake_->set_limits({{"writesPerWindow", 3}, {"windowSeconds", 60}});
  json requests = json::array();
  for (int i = 1; i <= 5; ++i) {
    requests.push_back({{"id", std::to_string(i)},
                        {"method", "PATCH"},
                        {"url", "/users/" + enc(contoso_upn("megan.bowen"))},
                        {"headers", {{"Content-Type", "application/json"}}},
                        {"body", {{"jobTitle", "Batch " + std::to_string(i)}}}});
  }
  HttpReply r = send("POST", "/$batch", {{"requests", requests}}, tok);
  ASSERT_EQ(r.status, 200);
  int ok = 0, throttled = 0;
  json body = body_of(r);
  for (const auto& item : body["responses"]) {
    if (item["status"] == 204) ++ok;
    if (item["status"] == 429) {
      ++throttled;
      EXPECT_TRUE(item["headers"].contains("Retry-After"));
    }
  }
  EXPECT_EQ(ok, 3);
  EXPECT_EQ(throttled, 2);
}

}  // namespace limits_test
}  // namespace tenantsync::test
