// Retry policy and write pacer on a fake clock: attempt counts, Retry-After, jitter
// bounds, 429s that are not attempts but end at the throttle deadline or a stop signal,
// a sliding-window budget that is never exceeded and that throttling slows down. Runs in
// milliseconds.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <thread>

#include "connector/graph_client.h"
#include "connector/retry_budget.h"
#include "connector/retry_policy.h"
#include "connector/throttle_status.h"
#include "connector/token_provider.h"
#include "connector/write_pacer.h"
#include "sync/clock.h"
#include "tests/connector/scripted_transport.h"

namespace tenantsync {
namespace retry_and_pacing_test {

using namespace std::chrono_literals;
using std::chrono::milliseconds;
using test::CountingTokens;
using test::ScriptedTransport;

nlohmann::json a_user() {
  return {{"id", "u1"}, {"userPrincipalName", "a@contoso.onmicrosoft.com"}};
}

struct ClientRig {
  explicit ClientRig(int max_attempts, std::uint64_t seed = 42,
                     milliseconds throttle_deadline = 600000ms, WritePacer* pacer = nullptr)
      : retry(clock,
              RetrySettings{max_attempts, 1000ms, 32000ms, 300000ms, seed, throttle_deadline}),
        client(GraphClientOptions{"https://graph.test/v1.0"}, transport, tokens, retry, pacer) {}
  FakeClock clock;
  ScriptedTransport transport;
  CountingTokens tokens;
  RetryPolicy retry;
  GraphClient client;
};

// A Graph client whose writes go through the service's default pacer.
struct PacedClientRig {
  FakeClock clock;
  WritePacer pacer{clock, 3000, 150000ms};
  ScriptedTransport transport;
  CountingTokens tokens;
  RetryPolicy retry{clock, RetrySettings{3}};
  GraphClient client{GraphClientOptions{"https://graph.test/v1.0"}, transport, tokens, retry,
                     &pacer};
};

std::vector<GraphWrite> deletions(int n) {
  std::vector<GraphWrite> writes;
  for (int i = 0; i < n; ++i) writes.push_back(GraphWrite::remove("u" + std::to_string(i)));
  return writes;
}

HttpResponse too_many_requests(const std::string& retry_after = "1") {
  return test::graph_error(429, "TooManyRequests", "Too many requests, retry after some time.",
                           {{"retry-after", retry_after}});
}

// A $batch answer giving every item `status` (429s with Retry-After 1).
HttpResponse batch_answer(const HttpRequest& r, int status) {
  nlohmann::json responses = nlohmann::json::array();
  const nlohmann::json body = nlohmann::json::parse(r.body);
  for (const auto& item : body["requests"]) {
    nlohmann::json answer = {{"id", item["id"]}, {"status", status}};
    if (status == 429) {
      answer["headers"] = {{"Retry-After", "1"}};
      answer["body"] = {{"error", {{"code", "TooManyRequests"}, {"message", "Slow down."}}}};
    }
    responses.push_back(std::move(answer));
  }
  return test::json_response(200, {{"responses", responses}});
}

// A fake clock whose sleeps set `stop` once `after` has been slept in all: a SIGTERM that
// arrives in the middle of a long wait.
class StopDuringSleepClock final : public Clock {
 public:
  StopDuringSleepClock(std::atomic<bool>& stop, milliseconds after) : stop_(stop), after_(after) {}
  time_point now() const override { return fake.now(); }
  void sleep_for(milliseconds d) override {
    fake.sleep_for(d);
    if (fake.total_slept() >= after_) stop_ = true;
  }
  FakeClock fake;

