// split_batch_answer gives each answer of a $batch as a tree would: the last of repeated
// keys, answers without a string id left out, a body absent or null told apart, each
// body the text the answer gave, and the same split from nlohmann's parser for text
// simdjson refuses.
#include "connector/batch_answer.h"

#include <gtest/gtest.h>

#include <string>

#include "connector/json_tree.h"

namespace tenantsync {
namespace batch_answer_test {

using nlohmann::json;

TEST(BatchAnswerTest, SplitsEachAnswerAsATreeWouldHoldIt) {
  const std::string text =
      R"({"responses": [
           {"id": "0", "status": 404, "status": 200, "headers": {"Retry-After": "3"},
            "body": {"value": [{"n": 3.0, "m": 3, "s": "\u00e9"}], "value": []}},
           {"id": 1, "status": 200, "body": {}},
           "not an answer",
           {"id": "2", "status": 200, "body": null},
           {"id": "3", "status": 503}],
          "responses": [{"id": "9", "status": 200, "body": {"value": [1.5, -2, 18446744073709551615]}}]})";
  // The last "responses" is the one a tree keeps.
  auto answers = split_batch_answer(text);
  ASSERT_TRUE(answers.has_value());
  ASSERT_EQ(answers->size(), 1u);
  EXPECT_EQ((*answers)[0].id, "9");
  json body = parse_json_tree(*(*answers)[0].body);
  EXPECT_TRUE(body["value"][0].is_number_float());
  EXPECT_TRUE(body["value"][1].is_number_integer());
  EXPECT_EQ(body["value"][2].get<std::uint64_t>(), 18446744073709551615u);

  std::string first = text.substr(0, text.find("],\n          \"responses\"")) + "]}";
  answers = split_batch_answer(first);
  ASSERT_TRUE(answers.has_value());
  ASSERT_EQ(answers->size(), 3u) << "the answer with a numeric id and the string are left out";
  const BatchAnswer& zero = (*answers)[0];
  EXPECT_EQ(zero.id, "0");
  EXPECT_EQ(zero.status, 200) << "the last status";
  EXPECT_EQ(zero.headers, json({{"Retry-After", "3"}}));
  ASSERT_TRUE(zero.body.has_value());
  EXPECT_EQ(parse_json_tree(*zero.body), json({{"value", json::array()}})) << "the last value";
  // The body's own text, as the answer gave it (not written out again).
  EXPECT_EQ(*zero.body, R"({"value": [{"n": 3.0, "m": 3, "s": "\u00e9"}], "value": []})");
  EXPECT_EQ((*answers)[1].id, "2");
  ASSERT_TRUE((*answers)[1].body.has_value()) << "a null body is a body";
  EXPECT_EQ(*(*answers)[1].body, "null");
  EXPECT_EQ((*answers)[2].id, "3");
  EXPECT_FALSE((*answers)[2].body.has_value());
  EXPECT_TRUE((*answers)[2].headers.is_null());

  // An integer beyond 64 bits: simdjson refuses the text, nlohmann's parser splits it.
  std::string big = first;
  big.insert(1, R"("big": 123456789012345678901234567890, )");
  auto slow = split_batch_answer(big);
  ASSERT_TRUE(slow.has_value());
  ASSERT_EQ(slow->size(), answers->size());
  for (std::size_t i = 0; i < slow->size(); ++i) {
    EXPECT_EQ((*slow)[i].id, (*answers)[i].id);
    EXPECT_EQ((*slow)[i].status, (*answers)[i].status);
    EXPECT_EQ((*slow)[i].headers, (*answers)[i].headers);
    ASSERT_EQ((*slow)[i].body.has_value(), (*answers)[i].body.has_value());
    if ((*slow)[i].body) {
      EXPECT_EQ(parse_json_tree(*(*slow)[i].body), parse_json_tree(*(*answers)[i].body));
    }
  }
}

TEST(BatchAnswerTest, TextThatIsNoBatchAnswerGivesNone) {
  EXPECT_FALSE(split_batch_answer("<html/>").has_value());
  EXPECT_FALSE(split_batch_answer("").has_value());
  EXPECT_FALSE(split_batch_answer("[]").has_value());
  EXPECT_FALSE(split_batch_answer(R"({"responses": {}})").has_value());
  EXPECT_FALSE(split_batch_answer(R"({"value": []})").has_value());
  auto none = split_batch_answer(R"({"responses": []})");
  ASSERT_TRUE(none.has_value());
  EXPECT_TRUE(none->empty());
}

}  // namespace batch_answer_test
}  // namespace tenantsync
