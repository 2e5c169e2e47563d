// sync/mirror/: step 1 of the data flow, the remote directory read into the cache.
//
// The mirror: refreshes the cache from the remote directory, tenant by tenant.
//
// Per tenant: subscribed SKUs, its domains (a failed read of those is logged and keeps the
// cached ones: they only gate user creation), then users (a full read on the first run, with
// `full = true`, or when the stored delta link has expired; a delta read otherwise), then
// soft-deleted users. Pages stream straight from the Directory into the cache, one
// transaction per page, so memory holds one page per worker whatever a tenant's size. A
// full read is staged and swapped in at the end (cache.h): a read that fails part way
// leaves the tenant's last complete state as it was and marks the tenant stale with the
// error; the other tenants still complete. A tenant with no remote change writes no
// user rows and keeps its state version, hence its fingerprint.
//
// Membership and identity: every cached tenant missing from the partner's /contracts is
// marked gone (and not read); one whose reads answer 403 or 404 as a whole is marked gone
// too. A gone tenant's next complete read ends it. A tenant last read from another remote
// (the cache's graph_host() changed) has its delta link dropped and is read fully.
//
// Threads: mirror_tenants() blocks its caller; it runs up to `concurrency` std::thread
// workers that take tenants from a shared queue. They call the Directory concurrently (for
// different tenants) and write through the cache's single write connection. The progress
// callback is invoked from the workers, one call at a time.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "model/result.h"
#include "model/shard.h"
#include "model/tenant.h"
#include "sync/directory.h"
#include "sync/store/cache.h"

namespace tenantsync {

struct MirrorOptions {
  std::vector<std::string> tenants;  // tenant ids or default domains; empty = every customer
  bool full = false;                 // ignore stored delta links
  int concurrency = 4;               // tenants mirrored at once (at least 1)
  // Read the tenants' admin roles: their definitions until known (and with `full`), and
  // who holds them, on every read. Asked for by `mirror`, the user tasks, and plan, apply
  // and run when the desired state gives roles (create.roles); otherwise a mirror sends no
  // request for them.
  bool roles = false;
  // This process's share of the tenants (docs/cli.md "Shards"): only the customers it owns
  // are read or marked gone; a requested name another shard owns is skipped with a note.
  std::optional<Shard> shard;
};

struct TenantMirrorResult {
  std::string requested;  // the name as given (the default domain when mirroring all)
  Tenant tenant;          // empty id when `requested` is not a customer tenant
  ReadKind kind = ReadKind::Full;
  bool resynced = false;  // the delta link had expired: a full read replaced the delta
  // In the cache after the mirror (also after a failure: the kept state).
  int users = 0;
  int deleted_users = 0;
  int skus = 0;
  std::int64_t changes_read = 0;  // users and removals received from the remote
  double seconds = 0;             // wall time of this tenant's mirror
  std::optional<Error> error;     // why this tenant failed (it is marked stale)
  // Gone (Cache::mark_gone): since when and why. A tenant gone from /contracts is not
  // read and is no failure; one whose reads were refused is read again every mirror and
  // fails (error set) until it answers.
  std::string gone_since;
  std::string gone_reason;
  bool host_changed = false;  // read from another remote before: delta link dropped, full read
  bool returned = false;      // was gone and has now been read whole again
  // No read of it was ever whole: a failure keeps no complete state (there is none).
  bool never_whole = false;

  bool ok() const { return !error.has_value(); }
  bool gone() const { return !gone_since.empty(); }
};

struct MirrorResult {
  std::optional<Error> error;  // the tenant list could not be read or recorded: no tenants
  // Requested order; by domain when all, then also every cached tenant gone from the
  // partner's /contracts (not read, gone set). A requested tenant that is not a customer
  // but is cached is reported gone the same way.
  std::vector<TenantMirrorResult> tenants;

  bool ok() const;
  int failed() const;
};

// Counted comes first, once, with `tenants` = how many will be read (so a progress bar
// knows its total before it starts); then per tenant Started ... Done or Failed.
struct MirrorProgress {
  enum class Phase { Counted, Started, Skus, Users, DeletedUsers, Done, Failed };
  std::string tenant;  // default domain ("" for Counted)
  Phase phase = Phase::Started;
  std::int64_t changes_read = 0;  // so far; Counted: the tenants to read
};
using MirrorProgressFn = std::function<void(const MirrorProgress&)>;

MirrorResult mirror_tenants(Directory& directory, Cache& cache, const MirrorOptions& options,
                            const MirrorProgressFn& progress = {});

}  // namespace tenantsync
