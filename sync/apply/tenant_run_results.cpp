// What one tenant's apply does with each answer: the journal entry, the operation's
// status in the plan, the user folded into the cache, the seats counted.
#include "sync/apply/tenant_run.h"

#include <algorithm>
#include <utility>

#include "sync/ascii_case.h"
#include "sync/plan/property_change.h"

namespace tenantsync::apply_run {

namespace {

OperationError operation_error(const Error& e) {
  return {e.code.empty() ? std::string(to_string(e.kind)) : e.code, e.message};
}

}  // namespace

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

}  // namespace tenantsync::apply_run
