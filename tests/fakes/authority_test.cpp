// What MSAL and the Graph SDKs need beyond the data (issue #20): the OpenID configuration
// of each tenant authority and the instance discovery document, and --public-url naming
// every link the fake builds (pages, delta rounds, @odata.context) so that a client behind
// a TLS front or proxy follows links to where it can reach.
#include <gtest/gtest.h>

#include "tests/fakes/graph_test_support.h"

namespace tenantsync::test {
namespace authority_test {

class AuthorityTest : public FakeGraphTest {
 protected:
  HttpReply fetch(const std::string& path) { return http_request("GET", fake_->url() + path); }
  std::string contoso_id() { return fake_->state(kContoso)["id"].get<std::string>(); }
};

TEST_F(AuthorityTest, EachTenantAuthorityHasItsOpenIdConfigurationByIdOrDomain) {
  const std::string id = contoso_id();
  for (const std::string& name : {kContoso, id}) {
    HttpReply r = fetch("/" + name + "/v2.0/.well-known/openid-configuration");
    ASSERT_EQ(r.status, 200) << r.body;
    json doc = body_of(r);
    // The service names the tenant by its id in every endpoint, whichever name was asked.
    EXPECT_EQ(doc["token_endpoint"], fake_->url() + "/" + id + "/oauth2/v2.0/token");
    EXPECT_EQ(doc["authorization_endpoint"], fake_->url() + "/" + id + "/oauth2/v2.0/authorize");
    EXPECT_EQ(doc["issuer"], fake_->url() + "/" + id + "/v2.0");
    EXPECT_EQ(doc["end_session_endpoint"], fake_->url() + "/" + id + "/oauth2/v2.0/logout");
    EXPECT_TRUE(doc["token_endpoint_auth_methods_supported"].is_array()) << doc;
    EXPECT_TRUE(r.headers.count("x-ms-request-id"));
  }
  // The token endpoint it names is the one that hands out tokens.
  json doc = body_of(fetch("/" + kContoso + "/v2.0/.well-known/openid-configuration"));
  std::string token_url = doc["token_endpoint"];
  HttpReply token = http_request("POST", token_url,
                                 "grant_type=client_credentials&client_id=" + kAdminClient +
                                     "&client_secret=" + kAdminSecret +
                                     "&scope=https%3A%2F%2Fgraph.microsoft.com%2F.default",
                                 {{"Content-Type", "application/x-www-form-urlencoded"}});
  EXPECT_EQ(token.status, 200) << token.body;

  HttpReply unknown = fetch("/nosuch.onmicrosoft.com/v2.0/.well-known/openid-configuration");
  EXPECT_EQ(unknown.status, 400);
  EXPECT_EQ(body_of(unknown)["error_codes"], json::array({90002})) << unknown.body;
}

TEST_F(AuthorityTest, InstanceDiscoveryNamesThisHostAsItsOwnOnlyAlias) {
  const std::string authorize = fake_->url() + "/" + kContoso + "/oauth2/v2.0/authorize";
  HttpReply r =
      fetch("/common/discovery/instance?api-version=1.1&authorization_endpoint=" + enc(authorize));
  ASSERT_EQ(r.status, 200) << r.body;
  json doc = body_of(r);
  EXPECT_EQ(doc["tenant_discovery_endpoint"],
            fake_->url() + "/" + kContoso + "/v2.0/.well-known/openid-configuration");
  std::string host = fake_->url().substr(std::string("http://").size());
  ASSERT_EQ(doc["metadata"].size(), 1u) << doc;
  EXPECT_EQ(doc["metadata"][0]["preferred_network"], host);
  EXPECT_EQ(doc["metadata"][0]["aliases"], json::array({host}));

  HttpReply other = fetch("/common/discovery/instance?api-version=1.1&authorization_endpoint=" +
                          enc("https://login.example.com/" + kContoso + "/oauth2/v2.0/authorize"));
  EXPECT_EQ(other.status, 400);
  EXPECT_EQ(body_of(other)["error_codes"], json::array({50049})) << other.body;
}

TEST_F(AuthorityTest, PublicUrlNamesEveryLinkTheFakeBuilds) {
  const std::string front = "https://graph.example.test:8443";
  start({"--fixture", demo_fixture_path(), "--public-url", front + "/"});
  json page = body_of(get("/users?$top=2&$select=id"));
  ASSERT_TRUE(page.contains("@odata.nextLink")) << page;
  EXPECT_EQ(page["@odata.nextLink"].get<std::string>().rfind(front + "/v1.0/users?", 0), 0u)
      << page["@odata.nextLink"];
  EXPECT_EQ(page["@odata.context"].get<std::string>().rfind(front + "/v1.0/$metadata#", 0), 0u)
      << page["@odata.context"];
  json latest = body_of(get("/users/delta?$deltatoken=latest"));
  EXPECT_EQ(latest["@odata.deltaLink"].get<std::string>().rfind(front + "/v1.0/users/delta?", 0),
            0u)
      << latest;
  json doc = body_of(fetch("/" + kContoso + "/v2.0/.well-known/openid-configuration"));
  EXPECT_EQ(doc["token_endpoint"].get<std::string>().rfind(front + "/", 0), 0u) << doc;
}

}  // namespace authority_test
}  // namespace tenantsync::test
