#include "sync/apply/run_passwords.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

namespace tenantsync {

namespace fs = std::filesystem;

namespace {

Error folder_error(const std::string& what, const std::string& folder, int err) {
  return make_error(ErrorKind::Io, what + " " + folder + ": " + std::strerror(err),
                    "PasswordsFolder");
}

Status check_passwords_folder(const std::string& folder) {
  struct stat st {};
  if (::stat(folder.c_str(), &st) != 0) {
    if (errno != ENOENT) return folder_error("cannot use passwords folder", folder, errno);
    std::error_code ec;
    fs::path parent = fs::path(folder).parent_path();
    if (!parent.empty()) fs::create_directories(parent, ec);
    if (::mkdir(folder.c_str(), 0700) != 0 && errno != EEXIST) {
      return folder_error("cannot create passwords folder", folder, errno);
    }
    // mkdir's mode passes through the umask, which may only narrow it; make it exact.
    if (::chmod(folder.c_str(), 0700) != 0) {
      return folder_error("cannot restrict passwords folder", folder, errno);
    }
    if (::stat(folder.c_str(), &st) != 0) {
      return folder_error("cannot use passwords folder", folder, errno);
    }
  }
  if (!S_ISDIR(st.st_mode)) {
    return make_error(ErrorKind::Io, "passwords folder " + folder + " is not a folder",
                      "PasswordsFolder");
  }
  if ((st.st_mode & 077) != 0) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
    return make_error(ErrorKind::Io,
                      "passwords folder " + folder + " may be entered by group or others (mode " +
                          mode + "): chmod 700 it",
                      "PasswordsFolder");
  }
  if (::access(folder.c_str(), W_OK | X_OK) != 0) {
    return folder_error("cannot write to passwords folder", folder, errno);
  }
  return Status();
}

// passwords-<stamp>.csv, or the first of -2, -3, ... that is free: never overwritten.
Result<PasswordFile> create_in_folder(const std::string& folder, Clock::time_point now) {
  const std::string stamp = format_file_stamp(now);
  for (int n = 1; n < 1000; ++n) {
    fs::path path = fs::path(folder) /
                    ("passwords-" + stamp + (n == 1 ? "" : "-" + std::to_string(n)) + ".csv");
    auto file = PasswordFile::create(path);
    if (file.ok() || file.error().kind != ErrorKind::Conflict) return file;
  }
  return make_error(ErrorKind::Conflict,
                    "passwords folder " + folder + " has no free name for " + stamp,
                    "PasswordsFileExists");
}

}  // namespace

std::string creates_blocked_reason(const PasswordsDestination& where) {
  return where.empty() ? kCreatesNeedPasswordsFile : "";
}

Status check_passwords_destination(const PasswordsDestination& where) {
  if (!where.file.empty()) return check_passwords_path(where.file);
  if (!where.folder.empty()) return check_passwords_folder(where.folder);
  return Status();
}

Result<std::unique_ptr<RunPasswords>> RunPasswords::open(const Plan& plan,
                                                         const PasswordsDestination& where,
                                                         Clock::time_point now) {
  std::unique_ptr<RunPasswords> run(new RunPasswords());
  if (where.empty()) return run;
  if (Status drawn = run->passwords_.draw(plan); !drawn.ok()) return drawn.error();
  if (run->passwords_.empty()) return run;
  // Taken now, refused if it exists, so the passwords have a place before any user does.
  if (where.file.empty()) {
    if (Status s = check_passwords_folder(where.folder); !s.ok()) return s.error();
  }
  auto file =
      where.file.empty() ? create_in_folder(where.folder, now) : PasswordFile::create(where.file);
  if (!file.ok()) return file.error();
  run->file_ = std::move(*file);
  return run;
}

TemporaryPasswords RunPasswords::callbacks() {
  if (!file_) return {};
  return passwords_.callbacks(&*file_);
}

Result<std::string> RunPasswords::finish() {
  if (!file_) return std::string();
  size_t created = passwords_.created().size();
  if (created == 0) {
    file_->discard();
    file_.reset();
    return std::string();
  }
  Status closed = file_->close();
  const std::optional<Error>& failed = passwords_.write_error();
  if (failed || !closed.ok()) {
    return make_error(ErrorKind::Io, (failed ? *failed : closed.error()).message +
                                         "; the users created need new passwords: run "
                                         "tenantsync users reset-password");
  }
  std::string line = "the temporary passwords of " + std::to_string(created) + " created user" +
                     (created == 1 ? "" : "s") + " are in " + file_->path().string();
  file_.reset();
  return line;
}

}  // namespace tenantsync
