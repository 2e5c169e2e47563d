// How commands wait for the cache lock another writer holds (sync/store/lock_wait.h).
// - A writer command waits up to its --wait (default 10 minutes; 0 refuses at once, as
//   before --wait existed) and says so once on stderr. Ctrl-C while it waits ends it at
//   once with nothing sent (stop_signal.h: sending has not started).
// - A cycle of `run` waits for a hand task as long as it takes, unless the daemon is
//   stopping, and logs the same line once at info level.
#pragma once

#include <atomic>
#include <chrono>
#include <string>

#include "sync/store/lock_wait.h"

namespace tenantsync {

LockWait command_lock_wait(const std::string& command, std::chrono::seconds limit);
LockWait cycle_lock_wait(const std::atomic<bool>& stopping);

}  // namespace tenantsync
