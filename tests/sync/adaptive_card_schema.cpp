#include "tests/sync/adaptive_card_schema.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

namespace tenantsync::test {

namespace {

using nlohmann::json;

enum class Kind {
  String,
  Bool,
  Number,
  StringOrNumber,
  Enum,
  Elements,   // array of elements
  Columns,    // array of Column
  Facts,      // array of Fact
  Actions,    // array of actions
  StringMap,  // object of strings (requires)
  Fallback,   // "drop" or an element
};

struct Property {
  Kind kind;
  int since = 0;  // minor version: 2 means 1.2
  std::vector<std::string> values = {};
};

struct TypeRule {
  std::map<std::string, Property> properties;
  std::set<std::string> required;
  int since = 0;
};

const std::vector<std::string> kSpacing = {"default", "none",       "small",  "medium",
                                           "large",   "extraLarge", "padding"};
const std::vector<std::string> kContainerStyle = {"default",   "emphasis", "good",
                                                  "attention", "warning",  "accent"};
const std::vector<std::string> kHorizontal = {"left", "center", "right"};
const std::vector<std::string> kVertical = {"top", "center", "bottom"};

// Extendable.Element: what every element may carry.
std::map<std::string, Property> element_common() {
  return {{"type", {Kind::String}},
          {"fallback", {Kind::Fallback, 2}},
          {"height", {Kind::Enum, 1, {"auto", "stretch"}}},
          {"separator", {Kind::Bool}},
          {"spacing", {Kind::Enum, 0, kSpacing}},
          {"id", {Kind::String}},
          {"isVisible", {Kind::Bool, 2}},
          {"requires", {Kind::StringMap, 2}}};
}

TypeRule with_common(std::map<std::string, Property> own, std::set<std::string> required) {
  auto all = element_common();
  for (auto& [name, p] : own) all[name] = p;
  return {all, required};
}

const std::map<std::string, TypeRule>& element_rules() {
  static const std::map<std::string, TypeRule> rules = {
      {"TextBlock",
       with_common(
           {{"text", {Kind::String}},
            {"color",
             {Kind::Enum,
              0,
              {"default", "dark", "light", "accent", "good", "warning", "attention"}}},
            {"fontType", {Kind::Enum, 2, {"default", "monospace"}}},
            {"horizontalAlignment", {Kind::Enum, 0, kHorizontal}},
            {"isSubtle", {Kind::Bool}},
            {"maxLines", {Kind::Number}},
            {"size", {Kind::Enum, 0, {"default", "small", "medium", "large", "extraLarge"}}},
            {"weight", {Kind::Enum, 0, {"default", "lighter", "bolder"}}},
            {"wrap", {Kind::Bool}}},
           {"text"})},
      {"FactSet", with_common({{"facts", {Kind::Facts}}}, {"facts"})},
      {"Container", with_common({{"items", {Kind::Elements}},
                                 {"style", {Kind::Enum, 0, kContainerStyle}},
                                 {"verticalContentAlignment", {Kind::Enum, 1, kVertical}},
                                 {"bleed", {Kind::Bool, 2}},
                                 {"minHeight", {Kind::String, 2}}},
                                {"items"})},
      {"ColumnSet", with_common({{"columns", {Kind::Columns}},
                                 {"style", {Kind::Enum, 2, kContainerStyle}},
                                 {"bleed", {Kind::Bool, 2}},
                                 {"minHeight", {Kind::String, 2}},
                                 {"horizontalAlignment", {Kind::Enum, 0, kHorizontal}}},
                                {})},
  };
  return rules;
}

// Column is no element of its own: it only appears in ColumnSet.columns.
const TypeRule& column_rule() {
  static const TypeRule rule = {{{"type", {Kind::String}},
                                 {"items", {Kind::Elements}},
                                 {"bleed", {Kind::Bool, 2}},
                                 {"fallback", {Kind::Fallback, 2}},
                                 {"minHeight", {Kind::String, 2}},
                                 {"separator", {Kind::Bool}},
                                 {"spacing", {Kind::Enum, 0, kSpacing}},
                                 {"style", {Kind::Enum, 0, kContainerStyle}},
                                 {"verticalContentAlignment", {Kind::Enum, 1, kVertical}},
                                 {"width", {Kind::StringOrNumber}},
                                 {"id", {Kind::String}},
                                 {"isVisible", {Kind::Bool, 2}},
                                 {"requires", {Kind::StringMap, 2}}},
                                {}};
  return rule;
}

const TypeRule& fact_rule() {
  static const TypeRule rule = {
      {{"type", {Kind::String}}, {"title", {Kind::String}}, {"value", {Kind::String}}},
      {"title", "value"}};
  return rule;
}

const std::map<std::string, TypeRule>& action_rules() {
  static const std::map<std::string, TypeRule> rules = {
      {"Action.OpenUrl",
       {{{"type", {Kind::String}},
         {"url", {Kind::String}},
         {"title", {Kind::String}},
         {"iconUrl", {Kind::String, 1}},
         {"style", {Kind::Enum, 2, {"default", "positive", "destructive"}}},
         {"requires", {Kind::StringMap, 2}}},
        {"url"}}},
  };
  return rules;
}

const TypeRule& card_rule() {
  static const TypeRule rule = {{{"type", {Kind::String}},
                                 {"version", {Kind::String}},
                                 {"$schema", {Kind::String}},
                                 {"body", {Kind::Elements}},
                                 {"actions", {Kind::Actions}},
                                 {"fallbackText", {Kind::String}},
                                 {"minHeight", {Kind::String, 2}},
                                 {"speak", {Kind::String}},
                                 {"lang", {Kind::String}},
                                 {"verticalContentAlignment", {Kind::Enum, 1, kVertical}}},
                                {"type", "version"}};
  return rule;
}

bool same_without_case(const std::string& a, const std::string& b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

class Checker {
 public:
  explicit Checker(int minor) : minor_(minor) {}
  std::vector<std::string> problems;

  void object(const json& value, const TypeRule& rule, const std::string& path) {
    if (!value.is_object()) return fail(path, "expected an object");
    for (const auto& name : rule.required) {
      if (!value.contains(name)) fail(path, "missing required property \"" + name + "\"");
    }
    for (const auto& [name, v] : value.items()) {
      auto found = rule.properties.find(name);
      if (found == rule.properties.end()) {
        fail(path, "unknown property \"" + name + "\"");
      } else if (found->second.since > minor_) {
        fail(path, "\"" + name + "\" needs version 1." + std::to_string(found->second.since));
      } else {
        property(v, found->second, path + "." + name);
      }
    }
  }

  void element(const json& value, const std::string& path) {
    std::string type = value.is_object() ? value.value("type", "") : "";
    auto found = element_rules().find(type);
    if (found == element_rules().end()) return fail(path, "unknown element type \"" + type + "\"");
    object(value, found->second, path + "(" + type + ")");
  }

  void action(const json& value, const std::string& path) {
    std::string type = value.is_object() ? value.value("type", "") : "";
    auto found = action_rules().find(type);
    if (found == action_rules().end()) return fail(path, "unknown action type \"" + type + "\"");
    object(value, found->second, path + "(" + type + ")");
  }

 private:
  void fail(const std::string& path, const std::string& problem) {
    problems.push_back(path + ": " + problem);
  }

  template <typename Each>
  void array(const json& value, const std::string& path, Each each) {
    if (!value.is_array()) return fail(path, "expected an array");
    for (size_t i = 0; i < value.size(); ++i) each(value[i], path + "[" + std::to_string(i) + "]");
  }

  void property(const json& value, const Property& p, const std::string& path) {
    switch (p.kind) {
      case Kind::String:
        if (!value.is_string()) fail(path, "expected a string");
        break;
      case Kind::Bool:
        if (!value.is_boolean()) fail(path, "expected true or false");
        break;
      case Kind::Number:
        if (!value.is_number()) fail(path, "expected a number");
        break;
      case Kind::StringOrNumber:
        if (!value.is_string() && !value.is_number()) fail(path, "expected a string or number");
        break;
      case Kind::Enum: {
        bool known = value.is_string() &&
                     std::any_of(p.values.begin(), p.values.end(), [&](const std::string& v) {
                       return same_without_case(v, value.get<std::string>());
                     });
        if (!known) fail(path, "not one of the allowed values: " + value.dump());
        break;
      }
      case Kind::Elements:
        array(value, path, [&](const json& e, const std::string& at) { element(e, at); });
        break;
      case Kind::Columns:
        array(value, path, [&](const json& c, const std::string& at) {
          if (!c.is_object() || c.value("type", "Column") != "Column") {
            return fail(at, "expected a Column");
          }
          object(c, column_rule(), at + "(Column)");
        });
        break;
      case Kind::Facts:
        array(value, path, [&](const json& f, const std::string& at) {
          if (f.is_object() && f.value("type", "Fact") != "Fact")
            return fail(at, "expected a Fact");
          object(f, fact_rule(), at);
        });
        break;
      case Kind::Actions:
        array(value, path, [&](const json& a, const std::string& at) { action(a, at); });
        break;
      case Kind::StringMap:
        if (!value.is_object()) return fail(path, "expected an object");
        for (const auto& [k, v] : value.items()) {
          if (!v.is_string()) fail(path + "." + k, "expected a string");
        }
        break;
      case Kind::Fallback:
        if (value.is_string()) {
          if (!same_without_case(value.get<std::string>(), "drop")) fail(path, "expected \"drop\"");
        } else {
          element(value, path);
        }
        break;
    }
  }

  int minor_;
};

}  // namespace

std::vector<std::string> adaptive_card_violations(const json& card) {
  if (!card.is_object()) return {"card: expected an object"};
  if (card.value("type", "") != "AdaptiveCard") return {"card: type must be \"AdaptiveCard\""};
  static const std::map<std::string, int> known = {
      {"1.0", 0}, {"1.1", 1}, {"1.2", 2}, {"1.3", 3}, {"1.4", 4}};
  auto version = known.find(card.value("version", ""));
  if (version == known.end()) return {"card: version missing or not one of 1.0 to 1.4"};
  Checker checker(version->second);
  checker.object(card, card_rule(), "card");
  return checker.problems;
}

std::vector<std::string> workflow_message_violations(const json& message) {
  std::vector<std::string> problems;
  auto fail = [&](const std::string& p) { problems.push_back(p); };
  if (!message.is_object()) return {"message: expected an object"};
  for (const auto& [name, v] : message.items()) {
    if (name != "type" && name != "attachments") fail("message: unknown property \"" + name + "\"");
  }
  if (message.value("type", "") != "message") fail("message: type must be \"message\"");
  const json* attachments = message.contains("attachments") ? &message["attachments"] : nullptr;
  if (!attachments || !attachments->is_array() || attachments->size() != 1) {
    fail("message.attachments: expected exactly one attachment");
    return problems;
  }
  const json& a = (*attachments)[0];
  if (!a.is_object()) return {"message.attachments[0]: expected an object"};
  for (const auto& [name, v] : a.items()) {
    if (name != "contentType" && name != "contentUrl" && name != "content") {
      fail("message.attachments[0]: unknown property \"" + name + "\"");
    }
  }
  if (a.value("contentType", "") != "application/vnd.microsoft.card.adaptive") {
    fail("message.attachments[0].contentType: expected application/vnd.microsoft.card.adaptive");
  }
  if (!a.contains("contentUrl") || !a["contentUrl"].is_null()) {
    fail("message.attachments[0].contentUrl: expected null");
  }
  auto card = adaptive_card_violations(a.contains("content") ? a["content"] : json());
  problems.insert(problems.end(), card.begin(), card.end());
  return problems;
}

}  // namespace tenantsync::test
