// One error, said once (issue #23): with a wrong client secret every command that reads
// the remote names the service's refusal (AADSTS7000215) exactly once, not once per layer
// it passed through, and exits 1.
#include <gtest/gtest.h>

#include "tests/e2e/cli_fixture.h"

namespace tenantsync::test {
namespace token_failure_cli_test {

size_t occurrences(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

TEST(TokenFailureCliTest, AWrongSecretIsReportedOncePerCommand) {
  CliFixture f({"--fixture", demo_fixture_path()}, "not-the-secret");
  auto desired = f.write("desired.json", contoso_changes_desired());
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"mirror"},
        {"plan", "--desired", desired},
        {"apply", "--desired", desired, "--yes"},
        {"drift", "--desired", desired},
        {"assign", "--tenant", "contoso.onmicrosoft.com", "--users",
         "isaiah.langer@contoso.onmicrosoft.com", "--sku", "EMS", "--yes"}}) {
    auto r = f.run(args);
    EXPECT_EQ(r.exit_code, 1) << args[0] << "\n" << r.out << r.err;
    EXPECT_EQ(occurrences(r.out + r.err, "AADSTS7000215"), 1u) << args[0] << "\n" << r.out << r.err;
  }
  EXPECT_EQ(f.writes(), 0);
}

}  // namespace token_failure_cli_test
}  // namespace tenantsync::test
