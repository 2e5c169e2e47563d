// "sha256:<64 lower-case hex digits>" of a text: the form of the fingerprints a plan
// carries (the mirror state's, a tenant's desired state's).
#pragma once

#include <string>
#include <string_view>

namespace tenantsync {

std::string sha256_text(std::string_view text);

}  // namespace tenantsync
