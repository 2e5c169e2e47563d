#include "sync/store/cache_lock.h"

#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <thread>

#include "model/duration.h"
#include "sync/store/lock_holder.h"

namespace tenantsync {

namespace {

std::string read_all(int fd) {
  std::string text;
  char buf[256];
  if (lseek(fd, 0, SEEK_SET) < 0) return text;
  ssize_t n;
  while ((n = read(fd, buf, sizeof buf)) > 0 && text.size() < 4096) text.append(buf, n);
  return text;
}

bool alive(long pid) {
  return pid > 0 && (kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM);
}

// The cache path with symlinks resolved, so every spelling of one cache meets one lock
// file; for a cache not created yet, its folder resolved and its name kept.
std::string canonical_path(const std::string& path) {
  char resolved[PATH_MAX];
  if (realpath(path.c_str(), resolved) != nullptr) return resolved;
  std::filesystem::path p(path);
  std::string folder = p.has_parent_path() ? p.parent_path().string() : ".";
  if (realpath(folder.c_str(), resolved) != nullptr) {
    return (std::filesystem::path(resolved) / p.filename()).string();
  }
  return path;
}

Error in_use(const std::string& cache_path, const std::string& who) {
  return make_error(ErrorKind::Conflict, "the cache " + cache_path + " is in use by " + who +
                                             ": one writer at a time; wait for it to finish or "
                                             "stop it");
}

// "2m", "1.5 s": how long a writer waited, for the message that gives up.
std::string waited_text(std::chrono::milliseconds waited) {
  if (waited.count() % 1000 == 0) {
    return format_duration(std::chrono::duration_cast<std::chrono::seconds>(waited));
  }
  char text[32];
  std::snprintf(text, sizeof text, "%.1f s", waited.count() / 1000.0);
  return text;
}

Error gave_up_waiting(const std::string& cache_path, const LockHolder& holder,
                      std::chrono::milliseconds waited) {
  return make_error(ErrorKind::Conflict,
                    "the cache " + cache_path + " is in use by " + describe_holder(holder) +
                        started_ago(holder, std::time(nullptr)) + ": waited " +
                        waited_text(waited) +
                        " for it to finish; one writer at a time: try again later or "
                        "pass a longer --wait");
}

Error stopped_waiting(const std::string& cache_path, const LockHolder& holder) {
  return make_error(ErrorKind::Conflict, "stopped while waiting for the cache " + cache_path +
                                             ", in use by " + describe_holder(holder));
}

// Another process holds the cache file itself although we got the lock file: that file
// was removed (or replaced) while held.
Error held_without_lock_file(const std::string& cache_path, const std::string& lock_path) {
  return in_use(cache_path, "another process (it holds the cache file itself; its lock file " +
                                lock_path + " was removed or replaced while held)");
}

// Whether `fd` is the file now at `path`.
bool is_file_at(int fd, const std::string& path) {
  struct stat now {};
  struct stat held {};
  return fd >= 0 && stat(path.c_str(), &now) == 0 && fstat(fd, &held) == 0 &&
         held.st_dev == now.st_dev && held.st_ino == now.st_ino;
}

Result<int> open_lock_file(const std::string& path) {
  int fd = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) {
    return make_error(ErrorKind::Io,
                      "cannot open the cache lock " + path + ": " + std::strerror(errno));
  }
  return fd;
}

}  // namespace

Result<std::unique_ptr<CacheLock>> CacheLock::acquire(const std::string& cache_path,
                                                      const std::string& command,
                                                      const LockWait& wait) {
  std::string path = canonical_path(cache_path) + ".lock";
  auto fd = open_lock_file(path);
  if (!fd.ok()) return fd.error();
  std::unique_ptr<CacheLock> lock(new CacheLock(*fd, std::move(path), cache_path, command));
  // The cache file itself, when there is one (a new cache is held once it exists).
  lock->cache_fd_ = open(cache_path.c_str(), O_RDONLY | O_CLOEXEC);
  if (Status taken = lock->take(wait); !taken.ok()) return taken.error();
  return lock;
}

