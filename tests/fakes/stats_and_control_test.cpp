// GET /_fake/stats counts exactly (tests elsewhere rely on it), and the other control
// endpoints: state dump, out-of-band licenses, clock.
#include <gtest/gtest.h>

#include <signal.h>

#include <chrono>

#include "tests/fakes/graph_test_support.h"

namespace tenantsync::test {
namespace stats_and_control_test {

class StatsAndControlTest : public FakeGraphTest {};

TEST_F(StatsAndControlTest, CountsEveryRequestUnderItsFoldedRoute) {
  std::string tok = token();
  fake_->reset_stats();
  for (int i = 0; i < 3; ++i) get("/users?$top=2", tok);
  get("/users/" + enc(contoso_upn("adele.vance")), tok);
  get("/users/" + enc(contoso_upn("nobody")), tok);
  assign(contoso_upn("megan.bowen"),
         json::array({{{"skuId", kEms}, {"disabledPlans", json::array()}}}), json::array());
  json batch = {{"requests",
                 {{{"id", "a"}, {"method", "GET"}, {"url", "/subscribedSkus"}},
                  {{"id", "b"},
                   {"method", "PATCH"},
                   {"url", "/users/" + enc(contoso_upn("lee.gu"))},
                   {"headers", {{"Content-Type", "application/json"}}},
                   {"body", {{"department", "IT"}}}}}}};
  send("POST", "/$batch", batch, tok);
  get("/users", "bogus");

  json expected = {{"requests",
                    {{"GET /v1.0/users", {{"200", 3}, {"401", 1}}},
                     {"GET /v1.0/users/{id}", {{"200", 1}, {"404", 1}}},
                     {"POST /v1.0/users/{id}/assignLicense", {{"200", 1}}},
                     {"POST /v1.0/$batch", {{"200", 1}}},
                     {"GET /v1.0/subscribedSkus", {{"200", 1}}},
                     {"PATCH /v1.0/users/{id}", {{"204", 1}}}}},
                   {"writes", 2},
                   {"batches", 1},
                   {"throttled", 0},
                   {"dropped", 0},
                   {"unansweredWrites", 0},
                   {"errors", 0},
                   {"held", 0}};
  EXPECT_EQ(fake_->stats(), expected);
  fake_->reset_stats();
  EXPECT_EQ(fake_->stats()["requests"], json::object());
  EXPECT_EQ(fake_->stats()["writes"], 0);
}

TEST_F(StatsAndControlTest, TokenRequestsAreCountedControlRequestsAreNot) {
  fake_->reset_stats();
  token();
  fake_->state(kContoso);
  json stats = fake_->stats();
  EXPECT_EQ(stats["requests"], (json{{"POST /{tenant}/oauth2/v2.0/token", {{"200", 1}}}}));
}

TEST_F(StatsAndControlTest, StateByIdOrDomainIsFixtureShaped) {
  json by_domain = fake_->state(kContoso);
  json by_id = fake_->state(by_domain["id"]);
  EXPECT_EQ(by_domain, by_id);
  for (const char* key :
       {"id", "defaultDomainName", "displayName", "skus", "users", "deletedUsers",
        "mutuallyExclusivePlans", "planDependencies", "prohibitedLocations", "roleAssignments"}) {
    EXPECT_TRUE(by_domain.contains(key)) << key;
  }
  EXPECT_EQ(by_domain["users"].size(), 23u);
  EXPECT_EQ(by_domain["deletedUsers"].size(), 1u);
  EXPECT_THROW(fake_->state("nowhere.example"), std::runtime_error);
}

TEST_F(StatsAndControlTest, OutOfBandLicensesBypassRulesButNeedKnownSkus) {
  fake_->set_licenses(kContoso, contoso_upn("irvin.sayers"),
                      json::array({{{"skuId", kSpeE5}, {"disabledPlans", json::array()}}}));
  EXPECT_EQ(state_user(kContoso, contoso_upn("irvin.sayers"))["assignedLicenses"][0]["skuId"],
            kSpeE5);
  EXPECT_THROW(fake_->set_licenses(kContoso, contoso_upn("irvin.sayers"),
                                   json::array({{{"skuId", "not-a-sku"}}})),
               std::runtime_error);
  EXPECT_EQ(fake_->stats()["writes"], 0);
}

TEST_F(StatsAndControlTest, ClockAdvances) {
  HttpReply before = http_request("GET", fake_->url() + "/_fake/clock");
  std::string now = body_of(before)["now"];
  EXPECT_EQ(now.substr(0, 10), "2026-11-20");
  fake_->advance_clock(3L * 24 * 3600);
  std::string later = body_of(http_request("GET", fake_->url() + "/_fake/clock"))["now"];
  EXPECT_EQ(later.substr(0, 10), "2026-11-23");
}

TEST_F(StatsAndControlTest, ShutsDownOnSigterm) {
  pid_t pid = fake_->pid();
  auto start_time = std::chrono::steady_clock::now();
  fake_.reset();  // SIGTERM, waitpid; SIGKILL only after 5 s
  EXPECT_LT(std::chrono::steady_clock::now() - start_time, std::chrono::seconds(3));
  EXPECT_NE(kill(pid, 0), 0);
}

}  // namespace stats_and_control_test
}  // namespace tenantsync::test
