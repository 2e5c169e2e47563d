#include "model/desired_state.h"

#include <algorithm>
#include <fstream>
#include <random>
#include <sstream>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace tenantsync {
namespace desired_state_test {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::string cli_example() {
  return read_file(std::string(TENANTSYNC_SOURCE_DIR) + "/tests/model/data/cli_example.json");
}

// Line and column (1-based, ASCII text) where `needle` first occurs.
std::pair<int, int> position_of(const std::string& text, const std::string& needle) {
  size_t at = text.find(needle);
  EXPECT_NE(at, std::string::npos) << needle;
  int line = 1;
  size_t line_start = 0;
  for (size_t i = 0; i < at; ++i) {
    if (text[i] == '\n') {
      ++line;
      line_start = i + 1;
    }
  }
  return {line, static_cast<int>(at - line_start) + 1};
}

std::pair<int, int> line_column(const SourceLocation& l) { return {l.line, l.column}; }

// One tenant with SPE_E3 and EMS managed; `members` adds or overrides its keys.
std::string one_tenant(const std::string& members) {
  return R"({"version": 1, "tenants": [{"tenant": "contoso.onmicrosoft.com",
      "managedSkus": ["SPE_E3", "EMS"])" +
         (members.empty() ? "" : ", " + members) + "}]}";
}

std::string user(const std::string& members) { return "\"users\": [{" + members + "}]"; }

std::string error_of(const std::string& text) {
  auto r = parse_desired_state(text, "state.json");
  if (r.ok()) return "(parsed)";
  EXPECT_EQ(r.error().kind, ErrorKind::Invalid);
  return r.error().message;
}

TEST(DesiredStateTest, ParsesTheCliExample) {
  std::string text = cli_example();
  auto r = parse_desired_state(text, "example.json");
  ASSERT_TRUE(r.ok()) << r.error().message;
  const DesiredState& s = *r;
  EXPECT_EQ(s.version, 1);
  ASSERT_EQ(s.tenants.size(), 1u);
  const DesiredTenant& t = s.tenants[0];
  EXPECT_EQ(t.tenant, "contoso.onmicrosoft.com");
  EXPECT_EQ(t.mode, TenantMode::Enforce);
  EXPECT_EQ(t.unlisted, UnlistedPolicy::Keep);
  EXPECT_EQ(t.managed_skus, (std::vector<std::string>{"SPE_E3", "EMS"}));
  ASSERT_EQ(t.rules.size(), 1u);
  EXPECT_EQ(t.rules[0].where.department, "Sales");
  EXPECT_EQ(t.rules[0].where.job_title, std::nullopt);
  ASSERT_EQ(t.rules[0].licenses.size(), 1u);
  EXPECT_EQ(t.rules[0].licenses[0].sku, "SPE_E3");

  ASSERT_EQ(t.users.size(), 4u);
  const DesiredUser& alice = t.users[0];
  EXPECT_EQ(alice.upn, "alice@contoso.onmicrosoft.com");
  ASSERT_TRUE(alice.licenses.has_value());
  ASSERT_EQ(alice.licenses->size(), 2u);
  EXPECT_EQ((*alice.licenses)[0].sku, "SPE_E3");
  EXPECT_EQ((*alice.licenses)[0].disabled_plans, std::vector<std::string>{"YAMMER_ENTERPRISE"});
  EXPECT_EQ((*alice.licenses)[1].sku, "EMS");
  EXPECT_TRUE((*alice.licenses)[1].disabled_plans.empty());
  EXPECT_EQ(alice.state, DesiredUserState::Unspecified);

  EXPECT_EQ(t.users[1].state, DesiredUserState::Deleted);
  EXPECT_FALSE(t.users[1].licenses.has_value());
  EXPECT_EQ(t.users[2].state, DesiredUserState::Active);
  ASSERT_TRUE(t.users[2].licenses.has_value());  // [] is "no managed licenses", not "unset"
  EXPECT_TRUE(t.users[2].licenses->empty());
  EXPECT_TRUE(t.users[3].ignore);
}

