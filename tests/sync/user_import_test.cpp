// Users import: the admin center template and tenantsync's own columns, every rule checked
// on every row before anything is sent, and the Graph body that creates a user.
#include "sync/user_import.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <random>

namespace tenantsync {
namespace user_import_test {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

const std::vector<std::string> kDomains = {"contoso.onmicrosoft.com", "contoso.com"};

CsvTable table(std::string_view text) {
  Result<CsvTable> t = parse_csv(text);
  EXPECT_TRUE(t.ok()) << (t.ok() ? "" : t.error().message);
  return t.ok() ? std::move(t).value() : CsvTable{};
}

UserImportOptions options(std::vector<std::string> domains = kDomains) {
  UserImportOptions o;
  o.source_name = "new-hires.csv";
  o.tenant_domains = std::move(domains);
  return o;
}

UserImport import_ok(std::string_view text, const UserImportOptions& o = options()) {
  Result<UserImport> r = import_users(table(text), o);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  return r.ok() ? std::move(r).value() : UserImport{};
}

// The problems, one per line.
std::vector<std::string> import_problems(std::string_view text,
                                         const UserImportOptions& o = options()) {
  Result<UserImport> r = import_users(table(text), o);
  EXPECT_FALSE(r.ok());
  if (r.ok()) return {};
  EXPECT_EQ(r.error().kind, ErrorKind::Invalid);
  EXPECT_EQ(r.error().code, "InvalidUserImport");
  std::vector<std::string> lines;
  std::string_view m = r.error().message;
  while (!m.empty()) {
    size_t nl = m.find('\n');
    lines.emplace_back(m.substr(0, nl));
    m = nl == std::string_view::npos ? std::string_view() : m.substr(nl + 1);
  }
  return lines;
}

TEST(UserImportTest, ReadsTheAdminCenterTemplate) {
  Result<CsvTable> t = read_csv_file(std::string(TENANTSYNC_SOURCE_DIR) +
                                     "/tests/sync/data/admin-center-template.csv");
  ASSERT_TRUE(t.ok()) << t.error().message;
  Result<UserImport> r = import_users(*t, options());
  ASSERT_TRUE(r.ok()) << r.error().message;
  const std::vector<ImportUser>& users = r->users;
  ASSERT_EQ(users.size(), 5u);

  ImportUser chris;
  chris.line = 2;
  chris.upn = "chris@contoso.com";
  chris.display_name = "Chris Green";
  chris.given_name = "Chris";
  chris.surname = "Green";
  chris.job_title = "IT Manager";
  chris.department = "Information Technology";
  chris.usage_location = "US";
  EXPECT_EQ(users[0], chris);

  EXPECT_EQ(users[1].display_name, "Ben Andrews");  // empty Display Name: "First Last"
  EXPECT_EQ(users[2].usage_location, "GB");
  EXPECT_EQ(users[3].upn, "cynthia@contoso.com");
  EXPECT_EQ(users[3].display_name, "Carey, Cynthia");
  EXPECT_EQ(users[3].job_title, "Director, \"Field\" Ops");
  EXPECT_EQ(users[3].usage_location, "DE");
  EXPECT_EQ(users[4].usage_location, "FR");  // a code in lower case
  for (const ImportUser& u : users) EXPECT_THAT(u.licenses, IsEmpty());

  ASSERT_EQ(r->warnings.size(), 1u);
  EXPECT_EQ(r->warnings[0],
            "new-hires.csv:1: columns ignored (tenantsync does not set them): \"Office Number\", "
            "\"Office Phone\", \"Mobile Phone\", \"Fax\", \"Alternate email address\", "
            "\"Address\", \"City\", \"State or Province\", \"ZIP or Postal Code\"");
}

TEST(UserImportTest, IgnoredTemplateColumnsWithoutValuesGiveNoWarning) {
  UserImport r = import_ok("User Name,Display Name,Office Phone,Fax\nann@contoso.com,Ann,,\n");
  ASSERT_EQ(r.users.size(), 1u);
  EXPECT_THAT(r.warnings, IsEmpty());
  UserImport w = import_ok("User Name,Display Name,Fax\nann@contoso.com,Ann,555\n");
  EXPECT_THAT(w.warnings, ElementsAre(HasSubstr("\"Fax\"")));
}

TEST(UserImportTest, ReadsTenantsyncColumnsFromAnExcelSemicolonFile) {
  UserImport r = import_ok(
      "\xEF\xBB\xBFuserPrincipalName;displayName;givenName;surname;jobTitle;department;"
      "usageLocation;licenses\r\n"
      "Alice@Contoso.com;Alice Smith;Alice;Smith;Engineer;R&D;de;\"SPE_E3;EMS\"\r\n"
      "bob@contoso.onmicrosoft.com;Bob;;;;;US;SPE_E3+ EMS + spe_e3\r\n"
      "carol@contoso.com;Carol;;;;;;\r\n");
  ASSERT_EQ(r.users.size(), 3u);
  EXPECT_EQ(r.users[0].upn, "Alice@Contoso.com");  // kept as written
  EXPECT_EQ(r.users[0].department, "R&D");
  EXPECT_EQ(r.users[0].usage_location, "DE");
  EXPECT_THAT(r.users[0].licenses, ElementsAre("SPE_E3", "EMS"));
  EXPECT_THAT(r.users[1].licenses, ElementsAre("SPE_E3", "EMS"));  // repeat dropped
  EXPECT_EQ(r.users[1].line, 3);
  EXPECT_EQ(r.users[2].usage_location, "");
  EXPECT_THAT(r.users[2].licenses, IsEmpty());
  EXPECT_THAT(r.warnings, IsEmpty());
}

TEST(UserImportTest, HeadersMatchIgnoringCaseSpacesAndUnderscores) {
  for (const char* header : {"userPrincipalName,displayName", "USER_PRINCIPAL_NAME,Display_Name",
                             "User Name,Display Name", "username,DISPLAYNAME",
                             "  User Name ,display name", "UPN,Display Name"}) {
    Result<UserImport> r =
        import_users(table(std::string(header) + "\nann@contoso.com,Ann\n"), options());
    ASSERT_TRUE(r.ok()) << header << ": " << r.error().message;
    ASSERT_EQ(r->users.size(), 1u);
    EXPECT_EQ(r->users[0].upn, "ann@contoso.com") << header;
    EXPECT_EQ(r->users[0].display_name, "Ann") << header;
  }
}

TEST(UserImportTest, CountryNamesBecomeCodes) {
  struct Case {
    const char* country;
    const char* code;
  };
  for (const Case& c : std::vector<Case>{
           {"United States", "US"},
           {"united states of america", "US"},
           {"USA", "US"},
           {"United Kingdom", "GB"},
           {"UK", "GB"},
           {"Great Britain", "GB"},
           {"Germany", "DE"},
           {"France", "FR"},
           {"India", "IN"},
           {"Japan", "JP"},
           {"Netherlands", "NL"},
           {"South Korea", "KR"},
           {"Czech Republic", "CZ"},
           {"Türkiye", "TR"},
           {"New Zealand", "NZ"},
           {"us", "US"},
           {"Gb", "GB"},
           {"br", "BR"},
           {"  Canada  ", "CA"},
       }) {
    std::optional<std::string> code = country_code(c.country);
    ASSERT_TRUE(code.has_value()) << c.country;
    EXPECT_EQ(*code, c.code) << c.country;

    UserImport r = import_ok(std::string("User Name,Display Name,Country or Region\n") +
                             "ann@contoso.com,Ann," + c.country + "\n");
    ASSERT_EQ(r.users.size(), 1u);
    EXPECT_EQ(r.users[0].usage_location, c.code) << c.country;
  }
  for (const char* unknown : {"Narnia", "XX", "U", "", "Deutschland"}) {
    EXPECT_FALSE(country_code(unknown).has_value()) << unknown;
  }
}

TEST(UserImportTest, UsageLocationWinsOverCountry) {
  UserImport r = import_ok(
      "User Name,Display Name,Country or Region,Usage Location\n"
      "ann@contoso.com,Ann,United States,ca\n"
      "bob@contoso.com,Bob,United States,\n");
  ASSERT_EQ(r.users.size(), 2u);
  EXPECT_EQ(r.users[0].usage_location, "CA");
  EXPECT_EQ(r.users[1].usage_location, "US");
}

TEST(UserImportTest, CountryCodesAreTheIsoList) {
  EXPECT_TRUE(is_country_code("US"));
  EXPECT_TRUE(is_country_code("GB"));
  EXPECT_TRUE(is_country_code("ZW"));
  EXPECT_TRUE(is_country_code("AD"));
  EXPECT_TRUE(is_country_code("XK"));
  EXPECT_FALSE(is_country_code("UK"));
  EXPECT_FALSE(is_country_code("us"));
  EXPECT_FALSE(is_country_code("ZZ"));
  EXPECT_FALSE(is_country_code("U"));
  EXPECT_FALSE(is_country_code("USA"));
  EXPECT_FALSE(is_country_code(" S"));
}

TEST(UserImportTest, DisplayNameDefaultsToFirstAndLastName) {
  UserImport r = import_ok(
      "User Name,First Name,Last Name,Display Name\n"
      "ann@contoso.com,Ann,Lee,\n"
      "bob@contoso.com,Bob,Kelly,Bobby K\n");
  EXPECT_EQ(r.users[0].display_name, "Ann Lee");
  EXPECT_EQ(r.users[1].display_name, "Bobby K");
  // No Display Name column at all: first and last name are enough.
  UserImport n = import_ok("User Name,First Name,Last Name\nann@contoso.com,Ann,Lee\n");
  EXPECT_EQ(n.users[0].display_name, "Ann Lee");

  EXPECT_THAT(import_problems("User Name,First Name,Last Name,Display Name\n"
                              "ann@contoso.com,Ann,,\n"),
              ElementsAre("new-hires.csv:2: column \"Display Name\": a display name is required "
                          "(or both a first and a last name)"));
}

TEST(UserImportTest, EveryBadRowIsReportedWithLineAndColumnAndNoUserComesBack) {
  std::string long_title(129, 'x');
  std::vector<std::string> problems = import_problems(
      "User Name,First Name,Last Name,Display Name,Job Title,Department,Usage Location,licenses\n"
      "ok@contoso.com,Ok,User,,,,US,SPE_E3\n"
      "bob@,Bob,,Bob,,,,\n"
      ",Nobody,,Nobody,,,,\n"
      "carol smith@contoso.com,,,Carol,,,,\n"
      "dave@contoso.com,,,,,,,\n"
      "erin@contoso.com,,,Erin," +
      long_title +
      ",,,\n"
      "frank@contoso.com,,,Frank,,,UK,\n"
      "gus@contoso.com,,,Gus,,,U1,\n"
      "hal@contoso.com,,,Hal,,,,E3 plan\n"
      "ida@contoso.com,,,Ida,,,,SPE_E3\n"
      "\"jo\n@contoso.com\",,,Jo,,,,\n"
      "kim@contoso.com,,,\"Kim\nLee\",,,,\n");
  EXPECT_THAT(
      problems,
      ElementsAre(
          "new-hires.csv:3: column \"User Name\": \"bob@\" is not a valid user principal name: "
          "nothing after @",
          "new-hires.csv:4: column \"User Name\": a user principal name is required",
          "new-hires.csv:5: column \"User Name\": \"carol smith@contoso.com\" is not a valid user "
          "principal name: the part before @ may hold only letters, digits and ' . - _ ! # ^ ~",
          "new-hires.csv:6: column \"Display Name\": a display name is required (or both a first "
          "and a last name)",
          "new-hires.csv:7: column \"Job Title\": is 129 characters long; the service allows at "
          "most 128",
          "new-hires.csv:8: column \"Usage Location\": \"UK\" is not an ISO 3166 code; the United "
          "Kingdom is GB",
          "new-hires.csv:9: column \"Usage Location\": \"U1\" is not an ISO 3166 two-letter "
          "country "
          "code (such as US, GB or DE)",
          "new-hires.csv:10: column \"licenses\": \"E3 plan\" is not a SKU part number (such as "
          "SPE_E3) or sku id; separate several with + or ;",
          "new-hires.csv:11: column \"licenses\": licenses need a usage location; fill in \"Usage "
          "Location\" or \"Country or Region\"",
          "new-hires.csv:12: column \"User Name\": \"jo?@contoso.com\" is not a valid user "
          "principal name: the part before @ may hold only letters, digits and ' . - _ ! # ^ ~",
          "new-hires.csv:14: column \"Display Name\": \"Kim?Lee\" holds a line break or another "
          "control character"));
}

TEST(UserImportTest, SeveralProblemsInOneRowAreAllReported) {
  EXPECT_THAT(import_problems("userPrincipalName,displayName,usageLocation,country\n"
                              "x,,ZZ,\n"),
              ElementsAre("new-hires.csv:2: column \"userPrincipalName\": \"x\" is not a valid "
                          "user principal name: expected name@domain",
                          "new-hires.csv:2: column \"displayName\": a display name is required "
                          "(or both a first and a last name)",
                          "new-hires.csv:2: column \"usageLocation\": \"ZZ\" is not an ISO 3166 "
                          "two-letter country code (such as US, GB or DE)"));
}

TEST(UserImportTest, UnknownCountryIsReported) {
  EXPECT_THAT(import_problems("User Name,Display Name,Country or Region\n"
                              "ann@contoso.com,Ann,Narnia\n"),
              ElementsAre("new-hires.csv:2: column \"Country or Region\": \"Narnia\" is not a "
                          "country tenantsync knows; use its two-letter ISO 3166 code (such as "
                          "US, GB or DE)"));
}

TEST(UserImportTest, DuplicateUpnsNameBothRows) {
  EXPECT_THAT(import_problems("userPrincipalName,displayName\n"
                              "ann@contoso.com,Ann\n"
                              "bob@contoso.com,Bob\n"
                              "ANN@Contoso.com,Ann again\n"
                              "ann@contoso.com,Ann thrice\n"),
              ElementsAre("new-hires.csv:4: column \"userPrincipalName\": \"ANN@Contoso.com\" is "
                          "also on line 2 (user principal names must be unique)",
                          "new-hires.csv:5: column \"userPrincipalName\": \"ann@contoso.com\" is "
                          "also on line 2 (user principal names must be unique)"));
}

TEST(UserImportTest, UpnDomainMustBeOneOfTheTenants) {
  EXPECT_THAT(import_problems("userPrincipalName,displayName\n"
                              "ann@contoso.com,Ann\n"
                              "bob@fabrikam.com,Bob\n"
                              "cy@CONTOSO.ONMICROSOFT.COM,Cy\n"),
              ElementsAre("new-hires.csv:3: column \"userPrincipalName\": \"bob@fabrikam.com\": "
                          "fabrikam.com is not a verified domain of this tenant (verified: "
                          "contoso.onmicrosoft.com, contoso.com)"));
  // Without the tenant's domains any well-formed domain passes.
  UserImport r = import_ok("userPrincipalName,displayName\nbob@fabrikam.com,Bob\n", options({}));
  EXPECT_EQ(r.users.size(), 1u);
}

TEST(UserImportTest, FieldLengthLimitsCountCharactersNotBytes) {
  std::string e_acute = "\xC3\xA9";
  std::string name256, name257;
  for (int i = 0; i < 256; ++i) name256 += e_acute;
  name257 = name256 + "x";
  UserImport r = import_ok("upn,displayName\nann@contoso.com," + name256 + "\n");
  EXPECT_EQ(r.users[0].display_name, name256);
  EXPECT_THAT(import_problems("upn,displayName\nann@contoso.com," + name257 + "\n"),
              ElementsAre(HasSubstr("column \"displayName\": is 257 characters long; the "
                                    "service allows at most 256")));
  EXPECT_THAT(import_problems("upn,displayName,department\nann@contoso.com,A," +
                              std::string(65, 'd') + "\n"),
              ElementsAre(HasSubstr("column \"department\": is 65 characters long")));
  EXPECT_THAT(import_problems("upn,displayName,givenName\nann@contoso.com,A," +
                              std::string(65, 'g') + "\n"),
              ElementsAre(HasSubstr("column \"givenName\": is 65 characters long")));
}

TEST(UserImportTest, HeaderProblems) {
  EXPECT_THAT(
      import_problems("userPrincipalName,displayName,Shoe Size\nann@contoso.com,Ann,9\n"),
      ElementsAre("new-hires.csv:1: unknown column \"Shoe Size\"; expected "
                  "userPrincipalName, displayName, givenName, surname, jobTitle, "
                  "department, usageLocation, licenses, roles, or the columns of the Microsoft "
                  "365 admin center template"));
  EXPECT_THAT(
      import_problems("User Name,userPrincipalName,displayName\na@contoso.com,a@contoso.com,A\n"),
      ElementsAre("new-hires.csv:1: columns \"User Name\" and \"userPrincipalName\" both "
                  "give the user principal name"));
  EXPECT_THAT(import_problems("displayName\nAnn\n"),
              ElementsAre("new-hires.csv:1: no user principal name column; add "
                          "\"userPrincipalName\" (the admin center template calls it \"User "
                          "Name\")"));
  EXPECT_THAT(import_problems("User Name,First Name\nann@contoso.com,Ann\n"),
              ElementsAre("new-hires.csv:1: no display name column; add \"Display Name\" (or "
                          "both \"First Name\" and \"Last Name\")"));
}

TEST(UserImportTest, UnnamedColumnsAreIgnoredWhileEmpty) {
  UserImport r = import_ok("userPrincipalName,displayName,,\nann@contoso.com,Ann,,\n");
  EXPECT_EQ(r.users.size(), 1u);
  EXPECT_THAT(import_problems("userPrincipalName,displayName,\nann@contoso.com,Ann,\n"
                              "bob@contoso.com,Bob,what\n"),
              ElementsAre("new-hires.csv:3: column 3 has no name in the header but holds a "
                          "value"));
}

TEST(UserImportTest, EmptyRowsAreSkippedAndValuesTrimmed) {
  UserImport r = import_ok(
      "userPrincipalName,displayName,usageLocation\n"
      ",,\n"
      "  ann@contoso.com ,\t Ann Lee  , us \n"
      " , , \n");
  ASSERT_EQ(r.users.size(), 1u);
  EXPECT_EQ(r.users[0].line, 3);
  EXPECT_EQ(r.users[0].upn, "ann@contoso.com");
  EXPECT_EQ(r.users[0].display_name, "Ann Lee");
  EXPECT_EQ(r.users[0].usage_location, "US");
}

TEST(UserImportTest, HeaderOnlyFileHasNoUsersToImport) {
  EXPECT_THAT(import_problems("User Name,Display Name\r\n"),
              ElementsAre("new-hires.csv: no users to import: the file has a header line only"));
  EXPECT_THAT(import_problems("User Name,Display Name\r\n,\r\n"),
              ElementsAre("new-hires.csv: no users to import: the file has a header line only"));
}

TEST(UserImportTest, ProblemCountIsCapped) {
  std::string text = "upn,displayName\n";
  for (int i = 0; i < 30; ++i) text += "bad,X\n";
  UserImportOptions o = options();
  o.max_reported_problems = 10;
  std::vector<std::string> problems = import_problems(text, o);
  ASSERT_EQ(problems.size(), 11u);
  EXPECT_EQ(problems.back(), "... and 20 more problems");
}

TEST(UserImportTest, UserPrincipalNameRules) {
  struct Case {
    std::string upn;
    const char* problem;  // "" = valid
  };
  std::string local64(64, 'a');
  std::string domain48 = std::string(44, 'd') + ".com";
  for (const Case& c : std::vector<Case>{
           {"ann@contoso.com", ""},
           {"Ann.Lee@Contoso.COM", ""},
           {"o'neil@contoso.com", ""},
           {"a-b_c!d#e^f~g@sub.contoso.co.uk", ""},
           {"ann@xn--bcher-kva.example", ""},
           {local64 + "@contoso.com", ""},
           {"a@" + domain48, ""},
           {"ann", "expected name@domain"},
           {"ann@b@contoso.com", "it holds more than one @"},
           {"@contoso.com", "nothing before @"},
           {"bob@", "nothing after @"},
           {local64 + "a@contoso.com", "the part before @ has 65 characters; at most 64"},
           {"a@d" + domain48, "the domain has 49 characters; at most 48"},
           {"ann lee@contoso.com",
            "the part before @ may hold only letters, digits and ' . - _ ! # ^ ~"},
           {"ann+tag@contoso.com",
            "the part before @ may hold only letters, digits and ' . - _ ! # ^ ~"},
           {"j\xC3\xB6rg@contoso.com",
            "the part before @ may hold only letters, digits and ' . - _ ! # ^ ~"},
           {".ann@contoso.com",
            "the part before @ cannot start or end with a period or hold two in a row"},
           {"ann.@contoso.com",
            "the part before @ cannot start or end with a period or hold two in a row"},
           {"an..n@contoso.com",
            "the part before @ cannot start or end with a period or hold two in a row"},
           {"ann@contoso", "\"contoso\" is not a valid domain name"},
           {"ann@contoso..com", "\"contoso..com\" is not a valid domain name"},
           {"ann@-contoso.com", "\"-contoso.com\" is not a valid domain name"},
           {"ann@contoso.com.", "\"contoso.com.\" is not a valid domain name"},
           {"ann@con toso.com", "\"con toso.com\" is not a valid domain name"},
           {"ann@con_toso.com", "\"con_toso.com\" is not a valid domain name"},
       }) {
    EXPECT_EQ(user_principal_name_problem(c.upn), c.problem) << c.upn;
  }
}

TEST(UserImportTest, MailNicknameComesFromTheUpnLocalPart) {
  struct Case {
    const char* upn;
    const char* nickname;
  };
  for (const Case& c : std::vector<Case>{
           {"ann@contoso.com", "ann"},
           {"Ann.Lee@contoso.com", "Ann.Lee"},
           {"o'neil@contoso.com", "oneil"},
           {"a!b#c^d~e_f-g@contoso.com", "abcde_f-g"},
           {"a.'.b@contoso.com", "a.b"},
           {"'!.x@contoso.com", "x"},
           {"'!#@contoso.com", "user"},
       }) {
    EXPECT_EQ(mail_nickname_for(c.upn), c.nickname) << c.upn;
  }
}

TEST(UserImportTest, CreateBodyHasTheGraphShape) {
  ImportUser u;
  u.upn = "ann.lee@contoso.com";
  u.display_name = "Ann Lee";
  u.given_name = "Ann";
  u.surname = "Lee";
  u.job_title = "Engineer";
  u.department = "R&D";
  u.usage_location = "DE";
  u.licenses = {"SPE_E3"};
  nlohmann::json expected = {
      {"accountEnabled", true},
      {"displayName", "Ann Lee"},
      {"mailNickname", "ann.lee"},
      {"userPrincipalName", "ann.lee@contoso.com"},
      {"passwordProfile", {{"forceChangePasswordNextSignIn", true}, {"password", "Xy7%abcdEFGH"}}},
      {"givenName", "Ann"},
      {"surname", "Lee"},
      {"jobTitle", "Engineer"},
      {"department", "R&D"},
      {"usageLocation", "DE"},
  };
  EXPECT_EQ(create_user_body(u, "Xy7%abcdEFGH"), expected);

  ImportUser minimal;
  minimal.upn = "bob@contoso.com";
  minimal.display_name = "Bob";
  nlohmann::json body = create_user_body(minimal, "pw");
  EXPECT_EQ(body.size(), 5u);
  EXPECT_FALSE(body.contains("usageLocation"));
  EXPECT_FALSE(body.contains("givenName"));
}

TEST(UserImportTest, CheckNewUserAppliesTheSameRulesToFlags) {
  ImportUser u;
  u.upn = " ann@contoso.com ";
  u.given_name = "Ann";
  u.surname = "Lee";
  u.usage_location = "de";
  u.licenses = {"SPE_E3"};
  ASSERT_TRUE(check_new_user(u, kDomains).ok());
  EXPECT_EQ(u.upn, "ann@contoso.com");
  EXPECT_EQ(u.display_name, "Ann Lee");
  EXPECT_EQ(u.usage_location, "DE");

  ImportUser bad;
  bad.upn = "bob@fabrikam.com";
  bad.licenses = {"SPE_E3", "bad sku"};
  Status s = check_new_user(bad, kDomains);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().kind, ErrorKind::Invalid);
  EXPECT_EQ(s.error().message,
            "userPrincipalName: \"bob@fabrikam.com\": fabrikam.com is not a verified domain of "
            "this tenant (verified: contoso.onmicrosoft.com, contoso.com)\n"
            "displayName: a display name is required (or both a first and a last name)\n"
            "licenses: \"bad sku\" is not a SKU part number (such as SPE_E3) or sku id\n"
            "licenses: licenses need a usage location; give one");
}

// `users set` changes what `users add` creates: the same limits, named by the flags, and no
// empty value (the service keeps a display name and refuses an empty string).
TEST(UserImportTest, PropertyChangesFollowTheCreationRulesNamedByTheirFlags) {
  UserProperties fine;
  fine.display_name = "  Ann Lee ";
  fine.usage_location = "de";
  fine.department = std::string(64, 'd');
  fine.account_enabled = false;
  ASSERT_TRUE(check_property_changes(fine).ok());
  EXPECT_EQ(fine.display_name, "Ann Lee");
  EXPECT_EQ(fine.usage_location, "DE");
  EXPECT_FALSE(fine.given_name.has_value()) << "what is not set stays unset";

  UserProperties bad;
  bad.display_name = " ";
  bad.given_name = "";
  bad.surname = std::string(65, 's');
  bad.job_title = "a\nb";
  bad.department = std::string(100, 'd');
  bad.usage_location = "zz";
  Status s = check_property_changes(bad);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().kind, ErrorKind::Invalid);
  EXPECT_EQ(s.error().message,
            "--display-name: a display name is required; the service does not let one be "
            "cleared\n"
            "--given-name: is empty; the service takes no empty value (and users set cannot "
            "clear one)\n"
            "--surname: is 65 characters long; the service allows at most 64\n"
            "--job-title: \"a?b\" holds a line break or another control character\n"
            "--department: is 100 characters long; the service allows at most 64\n"
            "--usage-location: \"ZZ\" is not an ISO 3166 two-letter country code (such as US, "
            "GB or DE)");

