#include "sync/report/drift_json.h"

#include <algorithm>
#include <array>
#include <cstdint>

#include <nlohmann/json.hpp>

namespace tenantsync {

namespace {

using json = nlohmann::json;

// Thrown by the readers below with the JSON path of the bad value; caught once.
struct BadValue {
  std::string path;
  std::string expected;
};

const json& field(const json& j, const char* key, const std::string& path) {
  if (!j.is_object() || !j.contains(key)) throw BadValue{path + "." + key, "a value"};
  return j.at(key);
}

std::string text(const json& j, const char* key, const std::string& path) {
  const json& v = field(j, key, path);
  if (!v.is_string()) throw BadValue{path + "." + key, "a string"};
  return v.get<std::string>();
}

// Seat counts: whole numbers a tenant can have, so totals over any file stay in an int.
int number(const json& j, const char* key, const std::string& path) {
  constexpr std::int64_t kMax = 100'000'000;
  const json& v = field(j, key, path);
  if (!v.is_number_integer() || v.get<std::int64_t>() < 0 || v.get<std::int64_t>() > kMax) {
    throw BadValue{path + "." + key, "a whole number from 0 to 100000000"};
  }
  return static_cast<int>(v.get<std::int64_t>());
}

std::vector<std::string> texts(const json& j, const char* key, const std::string& path) {
  const json& v = field(j, key, path);
  std::vector<std::string> out;
  if (!v.is_array()) throw BadValue{path + "." + key, "an array of strings"};
  for (const auto& s : v) {
    if (!s.is_string()) throw BadValue{path + "." + key, "an array of strings"};
    out.push_back(s.get<std::string>());
  }
  return out;
}

const json& array(const json& j, const char* key, const std::string& path) {
  const json& v = field(j, key, path);
  if (!v.is_array()) throw BadValue{path + "." + key, "an array"};
  return v;
}

template <class Enum, size_t N>
Enum one_of(const std::array<Enum, N>& all, const std::string& value, const std::string& path) {
  for (Enum e : all) {
    if (value == to_string(e)) return e;
  }
  throw BadValue{path, "a known value, not \"" + value + "\""};
}

constexpr std::array<DriftStatus, 5> kAllStatuses = {DriftStatus::Ready, DriftStatus::Blocked,
                                                     DriftStatus::Failed, DriftStatus::Skipped,
                                                     DriftStatus::Manual};

DriftItem item_from(const json& j, const std::string& path) {
  DriftItem item;
  item.kind = one_of(kAllDriftKinds, text(j, "kind", path), path + ".kind");
  item.user = text(j, "user", path);
  item.user_id = text(j, "userId", path);
  item.sku = text(j, "sku", path);
  item.disabled_plans = texts(j, "disabledPlans", path);
  item.detail = text(j, "detail", path);
  item.status = one_of(kAllStatuses, text(j, "status", path), path + ".status");
  item.reason = text(j, "reason", path);
  return item;
}

SeatLine seat_from(const json& j, const std::string& path) {
  SeatLine s;
  s.sku = text(j, "sku", path);
  s.sku_id = text(j, "skuId", path);
  s.enabled = number(j, "enabled", path);
  s.consumed = number(j, "consumed", path);
  s.after_plan = number(j, "afterPlan", path);
  s.shortfall = number(j, "shortfall", path);
  s.grace = number(j, "grace", path);
  const json& counted = field(j, "graceCounted", path);
  if (!counted.is_boolean()) throw BadValue{path + ".graceCounted", "true or false"};
  s.grace_counted = counted.get<bool>();
  return s;
}

TenantDrift tenant_from(const json& j, const std::string& path) {
  TenantDrift t;
  t.tenant = text(j, "tenant", path);
  t.tenant_id = text(j, "tenantId", path);
  auto mode = parse_tenant_mode(text(j, "mode", path));
  if (!mode) throw BadValue{path + ".mode", "\"enforce\" or \"report\""};
  t.mode = *mode;
  const json& items = array(j, "items", path);
  for (size_t i = 0; i < items.size(); ++i) {
    t.items.push_back(item_from(items[i], path + ".items[" + std::to_string(i) + "]"));
  }
  t.ignored_users = texts(j, "ignored", path);
  const json& seats = array(j, "seats", path);
  for (size_t i = 0; i < seats.size(); ++i) {
    t.seats.push_back(seat_from(seats[i], path + ".seats[" + std::to_string(i) + "]"));
  }
  t.notes = texts(j, "notes", path);
  t.not_planned = text(j, "notPlanned", path);
  count_tenant_totals(t);  // from the items, never trusted from the file
  return t;
}

}  // namespace

Result<DriftReport> drift_report_from_json(std::string_view input, const std::string& source) {
  auto fail = [&](const std::string& what) -> Result<DriftReport> {
    return make_error(ErrorKind::Invalid, source + ": " + what, "InvalidDriftReport");
  };
  json j = json::parse(input, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return fail("not JSON (a report of `drift --format json` is)");
  try {
    if (!j.is_object() || !j.contains("version") || j.at("version") != 1) {
      return fail("not a drift report of version 1 (`drift --format json` writes one)");
    }
    DriftReport report;
    if (!parse_iso8601(text(j, "generatedAt", "$"), report.generated_at)) {
      throw BadValue{"$.generatedAt", "an ISO 8601 time"};
    }
    report.fingerprint = text(j, "fingerprint", "$");
    const json& tenants = array(j, "tenants", "$");
    for (size_t i = 0; i < tenants.size(); ++i) {
      report.tenants.push_back(tenant_from(tenants[i], "$.tenants[" + std::to_string(i) + "]"));
    }
    count_drift_totals(report);
    return report;
  } catch (const BadValue& bad) {
    return fail(bad.path + ": expected " + bad.expected);
  }
}

}  // namespace tenantsync