TEST(DesiredStateTest, RecordsWhereEachPartCameFrom) {
  std::string text = cli_example();
  auto r = parse_desired_state(text, "example.json");
  ASSERT_TRUE(r.ok()) << r.error().message;
  const DesiredTenant& t = r->tenants[0];
  EXPECT_EQ(t.location.file, "example.json");
  EXPECT_EQ(t.location.path, "tenants[0]");
  EXPECT_EQ(line_column(t.location), std::make_pair(4, 5));
  ASSERT_EQ(t.managed_sku_locations.size(), 2u);
  EXPECT_EQ(line_column(t.managed_sku_locations[0]), position_of(text, "\"SPE_E3\", \"EMS\"]"));
  EXPECT_EQ(t.managed_sku_locations[1].path, "tenants[0].managedSkus[1]");
  EXPECT_EQ(line_column(t.rules[0].location), position_of(text, "{ \"where\""));
  EXPECT_EQ(line_column(t.users[1].location), position_of(text, "{ \"upn\": \"carol"));
  const auto& alice = *t.users[0].licenses;
  EXPECT_EQ(alice[0].where.path, "tenants[0].users[0].licenses[0].sku");
  EXPECT_EQ(line_column(alice[0].where), position_of(text, "\"sku\": \"SPE_E3\""));
  EXPECT_EQ(alice[1].where.path, "tenants[0].users[0].licenses[1]");
  EXPECT_EQ(line_column(alice[1].where), position_of(text, "\"EMS\" ]"));
}

TEST(DesiredStateTest, AbsentOptionalKeysTakeDefaults) {
  auto r = parse_desired_state(one_tenant(R"("users": [{"upn": "a@contoso.com"}])"), "s.json");
  ASSERT_TRUE(r.ok()) << r.error().message;
  const auto& t = r->tenants[0];
  EXPECT_EQ(t.mode, TenantMode::Enforce);
  EXPECT_EQ(t.unlisted, UnlistedPolicy::Keep);
  EXPECT_TRUE(t.rules.empty());
  EXPECT_FALSE(t.users[0].licenses.has_value());
  EXPECT_FALSE(t.users[0].ignore);
  EXPECT_FALSE(t.users[0].create.has_value());
}

TEST(DesiredStateTest, ReadsReportModeRevokeAndCreate) {
  auto r = parse_desired_state(one_tenant(R"("mode": "report", "unlisted": "revoke",
      "rules": [{"where": {"jobTitle": "CFO", "usageLocation": "gb", "upnSuffix": "@x.com"},
                 "licenses": [{"sku": "EMS", "disabledPlans": []}]}],
      "users": [{"upn": "new@contoso.com", "licenses": ["SPE_E3"],
                 "create": {"displayName": "New User", "usageLocation": "us", "givenName": "New",
                            "surname": "User", "department": "Ops", "jobTitle": "Clerk"}}])"),
                               "s.json");
  ASSERT_TRUE(r.ok()) << r.error().message;
  const auto& t = r->tenants[0];
  EXPECT_EQ(t.mode, TenantMode::Report);
  EXPECT_EQ(t.unlisted, UnlistedPolicy::Revoke);
  EXPECT_EQ(t.rules[0].where.usage_location, "GB");
  EXPECT_EQ(t.rules[0].where.upn_suffix, "@x.com");
  ASSERT_TRUE(t.users[0].create.has_value());
  const CreateSpec& c = *t.users[0].create;
  EXPECT_EQ(c.display_name, "New User");
  EXPECT_EQ(c.usage_location, "US");  // country codes are stored upper-case
  EXPECT_EQ(c.given_name, "New");
  EXPECT_EQ(c.surname, "User");
  EXPECT_EQ(c.department, "Ops");
  EXPECT_EQ(c.job_title, "Clerk");
}

TEST(DesiredStateTest, UnknownKeyNamesFileLineColumnAndPath) {
  const std::string text = R"({
  "version": 1,
  "tenants": [
    {
      "tenant": "contoso.onmicrosoft.com",
      "managedSkus": ["SPE_E3", "EMS"],
      "users": [
        { "upn": "a@contoso.com" },
        { "upn": "b@contoso.com" },
        { "upn": "c@contoso.com" },
        { "upn": "d@contoso.com",
          "licenses": [ "EMS", { "skuu": "SPE_E3" } ] }
      ]
    }
  ]
})";
  std::string message = error_of(text);
  EXPECT_THAT(message, HasSubstr("state.json:12:34: tenants[0].users[3].licenses[1]: unknown key "
                                 "\"skuu\"; did you mean \"sku\"?"));
  // The suggestion already explains the missing "sku"; no second message for it.
  EXPECT_THAT(message, Not(HasSubstr("missing")));
}

