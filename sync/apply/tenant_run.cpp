// The phases of one tenant's apply, in the order docs/architecture.md gives (step 3):
// creates and restores, property changes, calls that only free seats, swaps, calls that
// take seats, role changes, deletions.
#include "sync/apply/tenant_run.h"

#include <algorithm>
#include <utility>

#include "sync/ascii_case.h"
#include "sync/plan/property_change.h"

namespace tenantsync::apply_run {

namespace {

constexpr const char* kNoPasswords =
    "not sent: creating users needs a file for their temporary passwords";

}  // namespace

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
  } else if (snapshot->rows_fail_checksum()) {
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

}  // namespace tenantsync::apply_run
