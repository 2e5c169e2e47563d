// AadTokenProvider against a scripted token endpoint: the request it makes, caching and
// refresh on the clock, one shared fetch for concurrent callers, errors without secrets.
#include "connector/token_provider.h"

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <thread>

#include "tests/connector/scripted_transport.h"
#include "tests/connector/test_certificate.h"

namespace tenantsync {
namespace token_provider_test {

using namespace std::chrono_literals;
using nlohmann::json;
using test::ScriptedTransport;

const std::string kAuthority = "https://login.test";
const std::string kSecret = "s3cr3t+/=&value";

HttpResponse token_response(const std::string& token, int expires_in = 3600) {
  return test::json_response(200, {{"token_type", "Bearer"},
                                   {"expires_in", expires_in},
                                   {"ext_expires_in", expires_in},
                                   {"access_token", token}});
}

std::map<std::string, std::string> form(const std::string& body) {
  std::map<std::string, std::string> out;
  size_t pos = 0;
  while (pos <= body.size()) {
    size_t amp = body.find('&', pos);
    std::string pair = body.substr(pos, amp == std::string::npos ? std::string::npos : amp - pos);
    auto eq = pair.find('=');
    out[pair.substr(0, eq)] = eq == std::string::npos ? "" : pair.substr(eq + 1);
    if (amp == std::string::npos) break;
    pos = amp + 1;
  }
  return out;
}

std::string form_decode(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      out += static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      out += s[i] == '+' ? ' ' : s[i];
    }
  }
  return out;
}

class TokenProviderTest : public ::testing::Test {
 protected:
  TokenProviderTest() : retry_(clock_, RetrySettings{4, 1000ms, 32000ms, 300000ms, 5}) {}

  AadTokenProvider make(ClientCredential credential) {
    return AadTokenProvider(kAuthority, std::move(credential), transport_, retry_, clock_, 5s);
  }
  static ClientCredential secret_credential() {
    ClientCredential c;
    c.client_id = "client-1";
    c.secret = kSecret;
    return c;
  }

  FakeClock clock_;
  ScriptedTransport transport_;
  RetryPolicy retry_;
};

TEST_F(TokenProviderTest, PostsClientCredentialsWithTheSecret) {
  transport_.set_handler(
      [](const HttpRequest&) -> Result<HttpResponse> { return token_response("at-1"); });
  auto provider = make(secret_credential());
  auto token = provider.token("contoso.onmicrosoft.com");
  ASSERT_TRUE(token.ok()) << token.error().describe();
  EXPECT_EQ(*token, "at-1");
  auto requests = transport_.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].method, "POST");
  EXPECT_EQ(requests[0].url, kAuthority + "/contoso.onmicrosoft.com/oauth2/v2.0/token");
  EXPECT_EQ(*find_request_header(requests[0], "content-type"), "application/x-www-form-urlencoded");
  auto f = form(requests[0].body);
  EXPECT_EQ(f["client_id"], "client-1");
  EXPECT_EQ(f["scope"], "https%3A%2F%2Fgraph.microsoft.com%2F.default");
  EXPECT_EQ(f["grant_type"], "client_credentials");
  EXPECT_EQ(form_decode(f["client_secret"]), kSecret);
  EXPECT_EQ(f.count("client_assertion"), 0u);
}

TEST_F(TokenProviderTest, CachesPerTenantAndRefreshesFiveMinutesBeforeExpiry) {
  int n = 0;
  transport_.set_handler([&](const HttpRequest&) -> Result<HttpResponse> {
    return token_response("at-" + std::to_string(++n), 3600);
  });
  auto provider = make(secret_credential());
  EXPECT_EQ(*provider.token("contoso"), "at-1");
  EXPECT_EQ(*provider.token("contoso"), "at-1");
  EXPECT_EQ(*provider.token("fabrikam"), "at-2");
  clock_.advance(3600s - 5min - 1s);
  EXPECT_EQ(*provider.token("contoso"), "at-1");
  clock_.advance(2s);
  EXPECT_EQ(*provider.token("contoso"), "at-3");
  EXPECT_EQ(provider.fetch_count(), 3);
}

TEST_F(TokenProviderTest, InvalidateForcesOneNewFetchButIgnoresAStaleToken) {
  int n = 0;
  transport_.set_handler([&](const HttpRequest&) -> Result<HttpResponse> {
    return token_response("at-" + std::to_string(++n));
  });
  auto provider = make(secret_credential());
  EXPECT_EQ(*provider.token("contoso"), "at-1");
  provider.invalidate("contoso", "at-1");
  EXPECT_EQ(*provider.token("contoso"), "at-2");
  provider.invalidate("contoso", "at-1");  // another thread's late 401: already replaced
  EXPECT_EQ(*provider.token("contoso"), "at-2");
  EXPECT_EQ(n, 2);
}

TEST_F(TokenProviderTest, ConcurrentCallersShareOneFetch) {
  std::atomic<int> fetches{0};
  transport_.set_handler([&](const HttpRequest&) -> Result<HttpResponse> {
    ++fetches;
    std::this_thread::sleep_for(100ms);  // real time: let the other callers pile up
    return token_response("shared");
  });
  auto provider = make(secret_credential());
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&] {
      auto t = provider.token("contoso");
      if (t.ok() && *t == "shared") ++ok;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 8);
  EXPECT_EQ(fetches.load(), 1);
}