TEST(DesiredStateTest, MissingKeyIsReportedWhenNoTypoExplainsIt) {
  std::string message =
      error_of(one_tenant(user(R"("upn": "a@b.c", "licenses": [{"id": "EMS"}])")));
  EXPECT_THAT(message, HasSubstr("tenants[0].users[0].licenses[0]: missing required key \"sku\""));
  EXPECT_THAT(message, HasSubstr("tenants[0].users[0].licenses[0]: unknown key \"id\"; expected "
                                 "one of \"sku\", \"disabledPlans\""));
}

TEST(DesiredStateTest, UnknownKeyWithoutNearMatchListsAllowedKeys) {
  std::string message = error_of(one_tenant(R"("colour": "blue")"));
  EXPECT_THAT(
      message,
      HasSubstr("tenants[0]: unknown key \"colour\"; expected one of \"tenant\", "
                "\"mode\", \"managedSkus\", \"unlisted\", \"defaultUsageLocation\", \"rules\", "
                "\"users\""));
}

TEST(DesiredStateTest, WrongEnumValuePointsAtTheKey) {
  const std::string text = one_tenant(R"("mode": "enforse")");
  auto [line, column] = position_of(text, "\"mode\"");
  EXPECT_EQ(error_of(text), "state.json:" + std::to_string(line) + ":" + std::to_string(column) +
                                ": tenants[0].mode: expected one of \"enforce\", \"report\", got "
                                "\"enforse\"");
}

struct ErrorCase {
  const char* name;
  std::string text;
  const char* expected;  // "path: message", a substring of the reported error
};

class DesiredStateErrorTest : public ::testing::TestWithParam<ErrorCase> {};

TEST_P(DesiredStateErrorTest, ReportsPathAndProblem) {
  const auto& c = GetParam();
  std::string message = error_of(c.text);
  EXPECT_THAT(message, StartsWith("state.json:"));
  EXPECT_THAT(message, HasSubstr(c.expected));
}

