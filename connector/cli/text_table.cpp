#include "connector/cli/text_table.h"

#include <algorithm>

#include "sync/display_width.h"

namespace tenantsync {

std::string fit_width(const std::string& text, size_t max_width) {
  if (display_width(text) <= max_width) return text;
  const std::string ellipsis = "...";
  size_t keep = max_width > ellipsis.size() ? max_width - ellipsis.size() : 0;
  // Cut after `keep` columns, never inside a character.
  return text.substr(0, display_prefix(text, keep)) +
         ellipsis.substr(0, std::min(ellipsis.size(), max_width));
}

std::string cell(const std::string& text, size_t max_width) {
  std::string safe = text;
  for (char& c : safe) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) c = '?';
  }
  return fit_width(safe, max_width);
}

std::string render_table(const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> widths;
  for (const auto& row : rows) {
    if (widths.size() < row.size()) widths.resize(row.size(), 0);
    for (size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], display_width(row[i]));
  }
  std::string out;
  for (const auto& row : rows) {
    std::string text;
    for (size_t i = 0; i < row.size(); ++i) {
      text += row[i];
      if (i + 1 < row.size()) text += std::string(widths[i] - display_width(row[i]) + 2, ' ');
    }
    while (!text.empty() && text.back() == ' ') text.pop_back();
    out += text + "\n";
  }
  return out;
}

void TextTable::add_row(std::vector<std::string> cells) {
  cells.resize(columns_.size());
  rows_.push_back(std::move(cells));
}

std::string TextTable::render() const {
  std::vector<std::vector<std::string>> lines;
  std::vector<std::string> header;
  for (const auto& c : columns_) header.push_back(c.title);
  lines.push_back(std::move(header));
  for (const auto& row : rows_) {
    std::vector<std::string> cut;
    for (size_t i = 0; i < row.size(); ++i) {
      bool last = i + 1 == columns_.size();
      cut.push_back(last ? cell(row[i], std::string::npos) : cell(row[i], columns_[i].max_width));
    }
    lines.push_back(std::move(cut));
  }
  return render_table(lines);
}

}  // namespace tenantsync
