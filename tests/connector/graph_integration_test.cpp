// GraphDirectory over real loopback HTTP against fake-graph: both credentials and their
// failures, token expiry, paging 5,000 users, delta resume and resync, a $batch of 45
// with refusals and throttling checked against the fake's own state and counters, 429
// and 503 storms, and dropped writes that must not be applied twice.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <set>

#include "connector/cpprest_transport.h"
#include "connector/graph_directory.h"
#include "sync/clock.h"
#include "tests/connector/test_certificate.h"
#include "tests/support/fake_graph_process.h"

namespace tenantsync {
namespace graph_integration_test {

using namespace std::chrono_literals;
using nlohmann::json;
using test::FakeGraphProcess;

const std::string kAdminClient = "11111111-1111-1111-1111-111111111111";
const std::string kDemoSecret = "demo-secret";
const std::string kGeneratedSecret = "generated-secret";
const std::string kReaderClient = "22222222-2222-2222-2222-222222222222";
const std::string kReaderSecret = "reader-secret";
const std::string kCertClient = "33333333-3333-3333-3333-333333333333";
const std::string kContoso = "contoso.onmicrosoft.com";
const std::string kPartner = "partner.onmicrosoft.com";
const std::string kSpeE5 = "06ebc4ee-1bb5-47dd-8120-11324bc54e06";
const std::string kUnknownSku = "0badc0de-0000-4000-8000-000000000000";

SystemClock& system_clock() {
  static SystemClock clock;
  return clock;
}

ClientCredential secret_credential(const std::string& client, const std::string& secret) {
  ClientCredential c;
  c.client_id = client;
  c.secret = secret;
  return c;
}

// The production wiring, with short backoffs so fault storms finish quickly.
std::unique_ptr<GraphDirectory> make_directory(
    const FakeGraphProcess& fake, ClientCredential credential, int max_attempts = 10,
    int write_budget = WritePacer::kDefaultBudget,
    std::chrono::milliseconds write_window = WritePacer::kDefaultWindow) {
  Clock& clock = system_clock();
  RemoteConfig config;
  config.graph_url = fake.graph_url();
  config.authority_url = fake.url();
  config.partner_tenant = kPartner;
  config.client_id = credential.client_id;
  GraphDirectory::Parts parts;
  parts.transport = std::make_unique<CpprestTransport>(CpprestTransport::Options{4, false, ""});
  parts.retry =
      std::make_unique<RetryPolicy>(clock, RetrySettings{max_attempts, 20ms, 400ms, 5000ms, 1});
  parts.pacer = std::make_unique<WritePacer>(clock, write_budget, write_window);
  parts.tokens = std::make_unique<AadTokenProvider>(fake.url(), std::move(credential),
                                                    *parts.transport, *parts.retry, clock, 20s);
  return std::make_unique<GraphDirectory>(config, std::move(parts));
}

// Reads every user of a tenant; returns the delta link. Fails the test on error.
std::string read_all(Directory& dir, const std::string& tenant, std::vector<User>& users,
                     const std::string& delta_link = "") {
  auto link = dir.read_users(tenant, delta_link, [&](UserPage&& page) {
    for (auto& u : page.users) users.push_back(std::move(u));
    return Status();
  });
  EXPECT_TRUE(link.ok()) << link.error().describe();
  return link.ok() ? *link : std::string();
}

long count_status(const json& stats, const std::string& route, const std::string& status) {
  auto r = stats["requests"].find(route);
  if (r == stats["requests"].end()) return 0;
  auto s = r->find(status);
  return s == r->end() ? 0 : s->get<long>();
}

long count_route(const json& stats, const std::string& route) {
  auto r = stats["requests"].find(route);
  if (r == stats["requests"].end()) return 0;
  long n = 0;
  for (const auto& [k, v] : r->items()) n += v.get<long>();
  return n;
}

bool state_has_sku(const json& state, const std::string& user_id, const std::string& sku) {
  for (const auto& u : state["users"]) {
    if (u["id"] != user_id) continue;
    for (const auto& l : u.value("assignedLicenses", json::array())) {
      if (l["skuId"] == sku) return true;
    }
  }
  return false;
}

// ---- credentials and tokens -----------------------------------------------------------

TEST(GraphIntegrationTest, ClientSecretFromTheEnvironmentReadsEverything) {
  FakeGraphProcess fake({"--fixture", test::demo_fixture_path()});
  RemoteConfig config;
  config.graph_url = fake.graph_url();
  config.authority_url = fake.url();
  config.partner_tenant = kPartner;
  config.client_id = kAdminClient;
  config.client_secret_env = "TENANTSYNC_IT_SECRET";
  setenv("TENANTSYNC_IT_SECRET", kDemoSecret.c_str(), 1);
  auto made = make_graph_directory(config, system_clock());
  unsetenv("TENANTSYNC_IT_SECRET");
  ASSERT_TRUE(made.ok()) << made.error().describe();
  GraphDirectory& dir = **made;

  auto tenants = dir.customer_tenants();
  ASSERT_TRUE(tenants.ok()) << tenants.error().describe();
  std::set<std::string> domains;
  for (const auto& t : *tenants) domains.insert(t.default_domain_name);
  EXPECT_TRUE(domains.count(kContoso));
  EXPECT_EQ(tenants->size(), 3u);

  auto skus = dir.subscribed_skus(kContoso);
  ASSERT_TRUE(skus.ok()) << skus.error().describe();
  EXPECT_EQ(skus->size(), 7u);

  auto tenant_domains = dir.domains(kContoso);
  ASSERT_TRUE(tenant_domains.ok()) << tenant_domains.error().describe();
  EXPECT_EQ(*tenant_domains, (std::vector<Domain>{{kContoso, true, true, true},
                                                  {"sales.contoso.com", false, false, true}}));

  std::vector<User> users;
  std::string link = read_all(dir, kContoso, users);
  EXPECT_FALSE(link.empty());
  EXPECT_EQ(users.size(), fake.state(kContoso)["users"].size());

  std::vector<User> deleted;
  Status st = dir.read_deleted_users(kContoso, [&](std::vector<User>&& page) {
    for (auto& u : page) deleted.push_back(std::move(u));
    return Status();
  });
  ASSERT_TRUE(st.ok()) << st.error().describe();
  for (const auto& u : deleted) EXPECT_TRUE(u.deleted_date_time.has_value());

  auto one = dir.get_user(kContoso, users.front().user_principal_name);
  ASSERT_TRUE(one.ok()) << one.error().describe();
  EXPECT_EQ(one->id, users.front().id);
  auto none = dir.get_user(kContoso, "nobody@contoso.onmicrosoft.com");
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().kind, ErrorKind::NotFound);
}

TEST(GraphIntegrationTest, FactoryRefusesPlainHttpToARemoteHostAndAMissingSecret) {
  RemoteConfig config;
  config.client_id = kAdminClient;
  config.client_secret_env = "TENANTSYNC_IT_UNSET_SECRET";
  config.graph_url = "http://graph.example.com/v1.0";
  auto insecure = make_graph_directory(config, system_clock());
  ASSERT_FALSE(insecure.ok());
  EXPECT_EQ(insecure.error().kind, ErrorKind::Invalid);
  EXPECT_NE(insecure.error().message.find("remote.graphUrl"), std::string::npos);
  config.graph_url = "https://graph.microsoft.com/v1.0";
  unsetenv("TENANTSYNC_IT_UNSET_SECRET");
  auto no_secret = make_graph_directory(config, system_clock());
  ASSERT_FALSE(no_secret.ok());
  EXPECT_NE(no_secret.error().message.find("TENANTSYNC_IT_UNSET_SECRET"), std::string::npos);
}

TEST(GraphIntegrationTest, WrongSecretIsAnAuthErrorWithoutTheSecret) {
  FakeGraphProcess fake({"--fixture", test::demo_fixture_path()});
  const std::string wrong = "not-the-secret-123";
  auto dir = make_directory(fake, secret_credential(kAdminClient, wrong));
  auto skus = dir->subscribed_skus(kContoso);
  ASSERT_FALSE(skus.ok());
  EXPECT_EQ(skus.error().kind, ErrorKind::Auth);
  EXPECT_EQ(skus.error().code, "AADSTS7000215");
  EXPECT_EQ(skus.error().describe().rfind("AADSTS7000215: Invalid client secret provided.", 0), 0u)
      << skus.error().describe();
  EXPECT_EQ(skus.error().describe().find(wrong), std::string::npos);
  // The refusal was not retried.
  EXPECT_EQ(count_route(fake.stats(), "POST /{tenant}/oauth2/v2.0/token"), 1);
}

// prepare() fetches a tenant's token ahead of its read, which then sends no token request
// of its own; once the run is stopping it fetches nothing.
TEST(GraphIntegrationTest, APreparedTenantIsReadWithTheTokenFetchedAhead) {
  FakeGraphProcess fake({"--fixture", test::demo_fixture_path()});
  auto dir = make_directory(fake, secret_credential(kAdminClient, kDemoSecret));
  const std::string token_route = "POST /{tenant}/oauth2/v2.0/token";
  ASSERT_TRUE(dir->prepares_ahead());
  dir->prepare(kContoso);
  EXPECT_EQ(count_route(fake.stats(), token_route), 1);
  auto skus = dir->subscribed_skus(kContoso);
  ASSERT_TRUE(skus.ok()) << skus.error().describe();
  EXPECT_EQ(count_route(fake.stats(), token_route), 1) << "the read used the prepared token";

  std::atomic<bool> stop{true};
  dir->set_stop_signal(&stop);
  dir->prepare("fabrikam.onmicrosoft.com");
  EXPECT_EQ(count_route(fake.stats(), token_route), 1) << "nothing fetched while stopping";
  dir->set_stop_signal(nullptr);
  dir->prepare("fabrikam.onmicrosoft.com");
  EXPECT_EQ(count_route(fake.stats(), token_route), 2);
  EXPECT_EQ(count_route(fake.stats(), "GET /v1.0/subscribedSkus"), 1) << "prepare reads nothing";
}

class CertificateIntegrationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    cert_ = test::make_test_certificate();
    // The demo fixture plus a certificate client; the fake's clock starts at real time so
    // the assertion's nbf/exp (from our clock) fall inside its window.
    std::FILE* f = std::fopen(test::demo_fixture_path().c_str(), "r");
    ASSERT_NE(f, nullptr);
    json fixture = json::parse(f);
    std::fclose(f);
    fixture["clients"].push_back(
        {{"clientId", kCertClient}, {"certificatePem", cert_.certificate_pem}});
    fixture["now"] = format_iso8601(system_clock().now());
    fixture_file_ = test::write_temp_file(fixture.dump());
    fake_ =
        std::make_unique<FakeGraphProcess>(std::vector<std::string>{"--fixture", fixture_file_});
  }
  void TearDown() override {
    fake_.reset();
    std::remove(fixture_file_.c_str());
  }

  ClientCredential cert_credential(const test::TestCertificate& c, JwtAlgorithm alg) {
    auto loaded = ClientCertificate::from_pem(c.certificate_pem, c.private_key_pem);
    EXPECT_TRUE(loaded.ok());
    ClientCredential cred;
    cred.client_id = kCertClient;
    cred.certificate = std::make_shared<const ClientCertificate>(std::move(loaded).value());
    cred.algorithm = alg;
    return cred;
  }

  test::TestCertificate cert_;
  std::string fixture_file_;
  std::unique_ptr<FakeGraphProcess> fake_;
};

