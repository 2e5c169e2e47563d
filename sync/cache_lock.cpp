#include "sync/cache_lock.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
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

}  // namespace

Result<std::unique_ptr<CacheLock>> CacheLock::acquire(const std::string& cache_path,
                                                      const std::string& command) {
  std::string path = cache_path + ".lock";
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
    return make_error(ErrorKind::Conflict,
                      "the cache " + cache_path + " is in use by " + who +
                          ": one writer at a time; wait for it to finish or stop it");
  }
  // Ours now. A pid left in the file belongs to a process that died holding the lock.
  long previous = holder_pid(read_all(fd));
  long taken_over = previous > 0 && previous != getpid() && !alive(previous) ? previous : 0;
  std::string mine = std::to_string(getpid()) + " " + command + "\n";
  if (ftruncate(fd, 0) != 0 || pwrite(fd, mine.data(), mine.size(), 0) < 0) {
    // The lock holds without the note; only the message naming us is lost.
  }
  return std::unique_ptr<CacheLock>(new CacheLock(fd, std::move(path), taken_over));
}

CacheLock::~CacheLock() {
  // Leave no pid behind: a later holder would report it as a dead process's lock.
  if (ftruncate(fd_, 0) != 0) {
  }
  close(fd_);  // closing the last descriptor releases the flock
}

}  // namespace tenantsync
