#include "connector/sku_page_decoder.h"

#include <array>
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "connector/list_page_decoding.h"

namespace tenantsync {

namespace {

using list_page::element;
using list_page::kind_of;
using list_page::last_values;
using list_page::Type;

// model/sku.cpp's bound on seats and consumed units.
constexpr double kMaxCount = 1'000'000'000;

// One item into a Sku, as from_json would take it; `detail` says what was wrong when a
// step returns false.
class SkuReader : public list_page::ItemReader {
 public:
  using ItemReader::ItemReader;

  bool item(element item, Sku& out) {
    if (!is_object(item)) return false;
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
    // Room for the plans at once (simdjson knows an array's size), not grown by doubling.
    out.service_plans.reserve(simdjson::dom::array(*plans).size());
    std::size_t index = 0;
    for (element plan : simdjson::dom::array(*plans)) {
      if (!service_plan(plan, index++, out.service_plans.emplace_back())) return false;
    }
    return true;
  }

 private:
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
};

}  // namespace

bool decode_sku_page(const std::string& text, DecodedSkuPage& out, SkuPageFailure& failure) {
  return list_page::decode(text, out.skus, out.next_link, failure,
                           [](std::string& detail) { return SkuReader(detail); });
}

}  // namespace tenantsync