TEST_F(CertificateIntegrationTest, SignedAssertionGetsATokenWithRs256AndPs256) {
  for (JwtAlgorithm alg : {JwtAlgorithm::RS256, JwtAlgorithm::PS256}) {
    auto dir = make_directory(*fake_, cert_credential(cert_, alg));
    std::vector<User> users;
    read_all(*dir, kContoso, users);
    EXPECT_EQ(users.size(), fake_->state(kContoso)["users"].size()) << to_string(alg);
  }
}

TEST_F(CertificateIntegrationTest, WrongKeyIsRefused) {
  auto other = test::make_test_certificate();  // a key the app never registered
  auto dir = make_directory(*fake_, cert_credential(other, JwtAlgorithm::RS256));
  auto skus = dir->subscribed_skus(kContoso);
  ASSERT_FALSE(skus.ok());
  EXPECT_EQ(skus.error().kind, ErrorKind::Auth);
  EXPECT_EQ(skus.error().code, "AADSTS700027");
  EXPECT_EQ(skus.error().describe().find("eyJ"), std::string::npos);  // no assertion inside
}

TEST(GraphIntegrationTest, ExpiredTokenIsRefreshedTransparently) {
  FakeGraphProcess fake({"--fixture", test::demo_fixture_path()});
  auto dir = make_directory(fake, secret_credential(kAdminClient, kDemoSecret));
  ASSERT_TRUE(dir->subscribed_skus(kContoso).ok());
  fake.advance_clock(2 * 3600);  // our clock still thinks the token is fresh
  auto skus = dir->subscribed_skus(kContoso);
  ASSERT_TRUE(skus.ok()) << skus.error().describe();
  json stats = fake.stats();
  EXPECT_EQ(count_status(stats, "GET /v1.0/subscribedSkus", "401"), 1);
  EXPECT_EQ(count_status(stats, "GET /v1.0/subscribedSkus", "200"), 2);
  EXPECT_EQ(count_status(stats, "POST /{tenant}/oauth2/v2.0/token", "200"), 2);
}

