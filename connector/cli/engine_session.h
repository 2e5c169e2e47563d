// What a command that touches the cache or the remote works with, built from the config:
// the cache (opened, migrated, rebuilt if corrupt), the Graph directory (only when the
// command needs the remote, so `users list` and `journal` work offline) and the clock.
// A session that needs the remote also holds the cache's lock (sync/store/cache_lock.h): one
// writer at a time. A command holds it for its life; `run` only while a cycle runs
// (release_lock / retake_lock), so hand tasks get in between cycles. Owned by the
// command; used from its thread and the mirror's workers.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "connector/cli/options.h"
#include "model/config.h"
#include "model/desired_state.h"
#include "model/result.h"
#include "sync/clock.h"
#include "sync/directory.h"
#include "sync/mirror/mirror.h"
#include "sync/store/cache.h"
#include "sync/store/cache_lock.h"
#include "sync/store/lock_wait.h"

namespace tenantsync {

class GraphDirectory;

class EngineSession {
 public:
  // `command` names the holder in the lock ("apply", "run"), for whoever is refused.
  // `wait`: how long to wait for another writer holding it (connector/cli/cache_wait.h).
  static Result<std::unique_ptr<EngineSession>> open(const Config& config, bool need_remote,
                                                     const std::string& command = "command",
                                                     const LockWait& wait = {});
  ~EngineSession();

  const Config& config() const { return config_; }
  Cache& cache() { return *cache_; }
  Directory& directory() { return *directory_; }
  // The Graph adapter (its request counters feed /metrics); null without the remote.
  const GraphDirectory* graph() const { return graph_.get(); }
  Clock& clock() { return clock_; }

  // Mirrors `tenants` (empty: the config's scope), printing a line per tenant on stderr
  // and a progress bar on a terminal. Returns the result; failures are already reported.
  // `roles`: read who holds admin roles on delta reads too (MirrorOptions::roles).
  MirrorResult mirror(const std::vector<std::string>& tenants, bool full, bool progress,
                      bool roles = false);

  // Between cycles of `run`: lets hand tasks (assign, users ...) take the cache. The Cache
  // stays open; nothing may write it until retake_lock().
  void release_lock();
  // Before a cycle: takes the lock again, waiting as `wait` says. When a hand task moved a
  // damaged cache aside and rebuilt it meanwhile, reopens the Cache on the new file (the
  // Graph directory and its token stay). On an error the session keeps its old Cache.
  Status retake_lock(const LockWait& wait);

 private:
  explicit EngineSession(Config config);
  // Opens (verifying, and rebuilding when damaged, if `writer`) the config's cache.
  Result<std::unique_ptr<Cache>> open_cache(bool writer);
  // Refuses a cache of another shard than the config's (docs/cli.md "Shards"); a writer
  // claims an unclaimed one. Commands without --shard take the cache's shard.
  Status check_shard(const std::string& command, bool writer);

  Config config_;
  SystemClock clock_;
  std::unique_ptr<CacheLock> lock_;  // released last
  std::unique_ptr<Cache> cache_;
  std::unique_ptr<GraphDirectory> graph_;
  Directory* directory_ = nullptr;
};

// Tenants mirrored or applied at once: remote.concurrency, held to 1..8.
int tenant_concurrency(const Config& config);

// The tenants a command works on: its --tenant flags, else the config's list, else all.
std::vector<std::string> tenants_in_scope(const Config& config,
                                          const std::vector<std::string>& flags);

// --desired, else the config's `desired`; Invalid when neither is set.
Result<DesiredState> load_desired_for(const Config& config, const std::string& flag);

// Prints one line per mirrored tenant (stdout when `to_stdout`, else stderr).
void print_mirror_result(const MirrorResult& result, bool to_stdout);

}  // namespace tenantsync
