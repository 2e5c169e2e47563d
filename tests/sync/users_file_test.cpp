// --users-file (sync/plan/users_file.h): a plain list or a CSV as Excel and the Microsoft 365
// admin center save it, and errors that name the file and line.
#include "sync/plan/users_file.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace tenantsync {
namespace users_file_test {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::vector<std::string> users_of(const std::string& text) {
  auto users = parse_users_file(text, "users.txt");
  EXPECT_TRUE(users.ok()) << (users.ok() ? "" : users.error().message);
  return users.ok() ? *users : std::vector<std::string>{};
}

std::string error_of(const std::string& text) {
  auto users = parse_users_file(text, "users.csv");
  EXPECT_FALSE(users.ok()) << text;
  return users.ok() ? "" : users.error().message;
}

TEST(UsersFileTest, PlainListWithCommentsAndBlankLines) {
  EXPECT_THAT(
      users_of("# leavers\n\nalice@contoso.com\r\n  bob@contoso.com  \n"
               "0b7c5a2e-0000-4000-8000-000000000001\n\n# done\n"),
      ElementsAre("alice@contoso.com", "bob@contoso.com", "0b7c5a2e-0000-4000-8000-000000000001"));
  EXPECT_THAT(users_of("\xEF\xBB\xBF"
                       "alice@contoso.com\n"),
              ElementsAre("alice@contoso.com"));
}

TEST(UsersFileTest, AdminCenterExportWithSemicolonsAndUserName) {
  // What the admin center saves where the decimal mark is a comma: `;`, a BOM, CRLF.
  std::string text =
      "\xEF\xBB\xBF"
      "Display name;User Name;Licenses\r\n"
      "Alice Smith;alice@contoso.com;\"Microsoft 365 E3; EMS\"\r\n"
      "\"Bob; Jr.\";bob@contoso.com;Unlicensed\r\n";
  EXPECT_THAT(users_of(text), ElementsAre("alice@contoso.com", "bob@contoso.com"));
}

TEST(UsersFileTest, CsvWithUpnOrUserPrincipalNameInAnyCase) {
  EXPECT_THAT(users_of("upn,department\nalice@contoso.com,Sales\n\"bob@contoso.com\",IT\n"),
              ElementsAre("alice@contoso.com", "bob@contoso.com"));
  // `users list --format csv` output reads back as is.
  EXPECT_THAT(users_of("userPrincipalName,displayName,department\r\n"
                       "alice@contoso.com,Alice,Sales\r\n,Nobody,\r\n"),
              ElementsAre("alice@contoso.com"));
  EXPECT_THAT(users_of("# from the portal\nUSERPRINCIPALNAME\nalice@contoso.com\n"),
              ElementsAre("alice@contoso.com"));
  EXPECT_THAT(users_of("\"User Name\"\ncarol@contoso.com\n"), ElementsAre("carol@contoso.com"));
}

TEST(UsersFileTest, ErrorsNameTheFileAndLine) {
  EXPECT_EQ(error_of("Display name;Department\nAlice;Sales\n"),
            "users.csv:1: the header has no userPrincipalName, UPN or User Name column "
            "(columns: \"Display name\", \"Department\")");
  EXPECT_EQ(error_of("# comment\n\nName,Mail\nAlice,alice@contoso.com\n"),
            "users.csv:3: the header has no userPrincipalName, UPN or User Name column "
            "(columns: \"Name\", \"Mail\")");
  EXPECT_THAT(error_of("UPN,Department\nalice@contoso.com,Sales\nbob@contoso.com\n"),
              HasSubstr("users.csv:3:"));
  EXPECT_EQ(error_of("alice@contoso.com\nbob@contoso.com,Sales\n"),
            "users.csv:2: a list has one user per line; for a CSV the first line must be a "
            "header with a userPrincipalName, UPN or User Name column");
  EXPECT_EQ(error_of("alice@contoso.com\nAlice Smith\n"),
            "users.csv:2: 'Alice Smith' is not a user principal name or id");
  EXPECT_EQ(error_of("UPN;Name\nAlice Smith;x\n"),
            "users.csv:2: 'Alice Smith' is not a user principal name or id");
  EXPECT_EQ(error_of("# nobody\n\n"), "users.csv names no user");
  EXPECT_EQ(error_of("UPN\n"), "users.csv names no user");
}

}  // namespace users_file_test
}  // namespace tenantsync
