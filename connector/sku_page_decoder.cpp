#include "connector/sku_page_decoder.h"

#include <simdjson.h>

#include <array>
#include <cmath>
#include <cstdint>
#include <optional>
#include <string_view>
#include <utility>

#include <nlohmann/json.hpp>

#include "connector/json_tree.h"

namespace tenantsync {

namespace {

using simdjson::dom::element;
using Type = simdjson::dom::element_type;

// model/sku.cpp's bound on seats and consumed units.
constexpr double kMaxCount = 1'000'000'000;

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

// The last value of each of `names` in `object`: a tree keeps a repeated key's last value.
template <std::size_t N>
std::array<std::optional<element>, N> last_values(simdjson::dom::object object,
                                                  const std::array<std::string_view, N>& names) {
  std::array<std::optional<element>, N> out;
  for (simdjson::dom::key_value_pair field : object) {
    for (std::size_t i = 0; i < N; ++i) {
      if (field.key == names[i]) {
        out[i] = field.value;
        break;
      }
    }
  }
  return out;
}

// One item into a Sku, as from_json would take it; `detail` says what was wrong when a
// step returns false.
class SkuReader {
 public:
  explicit SkuReader(std::string& detail) : detail_(detail) {}

  bool sku(element item, Sku& out) {
    if (item.type() != Type::OBJECT)
      return fail("the item is " + kind_of(item) + ", not an object");
    static constexpr std::array<std::string_view, 8> kNames = {"id",
                                                               "skuId",
                                                               "skuPartNumber",
                                                               "appliesTo",
                                                               "capabilityStatus",
                                                               "consumedUnits",
                                                               "prepaidUnits",
                                                               "servicePlans"};
    auto [id, sku_id, part_number, applies_to, capability, consumed, prepaid, plans] =
        last_values(simdjson::dom::object(item), kNames);
    if (!text(id, "id", false, out.id) || !text(sku_id, "skuId", true, out.sku_id) ||
        !text(part_number, "skuPartNumber", true, out.sku_part_number) ||
        !text(applies_to, "appliesTo", false, out.applies_to) ||
        !text(capability, "capabilityStatus", false, out.capability_status) ||
        !count(consumed, "consumedUnits", out.consumed_units)) {
      return false;
    }
    if (prepaid && !prepaid_units(*prepaid, out.prepaid_units)) return false;
    if (!plans) return true;
    if (plans->type() != Type::ARRAY) {
      return fail("servicePlans is " + kind_of(*plans) + ", not an array");
    }
    std::size_t index = 0;
    for (element plan : simdjson::dom::array(*plans)) {
      if (!service_plan(plan, index++, out.service_plans.emplace_back())) return false;
    }
    return true;
  }

 private:
  // A string property; when absent, `out` keeps its default unless the property is required.
  bool text(const std::optional<element>& value, std::string_view name, bool required,
            std::string& out) {
    if (!value) return !required || fail(std::string(name) + " is missing");
    if (value->type() != Type::STRING) {
      return fail(std::string(name) + " is " + kind_of(*value) + ", not a string");
    }
    out = std::string_view(*value);
    return true;
  }

  // A count: absent or null is 0; otherwise a whole number from 0 to a billion.
  bool count(const std::optional<element>& value, std::string_view name, int& out) {
    out = 0;
    if (!value || value->type() == Type::NULL_VALUE) return true;
    double number = -1;
    switch (value->type()) {
      case Type::INT64:
        number = static_cast<double>(std::int64_t(*value));
        break;
      case Type::UINT64:
        number = static_cast<double>(std::uint64_t(*value));
        break;
      case Type::DOUBLE:
        number = double(*value);
        if (!std::isfinite(number) || std::trunc(number) != number) number = -1;
        break;
      default:
        break;
    }
    if (number < 0 || number > kMaxCount) {
      return fail(std::string(name) + " is not a count from 0 to 1000000000");
    }
    out = static_cast<int>(number);
    return true;
  }

  bool prepaid_units(element value, PrepaidUnits& out) {
    if (value.type() != Type::OBJECT) {
      return fail("prepaidUnits is " + kind_of(value) + ", not an object");
    }
    static constexpr std::array<std::string_view, 4> kNames = {"enabled", "suspended", "warning",
                                                               "lockedOut"};
    auto [enabled, suspended, warning, locked_out] =
        last_values(simdjson::dom::object(value), kNames);
    return count(enabled, "prepaidUnits.enabled", out.enabled) &&
           count(suspended, "prepaidUnits.suspended", out.suspended) &&
           count(warning, "prepaidUnits.warning", out.warning) &&
           count(locked_out, "prepaidUnits.lockedOut", out.locked_out);
  }