INSTANTIATE_TEST_SUITE_P(
    Cases, DesiredStateErrorTest,
    ::testing::Values(
        ErrorCase{"BrokenJson", "{\"version\": 1,\n \"tenants\": [}", "2:14: unexpected '}'"},
        ErrorCase{"RootNotObject", "[]", "expected object, got array"},
        ErrorCase{"MissingVersion", R"({"tenants": []})", "missing required key \"version\""},
        ErrorCase{"UnsupportedVersion", R"({"version": 2, "tenants": []})",
                  "version: unsupported version 2; this tenantsync reads version 1"},
        ErrorCase{"VersionAsString", R"({"version": "1", "tenants": []})",
                  "version: unsupported version \"1\""},
        ErrorCase{"MissingTenants", R"({"version": 1})", "missing required key \"tenants\""},
        ErrorCase{"TenantsNotArray", R"({"version": 1, "tenants": {}})",
                  "tenants: expected array, got object"},
        ErrorCase{"TopLevelTypo", R"({"version": 1, "tenant": []})",
                  "unknown key \"tenant\"; did you mean \"tenants\"?"},
        ErrorCase{"TenantEntryNotObject", R"({"version": 1, "tenants": ["contoso"]})",
                  "tenants[0]: expected object, got string"},
        ErrorCase{"MissingTenantName", R"({"version": 1, "tenants": [{"managedSkus": ["EMS"]}]})",
                  "tenants[0]: missing required key \"tenant\""},
        ErrorCase{"DuplicateKey", one_tenant(R"("tenant": "b.com")"),
                  "duplicate key \"tenant\" (first at 1:29)"},
        ErrorCase{"TenantNameWrongType",
                  R"({"version": 1, "tenants": [{"tenant": 5, "managedSkus": ["EMS"]}]})",
                  "tenants[0].tenant: expected string, got number"},
        ErrorCase{"EmptyTenantName",
                  R"({"version": 1, "tenants": [{"tenant": "", "managedSkus": ["EMS"]}]})",
                  "tenants[0].tenant: must not be empty"},
        ErrorCase{"MissingManagedSkus", R"({"version": 1, "tenants": [{"tenant": "t"}]})",
                  "tenants[0]: missing required key \"managedSkus\""},
        ErrorCase{"EmptyManagedSkus",
                  R"({"version": 1, "tenants": [{"tenant": "t", "managedSkus": []}]})",
                  "tenants[0].managedSkus: must list at least one SKU"},
        ErrorCase{"ManagedSkuNotString",
                  R"({"version": 1, "tenants": [{"tenant": "t", "managedSkus": ["EMS", 3]}]})",
                  "tenants[0].managedSkus[1]: expected string, got number"},
        ErrorCase{"DuplicateManagedSku",
                  R"({"version": 1, "tenants": [{"tenant": "t", "managedSkus": ["EMS", "ems"]}]})",
                  "tenants[0].managedSkus[1]: duplicate SKU \"ems\""},
        ErrorCase{"ModeNotString", one_tenant(R"("mode": 1)"),
                  "tenants[0].mode: expected one of \"enforce\", \"report\", got 1"},
        ErrorCase{"BadUnlisted", one_tenant(R"("unlisted": "drop")"),
                  "tenants[0].unlisted: expected one of \"keep\", \"revoke\", got \"drop\""},
        ErrorCase{"DuplicateTenant",
                  R"({"version": 1, "tenants": [{"tenant": "a.com", "managedSkus": ["EMS"]},
                      {"tenant": "A.com", "managedSkus": ["EMS"]}]})",
                  "tenants[1]: duplicate tenant \"A.com\" (first at 1:28)"},
        ErrorCase{"UsersNotArray", one_tenant(R"("users": {})"),
                  "tenants[0].users: expected array, got object"},
        ErrorCase{"MissingUpn", one_tenant(user(R"("licenses": [])")),
                  "tenants[0].users[0]: missing required key \"upn\""},
        ErrorCase{"UpnNotString", one_tenant(user(R"("upn": null)")),
                  "tenants[0].users[0].upn: expected string, got null"},
        ErrorCase{"UpnWithoutAt", one_tenant(user(R"("upn": "alice")")),
                  "tenants[0].users[0].upn: expected a user principal name like name@domain, got "
                  "\"alice\""},
        ErrorCase{"UserKeyTypo", one_tenant(user(R"("upn": "a@b.c", "licences": [])")),
                  "tenants[0].users[0]: unknown key \"licences\"; did you mean \"licenses\"?"},
        ErrorCase{"DuplicateUpnIgnoresCase", one_tenant(R"("users": [{"upn": "alice@contoso.com"},
                                          {"upn": "ALICE@contoso.com"}])"),
                  "tenants[0].users[1]: duplicate user \"ALICE@contoso.com\" (first at 2:"},
        ErrorCase{"LicenseNotManaged", one_tenant(user(R"("upn": "a@b.c", "licenses": ["O365"])")),
                  "tenants[0].users[0].licenses[0]: SKU \"O365\" is not in managedSkus"},
        ErrorCase{"LicenseObjectNotManaged",
                  one_tenant(user(R"("upn": "a@b.c", "licenses": [{"sku": "O365"}])")),
                  "tenants[0].users[0].licenses[0].sku: SKU \"O365\" is not in managedSkus"},
        ErrorCase{"RuleLicenseNotManaged",
                  one_tenant(R"("rules": [{"where": {"department": "x"}, "licenses": ["O365"]}])"),
                  "tenants[0].rules[0].licenses[0]: SKU \"O365\" is not in managedSkus"},
        ErrorCase{"LicenseEntryWrongType", one_tenant(user(R"("upn": "a@b.c", "licenses": [42])")),
                  "tenants[0].users[0].licenses[0]: expected a SKU name or an object with \"sku\", "
                  "got number"},
        ErrorCase{"EmptyLicenseName", one_tenant(user(R"("upn": "a@b.c", "licenses": [""])")),
                  "tenants[0].users[0].licenses[0]: must not be empty"},
        ErrorCase{"LicensesNotArray", one_tenant(user(R"("upn": "a@b.c", "licenses": "EMS")")),
                  "tenants[0].users[0].licenses: expected array, got string"},
        ErrorCase{"DisabledPlansNotArray",
                  one_tenant(user(R"("upn": "a@b.c", "licenses": [{"sku": "EMS",
                      "disabledPlans": "X"}])")),
                  "tenants[0].users[0].licenses[0].disabledPlans: expected array, got string"},
        ErrorCase{"DuplicateLicense",
                  one_tenant(user(R"("upn": "a@b.c", "licenses": ["EMS", {"sku": "ems"}])")),
                  "tenants[0].users[0].licenses[1].sku: duplicate license \"ems\""},
        ErrorCase{"BadState", one_tenant(user(R"("upn": "a@b.c", "state": "gone")")),
                  "tenants[0].users[0].state: expected one of \"active\", \"deleted\", got "
                  "\"gone\""},
        ErrorCase{"DeletedWithLicenses",
                  one_tenant(user(R"("upn": "a@b.c", "state": "deleted", "licenses": ["EMS"])")),
                  "tenants[0].users[0].licenses: a user with \"state\": \"deleted\" cannot have "
                  "licenses"},
        ErrorCase{"DeletedWithCreate", one_tenant(user(R"("upn": "a@b.c", "state": "deleted",
                                     "create": {"displayName": "A"})")),
                  "tenants[0].users[0].create: \"create\" cannot be combined with \"state\": "
                  "\"deleted\""},
        ErrorCase{"IgnoreWithLicenses",
                  one_tenant(user(R"("upn": "a@b.c", "ignore": true, "licenses": [])")),
                  "tenants[0].users[0].licenses: \"ignore\": true cannot be combined with "
                  "\"licenses\""},
        ErrorCase{"IgnoreNotBoolean", one_tenant(user(R"("upn": "a@b.c", "ignore": "yes")")),
                  "tenants[0].users[0].ignore: expected boolean, got string"},
        ErrorCase{"CreateWithoutDisplayName",
                  one_tenant(user(R"("upn": "a@b.c", "create": {"usageLocation": "US"})")),
                  "tenants[0].users[0].create: missing required key \"displayName\""},
        ErrorCase{"CreateBadUsageLocation",
                  one_tenant(user(R"("upn": "a@b.c", "create": {"displayName": "A",
                                     "usageLocation": "USA"})")),
                  "tenants[0].users[0].create.usageLocation: expected a two-letter country code "
                  "like \"US\", got \"USA\""},
        ErrorCase{"CreateUsageLocationNotAnIsoCode",
                  one_tenant(user(R"("upn": "a@b.c", "create": {"displayName": "A",
                                     "usageLocation": "UK"})")),
                  "tenants[0].users[0].create.usageLocation: \"UK\" is not an ISO 3166 code; "
                  "the United Kingdom is GB"},
        ErrorCase{"CreateUsageLocationUnassigned",
                  one_tenant(user(R"("upn": "a@b.c", "create": {"displayName": "A",
                                     "usageLocation": "zz"})")),
                  "tenants[0].users[0].create.usageLocation: \"ZZ\" is not an ISO 3166 "
                  "two-letter country code"},
        // The user resource's documented limits: the service would refuse the create.
        ErrorCase{"CreateDisplayNameTooLong",
                  one_tenant(user(R"("upn": "a@b.c", "create": {"displayName": ")" +
                                  std::string(257, 'n') + R"("})")),
                  "tenants[0].users[0].create.displayName: is 257 characters long; the service "
                  "allows at most 256"},
        ErrorCase{"CreateDepartmentTooLong",
                  one_tenant(user(R"("upn": "a@b.c", "create": {"displayName": "A",
                                     "department": ")" +
                                  std::string(65, 'd') + R"("})")),
                  "tenants[0].users[0].create.department: is 65 characters long; the service "
                  "allows at most 64"},
        ErrorCase{"CreateJobTitleTooLong",
                  one_tenant(user(R"("upn": "a@b.c", "create": {"displayName": "A",
                                     "jobTitle": ")" +
                                  std::string(129, 'j') + R"("})")),
                  "tenants[0].users[0].create.jobTitle: is 129 characters long; the service "
                  "allows at most 128"},
        ErrorCase{"CreateKeyTypo",
                  one_tenant(user(R"("upn": "a@b.c", "create": {"displayname": "A"})")),
                  "unknown key \"displayname\"; did you mean \"displayName\"?"},
        ErrorCase{"RuleWithoutWhere", one_tenant(R"("rules": [{"licenses": ["EMS"]}])"),
                  "tenants[0].rules[0]: missing required key \"where\""},
        ErrorCase{"RuleWithoutLicenses", one_tenant(R"("rules": [{"where": {"department": "x"}}])"),
                  "tenants[0].rules[0]: missing required key \"licenses\""},
        ErrorCase{"RuleWhereEmpty", one_tenant(R"("rules": [{"where": {}, "licenses": []}])"),
                  "tenants[0].rules[0].where: needs at least one of \"department\", \"jobTitle\", "
                  "\"usageLocation\", \"upnSuffix\""},
        ErrorCase{"RuleWhereTypo",
                  one_tenant(R"("rules": [{"where": {"jobtitle": "x"}, "licenses": []}])"),
                  "tenants[0].rules[0].where: unknown key \"jobtitle\"; did you mean "
                  "\"jobTitle\"?"},
        ErrorCase{"RuleWhereBadCountry",
                  one_tenant(R"("rules": [{"where": {"usageLocation": "1A"}, "licenses": []}])"),
                  "tenants[0].rules[0].where.usageLocation: expected a two-letter country code"},
        ErrorCase{"RulesNotArray", one_tenant(R"("rules": {})"),
                  "tenants[0].rules: expected array, got object"}),
    [](const ::testing::TestParamInfo<ErrorCase>& info) { return std::string(info.param.name); });

