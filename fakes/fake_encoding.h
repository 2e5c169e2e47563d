// Text helpers for the wire formats the fake speaks: percent-encoding, query strings and
// form bodies, base64url, case-insensitive comparison.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tenantsync::fake {

std::string to_lower(std::string_view s);
bool iequals(std::string_view a, std::string_view b);
bool starts_with_icase(std::string_view s, std::string_view prefix);

// Decodes %XX escapes; with `plus_as_space` (form bodies) '+' becomes ' '. Invalid escapes
// are kept literally.
std::string percent_decode(std::string_view s, bool plus_as_space = false);
// Encodes everything but unreserved characters (A-Z a-z 0-9 - . _ ~) and the characters
// in `keep`.
std::string percent_encode(std::string_view s, std::string_view keep = "");

// Splits "a=1&b=2" into decoded pairs, in order. OData query strings keep '+' literal;
// application/x-www-form-urlencoded bodies (form = true) decode it as a space.
std::vector<std::pair<std::string, std::string>> parse_query(std::string_view query,
                                                             bool form = false);

std::vector<std::string> split(std::string_view s, char sep);
std::string trim(std::string_view s);

std::string base64url_encode(std::string_view bytes);
std::optional<std::string> base64url_decode(std::string_view text);

}  // namespace tenantsync::fake