  bool service_plan(element value, std::size_t index, ServicePlan& out) {
    // Named only when something is wrong: most pages have dozens of plans.
    auto where = [index] { return "servicePlans[" + std::to_string(index) + "]"; };
    if (value.type() != Type::OBJECT) {
      return fail(where() + " is " + kind_of(value) + ", not an object");
    }
    static constexpr std::array<std::string_view, 4> kNames = {"servicePlanId", "servicePlanName",
                                                               "provisioningStatus", "appliesTo"};
    auto [id, name, status, applies_to] = last_values(simdjson::dom::object(value), kNames);
    if (text(id, "servicePlanId", true, out.service_plan_id) &&
        text(name, "servicePlanName", false, out.service_plan_name) &&
        text(status, "provisioningStatus", false, out.provisioning_status) &&
        text(applies_to, "appliesTo", false, out.applies_to)) {
      return true;
    }
    return fail(where() + "." + detail_);
  }

  bool fail(std::string detail) {
    detail_ = std::move(detail);
    return false;
  }

  std::string& detail_;
};

bool refuse(SkuPageFailure& failure, SkuPageFailure::Kind kind, std::size_t item = 0,
            std::string detail = {}) {
  failure.kind = kind;
  failure.item = item;
  failure.detail = std::move(detail);
  return false;
}

// The page through simdjson's parse; false in `parsed` when simdjson refuses the text.
bool decode_fast(const std::string& text, DecodedSkuPage& out, SkuPageFailure& failure,
                 bool& parsed) {
  // A parser per page: SKU pages are a few KB, and a kept one would hold the largest's
  // buffers for the life of the process.
  simdjson::dom::parser parser;
  element root;
  parsed = parser.parse(text).get(root) == simdjson::SUCCESS;
  if (!parsed) return false;
  if (root.type() != Type::OBJECT) return refuse(failure, SkuPageFailure::Kind::NoValueArray);
  static constexpr std::array<std::string_view, 2> kNames = {"value", "@odata.nextLink"};
  auto [value, next_link] = last_values(simdjson::dom::object(root), kNames);
  if (!value || value->type() != Type::ARRAY) {
    return refuse(failure, SkuPageFailure::Kind::NoValueArray);
  }
  if (next_link && next_link->type() == Type::STRING) out.next_link = std::string_view(*next_link);
  std::string detail;
  SkuReader reader(detail);
  std::size_t index = 0;
  for (element item : simdjson::dom::array(*value)) {
    if (!reader.sku(item, out.skus.emplace_back())) {
      return refuse(failure, SkuPageFailure::Kind::BadItem, index, std::move(detail));
    }
    ++index;
  }
  return true;
}

// What simdjson refuses, decoded through the tree (whose parse falls back to nlohmann's).
bool decode_through_tree(const std::string& text, DecodedSkuPage& out, SkuPageFailure& failure) {
  nlohmann::json page = parse_json_tree(text);
  if (page.is_discarded()) return refuse(failure, SkuPageFailure::Kind::NotJson);
  auto value = page.is_object() ? page.find("value") : page.end();
  if (value == page.end() || !value->is_array()) {
    return refuse(failure, SkuPageFailure::Kind::NoValueArray);
  }
  auto next = page.find("@odata.nextLink");
  if (next != page.end() && next->is_string()) out.next_link = next->get<std::string>();
  std::size_t index = 0;
  try {
    for (const auto& item : *value) {
      out.skus.push_back(item.get<Sku>());
      ++index;
    }
  } catch (const nlohmann::json::exception& e) {
    return refuse(failure, SkuPageFailure::Kind::BadItem, index, e.what());
  }
  return true;
}

}  // namespace

bool decode_sku_page(const std::string& text, DecodedSkuPage& out, SkuPageFailure& failure) {
  bool parsed = false;
  if (decode_fast(text, out, failure, parsed)) return true;
  if (parsed) return false;
  out = DecodedSkuPage{};
  return decode_through_tree(text, out, failure);
}

}  // namespace tenantsync
