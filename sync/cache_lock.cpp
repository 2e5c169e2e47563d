#include "sync/cache_lock.h"

#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string_view>

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

// "4242 run\n" -> 4242; 0 when the file holds nothing usable.
long holder_pid(std::string_view text) {
  long pid = 0;
  for (char c : text) {
    if (c < '0' || c > '9') break;
    pid = pid * 10 + (c - '0');
    if (pid > 1L << 30) return 0;
  }
  return pid;
}

std::string holder_command(std::string_view text) {
  auto space = text.find(' ');
  if (space == std::string_view::npos) return "";
  auto line = text.substr(space + 1);
  return std::string(line.substr(0, line.find('\n')));
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

// Another process holds the cache file itself although we got the lock file: that file
// was removed (or replaced) while held.
Error held_without_lock_file(const std::string& cache_path, const std::string& lock_path) {
  return in_use(cache_path, "another process (it holds the cache file itself; its lock file " +
                                lock_path + " was removed or replaced while held)");
}

}  // namespace

Result<std::unique_ptr<CacheLock>> CacheLock::acquire(const std::string& cache_path,
                                                      const std::string& command) {
  std::string path = canonical_path(cache_path) + ".lock";
  int fd = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) {
    return make_error(ErrorKind::Io,
                      "cannot open the cache lock " + path + ": " + std::strerror(errno));
  }
  if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
    int err = errno;
    std::string text = read_all(fd);
    close(fd);
    if (err != EWOULDBLOCK) {
      return make_error(ErrorKind::Io, "cannot lock " + path + ": " + std::strerror(err));
    }
    long pid = holder_pid(text);
    std::string who = pid > 0 ? "pid " + std::to_string(pid) : "another process";
    std::string what = holder_command(text);
    if (!what.empty()) who += " (tenantsync " + what + ")";
    return in_use(cache_path, who);
  }
  std::unique_ptr<CacheLock> lock(new CacheLock(fd, std::move(path), cache_path, 0));
  // The cache file itself, when there is one (a new cache is held once it exists).
  lock->cache_fd_ = open(cache_path.c_str(), O_RDONLY | O_CLOEXEC);
  if (lock->cache_fd_ >= 0 && flock(lock->cache_fd_, LOCK_EX | LOCK_NB) != 0) {
    int err = errno;
    std::string lock_path = lock->path_;
    lock.reset();  // no Cache is open on the file yet: closing its descriptor is harmless
    if (err != EWOULDBLOCK) {
      return make_error(ErrorKind::Io, "cannot lock " + cache_path + ": " + std::strerror(err));
    }
    return held_without_lock_file(cache_path, lock_path);
  }
  // Ours now. A pid left in the file belongs to a process that died holding the lock.
  long previous = holder_pid(read_all(fd));
  lock->taken_over_from_ = previous > 0 && previous != getpid() && !alive(previous) ? previous : 0;
  std::string mine = std::to_string(getpid()) + " " + command + "\n";
  if (ftruncate(fd, 0) != 0 || pwrite(fd, mine.data(), mine.size(), 0) < 0) {
    // The lock holds without the note; only the message naming us is lost.
  }
  return lock;
}

Status CacheLock::hold_cache_file() {
  struct stat now {};
  if (stat(cache_path_.c_str(), &now) != 0) {
    return make_error(ErrorKind::Io,
                      "cannot lock the cache " + cache_path_ + ": " + std::strerror(errno));
  }
  struct stat held {};
  if (cache_fd_ >= 0 && fstat(cache_fd_, &held) == 0 && held.st_dev == now.st_dev &&
      held.st_ino == now.st_ino) {
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
  // Leave no pid behind: a later holder would report it as a dead process's lock.
  if (ftruncate(fd_, 0) != 0) {
  }
  close(fd_);  // closing the last descriptor releases the flock
  if (cache_fd_ >= 0) close(cache_fd_);
}

}  // namespace tenantsync