TEST(GraphIntegrationTest, ReaderRoleGetsForbiddenOnWrites) {
  FakeGraphProcess fake({"--fixture", test::demo_fixture_path()});
  auto dir = make_directory(fake, secret_credential(kReaderClient, kReaderSecret));
  std::vector<User> users;
  read_all(*dir, kContoso, users);
  ASSERT_FALSE(users.empty());
  WriteRequest w;
  w.kind = WriteRequest::Kind::AssignLicense;
  w.user = users.front().id;
  w.add_licenses = {{kSpeE5, {}}};
  auto results = dir->write(kContoso, {w});
  ASSERT_EQ(results.size(), 1u);
  ASSERT_FALSE(results[0].status.ok());
  EXPECT_EQ(results[0].status.error().kind, ErrorKind::Forbidden);
  EXPECT_EQ(results[0].status.error().code, "Authorization_RequestDenied");
}

// ---- reads ---------------------------------------------------------------------------

TEST(GraphIntegrationTest, PagesOf5000UsersEachExactlyOnce) {
  FakeGraphProcess fake({"--generate", "tenants=1,users=5000,skus=3,seed=1"});
  const std::string tenant = "tenant0001.onmicrosoft.com";
  auto dir = make_directory(fake, secret_credential(kAdminClient, kGeneratedSecret));
  std::set<std::string> expected;
  json state = fake.state(tenant);  // named: a temporary's member would dangle in the loop
  for (const auto& u : state["users"]) expected.insert(u["id"].get<std::string>());
  ASSERT_GE(expected.size(), 4900u);

  // The delta round (what read_users does).
  std::map<std::string, int> seen;
  int pages = 0;
  auto link = dir->read_users(tenant, "", [&](UserPage&& page) {
    ++pages;
    for (const auto& u : page.users) seen[u.id] += 1;
    return Status();
  });
  ASSERT_TRUE(link.ok()) << link.error().describe();
  EXPECT_GT(pages, 1);
  EXPECT_EQ(seen.size(), expected.size());
  for (const auto& [id, n] : seen) {
    EXPECT_EQ(n, 1) << id;
    EXPECT_TRUE(expected.count(id)) << id;
  }

  // The plain listing with $top=999.
  std::map<std::string, int> listed;
  int list_pages = 0;
  Status st = dir->client().list_users(tenant, [&](std::vector<User>&& users) {
    ++list_pages;
    EXPECT_LE(users.size(), 999u);
    for (const auto& u : users) listed[u.id] += 1;
    return Status();
  });
  ASSERT_TRUE(st.ok()) << st.error().describe();
  EXPECT_EQ(list_pages, static_cast<int>((expected.size() + 998) / 999));
  EXPECT_EQ(listed.size(), expected.size());
  for (const auto& [id, n] : listed) EXPECT_EQ(n, 1) << id;
}

