// Bad answers from the remote, end to end: a scripted Graph on loopback HTTP, the real
// transport, token provider and GraphDirectory, mirrored into a real Cache. Truncated JSON,
// wrong types, missing fields, an HTML page with 200, a huge page, a nextLink to another
// host, a bad token answer: each fails that tenant alone with an error that says what was
// wrong, and the tenant keeps its last complete state in the cache, marked stale. Unknown
// enum values are the exception: Graph adds enum members over time, so they are kept
// verbatim and never treated as anything stronger than what tenantsync knows.
#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "connector/cpprest_transport.h"
#include "connector/graph_directory.h"
#include "sync/clock.h"
#include "sync/mirror/mirror.h"
#include "sync/store/cache.h"
#include "tests/support/local_http_server.h"
#include "tests/support/run_program.h"

namespace tenantsync {
namespace bad_remote_data_test {

using namespace std::chrono_literals;
using nlohmann::json;
using test::http_reply;
using test::LocalHttpServer;

const std::string kPartner = "partner.onmicrosoft.com";
const std::string kContoso = "tid-contoso";
const std::string kFabrikam = "tid-fabrikam";
const std::string kE3 = "05e9a617-0261-4cee-bb44-138d3ef5d965";

// One HTTP answer as the scripted service gives it.
struct Answer {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
};

Answer json_answer(const json& body) { return Answer{200, "application/json", body.dump()}; }

json graph_user(const std::string& id, const std::string& upn) {
  return {{"id", id},
          {"userPrincipalName", upn},
          {"displayName", upn.substr(0, upn.find('@'))},
          {"accountEnabled", true},
          {"usageLocation", "US"},
          {"assignedLicenses", json::array({{{"skuId", kE3}, {"disabledPlans", json::array()}}})},
          {"licenseAssignmentStates", json::array()}};
}

json graph_sku(const std::string& capability = "Enabled") {
  return {{"id", "x_" + kE3},
          {"skuId", kE3},
          {"skuPartNumber", "SPE_E3"},
          {"appliesTo", "User"},
          {"capabilityStatus", capability},
          {"consumedUnits", 3},
          {"prepaidUnits", {{"enabled", 10}, {"suspended", 0}, {"warning", 0}, {"lockedOut", 0}}},
          {"servicePlans", json::array()}};
}

// A minimal Graph for a partner with two customers, contoso (three users over two pages)
// and fabrikam (one user). A full read asks /users/delta?$deltatoken=latest for its link,
// then pages /users; a delta round pages /users/delta from that link. Both are served
// the same scripted pages. Tokens are "token-for-<tenant>"; a Graph call's tenant is the
// one its token names, as on the real service. Any answer can be replaced.
class ScriptedGraph {
 public:
  ScriptedGraph() : server_([this](const LocalHttpServer::Request& r) { return answer(r); }) {
    const std::string base = server_.url() + "/v1.0";
    contracts_ = json_answer({{"value",
                               {{{"customerId", kContoso},
                                 {"defaultDomainName", "contoso.onmicrosoft.com"},
                                 {"displayName", "Contoso"}},
                                {{"customerId", kFabrikam},
                                 {"defaultDomainName", "fabrikam.onmicrosoft.com"},
                                 {"displayName", "Fabrikam"}}}}});
    for (const auto& t : {kContoso, kFabrikam}) skus_[t] = json_answer({{"value", {graph_sku()}}});
    users_[kContoso] = {json_answer({{"value",
                                      {graph_user("u1", "adele@contoso.com"),
                                       graph_user("u2", "alex@contoso.com")}},
                                     {"@odata.nextLink", base + "/users?page=2"}}),
                        json_answer({{"value", {graph_user("u3", "megan@contoso.com")}},
                                     {"@odata.deltaLink", base + "/users/delta?token=contoso-1"}})};
    users_[kFabrikam] = {
        json_answer({{"value", {graph_user("f1", "anna@fabrikam.com")}},
                     {"@odata.deltaLink", base + "/users/delta?token=fabrikam-1"}})};
    for (const auto& [t, name] :
         {std::pair{kContoso, "contoso"}, std::pair{kFabrikam, "fabrikam"}}) {
      latest_[t] = json_answer(
          {{"value", json::array()},
           {"@odata.deltaLink", base + "/users/delta?token=" + std::string(name) + "-1"}});
    }
  }

