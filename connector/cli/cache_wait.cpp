#include "connector/cli/cache_wait.h"

#include <cstdio>

#include "sync/log.h"

namespace tenantsync {

LockWait command_lock_wait(const std::string& command, std::chrono::seconds limit) {
  LockWait wait;
  wait.limit = limit;
  wait.on_wait = [command](const std::string& line) {
    std::fprintf(stderr, "tenantsync %s: %s\n", command.c_str(), line.c_str());
  };
  return wait;
}

LockWait cycle_lock_wait(const std::atomic<bool>& stopping) {
  LockWait wait;
  wait.limit = std::nullopt;
  wait.interrupt = &stopping;
  wait.on_wait = [](const std::string& line) { log_info("run: " + line); };
  return wait;
}

}  // namespace tenantsync
