// A user's licenses as its users row keeps them (schema v10, v11): every value round-trips,
// any JSON of the documented shape is read, and anything else is refused (a damaged row).
#include "sync/store/license_columns.h"

#include <gtest/gtest.h>

namespace tenantsync {
namespace license_columns_test {

const std::string kE3 = "05e9a617-0261-4cee-bb44-138d3ef5d965";
const std::string kEms = "efccb6f7-5641-4e0e-bd10-b4976e1bf68e";

TEST(LicenseColumnsTest, WritesTheDocumentedShape) {
  EXPECT_EQ(encode_assigned_licenses({}), "[]");
  EXPECT_EQ(encode_license_states({}), "[]");
  EXPECT_EQ(encode_assigned_licenses({{kE3, {"p1", "p2"}}, {kEms, {}}}),
            "[[\"" + kE3 + "\",[\"p1\",\"p2\"]],[\"" + kEms + "\",[]]]");
  EXPECT_EQ(encode_license_states({{kE3, std::nullopt, {"p1"}, "Active", "None"},
                                   {kEms, "g-1", {}, "Error", "CountViolation"}}),
            "[[\"" + kE3 + "\",null,[\"p1\"],\"Active\",\"None\"],[\"" + kEms +
                "\",\"g-1\",[],\"Error\",\"CountViolation\"]]");
}

TEST(LicenseColumnsTest, RoundTripsPlainEscapedAndUnicodeValues) {
  for (const std::string& odd :
       {std::string(""), std::string("quote\"d back\\slash"), std::string("tab\tnew\nline\x01"),
        std::string("\xc3\xa9t\xc3\xa9"), std::string("\xf0\x9f\x98\x80 null ] , [")}) {
    std::vector<AssignedLicense> assigned = {{kE3, {odd, "p"}}, {odd, {}}, {kEms, {odd}}};
    auto a = decode_assigned_licenses(encode_assigned_licenses(assigned));
    ASSERT_TRUE(a.ok()) << encode_assigned_licenses(assigned);
    EXPECT_EQ(*a, assigned);

    std::vector<LicenseAssignmentState> states = {{odd, odd, {odd}, odd, odd},
                                                  {kE3, std::nullopt, {}, "Active", "None"},
                                                  {kEms, "", {"p"}, "Active", "None"}};
    auto s = decode_license_states(encode_license_states(states));
    ASSERT_TRUE(s.ok()) << encode_license_states(states);
    EXPECT_EQ(*s, states);
    EXPECT_FALSE((*s)[1].assigned_by_group.has_value()) << "direct stays direct";
    EXPECT_EQ((*s)[2].assigned_by_group, "") << "an empty group id is not a direct one";
  }
}

// A user licensed directly keeps its states as "assigned" (schema 11): only when they say
// exactly what its assigned licenses say, so rebuilding them gives the same states back.
TEST(LicenseColumnsTest, StatesAreAssignedOnlyWhenTheyRebuildExactly) {
  const std::vector<AssignedLicense> assigned = {{kE3, {"p1"}}, {kEms, {}}};
  const std::vector<LicenseAssignmentState> direct = {{kE3, std::nullopt, {"p1"}, "Active", "None"},
                                                      {kEms, std::nullopt, {}, "Active", "None"}};
  EXPECT_TRUE(states_are_assigned(direct, assigned));
  EXPECT_EQ(states_of_assigned(assigned), direct);
  EXPECT_EQ(kStatesAsAssigned, "\"assigned\"");

  EXPECT_FALSE(states_are_assigned({}, {})) << "no licenses: kept as []";
  auto differs = [&](auto change) {
    std::vector<LicenseAssignmentState> states = direct;
    change(states);
    return !states_are_assigned(states, assigned);
  };
  EXPECT_TRUE(differs([](auto& s) { s[1].assigned_by_group = "g-1"; })) << "from a group";
  EXPECT_TRUE(differs([](auto& s) { s[1].assigned_by_group = ""; })) << "empty group id";
  EXPECT_TRUE(differs([](auto& s) { s[0].disabled_plans = {"p2"}; })) << "other plans";
  EXPECT_TRUE(differs([](auto& s) { s[0].state = "Error"; }));
  EXPECT_TRUE(differs([](auto& s) { s[0].error = "CountViolation"; }));
  EXPECT_TRUE(differs([](auto& s) { std::swap(s[0], s[1]); })) << "another order";
  EXPECT_TRUE(differs([](auto& s) { s.pop_back(); })) << "a state fewer";
  EXPECT_TRUE(differs([](auto& s) { s.push_back(s[0]); })) << "a state more";
}

TEST(LicenseColumnsTest, ReadsAnyJsonOfTheShapeAsSQLiteWritesIt) {
  // Whitespace and escapes: what another JSON writer (the v10 migration's, a repair by
  // hand) may produce.
  auto a = decode_assigned_licenses(R"( [ [ "s\u0031" , [ "p" ] ] ] )");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(*a, (std::vector<AssignedLicense>{{"s1", {"p"}}}));
  auto s = decode_license_states(R"([["s", null, [], "Active", "None"], ["t","g",["p"],"A","B"]])");
  ASSERT_TRUE(s.ok());
  ASSERT_EQ(s->size(), 2u);
  EXPECT_FALSE((*s)[0].assigned_by_group.has_value());
  EXPECT_EQ((*s)[1].assigned_by_group, "g");
}

TEST(LicenseColumnsTest, RefusesEverythingElse) {
  for (const char* bad :
       {"", "[", "[[\"s\",[]]", "[[\"s\",[]]]x", "[[\"s\"]]", "[[\"s\",[],1]]", "[[1,[]]]",
        "[[\"s\",null]]", "[[\"s\",[1]]]", "[[\"s\",\"p\"]]", "{}", "[\"s\"]", "[[\"s\",[]],]",
        "[[\"s\",[\"a\nb\"]]]", "[[\"\xff\",[]]]", "null"}) {
    EXPECT_FALSE(decode_assigned_licenses(bad).ok()) << bad;
  }
  for (const char* bad :
       {"", "[[\"s\",null,[],\"Active\"]]", "[[\"s\",1,[],\"Active\",\"None\"]]",
        "[[\"s\",null,null,\"Active\",\"None\"]]", "[[\"s\",null,[],\"Active\",null]]",
        "[[\"s\",nul,[],\"A\",\"N\"]]", "[[\"s\",null,[],\"Active\",\"None\",\"x\"]]"}) {
    EXPECT_FALSE(decode_license_states(bad).ok()) << bad;
  }
}

TEST(LicenseColumnsTest, GroupsAreTheStatesDistinctGroupIdsSorted) {
  EXPECT_EQ(encode_license_groups({}), std::nullopt);
  EXPECT_EQ(encode_license_groups(
                {{kE3, std::nullopt, {}, "Active", "None"}, {kEms, "", {}, "Active", "None"}}),
            std::nullopt)
      << "direct licenses, and an empty group id, name no group";
  EXPECT_EQ(encode_license_groups({{kE3, "g-b", {}, "Active", "None"},
                                   {kEms, "g-a", {}, "Active", "None"},
                                   {kEms, "g-b", {}, "Error", "CountViolation"}}),
            R"(["g-a","g-b"])");
}

}  // namespace license_columns_test
}  // namespace tenantsync
