// Selecting users across the commands (issue #18), end to end against fake-graph's demo
// estate: `users list` paging edges (--page first / last, past the end, hints that carry
// every flag), the `enabled` / `disabled` filter parts and the STATUS column, a filter's
// selection skipping blocked accounts unless --include-disabled, --users-file as a plain
// list or an admin-center CSV, and --filter on users delete / restore.
#include <algorithm>
#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/e2e/cli_fixture.h"

namespace tenantsync::test {
namespace selection_cli_test {

using ::testing::HasSubstr;
using ::testing::Not;

const char* kContoso = "contoso.onmicrosoft.com";
const char* kBen = "ben.walters@contoso.onmicrosoft.com";    // unlicensed, sign-in blocked
const char* kEmily = "emily.braun@contoso.onmicrosoft.com";  // unlicensed
const char* kEms = "efccb6f7-5641-4e0e-bd10-b4976e1bf68e";

class SelectionCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto r = f.run({"mirror"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    contoso = f.fake().state(kContoso);
  }

  int active_users() const { return static_cast<int>(contoso["users"].size()); }

  CliFixture f;
  nlohmann::json contoso;
};

// The first column of the table rows of `users list` text.
std::vector<std::string> listed_users(const std::string& out) {
  std::vector<std::string> users;
  for (const auto& line : lines_of(out)) {
    if (line.empty() || line[0] == ' ' || line.rfind("USER ", 0) == 0 ||
        line.rfind("page ", 0) == 0) {
      continue;
    }
    users.push_back(line.substr(0, line.find(' ')));
  }
  return users;
}

std::string paging_line(const std::string& out) {
  for (const auto& line : lines_of(out)) {
    if (line.rfind("page ", 0) == 0) return line;
  }
  return "(no paging line)";
}

// The command of a hint line ("  next:     tenantsync --config X users list ..."), as
// arguments after the --config the fixture adds itself.
std::vector<std::string> hint_args(const std::string& out, const std::string& label) {
  for (const auto& line : lines_of(out)) {
    auto at = line.find(label);
    if (at == std::string::npos || line.rfind("  ", 0) != 0) continue;
    std::istringstream words(line.substr(at + label.size()));
    std::vector<std::string> args;
    for (std::string w; words >> w;) args.push_back(w);
    // tenantsync --config PATH users list ...
    if (args.size() > 3 && args[0] == "tenantsync" && args[1] == "--config") {
      return std::vector<std::string>(args.begin() + 3, args.end());
    }
    return args;
  }
  return {};
}

// Byte offset of the `chars`-th UTF-8 character of `line` (npos past the end).
size_t byte_offset(const std::string& line, size_t chars) {
  size_t seen = 0;
  for (size_t i = 0; i < line.size(); ++i) {
    if ((static_cast<unsigned char>(line[i]) & 0xC0) == 0x80) continue;
    if (seen++ == chars) return i;
  }
  return std::string::npos;
}

// The word of a table row that starts where the header's `title` does (counted in
// characters), or "(none)" when the row is shorter; "(misaligned)" when the row has no
// blank just before it.
std::string cell_under(const std::string& header, const std::string& row,
                       const std::string& title) {
  size_t column = header.find(title);  // the header is ASCII
  size_t at = byte_offset(row, column);
  if (column == std::string::npos || at == std::string::npos) return "(none)";
  if (at == 0 || row[at - 1] != ' ') return "(misaligned)";
  return row.substr(at, row.find(' ', at) - at);
}

// STATUS of the row of `upn` in `users list` text.
std::string status_of(const std::string& out, const std::string& upn) {
  auto lines = lines_of(out);
  for (const auto& line : lines) {
    if (line.rfind(upn + " ", 0) == 0) return cell_under(lines[0], line, "STATUS");
  }
  return "(no row for " + upn + ")";
}

TEST_F(SelectionCliTest, UsersListPageLastFirstAndPastTheEnd) {
  const int pages = (active_users() + 9) / 10;
  ASSERT_GE(pages, 3);
  const std::vector<std::string> list = {"users",  "list",        "--tenant",
                                         kContoso, "--page-size", "10"};
  auto with = [&](std::vector<std::string> more) {
    std::vector<std::string> args = list;
    args.insert(args.end(), more.begin(), more.end());
    return f.run(args);
  };

  auto last = with({"--page", "last"});
  ASSERT_EQ(last.exit_code, 0) << last.err;
  EXPECT_EQ(paging_line(last.out).rfind(
                "page " + std::to_string(pages) + " of " + std::to_string(pages) + " (", 0),
            0u)
      << last.out;
  EXPECT_EQ(static_cast<int>(listed_users(last.out).size()), active_users() - 10 * (pages - 1));

  auto first = with({"--page", "first"});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_EQ(paging_line(first.out).rfind("page 1 of " + std::to_string(pages), 0), 0u);
  EXPECT_EQ(listed_users(first.out).size(), 10u);

  // Past the end: a usage error naming the last page, on every format.
  for (const char* format : {"text", "json"}) {
    auto past = with({"--page", std::to_string(pages + 1), "--format", format});
    EXPECT_EQ(past.exit_code, 64) << past.out;
    EXPECT_THAT(past.err,
                HasSubstr("tenantsync users list: --page " + std::to_string(pages + 1) +
                          ": there are " + std::to_string(pages) + " pages (--page last)"));
    EXPECT_EQ(past.out, "");
  }
  for (const char* bad : {"0", "-1", "lastt", "2x"}) {
    auto r = with({"--page", bad});
    EXPECT_EQ(r.exit_code, 64) << bad << r.err;
    EXPECT_THAT(r.err, HasSubstr("expected first, last or a page number from 1")) << bad;
  }

  // No users at all is page 1 of 1, whichever page is asked for by name.
  for (const char* page : {"1", "first", "last"}) {
    auto empty = with({"--filter", "department:Nowhere", "--page", page});
    EXPECT_EQ(empty.exit_code, 0) << page << empty.err;
    EXPECT_THAT(empty.out, HasSubstr("page 1 of 1 (0 users matching department:Nowhere)"));
  }
  auto past_empty = with({"--filter", "department:Nowhere", "--page", "2"});
  EXPECT_EQ(past_empty.exit_code, 64);
  EXPECT_THAT(past_empty.err, HasSubstr("--page 2: there is 1 page (--page last)"));
}

TEST_F(SelectionCliTest, UsersListHintsRepeatTheFlagsThatChoseThePage) {
  auto r = f.run({"users", "list", "--tenant", kContoso, "--filter", "enabled", "--page-size", "7",
                  "--page", "2"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::vector<std::string> next = hint_args(r.out, "next:");
  ASSERT_FALSE(next.empty()) << r.out;
  EXPECT_EQ(next, (std::vector<std::string>{"users", "list", "--tenant", kContoso, "--filter",
                                            "enabled", "--page-size", "7", "--page", "3"}))
      << r.out;
  // Pasted back, a hint shows that page.
  auto third = f.run(next);
  ASSERT_EQ(third.exit_code, 0) << third.err;
  EXPECT_EQ(paging_line(third.out).rfind("page 3 of ", 0), 0u) << third.out;
  auto last = f.run(hint_args(r.out, "last:"));
  ASSERT_EQ(last.exit_code, 0) << last.err << r.out;
  EXPECT_EQ(listed_users(last.out).back(),
            listed_users(f.run({"users", "list", "--tenant", kContoso, "--filter", "enabled",
                                "--page-size", "100"})
                             .out)
                .back());
  EXPECT_THAT(r.out, HasSubstr("first:"));

  // A glob is quoted for the shell; --deleted is carried too.
  auto glob = f.run({"users", "list", "--tenant", kContoso, "--filter",
                     "upn:*@contoso.onmicrosoft.com", "--page-size", "5"});
  EXPECT_THAT(glob.out, HasSubstr("--filter 'upn:*@contoso.onmicrosoft.com' --page-size 5 "
                                  "--page 2"));
  // Two soft-deleted users (the demo's Cameron and now Megan), one per page.
  ASSERT_EQ(f.run({"users", "delete", "--tenant", kContoso, "--user",
                   "megan.bowen@contoso.onmicrosoft.com"})
                .exit_code,
            0);
  auto deleted = f.run({"users", "list", "--tenant", kContoso, "--deleted", "--page-size", "1"});
  ASSERT_EQ(deleted.exit_code, 0) << deleted.err;
  EXPECT_THAT(hint_args(deleted.out, "next:"),
              ::testing::ElementsAre("users", "list", "--tenant", kContoso, "--deleted",
                                     "--page-size", "1", "--page", "2"));
}

TEST_F(SelectionCliTest, UsersListFiltersOnSignInAndShowsTheStatus) {
  auto disabled = f.run({"users", "list", "--tenant", kContoso, "--filter", "disabled"});
  ASSERT_EQ(disabled.exit_code, 0) << disabled.err;
  EXPECT_EQ(listed_users(disabled.out), std::vector<std::string>{kBen}) << disabled.out;
  EXPECT_THAT(lines_of(disabled.out)[0], HasSubstr("STATUS"));
  EXPECT_EQ(status_of(disabled.out, kBen), "disabled") << disabled.out;

  auto enabled =
      f.run({"users", "list", "--tenant", kContoso, "--filter", "enabled", "--page-size", "100"});
  ASSERT_EQ(enabled.exit_code, 0) << enabled.err;
  auto users = listed_users(enabled.out);
  EXPECT_EQ(static_cast<int>(users.size()), active_users() - 1);
  EXPECT_EQ(std::count(users.begin(), users.end(), kBen), 0);
  for (const auto& upn : users) EXPECT_EQ(status_of(enabled.out, upn), "enabled") << upn;

  auto json = f.run({"users", "list", "--tenant", kContoso, "--filter", "disabled,unlicensed",
                     "--format", "json"});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  auto listed = nlohmann::json::parse(json.out);
  ASSERT_EQ(listed["users"].size(), 1u);
  EXPECT_EQ(listed["users"][0]["accountEnabled"], false);
}

TEST(SelectionColumnsCliTest, ColumnsFitTheLongestNameOnThePageAndCutPastTheMaximum) {
  TempDir fixture_dir;
  const std::string long_upn =
      "a.very.long.user.principal.name.for.the.columns@contoso.onmicrosoft.com";
  std::string fixture = edited_demo_fixture(fixture_dir, "long.json", [&](nlohmann::json& fx) {
    for (auto& t : fx["tenants"]) {
      if (t["defaultDomainName"] != kContoso) continue;
      for (auto& u : t["users"]) {
        if (u["userPrincipalName"] == "adele.vance@contoso.onmicrosoft.com") {
          u["userPrincipalName"] = long_upn;
          u["displayName"] = "Adèle Vance-Wißmann";  // non-ASCII: counted as characters
        }
      }
    }
  });
  CliFixture f({"--fixture", fixture}, "demo-secret");
  ASSERT_EQ(f.run({"mirror"}).exit_code, 0);
  auto r = f.run({"users", "list", "--tenant", kContoso, "--page-size", "100"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // Every row's STATUS cell starts where the header's does (counted in characters).
  int rows = 0;
  for (const auto& upn : listed_users(r.out)) {
    ++rows;
    std::string status = status_of(r.out, upn);
    EXPECT_TRUE(status == "enabled" || status == "disabled") << status << "\n" << r.out;
  }
  EXPECT_GT(rows, 20);
  // The long UPN is cut at 48 characters, ending in "...".
  EXPECT_THAT(r.out, HasSubstr(long_upn.substr(0, 45) + "...  "));
  EXPECT_THAT(r.out, Not(HasSubstr(long_upn)));
  // The narrow page is narrow: no column wider than what it shows.
  auto one = f.run({"users", "list", "--tenant", kContoso, "--filter", "disabled"});
  EXPECT_EQ(lines_of(one.out)[0].find("DISPLAY NAME"), std::string(kBen).size() + 2) << one.out;
}

// A usage location in a filter is checked as the desired state checks it: "UK" (the code
// is GB) or "XX" would match nobody and look like an empty selection, so every command that
// takes --filter refuses them as a usage error naming the filter part, and sends nothing.
TEST_F(SelectionCliTest, AFilterUsageLocationMustBeACountryCode) {
  f.fake().reset_stats();
  const std::vector<std::vector<std::string>> commands = {
      {"users", "list", "--tenant", kContoso},
      {"licenses", "--tenant", kContoso},
      {"users", "set", "--tenant", kContoso, "--department", "Sales", "--dry-run"},
      {"assign", "--tenant", kContoso, "--sku", "EMS", "--dry-run"}};
  for (auto args : commands) {
    std::string command = args[0] == "users" ? "users " + args[1] : args[0];
    args.insert(args.end(), {"--filter", "enabled,usage-location:UK"});
    auto uk = f.run(args);
    EXPECT_EQ(uk.exit_code, 64) << command << "\n" << uk.out << uk.err;
    EXPECT_THAT(uk.err, HasSubstr("tenantsync " + command +
                                  ": --filter: filter part 2 'usage-location:UK': \"UK\" is not "
                                  "an ISO 3166 code; the United Kingdom is GB"));
    EXPECT_THAT(uk.err, HasSubstr("Run 'tenantsync " + command + " --help' for usage."));
    args.back() = "usage-location:XX";
    auto xx = f.run(args);
    EXPECT_EQ(xx.exit_code, 64) << command << "\n" << xx.out << xx.err;
    EXPECT_THAT(xx.err, HasSubstr("'usage-location:XX': \"XX\" is not an ISO 3166 two-letter"));
  }
  EXPECT_EQ(f.writes(), 0);

  // A real code matches, in any case.
  auto gb = f.run({"users", "list", "--tenant", kContoso, "--filter", "usage-location:gb"});
  EXPECT_EQ(gb.exit_code, 0) << gb.err;
  int in_gb = 0;
  for (const auto& u : contoso["users"]) in_gb += u["usageLocation"] == "GB" ? 1 : 0;
  ASSERT_GT(in_gb, 0);
  EXPECT_EQ(listed_users(gb.out).size(), static_cast<size_t>(in_gb)) << gb.out;
}

TEST_F(SelectionCliTest, AssignByFilterSkipsBlockedAccountsUnlessIncludeDisabled) {
  ASSERT_FALSE(find_user(contoso, kBen)["accountEnabled"].get<bool>());
  auto r = f.run({"assign", "--tenant", kContoso, "--filter", "unlicensed", "--sku", "EMS",
                  "--format", "json"});
  auto out = nlohmann::json::parse(r.out);
  std::map<std::string, nlohmann::json> by_user;
  for (const auto& u : out["users"]) by_user[u["user"].get<std::string>()] = u;
  ASSERT_TRUE(by_user.count(kBen)) << r.out;
  EXPECT_EQ(by_user[kBen]["result"], "unchanged");
  EXPECT_EQ(by_user[kBen]["unchanged"][0],
            "not selected: sign-in blocked: skipped; --include-disabled to include");
  EXPECT_EQ(by_user[kEmily]["result"], "done");
  EXPECT_THAT(r.err, HasSubstr("tenantsync assign: warning: skipped 1 user the filter matched "
                               "whose sign-in is blocked (--include-disabled to include them)"));
  auto state = f.fake().state(kContoso);
  EXPECT_TRUE(direct_sku_ids(find_user(state, kBen)).empty());
  EXPECT_EQ(direct_sku_ids(find_user(state, kEmily)), std::vector<std::string>{kEms});

  auto included = f.run({"assign", "--tenant", kContoso, "--filter", "unlicensed", "--sku", "EMS",
                         "--include-disabled"});
  EXPECT_THAT(included.out, HasSubstr(std::string(kBen) + "\n    \u2713 assigned EMS"));
  EXPECT_THAT(included.err, Not(HasSubstr("warning: skipped")));
  state = f.fake().state(kContoso);
  EXPECT_EQ(direct_sku_ids(find_user(state, kBen)), std::vector<std::string>{kEms});
}

TEST_F(SelectionCliTest, NamedBlockedAccountsAreNotSkippedButNoted) {
  auto r = f.run({"assign", "--tenant", kContoso, "--users", kBen, "--sku", "EMS"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("\u2713 assigned EMS"));
  EXPECT_THAT(r.out, HasSubstr("note: sign-in is blocked (named explicitly, so not skipped)"));
  auto state = f.fake().state(kContoso);
  EXPECT_EQ(direct_sku_ids(find_user(state, kBen)), std::vector<std::string>{kEms});
}

TEST_F(SelectionCliTest, UsersDeleteTakesAnAdminCenterCsvOrAUpnCsv) {
  // The admin center's export where `;` separates: "User Name", a BOM, CRLF, quotes.
  std::string semicolons = f.write("leavers.csv",
                                   "\xEF\xBB\xBF"
                                   "Display name;User Name;Licenses\r\n"
                                   "Megan Bowen;megan.bowen@contoso.onmicrosoft.com;\"SPE_E3; "
                                   "x\"\r\n"
                                   "\"Lidia; H\";lidia.holloway@contoso.onmicrosoft.com;\r\n");
  auto r = f.run({"users", "delete", "--tenant", kContoso, "--users-file", semicolons});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  auto state = f.fake().state(kContoso);
  for (const char* upn :
       {"megan.bowen@contoso.onmicrosoft.com", "lidia.holloway@contoso.onmicrosoft.com"}) {
    bool active = std::any_of(state["users"].begin(), state["users"].end(),
                              [&](const auto& u) { return u["userPrincipalName"] == upn; });
    EXPECT_FALSE(active) << upn << r.out;
  }

  std::string commas =
      f.write("more.csv", "Department,UPN\nSales,\"isaiah.langer@contoso.onmicrosoft.com\"\n");
  auto more = f.run({"users", "delete", "--tenant", kContoso, "--users-file", commas});
  EXPECT_EQ(more.exit_code, 0) << more.out << more.err;
  EXPECT_THAT(more.out, HasSubstr("isaiah.langer@contoso.onmicrosoft.com\n    \u2713 deleted"));

  // A CSV without a UPN column: nothing is sent, the message names the file and columns.
  std::string wrong =
      f.write("wrong.csv", "Name;Mail\nJoni;joni.sherman@contoso.onmicrosoft.com\n");
  int writes = f.writes();
  auto refused = f.run({"users", "delete", "--tenant", kContoso, "--users-file", wrong});
  EXPECT_NE(refused.exit_code, 0);
  EXPECT_THAT(refused.err, HasSubstr(wrong + ":1: the header has no userPrincipalName, UPN or "
                                             "User Name column (columns: \"Name\", \"Mail\")"));
  EXPECT_EQ(f.writes(), writes);
}

TEST_F(SelectionCliTest, UsersRestoreByFilterMatchesTheDeletedUsersByTheirUpn) {
  // upn:c* matches the deleted Cameron, and the active Christie, who is not touched.
  auto r = f.run({"users", "restore", "--tenant", kContoso, "--filter", "upn:c*"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("cameron.white@contoso.onmicrosoft.com\n    \u2713 restored"));
  EXPECT_THAT(r.out, Not(HasSubstr("christie.cline")));
  EXPECT_THAT(r.out, Not(HasSubstr("brian.johnson")));
  auto state = f.fake().state(kContoso);
  EXPECT_TRUE(std::any_of(state["users"].begin(), state["users"].end(), [](const auto& u) {
    return u["userPrincipalName"] == "cameron.white@contoso.onmicrosoft.com";
  }));

  // A filter matching no deleted user restores nobody and says so.
  auto none = f.run({"users", "restore", "--tenant", kContoso, "--filter", "upn:nobody*"});
  EXPECT_EQ(none.exit_code, 0) << none.err;
  EXPECT_THAT(none.out, HasSubstr("no user was selected"));
}

TEST_F(SelectionCliTest, UsersDeleteByFilterSkipsBlockedAccountsUnlessTheFilterSaysDisabled) {
  // `upn:ben.*` matches Ben alone, whose sign-in is blocked: the filter leaves him.
  auto skipped = f.run({"users", "delete", "--tenant", kContoso, "--filter", "upn:ben.*"});
  EXPECT_EQ(skipped.exit_code, 0) << skipped.out << skipped.err;
  EXPECT_THAT(skipped.out, HasSubstr("not selected: sign-in blocked"));
  EXPECT_THAT(skipped.err, HasSubstr("warning: skipped 1 user"));
  auto state = f.fake().state(kContoso);
  EXPECT_TRUE(std::any_of(state["users"].begin(), state["users"].end(),
                          [](const auto& u) { return u["userPrincipalName"] == kBen; }));

  auto deleted = f.run({"users", "delete", "--tenant", kContoso, "--filter", "upn:ben.*,disabled"});
  EXPECT_EQ(deleted.exit_code, 0) << deleted.out << deleted.err;
  EXPECT_THAT(deleted.out, HasSubstr(std::string(kBen) + "\n    \u2713 deleted"));
}

TEST_F(SelectionCliTest, ResetPasswordByFilterSkipsBlockedAccountsAndAllowSignInDoesNot) {
  // Engineering: Ben (sign-in blocked) and four others.
  std::string pw = f.dir().file("pw.csv");
  auto r = f.run({"users", "reset-password", "--tenant", kContoso, "--filter",
                  "department:Engineering", "--passwords-out", pw});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr(std::string(kBen) + "\n    = not selected: sign-in blocked: "
                                                   "skipped; --include-disabled to include"));
  EXPECT_THAT(
      r.out,
      HasSubstr("5 users, 4 operations: 4 done, 0 failed; 1 not selected (sign-in blocked)."));
  EXPECT_THAT(r.err, HasSubstr("tenantsync users reset-password: warning: skipped 1 user"));
  std::string passwords = read_file(pw);
  EXPECT_THAT(passwords, Not(HasSubstr("ben.walters")));
  EXPECT_THAT(passwords, HasSubstr("grady.archie@contoso.onmicrosoft.com,"));

  // Allowing sign-in is meant for the blocked accounts: the filter keeps them.
  auto allow = f.run({"users", "set", "--tenant", kContoso, "--filter", "department:Engineering",
                      "--allow-sign-in", "--dry-run"});
  EXPECT_EQ(allow.exit_code, 0) << allow.out << allow.err;
  EXPECT_THAT(allow.out, HasSubstr(std::string(kBen) + "\n    > would set sign-in allowed"));
  EXPECT_THAT(allow.err, Not(HasSubstr("warning: skipped")));
}

}  // namespace selection_cli_test
}  // namespace tenantsync::test
