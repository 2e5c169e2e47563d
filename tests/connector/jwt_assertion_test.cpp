// Client assertions signed with a key made in the test, verified with OpenSSL here.
#include "connector/jwt_assertion.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <vector>

#include "tests/connector/test_certificate.h"

namespace tenantsync {
namespace jwt_assertion_test {

using namespace std::chrono_literals;

const test::TestCertificate& cert() {
  static const test::TestCertificate c = test::make_test_certificate();
  return c;
}

const std::string kEndpoint =
    "https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token";
const std::string kClient = "11111111-1111-1111-1111-111111111111";

TEST(JwtAssertionTest, Rs256AssertionVerifiesAndCarriesTheClaims) {
  auto credential = ClientCertificate::from_pem(cert().certificate_pem, cert().private_key_pem);
  ASSERT_TRUE(credential.ok()) << credential.error().describe();
  FakeClock clock;
  auto token = credential->make_assertion({kClient, kEndpoint, clock.now(), 600s});
  ASSERT_TRUE(token.ok()) << token.error().describe();

  auto jws = test::verify_jws(*token, cert().public_key_pem);
  EXPECT_TRUE(jws.signature_valid);
  EXPECT_EQ(jws.header["alg"], "RS256");
  EXPECT_EQ(jws.header["typ"], "JWT");
  EXPECT_EQ(jws.header["x5t#S256"], test::certificate_sha256_thumbprint(cert().certificate_pem));
  EXPECT_EQ(jws.header["x5t#S256"], credential->x5t_s256());
  EXPECT_EQ(jws.header["x5t"].get<std::string>().size(), 27u);  // 20 bytes, base64url
  auto now =
      std::chrono::duration_cast<std::chrono::seconds>(clock.now().time_since_epoch()).count();
  EXPECT_EQ(jws.claims["aud"], kEndpoint);
  EXPECT_EQ(jws.claims["iss"], kClient);
  EXPECT_EQ(jws.claims["sub"], kClient);
  EXPECT_EQ(jws.claims["nbf"], now);
  EXPECT_EQ(jws.claims["iat"], now);
  EXPECT_EQ(jws.claims["exp"], now + 600);
  EXPECT_EQ(jws.claims["jti"].get<std::string>().size(), 36u);
}

TEST(JwtAssertionTest, Ps256AssertionVerifies) {
  auto credential = ClientCertificate::from_pem(cert().certificate_pem, cert().private_key_pem);
  ASSERT_TRUE(credential.ok());
  auto token =
      credential->make_assertion({kClient, kEndpoint, FakeClock().now()}, JwtAlgorithm::PS256);
  ASSERT_TRUE(token.ok());
  auto jws = test::verify_jws(*token, cert().public_key_pem);
  EXPECT_EQ(jws.header["alg"], "PS256");
  EXPECT_TRUE(jws.signature_valid);
}

TEST(JwtAssertionTest, EachAssertionHasItsOwnJti) {
  auto credential = ClientCertificate::from_pem(cert().certificate_pem, cert().private_key_pem);
  ASSERT_TRUE(credential.ok());
  FakeClock clock;
  auto a = test::verify_jws(*credential->make_assertion({kClient, kEndpoint, clock.now()}),
                            cert().public_key_pem);
  auto b = test::verify_jws(*credential->make_assertion({kClient, kEndpoint, clock.now()}),
                            cert().public_key_pem);
  EXPECT_NE(a.claims["jti"], b.claims["jti"]);
}

TEST(JwtAssertionTest, TamperedAssertionFailsVerification) {
  auto credential = ClientCertificate::from_pem(cert().certificate_pem, cert().private_key_pem);
  auto token = *credential->make_assertion({kClient, kEndpoint, FakeClock().now()});
  auto dot = token.find('.');
  std::string forged_claims = base64url_encode(
      R"({"aud":"x","iss":"evil","sub":"evil","jti":"1","nbf":0,"iat":0,"exp":9999999999})");
  std::string forged = token.substr(0, dot + 1) + forged_claims + token.substr(token.rfind('.'));
  EXPECT_FALSE(test::verify_jws(forged, cert().public_key_pem).signature_valid);
}

TEST(JwtAssertionTest, KeyThatDoesNotMatchTheCertificateIsRefused) {
  auto other = test::make_test_certificate();
  auto credential = ClientCertificate::from_pem(cert().certificate_pem, other.private_key_pem);
  ASSERT_FALSE(credential.ok());
  EXPECT_EQ(credential.error().kind, ErrorKind::Invalid);
  EXPECT_NE(credential.error().message.find("does not match"), std::string::npos);
}

TEST(JwtAssertionTest, GarbageKeyAndCertificateAreInvalidWithoutEchoingThem) {
  auto bad_key = ClientCertificate::from_pem(
      cert().certificate_pem,
      "-----BEGIN PRIVATE KEY-----\nnot-a-key\n-----END PRIVATE KEY-----\n");
  ASSERT_FALSE(bad_key.ok());
  EXPECT_EQ(bad_key.error().message.find("not-a-key"), std::string::npos);
  auto bad_cert = ClientCertificate::from_pem("hello", cert().private_key_pem);
  ASSERT_FALSE(bad_cert.ok());
  EXPECT_EQ(bad_cert.error().kind, ErrorKind::Invalid);
}

TEST(JwtAssertionTest, FromFilesNamesTheFileNotTheKey) {
  std::string cert_file = test::write_temp_file(cert().certificate_pem);
  std::string key_file = test::write_temp_file(cert().private_key_pem);
  auto ok = ClientCertificate::from_files(cert_file, key_file);
  EXPECT_TRUE(ok.ok()) << ok.error().describe();
  auto missing = ClientCertificate::from_files(cert_file, "/nonexistent/key.pem");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("/nonexistent/key.pem"), std::string::npos);
  std::remove(cert_file.c_str());
  std::remove(key_file.c_str());
}

TEST(JwtAssertionTest, Base64UrlRoundTrip) {
  const std::vector<std::string> samples = {
      "", "f", "fo", "foo", "foob", "fooba", "foobar", std::string("\xff\xfe\x00", 3)};
  for (const std::string& s : samples) {
    auto enc = base64url_encode(s);
    EXPECT_EQ(enc.find_first_of("+/="), std::string::npos);
    EXPECT_EQ(*base64url_decode(enc), s);
  }
  EXPECT_EQ(base64url_encode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(base64url_encode(std::string("\xfb\xff", 2)), "-_8");
  EXPECT_FALSE(base64url_decode("a+b"));
}

}  // namespace jwt_assertion_test
}  // namespace tenantsync
