// Inputs the fuzz targets (fuzz/) found to misbehave in the connector, kept as tests (the
// inputs themselves are in fuzz/regressions/): each must give a clean, bounded result. Found with
// UndefinedBehaviorSanitizer, where a float outside the range of an integer type, or a signed
// overflow, is undefined behaviour; without the sanitizer they showed as a negative wait or a
// wrapped status.
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "connector/graph_client.h"
#include "connector/graph_errors.h"
#include "connector/retry_policy.h"
#include "connector/token_provider.h"
#include "sync/clock.h"
#include "tests/connector/scripted_transport.h"

namespace tenantsync {
namespace fuzz_regression_test {

using namespace std::chrono_literals;
using nlohmann::json;
using test::ScriptedTransport;

// The inputs a fuzz target crashed on, kept under fuzz/regressions/<target>/.
std::string crash_input(const std::string& target, const std::string& name) {
  std::ifstream in(std::string(TENANTSYNC_SOURCE_DIR) + "/fuzz/regressions/" + target + "/" + name,
                   std::ios::binary);
  EXPECT_TRUE(in) << target << "/" << name;
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// fuzz_token_response crash-94bb673f and crash-569878fe: a 200 whose expires_in (6.6e26 s
// as a float, 6.7e13 s as an integer) is beyond any clock (the input's first byte picks
// the status, 0 = 200). So is the largest integer.
std::vector<std::string> huge_lifetime_answers() {
  return {crash_input("fuzz_token_response", "crash-94bb673f6e68911a86b57a5aabba43392301ab3c")
              .substr(1),
          crash_input("fuzz_token_response", "crash-569878fe13d50e94aa6f31fe0d3eb8dbe5da5239")
              .substr(1),
          R"({"access_token":"t","expires_in":9223372036854775807})",
          R"({"access_token":"t","expires_in":"9223372036854775807"})",
          R"({"access_token":"t","expires_in":1e308})"};
}

TEST(FuzzRegressionTest, ATokenLifetimeBeyondAnyClockIsCappedAtADay) {
  for (const std::string& body : huge_lifetime_answers()) {
    SCOPED_TRACE(body);
    FakeClock clock;
    ScriptedTransport transport([&](const HttpRequest&) -> Result<HttpResponse> {
      HttpResponse r;
      r.status = 200;
      r.body = body;
      return r;
    });
    RetryPolicy retry(clock, RetrySettings{1, 1ms, 1ms, 1ms, 1});
    ClientCredential credential;
    credential.client_id = "c";
    credential.secret = "s";
    AadTokenProvider tokens("https://login.test", credential, transport, retry, clock);

    ASSERT_TRUE(tokens.token("contoso").ok());
    clock.advance(23h);
    ASSERT_TRUE(tokens.token("contoso").ok());
    EXPECT_EQ(tokens.fetch_count(), 1) << "a long-lived token is kept";
    clock.advance(1h);
    ASSERT_TRUE(tokens.token("contoso").ok());
    EXPECT_EQ(tokens.fetch_count(), 2) << "but never for more than a day";
  }
}

// fuzz_graph_errors crash-89e5c6b2: a 504 with a Retry-After of 42 digits (the input's
// first line; parse_retry_after accepts any decimal).
TEST(FuzzRegressionTest, AHugeRetryAfterWaitsThePolicysCap) {
  FakeClock clock;
  RetrySettings settings{6, 1000ms, 32000ms, 300000ms, 1};
  RetryPolicy retry(clock, settings);
  std::string found =
      crash_input("fuzz_graph_errors", "crash-89e5c6b2e492ad02cd18deb91145470db0d56c1c");
  found = found.substr(1, found.find('\n') - 1);
  for (const std::string& value : {found, std::string("99999999999999999999999999"),
                                   std::string("1e999"), std::string("9223372036854775.807")}) {
    SCOPED_TRACE(value);
    Error e = classify_graph_error(504, {{"retry-after", value}}, "");
    auto delay = retry.delay_after(1, e);
    EXPECT_GE(delay.count(), 0);
    EXPECT_LE(delay, settings.max_retry_after);
  }
}

// fuzz_graph_batch: a $batch item whose status does not fit an int (4294967496 is 2^32 +
// 200) must not pass for a 200.
TEST(FuzzRegressionTest, ABatchItemStatusOutOfRangeIsNoAnswer) {
  FakeClock clock;
  ScriptedTransport transport([&](const HttpRequest&) -> Result<HttpResponse> {
    return test::json_response(200, {{"responses",
                                      {{{"id", "0"}, {"status", 4294967496ULL}},
                                       {{"id", "1"}, {"status", -200}},
                                       {{"id", "2"}, {"status", 204}}}}});
  });
  test::CountingTokens tokens;
  RetryPolicy retry(clock, RetrySettings{1, 1ms, 1ms, 1ms, 1});
  GraphClient client(GraphClientOptions{"https://graph.test/v1.0"}, transport, tokens, retry,
                     nullptr);
  auto results = client.write_batch(
      "contoso", {GraphWrite::remove("u1"), GraphWrite::remove("u2"), GraphWrite::remove("u3")});
  ASSERT_EQ(results.size(), 3u);
  for (int i : {0, 1}) {
    ASSERT_FALSE(results[i].status.ok()) << i;
    EXPECT_EQ(results[i].status.error().kind, ErrorKind::Invalid) << i;
  }
  EXPECT_TRUE(results[2].status.ok());
}

// fuzz_graph_pages crash-68e44997: a subscribedSkus page (selector byte 4, status byte 0 =
// 200) with a seat count of 3.2e20.
TEST(FuzzRegressionTest, ASkuPageWithASeatCountBeyondIntIsInvalid) {
  std::string input =
      crash_input("fuzz_graph_pages", "crash-68e449973ed66f12d6205547895f39d4b4c75a5a");
  ASSERT_GT(input.size(), 2u);
  ASSERT_EQ(input[0], 4);
  FakeClock clock;
  ScriptedTransport transport([&](const HttpRequest&) -> Result<HttpResponse> {
    HttpResponse r;
    r.status = 200;
    r.body = input.substr(2, input.find("\n#next\n", 2) - 2);
    return r;
  });
  test::CountingTokens tokens;
  RetryPolicy retry(clock, RetrySettings{1, 1ms, 1ms, 1ms, 1});
  GraphClient client(GraphClientOptions{"https://graph.test/v1.0"}, transport, tokens, retry,
                     nullptr);
  auto skus = client.subscribed_skus("contoso");
  ASSERT_FALSE(skus.ok());
  EXPECT_EQ(skus.error().kind, ErrorKind::Invalid);
  EXPECT_NE(skus.error().message.find("subscribedSkus page 1: unexpected data in item"),
            std::string::npos)
      << skus.error().message;
}

}  // namespace fuzz_regression_test
}  // namespace tenantsync
