// Secrets stay secret: every command, at --log-level trace, against fake-graph; then
// stdout, stderr, every file tenantsync wrote (cache, reports, plans, exports, drift
// reports, the lock file) and the webhook's posts are searched for the client secret (as
// is and URL-encoded), a certificate's private key, access tokens and client assertions
// (any JWT), and the temporary passwords, which may appear in their passwords file only.
// Also: a private key file readable by group or others is refused before anything is sent,
// and the cache and passwords files are created 0600.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sync/clock.h"
#include "tests/connector/test_certificate.h"
#include "tests/e2e/cli_fixture.h"
#include "tests/support/local_http_server.h"

namespace tenantsync::test {
namespace secrets_test {

using nlohmann::json;
using ::testing::HasSubstr;

const std::string kContoso = "contoso.onmicrosoft.com";
const std::string kAdminClient = "11111111-1111-1111-1111-111111111111";
const std::string kCertClient = "33333333-3333-3333-3333-333333333333";
// Characters that URL-encoding changes, so a leak of the encoded form (a form body, a
// logged request) is caught as well as the plain one.
const std::string kSecret = "Sx7+client/secret=not-for-logs";
const std::string kSecretUrlEncoded = "Sx7%2Bclient%2Fsecret%3Dnot-for-logs";

int file_mode(const std::string& path) {
  struct stat st {};
  if (stat(path.c_str(), &st) != 0) return -1;
  return static_cast<int>(st.st_mode & 0777);
}

bool is_base64url(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
}

// A compact JWS (an access token or a client assertion): "eyJ...", ".eyJ...", ".sig",
// each segment base64url. Returns the first one found in `text`, or "".
std::string find_jwt(const std::string& text) {
  for (size_t at = text.find("eyJ"); at != std::string::npos; at = text.find("eyJ", at + 1)) {
    size_t i = at;
    auto segment = [&](size_t min_length) {
      size_t start = i;
      while (i < text.size() && is_base64url(text[i])) ++i;
      return i - start >= min_length;
    };
    if (!segment(10) || i >= text.size() || text[i] != '.') continue;
    ++i;
    if (text.compare(i, 3, "eyJ") != 0 || !segment(10) || i >= text.size() || text[i] != '.') {
      continue;
    }
    ++i;
    if (!segment(16)) continue;
    return text.substr(at, i - at);
  }
  return "";
}

// Everything tenantsync showed or wrote, by where it was seen.
class Exposure {
 public:
  void add(const std::string& where, const std::string& text) { seen_[where] += text; }

  void add_run(const std::string& what, const ProgramResult& r) {
    add(what + ": stdout", r.out);
    add(what + ": stderr", r.err);
  }

  // Every regular file under `folder`, as it is now (SQLite's -wal and -shm files exist
  // only while a command runs or after a crash, so callers take this after each command).
  void add_files(const std::string& folder, const std::set<std::string>& except = {}) {
    for (const auto& entry : std::filesystem::recursive_directory_iterator(folder)) {
      if (!entry.is_regular_file() || except.count(entry.path().string())) continue;
      add("file " + entry.path().string(), read_file(entry.path().string()));
    }
  }

  // `needle` (described by `what`) appears nowhere, except in places named in `allowed`.
  void expect_absent(const std::string& needle, const std::string& what,
                     const std::set<std::string>& allowed = {}) const {
    ASSERT_FALSE(needle.empty()) << what;
    for (const auto& [where, text] : seen_) {
      if (allowed.count(where)) continue;
      EXPECT_EQ(text.find(needle), std::string::npos) << what << " appears in " << where;
    }
  }

  void expect_no_jwt() const {
    for (const auto& [where, text] : seen_) {
      std::string jwt = find_jwt(text);
      EXPECT_EQ(jwt, "") << "a token or assertion appears in " << where;
    }
  }

  size_t places() const { return seen_.size(); }

 private:
  std::map<std::string, std::string> seen_;
};

// The demo estate with the admin client's secret replaced by kSecret and, optionally, a
// certificate client; the fake's clock at real time so a signed assertion is current.
std::vector<std::string> fake_args(const TempDir& dir, const std::string& certificate_pem = "") {
  std::string fixture = edited_demo_fixture(dir, "fixture.json", [&](json& f) {
    for (auto& client : f["clients"]) {
      if (client["clientId"] == kAdminClient) client["secret"] = kSecret;
    }
    if (!certificate_pem.empty()) {
      f["clients"].push_back({{"clientId", kCertClient}, {"certificatePem", certificate_pem}});
      f["now"] = format_iso8601(SystemClock().now());
    }
  });
  return {"--fixture", fixture};
}

// Exit codes of a command that ran to its end (no changes, changes, partly done).
::testing::Matcher<int> RanToTheEnd() { return ::testing::AnyOf(0, 2, 3); }

class SecretsTest : public ::testing::Test {
 protected:
  // Runs `args` at trace level, records what it printed and every file afterwards.
  ProgramResult run(CliFixture& f, std::vector<std::string> args,
                    const std::set<std::string>& private_files = {}) {
    std::string what = "tenantsync";
    for (const auto& a : args) what += " " + a;
    args.insert(args.begin(), {"--log-level", "trace", "--no-progress"});
    ProgramResult r = f.run(args);
    exposure_.add_run(what, r);
    exposure_.add_files(f.dir().path(), private_files);
    EXPECT_THAT(r.exit_code, RanToTheEnd()) << what << "\n" << r.out << r.err;
    return r;
  }

