#include "sync/report/tenant_overview.h"

#include <algorithm>
#include <chrono>

#include "sync/ascii_case.h"

namespace tenantsync {

namespace {

// checksum_failure_message() without its "tenant <domain>: " lead: the row names it.
std::string checksum_reason(const std::string& domain) {
  std::string message = checksum_failure_message(domain);
  std::string lead = "tenant " + domain + ": ";
  return message.rfind(lead, 0) == 0 ? message.substr(lead.size()) : message;
}

int rank(OverviewStatus status) {
  switch (status) {
    case OverviewStatus::Gone:
      return 0;
    case OverviewStatus::Complete:
      return 2;
    default:
      return 1;
  }
}

}  // namespace

const char* to_string(OverviewStatus status) {
  switch (status) {
    case OverviewStatus::Gone:
      return "gone";
    case OverviewStatus::ChecksumFailed:
      return "checksum-failed";
    case OverviewStatus::OtherRemote:
      return "other-remote";
    case OverviewStatus::NeverReadWhole:
      return "never-read-whole";
    case OverviewStatus::Stale:
      return "stale";
    case OverviewStatus::Complete:
      return "complete";
  }
  return "complete";
}

OverviewStatus overview_status(const TenantSnapshot& s) {
  if (!s.gone_since.empty()) return OverviewStatus::Gone;
  if (s.rows_fail_checksum()) return OverviewStatus::ChecksumFailed;
  if (!s.other_graph_host.empty()) return OverviewStatus::OtherRemote;
  if (s.mirror == MirrorState::Never || (s.mirror == MirrorState::Stale && !s.ever_complete)) {
    return OverviewStatus::NeverReadWhole;
  }
  if (s.mirror == MirrorState::Stale) return OverviewStatus::Stale;
  return OverviewStatus::Complete;
}

std::string describe_overview_status(const TenantSnapshot& s) {
  switch (overview_status(s)) {
    case OverviewStatus::Gone:  // as the cycle says it (cycle_outcome.cpp)
      return "gone since " + s.gone_since + ": " + s.gone_reason;
    case OverviewStatus::ChecksumFailed:
      return "stale: " + checksum_reason(s.tenant.default_domain_name);
    case OverviewStatus::OtherRemote:
      return "other remote: mirrored from " + s.other_graph_host;
    case OverviewStatus::NeverReadWhole:
      return s.stale_reason.empty() ? "never read whole" : "never read whole: " + s.stale_reason;
    case OverviewStatus::Stale:
      return s.stale_reason.empty() ? "stale" : "stale: " + s.stale_reason;
    case OverviewStatus::Complete:
      return "complete";
  }
  return "complete";
}

TenantOverviewRow overview_row(const TenantSnapshot& s) {
  TenantOverviewRow row;
  row.tenant_id = s.tenant.id;
  row.domain = s.tenant.default_domain_name;
  row.display_name = s.tenant.display_name;
  row.synced_at = s.synced_at;
  row.status = overview_status(s);
  row.status_text = describe_overview_status(s);
  return row;
}

void add_drift(std::vector<TenantOverviewRow>& rows, const DriftReport& report) {
  for (auto& row : rows) {
    row.planned = true;
    auto it = std::find_if(report.tenants.begin(), report.tenants.end(), [&](const TenantDrift& t) {
      if (!t.tenant_id.empty() && !row.tenant_id.empty()) return t.tenant_id == row.tenant_id;
      return iequals(t.name(), row.domain);
    });
    if (it == report.tenants.end()) continue;
    row.mode = it->mode;
    row.not_planned = it->not_planned;
    if (!it->not_planned.empty()) continue;  // drift unknown, never "no drift"
    row.drift_items = it->totals.items;
    row.seats_to_buy = it->totals.seats_to_buy;
  }
}

void sort_worst_first(std::vector<TenantOverviewRow>& rows) {
  std::stable_sort(rows.begin(), rows.end(),
                   [](const TenantOverviewRow& a, const TenantOverviewRow& b) {
                     if (rank(a.status) != rank(b.status)) return rank(a.status) < rank(b.status);
                     int da = a.drift_items.value_or(0), db = b.drift_items.value_or(0);
                     if (da != db) return da > db;
                     return iless(a.domain, b.domain);
                   });
}

std::string describe_age(const std::string& iso, Clock::time_point now) {
  if (iso.empty()) return "never";
  Clock::time_point then;
  if (!parse_iso8601(iso, then)) return iso;
  auto seconds = std::chrono::duration_cast<std::chrono::seconds>(now - then).count();
  if (seconds < 1) return "just now";
  if (seconds < 60) return std::to_string(seconds) + "s ago";
  if (seconds < 3600) return std::to_string(seconds / 60) + "m ago";
  if (seconds < 86400) return std::to_string(seconds / 3600) + "h ago";
  return std::to_string(seconds / 86400) + "d ago";
}

}  // namespace tenantsync
