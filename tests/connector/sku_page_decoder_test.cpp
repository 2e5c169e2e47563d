// decode_sku_page against the tree decoding it replaces (parse_json_tree, then model/sku.cpp's
// from_json item by item): on every page both accept or both refuse, with the same kind of
// failure and the same first failing item, and an accepted page gives the same SKUs and next
// link. Pages: a realistic one, every property absent or replaced by every awkward JSON value,
// page-level shapes (not JSON, no value array, repeated keys, text only nlohmann parses), and
// random pages.
#include "connector/sku_page_decoder.h"

#include <algorithm>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "connector/list_page_decoding.h"
#include "tests/connector/json_page_text.h"
#include "tests/connector/list_page_reference.h"

namespace tenantsync {
namespace sku_page_decoder_test {

using Kind = SkuPageFailure::Kind;
using namespace json_page_text;

// The decoder's verdict on `text`, as the reference gives its own.
list_page_reference::Outcome<Sku> decode(const std::string& text) {
  return list_page_reference::outcome_of(text, decode_sku_page, &DecodedSkuPage::skus);
}

void expect_same_as_tree(const std::string& text) {
  list_page_reference::expect_same_as_tree<Sku>(text, decode);
}

// The decoder's refusal of `text`, or nullopt when it accepts it.
std::optional<SkuPageFailure> refusal_of(const std::string& text) {
  DecodedSkuPage out;
  SkuPageFailure failure;
  if (decode_sku_page(text, out, failure)) return std::nullopt;
  return failure;
}

// The decoder refuses `text` as the tree does, with `kind` (at `item` for BadItem).
void expect_refused(const std::string& text, Kind kind, std::size_t item = 0) {
  expect_same_as_tree(text);
  auto failure = refusal_of(text);
  ASSERT_TRUE(failure) << text;
  EXPECT_EQ(failure->kind, kind) << text;
  if (kind == Kind::BadItem) {
    EXPECT_EQ(failure->item, item) << text;
  }
}

// Valid members with values other than the defaults, so a property skipped shows.
Members plan_members(int n) {
  return {{"servicePlanId", "\"plan-" + std::to_string(n) + "\""},
          {"servicePlanName", "\"EXCHANGE_S_ENTERPRISE\""},
          {"provisioningStatus", "\"PendingInput\""},
          {"appliesTo", "\"Company\""}};
}

Members prepaid_members() {
  return {{"enabled", "25"}, {"suspended", "1"}, {"warning", "2"}, {"lockedOut", "3"}};
}

Members sku_members(int n, const std::string& prepaid, const std::string& plans) {
  return {{"id", "\"tenant_sku-" + std::to_string(n) + "\""},
          {"skuId", "\"sku-" + std::to_string(n) + "\""},
          {"skuPartNumber", "\"SPE_E3\""},
          {"appliesTo", "\"Company\""},
          {"capabilityStatus", "\"Warning\""},
          {"consumedUnits", "20"},
          {"prepaidUnits", prepaid},
          {"servicePlans", plans}};
}

std::string two_plans() {
  return array_text({object_text(plan_members(0)), object_text(plan_members(1))});
}

std::string valid_sku(int n) {
  return object_text(sku_members(n, object_text(prepaid_members()), two_plans()));
}

// The odd item as item 1 of 3: the failing index is checked too.
std::string page_around(const std::string& item) {
  return page_text({valid_sku(0), item, valid_sku(2)}, ",\"@odata.nextLink\":\"next\"");
}

// Proves: a Graph-shaped page decodes to the same SKUs as the tree, with the values it holds.
TEST(SkuPageDecoderTest, RealisticPageGivesTheTreesSkus) {
  const std::string text = R"({
  "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#subscribedSkus", "value": [
    {"capabilityStatus": "Enabled", "consumedUnits": 564, "id": "t1_05e9", "skuId": "05e9",
     "prepaidUnits": {"enabled": 776, "lockedOut": 0, "suspended": 0, "warning": 10},
     "servicePlans": [{"servicePlanId": "efb8", "servicePlanName": "EXCHANGE_S_ENTERPRISE",
                       "provisioningStatus": "Success", "appliesTo": "User"},
                      {"servicePlanId": "5dbe", "servicePlanName": "SHAREPOINTENTERPRISE",
                       "provisioningStatus": "PendingProvisioning", "extra": [1, {"x": null}]},
                      {"servicePlanId": "57f", "servicePlanName": "TEAMS1", "appliesTo": "Company"}],
     "skuPartNumber": "SPE_E3", "appliesTo": "User", "subscriptionIds": ["a"], "accountName": "c"},
    {"id": "t1_efcc", "skuId": "efcc", "skuPartNumber": "EMS", "appliesTo": "User",
     "capabilityStatus": "Warning", "consumedUnits": 12.0,
     "prepaidUnits": {"enabled": 10, "suspended": 0, "warning": 5, "lockedOut": 0, "new": 1},
     "servicePlans": [{"servicePlanId": "4178", "servicePlanName": "INTUNE_A"},
                      {"servicePlanId": "932a", "provisioningStatus": "Disabled"}]},
    {"id": "t1_3b55", "skuId": "3b55", "skuPartNumber": "TEAMS_ROOMS", "appliesTo": "Company",
     "capabilityStatus": "Suspended", "consumedUnits": 0,
     "prepaidUnits": {"enabled": 0, "suspended": 4, "warning": 0, "lockedOut": 2},
     "servicePlans": [{"servicePlanId": "a", "servicePlanName": "MCOMEETADV"},
                      {"servicePlanId": "b", "servicePlanName": "MCOEV", "appliesTo": "Company"}]}],
  "@odata.nextLink": "https://graph.microsoft.com/v1.0/subscribedSkus?$skiptoken=2"})";
  expect_same_as_tree(text);
  DecodedSkuPage out;
  SkuPageFailure failure;
  ASSERT_TRUE(decode_sku_page(text, out, failure)) << failure.detail;
  ASSERT_EQ(out.skus.size(), 3u);
  EXPECT_EQ(out.skus[0].id, "t1_05e9");
  EXPECT_EQ(out.skus[0].sku_part_number, "SPE_E3");
  EXPECT_EQ(out.skus[0].consumed_units, 564);
  EXPECT_EQ(out.skus[0].prepaid_units, (PrepaidUnits{776, 0, 10, 0}));
  ASSERT_EQ(out.skus[0].service_plans.size(), 3u);
  EXPECT_EQ(out.skus[0].service_plans[1].provisioning_status, "PendingProvisioning");
  EXPECT_EQ(out.skus[0].service_plans[2].provisioning_status, "Success");  // the default
  EXPECT_EQ(out.skus[0].service_plans[2].applies_to, "Company");
  EXPECT_EQ(out.skus[1].consumed_units, 12);  // a whole float counts
  EXPECT_EQ(out.skus[1].capability_status, "Warning");
  EXPECT_EQ(out.skus[1].service_plans[0].applies_to, "User");  // the default
  EXPECT_EQ(out.skus[2].sku_part_number, "TEAMS_ROOMS");
  EXPECT_EQ(out.skus[2].prepaid_units.locked_out, 2);
  EXPECT_EQ(out.next_link, "https://graph.microsoft.com/v1.0/subscribedSkus?$skiptoken=2");
}

