// Text that stands in a JSON string as it is and reads back as itself: printable ASCII
// (0x20-0x7e) with no quote and no backslash. Ids, states and most names are such text,
// so writers copy it without escaping and readers take it without unescaping, leaving
// anything else to the JSON library's rules.
//
// Pure; safe from any thread.
#pragma once

#include <string_view>

namespace tenantsync {

// Eight bytes a step: it runs over every id a page or a cached row holds.
bool is_plain_json_text(std::string_view text);

}  // namespace tenantsync