  std::string url() const { return server_.url(); }
  std::string graph_url() const { return server_.url() + "/v1.0"; }

  // Page `n` (1-based) of the tenant's users delta round.
  void set_users_page(const std::string& tenant, size_t n, Answer answer) {
    std::lock_guard<std::mutex> lock(mu_);
    users_[tenant].resize(std::max(users_[tenant].size(), n));
    users_[tenant][n - 1] = std::move(answer);
  }
  // The answer to /users/delta?$deltatoken=latest ("sync from now").
  void set_latest(const std::string& tenant, Answer answer) {
    std::lock_guard<std::mutex> lock(mu_);
    latest_[tenant] = std::move(answer);
  }
  void set_skus(const std::string& tenant, Answer answer) {
    std::lock_guard<std::mutex> lock(mu_);
    skus_[tenant] = std::move(answer);
  }
  void set_contracts(Answer answer) {
    std::lock_guard<std::mutex> lock(mu_);
    contracts_ = std::move(answer);
  }
  void set_token_answer(const std::string& tenant, Answer answer) {
    std::lock_guard<std::mutex> lock(mu_);
    tokens_[tenant] = std::move(answer);
  }
  std::vector<LocalHttpServer::Request> requests() const { return server_.requests(); }

 private:
  LocalHttpServer::Reply reply(const Answer& a) {
    return http_reply(a.status, a.body, {{"Content-Type", a.content_type}});
  }

  LocalHttpServer::Reply answer(const LocalHttpServer::Request& r) {
    std::lock_guard<std::mutex> lock(mu_);
    const std::string path = r.target.substr(0, r.target.find('?'));
    const std::string query = r.target.size() > path.size() ? r.target.substr(path.size()) : "";
    const std::string token_suffix = "/oauth2/v2.0/token";
    if (r.method == "POST" && path.size() > token_suffix.size() &&
        path.compare(path.size() - token_suffix.size(), token_suffix.size(), token_suffix) == 0) {
      std::string tenant = path.substr(1, path.size() - token_suffix.size() - 1);
      auto scripted = tokens_.find(tenant);
      if (scripted != tokens_.end()) return reply(scripted->second);
      return reply(json_answer({{"token_type", "Bearer"},
                                {"expires_in", 3600},
                                {"access_token", "token-for-" + tenant}}));
    }
    auto auth = r.headers.find("authorization");
    const std::string prefix = "Bearer token-for-";
    if (auth == r.headers.end() || auth->second.rfind(prefix, 0) != 0) {
      return http_reply(401, R"({"error":{"code":"InvalidAuthenticationToken","message":"no"}})");
    }
    const std::string tenant = auth->second.substr(prefix.size());
    if (path == "/v1.0/contracts" && tenant == kPartner) return reply(contracts_);
    if (path == "/v1.0/subscribedSkus" && skus_.count(tenant)) return reply(skus_[tenant]);
    if (path == "/v1.0/users/delta" && query.find("deltatoken=latest") != std::string::npos &&
        latest_.count(tenant)) {
      return reply(latest_[tenant]);
    }
    if ((path == "/v1.0/users/delta" || path == "/v1.0/users") && users_.count(tenant)) {
      size_t page = query.find("page=2") != std::string::npos ? 2 : 1;
      if (page <= users_[tenant].size()) return reply(users_[tenant][page - 1]);
    }
    if (path == "/v1.0/directory/deletedItems/microsoft.graph.user") {
      return reply(json_answer({{"value", json::array()}}));
    }
    return http_reply(404, R"({"error":{"code":"Request_ResourceNotFound","message":"no"}})");
  }

  mutable std::mutex mu_;
  Answer contracts_;                                  // guarded by mu_
  std::map<std::string, Answer> skus_;                // guarded by mu_
  std::map<std::string, std::vector<Answer>> users_;  // guarded by mu_
  std::map<std::string, Answer> latest_;              // guarded by mu_
  std::map<std::string, Answer> tokens_;              // guarded by mu_
  LocalHttpServer server_;  // last: stops (joins its threads) before the state goes
};

// What a test compares before and after a failed mirror: everything a plan reads.
struct TenantState {
  TenantSnapshot snapshot;
  SyncState sync;
};

class BadRemoteDataTest : public ::testing::Test {
 protected:
  BadRemoteDataTest() {
    auto cache = Cache::open(dir_.file("cache.db"), clock_);
    if (!cache.ok()) throw std::runtime_error(cache.error().describe());
    cache_ = std::move(cache).value();
  }

