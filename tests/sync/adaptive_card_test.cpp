// Teams Workflows notifications: a message with one Adaptive Card attachment that is valid
// for the schema version it declares, with names shown as text and no empty parts.
#include "sync/run/adaptive_card.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/sync/adaptive_card_schema.h"

namespace tenantsync {
namespace adaptive_card_test {

using nlohmann::json;
using test::adaptive_card_violations;
using test::workflow_message_violations;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Not;

CardContent sample() {
  CardContent c;
  c.title = "tenantsync cycle 7: drift";
  c.text = "2 tenants checked in 3.1 s\n1 with drift";
  c.sections = {{"contoso.onmicrosoft.com", {{"Drift found", "4"}, {"Applied", "3"}}},
                {"fabrikam.onmicrosoft.com", {{"Drift found", "0"}}}};
  c.links = {{"Drift report", "https://reports.example.com/drift-20260101T000000Z.html"}};
  return c;
}

const json& card_of(const json& message) { return message["attachments"][0]["content"]; }

// The text as Teams shows it: backslash escapes removed.
std::string shown(const std::string& text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\\' && i + 1 < text.size()) ++i;
    out += text[i];
  }
  return out;
}

// No markdown character is left unescaped.
bool all_markdown_escaped(const std::string& text) {
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\\') {
      ++i;
    } else if (std::string_view("*_`~[]").find(text[i]) != std::string_view::npos) {
      return false;
    }
  }
  return true;
}

TEST(AdaptiveCardTest, IsAWorkflowsMessageWhoseCardValidatesForItsVersion) {
  json message = teams_workflow_message(sample());

  EXPECT_THAT(workflow_message_violations(message), IsEmpty());
  const json& card = card_of(message);
  EXPECT_EQ(card["version"], "1.4");
  EXPECT_EQ(card["$schema"], "http://adaptivecards.io/schemas/adaptive-card.json");
  const json& body = card["body"];
  ASSERT_EQ(body.size(), 6u);  // title, text, 2 x (heading, facts)
  EXPECT_EQ(body[0]["type"], "TextBlock");
  EXPECT_EQ(body[0]["weight"], "bolder");
  EXPECT_EQ(body[0]["size"], "medium");
  EXPECT_EQ(body[0]["wrap"], true);
  EXPECT_EQ(body[1]["text"], "2 tenants checked in 3.1 s\n1 with drift");
  EXPECT_EQ(body[2]["text"], "contoso.onmicrosoft.com");
  EXPECT_EQ(body[3]["type"], "FactSet");
  EXPECT_EQ(body[3]["facts"][0], (json{{"title", "Drift found"}, {"value", "4"}}));
  EXPECT_EQ(card["actions"][0],
            (json{{"type", "Action.OpenUrl"},
                  {"title", "Drift report"},
                  {"url", "https://reports.example.com/drift-20260101T000000Z.html"}}));
}

TEST(AdaptiveCardTest, TheSchemaCheckerRejectsWhatTheSchemaDoesNot) {
  json good = card_of(teams_workflow_message(sample()));
  ASSERT_THAT(adaptive_card_violations(good), IsEmpty());
  auto broken = [&](auto change) {
    json card = good;
    change(card);
    return adaptive_card_violations(card);
  };
  EXPECT_THAT(broken([](json& c) { c["body"][0]["colour"] = "good"; }), Not(IsEmpty()));
  EXPECT_THAT(broken([](json& c) { c["body"][0]["weight"] = "heavy"; }), Not(IsEmpty()));
  EXPECT_THAT(broken([](json& c) { c["body"][0]["wrap"] = "yes"; }), Not(IsEmpty()));
  EXPECT_THAT(broken([](json& c) { c["body"][0]["style"] = "heading"; }), Not(IsEmpty()));  // 1.5
  EXPECT_THAT(broken([](json& c) { c["body"][0].erase("text"); }), Not(IsEmpty()));
  EXPECT_THAT(broken([](json& c) { c["body"].push_back({{"type", "Bogus"}}); }), Not(IsEmpty()));
  EXPECT_THAT(broken([](json& c) { c["body"][3]["facts"][0].erase("value"); }), Not(IsEmpty()));
  EXPECT_THAT(broken([](json& c) {
                c["body"].push_back({{"type", "Container"}});
              }),
              Not(IsEmpty()));  // items is required
  EXPECT_THAT(broken([](json& c) { c["actions"][0]["type"] = "Action.Submit"; }), Not(IsEmpty()));
  EXPECT_THAT(broken([](json& c) { c["actions"][0].erase("url"); }), Not(IsEmpty()));
  EXPECT_THAT(broken([](json& c) { c["msteams"] = {{"width", "Full"}}; }), Not(IsEmpty()));
  EXPECT_THAT(broken([](json& c) { c["version"] = "1.6"; }), Not(IsEmpty()));
  EXPECT_THAT(broken([](json& c) {
                c["version"] = "1.1";
                c["body"][0]["fontType"] = "monospace";  // since 1.2
              }),
              Not(IsEmpty()));
  EXPECT_THAT(
      broken([](json& c) {
        c["body"].push_back(
            {{"type", "ColumnSet"},
             {"columns", {{{"type", "Column"}, {"width", "auto"}, {"items", json::array()}}}}});
      }),
      IsEmpty());
  json message = teams_workflow_message(sample());
  message["attachments"][0]["contentType"] = "application/vnd.microsoft.card.hero";
  EXPECT_THAT(workflow_message_violations(message), Not(IsEmpty()));
}

