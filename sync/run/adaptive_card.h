// A notification as a Teams Workflows message: the body that the Teams workflow "Post to
// a channel when a webhook request is received" accepts, one Adaptive Card attachment:
//   {"type":"message","attachments":[{"contentType":"application/vnd.microsoft.card.adaptive",
//     "contentUrl":null,"content":{"$schema":...,"type":"AdaptiveCard","version":"1.4",...}}]}
// Workflows accept Adaptive Cards only (not the retired connectors' MessageCard). Teams
// documents 1.5, but a card the Workflows bot posts shows "this card couldn't be
// displayed" above 1.4 (github.com/microsoft/AdaptiveCards/issues/8965), hence 1.4.
//
// Every string in CardContent is plain text and is shown as such: characters Teams would
// read as markdown are escaped, and line breaks in titles and facts become spaces, so a
// tenant named "**x** [y](z)" shows exactly that. Links become Action.OpenUrl buttons.
// Empty parts are left out: a section with no facts has no FactSet, no links no actions.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace tenantsync {

inline constexpr const char* kAdaptiveCardVersion = "1.4";

struct CardFacts {
  std::string title;
  std::vector<std::pair<std::string, std::string>> facts;  // title, value
};

struct CardContent {
  std::string title;
  std::string text;  // may hold several lines
  std::vector<CardFacts> sections;
  std::vector<std::pair<std::string, std::string>> links;  // title, url
};

nlohmann::json teams_workflow_message(const CardContent& content);

// `text` with markdown escaped (and, unless keep_lines, line breaks as spaces).
std::string card_plain_text(std::string_view text, bool keep_lines = false);

}  // namespace tenantsync
