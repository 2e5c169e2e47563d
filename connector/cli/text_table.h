// Plain-text tables of the CLI's text output: columns as wide as their widest cell (in
// code points), two spaces apart, and cells made terminal-safe and cut with "..." past a
// maximum, so a long UPN or a hostile display name cannot misalign or garble the table.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace tenantsync {

// `text` with control characters as '?' and, past `max` code points, cut to end in "...".
std::string cell(const std::string& text, size_t max);

// Code points in UTF-8 `text`.
size_t display_width(const std::string& text);

// The rows (the first is the header), one line each, columns padded to their widest cell;
// the last column is not padded.
std::string render_table(const std::vector<std::vector<std::string>>& rows);

}  // namespace tenantsync
