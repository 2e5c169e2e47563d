// Who holds the cache lock, as its lock file says (sync/store/cache_lock.h): the note a holder
// writes there, and the lines a refused or waiting writer shows about it.
//
// The note: "<pid> <command>\n" then "started <unix seconds>\n". The first line is all
// that older versions write and read, so a lock file from either version names its holder
// to the other; the start time is simply unknown in an old one.
#pragma once

#include <ctime>
#include <optional>
#include <string>
#include <string_view>

#include "model/result.h"

namespace tenantsync {

struct LockHolder {
  long pid = 0;                        // 0: the file names nobody usable
  std::string command;                 // "run", "assign", "users delete"; "" when not named
  std::optional<std::time_t> started;  // when it took the lock; absent in old lock files
};

// The note `pid` writes when it takes the lock for `command` at `started`.
std::string lock_note(long pid, const std::string& command, std::time_t started);
LockHolder parse_lock_note(std::string_view text);
// The holder named in the lock file at `lock_path`; Io when it cannot be read.
Result<LockHolder> read_lock_holder(const std::string& lock_path);

// "pid 4242 (tenantsync run)", "pid 4242", or "another process" when the note names nobody.
std::string describe_holder(const LockHolder& holder);
// " (started 12 s ago)" at `now`; "" when the start time is unknown.
std::string started_ago(const LockHolder& holder, std::time_t now);
// What a writer that waits for the lock says once: "waiting for the running cycle of pid
// 4242 to finish (started 12 s ago)" when the holder is `run`, else "waiting for pid 4242
// (tenantsync assign) to finish (started 12 s ago)".
std::string waiting_line(const LockHolder& holder, std::time_t now);

}  // namespace tenantsync