TEST(DesiredStateTest, ReportsEveryProblemTogetherInFileOrder) {
  const std::string text = R"({
  "version": 1,
  "tenants": [
    {
      "tenant": "contoso.onmicrosoft.com",
      "mode": "enforse",
      "managedSkus": ["SPE_E3"],
      "users": [
        { "upn": "alice@contoso.com", "licenses": ["EMS"] },
        { "upn": "bob@contoso.com", "state": "gone" }
      ]
    }
  ]
})";
  auto r = parse_desired_state(text, "state.json");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "InvalidDesiredState");
  const std::string& m = r.error().message;
  EXPECT_EQ(m,
            "state.json:6:7: tenants[0].mode: expected one of \"enforce\", \"report\", got "
            "\"enforse\"\n"
            "state.json:9:52: tenants[0].users[0].licenses[0]: SKU \"EMS\" is not in managedSkus; "
            "add it there or remove it here\n"
            "state.json:10:37: tenants[0].users[1].state: expected one of \"active\", "
            "\"deleted\", got \"gone\"");
}

TEST(DesiredStateTest, CapsTheNumberOfReportedProblems) {
  std::string users = "\"users\": [";
  for (int i = 0; i < 150; ++i)
    users += std::string(i ? "," : "") + "{\"upn\": \"u" + std::to_string(i) + "\"}";
  users += "]";
  std::string message = error_of(one_tenant(users));
  EXPECT_EQ(std::count(message.begin(), message.end(), '\n'), 100);
  EXPECT_THAT(message, HasSubstr("\n... and 50 more problems"));
}

