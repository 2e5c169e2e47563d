// How many terminal columns UTF-8 text takes, so text tables line up whatever script the
// names are written in: East Asian wide and fullwidth characters (Japanese, Chinese,
// Korean names) and emoji take two, combining marks and zero-width characters none, the
// rest one. A byte that is not valid UTF-8 counts as one column.
#pragma once

#include <cstddef>
#include <string_view>

namespace tenantsync {

// Columns `text` takes on a terminal.
std::size_t display_width(std::string_view text);

// The length in bytes of the longest start of `text` that fits in `columns`, never cutting
// a character or parting a combining mark from the character before it.
std::size_t display_prefix(std::string_view text, std::size_t columns);

}  // namespace tenantsync
