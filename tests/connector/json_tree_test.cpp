// parse_json_tree gives exactly the tree nlohmann's parser gives: the same values, the
// same number types, the last of repeated keys, and the same verdict on what is not JSON
// (simdjson's refusals go to nlohmann).
#include "connector/json_tree.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace tenantsync {
namespace json_tree_test {

using nlohmann::json;

// Equal values and equal types, all the way down (json's == calls 5 and 5.0 equal).
void expect_same_tree(const json& a, const json& b, const std::string& where) {
  ASSERT_EQ(a.type(), b.type()) << where;
  if (a.is_object()) {
    ASSERT_EQ(a.size(), b.size()) << where;
    for (auto it = a.begin(); it != a.end(); ++it) {
      ASSERT_TRUE(b.contains(it.key())) << where << "." << it.key();
      expect_same_tree(it.value(), b[it.key()], where + "." + it.key());
    }
  } else if (a.is_array()) {
    ASSERT_EQ(a.size(), b.size()) << where;
    for (size_t i = 0; i < a.size(); ++i) {
      expect_same_tree(a[i], b[i], where + "[" + std::to_string(i) + "]");
    }
  } else {
    EXPECT_EQ(a, b) << where;
  }
}

void expect_as_nlohmann(const std::string& text) {
  json ours = parse_json_tree(text);
  json theirs = json::parse(text, nullptr, false);
  ASSERT_EQ(ours.is_discarded(), theirs.is_discarded()) << text;
  if (!ours.is_discarded()) expect_same_tree(ours, theirs, text.substr(0, 60));
}

TEST(JsonTreeTest, GivesNlohmannsTreeForGraphShapedAnswers) {
  expect_as_nlohmann(R"({"responses":[{"id":"0","status":200,"headers":{"Retry-After":"2"},
    "body":{"value":[{"skuId":"05e9a617","consumedUnits":564,"prepaidUnits":{"enabled":776},
    "servicePlans":[{"servicePlanId":"efb8","provisioningStatus":"Success"}]}],
    "@odata.nextLink":"https://graph.microsoft.com/v1.0/subscribedSkus?$skiptoken=2"}}]})");
  expect_as_nlohmann(R"({"a":null,"b":true,"c":false,"d":[],"e":{},"f":"caf\u00e9 \ud83d\ude00"})");
}

TEST(JsonTreeTest, TypesNumbersAsNlohmannDoes) {
  for (const char* text :
       {"5", "-5", "0", "1.5", "1e2", "-1.25e-3", "9223372036854775807", "9223372036854775808",
        "18446744073709551615", "-9223372036854775808", "[1,-1,1.0,18446744073709551615]", "-0.0",
        "1E400", "-1e-400", "0.1e1", "123456789012345678901234567890e-10"}) {
    expect_as_nlohmann(text);
  }
  EXPECT_TRUE(parse_json_tree("5").is_number_unsigned());
  EXPECT_TRUE(parse_json_tree("-5").is_number_integer());
  EXPECT_FALSE(parse_json_tree("-5").is_number_unsigned());
  EXPECT_TRUE(parse_json_tree("1.5").is_number_float());
  // The one difference: simdjson's tape does not keep the sign of "-0", so it comes out as
  // unsigned 0 where nlohmann says signed 0. The same value, and the same text again.
  EXPECT_EQ(parse_json_tree("-0"), json::parse("-0"));
  EXPECT_EQ(parse_json_tree("[-0]").dump(), json::parse("[-0]").dump());
}

TEST(JsonTreeTest, WhatSimdjsonRefusesGoesToNlohmann) {
  // Beyond 64 bits: nlohmann makes it a double.
  expect_as_nlohmann("18446744073709551616");
  expect_as_nlohmann(R"({"big":-99999999999999999999})");
  // Deeper than simdjson's 1,024 levels.
  std::string deep = std::string(1500, '[') + std::string(1500, ']');
  expect_as_nlohmann(deep);
  EXPECT_FALSE(parse_json_tree(deep).is_discarded());
}

TEST(JsonTreeTest, ARepeatedKeyKeepsItsLastValue) {
  expect_as_nlohmann(R"({"id":"first","id":"last"})");
  EXPECT_EQ(parse_json_tree(R"({"id":"first","id":"last"})")["id"], "last");
}

TEST(JsonTreeTest, WhatIsNotJsonIsDiscarded) {
  for (const char* text : {"", " ", "{", "[1,]", "{\"a\":1,}", "nul", "\"\xff\"", "01",
                           "{\"a\":1} x", "NaN", "'a'", "\"\\ud800\""}) {
    EXPECT_TRUE(parse_json_tree(text).is_discarded()) << text;
    expect_as_nlohmann(text);
  }
}

}  // namespace json_tree_test
}  // namespace tenantsync