TEST(AdaptiveCardTest, NamesWithQuotesLineBreaksAndMarkdownStayText) {
  const std::string name = "Contoso \"R&D\"\n**Admins** [click](https://evil.example) _x_ `y` ~z~";
  const std::string flat = "Contoso \"R&D\" **Admins** [click](https://evil.example) _x_ `y` ~z~";
  CardContent c;
  c.title = "cycle 1: " + name;
  c.sections = {{name, {{name, name}}}};
  json message = teams_workflow_message(c);

  EXPECT_THAT(workflow_message_violations(message), IsEmpty());
  EXPECT_EQ(json::parse(message.dump()), message);  // quotes and line breaks JSON-escaped
  const json& body = card_of(message)["body"];
  ASSERT_EQ(body.size(), 3u);  // the name did not split into more elements
  for (const std::string& text : std::vector<std::string>{
           body[0]["text"].get<std::string>(), body[1]["text"].get<std::string>(),
           body[2]["facts"][0]["title"].get<std::string>(),
           body[2]["facts"][0]["value"].get<std::string>()}) {
    EXPECT_EQ(text.find('\n'), std::string::npos) << text;
    EXPECT_TRUE(all_markdown_escaped(text)) << text;
    EXPECT_THAT(shown(text), ::testing::EndsWith(flat));
  }
}

TEST(AdaptiveCardTest, LinesThatWouldBecomeHeadingsOrListsAreEscaped) {
  EXPECT_EQ(card_plain_text("# not a heading"), "\\# not a heading");
  EXPECT_EQ(card_plain_text("- not a list"), "\\- not a list");
  EXPECT_EQ(card_plain_text("12. not a list"), "12\\. not a list");
  EXPECT_EQ(card_plain_text("> no quote"), "\\> no quote");
  EXPECT_EQ(card_plain_text("a - b # c 1. d"), "a - b # c 1. d");
  EXPECT_EQ(card_plain_text("one\r\n- two\n\tthree", true), "one\n\\- two\n three");
  EXPECT_EQ(card_plain_text("C:\\path"), "C:\\\\path");
}

TEST(AdaptiveCardTest, EmptyPartsAreLeftOut) {
  CardContent c;
  c.title = "tenantsync cycle 2: ok";
  c.sections = {{"contoso.onmicrosoft.com", {}}, {"", {}}};
  c.links = {{"nowhere", ""}};
  json message = teams_workflow_message(c);

  EXPECT_THAT(workflow_message_violations(message), IsEmpty());
  const json& card = card_of(message);
  EXPECT_FALSE(card.contains("actions"));
  std::vector<std::string> texts;
  for (const auto& e : card["body"]) {
    EXPECT_EQ(e["type"], "TextBlock");
    texts.push_back(e["text"]);
  }
  EXPECT_THAT(texts, ElementsAre("tenantsync cycle 2: ok", "contoso.onmicrosoft.com"));
}

}  // namespace adaptive_card_test
}  // namespace tenantsync
