// The token endpoint: client secrets, certificate assertions (RS256 and PS256, signed here
// with a key and self-signed certificate made by the test), and the AADSTS errors.
#include <gtest/gtest.h>

#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <ctime>
#include <memory>
#include <regex>

#include "tests/fakes/graph_test_support.h"

namespace tenantsync::test {
namespace token_endpoint_test {

const std::string kCertClient = "33333333-3333-3333-3333-333333333333";
constexpr std::time_t kFixtureNow = 1795132800;  // 2026-11-20T00:00:00Z

std::string b64url(const std::string& in) {
  std::string out(4 * ((in.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(in.data()),
                          static_cast<int>(in.size()));
  out.resize(static_cast<size_t>(n));
  for (char& c : out) {
    if (c == '+') c = '-';
    if (c == '/') c = '_';
  }
  while (!out.empty() && out.back() == '=') out.pop_back();
  return out;
}

struct KeyPair {
  EVP_PKEY* key = nullptr;
  std::string cert_pem;
  KeyPair() {
    key = EVP_RSA_gen(2048);
    X509* cert = X509_new();
    ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
    X509_gmtime_adj(X509_getm_notBefore(cert), 0);
    X509_gmtime_adj(X509_getm_notAfter(cert), 3600L * 24 * 3650);
    X509_set_pubkey(cert, key);
    X509_NAME* name = X509_get_subject_name(cert);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>("tenantsync test"), -1, -1,
                               0);
    X509_set_issuer_name(cert, name);
    X509_sign(cert, key, EVP_sha256());
    BIO* bio = BIO_new(BIO_s_mem());
    PEM_write_bio_X509(bio, cert);
    char* data = nullptr;
    long len = BIO_get_mem_data(bio, &data);
    cert_pem.assign(data, static_cast<size_t>(len));
    BIO_free(bio);
    X509_free(cert);
  }
  ~KeyPair() { EVP_PKEY_free(key); }
  KeyPair(const KeyPair&) = delete;
  KeyPair& operator=(const KeyPair&) = delete;
};

// RSA key generation is slow: one pair for the client, one for a stranger, per run.
KeyPair& client_keys() {
  static KeyPair keys;
  return keys;
}
KeyPair& stranger_keys() {
  static KeyPair keys;
  return keys;
}

std::string sign_jwt(EVP_PKEY* key, const std::string& alg, const json& claims) {
  std::string signing_input =
      b64url(json{{"alg", alg}, {"typ", "JWT"}}.dump()) + "." + b64url(claims.dump());
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EVP_PKEY_CTX* pctx = nullptr;
  EVP_DigestSignInit(ctx, &pctx, EVP_sha256(), nullptr, key);
  if (alg == "PS256") {
    EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING);
    EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST);
  }
  size_t len = 0;
  EVP_DigestSign(ctx, nullptr, &len, reinterpret_cast<const unsigned char*>(signing_input.data()),
                 signing_input.size());
  std::string sig(len, '\0');
  EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(sig.data()), &len,
                 reinterpret_cast<const unsigned char*>(signing_input.data()),
                 signing_input.size());
  sig.resize(len);
  EVP_MD_CTX_free(ctx);
  return signing_input + "." + b64url(sig);
}

HttpReply token_request(const std::string& url, const std::string& tenant,
                        const std::string& form) {
  return http_request("POST", url + "/" + tenant + "/oauth2/v2.0/token", form,
                      {{"Content-Type", "application/x-www-form-urlencoded"}});
}

std::string secret_form(const std::string& client, const std::string& secret) {
  return "grant_type=client_credentials&client_id=" + client + "&client_secret=" + enc(secret) +
         "&scope=" + enc("https://graph.microsoft.com/.default");
}

std::string assertion_form(const std::string& client, const std::string& jwt) {
  return "grant_type=client_credentials&client_id=" + client +
         "&client_assertion_type=" + enc("urn:ietf:params:oauth:client-assertion-type:jwt-bearer") +
         "&client_assertion=" + jwt + "&scope=" + enc("https://graph.microsoft.com/.default");
}

json aad_error(const HttpReply& r) { return body_of(r); }

class TokenEndpointTest : public FakeGraphTest {};

TEST_F(TokenEndpointTest, IssuesBearerTokenForClientSecret) {
  HttpReply r = token_request(fake_->url(), kContoso, secret_form(kAdminClient, kAdminSecret));
  ASSERT_EQ(r.status, 200) << r.body;
  json body = body_of(r);
  EXPECT_EQ(body["token_type"], "Bearer");
  EXPECT_EQ(body["expires_in"], 3599);
  EXPECT_TRUE(body.contains("ext_expires_in"));
  EXPECT_EQ(get("/users?$top=1", body["access_token"].get<std::string>()).status, 200);
}

