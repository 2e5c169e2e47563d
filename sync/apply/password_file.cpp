#include "sync/apply/password_file.h"
#include "sync/csv_field.h"

#include <cerrno>
#include <cstring>
#include <utility>

#include <fcntl.h>
#include <openssl/crypto.h>
#include <sys/stat.h>
#include <unistd.h>

namespace tenantsync {

namespace {

constexpr std::string_view kHeader = "userPrincipalName,temporaryPassword\n";

std::string quoted_path(const std::filesystem::path& path) { return path.string(); }

Error exists_error(const std::filesystem::path& path) {
  return make_error(ErrorKind::Conflict,
                    "passwords file " + quoted_path(path) +
                        " already exists; choose a new name (tenantsync never overwrites one)",
                    "PasswordsFileExists");
}

Error io_error(const std::string& what, const std::filesystem::path& path, int err) {
  return make_error(ErrorKind::Io, what + " " + quoted_path(path) + ": " + std::strerror(err),
                    "PasswordsFileIo");
}

std::filesystem::path folder_of(const std::filesystem::path& path) {
  std::filesystem::path parent = path.parent_path();
  return parent.empty() ? std::filesystem::path(".") : parent;
}

Status write_all(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return make_error(ErrorKind::Io, std::strerror(errno));
    }
    if (n == 0) return make_error(ErrorKind::Io, "no space written");
    data.remove_prefix(static_cast<size_t>(n));
  }
  return Status();
}

void sync_folder(const std::filesystem::path& path) {
  int dir = ::open(folder_of(path).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir < 0) return;
  (void)::fsync(dir);  // best effort: some file systems refuse fsync on folders
  ::close(dir);
}

std::string row(std::string_view upn, std::string_view password) {
  std::string line = csv_field(upn, SpreadsheetFormulas::Keep);
  line += ',';
  line += csv_field(password, SpreadsheetFormulas::Keep);
  line += '\n';
  return line;
}

void wipe(std::string& text) { OPENSSL_cleanse(text.data(), text.size()); }

}  // namespace

Status check_passwords_path(const std::filesystem::path& path) {
  if (path.empty()) {
    return make_error(ErrorKind::Invalid, "the passwords file needs a name", "PasswordsFileName");
  }
  if (!path.has_filename()) {
    return make_error(ErrorKind::Invalid,
                      "passwords file " + quoted_path(path) + " names a folder; give a file name",
                      "PasswordsFileName");
  }
  struct stat st {};
  if (::lstat(path.c_str(), &st) == 0) return exists_error(path);
  if (errno != ENOENT) return io_error("cannot create passwords file", path, errno);
  std::filesystem::path folder = folder_of(path);
  if (::stat(folder.c_str(), &st) != 0) {
    return make_error(ErrorKind::Io,
                      "cannot create passwords file " + quoted_path(path) + ": folder " +
                          quoted_path(folder) + " does not exist",
                      "PasswordsFileIo");
  }
  if (!S_ISDIR(st.st_mode)) {
    return make_error(ErrorKind::Io,
                      "cannot create passwords file " + quoted_path(path) + ": " +
                          quoted_path(folder) + " is not a folder",
                      "PasswordsFileIo");
  }
  if (::access(folder.c_str(), W_OK | X_OK) != 0) {
    return make_error(ErrorKind::Io,
                      "cannot create passwords file " + quoted_path(path) +
                          ": no permission to write in folder " + quoted_path(folder),
                      "PasswordsFileIo");
  }
  return Status();
}

Result<PasswordFile> PasswordFile::create(const std::filesystem::path& path) {
  if (path.empty() || !path.has_filename()) {
    Status s = check_passwords_path(path);
    return s.error();
  }
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == EEXIST) return exists_error(path);
    return io_error("cannot create passwords file", path, errno);
  }
  PasswordFile file(path, fd);
  if (::fchmod(fd, 0600) != 0) {
    Error e = io_error("cannot restrict passwords file", path, errno);
    file.discard();
    return e;
  }
  if (Status s = write_all(fd, kHeader); !s.ok()) {
    Error e =
        make_error(ErrorKind::Io,
                   "cannot write passwords file " + quoted_path(path) + ": " + s.error().message,
                   "PasswordsFileIo");
    file.discard();
    return e;
  }
  return file;
}

PasswordFile::PasswordFile(PasswordFile&& other) noexcept
    : path_(std::move(other.path_)), fd_(std::exchange(other.fd_, -1)) {
  other.path_.clear();
}

PasswordFile& PasswordFile::operator=(PasswordFile&& other) noexcept {
  if (this != &other) {
    (void)close();
    path_ = std::move(other.path_);
    other.path_.clear();
    fd_ = std::exchange(other.fd_, -1);
  }
  return *this;
}

PasswordFile::~PasswordFile() { (void)close(); }

Status PasswordFile::append(std::string_view user_principal_name, std::string_view password) {
  std::string text = row(user_principal_name, password);
  Status s = write_rows(text);
  wipe(text);
  return s;
}

Status PasswordFile::append_all(const std::vector<PasswordEntry>& entries) {
  std::string text;
  for (const PasswordEntry& e : entries) text += row(e.user_principal_name, e.password);
  Status s = write_rows(text);
  wipe(text);
  return s;
}

Status PasswordFile::write_rows(std::string_view text) {
  if (fd_ < 0) {
    return make_error(ErrorKind::Internal,
                      "passwords file " + quoted_path(path_) + " is already closed");
  }
  Status s = write_all(fd_, text);
  if (s.ok() && ::fsync(fd_) != 0) s = make_error(ErrorKind::Io, std::strerror(errno));
  if (!s.ok()) {
    return make_error(
        ErrorKind::Io,
        "cannot write passwords file " + quoted_path(path_) + ": " + s.error().message,
        "PasswordsFileIo");
  }
  return Status();
}

Status PasswordFile::close() {
  if (fd_ < 0) return Status();
  int fd = std::exchange(fd_, -1);
  int sync_err = ::fsync(fd) == 0 ? 0 : errno;
  int close_err = ::close(fd) == 0 ? 0 : errno;
  if (sync_err || close_err) {
    return io_error("cannot write passwords file", path_, sync_err ? sync_err : close_err);
  }
  sync_folder(path_);
  return Status();
}

void PasswordFile::discard() {
  if (fd_ >= 0) ::close(std::exchange(fd_, -1));
  if (!path_.empty()) ::unlink(path_.c_str());
  path_.clear();
}

Status write_passwords_file(const std::filesystem::path& path,
                            const std::vector<PasswordEntry>& entries) {
  Result<PasswordFile> file = PasswordFile::create(path);
  if (!file.ok()) return file.status();
  Status s = file->append_all(entries);
  if (s.ok()) s = file->close();
  if (!s.ok()) file->discard();
  return s;
}

}  // namespace tenantsync
