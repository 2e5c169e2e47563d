// ISO 3166-1 alpha-2 country codes: what Graph takes as a user's usageLocation.
#pragma once

#include <string>
#include <string_view>

namespace tenantsync {

// True for an assigned ISO 3166-1 alpha-2 code (and XK, Kosovo), upper case only.
bool is_country_code(std::string_view code);

// Why `code` (already upper case) is not a usage location, or "" when it is one:
// "\"UK\" is not an ISO 3166 code; the United Kingdom is GB".
std::string country_code_problem(std::string_view code);

}  // namespace tenantsync