TEST(DesiredStateTest, IgnoreFalseMayStandWithOtherKeys) {
  auto r = parse_desired_state(
      one_tenant(user(R"("upn": "a@b.c", "ignore": false, "licenses": ["EMS"])")), "s.json");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_FALSE(r->tenants[0].users[0].ignore);
}

TEST(DesiredStateTest, ManagedSkuCheckIgnoresCase) {
  auto r =
      parse_desired_state(one_tenant(user(R"("upn": "a@b.c", "licenses": ["spe_e3"])")), "s.json");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ((*r->tenants[0].users[0].licenses)[0].sku, "spe_e3");  // kept as written
}

TEST(DesiredStateTest, BrokenManagedSkusDoesNotFlagEveryLicense) {
  std::string message = error_of(
      R"({"version": 1, "tenants": [{"tenant": "t", "managedSkus": "EMS",
          "users": [{"upn": "a@b.c", "licenses": ["EMS"]}]}]})");
  EXPECT_THAT(message, HasSubstr("tenants[0].managedSkus: expected array, got string"));
  EXPECT_THAT(message, Not(HasSubstr("not in managedSkus")));
}

TEST(DesiredStateTest, SyntaxErrorIsReportedAsJsonError) {
  auto r = parse_desired_state("{\"version\": 1,,}", "s.json");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "InvalidJson");
  EXPECT_THAT(r.error().message, StartsWith("s.json:1:15: "));
}

DesiredState reparse(const nlohmann::json& j) {
  auto r = parse_desired_state(j.dump(2), "export.json");
  EXPECT_TRUE(r.ok()) << r.error().message;
  return r.ok() ? *r : DesiredState{};
}

TEST(DesiredStateTest, CanonicalJsonParsesBackEqual) {
  auto r = parse_desired_state(cli_example(), "example.json");
  ASSERT_TRUE(r.ok()) << r.error().message;
  nlohmann::json j = desired_state_to_json(*r);
  EXPECT_EQ(reparse(j), *r);
  auto again = parse_desired_state(desired_state_to_text(*r), "export.json");
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_EQ(*again, *r);
}