// Proves: every property of a SKU, of its prepaidUnits and of a service plan (the second),
// absent or of each odd JSON type and value, is judged as the tree judges it.
TEST(SkuPageDecoderTest, EveryPropertyAbsentOrOfEveryShape) {
  const std::string prepaid = object_text(prepaid_members()), plan0 = object_text(plan_members(0));
  for (const auto& value : variants()) {
    for (const char* key : {"id", "skuId", "skuPartNumber", "appliesTo", "capabilityStatus",
                            "consumedUnits", "prepaidUnits", "servicePlans"}) {
      expect_same_as_tree(
          page_around(object_text(with(sku_members(1, prepaid, two_plans()), key, value))));
    }
    for (const char* key : {"enabled", "suspended", "warning", "lockedOut"}) {
      const std::string odd_prepaid = object_text(with(prepaid_members(), key, value));
      expect_same_as_tree(page_around(object_text(sku_members(1, odd_prepaid, two_plans()))));
    }
    for (const char* key :
         {"servicePlanId", "servicePlanName", "provisioningStatus", "appliesTo"}) {
      const std::string plans = array_text({plan0, object_text(with(plan_members(1), key, value))});
      expect_same_as_tree(page_around(object_text(sku_members(1, prepaid, plans))));
    }
  }
}