  // Every command but the user tasks (see PasswordsAppearOnlyInThePasswordsFile).
  void run_every_command(CliFixture& f, LocalHttpServer& hook) {
    const std::string desired = f.write("desired.json", contoso_changes_desired());
    f.write_config({{"desired", desired},
                    {"reports", {{"dir", f.dir().file("reports")}}},
                    {"webhook", {{"url", hook.url() + "/hook"}, {"format", "json"}}}});
    run(f, {"mirror"});
    run(f, {"mirror", "--full", "--tenant", kContoso});
    run(f, {"plan", "--desired", desired, "--out", f.dir().file("plan.json")});
    run(f, {"plan", "--desired", desired, "--no-refresh", "--format", "json"});
    for (const char* format : {"text", "json", "csv", "md", "html"}) {
      run(f, {"drift", "--desired", desired, "--format", format, "--out",
              f.dir().file(std::string("drift.") + format)});
    }
    run(f, {"export", "--out", f.dir().file("export.json")});
    for (const char* format : {"text", "json", "csv"}) {
      run(f, {"users", "list", "--tenant", kContoso, "--format", format});
    }
    run(f, {"licenses", "--tenant", kContoso, "--filter", "sku:SPE_E3"});
    run(f, {"run", "--once"});  // first, so its cycle finds drift to notify about
    run(f, {"apply", "--desired", desired, "--yes"});
    run(f, {"journal"});
    run(f, {"journal", "--format", "json"});
    for (const auto& request : hook.requests()) exposure_.add("webhook post", request.body);

    // The commands did their work (so there was something to leak).
    for (const char* file : {"plan.json", "drift.html", "drift.csv", "export.json"}) {
      EXPECT_TRUE(std::filesystem::exists(f.dir().file(file))) << file;
    }
    EXPECT_FALSE(std::filesystem::is_empty(f.dir().file("reports")));
    EXPECT_FALSE(hook.requests().empty()) << "run --once posted no summary";
  }

  // An access token as the fake issues them: its header (the same in every token the
  // fake signs) and its signature.
  void expect_no_access_token(CliFixture& f, const std::string& client, const std::string& secret) {
    std::string token = f.fake().token(kContoso, client, secret);
    size_t dot = token.find('.');
    ASSERT_NE(dot, std::string::npos);
    exposure_.expect_absent(token.substr(0, dot + 1), "an access token's header");
    exposure_.expect_absent(token.substr(token.rfind('.') + 1), "an access token's signature");
    exposure_.expect_no_jwt();
  }

