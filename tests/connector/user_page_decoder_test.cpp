// The streaming user-page decoder against the JSON-tree decoding it replaced
// (model/user.cpp's from_json): on valid pages both give the same users, and a page one
// of them refuses the other refuses too. Pages are generated with nulls, unknown nested
// properties and removed items, then mutated one value at a time.
#include "connector/user_page_decoder.h"

#include <random>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace tenantsync {
namespace user_page_decoder_test {

using json = nlohmann::json;

// What the tree decoding made of a page: the users, the removed ids, or a failure.
struct TreeResult {
  bool bad_item = false;
  UserPage page;
};

TreeResult decode_with_tree(const json& page, bool delta) {
  TreeResult out;
  try {
    for (const auto& item : page.at("value")) {
      auto removed = item.is_object() ? item.find("@removed") : item.end();
      if (delta && item.is_object() && removed != item.end()) {
        std::string reason = removed->is_object() ? removed->value("reason", "") : "";
        (reason == "deleted" ? out.page.removed_hard : out.page.removed_soft)
            .push_back(item.at("id").get<std::string>());
        // The streaming decoder checks a removed item's properties like any other's.
        (void)item.get<User>();
      } else {
        out.page.users.push_back(item.get<User>());
      }
    }
  } catch (const json::exception&) {
    out.bad_item = true;
  }
  return out;
}

json random_string_or_null(std::mt19937& rng, const std::string& text) {
  return rng() % 5 == 0 ? json(nullptr) : json(text + std::to_string(rng() % 1000));
}

json random_user(std::mt19937& rng, int index, bool delta) {
  json user = {{"id", "id-" + std::to_string(index)},
               {"userPrincipalName", random_string_or_null(rng, "upn")},
               {"displayName", random_string_or_null(rng, "name \"quoted\" é ")},
               {"mail", random_string_or_null(rng, "mail")},
               {"givenName", random_string_or_null(rng, "given")},
               {"surname", random_string_or_null(rng, "surname")},
               {"jobTitle", random_string_or_null(rng, "job")},
               {"department", random_string_or_null(rng, "dept")},
               {"usageLocation", random_string_or_null(rng, "U")},
               {"assignedLicenses", json::array()},
               {"licenseAssignmentStates", json::array()}};
  if (rng() % 3) user["accountEnabled"] = rng() % 2 == 0;
  if (rng() % 4 == 0) user["accountEnabled"] = nullptr;
  for (unsigned i = 0, n = rng() % 3; i < n; ++i) {
    json plans = json::array();
    for (unsigned p = 0, k = rng() % 3; p < k; ++p) plans.push_back("plan-" + std::to_string(p));
    std::string sku = "sku-" + std::to_string(i);
    user["assignedLicenses"].push_back({{"skuId", sku}, {"disabledPlans", plans}});
    json state = {{"skuId", sku}, {"disabledPlans", plans}};
    if (rng() % 2) state["assignedByGroup"] = rng() % 2 ? json("group-1") : json(nullptr);
    if (rng() % 2) state["state"] = rng() % 2 ? json("Error") : json(nullptr);
    if (rng() % 2) state["error"] = rng() % 2 ? json("CountViolation") : json(nullptr);
    if (rng() % 4 == 0) state["lastUpdatedDateTime"] = "2026-11-01T00:00:00Z";
    user["licenseAssignmentStates"].push_back(state);
  }
  if (rng() % 4 == 0) user["deletedDateTime"] = random_string_or_null(rng, "2026-");
  if (rng() % 4 == 0) {
    user["@odata.type"] = "#microsoft.graph.user";
    user["onPremisesExtensionAttributes"] = {{"a", {1, 2, {{"b", nullptr}}}}, {"c", 1.5}};
  }
  if (delta && rng() % 5 == 0) {
    json reason = rng() % 2 ? json("deleted") : json("changed");
    user = {{"id", user["id"]}, {"@removed", {{"reason", reason}}}};
  }
  return user;
}

json random_page(std::mt19937& rng, bool delta) {
  json page = {{"@odata.context", "https://graph.microsoft.com/v1.0/$metadata#users"},
               {"value", json::array()}};
  for (int i = 0, n = static_cast<int>(rng() % 6); i < n; ++i) {
    page["value"].push_back(random_user(rng, i, delta));
  }
  if (rng() % 2) {
    page["@odata.nextLink"] = "https://graph.microsoft.com/v1.0/users?$skiptoken=x";
  } else {
    page["@odata.deltaLink"] = "https://graph.microsoft.com/v1.0/users/delta?$deltatoken=y";
  }
  return page;
}

// A value of another type than `v`'s, or null, or a missing property.
json other_value(std::mt19937& rng) {
  switch (rng() % 7) {
    case 0:
      return nullptr;
    case 1:
      return 42;
    case 2:
      return true;
    case 3:
      return "text";
    case 4:
      return json::array({"x"});
    case 5:
      return json::object({{"k", 1}});
    default:
      return -1.5;
  }
}

// Replaces one value somewhere in an item (or removes one property).
void mutate(std::mt19937& rng, json& page) {
  if (page["value"].empty()) return;
  json& item = page["value"][rng() % page["value"].size()];
  std::vector<json::json_pointer> pointers;
  const json flat = item.flatten();  // kept: items() of a temporary would dangle
  for (const auto& [path, unused] : flat.items()) {
    json::json_pointer p(path);
    for (; !p.empty(); p = p.parent_pointer()) pointers.push_back(p);
  }
  if (pointers.empty() || rng() % 10 == 0) {
    item = other_value(rng);
    return;
  }
  json::json_pointer target = pointers[rng() % pointers.size()];
  if (rng() % 4 == 0 && !target.empty()) {
    json& parent = item[target.parent_pointer()];
    if (parent.is_object()) {
      parent.erase(target.back());
      return;
    }
  }
  item[target] = other_value(rng);
}

void expect_same(const json& page, bool delta) {
  const std::string text = page.dump();
  DecodedUserPage streamed;
  UserPageFailure failure;
  bool ok = decode_user_page(text, delta, streamed, failure);
  TreeResult tree = decode_with_tree(page, delta);
  ASSERT_EQ(ok, !tree.bad_item) << text << "\n" << failure.detail;
  if (!ok) {
    EXPECT_EQ(failure.kind, UserPageFailure::Kind::BadItem) << text;
    return;
  }
  EXPECT_EQ(streamed.page.users, tree.page.users) << text;
  EXPECT_EQ(streamed.page.removed_soft, tree.page.removed_soft) << text;
  EXPECT_EQ(streamed.page.removed_hard, tree.page.removed_hard) << text;
  EXPECT_EQ(streamed.next_link, page.value("@odata.nextLink", "")) << text;
  EXPECT_EQ(streamed.delta_link, page.value("@odata.deltaLink", "")) << text;
}

TEST(UserPageDecoderTest, GivesWhatTheTreeDecodingGaveOnValidPages) {
  std::mt19937 rng(7);
  for (int i = 0; i < 400; ++i) expect_same(random_page(rng, i % 2 == 0), i % 2 == 0);
}

TEST(UserPageDecoderTest, RefusesWhatTheTreeDecodingRefusedAndAcceptsTheRest) {
  std::mt19937 rng(11);
  int refused = 0;
  for (int i = 0; i < 3000; ++i) {
    const bool delta = i % 2 == 0;
    json page = random_page(rng, delta);
    mutate(rng, page);
    expect_same(page, delta);
    if (HasFatalFailure()) return;
    DecodedUserPage unused;
    UserPageFailure failure;
    refused += decode_user_page(page.dump(), delta, unused, failure) ? 0 : 1;
  }
  // Both outcomes are exercised, not only one.
  EXPECT_GT(refused, 300);
  EXPECT_LT(refused, 2700);
}

TEST(UserPageDecoderTest, NamesTheItemAndThePropertyThatIsWrong) {
  DecodedUserPage out;
  UserPageFailure failure;
  ASSERT_FALSE(decode_user_page(
      R"({"value":[{"id":"a"},{"id":"b","assignedLicenses":[{"skuId":"s","disabledPlans":[7]}]}]})",
      false, out, failure));
  EXPECT_EQ(failure.kind, UserPageFailure::Kind::BadItem);
  EXPECT_EQ(failure.item, 1u);
  EXPECT_EQ(failure.detail, "an entry of disabledPlans is a number, not a string");

  ASSERT_FALSE(
      decode_user_page(R"({"value":[{"id":"a","accountEnabled":"yes"}]})", false, out, failure));
  EXPECT_EQ(failure.detail, "accountEnabled is a string, not a boolean");
  ASSERT_FALSE(decode_user_page(R"({"value":[{"userPrincipalName":"x@y"}]})", false, out, failure));
  EXPECT_EQ(failure.detail, "the user has no id");
}

TEST(UserPageDecoderTest, TextThatIsNotJsonIsSaidSoEvenAfterABadItem) {
  DecodedUserPage out;
  UserPageFailure failure;
  for (const char* text : {"", "<html>", R"({"value":[{"id":1}],)", R"({"value":[]} x)"}) {
    EXPECT_FALSE(decode_user_page(text, false, out, failure)) << text;
    EXPECT_EQ(failure.kind, UserPageFailure::Kind::NotJson) << text;
  }
  for (const char* text : {"null", "[]", R"({"value":{}})", R"({"values":[]})", "3"}) {
    EXPECT_FALSE(decode_user_page(text, false, out, failure)) << text;
    EXPECT_EQ(failure.kind, UserPageFailure::Kind::NoValueArray) << text;
  }
}

// simdjson reads pages first and refuses a few texts nlohmann's parser accepts; those pages
// are decoded all the same, as before simdjson.
TEST(UserPageDecoderTest, AcceptsWhatOnlyTheSlowerParserAccepts) {
  const std::string deep = std::string(2000, '[') + std::string(2000, ']');
  for (const std::string& odd : {std::string("123456789012345678901234567890"),
                                 std::string("-123456789012345678901234567890"), deep}) {
    const std::string text = R"({"value":[{"id":"a","extension":)" + odd +
                             R"(,"displayName":"A"}],"@odata.nextLink":"n"})";
    DecodedUserPage out;
    UserPageFailure failure;
    ASSERT_TRUE(decode_user_page(text, false, out, failure)) << odd.substr(0, 40) << failure.detail;
    ASSERT_EQ(out.page.users.size(), 1u);
    EXPECT_EQ(out.page.users[0].display_name, "A");
    EXPECT_EQ(out.next_link, "n");
  }
}

TEST(UserPageDecoderTest, StringsKeepEveryEscapedCharacter) {
  const char* text =
      R"({"value":[{"id":"a\u0000b","displayName":"Jos\u00e9 \"JJ\" \ud83d\ude00\n"}]})";
  DecodedUserPage out;
  UserPageFailure failure;
  ASSERT_TRUE(decode_user_page(text, false, out, failure)) << failure.detail;
  ASSERT_EQ(out.page.users.size(), 1u);
  EXPECT_EQ(out.page.users[0].id, std::string("a\0b", 3));
  EXPECT_EQ(out.page.users[0].display_name, "Jos\u00e9 \"JJ\" \U0001F600\n");
}

TEST(UserPageDecoderTest, RemovedIsAnOrdinaryPropertyOutsideADeltaRound) {
  const char* text = R"({"value":[{"id":"a","@removed":{"reason":"deleted"}}]})";
  DecodedUserPage out;
  UserPageFailure failure;
  ASSERT_TRUE(decode_user_page(text, /*delta=*/false, out, failure));
  ASSERT_EQ(out.page.users.size(), 1u);
  DecodedUserPage delta;
  ASSERT_TRUE(decode_user_page(text, /*delta=*/true, delta, failure));
  EXPECT_TRUE(delta.page.users.empty());
  EXPECT_EQ(delta.page.removed_hard, std::vector<std::string>{"a"});
}

}  // namespace user_page_decoder_test
}  // namespace tenantsync
