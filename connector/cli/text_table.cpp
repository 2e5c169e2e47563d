#include "connector/cli/text_table.h"

#include <algorithm>

namespace tenantsync {

std::string cell(const std::string& text, size_t max) {
  std::string safe;
  size_t points = 0, cut = std::string::npos;
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    if ((u & 0xC0) != 0x80) {
      if (points == max - 3) cut = safe.size();
      ++points;
    }
    safe += (u < 0x20 || u == 0x7f) ? '?' : c;
  }
  return points > max ? safe.substr(0, cut) + "..." : safe;
}

size_t display_width(const std::string& text) {
  size_t n = 0;
  for (char c : text) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80 ? 1 : 0;
  return n;
}

std::string render_table(const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> widths;
  for (const auto& row : rows) {
    if (widths.size() < row.size()) widths.resize(row.size(), 0);
    for (size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], display_width(row[i]));
  }
  std::string out;
  for (const auto& row : rows) {
    for (size_t i = 0; i < row.size(); ++i) {
      out += row[i];
      if (i + 1 < row.size()) out += std::string(widths[i] - display_width(row[i]) + 2, ' ');
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();  // an empty last cell
    out += "\n";
  }
  return out;
}

}  // namespace tenantsync