  Exposure exposure_;
};

TEST_F(SecretsTest, EveryCommandAtTraceLevelKeepsTheClientSecretAndTokensToItself) {
  TempDir fixture_dir;
  CliFixture f(fake_args(fixture_dir), kSecret);
  LocalHttpServer hook([](const LocalHttpServer::Request&) { return http_reply(204, ""); });
  run_every_command(f, hook);
  ASSERT_GT(exposure_.places(), 40u);

  exposure_.expect_absent(kSecret, "the client secret");
  exposure_.expect_absent(kSecretUrlEncoded, "the URL-encoded client secret");
  expect_no_access_token(f, kAdminClient, kSecret);
  EXPECT_EQ(file_mode(f.dir().file("tenantsync.db")), 0600);
  EXPECT_EQ(file_mode(f.dir().file("tenantsync.db.lock")), 0600);
}

TEST_F(SecretsTest, CertificateRunNeverShowsThePrivateKeyOrTheSignedAssertion) {
  TestCertificate cert = make_test_certificate();
  TempDir fixture_dir;
  CliFixture f(fake_args(fixture_dir, cert.certificate_pem), kSecret);
  std::string cert_file = f.write("client.crt", cert.certificate_pem);
  std::string key_file = f.write("client.key", cert.private_key_pem);
  ASSERT_EQ(chmod(key_file.c_str(), 0600), 0);
  f.write_config({{"remote",
                   {{"clientId", kCertClient},
                    {"clientSecretEnv", nullptr},
                    {"certificateFile", cert_file},
                    {"privateKeyFile", key_file}}}});
  LocalHttpServer hook([](const LocalHttpServer::Request&) { return http_reply(204, ""); });
  run_every_command(f, hook);
  // The key file is the only place its body may be.
  std::set<std::string> key_allowed = {"file " + key_file};

  std::istringstream pem(cert.private_key_pem);
  std::string line, body;
  int lines = 0;
  while (std::getline(pem, line)) {
    if (line.rfind("-----", 0) == 0 || line.empty()) continue;
    exposure_.expect_absent(line, "a line of the private key", key_allowed);
    body += line;
    ++lines;
  }
  ASSERT_GT(lines, 10);
  exposure_.expect_absent(body, "the private key's base64 body", key_allowed);
  exposure_.expect_absent(body.substr(body.size() / 2, 40), "a piece of the private key",
                          key_allowed);
  expect_no_access_token(f, kAdminClient, kSecret);  // also any assertion: it is a JWT
}

// The user tasks (users add, import, reset-password) are a separate case: their passwords
// may appear in their --passwords-out file and nowhere else, also when the same commands
// give admin roles and properties, and through users set / roles.
TEST_F(SecretsTest, PasswordsAppearOnlyInThePasswordsFile) {
  TempDir fixture_dir;
  CliFixture f(fake_args(fixture_dir), kSecret);
  run(f, {"mirror"});
  std::string csv = f.write("new-hires.csv",
                            "userPrincipalName,displayName,usageLocation,licenses,roles\n"
                            "nina.north@contoso.onmicrosoft.com,Nina North,US,EMS,Reports Reader\n"
                            "omar.olsen@contoso.onmicrosoft.com,Omar Olsen,DE,,\n");
  std::vector<std::string> files = {f.dir().file("add.csv"), f.dir().file("import.csv"),
                                    f.dir().file("reset.csv")};
  std::set<std::string> passwords_files(files.begin(), files.end());
  run(f,
      {"users", "add", "--tenant", kContoso, "--upn", "new.person@contoso.onmicrosoft.com",
       "--display-name", "New Person", "--usage-location", "US", "--department", "Sales", "--role",
       "License Administrator", "--passwords-out", files[0]},
      passwords_files);
  run(f, {"users", "import", "--tenant", kContoso, "--csv", csv, "--passwords-out", files[1]},
      passwords_files);
  run(f,
      {"users", "reset-password", "--tenant", kContoso, "--user",
       "megan.bowen@contoso.onmicrosoft.com", "--passwords-out", files[2]},
      passwords_files);
  run(f,
      {"users", "set", "--tenant", kContoso, "--user", "new.person@contoso.onmicrosoft.com",
       "--job-title", "Lead"},
      passwords_files);
  run(f,
      {"users", "roles", "--tenant", kContoso, "--user", "omar.olsen@contoso.onmicrosoft.com",
       "--add", "Reports Reader"},
      passwords_files);
  run(f, {"journal", "--format", "json"}, passwords_files);
  run(f, {"export", "--out", f.dir().file("export.json")}, passwords_files);

  int passwords = 0;
  for (const auto& file : files) {
    ASSERT_TRUE(std::filesystem::exists(file)) << file;
    EXPECT_EQ(file_mode(file), 0600) << file;
    std::istringstream rows(read_file(file));
    std::string row;
    std::getline(rows, row);
    EXPECT_EQ(row, "userPrincipalName,temporaryPassword");
    while (std::getline(rows, row)) {
      std::string password = row.substr(row.find(',') + 1);
      ASSERT_GE(password.size(), 8u) << row;
      exposure_.expect_absent(password, "a temporary password");
      ++passwords;
    }
    // The passwords file itself holds nothing else secret.
    std::string text = read_file(file);
    EXPECT_EQ(text.find(kSecret), std::string::npos) << file;
    EXPECT_EQ(find_jwt(text), "") << file;
  }
  EXPECT_EQ(passwords, 4);  // one added, two imported, one reset
  exposure_.expect_absent(kSecret, "the client secret");
  expect_no_access_token(f, kAdminClient, kSecret);
}

TEST_F(SecretsTest, PrivateKeyReadableByOthersIsRefusedBeforeAnythingIsSent) {
  TestCertificate cert = make_test_certificate();
  TempDir fixture_dir;
  CliFixture f(fake_args(fixture_dir, cert.certificate_pem), kSecret);
  std::string key_file = f.write("client.key", cert.private_key_pem);
  f.write_config({{"remote",
                   {{"clientId", kCertClient},
                    {"clientSecretEnv", nullptr},
                    {"certificateFile", f.write("client.crt", cert.certificate_pem)},
                    {"privateKeyFile", key_file}}}});
  for (mode_t mode : {0640, 0604, 0644}) {
    ASSERT_EQ(chmod(key_file.c_str(), mode), 0);
    f.fake().reset_stats();
    ProgramResult r = f.run({"mirror"});
    EXPECT_EQ(r.exit_code, 1) << std::oct << mode << "\n" << r.out << r.err;
    EXPECT_THAT(r.err, HasSubstr("private key " + key_file + " is readable by others"));
    EXPECT_THAT(r.err, HasSubstr("chmod 600"));
    EXPECT_TRUE(f.fake().stats()["requests"].empty()) << "nothing may be sent with that key";
  }
  ASSERT_EQ(chmod(key_file.c_str(), 0600), 0);
  ProgramResult ok = f.run({"mirror"});
  EXPECT_EQ(ok.exit_code, 0) << ok.out << ok.err;
}

}  // namespace secrets_test
}  // namespace tenantsync::test
