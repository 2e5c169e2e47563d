// ASCII case folding for the names admins type that are ASCII by rule or by habit: user
// principal names, domains, SKU part numbers, service plan names and ids, usage locations.
//
// Directory names compare case-insensitively ("Alice@Contoso.com" is alice@contoso.com);
// these fold ASCII letters only and compare every other byte exactly. Free text in any
// script (departments, job titles) compares through unicode_case.h. Pure functions.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace tenantsync {

std::string ascii_lower(std::string_view text);
std::string ascii_upper(std::string_view text);
bool iequals(std::string_view a, std::string_view b);
bool iends_with(std::string_view text, std::string_view suffix);
// Lexicographic order of the ASCII-lower-cased texts, then byte order, so different
// spellings of one name still sort deterministically.
bool iless(std::string_view a, std::string_view b);
// Hash and equality ignoring ASCII case, for maps that any spelling of a name finds with no
// folded copy made per lookup (heterogeneous lookup by std::string_view).
struct IHash {
  using is_transparent = void;
  size_t operator()(std::string_view text) const;
};
struct IEqual {
  using is_transparent = void;
  bool operator()(std::string_view a, std::string_view b) const { return iequals(a, b); }
};
template <typename Value>
using IMap = std::unordered_map<std::string, Value, IHash, IEqual>;

// `text` without the ASCII white space (space, tab, CR, LF, FF, VT) at either end.
std::string_view trim_blanks(std::string_view text);
// The parts of `text` between any of the `separators`, each trimmed as trim_blanks does;
// empty parts are kept (callers refuse or skip them).
std::vector<std::string_view> split_trimmed(std::string_view text, std::string_view separators);

}  // namespace tenantsync
