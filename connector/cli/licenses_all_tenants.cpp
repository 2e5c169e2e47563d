// `licenses --all-tenants`: where seats run out across customers. One row per cached
// tenant in scope and product for users, with the shortfall the desired state implies
// (planned from the cache, as `plan --no-refresh`), worst first.
#include <algorithm>
#include <cstdio>
#include <optional>

#include <nlohmann/json.hpp>

#include "connector/cli/cached_estate.h"
#include "connector/cli/command_context.h"
#include "connector/cli/csv_writer.h"
#include "connector/cli/engine_session.h"
#include "connector/cli/exit_codes.h"
#include "connector/cli/licenses_views.h"
#include "connector/cli/text_table.h"
#include "model/json_text.h"
#include "sync/ascii_case.h"
#include "sync/product_names.h"
#include "sync/report/tenant_overview.h"

namespace tenantsync {

namespace {

struct SeatRow {
  std::string tenant;  // default domain
  std::string tenant_id;
  OverviewStatus tenant_status = OverviewStatus::Complete;  // as `tenants` gives it
  std::string tenant_status_text;                           // "stale: ...", in words
  const Sku* sku = nullptr;
  int available = 0;
  std::optional<int> shortfall;  // nullopt: no desired state, or it does not plan the tenant
};

// Worst first: the most seats short, then the furthest over the paid count, then the
// fewest left; then by tenant and product.
bool worse(const SeatRow& a, const SeatRow& b) {
  if (a.shortfall.value_or(0) != b.shortfall.value_or(0))
    return a.shortfall.value_or(0) > b.shortfall.value_or(0);
  if (a.sku->over_paid() != b.sku->over_paid()) return a.sku->over_paid() > b.sku->over_paid();
  if (a.available != b.available) return a.available < b.available;
  if (!iequals(a.tenant, b.tenant)) return iless(a.tenant, b.tenant);
  return iless(a.sku->sku_part_number, b.sku->sku_part_number);
}

std::string note(const SeatRow& r) {
  std::vector<std::string> parts;
  if (r.tenant_status != OverviewStatus::Complete) {
    parts.push_back("tenant " + r.tenant_status_text);
  }
  if (std::string over = over_paid_note(*r.sku); !over.empty()) parts.push_back(over);
  if (r.shortfall.value_or(0) > 0) {
    parts.push_back("buy " + std::to_string(*r.shortfall) + " for the desired state");
  } else if (r.available == 0) {
    parts.push_back("no free seat");
  }
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : "; ") + p;
  return out;
}

std::string optional_text(const std::optional<int>& n) { return n ? std::to_string(*n) : "-"; }

}  // namespace

int run_licenses_all_tenants(const Config& config, const LicensesFlags& o) {
  std::optional<DesiredState> desired;
  if (!o.desired.empty() || !config.desired.empty()) {
    auto loaded = load_desired_for(config, o.desired);
    if (!loaded.ok()) return report_failure("licenses", loaded.error());
    desired = std::move(loaded).value();
  }
  auto session = EngineSession::open(config, /*need_remote=*/false);
  if (!session.ok()) return report_failure("licenses", session.error());
  Cache& cache = (*session)->cache();
  auto snapshots = cached_tenants_in_scope("licenses", cache, config);
  if (!snapshots.ok()) return report_failure("licenses", snapshots.error());
  std::optional<BuiltPlan> built;
  if (desired) {
    auto planned =
        plan_from_cache("licenses", cache, config, *desired, *snapshots, (*session)->clock().now());
    if (!planned.ok()) return report_failure("licenses", planned.error());
    built = std::move(*planned);
  }

  std::vector<SeatRow> rows;
  for (const auto& snapshot : *snapshots) {
    const TenantPlan* plan = nullptr;
    if (built) {
      for (const auto& t : built->plan.tenants) {
        if (t.tenant_id == snapshot.tenant.id) plan = &t;
      }
    }
    for (const auto& sku : snapshot.skus) {
      if (sku.applies_to != "User") continue;
      SeatRow r;
      r.tenant = snapshot.tenant.default_domain_name;
      r.tenant_id = snapshot.tenant.id;
      r.tenant_status = overview_status(snapshot);
      r.tenant_status_text = describe_overview_status(snapshot);
      r.sku = &sku;
      r.available = sku.available_seats(config.use_grace_seats);
      if (plan && plan->not_planned.empty()) {
        r.shortfall = 0;
        for (const auto& seat : plan->seats) {
          if (iequals(seat.sku_id, sku.sku_id)) r.shortfall = seat.shortfall;
        }
      }
      rows.push_back(std::move(r));
    }
  }
  std::sort(rows.begin(), rows.end(), worse);

  if (o.format == "json") {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& r : rows) {
      list.push_back(
          {{"tenant", r.tenant},
           {"tenantId", r.tenant_id},
           {"tenantStatus", to_string(r.tenant_status)},
           {"tenantStatusText", r.tenant_status_text},
           {"sku", r.sku->sku_part_number},
           {"productName", product_names().name_of(r.sku->sku_part_number)},
           {"skuId", r.sku->sku_id},
           {"paid", r.sku->prepaid_units.enabled},
           {"grace", r.sku->prepaid_units.warning},
           {"consumed", r.sku->consumed_units},
           {"available", r.available},
           {"overPaidBy", r.sku->over_paid()},
           {"shortfall", r.shortfall ? nlohmann::json(*r.shortfall) : nlohmann::json()}});
    }
    nlohmann::json out{{"graceCounted", config.use_grace_seats}, {"products", std::move(list)}};
    std::printf("%s\n", dump_json(out, 2).c_str());
    return kExitOk;
  }
  if (o.format == "csv") {
    CsvWriter csv(stdout);
    csv.row({"tenant", "tenantId", "tenantStatus", "tenantStatusText", "sku", "skuId", "paid",
             "grace", "consumed", "available", "overPaidBy", "shortfall"});
    for (const auto& r : rows) {
      csv.row({r.tenant, r.tenant_id, to_string(r.tenant_status), r.tenant_status_text,
               r.sku->sku_part_number, r.sku->sku_id, std::to_string(r.sku->prepaid_units.enabled),
               std::to_string(r.sku->prepaid_units.warning), std::to_string(r.sku->consumed_units),
               std::to_string(r.available), std::to_string(r.sku->over_paid()),
               r.shortfall ? std::to_string(*r.shortfall) : ""});
    }
    return kExitOk;
  }
  std::vector<std::vector<std::string>> table = {
      {"TENANT", "PRODUCT", "PAID", "GRACE", "CONSUMED", "AVAILABLE", "SHORT", "NOTE"}};
  for (const auto& r : rows) {
    table.push_back({cell(r.tenant, 40), cell(product_names().label(r.sku->sku_part_number), 60),
                     std::to_string(r.sku->prepaid_units.enabled),
                     std::to_string(r.sku->prepaid_units.warning),
                     std::to_string(r.sku->consumed_units), std::to_string(r.available),
                     optional_text(r.shortfall), cell(note(r), 100)});
  }
  std::printf("%s", render_table(table).c_str());
  if (!desired) std::printf("\nSHORT is known with a desired state: --desired PATH\n");
  std::printf("%s\n", config.use_grace_seats
                          ? "AVAILABLE counts grace units (safety.useGraceSeats)."
                          : "AVAILABLE counts paid seats only; grace units are not handed out "
                            "(safety.useGraceSeats is off).");
  return kExitOk;
}

}  // namespace tenantsync
