#include "sync/run/adaptive_card.h"

namespace tenantsync {

namespace {

using nlohmann::json;

// Characters that start markdown anywhere in a line (emphasis, code, strike, links).
bool is_inline_markdown(char c) {
  return c == '\\' || c == '*' || c == '_' || c == '`' || c == '~' || c == '[' || c == ']';
}

// The start of `line` would make it a heading, quote or list item: "# ", "> ", "- ",
// "+ ", "1. ", "1) ". Returns where the character to escape is, or npos.
size_t block_marker_at(std::string_view line) {
  size_t at = line.find_first_not_of(' ');
  if (at == std::string_view::npos) return at;
  char c = line[at];
  if (c == '#' || c == '>' || c == '-' || c == '+') return at;
  size_t digits_end = line.find_first_not_of("0123456789", at);
  if (digits_end != at && digits_end != std::string_view::npos &&
      (line[digits_end] == '.' || line[digits_end] == ')')) {
    return digits_end;
  }
  return std::string_view::npos;
}

std::string escape_line(std::string_view line) {
  std::string out;
  size_t marker = block_marker_at(line);
  for (size_t i = 0; i < line.size(); ++i) {
    if (i == marker || is_inline_markdown(line[i])) out += '\\';
    out += line[i];
  }
  return out;
}

json text_block(const std::string& text) {
  return {{"type", "TextBlock"}, {"text", text}, {"wrap", true}};
}

}  // namespace

std::string card_plain_text(std::string_view text, bool keep_lines) {
  // Control characters never belong in a card; a line break only where lines are kept.
  std::string flat;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') continue;
    if (c == '\n' || c == '\r') {
      flat += keep_lines ? '\n' : ' ';
    } else {
      flat += static_cast<unsigned char>(c) < 0x20 || c == 0x7f ? ' ' : c;
    }
  }
  std::string out;
  size_t start = 0;
  while (true) {
    size_t end = flat.find('\n', start);
    out += escape_line(std::string_view(flat).substr(start, end - start));
    if (end == std::string::npos) break;
    out += '\n';
    start = end + 1;
  }
  return out;
}

json teams_workflow_message(const CardContent& content) {
  json body = json::array();
  if (!content.title.empty()) {
    json title = text_block(card_plain_text(content.title));
    title["weight"] = "bolder";
    title["size"] = "medium";
    body.push_back(std::move(title));
  }
  if (!content.text.empty()) body.push_back(text_block(card_plain_text(content.text, true)));
  for (const auto& section : content.sections) {
    if (!section.title.empty()) {
      json heading = text_block(card_plain_text(section.title));
      heading["weight"] = "bolder";
      heading["spacing"] = "medium";
      heading["separator"] = true;
      body.push_back(std::move(heading));
    }
    if (section.facts.empty()) continue;
    json facts = json::array();
    for (const auto& [title, value] : section.facts) {
      facts.push_back({{"title", card_plain_text(title)}, {"value", card_plain_text(value)}});
    }
    body.push_back({{"type", "FactSet"}, {"facts", std::move(facts)}});
  }

  json card = {{"$schema", "http://adaptivecards.io/schemas/adaptive-card.json"},
               {"type", "AdaptiveCard"},
               {"version", kAdaptiveCardVersion},
               {"body", std::move(body)}};
  json actions = json::array();
  for (const auto& [title, url] : content.links) {
    if (url.empty()) continue;
    // Button labels are not markdown: only line breaks need flattening.
    std::string label;
    for (char c : title.empty() ? url : title) {
      label += static_cast<unsigned char>(c) < 0x20 || c == 0x7f ? ' ' : c;
    }
    actions.push_back({{"type", "Action.OpenUrl"}, {"title", label}, {"url", url}});
  }
  if (!actions.empty()) card["actions"] = std::move(actions);

  return {{"type", "message"},
          {"attachments", json::array({{{"contentType", "application/vnd.microsoft.card.adaptive"},
                                        {"contentUrl", nullptr},
                                        {"content", std::move(card)}}})}};
}

}  // namespace tenantsync
