// One writer per cache: the lock `tenantsync run`, `apply` and every other command that
// changes the cache or the remote take before they start (issue "scheduler", item 2). It
// keys on the cache file's identity, not on the path string (issue 15, item 11).
//
// Two flock(2) locks, both needed:
// - on the cache file itself: its inode is what a symlinked path or another spelling of
//   the path reaches, and what no deleted or replaced lock file can free;
// - on "<canonical cache path>.lock" (symlinks resolved), which also holds the holder's pid,
//   command and start time for the refusal and waiting messages (lock_holder.h), and covers
//   the moments the cache file cannot: a cache not created yet, and one being moved aside
//   and rebuilt.
// Taken in that order (lock file, then cache file) and released in the reverse one, so a
// writer that gets the lock file never finds the cache file still held by a well-behaved
// holder.
// The kernel drops a flock when its process dies, however it dies, so a lock left by a
// dead process (kill -9, power loss) is simply taken over by the next one; the lock
// file's old contents then name the process that left it. flock is per open file: a
// second CacheLock on the same cache in one process is refused too. flock does not mix
// with SQLite's fcntl locks on a local file system (a cache on NFS is not supported).
//
// Lifetime: destroy a CacheLock after every Cache opened on its file in this process.
// Closing any descriptor of a file drops the process's POSIX locks on it, SQLite's own
// included, so the descriptor held here must outlive SQLite's connections. For the same
// reason release() only unlocks (flock LOCK_UN) and keeps the descriptors open: `run`
// releases the lock between cycles with its Cache still open.
#pragma once

#include <memory>
#include <string>

#include "model/result.h"
#include "sync/store/lock_wait.h"

namespace tenantsync {

class CacheLock {
 public:
  // Takes the lock of `cache_path` for `command` ("run", "apply", ...), waiting for a holder
  // as `wait` says (lock_wait.h; by default not at all), or fails with ErrorKind::Conflict
  // naming the holder ("... is in use by pid 4242 (tenantsync run) ...").
  static Result<std::unique_ptr<CacheLock>> acquire(const std::string& cache_path,
                                                    const std::string& command,
                                                    const LockWait& wait = {});
  ~CacheLock();  // releases the lock (the file stays: removing it would race a new holder)
  CacheLock(const CacheLock&) = delete;
  CacheLock& operator=(const CacheLock&) = delete;

  // Locks the file now at the cache path, once the cache is open: the file acquire() did
  // not find (a new cache) or that replaced the one it locked (a damaged cache moved aside
  // and rebuilt). Nothing to do when it is the file already held. Conflict when another
  // process holds that file.
  Status hold_cache_file();

  // Lets the next writer in, keeping the descriptors (see Lifetime above). No-op when not
  // held.
  void release();
  // Takes the lock again after release(), waiting as `wait` says; errors as acquire(). The
  // lock file is opened afresh when the one at its path is no longer the one held.
  Status retake(const LockWait& wait);
  bool held() const { return held_; }

  // True when the file now at the cache path is not the cache file held here: another
  // writer moved a damaged cache aside and rebuilt it (or removed it) while this lock was
  // released. The holder then reopens its Cache and calls hold_cache_file().
  bool cache_file_replaced() const;

  // The lock file ("<canonical cache path>.lock").
  const std::string& path() const { return path_; }
  // The pid the lock file named when this process took it over from a dead one; 0 if none.
  long taken_over_from() const { return taken_over_from_; }

 private:
  CacheLock(int fd, std::string path, std::string cache_path, std::string command)
      : fd_(fd),
        path_(std::move(path)),
        cache_path_(std::move(cache_path)),
        command_(std::move(command)) {}

  // Both flocks, waiting for the lock file's holder as `wait` says; then our note.
  Status take(const LockWait& wait);

  int fd_;             // the lock file
  int cache_fd_ = -1;  // the cache file, flocked while held_; -1 before there is one
  std::string path_;
  std::string cache_path_;
  std::string command_;
  bool held_ = false;
  long taken_over_from_ = 0;
};

}  // namespace tenantsync
