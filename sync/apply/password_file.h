// The file that receives temporary passwords (--passwords-out): the only place a password
// is ever written.
//
// Format: CSV, UTF-8 without BOM, LF line ends (Excel, LibreOffice and every script read
// them), the header `userPrincipalName,temporaryPassword`, one row per user. A field is
// quoted (RFC 4180: "..." with inner quotes doubled) only when it holds `,` `"` `;` a line
// break or leading/trailing spaces, which tenantsync's own passwords and valid user
// principal names never do.
//
// Safety: the file is created with open(O_WRONLY|O_CREAT|O_EXCL|O_NOFOLLOW, 0600) and
// fchmod'ed to 0600 so no umask widens it; an existing file (or symlink) at the path is
// never opened, truncated or overwritten (ErrorKind::Conflict, code "PasswordsFileExists").
// Data is fsync'ed before the file is closed, and the folder entry after. Commands call
// check_passwords_path() before any remote call, so a bad path refuses the command before
// anything changes. Error messages name the path, never a password. Not thread-safe: one
// owner per PasswordFile.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "model/result.h"

namespace tenantsync {

struct PasswordEntry {
  std::string user_principal_name;
  std::string password;
};

// Preflight: OK when `path` names no existing file (nor a dangling symlink) and its folder
// exists and is writable. ErrorKind::Conflict when the file exists, ErrorKind::Io when the
// folder is missing, not a folder or not writable, ErrorKind::Invalid for an empty path.
Status check_passwords_path(const std::filesystem::path& path);

// Writes every entry at once: creates the file, writes the header and the rows, fsyncs and
// closes. On any failure after creating it, the partial file is removed.
Status write_passwords_file(const std::filesystem::path& path,
                            const std::vector<PasswordEntry>& entries);

// A passwords file filled row by row as users are created, so a password reaches the disk
// as soon as its user exists (each append is fsync'ed), and an interrupted run still leaves
// every password it set.
class PasswordFile {
 public:
  // Creates the file (refused if it exists) and writes the header line.
  static Result<PasswordFile> create(const std::filesystem::path& path);

  PasswordFile(PasswordFile&& other) noexcept;
  PasswordFile& operator=(PasswordFile&& other) noexcept;
  PasswordFile(const PasswordFile&) = delete;
  PasswordFile& operator=(const PasswordFile&) = delete;
  ~PasswordFile();  // closes without removing (see discard())

  const std::filesystem::path& path() const { return path_; }

  // Writes one row and fsyncs it.
  Status append(std::string_view user_principal_name, std::string_view password);
  // Writes several rows, then fsyncs once.
  Status append_all(const std::vector<PasswordEntry>& entries);
  // fsyncs and closes the file, then fsyncs its folder. Idempotent.
  Status close();
  // Closes and removes the file: for a run that fails before any password was set.
  void discard();

 private:
  PasswordFile(std::filesystem::path path, int fd) : path_(std::move(path)), fd_(fd) {}
  Status write_rows(std::string_view text);  // write + fsync

  std::filesystem::path path_;
  int fd_ = -1;
};

}  // namespace tenantsync
