#include "sync/apply/executor.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <exception>
#include <mutex>
#include <optional>
#include <random>
#include <thread>
#include <unordered_map>
#include <utility>

#include "sync/apply/license_change.h"
#include "sync/ascii_case.h"
#include "sync/log.h"
#include "sync/plan/property_change.h"

namespace tenantsync {

namespace {

constexpr size_t kNone = static_cast<size_t>(-1);
constexpr const char* kReportMode = "tenant is in report mode";
constexpr const char* kNoPasswords =
    "not sent: creating users needs a file for their temporary passwords";

std::string generated_plan_id(Clock& clock) {
  std::random_device rd;
  char suffix[9];
  std::snprintf(suffix, sizeof suffix, "%08x", static_cast<unsigned>(rd()));
  return "apply-" + format_iso8601(clock.now()) + "-" + suffix;
}

OperationError operation_error(const Error& e) {
  return {e.code.empty() ? std::string(to_string(e.kind)) : e.code, e.message};
}

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

void TenantRun::run() {
  for (const auto& o : plan_.operations) {
    if (o.status == OpStatus::Ready) ++total_;
  }
  if (total_ == 0) return;
  if (!load_users()) return;
  report_progress();
  create_and_restore();
  set_properties();
  licenses(ApplyPhase::FreeSeats);
  licenses(ApplyPhase::Swap);
  licenses(ApplyPhase::Assign);
  roles();
  deletions();
  if (shared_.stop) return;
  if (broken_) skip_remaining("not sent: the journal could not be written");
  if (!broken_ && shared_.interrupted()) abandon();
  if (sent_) refresh_skus();
}

// Groups the ready operations by user and takes each user's state from the cache.
bool TenantRun::load_users() {
  std::unordered_map<std::string, size_t> index;  // user id, or "upn:" + lower-case UPN
  for (size_t i = 0; i < plan_.operations.size(); ++i) {
    if (!ready(i)) continue;
    const Operation& o = op(i);
    std::string key = o.user_id.empty() ? "upn:" + ascii_lower(o.user) : o.user_id;
    auto [it, inserted] = index.emplace(key, users_.size());
    if (inserted) {
      users_.push_back({});
      users_.back().upn = o.user;
      users_.back().target = o.user_id.empty() ? o.user : o.user_id;
    }
    UserWork& u = users_[it->second];
    switch (o.op) {
      case OpKind::Create:
        u.create = i;
        break;
      case OpKind::Restore:
        u.restore = i;
        break;
      case OpKind::Delete:
        u.remove = i;
        break;
      case OpKind::AddRole:
      case OpKind::RemoveRole:
        u.role_ops.push_back(i);
        break;
      case OpKind::SetProperties:
        u.set = i;
        break;
      default:
        u.license_ops.push_back(i);
        break;
    }
  }
  auto snapshot = shared_.cache.load_snapshot(tenant_key_);
  // A saved plan (apply --plan) carries no checksum: rows damaged since it was made are
  // caught here, before anything is sent from them.
  std::optional<std::string> unusable;
  if (!snapshot.ok()) {
    shared_.add_error(snapshot.error());
    unusable = "not sent: the cache could not be read: " + snapshot.error().message;
  } else if (!snapshot->failing_checksum.empty()) {
    unusable = "not sent: " + checksum_failure_message(plan_.tenant);
  }
  if (unusable) {
    std::vector<JournalOutcome> outcomes;
    for (size_t i = 0; i < plan_.operations.size(); ++i) {
      if (ready(i)) settle(i, OpStatus::Skipped, *unusable, std::nullopt, outcomes);
    }
    Status s = shared_.cache.journal().record_outcomes(outcomes);
    if (!s.ok()) shared_.add_error(s.error());
    return false;
  }
  for (const auto& sku : snapshot->skus) {
    free_seats_[sku.sku_id] = sku.usable_seats() - sku.consumed_units;
  }
  for (auto& user : snapshot->users) {
    auto it = index.find(user.id);
    if (it != index.end()) users_[it->second].user = std::move(user);
  }
  for (auto& user : snapshot->deleted_users) {
    auto it = index.find(user.id);
    if (it != index.end()) users_[it->second].deleted = std::move(user);
  }
  return true;
}

void TenantRun::create_and_restore() {
  std::vector<Call> calls;
  std::vector<JournalOutcome> outcomes;
  for (size_t u = 0; u < users_.size(); ++u) {
    UserWork& w = users_[u];
    if (w.create != kNone && ready(w.create)) {
      if (!shared_.options.passwords.generate) {
        settle(w.create, OpStatus::Skipped, kNoPasswords, std::nullopt, outcomes);
        skip_license_ops(w, "not sent: the user was not created", outcomes);
        continue;
      }
      Call c;
      c.user = u;
      c.ops = {w.create};
      c.password = shared_.generate_password(op(w.create));
      c.request.kind = WriteRequest::Kind::CreateUser;
      c.request.user = w.upn;
      c.request.body = op(w.create).details.value_or(nlohmann::json::object());
      c.request.body["passwordProfile"] = {{"forceChangePasswordNextSignIn", true},
                                           {"password", c.password}};
      calls.push_back(std::move(c));
    }
    if (w.restore != kNone && ready(w.restore)) {
      Call c;
      c.user = u;
      c.ops = {w.restore};
      c.request.kind = WriteRequest::Kind::RestoreUser;
      c.request.user = op(w.restore).user_id;
      const auto& details = op(w.restore).details;
      if (details && details->contains("newUserPrincipalName")) {
        c.request.new_user_principal_name = details->value("newUserPrincipalName", "");
      }
      calls.push_back(std::move(c));
    }
  }
  if (!outcomes.empty()) {
    Status s = shared_.cache.journal().record_outcomes(outcomes);
    if (!s.ok()) journal_failed(s.error());
    report_progress();
  }
  send(ApplyPhase::CreateRestore, calls);
}

// One PATCH per user, after its restore and before its licenses: an assignment may need
// the usage location it sets.
void TenantRun::set_properties() {
  std::vector<Call> calls = user_calls(&UserWork::set, WriteRequest::Kind::UpdateUser);
  for (Call& c : calls) c.request.body = op(c.ops[0]).details.value_or(nlohmann::json::object());
  send(ApplyPhase::SetProperties, calls);
}

void TenantRun::licenses(ApplyPhase phase) {
  std::vector<Call> calls;
  for (size_t u = 0; u < users_.size(); ++u) {
    UserWork& w = users_[u];
    Call c;
    c.user = u;
    for (size_t i : w.license_ops) {
      if (!ready(i)) continue;
      const Operation& o = op(i);
      c.ops.push_back(i);
      if (o.op == OpKind::Revoke) {
        c.change.remove.push_back(o.sku_id);
      } else {
        c.change.add.push_back({o.sku_id, o.disabled_plans});
      }
    }
    if (c.ops.empty()) continue;
    bool removes = !c.change.remove.empty();
    bool adds = !c.change.add.empty();
    ApplyPhase belongs = removes && !adds  ? ApplyPhase::FreeSeats
                         : removes && adds ? ApplyPhase::Swap
                                           : ApplyPhase::Assign;
    if (belongs != phase) continue;
    c.request.kind = WriteRequest::Kind::AssignLicense;
    c.request.user = w.target;
    c.request.add_licenses = c.change.add;
    c.request.remove_licenses = c.change.remove;
    calls.push_back(std::move(c));
  }
  if (phase == ApplyPhase::Swap) {
    send_swaps(calls);
  } else {
    if (phase == ApplyPhase::Assign) hold_back_unfreed_seats(calls);
    send(phase, calls);
  }
}

// A swap may take a seat that another swap frees (one user moves from SPE_E5 to SPE_E3
// while another moves from EXCHANGESTANDARD to SPE_E5; a restored user gives back a
// license the restore brought past the seat count). The plan counts every revocation
// before every assignment, so the swaps go in rounds: each round only the calls whose new
// seats are free now, the rest once the round's removals went through. When nothing
// fits, the rest go anyway and the service decides.
void TenantRun::send_swaps(std::vector<Call>& calls) {
  while (!calls.empty()) {
    std::unordered_map<std::string, int> free = free_seats_;
    std::vector<Call> round, later;
    for (auto& c : calls) {
      std::vector<std::string> takes = seats_taken(c);
      bool fits = std::all_of(takes.begin(), takes.end(), [&](const std::string& sku) {
        auto it = free.find(sku);
        return it == free.end() || it->second > 0;
      });
      if (!fits) {
        later.push_back(std::move(c));
        continue;
      }
      for (const auto& sku : takes) {
        if (auto it = free.find(sku); it != free.end()) --it->second;
      }
      round.push_back(std::move(c));
    }
    if (round.empty()) {
      hold_back_unfreed_seats(later);
      std::swap(round, later);
    }
    send(ApplyPhase::Swap, round);
    calls = std::move(later);
  }
}

// The SKU ids whose seats `call` takes: those it adds that the user does not hold yet.
std::vector<std::string> TenantRun::seats_taken(const Call& call) const {
  const std::optional<User>& user = users_[call.user].user;
  std::vector<std::string> takes;
  for (const auto& l : call.change.add) {
    if (!user || !user->find_license(l.sku_id)) takes.push_back(l.sku_id);
  }
  return takes;
}

// A call that needs a seat no longer free, of a SKU whose seat-freeing call failed in this
// run, would be refused: it is not sent but reported blocked with that failure. The
// others keep the free seats in call order, as the service would hand them out.
void TenantRun::hold_back_unfreed_seats(std::vector<Call>& calls) {
  if (unfreed_seats_.empty()) return;
  std::unordered_map<std::string, int> free = free_seats_;
  std::vector<JournalOutcome> outcomes;
  std::vector<Call> kept;
  for (auto& c : calls) {
    std::vector<std::string> takes = seats_taken(c);
    std::string reason;
    for (const auto& sku : takes) {
      auto unfreed = unfreed_seats_.find(sku);
      auto seats = free.find(sku);
      if (unfreed != unfreed_seats_.end() && seats != free.end() && seats->second <= 0) {
        reason = unfreed->second;
        break;
      }
    }
    if (reason.empty()) {
      for (const auto& sku : takes) {
        if (auto seats = free.find(sku); seats != free.end()) --seats->second;
      }
      kept.push_back(std::move(c));
      continue;
    }
    for (size_t i : c.ops) settle(i, OpStatus::Blocked, reason, std::nullopt, outcomes);
  }
  calls = std::move(kept);
  if (outcomes.empty()) return;
  Status s = shared_.cache.journal().record_outcomes(outcomes);
  if (!s.ok()) journal_failed(s.error());
  report_progress();
}

// Seats a user's new licenses take and its lost ones free (each SKU counts once, however
// the user holds it).
void TenantRun::count_seats(const std::optional<User>& before, const User& after) {
  for (auto& [sku, free] : free_seats_) {
    bool held = before && before->find_license(sku);
    bool holds = after.find_license(sku) != nullptr;
    free += (held ? 1 : 0) - (holds ? 1 : 0);
  }
}

// Each role change is its own request, sent once the user exists (after its create).
void TenantRun::roles() {
  std::vector<Call> calls;
  for (size_t u = 0; u < users_.size(); ++u) {
    UserWork& w = users_[u];
    for (size_t i : w.role_ops) {
      if (!ready(i)) continue;
      const nlohmann::json details = op(i).details.value_or(nlohmann::json::object());
      Call c;
      c.user = u;
      c.ops = {i};
      if (op(i).op == OpKind::AddRole) {
        c.request.kind = WriteRequest::Kind::AddRole;
        c.request.user = w.target;
        c.request.role_definition_id = details.value("roleDefinitionId", "");
      } else {
        c.request.kind = WriteRequest::Kind::RemoveRole;
        c.request.role_assignment_id = details.value("roleAssignmentId", "");
      }
      calls.push_back(std::move(c));
    }
  }
  send(ApplyPhase::Roles, calls);
}

void TenantRun::deletions() {
  std::vector<Call> calls = user_calls(&UserWork::remove, WriteRequest::Kind::DeleteUser);
  send(ApplyPhase::Delete, calls);
}

std::vector<Call> TenantRun::user_calls(size_t UserWork::*which, WriteRequest::Kind kind) {
  std::vector<Call> calls;
  for (size_t u = 0; u < users_.size(); ++u) {
    UserWork& w = users_[u];
    size_t i = w.*which;
    if (i == kNone || !ready(i)) continue;
    Call c;
    c.user = u;
    c.ops = {i};
    c.request.kind = kind;
    c.request.user = w.target;
    calls.push_back(std::move(c));
  }
  return calls;
}

void TenantRun::send(ApplyPhase phase, std::vector<Call>& calls) {
  const size_t chunk = static_cast<size_t>(std::max(1, shared_.options.chunk_size));
  Journal& journal = shared_.cache.journal();
  const ExecuteHooks& hooks = shared_.options.hooks;
  for (size_t start = 0; start < calls.size(); start += chunk) {
    if (shared_.stop || broken_ || shared_.interrupted()) return;
    size_t end = std::min(calls.size(), start + chunk);
    if (hooks.before_chunk) hooks.before_chunk(plan_.tenant_id, phase);

    std::vector<std::int64_t> seqs;
    std::vector<WriteRequest> requests;
    for (size_t c = start; c < end; ++c) {
      for (size_t i : calls[c].ops) {
        if (seqs_[i] > 0) seqs.push_back(seqs_[i]);
      }
      requests.push_back(std::move(calls[c].request));
    }
    Status marked = journal.mark_sending(shared_.plan_id, seqs);
    if (!marked.ok()) {
      journal_failed(marked.error());
      return;
    }

    sent_ = true;
    shared_.write_calls += 1;
    shared_.write_requests += static_cast<int>(requests.size());
    std::vector<WriteResult> results = shared_.directory.write(tenant_key_, requests);
    requests.clear();  // drops the temporary passwords
    if (hooks.after_write) hooks.after_write(plan_.tenant_id, phase);

    std::vector<JournalOutcome> outcomes;
    for (size_t c = start; c < end; ++c) {
      size_t r = c - start;
      WriteResult missing = failed_write(
          make_error(ErrorKind::Internal, "the directory returned no result for this request"));
      finish(calls[c], r < results.size() ? results[r] : missing, outcomes);
      calls[c].password.assign(calls[c].password.size(), '\0');
    }
    flush_folds();
    if (hooks.after_fold) hooks.after_fold(plan_.tenant_id, phase);

    Status recorded = journal.record_outcomes(outcomes);
    if (!recorded.ok()) journal_failed(recorded.error());
    report_progress();
  }
}

void TenantRun::finish(Call& call, WriteResult& result, std::vector<JournalOutcome>& outcomes) {
  UserWork& w = users_[call.user];
  if (!result.status.ok()) {
    for (size_t i : call.ops) {
      settle(i, OpStatus::Failed, "", result.status.error(), outcomes);
      if (op(i).op == OpKind::Revoke) {
        unfreed_seats_.emplace(op(i).sku_id, "not sent: it needs a seat of " + op(i).sku +
                                                 " that revoking it from " + w.upn +
                                                 " was to free, and that failed (" +
                                                 result.status.error().describe() + ")");
      }
    }
    if (call.request.kind == WriteRequest::Kind::CreateUser) {
      skip_license_ops(w, "not sent: creating the user failed", outcomes);
    } else if (call.request.kind == WriteRequest::Kind::RestoreUser) {
      skip_license_ops(w, "not sent: the restore failed", outcomes);
    } else if (call.request.kind == WriteRequest::Kind::UpdateUser &&
               sets_usage_location(op(w.set))) {
      // Its licenses were planned with the usage location that did not come.
      skip_license_ops(
          w,
          "not sent: setting the usage location failed (" + result.status.error().describe() + ")",
          outcomes);
    }
    return;
  }
  switch (call.request.kind) {
    case WriteRequest::Kind::CreateUser:
      finish_create(call, result);
      break;
    case WriteRequest::Kind::RestoreUser:
      finish_restore(call, result);
      break;
    case WriteRequest::Kind::AssignLicense:
      finish_license(call, result);
      break;
    case WriteRequest::Kind::DeleteUser: {
      const std::string& id = op(w.remove).user_id;
      fold_deleted(id.empty() ? w.target : id);
      w.user.reset();
      break;
    }
    case WriteRequest::Kind::AddRole:
      if (result.role_assignment) {
        Status s = shared_.cache.add_role_assignment(tenant_key_, *result.role_assignment);
        if (!s.ok()) cache_failed(s.error());
      }
      break;
    case WriteRequest::Kind::RemoveRole: {
      Status s = shared_.cache.remove_role_assignment(tenant_key_, call.request.role_assignment_id);
      if (!s.ok()) cache_failed(s.error());
      break;
    }
    case WriteRequest::Kind::UpdateUser:
      finish_set(call);
      break;
  }
  for (size_t i : call.ops) settle(i, OpStatus::Applied, "", std::nullopt, outcomes);
}

void TenantRun::finish_create(Call& call, const WriteResult& result) {
  UserWork& w = users_[call.user];
  const Operation& o = op(w.create);
  std::string id = result.user ? result.user->id : "";
  if (id.empty()) {
    // The service's answer did not carry the user: ask for it by name.
    auto read = shared_.directory.get_user(tenant_key_, w.upn);
    if (read.ok()) id = read->id;
  }
  shared_.password_created(w.upn, call.password);
  if (id.empty()) {
    cache_failed(
        make_error(ErrorKind::Internal, "the service did not say which id it gave " + w.upn));
    return;
  }
  nlohmann::json body = o.details.value_or(nlohmann::json::object());
  body["id"] = id;
  User created;
  try {
    created = body.get<User>();
  } catch (const nlohmann::json::exception&) {
    created.id = id;
  }
  if (created.user_principal_name.empty()) created.user_principal_name = w.upn;
  if (result.user && !result.user->assigned_licenses.empty()) {
    created.assigned_licenses = result.user->assigned_licenses;
    created.license_states = result.user->license_states;
  }
  w.target = id;
  w.user = created;
  fold(created);
}

void TenantRun::finish_restore(Call& call, const WriteResult& result) {
  UserWork& w = users_[call.user];
  User restored;
  if (w.deleted) {
    // It comes back with the licenses it held when deleted (docs/graph.md).
    restored = *w.deleted;
    if (result.user && !result.user->assigned_licenses.empty()) {
      restored.assigned_licenses = result.user->assigned_licenses;
      if (!result.user->license_states.empty())
        restored.license_states = result.user->license_states;
    }
    if (result.user && !result.user->user_principal_name.empty()) {
      restored.user_principal_name = result.user->user_principal_name;
    }
  } else {
    auto read = shared_.directory.get_user(tenant_key_, w.target);
    if (!read.ok()) {
      cache_failed(read.error());
      return;
    }
    restored = std::move(read).value();
  }
  restored.deleted_date_time.reset();
  count_seats(std::nullopt, restored);  // it comes back with its licenses, seats or not
  w.user = restored;
  fold(restored);
}

// A user the cache did not hold: the service's own view is the only truth there is. True
// when `w.user` was unknown (and is read now, or the failed read is reported).
bool TenantRun::read_unknown_user(UserWork& w) {
  if (w.user) return false;
  auto read = shared_.directory.get_user(tenant_key_, w.target);
  if (!read.ok()) {
    cache_failed(read.error());
    return true;
  }
  w.user = std::move(read).value();
  return true;
}

void TenantRun::finish_license(Call& call, const WriteResult& result) {
  UserWork& w = users_[call.user];
  if (read_unknown_user(w)) {
    if (w.user) fold(*w.user);
    return;
  }
  User after = user_after_call(*w.user, call.change, result.user);
  count_seats(w.user, after);
  w.user = std::move(after);
  fold(*w.user);
}

void TenantRun::finish_set(Call& call) {
  UserWork& w = users_[call.user];
  if (!read_unknown_user(w)) {
    apply_property_patch(*w.user, op(w.set).details.value_or(nlohmann::json::object()));
  }
  if (w.user) fold(*w.user);  // unset only when the read failed (reported)
}

void TenantRun::settle(size_t i, OpStatus status, std::string reason, std::optional<Error> error,
                       std::vector<JournalOutcome>& outcomes) {
  Operation& o = op(i);
  o.status = status;
  if (!reason.empty()) o.reason = reason;
  JournalOutcome out;
  out.plan_id = shared_.plan_id;
  out.seq = seqs_[i];
  if (error) {
    o.error = operation_error(*error);
    out.error_code = o.error->code;
    out.error_message = o.error->message;
  }
  switch (status) {
    case OpStatus::Applied:
      out.state = JournalState::Applied;
      break;
    case OpStatus::Failed:
      out.state = JournalState::Failed;
      break;
    case OpStatus::Blocked:
      out.state = JournalState::Blocked;
      out.error_message = reason;
      break;
    default:
      out.state = JournalState::Skipped;
      out.error_message = reason;
      break;
  }
  ++done_;
  if (out.seq > 0) outcomes.push_back(std::move(out));
}

void TenantRun::skip_license_ops(UserWork& u, const std::string& reason,
                                 std::vector<JournalOutcome>& outcomes) {
  if (u.set != kNone && ready(u.set)) {
    settle(u.set, OpStatus::Skipped, reason, std::nullopt, outcomes);
  }
  for (const auto* ops : {&u.license_ops, &u.role_ops}) {
    for (size_t i : *ops) {
      if (ready(i)) settle(i, OpStatus::Skipped, reason, std::nullopt, outcomes);
    }
  }
  if (u.remove != kNone && ready(u.remove)) {
    settle(u.remove, OpStatus::Skipped, reason, std::nullopt, outcomes);
  }
}

void TenantRun::fold(const User& user) {
  folds_.users.push_back(user);
  folds_.users.back().deleted_date_time.reset();
}

void TenantRun::fold_deleted(const std::string& user_id) { folds_.removed_soft.push_back(user_id); }

// One transaction for a chunk's results: the users as they are now (Cache::fold_user for
// many) and the deleted ones soft-deleted (Cache::mark_deleted for many).
void TenantRun::flush_folds() {
  if (folds_.users.empty() && folds_.removed_soft.empty()) return;
  Status s = shared_.cache.apply_user_page(tenant_key_, folds_);
  if (!s.ok()) cache_failed(s.error());
  folds_ = {};
}

// The write happened but the cache does not show it: the next plan must not trust the
// tenant's mirror until it is read again.
void TenantRun::cache_failed(const Error& e) {
  shared_.add_error(make_error(ErrorKind::Io,
                               plan_.tenant +
                                   ": the cache could not record a "
                                   "result (" +
                                   e.message + "); run mirror",
                               e.code));
  if (cache_stale_) return;
  cache_stale_ = true;
  Status s = shared_.cache.mark_stale(tenant_key_, "apply could not record a result: " + e.message);
  if (!s.ok()) log_error("apply: " + s.error().message);
}

void TenantRun::journal_failed(const Error& e) {
  shared_.add_error(
      make_error(ErrorKind::Io,
                 plan_.tenant + ": the journal could not be written (" + e.message + ")", e.code));
  broken_ = true;
}

// After a journal failure: nothing more is sent; the operations still ready say so. Their
// entries stay pending (the journal cannot take more), so the next apply's crash resume
// looks at them again.
void TenantRun::skip_remaining(const std::string& reason) {
  for (auto& o : plan_.operations) {
    if (o.status != OpStatus::Ready) continue;
    o.status = OpStatus::Skipped;
    o.reason = reason;
    ++done_;
  }
  report_progress();
}

void TenantRun::abandon() {
  if (total_ == 0) {  // never started
    for (size_t i = 0; i < plan_.operations.size(); ++i) total_ += ready(i) ? 1 : 0;
  }
  std::vector<JournalOutcome> outcomes;
  for (size_t i = 0; i < plan_.operations.size(); ++i) {
    if (ready(i)) settle(i, OpStatus::Skipped, kStoppedBeforeSending, std::nullopt, outcomes);
  }
  if (outcomes.empty()) return;
  Status recorded = shared_.cache.journal().record_outcomes(outcomes);
  if (!recorded.ok()) journal_failed(recorded.error());
  report_progress();
}

void TenantRun::refresh_skus() {
  auto skus = shared_.directory.subscribed_skus(tenant_key_);
  if (!skus.ok()) {
    log_warn("apply: could not read the seats again after applying; the next mirror will",
             {{"tenant", plan_.tenant}, {"error", skus.error().describe()}});
    return;
  }
  Status s = shared_.cache.replace_skus(tenant_key_, *skus);
  if (!s.ok()) cache_failed(s.error());
}

void skip_ready(TenantPlan& tenant, const std::string& reason) {
  for (auto& o : tenant.operations) {
    if (o.status != OpStatus::Ready) continue;
    o.status = OpStatus::Skipped;
    o.reason = reason;
  }
}

}  // namespace

const char* to_string(ApplyPhase phase) {
  switch (phase) {
    case ApplyPhase::CreateRestore:
      return "create-restore";
    case ApplyPhase::SetProperties:
      return "set-properties";
    case ApplyPhase::FreeSeats:
      return "free-seats";
    case ApplyPhase::Swap:
      return "swap";
    case ApplyPhase::Assign:
      return "assign";
    case ApplyPhase::Roles:
      return "roles";
    case ApplyPhase::Delete:
      return "delete";
  }
  return "assign";
}

nlohmann::json journal_request_body(const Operation& op) {
  switch (op.op) {
    case OpKind::Assign:
    case OpKind::Update:
      return to_request_body({{{op.sku_id, op.disabled_plans}}, {}});
    case OpKind::Revoke:
      return to_request_body({{}, {op.sku_id}});
    case OpKind::Create: {
      nlohmann::json body = op.details.value_or(nlohmann::json::object());
      if (body.is_object()) body.erase("passwordProfile");
      return body;
    }
    case OpKind::AddRole: {
      const nlohmann::json details = op.details.value_or(nlohmann::json::object());
      return {{"principalId", op.user_id},
              {"roleDefinitionId", details.value("roleDefinitionId", "")},
              {"directoryScopeId", "/"}};
    }
    case OpKind::RemoveRole: {
      // DELETE has no body: the journal keeps which assignment it removes.
      const nlohmann::json details = op.details.value_or(nlohmann::json::object());
      return {{"roleAssignmentId", details.value("roleAssignmentId", "")},
              {"roleDefinitionId", details.value("roleDefinitionId", "")}};
    }
    case OpKind::SetProperties:  // the PATCH body
      return op.details.value_or(nlohmann::json::object());
    case OpKind::Restore:
      if (op.details && op.details->contains("newUserPrincipalName")) {
        return {{"newUserPrincipalName", (*op.details)["newUserPrincipalName"]}};
      }
      break;
    case OpKind::Delete:
    case OpKind::ResetPassword:  // journal-only, never planned
      break;
  }
  return nlohmann::json::object();
}

Result<ApplyReport> execute_plan(const Plan& plan, Directory& directory, Cache& cache, Clock& clock,
                                 const ExecuteOptions& options) {
  auto started = std::chrono::steady_clock::now();
  ApplyReport report;
  report.plan = plan;
  report.plan_id = options.plan_id.empty() ? generated_plan_id(clock) : options.plan_id;

  for (auto& tenant : report.plan.tenants) {
    if (tenant.mode == TenantMode::Report) skip_ready(tenant, kReportMode);
  }

  if (options.refuse_stale_plan) {
    std::vector<std::string> ids;
    for (const auto& tenant : report.plan.tenants) {
      ids.push_back(tenant.tenant_id.empty() ? tenant.tenant : tenant.tenant_id);
    }
    auto fingerprint = cache.fingerprint(ids);
    if (!fingerprint.ok()) return fingerprint.error();
    if (*fingerprint != plan.fingerprint) {
      report.stale = "the cache changed since the plan was computed (plan " + plan.fingerprint +
                     ", cache " + *fingerprint + "); plan again";
      for (auto& tenant : report.plan.tenants) {
        skip_ready(tenant, "not sent: the plan is stale; plan again");
      }
    }
  }

  for (auto& tenant : report.plan.tenants) {
    if (tenant.mode == TenantMode::Report) continue;
    SafetyCheck check = check_safety_limits(tenant, options.limits);
    tenant.over_limit.reset();  // a saved plan's warning gives way to this apply's verdict
    if (!check.refused()) continue;
    report.refusals.push_back(
        {tenant.tenant, tenant.tenant_id, check.revocations, check.deletions, check.reason});
    tenant.over_limit = check.over_limit(/*ahead=*/false);
    skip_ready(tenant, check.skipped_reason());
  }

  // Journal the whole plan before anything is sent.
  std::vector<JournalEntry> entries;
  std::vector<std::pair<size_t, size_t>> where;  // (tenant, operation) of each entry
  for (size_t t = 0; t < report.plan.tenants.size(); ++t) {
    const TenantPlan& tenant = report.plan.tenants[t];
    for (size_t i = 0; i < tenant.operations.size(); ++i) {
      const Operation& o = tenant.operations[i];
      JournalEntry e;
      switch (o.status) {
        case OpStatus::Ready:
          e.state = JournalState::Pending;
          break;
        case OpStatus::Blocked:
          e.state = JournalState::Blocked;
          e.error_message = o.reason;
          break;
        case OpStatus::Skipped:
          e.state = JournalState::Skipped;
          e.error_message = o.reason;
          break;
        default:
          continue;  // an outcome from an earlier apply: nothing to do or record
      }
      e.plan_id = report.plan_id;
      e.tenant_id = tenant.tenant_id;
      e.tenant = tenant.tenant;
      e.user = o.user;
      e.user_id = o.user_id;
      e.op = o.op;
      e.sku = o.sku;
      e.request = journal_request_body(o);
      entries.push_back(std::move(e));
      where.emplace_back(t, i);
    }
  }
  if (!entries.empty()) {
    Status s = cache.journal().append(entries);
    if (!s.ok()) return s.error();
  }
  std::vector<std::vector<std::int64_t>> seqs(report.plan.tenants.size());
  for (size_t t = 0; t < report.plan.tenants.size(); ++t) {
    seqs[t].assign(report.plan.tenants[t].operations.size(), 0);
  }
  for (size_t e = 0; e < entries.size(); ++e)
    seqs[where[e].first][where[e].second] = entries[e].seq;

  Shared shared{directory, cache, options, report.plan_id};
  // Throttle and retry waits inside the directory end promptly on the stop signal too.
  struct StopSignalScope {
    Directory& directory;
    explicit StopSignalScope(Directory& d, const std::atomic<bool>* stop) : directory(d) {
      directory.set_stop_signal(stop);
    }
    ~StopSignalScope() { directory.set_stop_signal(nullptr); }
  } stop_signal_scope(directory, options.interrupt);
  std::vector<TenantRun> runs;
  for (size_t t = 0; t < report.plan.tenants.size(); ++t) {
    TenantPlan& tenant = report.plan.tenants[t];
    bool any_ready = std::any_of(tenant.operations.begin(), tenant.operations.end(),
                                 [](const Operation& o) { return o.status == OpStatus::Ready; });
    if (any_ready) runs.emplace_back(shared, tenant, std::move(seqs[t]));
  }

  std::atomic<size_t> next{0};
  std::exception_ptr crash;
  std::mutex crash_mu;
  auto worker = [&] {
    for (;;) {
      if (shared.stop) return;
      size_t i = next++;
      if (i >= runs.size()) return;
      try {
        if (shared.interrupted()) {
          runs[i].abandon();
          continue;
        }
        runs[i].run();
      } catch (...) {
        std::lock_guard<std::mutex> lock(crash_mu);
        if (!crash) crash = std::current_exception();
        shared.stop = true;
        return;
      }
    }
  };
  size_t workers = std::min(runs.size(), static_cast<size_t>(std::max(1, options.concurrency)));
  if (workers <= 1) {
    worker();
  } else {
    std::vector<std::thread> threads;
    for (size_t w = 0; w < workers; ++w) threads.emplace_back(worker);
    for (auto& th : threads) th.join();
  }
  if (crash) std::rethrow_exception(crash);

  report.local_errors = std::move(shared.local_errors);
  report.write_calls = shared.write_calls;
  report.write_requests = shared.write_requests;
  report.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return report;
}

}  // namespace tenantsync
