// Fuzzes parse_json_tree, the parser of every Graph answer that is not a page of users:
// simdjson parses, nlohmann takes what simdjson refuses. On every input it must give what
// nlohmann's parser alone gives: the same verdict, and the same tree, types included
// (nlohmann's == calls 5 and 5.0 equal, so the dump of each is compared too).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include <nlohmann/json.hpp>

#include "connector/json_tree.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  nlohmann::json ours = tenantsync::parse_json_tree(text);
  nlohmann::json theirs = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (ours.is_discarded() != theirs.is_discarded()) std::abort();
  if (ours.is_discarded()) return 0;
  if (ours != theirs) std::abort();
  if (ours.dump() != theirs.dump()) std::abort();
  return 0;
}
