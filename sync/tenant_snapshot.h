// One tenant as the cache last saw it: the planner's whole input besides desired state.
//
// Loaded from the cache one tenant at a time, so planning a million users never holds
// more than one tenant in memory. `mirror` says whether the state can be trusted: the
// planner refuses revocations and deletions for a tenant whose last read failed part way
// (stale) or that was never mirrored, and plans nothing for one whose cached rows fail
// their checksum (failing_checksum).
#pragma once

#include <string>
#include <vector>

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
  std::vector<Sku> skus;
  std::vector<User> users;          // active users, sorted by user_principal_name
  std::vector<User> deleted_users;  // soft-deleted, deleted_date_time set, with the
                                    // licenses they held when deleted
  // UPNs (as cached, sorted) of users whose cached rows fail their checksum: the cache
  // was damaged, so nothing of this tenant is planned until a full re-read.
  std::vector<std::string> failing_checksum;
};

}  // namespace tenantsync