Status CacheLock::take(const LockWait& wait) {
  auto since = std::chrono::steady_clock::now();
  bool told = false;
  for (int tries = 1;; ++tries) {
    if (flock(fd_, LOCK_EX | LOCK_NB) == 0) break;
    if (errno != EWOULDBLOCK) {
      return make_error(ErrorKind::Io, "cannot lock " + path_ + ": " + std::strerror(errno));
    }
    LockHolder holder = parse_lock_note(read_all(fd_));
    auto waited = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - since);
    if (wait.limit && waited >= *wait.limit) {
      if (wait.limit->count() == 0) return in_use(cache_path_, describe_holder(holder));
      return gave_up_waiting(cache_path_, holder, *wait.limit);
    }
    if (wait.interrupt && wait.interrupt->load()) return stopped_waiting(cache_path_, holder);
    // A holder writes its note just after it takes the lock: give it a moment to.
    if (!told && wait.on_wait && (holder.pid > 0 || tries >= 3)) {
      wait.on_wait(waiting_line(holder, std::time(nullptr)));
      told = true;
    }
    auto pause = kLockPollInterval;
    if (wait.limit) pause = std::min(pause, *wait.limit - waited);
    std::this_thread::sleep_for(pause);
  }
  if (cache_fd_ >= 0 && flock(cache_fd_, LOCK_EX | LOCK_NB) != 0) {
    int err = errno;
    flock(fd_, LOCK_UN);
    if (err != EWOULDBLOCK) {
      return make_error(ErrorKind::Io, "cannot lock " + cache_path_ + ": " + std::strerror(err));
    }
    return held_without_lock_file(cache_path_, path_);
  }
  held_ = true;
  // Ours now. A pid left in the file belongs to a process that died holding the lock.
  long previous = parse_lock_note(read_all(fd_)).pid;
  taken_over_from_ = previous > 0 && previous != getpid() && !alive(previous) ? previous : 0;
  std::string mine = lock_note(getpid(), command_, std::time(nullptr));
  if (ftruncate(fd_, 0) != 0 || pwrite(fd_, mine.data(), mine.size(), 0) < 0) {
    // The lock holds without the note; only the message naming us is lost.
  }
  return {};
}

void CacheLock::release() {
  if (!held_) return;
  // Leave no pid behind: a later holder would report it as a dead process's lock.
  if (ftruncate(fd_, 0) != 0) {
  }
  if (cache_fd_ >= 0) flock(cache_fd_, LOCK_UN);
  flock(fd_, LOCK_UN);
  held_ = false;
}

Status CacheLock::retake(const LockWait& wait) {
  if (held_) return {};
  if (!is_file_at(fd_, path_)) {
    // The lock file was removed or replaced meanwhile: the next writer meets the new one.
    auto fd = open_lock_file(path_);
    if (!fd.ok()) return fd.error();
    close(fd_);  // not the cache file: no SQLite lock is on it
    fd_ = *fd;
  }
  return take(wait);
}

bool CacheLock::cache_file_replaced() const { return !is_file_at(cache_fd_, cache_path_); }

Status CacheLock::hold_cache_file() {
  struct stat now {};
  if (stat(cache_path_.c_str(), &now) != 0) {
    return make_error(ErrorKind::Io,
                      "cannot lock the cache " + cache_path_ + ": " + std::strerror(errno));
  }
  if (is_file_at(cache_fd_, cache_path_)) {
    return {};  // opening it again here, and closing that, would drop SQLite's locks
  }
  int fd = open(cache_path_.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return make_error(ErrorKind::Io,
                      "cannot lock the cache " + cache_path_ + ": " + std::strerror(errno));
  }
  // Kept even when the flock fails, and closed only by the destructor (see the header).
  if (cache_fd_ >= 0) close(cache_fd_);  // a file moved aside: no connection is left on it
  cache_fd_ = fd;
  if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
    if (errno != EWOULDBLOCK) {
      return make_error(ErrorKind::Io, "cannot lock " + cache_path_ + ": " + std::strerror(errno));
    }
    return held_without_lock_file(cache_path_, path_);
  }
  return {};
}

CacheLock::~CacheLock() {
  release();
  // The cache file first: the lock file is what the next writer waits on.
  if (cache_fd_ >= 0) close(cache_fd_);
  close(fd_);
}

}  // namespace tenantsync
