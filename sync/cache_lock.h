// One writer per cache: the lock `tenantsync run`, `apply` and every other command that
// changes the cache or the remote take before they start (issue "scheduler", item 2).
//
// The lock is flock(2) on "<cache>.lock", a file holding the holder's pid and command.
// The kernel drops a flock when its process dies, however it dies, so a lock left by a
// dead process (kill -9, power loss) is simply taken over by the next one; the file's
// old contents then name the process that left it. A held lock is reported with the pid
// and command of its holder. flock is per open file: a second CacheLock on the same
// cache in one process is refused too.
#pragma once

#include <memory>
#include <string>

#include "model/result.h"

namespace tenantsync {

class CacheLock {
 public:
  // Takes the lock of `cache_path` for `command` ("run", "apply", ...), or fails with
  // ErrorKind::Conflict naming the holder ("... is in use by pid 4242 (tenantsync run) ...").
  static Result<std::unique_ptr<CacheLock>> acquire(const std::string& cache_path,
                                                    const std::string& command);
  ~CacheLock();  // releases the lock (the file stays: removing it would race a new holder)
  CacheLock(const CacheLock&) = delete;
  CacheLock& operator=(const CacheLock&) = delete;

  const std::string& path() const { return path_; }
  // The pid the lock file named when this process took it over from a dead one; 0 if none.
  long taken_over_from() const { return taken_over_from_; }

 private:
  CacheLock(int fd, std::string path, long taken_over_from)
      : fd_(fd), path_(std::move(path)), taken_over_from_(taken_over_from) {}

  int fd_;
  std::string path_;
  long taken_over_from_;
};

}  // namespace tenantsync