// Proves: the reference is model/sku.cpp's count rule (the comparison is not vacuous).
TEST(SkuPageDecoderTest, CountsFollowTheSkuRules) {
  // consumedUnits -> the count, or -1 when the page is refused.
  const auto consumed = [](const std::string& count) {
    const std::string page =
        page_text({R"({"skuId":"s","skuPartNumber":"P","consumedUnits":)" + count + "}"});
    expect_same_as_tree(page);
    DecodedSkuPage out;
    SkuPageFailure failure;
    return decode_sku_page(page, out, failure) ? out.skus.at(0).consumed_units : -1;
  };
  EXPECT_EQ(consumed("3.0"), 3);
  EXPECT_EQ(consumed("-0.0"), 0);
  EXPECT_EQ(consumed("null"), 0);
  EXPECT_EQ(consumed("-1e-400"), 0);  // underflows to -0.0
  EXPECT_EQ(consumed("1000000000"), 1000000000);
  for (const char* refused : {"2.5", "-1", "1e300", "1000000001", "\"3\"", "true", "{}"}) {
    EXPECT_EQ(consumed(refused), -1) << refused;
  }
}

// Proves: a bad item's detail names the property that is wrong, also inside a service plan.
TEST(SkuPageDecoderTest, ABadItemsDetailNamesTheProperty) {
  auto failure = refusal_of(page_text({R"({"skuId":null,"skuPartNumber":"P"})"}));
  ASSERT_TRUE(failure);
  EXPECT_THAT(failure->detail, testing::HasSubstr("skuId"));
  const std::string plans = R"("servicePlans":[{"servicePlanId":"a"},{"servicePlanId":null}])";
  failure = refusal_of(page_around(R"({"skuId":"s","skuPartNumber":"P",)" + plans + "}"));
  ASSERT_TRUE(failure);
  EXPECT_EQ(failure->item, 1u);
  EXPECT_THAT(failure->detail, testing::HasSubstr("servicePlanId"));
}

// Proves: text that is not JSON is NotJson, even after a bad item or when only a number overflows.
TEST(SkuPageDecoderTest, TextThatIsNotJsonIsSaidSo) {
  for (const std::string& text : std::vector<std::string>{
           "<html>", "{\"value\":[", "", R"({"value":[{"skuId":null}],)", R"({"value":[]} x)",
           R"({"value":[{"skuId":"s","skuPartNumber":"P","consumedUnits":1e400}]})"}) {
    expect_refused(text, Kind::NotJson);
  }
}

// Proves: a page without a "value" array is NoValueArray, and an empty one is an empty page.
TEST(SkuPageDecoderTest, APageWithoutAValueArrayIsSaidSo) {
  for (const std::string& text :
       std::vector<std::string>{"[]", R"([{"value":[]}])", R"({"value":null})", R"({"value":{}})",
                                "{}", "null", "3", R"({"Value":[]})", R"({"value":"[]"})"}) {
    expect_refused(text, Kind::NoValueArray);
  }
  expect_same_as_tree(R"({"value":[]})");
  DecodedSkuPage out;
  SkuPageFailure failure;
  ASSERT_TRUE(decode_sku_page(R"({"value":[],"@odata.nextLink":"n"})", out, failure));
  EXPECT_TRUE(out.skus.empty());
  EXPECT_EQ(out.next_link, "n");
}

// Proves: a next link that is not a string is no next link; the last of repeated ones counts.
TEST(SkuPageDecoderTest, NextLinkIsUsedOnlyWhenAString) {
  for (const char* tail : {R"(,"@odata.nextLink":5)", R"(,"@odata.nextLink":null)",
                           R"(,"@odata.nextLink":{"href":"x"})", R"(,"@odata.nextLink":["x"])",
                           R"(,"@odata.nextLink":"a","@odata.nextLink":7)",
                           R"(,"@odata.nextLink":7,"@odata.nextLink":"b")"}) {
    expect_same_as_tree(page_text({valid_sku(0)}, tail));
  }
  // Before "value" too.
  expect_same_as_tree(R"({"@odata.nextLink":"first","value":[]})");
}

// Proves: an item that is not an object fails the page at that item.
TEST(SkuPageDecoderTest, AnItemThatIsNotAnObjectIsABadItem) {
  for (const char* item :
       {"[]", "[{\"skuId\":\"s\",\"skuPartNumber\":\"P\"}]", "\"sku\"", "null", "0", "true"}) {
    expect_refused(page_around(item), Kind::BadItem, 1);
  }
}

