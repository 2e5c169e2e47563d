// `tenantsync tenants`: the cross-tenant overview (issue #18), from the cache only. One row
// per cached tenant in the config's scope: counts, last complete mirror, how far its cache
// can be trusted and, when a desired state is given or configured, its mode, drift items
// and seats to buy as `plan --no-refresh` would plan them. Worst first.
#include <algorithm>
#include <cstdio>
#include <iterator>
#include <optional>

#include <nlohmann/json.hpp>

#include "connector/cli/cached_estate.h"
#include "connector/cli/command_context.h"
#include "connector/cli/commands.h"
#include "connector/cli/csv_writer.h"
#include "connector/cli/engine_session.h"
#include "connector/cli/exit_codes.h"
#include "connector/cli/text_table.h"
#include "model/json_text.h"
#include "sync/ascii_case.h"
#include "sync/plan/plan_builder.h"
#include "sync/plan/service_rules.h"
#include "sync/report/drift.h"
#include "sync/report/tenant_overview.h"

namespace tenantsync {

namespace {

// Widest a text cell of each kind may be before it is cut with "...".
constexpr size_t kMaxDomain = 40;
constexpr size_t kMaxName = 28;
constexpr size_t kMaxStatus = 90;

std::string optional_number(const TenantOverviewRow& r, const std::optional<int>& n) {
  if (n) return std::to_string(*n);
  return r.mode ? "?" : "-";  // named but not planned: drift unknown
}

void print_text(const std::vector<TenantOverviewRow>& rows, bool planned, Clock::time_point now) {
  std::vector<std::vector<std::string>> table;
  std::vector<std::string> header = {"TENANT", "NAME", "USERS", "DELETED", "MIRRORED"};
  if (planned) header.insert(header.end(), {"MODE", "DRIFT", "BUY"});
  header.push_back("STATUS");
  table.push_back(header);
  for (const auto& r : rows) {
    std::vector<std::string> line = {cell(r.domain, kMaxDomain), cell(r.display_name, kMaxName),
                                     std::to_string(r.users), std::to_string(r.deleted_users),
                                     describe_age(r.synced_at, now)};
    if (planned) {
      line.push_back(r.mode ? to_string(*r.mode) : "-");
      line.push_back(optional_number(r, r.drift_items));
      line.push_back(optional_number(r, r.seats_to_buy));
    }
    line.push_back(cell(r.status_text, kMaxStatus));
    table.push_back(std::move(line));
  }
  std::printf("%s", render_table(table).c_str());
}

nlohmann::json optional_json(const std::optional<int>& n) {
  return n ? nlohmann::json(*n) : nlohmann::json(nullptr);
}

// The columns of --format json and csv, in csv order: one list, so the two cannot differ.
constexpr const char* kColumns[] = {"domain",       "displayName", "tenantId",      "users",
                                    "deletedUsers", "lastMirror",  "lastMirrorAge", "status",
                                    "statusText",   "mode",        "driftItems",    "seatsToBuy"};

nlohmann::json row_json(const TenantOverviewRow& r, Clock::time_point now) {
  return {
      {"domain", r.domain},
      {"displayName", r.display_name},
      {"tenantId", r.tenant_id},
      {"users", r.users},
      {"deletedUsers", r.deleted_users},
      {"lastMirror", r.synced_at.empty() ? nlohmann::json(nullptr) : nlohmann::json(r.synced_at)},
      {"lastMirrorAge", describe_age(r.synced_at, now)},
      {"status", to_string(r.status)},
      {"statusText", r.status_text},
      {"mode", r.mode ? nlohmann::json(to_string(*r.mode)) : nlohmann::json()},
      {"driftItems", optional_json(r.drift_items)},
      {"seatsToBuy", optional_json(r.seats_to_buy)}};
}

// A JSON value as a CSV cell: null is empty, a string as it is.
std::string csv_cell(const nlohmann::json& value) {
  if (value.is_null()) return "";
  if (value.is_string()) return value.get<std::string>();
  return value.dump();
}

}  // namespace

int run_tenants(const GlobalFlags& g, const TenantsFlags& o) {
  auto config = load_command_config(g);
  if (!config.ok()) return report_failure("tenants", config.error());
  std::optional<DesiredState> desired;
  if (!o.desired.empty() || !config->desired.empty()) {
    auto loaded = load_desired_for(*config, o.desired);
    if (!loaded.ok()) return report_failure("tenants", loaded.error());
    desired = std::move(loaded).value();
  }
  auto session = EngineSession::open(*config, /*need_remote=*/false);
  if (!session.ok()) return report_failure("tenants", session.error());
  Cache& cache = (*session)->cache();
  const auto now = (*session)->clock().now();

  auto snapshots = cached_tenants_in_scope("tenants", cache, *config);
  if (!snapshots.ok()) return report_failure("tenants", snapshots.error());
  std::vector<TenantOverviewRow> rows;
  for (const auto& snapshot : *snapshots) {
    TenantOverviewRow row = overview_row(snapshot);
    row.users = static_cast<int>(snapshot.users.size());
    row.deleted_users = static_cast<int>(snapshot.deleted_users.size());
    rows.push_back(std::move(row));
  }
  if (desired) {
    auto built = plan_from_cache("tenants", cache, *config, *desired, *snapshots, now);
    if (!built.ok()) return report_failure("tenants", built.error());
    DriftReport report;
    if (*built) report = build_drift_report((*built)->plan, now, &(*built)->plan_names);
    add_drift(rows, report);
  }
  sort_worst_first(rows);

  if (o.format == "json") {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& r : rows) list.push_back(row_json(r, now));
    std::printf("%s\n", dump_json(nlohmann::json{{"tenants", list}}, 2).c_str());
    return kExitOk;
  }
  if (o.format == "csv") {
    CsvWriter csv(stdout);
    csv.row(std::vector<std::string>(std::begin(kColumns), std::end(kColumns)));
    for (const auto& r : rows) {
      nlohmann::json j = row_json(r, now);
      std::vector<std::string> cells;
      for (const char* column : kColumns) cells.push_back(csv_cell(j.at(column)));
      csv.row(cells);
    }
    return kExitOk;
  }
  print_text(rows, desired.has_value(), now);
  return kExitOk;
}

}  // namespace tenantsync
