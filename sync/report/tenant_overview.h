// The cross-tenant overview of `tenantsync tenants`: one row per cached tenant saying how
// far its mirror can be trusted, and, when a desired state was planned against the cache,
// its mode, drift items and seats to buy.
//
// Pure values and functions, no I/O: the command fills a row from a TenantSnapshot (status
// and last complete mirror), the cache's counts and the drift report of a plan, and this
// file says the status in the words the planner and the cycle use and orders the rows
// worst first. Safe to use from any thread.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "model/desired_state.h"
#include "sync/clock.h"
#include "sync/report/drift.h"
#include "sync/store/tenant_snapshot.h"

namespace tenantsync {

// How far the cached state of a tenant can be trusted, from worst to best.
enum class OverviewStatus {
  Gone,            // gone since <time>: <reason> (left the contracts, refused every read)
  ChecksumFailed,  // cached rows fail their checksum: nothing is planned until a full read
  OtherRemote,     // read from another remote than the configured remote.graphUrl
  NeverReadWhole,  // never mirrored, or its first read failed part way
  Stale,           // the last read failed; the last complete state is kept
  Complete,
};

// "gone" | "checksum-failed" | "other-remote" | "never-read-whole" | "stale" | "complete"
const char* to_string(OverviewStatus status);

struct TenantOverviewRow {
  std::string tenant_id;
  std::string domain;  // default domain
  std::string display_name;
  int users = 0;          // active
  int deleted_users = 0;  // soft-deleted
  std::string synced_at;  // ISO 8601 of the last complete mirror, "" = never
  OverviewStatus status = OverviewStatus::Complete;
  // The status in words: "complete", "stale: <reason>", "never read whole",
  // "gone since <time>: <reason>", "other remote: mirrored from <host>", ...
  std::string status_text;
  // Set when a desired state was planned: whether it names the tenant, and then its mode.
  bool planned = false;             // a desired state was planned at all
  std::optional<TenantMode> mode;   // nullopt: the desired state does not name it
  std::optional<int> drift_items;   // nullopt: no desired state, not named, or
  std::optional<int> seats_to_buy;  //   drift unknown (not planned)
  std::string not_planned;          // why its drift is unknown, or ""
};

// The status of a tenant as its snapshot says (users are not looked at, only its state).
OverviewStatus overview_status(const TenantSnapshot& snapshot);
// The status in words, reusing the planner's and the cycle's wording.
std::string describe_overview_status(const TenantSnapshot& snapshot);

// A row with the snapshot's identity, status and last complete mirror; counts and drift
// are the caller's to fill.
TenantOverviewRow overview_row(const TenantSnapshot& snapshot);

// Fills mode, drift items and seats to buy of the rows the report names (by tenant id,
// else domain); every row is marked planned.
void add_drift(std::vector<TenantOverviewRow>& rows, const DriftReport& report);

// Worst first: gone, then the other untrusted states (stale, never read whole, checksum,
// other remote), then complete; within each, most drift items first (unknown drift
// counts as none), then by domain, any case.
void sort_worst_first(std::vector<TenantOverviewRow>& rows);

// How long ago `iso` was, in its largest whole unit: "just now", "42s ago", "5m ago",
// "2h ago", "3d ago"; "never" for "", the text itself when it does not parse.
std::string describe_age(const std::string& iso, Clock::time_point now);

}  // namespace tenantsync