// MSAL sends its client-request-id in the query string (or the form), not as a header:
// the answer echoes it, names its own request x-ms-request-id and carries a Date, as the
// identity platform does; the id is the error's correlation_id.
TEST_F(TokenEndpointTest, EchoesTheClientRequestIdFromTheQueryOrFormWithItsOwnHeaders) {
  const std::string url = fake_->url() + "/" + kContoso + "/oauth2/v2.0/token";
  HttpReply ok = http_request("POST", url + "?client-request-id=abc-123",
                              secret_form(kAdminClient, kAdminSecret),
                              {{"Content-Type", "application/x-www-form-urlencoded"}});
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(ok.headers["client-request-id"], "abc-123");
  EXPECT_FALSE(ok.headers["x-ms-request-id"].empty());
  EXPECT_TRUE(
      std::regex_match(ok.headers["date"],
                       std::regex(R"([A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d GMT)")))
      << ok.headers["date"];

  HttpReply refused = token_request(fake_->url(), kContoso,
                                    secret_form(kAdminClient, "wrong") + "&client-request-id=f-9");
  EXPECT_EQ(refused.status, 401);
  EXPECT_EQ(refused.headers["client-request-id"], "f-9");
  EXPECT_EQ(aad_error(refused)["correlation_id"], "f-9");
}

TEST_F(TokenEndpointTest, WrongSecretIsInvalidClient7000215WithoutEchoingTheSecret) {
  HttpReply r = token_request(fake_->url(), kContoso, secret_form(kAdminClient, "wrong-s3cret"));
  EXPECT_EQ(r.status, 401);
  json e = aad_error(r);
  EXPECT_EQ(e["error"], "invalid_client");
  EXPECT_EQ(e["error_codes"], json::array({7000215}));
  EXPECT_EQ(e["error_description"].get<std::string>().rfind("AADSTS7000215: ", 0), 0u);
  for (const char* key : {"timestamp", "trace_id", "correlation_id"}) EXPECT_TRUE(e.contains(key));
  EXPECT_EQ(r.body.find("wrong-s3cret"), std::string::npos);
}

TEST_F(TokenEndpointTest, UnknownTenantIs90002) {
  HttpReply r = token_request(fake_->url(), "nowhere.onmicrosoft.com",
                              secret_form(kAdminClient, kAdminSecret));
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(aad_error(r)["error_codes"], json::array({90002}));
  EXPECT_EQ(aad_error(r)["error_description"].get<std::string>().rfind("AADSTS90002: ", 0), 0u);
}

TEST_F(TokenEndpointTest, UnknownClientIs700016) {
  HttpReply r = token_request(fake_->url(), kContoso,
                              secret_form("99999999-9999-9999-9999-999999999999", "x"));
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(aad_error(r)["error"], "unauthorized_client");
  EXPECT_EQ(aad_error(r)["error_codes"], json::array({700016}));
}

TEST_F(TokenEndpointTest, TenantByIdOrDomainAndTokenBoundToItsTenant) {
  std::string contoso_id = fake_->state(kContoso)["id"];
  std::string by_id = fake_->token(contoso_id, kAdminClient, kAdminSecret);
  std::string fabrikam = fake_->token(kFabrikam, kAdminClient, kAdminSecret);
  auto upns = [&](const std::string& tok) {
    std::vector<std::string> out;
    json page = body_of(get("/users?$select=userPrincipalName", tok));
    for (const auto& u : page["value"]) {
      out.push_back(u["userPrincipalName"]);
    }
    return out;
  };
  for (const auto& upn : upns(by_id)) EXPECT_NE(upn.find("contoso"), std::string::npos) << upn;
  for (const auto& upn : upns(fabrikam)) EXPECT_NE(upn.find("fabrikam"), std::string::npos) << upn;
  // A fabrikam token cannot reach a contoso user.
  EXPECT_EQ(get("/users/" + enc(contoso_upn("adele.vance")), fabrikam).status, 404);
}

TEST_F(TokenEndpointTest, ExpiredTokenGets401) {
  std::string tok = token();
  ASSERT_EQ(get("/users?$top=1", tok).status, 200);
  fake_->advance_clock(3600);
  HttpReply r = get("/users?$top=1", tok);
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(error_code(r), "InvalidAuthenticationToken");
  EXPECT_EQ(error_message(r), "Lifetime validation failed, the token is expired.");
}

TEST_F(TokenEndpointTest, MissingGarbageAndForgedTokensGet401) {
  HttpReply missing = http_request("GET", fake_->graph_url() + "/users");
  EXPECT_EQ(missing.status, 401);
  EXPECT_EQ(error_code(missing), "InvalidAuthenticationToken");
  EXPECT_EQ(error_message(missing), "Access token is empty.");
  EXPECT_EQ(get("/users", "garbage").status, 401);
  std::string tok = token();
  tok[tok.size() - 3] = tok[tok.size() - 3] == 'A' ? 'B' : 'A';
  HttpReply forged = get("/users", tok);
  EXPECT_EQ(forged.status, 401);
  EXPECT_EQ(error_code(forged), "InvalidAuthenticationToken");
  // Error bodies carry innerError with date, request-id, client-request-id.
  json inner = body_of(forged)["error"]["innerError"];
  for (const char* key : {"date", "request-id", "client-request-id"})
    EXPECT_TRUE(inner.contains(key));
}

