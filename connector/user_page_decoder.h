// Decodes one page of users (/users, /users/delta, deleted users) from the response text
// straight into the mirror's rows: simdjson parses the page onto its tape (no JSON tree of
// nlohmann's: the tree was a third of the mirror's CPU, mostly malloc and free; its lexer
// then a fifth, issue #19), and the values are read into users in document order as
// nlohmann's SAX interface would hand them over. Text simdjson refuses is parsed again by
// nlohmann's SAX parser, so what is accepted and refused is nlohmann's rule.
//
// It accepts and refuses exactly what decoding the tree with model/user.cpp's from_json
// did: null strings are "", null usageLocation and deletedDateTime are unset, a missing
// or non-string id, a license without skuId or a value of the wrong type fails the page
// naming the item. Unknown properties are skipped. The page fails as "not JSON" when the
// text is not JSON anywhere, even after a bad item, as the tree's parse did.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "sync/directory.h"

namespace tenantsync {

struct DecodedUserPage {
  UserPage page;           // on a delta page also the removed ids
  std::string next_link;   // @odata.nextLink; "" when absent
  std::string delta_link;  // @odata.deltaLink; "" when absent
};

struct UserPageFailure {
  enum class Kind { NotJson, NoValueArray, BadItem };
  Kind kind = Kind::NotJson;
  std::size_t item = 0;  // BadItem: its index in "value"
  std::string detail;    // BadItem: what was wrong, naming the property
};

// `delta`: items with "@removed" are removed ids (reason "deleted": hard, anything else:
// soft); otherwise "@removed" is an unknown property like any other.
// Returns false and fills `failure` when the page cannot be used. `text` is parsed in place
// when its capacity leaves kBodyReadPadding bytes past its end (a transport's bodies do),
// otherwise from a copy.
bool decode_user_page(const std::string& text, bool delta, DecodedUserPage& out,
                      UserPageFailure& failure);

}  // namespace tenantsync
