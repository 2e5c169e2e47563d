// One tenant's share of an apply (executor.h): TenantRun sends the tenant's ready
// operations phase by phase (tenant_run.cpp) and folds each result into the journal, the
// cache and the plan (tenant_run_results.cpp). Internal to sync/apply/: execute_plan runs
// one per tenant, several at once, and gives them what they share (Shared).
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "sync/apply/executor.h"
#include "sync/apply/license_change.h"
#include "sync/log.h"

namespace tenantsync::apply_run {

inline constexpr size_t kNone = static_cast<size_t>(-1);

// What every tenant run shares.
struct Shared {
  Shared(Directory& d, Cache& c, const ExecuteOptions& o, std::string id)
      : directory(d), cache(c), options(o), plan_id(std::move(id)) {}

  Directory& directory;
  Cache& cache;
  const ExecuteOptions& options;
  std::string plan_id;

  std::atomic<bool> stop{false};  // a worker crashed (an exception): stop before the next step
  bool interrupted() const { return options.interrupt && options.interrupt->load(); }
  std::atomic<int> write_calls{0};
  std::atomic<int> write_requests{0};

  std::mutex mu;
  std::vector<Error> local_errors;  // guarded by mu

  void add_error(Error e) {
    log_error("apply: " + e.message);
    std::lock_guard<std::mutex> lock(mu);
    local_errors.push_back(std::move(e));
  }
  void progress(const ApplyProgress& p) {
    if (!options.progress) return;
    std::lock_guard<std::mutex> lock(mu);
    options.progress(p);
  }
  // The password callbacks, one call at a time whatever the worker.
  std::string generate_password(const Operation& create) {
    std::lock_guard<std::mutex> lock(password_mu);
    return options.passwords.generate(create);
  }
  void password_created(const std::string& upn, const std::string& password) {
    if (!options.passwords.created) return;
    std::lock_guard<std::mutex> lock(password_mu);
    options.passwords.created(upn, password);
  }

  std::mutex password_mu;
};

// One user's share of a tenant's plan.
struct UserWork {
  std::string upn;
  std::string target;           // what requests address: the id, or the UPN until known
  std::optional<User> user;     // the active user as far as known now
  std::optional<User> deleted;  // the snapshot's soft-deleted copy (restore)
  size_t create = kNone;
  size_t restore = kNone;
  size_t remove = kNone;  // the delete operation
  size_t set = kNone;     // the set of properties (PATCH)
  std::vector<size_t> license_ops;
  std::vector<size_t> role_ops;  // AddRole / RemoveRole: one request each
};

// One request and the operations it carries.
struct Call {
  WriteRequest request;
  size_t user = kNone;
  std::vector<size_t> ops;
  LicenseChange change;  // AssignLicense
  std::string password;  // CreateUser: handed to TemporaryPasswords::created, nowhere else
};

class TenantRun {
 public:
  TenantRun(Shared& shared, TenantPlan& plan, std::vector<std::int64_t> seqs)
      : shared_(shared),
        plan_(plan),
        seqs_(std::move(seqs)),
        tenant_key_(plan.tenant_id.empty() ? plan.tenant : plan.tenant_id) {}

  void run();
  // Journals every operation still ready as skipped: the run was interrupted.
  void abandon();

 private:
  Operation& op(size_t i) { return plan_.operations[i]; }
  bool ready(size_t i) const { return plan_.operations[i].status == OpStatus::Ready; }

  bool load_users();
  void create_and_restore();
  void set_properties();
  void licenses(ApplyPhase phase);
  void roles();
  void deletions();
  // One call of `kind` per user whose operation `which` (set, remove) is ready.
  std::vector<Call> user_calls(size_t UserWork::*which, WriteRequest::Kind kind);
  void send(ApplyPhase phase, std::vector<Call>& calls);
  void finish(Call& call, WriteResult& result, std::vector<JournalOutcome>& outcomes);
  void finish_create(Call& call, const WriteResult& result);
  void finish_restore(Call& call, const WriteResult& result);
  bool read_unknown_user(UserWork& w);
  void finish_license(Call& call, const WriteResult& result);
  void finish_set(Call& call);
  void settle(size_t i, OpStatus status, std::string reason, std::optional<Error> error,
              std::vector<JournalOutcome>& outcomes);
  void skip_license_ops(UserWork& u, const std::string& reason,
                        std::vector<JournalOutcome>& outcomes);
  void fold(const User& user);
  void fold_deleted(const std::string& user_id);
  void flush_folds();
  void send_swaps(std::vector<Call>& calls);
  std::vector<std::string> seats_taken(const Call& call) const;
  void hold_back_unfreed_seats(std::vector<Call>& calls);
  void count_seats(const std::optional<User>& before, const User& after);
  void cache_failed(const Error& e);
  void journal_failed(const Error& e);
  void skip_remaining(const std::string& reason);
  void refresh_skus();
  void report_progress() { shared_.progress({plan_.tenant, done_, total_}); }

  Shared& shared_;
  TenantPlan& plan_;
  std::vector<std::int64_t> seqs_;  // journal seq per operation (0: not journalled)
  std::string tenant_key_;
  std::vector<UserWork> users_;
  int total_ = 0;
  int done_ = 0;
  UserPage folds_;       // results of the current chunk, written to the cache at once
  bool broken_ = false;  // the journal failed: send nothing more
  bool sent_ = false;
  bool cache_stale_ = false;
  // Free seats per SKU id as apply goes (enabled + warning - consumed; a restore can take
  // it below 0), from the cache's seat counts and every result since.
  std::unordered_map<std::string, int> free_seats_;
  // SKU id -> why the call that was to free a seat of it failed in this run.
  std::unordered_map<std::string, std::string> unfreed_seats_;
};

}  // namespace tenantsync::apply_run
