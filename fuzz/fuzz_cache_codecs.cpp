// Fuzzes how the cache reads back what a user's row holds, text that a damaged file or
// another tool may have changed: a list of plan ids (decode_plan_list) and a user's
// license columns (decode_assigned_licenses, decode_license_states). Each reads plain text
// itself and hands anything else to the JSON parser: it must agree with that parser alone
// on every input (same refusal, same values), and whatever it accepts must encode back to
// the same values.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "sync/store/cache_codec.h"
#include "sync/store/license_columns.h"

namespace {

using nlohmann::json;

bool strings_of(const json& j, std::vector<std::string>& out) {
  if (!j.is_array()) return false;
  for (const auto& e : j) {
    if (!e.is_string()) return false;
    out.push_back(e.get<std::string>());
  }
  return true;
}

// The list as nlohmann alone reads it, or false when it refuses.
bool parse_with_json(std::string_view text, std::vector<std::string>& out) {
  if (text.empty()) return true;  // an empty column is an empty list
  auto j = json::parse(text, nullptr, false);
  return !j.is_discarded() && strings_of(j, out);
}

// The columns' rows as nlohmann alone reads them: arrays of `width` elements.
std::optional<json> rows_with_json(std::string_view text, size_t width) {
  auto j = json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_array()) return std::nullopt;
  for (const auto& row : j) {
    if (!row.is_array() || row.size() != width) return std::nullopt;
  }
  return j;
}

std::optional<std::vector<tenantsync::AssignedLicense>> assigned_with_json(std::string_view text) {
  auto rows = rows_with_json(text, 2);
  if (!rows) return std::nullopt;
  std::vector<tenantsync::AssignedLicense> out;
  for (const auto& row : *rows) {
    auto& l = out.emplace_back();
    if (!row[0].is_string() || !strings_of(row[1], l.disabled_plans)) return std::nullopt;
    l.sku_id = row[0].get<std::string>();
  }
  return out;
}

std::optional<std::vector<tenantsync::LicenseAssignmentState>> states_with_json(
    std::string_view text) {
  auto rows = rows_with_json(text, 5);
  if (!rows) return std::nullopt;
  std::vector<tenantsync::LicenseAssignmentState> out;
  for (const auto& row : *rows) {
    auto& s = out.emplace_back();
    if (!row[0].is_string() || !(row[1].is_string() || row[1].is_null()) ||
        !strings_of(row[2], s.disabled_plans) || !row[3].is_string() || !row[4].is_string()) {
      return std::nullopt;
    }
    s.sku_id = row[0].get<std::string>();
    if (row[1].is_string()) s.assigned_by_group = row[1].get<std::string>();
    s.state = row[3].get<std::string>();
    s.error = row[4].get<std::string>();
  }
  return out;
}

// `decoded` agrees with `expected`, and re-encodes to itself.
template <typename Decoded, typename Expected, typename Encode, typename Decode>
void check(const Decoded& decoded, const Expected& expected, Encode encode, Decode decode) {
  if (decoded.ok() != expected.has_value()) std::abort();
  if (!decoded.ok()) return;
  if (*decoded != *expected) std::abort();
  auto again = decode(encode(*decoded));
  if (!again.ok() || *again != *decoded) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace tenantsync;
  std::string_view text(reinterpret_cast<const char*>(data), size);

  std::vector<std::string> plans;
  std::optional<std::vector<std::string>> expected_plans;
  if (parse_with_json(text, plans)) expected_plans = std::move(plans);
  check(decode_plan_list(text), expected_plans, encode_plan_list, decode_plan_list);

  check(decode_assigned_licenses(text), assigned_with_json(text), encode_assigned_licenses,
        decode_assigned_licenses);
  check(decode_license_states(text), states_with_json(text), encode_license_states,
        decode_license_states);
  return 0;
}