TEST(GraphIntegrationTest, DeltaResumesFromItsLinkAndAsksForResyncWhenExpired) {
  FakeGraphProcess fake({"--fixture", test::demo_fixture_path()});
  auto dir = make_directory(fake, secret_credential(kAdminClient, kDemoSecret));
  std::vector<User> users;
  std::string link = read_all(*dir, kContoso, users);
  ASSERT_FALSE(link.empty());

  // Someone else changes a user's licenses: the next delta round brings that user.
  const User& target = users.front();
  fake.set_licenses(kContoso, target.id,
                    json::array({{{"skuId", kSpeE5}, {"disabledPlans", json::array()}}}));
  std::vector<User> changed;
  std::string next = read_all(*dir, kContoso, changed, link);
  ASSERT_FALSE(next.empty());
  bool found = false;
  for (const auto& u : changed) {
    if (u.id == target.id) {
      found = true;
      EXPECT_TRUE(u.find_license(kSpeE5));
    }
  }
  EXPECT_TRUE(found);
  EXPECT_LT(changed.size(), users.size());

  fake.advance_clock(8 * 24 * 3600);  // delta tokens live 7 days
  auto expired = dir->read_users(kContoso, next, [](UserPage&&) { return Status(); });
  ASSERT_FALSE(expired.ok());
  EXPECT_EQ(expired.error().kind, ErrorKind::ResyncNeeded);
  EXPECT_EQ(expired.error().code, "syncStateNotFound");
}

