// Injected faults: connections dropped mid-response (seen as such by a raw client; half
// of them after the write took effect), 503s, throttling, latency; all repeatable by seed.
#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <thread>

#include "tests/fakes/graph_test_support.h"

namespace tenantsync::test {
namespace faults_test {

class FaultsTest : public FakeGraphTest {};

TEST_F(FaultsTest, DroppedResponsesAreCutShort) {
  std::string tok = token();
  fake_->set_faults({{"dropRate", 1.0}, {"seed", 3}});
  for (int i = 0; i < 6; ++i) {
    HttpReply r = get("/users?$top=5", tok);
    EXPECT_TRUE(r.dropped) << r.status << " " << r.body;
  }
  fake_->set_faults(json::object());
  json stats = fake_->stats();
  EXPECT_EQ(stats["dropped"], 6);
  EXPECT_EQ(stats["requests"]["GET /v1.0/users"]["dropped"], 6);
  EXPECT_FALSE(get("/users?$top=5", tok).dropped);
}

TEST_F(FaultsTest, AboutHalfTheDroppedWritesTookEffectAndTheSeedRepeatsIt) {
  auto run = [&]() {
    std::string tok = token();
    fake_->set_faults({{"dropRate", 1.0}, {"seed", 42}});
    std::vector<std::string> locals = {"adele.vance",   "alex.wilber",     "megan.bowen",
                                       "lee.gu",        "joni.sherman",    "isaiah.langer",
                                       "emily.braun",   "patti.fernandez", "diego.siciliani",
                                       "lynne.robbins", "grady.archie",    "lidia.holloway"};
    std::vector<bool> effect;
    for (const auto& local : locals) {
      HttpReply r =
          send("PATCH", "/users/" + enc(contoso_upn(local)), {{"jobTitle", "Dropped?"}}, tok);
      EXPECT_TRUE(r.dropped);
    }
    fake_->set_faults(json::object());
    int took = 0;
    for (const auto& local : locals) {
      bool changed = state_user(kContoso, contoso_upn(local))["jobTitle"] == "Dropped?";
      effect.push_back(changed);
      took += changed ? 1 : 0;
    }
    EXPECT_GT(took, 0);
    EXPECT_LT(took, static_cast<int>(locals.size()));
    EXPECT_EQ(fake_->stats()["writes"], took);
    EXPECT_EQ(fake_->stats()["unansweredWrites"], took);
    return effect;
  };
  std::vector<bool> first = run();
  start({"--fixture", demo_fixture_path()});
  EXPECT_EQ(run(), first);
}

TEST_F(FaultsTest, ErrorRateGives503) {
  std::string tok = token();
  fake_->set_faults({{"errorRate", 1.0}});
  HttpReply r = get("/subscribedSkus", tok);
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(fake_->stats()["errors"], 1);
}

TEST_F(FaultsTest, MaxFaultsInARowLetsTheSameRequestThroughAfterThatMany) {
  std::string tok = token();
  fake_->set_faults({{"errorRate", 1.0}, {"maxFaultsInARow", 3}});
  auto statuses = [&](const std::string& path, int n) {
    std::vector<int> out;
    for (int i = 0; i < n; ++i) out.push_back(get(path, tok).status);
    return out;
  };
  EXPECT_EQ(statuses("/subscribedSkus", 4), (std::vector<int>{503, 503, 503, 200}));
  // Another request has its own count; the first one's starts again.
  EXPECT_EQ(statuses("/users?$top=1", 2), (std::vector<int>{503, 503}));
  EXPECT_EQ(statuses("/subscribedSkus", 4), (std::vector<int>{503, 503, 503, 200}));
  EXPECT_EQ(statuses("/users?$top=1", 2), (std::vector<int>{503, 200}));
}

TEST_F(FaultsTest, ThrottlingHasRetryAfterAndRepeatsBySeed) {
  std::string tok = token();
  auto sequence = [&]() {
    fake_->set_faults({{"throttleRate", 0.3}, {"retryAfterSeconds", 2}, {"seed", 7}});
    std::vector<int> statuses;
    for (int i = 0; i < 20; ++i) {
      HttpReply r = get("/subscribedSkus", tok);
      statuses.push_back(r.status);
      if (r.status == 429) {
        EXPECT_EQ(r.headers["retry-after"], "2");
        EXPECT_EQ(error_code(r), "TooManyRequests");
      }
    }
    return statuses;
  };
  std::vector<int> first = sequence();
  EXPECT_EQ(sequence(), first);
  EXPECT_NE(std::count(first.begin(), first.end(), 429), 0);
  EXPECT_NE(std::count(first.begin(), first.end(), 200), 0);
}

TEST_F(FaultsTest, LatencyDelaysResponses) {
  std::string tok = token();
  fake_->set_faults({{"latencyMs", 150}});
  auto start_time = std::chrono::steady_clock::now();
  EXPECT_EQ(get("/subscribedSkus", tok).status, 200);
  auto elapsed = std::chrono::steady_clock::now() - start_time;
  EXPECT_GE(elapsed, std::chrono::milliseconds(150));
  // Control endpoints are never delayed or faulted.
  fake_->set_faults({{"latencyMs", 150}, {"errorRate", 1.0}});
  EXPECT_NO_THROW(fake_->stats());
}

TEST_F(FaultsTest, StatsCountTheRequestsWaitingOutTheLatency) {
  // Kill tests wait for "held" to know a request reached the service before the kill.
  std::string tok = token();
  fake_->set_faults({{"latencyMs", 500}});
  auto held = [&] { return fake_->stats().value("held", -1); };
  EXPECT_EQ(held(), 0);
  auto reply = std::async(std::launch::async, [&] { return get("/subscribedSkus", tok).status; });
  for (int i = 0; i < 500 && held() != 1; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_EQ(held(), 1);
  fake_->reset_stats();  // a gauge, not a count: the request is still held
  EXPECT_EQ(held(), 1);
  EXPECT_EQ(reply.get(), 200);
  EXPECT_EQ(held(), 0);
}

}  // namespace faults_test
}  // namespace tenantsync::test
