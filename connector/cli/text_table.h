// Plain-text tables of the CLI's text output: each column as wide as its widest cell on
// the rows shown (not a fixed printf width), two spaces apart, so a long UPN never pushes
// the next column out of line; a cell wider than its column's maximum is cut to it,
// ending in "...". Widths count UTF-8 characters, not bytes, so a non-ASCII display name
// lines up too. The last column is never padded. Not thread-safe; build, then render.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace tenantsync {

class TextTable {
 public:
  struct Column {
    std::string title;
    size_t max_width = 32;  // cells wider than this are cut, ending in "..."
  };

  explicit TextTable(std::vector<Column> columns) : columns_(std::move(columns)) {}

  // One cell per column; missing cells are empty, extra ones ignored. The last column's
  // cells are never cut.
  void add_row(std::vector<std::string> cells);

  // The header and the rows, two spaces between columns, trailing blanks trimmed.
  std::string render() const;

 private:
  std::vector<Column> columns_;
  std::vector<std::vector<std::string>> rows_;
};

// The rows as they are (the first is the header; cut cells with cell() first), one line
// each, columns padded to their widest cell, trailing blanks trimmed.
std::string render_table(const std::vector<std::vector<std::string>>& rows);

// `text` cut to at most `max_width` terminal columns (sync/display_width.h: a CJK
// character takes two), the last three being "..." when cut.
std::string fit_width(const std::string& text, size_t max_width);

// `text` made terminal-safe (control characters as '?') and cut with fit_width(): for
// cells that come from the service or a file (a display name could hold an escape).
std::string cell(const std::string& text, size_t max_width);

}  // namespace tenantsync