TEST(GraphIntegrationTest, ThrottleAndUnavailableStormsStillSucceed) {
  FakeGraphProcess fake({"--generate", "tenants=1,users=400,skus=3,seed=2"});
  const std::string tenant = "tenant0001.onmicrosoft.com";
  auto dir = make_directory(fake, secret_credential(kAdminClient, kGeneratedSecret), 12);
  fake.set_faults(
      {{"throttleRate", 0.3}, {"errorRate", 0.2}, {"retryAfterSeconds", 0.01}, {"seed", 11}});
  for (int round = 0; round < 3; ++round) {
    std::vector<User> users;
    read_all(*dir, tenant, users);
    EXPECT_EQ(users.size(), fake.state(tenant)["users"].size());
    ASSERT_TRUE(dir->subscribed_skus(tenant).ok());
  }
  json stats = fake.stats();
  auto ours = dir->stats();
  long fake_429 = 0, fake_503 = 0;
  for (const auto& [route, by_status] : stats["requests"].items()) {
    fake_429 += by_status.value("429", 0L);
    fake_503 += by_status.value("503", 0L);
  }
  EXPECT_GT(fake_429, 0);
  EXPECT_GT(fake_503, 0);
  // Every throttled or failed answer the fake gave was seen and retried by us.
  EXPECT_EQ(static_cast<long>(ours.throttled), fake_429);
  EXPECT_EQ(static_cast<long>(ours.responses_by_status[503]), fake_503);
  EXPECT_EQ(static_cast<long>(ours.retries), fake_429 + fake_503);
}