 private:
  std::atomic<bool>& stop_;
  milliseconds after_;
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
  RetryBudget budget(policy);
  EXPECT_TRUE(budget.next_delay(make_error(ErrorKind::Throttled, "")));
  EXPECT_TRUE(budget.next_delay(make_error(ErrorKind::Transient, "")));
  EXPECT_TRUE(budget.next_delay(make_error(ErrorKind::Transient, "")));
  EXPECT_FALSE(budget.next_delay(make_error(ErrorKind::Transient, "")));  // the third
  EXPECT_STREQ(budget.gave_up_because(), "remote.maxAttempts reached");
  for (ErrorKind k : {ErrorKind::Invalid, ErrorKind::NotFound, ErrorKind::Conflict, ErrorKind::Auth,
                      ErrorKind::Forbidden, ErrorKind::Rejected, ErrorKind::ResyncNeeded}) {
    RetryBudget fresh(policy);
    EXPECT_FALSE(fresh.next_delay(make_error(k, ""))) << to_string(k);
  }
}

TEST(RetryPolicyTest, ThrottlingBeyondMaxAttemptsStillSucceeds) {
  ClientRig rig(3);
  int calls = 0;
  rig.transport.set_handler([&](const HttpRequest&) -> Result<HttpResponse> {
    if (++calls <= 10) return too_many_requests("1.5");
    return test::json_response(200, a_user());
  });
  auto user = rig.client.get_user("contoso", "u1");
  ASSERT_TRUE(user.ok()) << user.error().describe();
  EXPECT_EQ(calls, 11);                         // ten 429s, with maxAttempts 3
  EXPECT_EQ(rig.clock.total_slept(), 15000ms);  // each waited its Retry-After exactly
}

TEST(RetryPolicyTest, TransientFailuresStillCountBetweenThrottles) {
  ClientRig rig(3);
  int calls = 0;
  rig.transport.set_handler([&](const HttpRequest&) -> Result<HttpResponse> {
    if (++calls % 2 == 1) return too_many_requests();
    return test::graph_error(503, "serviceNotAvailable", "Service unavailable.");
  });
  auto user = rig.client.get_user("contoso", "u1");
  ASSERT_FALSE(user.ok());
  EXPECT_EQ(user.error().http_status, 503);
  EXPECT_EQ(calls, 6);  // 429, 503, 429, 503, 429, 503: the third 503 ends it
}

TEST(RetryPolicyTest, TheThrottleDeadlineEndsAnOperationWithTheServicesLastMessage) {
  ClientRig rig(6, 42, 60000ms);
  rig.transport.set_handler(
      [](const HttpRequest&) -> Result<HttpResponse> { return too_many_requests("7"); });
  auto user = rig.client.get_user("contoso", "u1");
  ASSERT_FALSE(user.ok());
  EXPECT_EQ(user.error().kind, ErrorKind::Throttled);
  EXPECT_EQ(user.error().http_status, 429);
  EXPECT_EQ(user.error().describe(), "TooManyRequests: Too many requests, retry after some time.");
  // Waits end at 7, 14, ... 56 s; the next would end at 63 s, past the 60 s deadline.
  EXPECT_EQ(rig.transport.requests().size(), 9u);
  EXPECT_EQ(rig.clock.total_slept(), 56000ms);
}

TEST(RetryPolicyTest, TheThrottleDeadlineEndsThrottledBatchItemsWithTheirLastMessage) {
  ClientRig rig(2, 42, 30000ms);
  rig.transport.set_handler(
      [](const HttpRequest& r) -> Result<HttpResponse> { return batch_answer(r, 429); });
  auto results = rig.client.write_batch("contoso", {GraphWrite::remove("u1")});
  ASSERT_FALSE(results[0].status.ok());
  EXPECT_EQ(results[0].status.error().describe(), "TooManyRequests: Slow down.");
  EXPECT_EQ(rig.transport.requests().size(), 31u);  // resent every second for 30 s
}

TEST(RetryPolicyTest, ThrottledBatchItemsBeyondMaxAttemptsStillSucceed) {
  ClientRig rig(2);
  int rounds = 0;
  rig.transport.set_handler([&](const HttpRequest& r) -> Result<HttpResponse> {
    return batch_answer(r, ++rounds <= 8 ? 429 : 204);
  });
  auto results = rig.client.write_batch("contoso", deletions(3));
  for (const auto& r : results) EXPECT_TRUE(r.status.ok()) << r.status.error().describe();
  EXPECT_EQ(rounds, 9);
}

TEST(RetryPolicyTest, TheTokenEndpointsThrottlingIsNotAnAttempt) {
  FakeClock clock;
  ScriptedTransport transport;
  RetryPolicy retry(clock, RetrySettings{2, 1000ms, 32000ms, 300000ms, 1});
  ClientCredential credential;
  credential.client_id = "client-1";
  credential.secret = "not-a-real-secret";
  AadTokenProvider tokens("https://login.test", credential, transport, retry, clock);
  int calls = 0;
  transport.set_handler([&](const HttpRequest&) -> Result<HttpResponse> {
    if (++calls <= 5) return test::json_response(429, nullptr, {{"retry-after", "2"}});
    return test::json_response(200, {{"access_token", "at"}, {"expires_in", 3600}});
  });
  auto token = tokens.token("contoso");
  ASSERT_TRUE(token.ok()) << token.error().describe();
  EXPECT_EQ(calls, 6);
  EXPECT_EQ(clock.total_slept(), 10000ms);
}

TEST(RetryPolicyTest, AStopSignalEndsAThrottleWaitPromptly) {
  std::atomic<bool> stop{false};
  StopDuringSleepClock clock(stop, 10000ms);  // SIGTERM 10 s into a 300 s Retry-After
  ScriptedTransport transport;
  CountingTokens tokens;
  RetryPolicy retry(clock, RetrySettings{6, 1000ms, 32000ms, 300000ms, 1});
  retry.set_stop_signal(&stop);
  GraphClient client(GraphClientOptions{"https://graph.test/v1.0"}, transport, tokens, retry,
                     nullptr);
  transport.set_handler(
      [](const HttpRequest&) -> Result<HttpResponse> { return too_many_requests("300"); });
  auto user = client.get_user("contoso", "u1");
  ASSERT_FALSE(user.ok());
  EXPECT_EQ(user.error().describe(), "TooManyRequests: Too many requests, retry after some time.");
  EXPECT_EQ(transport.requests().size(), 1u);
  EXPECT_LE(clock.fake.total_slept(), 10000ms + kStopPollInterval);
}

TEST(RetryPolicyTest, AStopSignalEndsAThrottledBatchWaitPromptly) {
  std::atomic<bool> stop{false};
  StopDuringSleepClock clock(stop, 500ms);
  ScriptedTransport transport;
  CountingTokens tokens;
  RetryPolicy retry(clock, RetrySettings{6, 1000ms, 32000ms, 300000ms, 1});
  retry.set_stop_signal(&stop);
  WritePacer pacer(clock);
  GraphClient client(GraphClientOptions{"https://graph.test/v1.0"}, transport, tokens, retry,
                     &pacer);
  transport.set_handler(
      [](const HttpRequest& r) -> Result<HttpResponse> { return batch_answer(r, 429); });
  auto results = client.write_batch("contoso", {GraphWrite::remove("u1")});
  ASSERT_FALSE(results[0].status.ok());
  EXPECT_EQ(results[0].status.error().describe(), "TooManyRequests: Slow down.");
  EXPECT_EQ(transport.requests().size(), 1u);
  EXPECT_LE(clock.fake.total_slept(), 500ms + kStopPollInterval);
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

TEST(WritePacerTest, AThrottledTenantWaitsItsRetryAfterAndGetsHalfTheBudget) {
  FakeClock clock;
  WritePacer pacer(clock, 100, 10000ms);
  pacer.acquire("contoso", 10);
  pacer.throttled("contoso", 2000ms, clock.now());
  EXPECT_EQ(pacer.current_budget("contoso"), 50);
  EXPECT_EQ(pacer.current_budget("fabrikam"), 100);
  EXPECT_EQ(pacer.slowed_tenants(), 1);
  pacer.acquire("fabrikam", 1);  // another tenant is not held back
  EXPECT_EQ(clock.total_slept(), 0ms);
  pacer.acquire("contoso", 1);  // held until the Retry-After has passed
  EXPECT_EQ(clock.total_slept(), 2000ms);
  // 11 booked of 50: 39 more fit; the 40th waits for the window, not the old budget.
  for (int i = 0; i < 39; ++i) pacer.acquire("contoso", 1);
  EXPECT_EQ(clock.total_slept(), 2000ms);
  pacer.acquire("contoso", 1);
  EXPECT_GT(clock.total_slept(), 2000ms);
}

TEST(WritePacerTest, OneBurstOfThrottlingSlowsOnceAndTheBudgetHasAFloor) {
  FakeClock clock;
  WritePacer pacer(clock, 160, 10000ms);
  auto sent = clock.now();
  clock.advance(1ms);
  pacer.throttled("contoso", 10ms, sent);
  // More 429s to writes sent before that slow-down: the same burst.
  pacer.throttled("contoso", 10ms, sent);
  pacer.throttled("contoso", 10ms, sent);
  EXPECT_EQ(pacer.current_budget("contoso"), 80);
  for (int i = 0; i < 10; ++i) {
    clock.advance(1ms);
    pacer.throttled("contoso", 10ms, clock.now());  // each sent after the last slow-down
  }
  EXPECT_EQ(pacer.current_budget("contoso"), 160 / WritePacer::kMinBudgetShare);
}

TEST(WritePacerTest, EachQuietWindowDoublesTheBudgetBack) {
  FakeClock clock;
  WritePacer pacer(clock, 100, 10000ms);
  pacer.throttled("contoso", 1000ms, clock.now());
  clock.advance(1ms);
  pacer.throttled("contoso", 1000ms, clock.now());
  EXPECT_EQ(pacer.current_budget("contoso"), 25);
  clock.advance(10000ms);
  EXPECT_EQ(pacer.current_budget("contoso"), 50);
  clock.advance(10000ms);
  EXPECT_EQ(pacer.current_budget("contoso"), 100);
  EXPECT_EQ(pacer.slowed_tenants(), 0);
}

TEST(WritePacerTest, AStopSignalEndsAPacingWaitWithoutBooking) {
  std::atomic<bool> stop{false};
  StopDuringSleepClock clock(stop, 1000ms);
  WritePacer pacer(clock, 10, 150000ms);
  ASSERT_TRUE(pacer.acquire("contoso", 10, &stop));
  EXPECT_FALSE(pacer.acquire("contoso", 1, &stop));  // would wait 150 s
  EXPECT_LE(clock.fake.total_slept(), 1000ms + kStopPollInterval);
  EXPECT_EQ(pacer.booked("contoso"), 10);
}

TEST(WritePacerTest, ThrottledWritesSlowTheirTenantsPacer) {
  PacedClientRig rig;
  int rounds = 0;
  rig.transport.set_handler([&](const HttpRequest& r) -> Result<HttpResponse> {
    return batch_answer(r, ++rounds <= 2 ? 429 : 204);
  });
  auto results = rig.client.write_batch("contoso", deletions(20));
  for (const auto& r : results) EXPECT_TRUE(r.status.ok());
  EXPECT_EQ(rig.pacer.current_budget("contoso"), 750);  // two bursts: halved twice
  EXPECT_EQ(rig.pacer.current_budget("fabrikam"), 3000);
  EXPECT_EQ(rig.transport.stats().snapshot().throttled, 40u);
}

TEST(ThrottleStatusTest, NoteSaysHowOftenAndHowManyTenantsSlowed) {
  EXPECT_EQ(ThrottleStatus{}.note(), "");
  EXPECT_EQ((ThrottleStatus{243, 0}).note(), "throttled 243x");
  EXPECT_EQ((ThrottleStatus{243, 1}).note(), "throttled 243x, 1 tenant slowed");
  EXPECT_EQ((ThrottleStatus{250, 3}).since(ThrottleStatus{7, 0}).note(),
            "throttled 243x, 3 tenants slowed");
}

TEST(WritePacerTest, BatchCostsItsItemCount) {
  PacedClientRig rig;
  WritePacer& pacer = rig.pacer;
  ScriptedTransport& transport = rig.transport;
  GraphClient& client = rig.client;
  transport.set_handler(
      [](const HttpRequest& r) -> Result<HttpResponse> { return batch_answer(r, 204); });
  std::vector<GraphWrite> writes = deletions(45);
  auto results = client.write_batch("contoso", writes);
  ASSERT_EQ(results.size(), 45u);
  for (const auto& r : results) EXPECT_TRUE(r.status.ok());
  EXPECT_EQ(pacer.booked("contoso"), 45);
  EXPECT_EQ(transport.requests().size(), 3u);
}

}  // namespace retry_and_pacing_test
}  // namespace tenantsync
