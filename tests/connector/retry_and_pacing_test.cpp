// Retry policy and write pacer on a fake clock: attempt counts, Retry-After, jitter
// bounds, and a sliding-window budget that is never exceeded. Runs in milliseconds.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <thread>

#include "connector/graph_client.h"
#include "connector/retry_policy.h"
#include "connector/write_pacer.h"
#include "sync/clock.h"
#include "tests/connector/scripted_transport.h"

namespace tenantsync {
namespace {

using namespace std::chrono_literals;
using std::chrono::milliseconds;
using test::CountingTokens;
using test::ScriptedTransport;

nlohmann::json a_user() {
  return {{"id", "u1"}, {"userPrincipalName", "a@contoso.onmicrosoft.com"}};
}

struct ClientRig {
  explicit ClientRig(int max_attempts, std::uint64_t seed = 42)
      : retry(clock, RetrySettings{max_attempts, 1000ms, 32000ms, 300000ms, seed}),
        client(GraphClientOptions{"https://graph.test/v1.0"}, transport, tokens, retry, nullptr) {}
  FakeClock clock;
  ScriptedTransport transport;
  CountingTokens tokens;
  RetryPolicy retry;
  GraphClient client;
};

TEST(RetryPolicyTest, StopsAfterMaxAttemptsOfTransientErrors) {
  ClientRig rig(4);
  rig.transport.set_handler([](const HttpRequest&) -> Result<HttpResponse> {
    return test::graph_error(503, "serviceNotAvailable", "Service unavailable.");
  });
  auto user = rig.client.get_user("contoso", "u1");
  ASSERT_FALSE(user.ok());
  EXPECT_EQ(user.error().kind, ErrorKind::Transient);
  EXPECT_EQ(user.error().http_status, 503);
  EXPECT_EQ(rig.transport.requests().size(), 4u);
  EXPECT_EQ(rig.transport.stats().snapshot().retries, 3u);
  // Three waits of full jitter: each below its cap (1 s, 2 s, 4 s).
  EXPECT_LE(rig.clock.total_slept(), 7000ms);
}

TEST(RetryPolicyTest, StopsAfterMaxAttemptsOfDroppedConnections) {
  ClientRig rig(3);
  rig.transport.set_handler(
      [](const HttpRequest&) -> Result<HttpResponse> { return test::dropped(); });
  auto user = rig.client.get_user("contoso", "u1");
  ASSERT_FALSE(user.ok());
  EXPECT_EQ(user.error().kind, ErrorKind::Transient);
  EXPECT_EQ(rig.transport.requests().size(), 3u);
  EXPECT_EQ(rig.transport.stats().snapshot().dropped, 3u);
}

TEST(RetryPolicyTest, HonoursRetryAfterOf2128Milliseconds) {
  ClientRig rig(6);
  int calls = 0;
  rig.transport.set_handler([&](const HttpRequest&) -> Result<HttpResponse> {
    if (++calls == 1) {
      return test::graph_error(429, "TooManyRequests", "Too many requests.",
                               {{"retry-after", "2.128"}});
    }
    return test::json_response(200, a_user());
  });
  auto user = rig.client.get_user("contoso", "u1");
  ASSERT_TRUE(user.ok()) << user.error().describe();
  EXPECT_EQ(calls, 2);
  EXPECT_EQ(rig.clock.total_slept(), 2128ms);
  auto stats = rig.transport.stats().snapshot();
  EXPECT_EQ(stats.throttled, 1u);
  EXPECT_EQ(stats.retries, 1u);
  EXPECT_EQ(stats.responses_by_status[429], 1u);
  EXPECT_EQ(stats.responses_by_status[200], 1u);
}

TEST(RetryPolicyTest, NotRetriedWhenNotRetryable) {
  ClientRig rig(6);
  rig.transport.set_handler([](const HttpRequest&) -> Result<HttpResponse> {
    return test::graph_error(404, "Request_ResourceNotFound", "Resource 'u1' does not exist.");
  });
  auto user = rig.client.get_user("contoso", "u1");
  ASSERT_FALSE(user.ok());
  EXPECT_EQ(user.error().kind, ErrorKind::NotFound);
  EXPECT_EQ(rig.transport.requests().size(), 1u);
  EXPECT_EQ(rig.clock.total_slept(), 0ms);
}

TEST(RetryPolicyTest, FullJitterStaysWithinExponentialBounds) {
  FakeClock clock;
  RetryPolicy policy(clock, RetrySettings{10, 1000ms, 8000ms, 300000ms, 7});
  for (int attempt = 1; attempt <= 6; ++attempt) {
    milliseconds cap = std::min(8000ms, milliseconds(1000 << (attempt - 1)));
    milliseconds lo = cap, hi = 0ms;
    double sum = 0;
    const int n = 2000;
    for (int i = 0; i < n; ++i) {
      milliseconds d = policy.backoff(attempt);
      ASSERT_GE(d, 0ms);
      ASSERT_LE(d, cap);
      lo = std::min(lo, d);
      hi = std::max(hi, d);
      sum += static_cast<double>(d.count());
    }
    // Full jitter spreads over the whole range, mean near the middle.
    EXPECT_LT(lo, cap / 10) << "attempt " << attempt;
    EXPECT_GT(hi, cap * 9 / 10) << "attempt " << attempt;
    EXPECT_NEAR(sum / n, static_cast<double>(cap.count()) / 2,
                static_cast<double>(cap.count()) / 10);
  }
}

TEST(RetryPolicyTest, SameSeedSameDelays) {
  FakeClock clock;
  RetryPolicy a(clock, RetrySettings{6, 1000ms, 32000ms, 300000ms, 99});
  RetryPolicy b(clock, RetrySettings{6, 1000ms, 32000ms, 300000ms, 99});
  for (int i = 1; i <= 5; ++i) EXPECT_EQ(a.backoff(i), b.backoff(i));
}

TEST(RetryPolicyTest, RetryAfterWinsOverBackoffAndIsCapped) {
  FakeClock clock;
  RetryPolicy policy(clock, RetrySettings{6, 1000ms, 32000ms, 60000ms, 1});
  Error throttled = make_error(ErrorKind::Throttled, "slow down");
  throttled.retry_after_seconds = 2.128;
  EXPECT_EQ(policy.delay_after(5, throttled), 2128ms);
  throttled.retry_after_seconds = 3600;
  EXPECT_EQ(policy.delay_after(1, throttled), 60000ms);
  // Without Retry-After (an HTTP-date is ignored by the parser): backoff.
  throttled.retry_after_seconds = 0;
  EXPECT_LE(policy.delay_after(1, throttled), 1000ms);
}

TEST(RetryPolicyTest, OnlyThrottledAndTransientAreRetryable) {
  FakeClock clock;
  RetryPolicy policy(clock, RetrySettings{3});
  EXPECT_TRUE(policy.should_retry(1, make_error(ErrorKind::Throttled, "")));
  EXPECT_TRUE(policy.should_retry(2, make_error(ErrorKind::Transient, "")));
  EXPECT_FALSE(policy.should_retry(3, make_error(ErrorKind::Transient, "")));
  for (ErrorKind k : {ErrorKind::Invalid, ErrorKind::NotFound, ErrorKind::Conflict, ErrorKind::Auth,
                      ErrorKind::Forbidden, ErrorKind::Rejected, ErrorKind::ResyncNeeded}) {
    EXPECT_FALSE(policy.should_retry(1, make_error(k, ""))) << to_string(k);
  }
}

// Checks a booking log against the budget over every window that ends at a booking.
void expect_within_budget(const std::vector<std::pair<Clock::time_point, int>>& log, int budget,
                          milliseconds window) {
  std::size_t start = 0;
  int in_window = 0;
  for (std::size_t i = 0; i < log.size(); ++i) {
    in_window += log[i].second;
    while (log[start].first + window <= log[i].first) in_window -= log[start++].second;
    ASSERT_LE(in_window, budget) << "at booking " << i;
  }
}

TEST(WritePacerTest, KeepsEachTenantUnderTheBudgetOnAFakeClock) {
  FakeClock clock;
  WritePacer pacer(clock, 3000, 150000ms);
  std::vector<std::pair<Clock::time_point, int>> log;
  auto real_start = std::chrono::steady_clock::now();
  for (int i = 0; i < 10000; ++i) {
    int cost = i % 10 == 0 ? 20 : 1;  // some $batch requests of 20 writes
    pacer.acquire("contoso", cost);
    log.emplace_back(clock.now(), cost);
  }
  auto real = std::chrono::steady_clock::now() - real_start;
  expect_within_budget(log, 3000, 150000ms);
  // 10,000 calls cost 28,000 writes: at 3,000 per 150 s the last ones wait ~9 windows.
  EXPECT_GE(clock.total_slept(), 9 * 150000ms);
  EXPECT_LE(clock.total_slept(), 10 * 150000ms);
  EXPECT_LT(real, std::chrono::seconds(2));
}

TEST(WritePacerTest, FirstBudgetGoesOutWithoutWaiting) {
  FakeClock clock;
  WritePacer pacer(clock, 100, 10000ms);
  for (int i = 0; i < 5; ++i) pacer.acquire("contoso", 20);
  EXPECT_EQ(clock.total_slept(), 0ms);
  EXPECT_EQ(pacer.booked("contoso"), 100);
  pacer.acquire("contoso", 1);  // waits for the first booking to age out
  EXPECT_EQ(clock.total_slept(), 10000ms);
  EXPECT_EQ(pacer.booked("contoso"), 1);  // all five were made at the same instant
}

TEST(WritePacerTest, TenantsHaveSeparateBudgets) {
  FakeClock clock;
  WritePacer pacer(clock, 10, 1000ms);
  pacer.acquire("contoso", 10);
  pacer.acquire("fabrikam", 10);
  EXPECT_EQ(clock.total_slept(), 0ms);
  EXPECT_EQ(pacer.booked("contoso"), 10);
  EXPECT_EQ(pacer.booked("fabrikam"), 10);
}

TEST(WritePacerTest, ManyThreadsStillUnderBudget) {
  FakeClock clock;
  WritePacer pacer(clock, 50, 1000ms);
  std::mutex mu;
  std::vector<std::pair<Clock::time_point, int>> log;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 100; ++i) {
        pacer.acquire("contoso", 3);
        // Booking time is what counts; read it back under the pacer's own clock.
        std::lock_guard<std::mutex> lock(mu);
        log.emplace_back(clock.now(), 3);
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(log.size(), 400u);
  // Other threads may advance the fake clock between a booking and its log line, which
  // only spreads the log; booked() is the pacer's own view and never exceeds the budget.
  EXPECT_LE(pacer.booked("contoso"), 50);
}

TEST(WritePacerTest, BatchCostsItsItemCount) {
  FakeClock clock;
  WritePacer pacer(clock, 3000, 150000ms);
  ScriptedTransport transport;
  CountingTokens tokens;
  RetryPolicy retry(clock, RetrySettings{3});
  GraphClient client(GraphClientOptions{"https://graph.test/v1.0"}, transport, tokens, retry,
                     &pacer);
  transport.set_handler([](const HttpRequest& r) -> Result<HttpResponse> {
    auto body = nlohmann::json::parse(r.body);
    nlohmann::json responses = nlohmann::json::array();
    for (const auto& item : body["requests"]) {
      responses.push_back({{"id", item["id"]}, {"status", 204}});
    }
    return test::json_response(200, {{"responses", responses}});
  });
  std::vector<GraphWrite> writes;
  for (int i = 0; i < 45; ++i) writes.push_back(GraphWrite::remove("u" + std::to_string(i)));
  auto results = client.write_batch("contoso", writes);
  ASSERT_EQ(results.size(), 45u);
  for (const auto& r : results) EXPECT_TRUE(r.status.ok());
  EXPECT_EQ(pacer.booked("contoso"), 45);
  EXPECT_EQ(transport.requests().size(), 3u);
}

}  // namespace
}  // namespace tenantsync
