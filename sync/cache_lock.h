// One writer per cache: the lock `tenantsync run`, `apply` and every other command that
// changes the cache or the remote take before they start (issue "scheduler", item 2). It
// keys on the cache file's identity, not on the path string (issue 15, item 11).
//
// Two flock(2) locks, both needed:
// - on the cache file itself: its inode is what a symlinked path or another spelling of
//   the path reaches, and what no deleted or replaced lock file can free;
// - on "<canonical cache path>.lock" (symlinks resolved), which also holds the holder's pid
//   and command for the refusal message, and covers the moments the cache file cannot: a
//   cache not created yet, and one being moved aside and rebuilt.
// The kernel drops a flock when its process dies, however it dies, so a lock left by a
// dead process (kill -9, power loss) is simply taken over by the next one; the lock
// file's old contents then name the process that left it. flock is per open file: a
// second CacheLock on the same cache in one process is refused too. flock does not mix
// with SQLite's fcntl locks on a local file system (a cache on NFS is not supported).
//
// Lifetime: destroy a CacheLock after every Cache opened on its file in this process.
// Closing any descriptor of a file drops the process's POSIX locks on it, SQLite's own
// included, so the descriptor held here must outlive SQLite's connections.
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

  // Locks the file now at the cache path, once the cache is open: the file acquire() did
  // not find (a new cache) or that replaced the one it locked (a damaged cache moved aside
  // and rebuilt). Nothing to do when it is the file already held. Conflict when another
  // process holds that file.
  Status hold_cache_file();

  // The lock file ("<canonical cache path>.lock").
  const std::string& path() const { return path_; }
  // The pid the lock file named when this process took it over from a dead one; 0 if none.
  long taken_over_from() const { return taken_over_from_; }

 private:
  CacheLock(int fd, std::string path, std::string cache_path, long taken_over_from)
      : fd_(fd),
        path_(std::move(path)),
        cache_path_(std::move(cache_path)),
        taken_over_from_(taken_over_from) {}

  int fd_;             // the lock file
  int cache_fd_ = -1;  // the cache file, flocked; -1 before there is one
  std::string path_;
  std::string cache_path_;
  long taken_over_from_;
};

}  // namespace tenantsync
