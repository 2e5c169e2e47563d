#include "connector/json_tree.h"

#include <cstdint>
#include <mutex>
#include <string>

#include <simdjson.h>

namespace tenantsync {

namespace {

using nlohmann::json;

json tree_of(simdjson::dom::element value) {
  using Type = simdjson::dom::element_type;
  switch (value.type()) {
    case Type::OBJECT: {
      json out = json::object();
      for (simdjson::dom::key_value_pair field : simdjson::dom::object(value)) {
        out[std::string(field.key)] = tree_of(field.value);  // a repeated key: the last wins
      }
      return out;
    }
    case Type::ARRAY: {
      json out = json::array();
      for (simdjson::dom::element item : simdjson::dom::array(value)) {
        out.push_back(tree_of(item));
      }
      return out;
    }
    case Type::STRING:
      return std::string(std::string_view(value));
    case Type::INT64: {
      std::int64_t n = int64_t(value);
      if (n >= 0) return static_cast<std::uint64_t>(n);  // as nlohmann types it
      return n;
    }
    case Type::UINT64:
      return uint64_t(value);
    case Type::DOUBLE:
      return double(value);
    case Type::BOOL:
      return bool(value);
    case Type::NULL_VALUE:
      return nullptr;
  }
  return nullptr;
}

// One parser for the process, its buffers reused: answers take turns, as user pages do.
bool parse_fast(std::string_view text, json& out) {
  static std::mutex mutex;
  static simdjson::dom::parser parser;
  std::lock_guard lock(mutex);
  simdjson::dom::element root;
  if (parser.parse(text.data(), text.size()).get(root) != simdjson::SUCCESS) return false;
  out = tree_of(root);
  return true;
}

}  // namespace

json parse_json_tree(std::string_view text) {
  json out;
  if (parse_fast(text, out)) return out;
  return json::parse(text, nullptr, /*allow_exceptions=*/false);
}

}  // namespace tenantsync