TEST(DesiredStateTest, CanonicalJsonWritesPlainLicensesAsStringsAndOmitsDefaults) {
  auto r = parse_desired_state(cli_example(), "example.json");
  ASSERT_TRUE(r.ok()) << r.error().message;
  nlohmann::json j = desired_state_to_json(*r);
  const auto& t = j["tenants"][0];
  EXPECT_EQ(t["mode"], "enforce");
  EXPECT_EQ(t["unlisted"], "keep");
  EXPECT_EQ(t["users"][0]["licenses"][1], "EMS");
  EXPECT_EQ(t["users"][0]["licenses"][0]["disabledPlans"][0], "YAMMER_ENTERPRISE");
  EXPECT_EQ(t["users"][0].count("state"), 0u);
  EXPECT_EQ(t["users"][0].count("ignore"), 0u);
  EXPECT_EQ(t["users"][1].count("licenses"), 0u);
  EXPECT_EQ(t["users"][2]["licenses"], nlohmann::json::array());
  EXPECT_EQ(t["users"][3]["ignore"], true);
}

TEST(DesiredStateTest, CanonicalTextPutsKeysInDocumentedOrder) {
  DesiredState s;
  DesiredTenant t;
  t.tenant = "contoso.onmicrosoft.com";
  t.managed_skus = {"EMS"};
  DesiredUser u;
  u.upn = "a@contoso.onmicrosoft.com";
  u.licenses = std::vector<DesiredLicense>{{"EMS", {}, {}}};
  u.create = CreateSpec{"A", "US", std::nullopt, std::nullopt, std::nullopt, std::nullopt, {}};
  t.users.push_back(u);
  s.tenants.push_back(t);
  std::string text = desired_state_to_text(s);
  EXPECT_EQ(text,
            "{\n"
            "  \"version\": 1,\n"
            "  \"tenants\": [\n"
            "    {\n"
            "      \"tenant\": \"contoso.onmicrosoft.com\",\n"
            "      \"mode\": \"enforce\",\n"
            "      \"managedSkus\": [\n"
            "        \"EMS\"\n"
            "      ],\n"
            "      \"unlisted\": \"keep\",\n"
            "      \"users\": [\n"
            "        {\n"
            "          \"upn\": \"a@contoso.onmicrosoft.com\",\n"
            "          \"licenses\": [\n"
            "            \"EMS\"\n"
            "          ],\n"
            "          \"create\": {\n"
            "            \"displayName\": \"A\",\n"
            "            \"usageLocation\": \"US\"\n"
            "          }\n"
            "        }\n"
            "      ]\n"
            "    }\n"
            "  ]\n"
            "}\n");
  auto back = parse_desired_state(text, "t.json");
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(*back, s);
}

TEST(DesiredStateTest, EverythingRoundTripsThroughCanonicalForm) {
  auto r = parse_desired_state(
      R"({"version": 1, "tenants": [
        {"tenant": "a.com", "mode": "report", "unlisted": "revoke", "managedSkus": ["EMS", "X"],
         "rules": [{"where": {"department": "D", "jobTitle": "J", "usageLocation": "DE",
                              "upnSuffix": "@a.com"},
                    "licenses": ["X", {"sku": "EMS", "disabledPlans": ["P1", "P2"]}]}],
         "users": [{"upn": "n@a.com", "state": "active", "licenses": [],
                    "create": {"displayName": "N", "usageLocation": "DE", "givenName": "G",
                               "surname": "S", "department": "D", "jobTitle": "J"}},
                   {"upn": "i@a.com", "ignore": true},
                   {"upn": "d@a.com", "state": "deleted"}]},
        {"tenant": "b.com", "managedSkus": ["EMS"]}]})",
      "all.json");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(reparse(desired_state_to_json(*r)), *r);
}