// Proves: a repeated key keeps its last value, in an item, a nested object and the page.
TEST(SkuPageDecoderTest, ARepeatedKeyKeepsItsLastValue) {
  const std::string sku = R"({"skuId":"x","skuPartNumber":"P",)";
  for (const std::string& item : std::vector<std::string>{
           R"({"skuId":1,"skuId":"x","skuPartNumber":"P"})",
           R"({"skuId":"x","skuId":1,"skuPartNumber":"P"})",
           sku + R"("consumedUnits":-1,"consumedUnits":4})",
           sku + R"("consumedUnits":4,"consumedUnits":2.5})",
           sku + R"("prepaidUnits":null,"prepaidUnits":{"enabled":3}})",
           sku + R"("prepaidUnits":{"enabled":3,"enabled":"3"}})",
           sku + R"("servicePlans":[{"servicePlanId":"a"}],"servicePlans":[]})",
           sku + R"("servicePlans":[],"servicePlans":[{"servicePlanId":"a"}]})",
           sku + R"("servicePlans":[{"servicePlanId":"a","servicePlanId":"b"}]})",
           sku + R"("servicePlans":[{"servicePlanId":"a","servicePlanId":null}]})",
           sku + R"("id":null,"id":"i","id":"j"})"}) {
    expect_same_as_tree(page_around(item));
  }
  EXPECT_FALSE(refusal_of(page_around(R"({"skuId":1,"skuId":"x","skuPartNumber":"P"})")));
  expect_refused(page_around(R"({"skuId":"x","skuId":1,"skuPartNumber":"P"})"), Kind::BadItem, 1);
  // "value" repeated at page level: only the last counts.
  for (const std::string& text : std::vector<std::string>{
           R"({"value":[{"skuId":null}],"value":[]})", R"({"value":[],"value":[{"skuId":null}]})",
           R"({"value":3,"value":[]})", R"({"value":[],"value":3})",
           "{\"value\":[" + valid_sku(0) + "],\"value\":[" + valid_sku(1) + "]}"}) {
    expect_same_as_tree(text);
  }
}

// Proves: text simdjson refuses but nlohmann parses (beyond 64 bits, deeper than 1,024) is
// decoded as the tree decodes it, in unknown properties and in counts.
TEST(SkuPageDecoderTest, AcceptsWhatOnlyTheSlowerParserAccepts) {
  const std::string deep = std::string(1500, '[') + std::string(1500, ']');
  const std::string deep_object = std::string(1100, '[') + "{\"a\":1}" + std::string(1100, ']');
  for (const std::string& odd :
       {std::string("123456789012345678901234567890"),
        std::string("-123456789012345678901234567890"), deep, deep_object}) {
    const std::string item = R"({"skuId":"s","big":)" + odd + R"(,"skuPartNumber":"P"})";
    expect_same_as_tree(page_around(item));
    expect_same_as_tree(page_text({valid_sku(0)}, ",\"extra\":" + odd));
    DecodedSkuPage out;
    SkuPageFailure failure;
    ASSERT_TRUE(decode_sku_page(page_around(item), out, failure))
        << odd.substr(0, 40) << failure.detail;
    ASSERT_EQ(out.skus.size(), 3u);
    EXPECT_EQ(out.skus[1].sku_part_number, "P");
    EXPECT_EQ(out.next_link, "next");
  }
  // A count beyond 64 bits is a (huge) double: refused, as the tree refuses it.
  expect_same_as_tree(page_around(
      R"({"skuId":"s","skuPartNumber":"P","consumedUnits":123456789012345678901234567890})"));
  expect_same_as_tree(
      page_around(R"({"skuId":"s","skuPartNumber":"P","servicePlans":[)" + deep + "]}"));
}

// Proves: escapes (in values and in keys) and whitespace decode as the tree's.
TEST(SkuPageDecoderTest, StringsKeepEveryEscapedCharacter) {
  const std::string text =
      "{ \"value\" :\n\t[ {\r\n \"sku\\u0049d\" : \"a\\u0000b\" , \"skuPartNumber\":\"caf\\u00e9 "
      "\\ud83d\\ude00\","
      " \"servicePlans\" : [ { \"servicePlanId\":\"\\\"q\\\"\\n\\/\", "
      "\"servicePlanName\":\"\\u00E9\" } ] } ]"
      " , \"@odata.next\\u004cink\" : \"n\\u0065xt\" }  ";
  expect_same_as_tree(text);
  DecodedSkuPage out;
  SkuPageFailure failure;
  ASSERT_TRUE(decode_sku_page(text, out, failure)) << failure.detail;
  ASSERT_EQ(out.skus.size(), 1u);
  EXPECT_EQ(out.skus[0].sku_id, std::string("a\0b", 3));
  EXPECT_EQ(out.skus[0].sku_part_number, "caf\u00e9 \U0001F600");
  ASSERT_EQ(out.skus[0].service_plans.size(), 1u);
  EXPECT_EQ(out.skus[0].service_plans[0].service_plan_id, "\"q\"\n/");
  EXPECT_EQ(out.skus[0].service_plans[0].service_plan_name, "\u00e9");
  EXPECT_EQ(out.next_link, "next");
}