// Settling an interrupted apply reads its users back: 15 to an `in` filter, 20 filters to
// a $batch, whatever answers.
TEST(GraphIntegrationTest, ManyUsersAreReadByFiltersInOneBatchEvenUnderThrottling) {
  FakeGraphProcess fake({"--generate", "tenants=1,users=400,skus=3,seed=2"});
  const std::string tenant = "tenant0001.onmicrosoft.com";
  auto dir = make_directory(fake, secret_credential(kAdminClient, kGeneratedSecret), 12);
  std::vector<std::string> names;
  std::vector<std::string> upns;
  const json state = fake.state(tenant);
  for (const auto& u : state["users"]) {
    if (names.size() == 44) break;
    // By id and by UPN alike, as settling does for license entries and creates.
    names.push_back(names.size() % 2 ? u["id"].get<std::string>()
                                     : u["userPrincipalName"].get<std::string>());
    upns.push_back(u["userPrincipalName"].get<std::string>());
  }
  names.push_back("nobody@tenant0001.onmicrosoft.com");

  for (bool throttled : {false, true}) {
    SCOPED_TRACE(throttled ? "under 429s and 503s" : "fault-free");
    fake.reset_stats();
    if (throttled) {
      fake.set_faults(
          {{"throttleRate", 0.3}, {"errorRate", 0.1}, {"retryAfterSeconds", 0.01}, {"seed", 5}});
    }
    auto read = dir->get_users(tenant, names);
    fake.set_faults(json::object());

    ASSERT_EQ(names.size(), 45u);
    ASSERT_EQ(read.size(), names.size());
    for (size_t i = 0; i < upns.size(); ++i) {
      ASSERT_TRUE(read[i].ok()) << names[i] << ": " << read[i].error().describe();
      EXPECT_EQ(read[i]->user_principal_name, upns[i]);
    }
    ASSERT_FALSE(read.back().ok());
    EXPECT_EQ(read.back().error().kind, ErrorKind::NotFound);
    json stats = fake.stats();
    if (!throttled) {
      // 22 ids and 23 UPNs: filters of 15 + 7 and 15 + 8, in one $batch.
      EXPECT_EQ(count_route(stats, "POST /v1.0/$batch"), 1) << stats.dump();
      EXPECT_EQ(count_route(stats, "GET /v1.0/users"), 4) << stats.dump();
    } else {
      EXPECT_GE(count_route(stats, "POST /v1.0/$batch"), 1) << stats.dump();
    }
  }
}

// ---- writes --------------------------------------------------------------------------

TEST(GraphIntegrationTest, BatchOf45WithRefusalsAndThrottlingGetsEveryOutcomeRight) {
  FakeGraphProcess fake({"--fixture", test::demo_fixture_path()});
  auto dir = make_directory(fake, secret_credential(kAdminClient, kDemoSecret), 12);
  std::vector<User> users;
  read_all(*dir, kContoso, users);
  auto skus = dir->subscribed_skus(kContoso);
  ASSERT_TRUE(skus.ok());
  int free_e5 = 0;
  for (const auto& s : *skus) {
    if (s.sku_id == kSpeE5) free_e5 = s.free_seats();
  }
  json before = fake.state(kContoso);

  // Per user: SPE_E5 (scarce: some get Seats, users without a usage location get
  // UsageLocation), and a SKU the tenant does not have (UnknownSku). 45 in all.
  std::vector<WriteRequest> requests;
  std::vector<std::string> what;  // "e5" or "unknown"
  std::vector<std::string> user_ids;
  for (const auto& u : users) {
    if (u.find_license(kSpeE5)) continue;
    WriteRequest e5;
    e5.kind = WriteRequest::Kind::AssignLicense;
    e5.user = u.id;
    e5.add_licenses = {{kSpeE5, {}}};
    requests.push_back(e5);
    what.push_back("e5");
    user_ids.push_back(u.id);
  }
  // Then SKUs the tenant does not have, round the users again if need be.
  for (size_t k = 0; requests.size() < 45; ++k) {
    const User& u = users[k % users.size()];
    WriteRequest unknown;
    unknown.kind = WriteRequest::Kind::AssignLicense;
    unknown.user = u.id;
    unknown.add_licenses = {{kUnknownSku, {}}};
    requests.push_back(unknown);
    what.push_back("unknown");
    user_ids.push_back(u.id);
  }
  ASSERT_EQ(requests.size(), 45u);

  fake.reset_stats();
  fake.set_faults({{"throttleRate", 0.25}, {"retryAfterSeconds", 0.02}, {"seed", 5}});
  auto results = dir->write(kContoso, requests);
  fake.set_faults(json::object());
  ASSERT_EQ(results.size(), 45u);
  json after = fake.state(kContoso);

  int e5_ok = 0, seats = 0;
  for (size_t i = 0; i < results.size(); ++i) {
    const auto& r = results[i];
    if (what[i] == "unknown") {
      ASSERT_FALSE(r.status.ok()) << i;
      EXPECT_EQ(r.status.error().refusal, Refusal::UnknownSku) << r.status.error().describe();
      EXPECT_EQ(r.status.error().code, "Request_BadRequest");
      EXPECT_NE(r.status.error().message.find(kUnknownSku), std::string::npos);
      continue;
    }
    bool holds = state_has_sku(after, user_ids[i], kSpeE5);
    if (r.status.ok()) {
      ++e5_ok;
      EXPECT_TRUE(holds) << user_ids[i];
      ASSERT_TRUE(r.user.has_value());
      EXPECT_EQ(r.user->id, user_ids[i]);
    } else {
      EXPECT_FALSE(holds) << user_ids[i];
      Refusal why = r.status.error().refusal;
      EXPECT_TRUE(why == Refusal::Seats || why == Refusal::UsageLocation ||
                  why == Refusal::ExclusivePlans)
          << r.status.error().describe();
      if (why == Refusal::Seats) ++seats;
    }
  }
  // Seats ran out only once every free seat was taken, and never more than that.
  EXPECT_GT(seats, 0);
  EXPECT_EQ(e5_ok, free_e5);

  // None sent twice unless throttled: each write got exactly one answer that was not a
  // 429, and every 429 was resent.
  json stats = fake.stats();
  const std::string route = "POST /v1.0/users/{id}/assignLicense";
  long throttled = count_status(stats, route, "429");
  EXPECT_GT(throttled, 0);
  EXPECT_EQ(count_route(stats, route) - throttled, 45);
  EXPECT_EQ(stats["writes"].get<long>(), e5_ok);
  EXPECT_GE(count_route(stats, "POST /v1.0/$batch"), 3);  // 20 + 20 + 5, then resends
  EXPECT_GE(dir->stats().retries, static_cast<std::uint64_t>(throttled));
}