  // The production parts (cpprestsdk transport, AAD token provider) against the script.
  std::unique_ptr<GraphDirectory> directory() {
    RemoteConfig config;
    config.graph_url = graph_.graph_url();
    config.authority_url = graph_.url();
    config.partner_tenant = kPartner;
    config.client_id = "11111111-1111-1111-1111-111111111111";
    ClientCredential credential;
    credential.client_id = config.client_id;
    credential.secret = "bad-data-secret";
    GraphDirectory::Parts parts;
    parts.transport = std::make_unique<CpprestTransport>(CpprestTransport::Options{4, false, ""});
    parts.retry = std::make_unique<RetryPolicy>(clock_, RetrySettings{2, 1ms, 2ms, 10ms, 1});
    parts.tokens = std::make_unique<AadTokenProvider>(graph_.url(), credential, *parts.transport,
                                                      *parts.retry, clock_, 20s);
    return std::make_unique<GraphDirectory>(config, std::move(parts));
  }

  MirrorResult mirror(bool full) {
    auto dir = directory();
    MirrorOptions options;
    options.full = full;
    options.concurrency = 2;
    return mirror_tenants(*dir, *cache_, options);
  }

  TenantState state_of(const std::string& tenant) {
    auto snapshot = cache_->load_snapshot(tenant);
    auto sync = cache_->sync_state(tenant);
    EXPECT_TRUE(snapshot.ok() && sync.ok());
    return {snapshot.ok() ? *snapshot : TenantSnapshot{}, sync.ok() ? *sync : SyncState{}};
  }

  const TenantMirrorResult& result_for(const MirrorResult& r, const std::string& tenant) {
    for (const auto& t : r.tenants) {
      if (t.tenant.id == tenant) return t;
    }
    throw std::runtime_error("no result for " + tenant);
  }

  // A first complete mirror of both tenants; returns contoso's state after it.
  TenantState mirror_once() {
    MirrorResult first = mirror(/*full=*/false);
    EXPECT_TRUE(first.ok());
    TenantState contoso = state_of(kContoso);
    EXPECT_EQ(contoso.snapshot.users.size(), 3u);
    EXPECT_EQ(contoso.sync.outcome, MirrorState::Complete);
    clock_.advance(1h);  // so a later complete mirror would show a new synced_at
    return contoso;
  }

  // The second mirror failed for contoso alone, with an error containing `expected`, and
  // contoso still has exactly its state from `before`, marked stale with that error.
  void expect_contoso_failed_and_kept(const MirrorResult& second, const TenantState& before,
                                      const std::string& expected) {
    ASSERT_FALSE(second.error) << second.error->describe();
    const TenantMirrorResult& contoso = result_for(second, kContoso);
    ASSERT_TRUE(contoso.error) << "the bad answer was accepted";
    const std::string message = contoso.error->describe();
    EXPECT_NE(message.find(expected), std::string::npos) << message;
    EXPECT_NE(message.find(kContoso), std::string::npos) << "names the tenant: " << message;
    EXPECT_TRUE(result_for(second, kFabrikam).ok()) << "other tenants still mirror";
    EXPECT_EQ(state_of(kFabrikam).sync.outcome, MirrorState::Complete);

    TenantState after = state_of(kContoso);
    EXPECT_EQ(after.snapshot.users, before.snapshot.users);
    EXPECT_EQ(after.snapshot.deleted_users, before.snapshot.deleted_users);
    EXPECT_EQ(after.snapshot.skus, before.snapshot.skus);
    EXPECT_EQ(after.sync.delta_link, before.sync.delta_link);
    EXPECT_EQ(after.sync.synced_at, before.sync.synced_at);
    EXPECT_EQ(after.sync.state_version, before.sync.state_version);
    EXPECT_EQ(after.sync.outcome, MirrorState::Stale);
    EXPECT_EQ(after.snapshot.mirror, MirrorState::Stale);
    EXPECT_NE(after.sync.error.find(expected), std::string::npos) << after.sync.error;
  }