TEST_F(TokenProviderTest, ConcurrentCallersShareAFailure) {
  std::atomic<int> fetches{0};
  transport_.set_handler([&](const HttpRequest&) -> Result<HttpResponse> {
    ++fetches;
    std::this_thread::sleep_for(100ms);
    return test::json_response(
        401, {{"error", "invalid_client"},
              {"error_description", "AADSTS7000215: Invalid client secret provided."},
              {"error_codes", {7000215}}});
  });
  auto provider = make(secret_credential());
  std::vector<std::thread> threads;
  std::atomic<int> auth_errors{0};
  for (int i = 0; i < 6; ++i) {
    threads.emplace_back([&] {
      auto t = provider.token("contoso");
      if (!t.ok() && t.error().kind == ErrorKind::Auth) ++auth_errors;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(auth_errors.load(), 6);
  EXPECT_LE(fetches.load(), 2);  // a caller arriving after the failure may try once more
}

TEST_F(TokenProviderTest, RefusalIsAuthWithAadstsCodeAndNoSecret) {
  transport_.set_handler([](const HttpRequest&) -> Result<HttpResponse> {
    // A hostile or buggy endpoint echoing the secret must not get it into our error.
    return test::json_response(
        401, {{"error", "invalid_client"},
              {"error_description", "AADSTS7000215: Invalid client secret provided: " + kSecret},
              {"error_codes", {7000215}}});
  });
  auto provider = make(secret_credential());
  auto token = provider.token("contoso");
  ASSERT_FALSE(token.ok());
  EXPECT_EQ(token.error().kind, ErrorKind::Auth);
  EXPECT_EQ(token.error().code, "AADSTS7000215");
  EXPECT_EQ(token.error().describe().find(kSecret), std::string::npos) << token.error().describe();
  EXPECT_EQ(token.error().describe().rfind("AADSTS7000215: Invalid client secret provided", 0), 0u);
  EXPECT_EQ(transport_.requests().size(), 1u);  // a refusal is not retried
}

TEST_F(TokenProviderTest, ThrottledAndUnavailableTokenEndpointIsRetried) {
  int n = 0;
  transport_.set_handler([&](const HttpRequest&) -> Result<HttpResponse> {
    ++n;
    if (n == 1) return test::json_response(429, nullptr, {{"retry-after", "2"}});
    if (n == 2) return test::dropped();
    return token_response("at");
  });
  auto provider = make(secret_credential());
  ASSERT_TRUE(provider.token("contoso").ok());
  EXPECT_EQ(n, 3);
  EXPECT_GE(clock_.total_slept(), 2000ms);
}

TEST_F(TokenProviderTest, ResponseWithoutTokenIsInvalid) {
  transport_.set_handler([](const HttpRequest&) -> Result<HttpResponse> {
    HttpResponse r;
    r.status = 200;
    r.body = "<html>proxy login</html>";
    return r;
  });
  auto provider = make(secret_credential());
  auto token = provider.token("contoso");
  ASSERT_FALSE(token.ok());
  EXPECT_EQ(token.error().kind, ErrorKind::Invalid);
}

TEST_F(TokenProviderTest, CertificateCredentialSendsASignedAssertion) {
  auto cert = test::make_test_certificate();
  auto client_cert = ClientCertificate::from_pem(cert.certificate_pem, cert.private_key_pem);
  ASSERT_TRUE(client_cert.ok());
  ClientCredential c;
  c.client_id = "client-1";
  c.certificate = std::make_shared<const ClientCertificate>(std::move(client_cert).value());
  transport_.set_handler(
      [](const HttpRequest&) -> Result<HttpResponse> { return token_response("at"); });
  auto provider = make(c);
  ASSERT_TRUE(provider.token("contoso").ok());
  auto f = form(transport_.requests()[0].body);
  EXPECT_EQ(form_decode(f["client_assertion_type"]),
            "urn:ietf:params:oauth:client-assertion-type:jwt-bearer");
  EXPECT_EQ(f.count("client_secret"), 0u);
  auto jws = test::verify_jws(form_decode(f["client_assertion"]), cert.public_key_pem);
  EXPECT_TRUE(jws.signature_valid);
  EXPECT_EQ(jws.claims["aud"], kAuthority + "/contoso/oauth2/v2.0/token");
  EXPECT_EQ(jws.claims["iss"], "client-1");
}

TEST(LoadClientCredentialTest, SecretFromTheNamedVariable) {
  RemoteConfig config;
  config.client_id = "client-1";
  config.client_secret_env = "TENANTSYNC_TEST_SECRET_VAR";
  unsetenv("TENANTSYNC_TEST_SECRET_VAR");
  auto missing = load_client_credential(config);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().kind, ErrorKind::Invalid);
  EXPECT_NE(missing.error().message.find("TENANTSYNC_TEST_SECRET_VAR"), std::string::npos);
  setenv("TENANTSYNC_TEST_SECRET_VAR", "value-123", 1);
  auto found = load_client_credential(config);
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->secret, "value-123");
  unsetenv("TENANTSYNC_TEST_SECRET_VAR");
}

TEST(LoadClientCredentialTest, CertificateFilesAndMissingClientId) {
  auto cert = test::make_test_certificate();
  RemoteConfig config;
  config.client_id = "client-1";
  config.certificate_file = test::write_temp_file(cert.certificate_pem);
  config.private_key_file = test::write_temp_file(cert.private_key_pem);
  auto loaded = load_client_credential(config);
  ASSERT_TRUE(loaded.ok()) << loaded.error().describe();
  EXPECT_TRUE(loaded->certificate);
  EXPECT_TRUE(loaded->secret.empty());
  std::remove(config.certificate_file.c_str());
  std::remove(config.private_key_file.c_str());
  config.client_id.clear();
  EXPECT_FALSE(load_client_credential(config).ok());
}

}  // namespace token_provider_test
}  // namespace tenantsync
