#include "connector/list_page_decoding.h"

namespace tenantsync::list_page {

PageParser::PageParser(std::size_t size) {
  static std::mutex shared_mu;
  static simdjson::dom::parser shared;
  if (size <= kSharedParserBytes) {
    lock_ = std::unique_lock(shared_mu);
    parser_ = &shared;
  } else {
    parser_ = &own_.emplace();
  }
}

std::string kind_of(element value) {
  switch (value.type()) {
    case Type::OBJECT:
      return "an object";
    case Type::ARRAY:
      return "an array";
    case Type::STRING:
      return "a string";
    case Type::INT64:
    case Type::UINT64:
    case Type::DOUBLE:
      return "a number";
    case Type::BOOL:
      return "a boolean";
    case Type::NULL_VALUE:
      return "null";
  }
  return "a value";
}

}  // namespace tenantsync::list_page
