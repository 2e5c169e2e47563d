// The temporary passwords of the users one command creates (apply, run, users add,
// users import): drawn before anything is sent (a CSPRNG failure stops the command while
// nothing has changed), handed to the executor, and those of the users the service created
// kept for the passwords file. With a file attached, each created user's row is written
// (and fsync'ed) as soon as the service created it, so a run cut short still leaves every
// password it set.
//
// Passwords live only here and in the file: never in a log, the journal or the cache.
// They are wiped from memory on destruction. The executor calls the callbacks from its
// workers one at a time; the object must outlive execute_plan() and is not copyable.
#pragma once

#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "model/plan.h"
#include "model/result.h"
#include "sync/apply/executor.h"
#include "sync/apply/password_file.h"

namespace tenantsync {

class CreatedPasswords {
 public:
  CreatedPasswords() = default;
  CreatedPasswords(const CreatedPasswords&) = delete;
  CreatedPasswords& operator=(const CreatedPasswords&) = delete;
  ~CreatedPasswords();

  // One password per ready create of `plan` (of every tenant).
  Status draw(const Plan& plan);
  Status draw(const TenantPlan& plan);
  bool empty() const { return drawn_.empty(); }

  // The executor's callbacks. With `file`, each created user's row is appended at once;
  // the first failure to do so is kept (write_error()) and the rest are still kept here.
  TemporaryPasswords callbacks(PasswordFile* file = nullptr);

  const std::vector<PasswordEntry>& created() const { return created_; }
  const std::optional<Error>& write_error() const { return write_error_; }

 private:
  std::unordered_map<std::string, std::string> drawn_;  // lower-case UPN -> password
  std::vector<PasswordEntry> created_;
  std::optional<Error> write_error_;
};

}  // namespace tenantsync