  test::TempDir dir_;
  FakeClock clock_;
  ScriptedGraph graph_;
  std::unique_ptr<Cache> cache_;
};

// ---- page 2 of contoso's full read is bad ---------------------------------------------

struct BadPage {
  const char* name;
  std::function<Answer(const std::string& graph_url)> page;
  const char* expected;  // in the tenant's error
};

json last_page_with(const json& user, const std::string& graph_url) {
  return {{"value", {user}}, {"@odata.deltaLink", graph_url + "/users/delta?token=contoso-2"}};
}

json user_with(const char* key, const json& value) {
  json u = graph_user("u3", "megan@contoso.com");
  if (value.is_discarded()) {
    u.erase(key);
  } else {
    u[key] = value;
  }
  return u;
}

const json kMissing = json::value_t::discarded;

class BadSecondPageTest : public BadRemoteDataTest,
                          public ::testing::WithParamInterface<BadPage> {};

TEST_P(BadSecondPageTest, FailsTheTenantAndKeepsItsLastCompleteState) {
  TenantState before = mirror_once();
  graph_.set_users_page(kContoso, 2, GetParam().page(graph_.graph_url()));
  expect_contoso_failed_and_kept(mirror(/*full=*/true), before, GetParam().expected);
}

std::string truncated(const std::string& graph_url) {
  std::string whole = last_page_with(graph_user("u3", "megan@contoso.com"), graph_url).dump();
  return whole.substr(0, whole.size() / 2);
}

std::string huge_page(const std::string& graph_url) {
  // Just over the 64 MiB a single answer may have, in valid JSON (built as text: fast).
  std::string user = graph_user("h", "huge@contoso.com").dump();
  user.insert(user.size() - 1, ",\"jobTitle\":\"" + std::string(64 * 1024, 'x') + "\"");
  std::string page = "{\"value\":[";
  page.reserve((size_t{64} << 20) + 2 * user.size());
  for (int i = 0; page.size() <= (size_t{64} << 20); ++i) page += (i ? "," : "") + user;
  return page + "],\"@odata.deltaLink\":\"" + graph_url + "/users/delta?token=huge\"}";
}

INSTANTIATE_TEST_SUITE_P(
    BadRemoteData, BadSecondPageTest,
    ::testing::Values(
        BadPage{"TruncatedJson",
                [](const std::string& g) {
                  return Answer{200, "application/json", truncated(g)};
                },
                "the response is not valid JSON (HTTP 200"},
        BadPage{"HtmlWith200",
                [](const std::string&) {
                  return Answer{200, "text/html; charset=utf-8",
                                "<!DOCTYPE html><html><body>Sign in to continue</body></html>"};
                },
                "not valid JSON (HTTP 200, content-type text/html; charset=utf-8"},
        BadPage{"EmptyBodyWith200",
                [](const std::string&) {
                  return Answer{200, "", ""};
                },
                "not valid JSON"},
        BadPage{"JsonNull",
                [](const std::string&) {
                  return Answer{200, "application/json", "null"};
                },
                "users page 2: the response has no \"value\" array"},
        BadPage{"ValueIsAnObject",
                [](const std::string& g) {
                  return json_answer({{"value", graph_user("u3", "megan@contoso.com")},
                                      {"@odata.deltaLink", g + "/users/delta?token=x"}});
                },
                "the response has no \"value\" array"},
        BadPage{"AccountEnabledIsAString",
                [](const std::string& g) {
                  return json_answer(last_page_with(user_with("accountEnabled", "yes"), g));
                },
                "users page 2: unexpected data in item 0"},
        BadPage{"UpnIsANumber",
                [](const std::string& g) {
                  return json_answer(last_page_with(user_with("userPrincipalName", 42), g));
                },
                "unexpected data in item 0"},
        BadPage{"LicensesAreAString",
                [](const std::string& g) {
                  return json_answer(last_page_with(user_with("assignedLicenses", "SPE_E3"), g));
                },
                "unexpected data in item 0"},
        BadPage{"UserItemIsAString",
                [](const std::string& g) {
                  return json_answer({{"value", {"megan@contoso.com"}},
                                      {"@odata.deltaLink", g + "/users/delta?token=x"}});
                },
                "unexpected data in item 0"},
        BadPage{"UserWithoutId",
                [](const std::string& g) {
                  return json_answer(last_page_with(user_with("id", kMissing), g));
                },
                "unexpected data in item 0"},
        BadPage{"LicenseWithoutSkuId",
                [](const std::string& g) {
                  return json_answer(
                      last_page_with(user_with("assignedLicenses",
                                               json::array({{{"disabledPlans", json::array()}}})),
                                     g));
                },
                "unexpected data in item 0"},
        BadPage{"HugePage",
                [](const std::string& g) {
                  return Answer{200, "application/json", huge_page(g)};
                },
                "bytes, more than the 67108864 bytes tenantsync reads in one answer"}),
    [](const ::testing::TestParamInfo<BadPage>& info) { return std::string(info.param.name); });

// ---- the other reads ------------------------------------------------------------------

TEST_F(BadRemoteDataTest, SyncFromNowWithoutADeltaLinkFailsTheFullRead) {
  TenantState before = mirror_once();
  graph_.set_latest(kContoso, json_answer({{"value", json::array()}}));
  expect_contoso_failed_and_kept(mirror(/*full=*/true), before,
                                 "the users delta ($deltatoken=latest) gave no deltaLink");
  graph_.set_latest(kContoso, Answer{200, "text/html", "<html>oops</html>"});
  expect_contoso_failed_and_kept(mirror(/*full=*/true), before, "not valid JSON");
}

TEST_F(BadRemoteDataTest, ADeltaRoundWithoutADeltaLinkKeepsTheStoredOne) {
  TenantState before = mirror_once();
  graph_.set_users_page(kContoso, 1, json_answer({{"value", json::array()}}));
  expect_contoso_failed_and_kept(mirror(/*full=*/false), before,
                                 "the users delta round ended without a deltaLink");
}

TEST_F(BadRemoteDataTest, NextLinkToAnotherHostIsRefusedAndNoTokenGoesThere) {
  LocalHttpServer elsewhere([](const LocalHttpServer::Request&) {
    return http_reply(200, R"({"value":[],"@odata.deltaLink":"x"})");
  });
  TenantState before = mirror_once();
  // Another host name, and another port on the same address: both are other origins.
  for (const std::string& other :
       {"http://localhost:" + std::to_string(elsewhere.port()), elsewhere.url()}) {
    graph_.set_users_page(
        kContoso, 1,
        json_answer({{"value", {graph_user("u1", "adele@contoso.com")}},
                     {"@odata.nextLink", other + "/v1.0/users/delta?page=2&$skiptoken=abc"}}));
    expect_contoso_failed_and_kept(mirror(/*full=*/true), before,
                                   "refusing to follow nextLink to another host");
  }
  EXPECT_TRUE(elsewhere.requests().empty()) << "a request (with our token) went to the other host";
}

TEST_F(BadRemoteDataTest, BadSkuPageKeepsTheSkus) {
  TenantState before = mirror_once();
  graph_.set_skus(kContoso, json_answer({{"value", {{{"skuId", kE3}, {"consumedUnits", "3"}}}}}));
  expect_contoso_failed_and_kept(mirror(/*full=*/true), before,
                                 "subscribedSkus page 1: unexpected data in item 0");
  graph_.set_skus(kContoso, Answer{200, "text/html", "<html>maintenance</html>"});
  expect_contoso_failed_and_kept(mirror(/*full=*/true), before, "not valid JSON");
}

TEST_F(BadRemoteDataTest, TokenAnswerWithoutATokenFailsThatTenant) {
  TenantState before = mirror_once();
  graph_.set_token_answer(kContoso, Answer{200, "text/html", "<html>proxy login</html>"});
  expect_contoso_failed_and_kept(
      mirror(/*full=*/true), before,
      "the token endpoint for " + kContoso + " answered 200 without an access token");
  graph_.set_token_answer(kContoso, json_answer({{"access_token", 7}, {"expires_in", "soon"}}));
  expect_contoso_failed_and_kept(mirror(/*full=*/true), before, "without an access token");
}

TEST_F(BadRemoteDataTest, BadContractsFailTheWholeMirrorAndTouchNothing) {
  TenantState before = mirror_once();
  graph_.set_contracts(json_answer({{"value", {{{"customerId", kContoso}}}}}));
  MirrorResult second = mirror(/*full=*/true);
  ASSERT_TRUE(second.error);
  EXPECT_NE(second.error->describe().find("contracts page 1: unexpected data in item 0"),
            std::string::npos)
      << second.error->describe();
  TenantState after = state_of(kContoso);
  EXPECT_EQ(after.snapshot.users, before.snapshot.users);
  EXPECT_EQ(after.sync.outcome, MirrorState::Complete);  // nothing was read for it
  EXPECT_EQ(after.sync.state_version, before.sync.state_version);
}

TEST_F(BadRemoteDataTest, BadDeltaPageKeepsTheStoredDeltaLink) {
  TenantState before = mirror_once();
  ASSERT_NE(before.sync.delta_link.find("token=contoso-1"), std::string::npos);
  // The delta round starts from the stored link (page 1) and breaks on page 2: the link
  // stays, so the next mirror reads the same round again.
  graph_.set_users_page(
      kContoso, 1,
      json_answer({{"value", json::array()},
                   {"@odata.nextLink", graph_.graph_url() + "/users/delta?page=2"}}));
  graph_.set_users_page(kContoso, 2, Answer{200, "text/html", "<html>oops</html>"});
  expect_contoso_failed_and_kept(mirror(/*full=*/false), before, "users delta page 2");
  EXPECT_EQ(result_for(mirror(false), kContoso).kind, ReadKind::Delta);
}

TEST_F(BadRemoteDataTest, UnknownEnumValuesAreKeptVerbatimAndNeverReadAsMore) {
  TenantState before = mirror_once();
  // Graph adds enum members over time: an unknown capability, assignment state or
  // removal reason must neither fail the tenant nor be read as something stronger.
  graph_.set_skus(kContoso, json_answer({{"value", {graph_sku("FutureStatus")}}}));
  json user = graph_user("u1", "adele@contoso.com");
  user["licenseAssignmentStates"] = {{{"skuId", kE3},
                                      {"assignedByGroup", nullptr},
                                      {"disabledPlans", json::array()},
                                      {"state", "QuantumPending"},
                                      {"error", "SomethingNew"}}};
  graph_.set_users_page(
      kContoso, 1,
      json_answer({{"value",
                    {user,
                     {{"id", "u2"}, {"@removed", {{"reason", "evaporated"}}}},
                     {{"id", "u3"}, {"@removed", {{"reason", "deleted"}}}}}},
                   {"@odata.deltaLink", graph_.graph_url() + "/users/delta?token=contoso-2"}}));

  // An unknown removal reason is the weaker removal: soft-deleted (restorable), not gone.
  std::vector<std::string> soft, hard;
  auto link = directory()->read_users(kContoso, before.sync.delta_link, [&](UserPage&& page) {
    soft.insert(soft.end(), page.removed_soft.begin(), page.removed_soft.end());
    hard.insert(hard.end(), page.removed_hard.begin(), page.removed_hard.end());
    return Status();
  });
  ASSERT_TRUE(link.ok()) << link.error().describe();
  EXPECT_EQ(soft, std::vector<std::string>{"u2"});
  EXPECT_EQ(hard, std::vector<std::string>{"u3"});

  MirrorResult second = mirror(/*full=*/false);
  const TenantMirrorResult& contoso = result_for(second, kContoso);
  ASSERT_TRUE(contoso.ok()) << contoso.error->describe();
  EXPECT_EQ(contoso.kind, ReadKind::Delta);
  TenantState after = state_of(kContoso);
  EXPECT_EQ(after.sync.outcome, MirrorState::Complete);
  ASSERT_EQ(after.snapshot.skus.size(), 1u);
  EXPECT_EQ(after.snapshot.skus[0].capability_status, "FutureStatus");
  ASSERT_EQ(after.snapshot.users.size(), 1u);
  ASSERT_EQ(after.snapshot.users[0].license_states.size(), 1u);
  EXPECT_EQ(after.snapshot.users[0].license_states[0].state, "QuantumPending");
  EXPECT_EQ(after.snapshot.users[0].license_states[0].error, "SomethingNew");
}

}  // namespace bad_remote_data_test
}  // namespace tenantsync
