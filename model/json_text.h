// JSON text of a value built from data tenantsync did not check as UTF-8 (strings read
// back from the cache, whose bytes may have been damaged): invalid UTF-8 is replaced by
// U+FFFD instead of throwing, so no cached byte sequence can abort a command's output.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace tenantsync {

// As value.dump(indent), with invalid UTF-8 replaced; never throws.
std::string dump_json(const nlohmann::json& value, int indent = -1);
std::string dump_json(const nlohmann::ordered_json& value, int indent = -1);

}  // namespace tenantsync
