// tenantsync over https, as in production (issue #20): fake-graph serves TLS with a test
// CA it writes itself (--tls-self-signed), and tenantsync trusts that CA through
// remote.caFile; without it the certificate is refused and nothing is read.
#include <gtest/gtest.h>

#include "tests/e2e/cli_fixture.h"

namespace tenantsync::test {
namespace tls_cli_test {

TEST(TlsCliTest, MirrorsOverHttpsTrustingTheTestCaFromRemoteCaFile) {
  TempDir certificates;
  const std::string dir = certificates.file("tls");
  CliFixture f({"--fixture", demo_fixture_path(), "--tls-self-signed", dir}, "demo-secret");
  ASSERT_EQ(f.fake().url().rfind("https://127.0.0.1:", 0), 0u) << f.fake().url();

  // The system's roots do not know the test CA: refused, nothing mirrored.
  auto untrusted = f.run({"mirror"});
  EXPECT_EQ(untrusted.exit_code, 1) << untrusted.out << untrusted.err;
  EXPECT_NE(untrusted.err.find("TLS handshake failed"), std::string::npos) << untrusted.err;
  EXPECT_NE(untrusted.err.find("remote.caFile"), std::string::npos) << untrusted.err;
  EXPECT_EQ(untrusted.err.find("maxAttempts"), std::string::npos)
      << "an untrusted certificate is not retried:\n"
      << untrusted.err;

  f.write_config({{"remote", {{"caFile", dir + "/ca.pem"}}}});
  auto trusted = f.run({"mirror"});
  EXPECT_EQ(trusted.exit_code, 0) << trusted.out << trusted.err;
  for (const char* tenant :
       {"contoso.onmicrosoft.com", "fabrikam.onmicrosoft.com", "northwind.onmicrosoft.com"}) {
    EXPECT_EQ(lines_with(trusted.out, {tenant, " full "}).size(), 1u) << trusted.out;
  }
  auto delta = f.run({"mirror"});
  EXPECT_EQ(lines_with(delta.out, {"contoso.onmicrosoft.com", " delta "}).size(), 1u)
      << "the delta link is https too:\n"
      << delta.out << delta.err;
}

// --tls-cert/--tls-key: a certificate of one's own (here the one a first fake wrote).
TEST(TlsCliTest, ServesHttpsWithTheCertificateAndKeyItIsGiven) {
  TempDir certificates;
  const std::string dir = certificates.file("tls");
  { FakeGraphProcess writer({"--fixture", demo_fixture_path(), "--tls-self-signed", dir}); }
  CliFixture f({"--fixture", demo_fixture_path(), "--tls-cert", dir + "/server.pem", "--tls-key",
                dir + "/server-key.pem"},
               "demo-secret");
  ASSERT_EQ(f.fake().url().rfind("https://", 0), 0u) << f.fake().url();
  f.write_config({{"remote", {{"caFile", dir + "/ca.pem"}}}});
  auto r = f.run({"mirror", "--tenant", "contoso.onmicrosoft.com"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;

  auto alone = run_program(FAKE_GRAPH_BIN,
                           {"--fixture", demo_fixture_path(), "--tls-cert", dir + "/server.pem"});
  EXPECT_EQ(alone.exit_code, 64) << "a certificate without its key is a usage error";
  EXPECT_NE(alone.err.find("--tls-cert and --tls-key go together"), std::string::npos) << alone.err;
}

TEST(TlsCliTest, AnUnreadableCaFileIsNamed) {
  CliFixture f;
  f.write_config({{"remote", {{"caFile", "no-such-ca.pem"}}}});
  auto r = f.run({"mirror"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.err.find("remote.caFile: cannot read"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("no-such-ca.pem"), std::string::npos) << r.err;
}

}  // namespace tls_cli_test
}  // namespace tenantsync::test