// Not a fuzzer, but mutations of a valid file reach every validation branch; none may
// crash, and every failure must point at the file.
TEST(DesiredStateTest, MutatedFilesNeverCrash) {
  const std::string seed = cli_example();
  const std::string pieces[] = {"{",  "}",       "[",         "]",          ",",     ":",
                                "\"", "1",       "null",      "true",       "\"x\"", "{}",
                                "[]", "\"sku\"", "\"state\"", "\"deleted\""};
  std::mt19937 rng(7);
  for (int i = 0; i < 5000; ++i) {
    std::string text = seed;
    for (int e = 0; e < 1 + static_cast<int>(rng() % 3); ++e) {
      size_t at = rng() % (text.size() + 1);
      size_t cut = rng() % 8;
      if (at + cut > text.size()) cut = text.size() - at;
      text.replace(at, cut, pieces[rng() % std::size(pieces)]);
    }
    auto r = parse_desired_state(text, "m.json");
    if (r.ok()) {
      auto back = parse_desired_state(desired_state_to_text(*r), "m.json");
      ASSERT_TRUE(back.ok()) << back.error().message << "\n" << text;
      EXPECT_EQ(*back, *r);
    } else {
      EXPECT_THAT(r.error().message, StartsWith("m.json:"));
    }
  }
}

TEST(DesiredStateTest, ReadsUsageLocationOfAnEntryAndTheTenantDefault) {
  auto r = parse_desired_state(
      one_tenant(R"("defaultUsageLocation": "us", )" +
                 user(R"("upn": "a@contoso.com", "usageLocation": "de", "licenses": ["EMS"])")),
      "state.json");
  ASSERT_TRUE(r.ok()) << r.error().message;
  const DesiredTenant& t = r->tenants[0];
  EXPECT_EQ(t.default_usage_location, "US");
  EXPECT_EQ(t.users[0].properties.usage_location, "DE");
  EXPECT_EQ(t.users[0].properties.department, std::nullopt);

  std::string text = desired_state_to_text(*r);
  EXPECT_THAT(text, HasSubstr("\"defaultUsageLocation\": \"US\""));
  EXPECT_THAT(text, HasSubstr("\"usageLocation\": \"DE\""));
  auto back = parse_desired_state(text, "export.json");
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(*back, *r);
  EXPECT_EQ(reparse(desired_state_to_json(*r)), *r);
}

TEST(DesiredStateTest, BadUsageLocationsNameFileLineColumnAndPath) {
  std::string text = one_tenant(R"("defaultUsageLocation": "UK", )" +
                                user(R"("upn": "a@contoso.com", "usageLocation": "USA")"));
  std::string message = error_of(text);
  auto [line, column] = position_of(text, "\"defaultUsageLocation\"");
  EXPECT_THAT(message,
              HasSubstr("state.json:" + std::to_string(line) + ":" + std::to_string(column) +
                        ": tenants[0].defaultUsageLocation: "
                        "\"UK\" is not an ISO 3166 code"));
  EXPECT_THAT(message, HasSubstr("tenants[0].users[0].usageLocation: expected a two-letter "
                                 "country code like \"US\", got \"USA\""));
  EXPECT_THAT(error_of(one_tenant(user(R"("upn": "a@contoso.com", "usageLocatoin": "US")"))),
              HasSubstr("unknown key \"usageLocatoin\"; did you mean \"usageLocation\"?"));
  EXPECT_THAT(error_of(one_tenant(R"("defaultUsageLocatio": "US")")),
              HasSubstr("did you mean \"defaultUsageLocation\"?"));
  EXPECT_THAT(
      error_of(
          one_tenant(user(R"("upn": "a@contoso.com", "state": "deleted", "usageLocation": "US")"))),
      HasSubstr("users[0].usageLocation: \"usageLocation\" cannot be combined with \"state\": "
                "\"deleted\""));
  EXPECT_THAT(error_of(one_tenant(
                  user(R"("upn": "a@contoso.com", "ignore": true, "usageLocation": "US")"))),
              HasSubstr("\"ignore\": true cannot be combined with \"usageLocation\""));
}

TEST(DesiredStateTest, EnumNamesMatchTheFileFormat) {
  EXPECT_STREQ(to_string(TenantMode::Enforce), "enforce");
  EXPECT_STREQ(to_string(TenantMode::Report), "report");
  EXPECT_STREQ(to_string(UnlistedPolicy::Keep), "keep");
  EXPECT_STREQ(to_string(UnlistedPolicy::Revoke), "revoke");
  EXPECT_STREQ(to_string(DesiredUserState::Active), "active");
  EXPECT_STREQ(to_string(DesiredUserState::Deleted), "deleted");
  EXPECT_EQ(parse_tenant_mode("report"), TenantMode::Report);
  EXPECT_EQ(parse_tenant_mode("Report"), std::nullopt);
}

}  // namespace desired_state_test
}  // namespace tenantsync