TEST(GraphIntegrationTest, PacerKeepsWritesUnderTheServiceBudget) {
  FakeGraphProcess fake({"--fixture", test::demo_fixture_path()});
  // The fake enforces 25 writes per 1 s per app and tenant. The pacer books a write before
  // sending it and the service counts it on arrival, so the pacer's window carries a
  // margin for the time in between (as the production default does: 150 s + 2 s).
  auto dir = make_directory(fake, secret_credential(kAdminClient, kDemoSecret), 10, 25, 1500ms);
  std::vector<User> users;
  read_all(*dir, kContoso, users);
  std::vector<WriteRequest> updates;
  for (int round = 0; updates.size() < 60; ++round) {
    for (const auto& u : users) {
      if (updates.size() == 60) break;
      WriteRequest w;
      w.kind = WriteRequest::Kind::UpdateUser;
      w.user = u.id;
      w.body = {{"jobTitle", "Title " + std::to_string(round)}};
      updates.push_back(w);
    }
  }
  fake.set_limits({{"writesPerWindow", 25}, {"windowSeconds", 1}});
  fake.reset_stats();
  auto start = std::chrono::steady_clock::now();
  auto results = dir->write(kContoso, updates);
  auto took = std::chrono::steady_clock::now() - start;
  for (const auto& r : results) EXPECT_TRUE(r.status.ok()) << r.status.error().describe();
  json stats = fake.stats();
  EXPECT_EQ(count_status(stats, "PATCH /v1.0/users/{id}", "429"), 0);
  EXPECT_EQ(count_status(stats, "PATCH /v1.0/users/{id}", "204"), 60);
  EXPECT_GE(took, 2900ms);  // three batches of 20: at 0 s, 1.5 s and 3 s
}