// Certificate credentials: a fixture with a client whose certificate the test made.
class AssertionTest : public FakeGraphTest {
 protected:
  void SetUp() override {
    json fixture = load_demo_fixture();
    fixture["clients"].push_back({{"clientId", kCertClient}, {"certificatePem", keys_.cert_pem}});
    file_ = std::make_unique<TempFile>(fixture.dump());
    start({"--fixture", file_->path()});
  }
  json claims(std::time_t now_offset = 0) {
    // Assertion lifetimes are checked against real time, whatever the fixture's clock says.
    std::time_t now = std::time(nullptr) + now_offset;
    return {{"aud", fake_->url() + "/" + kContoso + "/oauth2/v2.0/token"},
            {"iss", kCertClient},
            {"sub", kCertClient},
            {"jti", "b6d0c9a6-1f27-4c1e-9a43-6d8f2c1e0a11"},
            {"nbf", now},
            {"exp", now + 600}};
  }
  HttpReply exchange(const std::string& jwt, const std::string& tenant = kContoso) {
    return token_request(fake_->url(), tenant, assertion_form(kCertClient, jwt));
  }

  KeyPair& keys_ = client_keys();
  std::unique_ptr<TempFile> file_;
};

TEST_F(AssertionTest, Rs256AssertionGetsAToken) {
  HttpReply r = exchange(sign_jwt(keys_.key, "RS256", claims()));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(get("/users?$top=1", body_of(r)["access_token"]).status, 200);
}

TEST_F(AssertionTest, Ps256AssertionGetsAToken) {
  HttpReply r = exchange(sign_jwt(keys_.key, "PS256", claims()));
  ASSERT_EQ(r.status, 200) << r.body;
}

TEST_F(AssertionTest, AudienceMayNameTheTenantById) {
  json c = claims();
  std::string id = fake_->state(kContoso)["id"];
  c["aud"] = fake_->url() + "/" + id + "/oauth2/v2.0/token";
  EXPECT_EQ(exchange(sign_jwt(keys_.key, "RS256", c)).status, 200);
}

TEST_F(AssertionTest, SignatureByAnotherKeyIs700027) {
  HttpReply r = exchange(sign_jwt(stranger_keys().key, "RS256", claims()));
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(aad_error(r)["error"], "invalid_client");
  EXPECT_EQ(aad_error(r)["error_codes"], json::array({700027}));
}

TEST_F(AssertionTest, WrongAudienceIsRefused) {
  json c = claims();
  c["aud"] = fake_->url() + "/" + kFabrikam + "/oauth2/v2.0/token";
  HttpReply r = exchange(sign_jwt(keys_.key, "RS256", c));
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(aad_error(r)["error_codes"], json::array({700023}));
}

TEST_F(AssertionTest, IssuerOrSubjectOtherThanTheClientIsRefused) {
  json c = claims();
  c["sub"] = kAdminClient;
  HttpReply r = exchange(sign_jwt(keys_.key, "RS256", c));
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(aad_error(r)["error_codes"], json::array({700021}));
}

TEST_F(AssertionTest, ExpiredOrFutureAssertionIsRefusedBeyondFiveMinutesOfSkew) {
  // exp 4 minutes ago: within the 5-minute skew, accepted.
  EXPECT_EQ(exchange(sign_jwt(keys_.key, "RS256", claims(-840))).status, 200);
  // exp 10 minutes ago: refused.
  HttpReply expired = exchange(sign_jwt(keys_.key, "RS256", claims(-1200)));
  EXPECT_EQ(expired.status, 401);
  EXPECT_EQ(aad_error(expired)["error_codes"], json::array({700024}));
  // nbf 10 minutes ahead: refused.
  EXPECT_EQ(exchange(sign_jwt(keys_.key, "RS256", claims(600))).status, 401);
}

// The fixture's clock stands at 2026-11-20; a client's clock tells real time. An assertion
// made for the fixture's day is as old as that day is to the token endpoint.
TEST_F(AssertionTest, LifetimesAreCheckedAgainstRealTimeNotTheFixturesClock) {
  std::time_t fixture_day = kFixtureNow - std::time(nullptr);
  ASSERT_LT(fixture_day, -3600) << "the test assumes real time is past the fixture's day";
  HttpReply r = exchange(sign_jwt(keys_.key, "RS256", claims(fixture_day)));
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(aad_error(r)["error_codes"], json::array({700024}));
}

TEST_F(AssertionTest, GarbageAssertionIsMalformed) {
  HttpReply r = exchange("not.a.jwt");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(aad_error(r)["error_codes"], json::array({50027}));
}

}  // namespace token_endpoint_test
}  // namespace tenantsync::test