const std::vector<std::string> kStrings = {"\"Enabled\"", "\"x\"", "\"\"", "\"caf\\u00e9\"",
                                           "\"\\ud83d\\ude00 \\\"q\\\"\""};
const std::vector<std::string> kCounts = {"0", "25", "3.0", "1000000000", "1e3", "-0", "null"};

std::string random_sku(std::mt19937& rng) {
  Members prepaid, sku;
  for (const char* key : {"enabled", "suspended", "warning", "lockedOut"}) {
    if (auto v = maybe(rng, pick(rng, kCounts))) prepaid.push_back({key, *v});
  }
  std::vector<std::string> plans;
  for (unsigned p = 0, n = rng() % 4; p < n; ++p) {
    Members plan;
    for (const char* key :
         {"servicePlanId", "servicePlanName", "provisioningStatus", "appliesTo"}) {
      if (auto v = maybe(rng, pick(rng, kStrings))) plan.push_back({key, *v});
    }
    plans.push_back(random_object(rng, plan));
  }
  for (const char* key : {"id", "skuId", "skuPartNumber", "appliesTo", "capabilityStatus"}) {
    if (auto v = maybe(rng, pick(rng, kStrings))) sku.push_back({key, *v});
  }
  if (auto v = maybe(rng, pick(rng, kCounts))) sku.push_back({"consumedUnits", *v});
  if (auto v = maybe(rng, random_object(rng, prepaid))) sku.push_back({"prepaidUnits", *v});
  if (auto v = maybe(rng, array_text(plans))) sku.push_back({"servicePlans", *v});
  if (rng() % 30 == 0) return odd_value(rng);  // not an object at all
  return random_object(rng, sku);
}

// Proves: random pages (subsets of properties, odd values, repeated keys) are judged as the tree
// judges them, with both verdicts well represented.
TEST(SkuPageDecoderTest, RandomPagesAreJudgedAsTheTreeJudgesThem) {
  int accepted = 0, refused = 0;
  for (unsigned seed = 1; seed <= 200; ++seed) {
    std::mt19937 rng(seed);
    std::vector<std::string> items;
    for (unsigned i = 0, n = rng() % 6; i < n; ++i) items.push_back(random_sku(rng));
    std::string tail =
        ",\"@odata.context\":\"https://graph.microsoft.com/v1.0/$metadata#subscribedSkus\"";
    if (rng() % 3)
      tail += ",\"@odata.nextLink\":" +
              (rng() % 4 ? "\"next-" + std::to_string(seed) + "\"" : odd_value(rng));
    const std::string text = page_text(items, tail);
    expect_same_as_tree(text);
    if (HasFatalFailure()) return;
    (refusal_of(text) ? refused : accepted) += 1;
  }
  EXPECT_GT(accepted, 50);
  EXPECT_GT(refused, 50);
}

// Proves: pages share one parser up to its bound and take their own past it, and either
// way every page decodes as it does alone: a page past the bound between two small ones,
// and four threads decoding small and large pages at once, each get the tree's SKUs.
TEST(SkuPageDecoderTest, PagesOnEitherSideOfTheSharedParsersBoundDecodeAlike) {
  std::vector<std::string> many;
  for (int n = 0; many.size() < 400; ++n) many.push_back(valid_sku(n));
  const std::string large = page_text(many, "");
  const std::string small = page_around(valid_sku(1));
  ASSERT_GT(large.size(), list_page::PageParser::kSharedParserBytes);
  ASSERT_LE(small.size(), list_page::PageParser::kSharedParserBytes);
  for (const std::string* text : {&small, &large, &small, &large}) expect_same_as_tree(*text);

  const auto large_skus = decode(large).items;
  const auto small_skus = decode(small).items;
  ASSERT_EQ(large_skus.size(), 400u);
  ASSERT_EQ(small_skus.size(), 3u);
  std::vector<int> mismatches(4, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 50; ++i) {
        const bool big = (i + t) % 5 == 0;
        if (decode(big ? large : small).items != (big ? large_skus : small_skus)) ++mismatches[t];
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_THAT(mismatches, testing::Each(0));
}

}  // namespace sku_page_decoder_test
}  // namespace tenantsync
