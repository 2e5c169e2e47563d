#include "sync/private_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace tenantsync {

namespace {

Error write_error(const std::filesystem::path& path, int err) {
  return make_error(ErrorKind::Io, "cannot write " + path.string() + ": " + std::strerror(err));
}

}  // namespace

Status write_private_file(const std::filesystem::path& path, std::string_view text) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return write_error(path, errno);
  if (::fchmod(fd, 0600) != 0) {
    int err = errno;
    ::close(fd);
    return write_error(path, err);
  }
  while (!text.empty()) {
    ssize_t n = ::write(fd, text.data(), text.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      int err = n < 0 ? errno : EIO;
      ::close(fd);
      return write_error(path, err);
    }
    text.remove_prefix(static_cast<size_t>(n));
  }
  if (::close(fd) != 0) return write_error(path, errno);
  return {};
}

Status create_private_folder(const std::filesystem::path& dir, const std::string& what) {
  std::error_code ec;
  if (std::filesystem::is_directory(dir, ec)) return {};
  if (dir.has_parent_path() && dir.parent_path() != dir) {
    std::filesystem::create_directories(dir.parent_path(), ec);
    if (ec) {
      return make_error(ErrorKind::Io,
                        "cannot create " + what + " " + dir.string() + ": " + ec.message());
    }
  }
  if (::mkdir(dir.c_str(), 0700) != 0) {
    if (errno == EEXIST) return {};  // made meanwhile by someone else: theirs to set
    return make_error(ErrorKind::Io,
                      "cannot create " + what + " " + dir.string() + ": " + std::strerror(errno));
  }
  // The umask filters mkdir's mode: one like 0277 would leave the folder unusable to us.
  if (::chmod(dir.c_str(), 0700) != 0) {
    return make_error(ErrorKind::Io, "cannot set the mode of " + what + " " + dir.string() + ": " +
                                         std::strerror(errno));
  }
  return {};
}

}  // namespace tenantsync
