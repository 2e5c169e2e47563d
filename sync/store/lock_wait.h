// How a writer waits for the cache lock (sync/store/cache_lock.h) when another one holds it:
// up to a limit (`--wait`; 0 refuses at once) or, for a cycle of `run`, until the holder
// is done or a stop is asked for.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <optional>
#include <string>

namespace tenantsync {

struct LockWait {
  // How long to wait for the holder; nullopt: as long as it takes.
  std::optional<std::chrono::milliseconds> limit = std::chrono::milliseconds(0);
  // Set by a stop signal: waiting ends at once with the lock not taken.
  const std::atomic<bool>* interrupt = nullptr;
  // Told once, when the lock is found held: "waiting for pid 4242 (tenantsync assign) to
  // finish (started 12 s ago)" (lock_holder.h).
  std::function<void(const std::string& line)> on_wait;
};

// How often a waiting writer tries the lock again: a short wait for the user after the
// holder is done, and no load on the machine.
inline constexpr std::chrono::milliseconds kLockPollInterval{150};

}  // namespace tenantsync
