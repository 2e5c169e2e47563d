// One tenant as the cache last saw it: the planner's whole input besides desired state.
//
// Loaded from the cache one tenant at a time, so planning a million users never holds
// more than one tenant in memory. `mirror` says whether the state can be trusted: the
// planner refuses revocations and deletions for a tenant whose last read failed part way
// (stale), and plans nothing at all for one that was never read whole, is gone from the
// partner's contracts, was read from another remote than the configured one, or whose cached rows
// fail their checksum (rows_fail_checksum()).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "model/domain.h"
#include "model/group.h"
#include "model/role.h"
#include "model/sku.h"
#include "model/tenant.h"
#include "model/user.h"

namespace tenantsync {

enum class MirrorState { Never, Complete, Stale };

// The note and skip reason for a tenant whose cached rows fail their checksum.
inline std::string checksum_failure_message(const std::string& tenant) {
  return "tenant " + tenant +
         ": cached rows fail their checksum; the next mirror re-reads it fully";
}

struct TenantSnapshot {
  Tenant tenant;
  MirrorState mirror = MirrorState::Never;
  std::string stale_reason;  // the error of the failed read, when Stale
  std::string synced_at;     // ISO 8601 time of the last complete read
  // A read of the tenant ever finished whole; false for a Stale tenant whose first read
  // failed part way (some of its users cached). Complete implies it.
  bool ever_complete = false;
  // Set while the tenant is gone (left /contracts, or refused every read): since when
  // (ISO 8601) and why, as a clause: "is gone from the partner's contracts".
  std::string gone_since;
  std::string gone_reason;
  // The remote (graphUrl origin) the cached data was read from, when it is not the one
  // the cache is used with now; "" when they agree or either is unknown.
  std::string other_graph_host;
  std::vector<Sku> skus;
  std::vector<Domain> domains;                   // as GET /domains listed them; empty = never read
  std::vector<RoleDefinition> roles;             // admin roles; empty = never read
  std::vector<RoleAssignment> role_assignments;  // who holds them tenant-wide
  // Display names of the groups users inherit licenses from, by group id; a group not
  // here is shown by its id (group_label).
  std::map<std::string, std::string> group_names;
  std::vector<User> users;          // active users, sorted by user_principal_name
  std::vector<User> deleted_users;  // soft-deleted, deleted_date_time set, with the
                                    // licenses they held when deleted
  // UPNs (as cached, sorted) of users whose cached rows fail their checksum: the cache
  // was damaged, so nothing of this tenant is planned until a full re-read.
  std::vector<std::string> failing_checksum;
  // The SKU rows fail the hash kept beside them (sync_state.skus_hash): damaged too.
  bool skus_fail_checksum = false;

  // Some cached row of the tenant fails its checksum: nothing of it can be trusted.
  bool rows_fail_checksum() const { return !failing_checksum.empty() || skus_fail_checksum; }

  // "Sales Team (<id>)", or the id when the group's name is unknown.
  std::string group_label(const std::string& group_id) const {
    auto it = group_names.find(group_id);
    return tenantsync::group_label(group_id, it == group_names.end() ? "" : it->second);
  }
};

}  // namespace tenantsync
