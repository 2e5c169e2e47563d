// Where `apply` and `run` put the temporary passwords of the users their plan creates:
// `apply --passwords-out F` (that file) or the config's `passwords.dir`, a folder that
// gets one new CSV per run, passwords-<UTC time>.csv (passwords-<time>-2.csv, -3, ... when
// that name is taken). Files are created 0600 and never overwritten (password_file.h); the
// folder is created 0700, and an existing one that group or others may enter is refused.
// Without either, a plan blocks its creates (PlanOptions::creates_blocked) with the
// reasons below instead of planning them ready.
//
// A run that creates nobody leaves no file behind. Each password reaches the file as soon
// as the service created its user. Not thread-safe: one owner per RunPasswords.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "model/plan.h"
#include "model/result.h"
#include "sync/apply/created_passwords.h"
#include "sync/apply/executor.h"
#include "sync/apply/password_file.h"
#include "sync/clock.h"

namespace tenantsync {

struct PasswordsDestination {
  std::string file;    // apply --passwords-out
  std::string folder;  // passwords.dir
  bool empty() const { return file.empty() && folder.empty(); }
};

// Why `plan` and `apply` block creates without a destination.
inline constexpr const char* kCreatesNeedPasswordsFile =
    "creating users needs a passwords file: set passwords.dir or pass --passwords-out";
// The same for `run`, which has no --passwords-out.
inline constexpr const char* kCreatesNeedPasswordsFolder =
    "creating users needs a passwords file: set passwords.dir";

// Why a plan blocks its creates (PlanOptions::creates_blocked) when apply would write their
// passwords to `where`: kCreatesNeedPasswordsFile without a destination, "" with one.
std::string creates_blocked_reason(const PasswordsDestination& where);

// Checked before anything is sent: the file must not exist and its folder be writable;
// the folder is created (0700) when missing, and refused when it is not a folder or group
// or others may enter it. OK for an empty destination.
Status check_passwords_destination(const PasswordsDestination& where);

class RunPasswords {
 public:
  // Draws a password per ready create of `plan` and creates the file for them. Nothing
  // (callbacks() empty, no file) when the plan creates nobody or `where` is empty.
  static Result<std::unique_ptr<RunPasswords>> open(const Plan& plan,
                                                    const PasswordsDestination& where,
                                                    Clock::time_point now);

  // For ExecuteOptions::passwords; empty callbacks when there is no file.
  TemporaryPasswords callbacks();

  // After the run: closes the file, or removes it when nobody was created. Returns the
  // line to show ("the temporary passwords of 2 created users are in F"; "" when none),
  // or an Io error naming the file and saying the users created need new passwords.
  Result<std::string> finish();

 private:
  RunPasswords() = default;
  CreatedPasswords passwords_;
  std::optional<PasswordFile> file_;
};

}  // namespace tenantsync