  UserProperties long_name;
  long_name.display_name = std::string(257, 'n');
  EXPECT_EQ(check_property_changes(long_name).error().message,
            "--display-name: is 257 characters long; the service allows at most 256");
}

// Whatever a parsed table holds, the import answers with users or problems, never a crash,
// and every user it returns passes the rules again.
TEST(UserImportTest, ArbitraryTablesNeverBreakIt) {
  std::mt19937 rng(777);
  const std::vector<std::string> headers = {
      "User Name",         "Display Name", "First Name", "Last Name", "Usage Location",
      "Country or Region", "licenses",     "Fax",        "",          "Bogus"};
  const std::vector<std::string> values = {"",
                                           " ",
                                           "ann@contoso.com",
                                           "ANN@contoso.com",
                                           "bob@",
                                           "x@fabrikam.com",
                                           "us",
                                           "UK",
                                           "Germany",
                                           "SPE_E3+EMS",
                                           ";;+",
                                           "a\nb",
                                           "\xC3\xA9",
                                           std::string(300, 'z'),
                                           "@",
                                           "."};
  for (int i = 0; i < 5000; ++i) {
    CsvTable t;
    t.header_line = 1;
    size_t columns = 1 + rng() % 6;
    for (size_t c = 0; c < columns; ++c) t.header.push_back(headers[rng() % headers.size()]);
    size_t rows = rng() % 5;
    for (size_t r = 0; r < rows; ++r) {
      CsvRecord rec;
      rec.line = static_cast<int>(2 + r);
      for (size_t c = 0; c < columns; ++c) rec.fields.push_back(values[rng() % values.size()]);
      t.rows.push_back(std::move(rec));
    }
    Result<UserImport> r = import_users(t, options(i % 2 ? kDomains : std::vector<std::string>{}));
    if (!r.ok()) {
      EXPECT_FALSE(r.error().message.empty());
      continue;
    }
    EXPECT_FALSE(r->users.empty());
    for (ImportUser u : r->users) {
      EXPECT_TRUE(check_new_user(u, {}).ok()) << u.upn;
    }
  }
}

}  // namespace user_import_test
}  // namespace tenantsync