TEST(GraphIntegrationTest, CreateDeleteRestoreRoundTrip) {
  FakeGraphProcess fake({"--fixture", test::demo_fixture_path()});
  auto dir = make_directory(fake, secret_credential(kAdminClient, kDemoSecret));
  const std::string upn = "integration.user@contoso.onmicrosoft.com";
  WriteRequest create;
  create.kind = WriteRequest::Kind::CreateUser;
  create.body = {{"accountEnabled", true},
                 {"displayName", "Integration User"},
                 {"mailNickname", "integration.user"},
                 {"userPrincipalName", upn},
                 {"usageLocation", "US"},
                 {"passwordProfile",
                  {{"password", "Xy7!integration-pw"}, {"forceChangePasswordNextSignIn", true}}}};
  auto created = dir->write(kContoso, {create});
  ASSERT_TRUE(created[0].status.ok()) << created[0].status.error().describe();
  ASSERT_TRUE(created[0].user.has_value());
  const std::string id = created[0].user->id;

  auto again = dir->write(kContoso, {create});
  ASSERT_FALSE(again[0].status.ok());
  EXPECT_EQ(again[0].status.error().kind, ErrorKind::Conflict);
  EXPECT_EQ(again[0].status.error().refusal, Refusal::DuplicateUpn);

  WriteRequest del;
  del.kind = WriteRequest::Kind::DeleteUser;
  del.user = id;
  ASSERT_TRUE(dir->write(kContoso, {del})[0].status.ok());
  EXPECT_EQ(dir->get_user(kContoso, upn).error().kind, ErrorKind::NotFound);

  WriteRequest restore;
  restore.kind = WriteRequest::Kind::RestoreUser;
  restore.user = id;
  auto restored = dir->write(kContoso, {restore});
  ASSERT_TRUE(restored[0].status.ok()) << restored[0].status.error().describe();
  ASSERT_TRUE(restored[0].user.has_value());
  EXPECT_EQ(restored[0].user->user_principal_name, upn);

  WriteRequest weak;
  weak.kind = WriteRequest::Kind::UpdateUser;
  weak.user = id;
  weak.body = {
      {"passwordProfile", {{"password", "weak"}, {"forceChangePasswordNextSignIn", true}}}};
  auto refused = dir->write(kContoso, {weak});
  ASSERT_FALSE(refused[0].status.ok());
  EXPECT_EQ(refused[0].status.error().refusal, Refusal::PasswordComplexity);
}

TEST(GraphIntegrationTest, DroppedWritesAreNeverAppliedTwice) {
  FakeGraphProcess fake({"--fixture", test::demo_fixture_path()});
  auto dir = make_directory(fake, secret_credential(kAdminClient, kDemoSecret), 12);
  fake.set_faults({{"dropRate", 0.4}, {"seed", 21}});
  std::vector<WriteRequest> creates;
  for (int i = 0; i < 8; ++i) {
    WriteRequest c;
    c.kind = WriteRequest::Kind::CreateUser;
    std::string nick = "dropped.create" + std::to_string(i);
    c.body = {{"accountEnabled", true},
              {"displayName", "Dropped Create " + std::to_string(i)},
              {"mailNickname", nick},
              {"userPrincipalName", nick + "@contoso.onmicrosoft.com"},
              {"passwordProfile",
               {{"password", "Xy7!dropped-pw-" + std::to_string(i)},
                {"forceChangePasswordNextSignIn", true}}}};
    creates.push_back(c);
  }
  auto created = dir->write(kContoso, creates);
  std::vector<WriteRequest> deletes;
  for (size_t i = 0; i < created.size(); ++i) {
    ASSERT_TRUE(created[i].status.ok()) << i << ": " << created[i].status.error().describe();
    ASSERT_TRUE(created[i].user.has_value());
    WriteRequest d;
    d.kind = WriteRequest::Kind::DeleteUser;
    d.user = created[i].user->id;
    deletes.push_back(d);
  }
  json stats = fake.stats();
  EXPECT_GT(count_status(stats, "POST /v1.0/users", "dropped"), 0);
  fake.set_faults(json::object());
  json state = fake.state(kContoso);
  for (int i = 0; i < 8; ++i) {
    std::string upn = "dropped.create" + std::to_string(i) + "@contoso.onmicrosoft.com";
    int n = 0;
    for (const auto& u : state["users"]) n += u["userPrincipalName"] == upn ? 1 : 0;
    EXPECT_EQ(n, 1) << upn;
  }

  // Deletes one by one, so each drop hits a plain DELETE: a retry that finds the user
  // gone (404) after a lost answer counts as done.
  fake.set_faults({{"dropRate", 0.4}, {"seed", 22}});
  for (const auto& d : deletes) {
    auto r = dir->client().write(kContoso, to_graph_write(d));
    EXPECT_TRUE(r.status.ok()) << r.status.error().describe();
  }
  fake.set_faults(json::object());
  json end_state = fake.state(kContoso);
  for (const auto& d : deletes) {
    for (const auto& u : end_state["users"]) EXPECT_NE(u["id"], d.user);
  }
}

}  // namespace graph_integration_test
}  // namespace tenantsync
