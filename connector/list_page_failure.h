// Why a page of a Graph list could not be used, as the list decoders say it
// (list_page_decoding.h; the user page decoder's UserPageFailure says the same).
#pragma once

#include <cstddef>
#include <string>

namespace tenantsync {

struct ListPageFailure {
  enum class Kind { NotJson, NoValueArray, BadItem };
  Kind kind = Kind::NotJson;
  std::size_t item = 0;  // BadItem: its index in "value"
  std::string detail;    // BadItem: what was wrong, naming the property
};

}  // namespace tenantsync
