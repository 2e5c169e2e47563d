// Fuzzes how the cache reads back a license row's list of disabled plans, text that a
// damaged file or another tool may have changed. decode_plan_list reads plain lists itself
// and hands anything else to the JSON parser: it must agree with that parser on every
// input (same refusal, same ids), and whatever it accepts must encode back to the same ids.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "sync/store/cache_codec.h"

namespace {

// The list as nlohmann alone reads it, or false when it refuses.
bool parse_with_json(std::string_view text, std::vector<std::string>& out) {
  if (text.empty()) return true;  // an empty column is an empty list
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_array()) return false;
  for (const auto& e : j) {
    if (!e.is_string()) return false;
    out.push_back(e.get<std::string>());
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto decoded = tenantsync::decode_plan_list(text);
  std::vector<std::string> expected;
  bool accepted = parse_with_json(text, expected);
  if (decoded.ok() != accepted) std::abort();
  if (!decoded.ok()) return 0;
  if (*decoded != expected) std::abort();
  auto again = tenantsync::decode_plan_list(tenantsync::encode_plan_list(*decoded));
  if (!again.ok() || *again != *decoded) std::abort();
  return 0;
}
