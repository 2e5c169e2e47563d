#include "sync/journal_resume.h"

#include <algorithm>
#include <map>
#include <optional>
#include <unordered_map>
#include <utility>

#include "sync/ascii_case.h"
#include "sync/license_change.h"
#include "sync/log.h"

namespace tenantsync {

namespace {

constexpr size_t kNone = static_cast<size_t>(-1);
constexpr const char* kCreatedNote =
    "confirmed after interruption (if its temporary password is not in the passwords file, "
    "reset it)";

// The entries of one user in one plan.
struct UserGroup {
  std::string upn;
  std::string user_id;
  std::string target;     // what requests and reads address: the id, else the UPN
  bool readable = false;  // the user was read (found or not found)
  std::string read_error;
  std::optional<User> active;  // the active user as the service has it now
  size_t create = kNone;
  size_t restore = kNone;
  size_t remove = kNone;
  std::vector<size_t> license;
};

struct Call {
  WriteRequest request;
  size_t group = kNone;
  std::vector<size_t> entries;
  LicenseChange change;
};

enum class LicenseStep { FreeSeats, Swap, Assign };

// One plan's unfinished entries of one tenant.
class ResumeRun {
 public:
  ResumeRun(Directory& directory, Cache& cache, const ResumeOptions& options,
            std::vector<ResumedEntry*> entries, ResumeReport& report)
      : directory_(directory),
        cache_(cache),
        options_(options),
        entries_(std::move(entries)),
        report_(report) {
    const JournalEntry& first = entries_.front()->entry;
    plan_id_ = first.plan_id;
    tenant_name_ = first.tenant;
    tenant_key_ = first.tenant_id.empty() ? first.tenant : first.tenant_id;
  }

  void run();

 private:
  ResumedEntry& at(size_t i) { return *entries_[i]; }
  void group_entries();
  void read_users();
  void creates();
  void restores();
  void licenses();
  void deletions();
  void send(std::vector<Call>& calls, void (ResumeRun::*done)(Call&, const WriteResult&));
  void restore_done(Call& call, const WriteResult& result);
  void license_done(Call& call, const WriteResult& result);
  void delete_done(Call& call, const WriteResult& result);
  void settle(size_t i, JournalState state, std::string note, bool resent = false,
              const Error* error = nullptr);
  void skip_dependents(UserGroup& g, const std::string& reason);
  void flush();
  void fold(const User& user);
  void local_error(const Error& e);

  Directory& directory_;
  Cache& cache_;
  const ResumeOptions& options_;
  std::vector<ResumedEntry*> entries_;
  ResumeReport& report_;
  std::string plan_id_;
  std::string tenant_name_;
  std::string tenant_key_;
  std::vector<UserGroup> groups_;
  std::vector<JournalOutcome> outcomes_;  // settled, not yet recorded
  bool broken_ = false;                   // the journal failed: settle nothing more
  bool changed_ = false;                  // some entry took effect: read the seats again
};

void ResumeRun::run() {
  group_entries();
  read_users();
  creates();
  restores();
  licenses();
  deletions();
  flush();
  if (changed_) {
    auto skus = directory_.subscribed_skus(tenant_key_);
    if (skus.ok()) {
      Status s = cache_.replace_skus(tenant_key_, *skus);
      if (!s.ok()) local_error(s.error());
    } else {
      log_warn("resume: could not read the seats again; the next mirror will",
               {{"tenant", tenant_name_}, {"error", skus.error().describe()}});
    }
  }
  bool unresolved = std::any_of(entries_.begin(), entries_.end(),
                                [](const ResumedEntry* e) { return !is_final(e->outcome); });
  if (unresolved) report_.unresolved_tenants.push_back(tenant_name_);
}

void ResumeRun::group_entries() {
  std::unordered_map<std::string, size_t> index;
  for (size_t i = 0; i < entries_.size(); ++i) {
    const JournalEntry& e = at(i).entry;
    if (e.op == OpKind::ResetPassword) {
      // Whether it took or not, the password was never stored: nobody knows it.
      settle(i, JournalState::Skipped, kResetNotKnownAfterInterruption);
      continue;
    }
    std::string key = e.user_id.empty() ? "upn:" + ascii_lower(e.user) : e.user_id;
    auto [it, inserted] = index.emplace(key, groups_.size());
    if (inserted) {
      UserGroup g;
      g.upn = e.user;
      g.user_id = e.user_id;
      g.target = e.user_id.empty() ? e.user : e.user_id;
      groups_.push_back(std::move(g));
    }
    UserGroup& g = groups_[it->second];
    switch (e.op) {
      case OpKind::Create:
        g.create = i;
        break;
      case OpKind::Restore:
        g.restore = i;
        break;
      case OpKind::Delete:
        g.remove = i;
        break;
      default:
        g.license.push_back(i);
        break;
    }
  }
}

// The truth first: every affected user as the service has it now, folded into the cache
// before any entry is settled on the strength of it.
void ResumeRun::read_users() {
  for (auto& g : groups_) {
    auto read = directory_.get_user(tenant_key_, g.target);
    if (read.ok()) {
      g.readable = true;
      g.active = std::move(read).value();
      if (g.user_id.empty()) g.target = g.active->id;
      fold(*g.active);
    } else if (read.error().kind == ErrorKind::NotFound) {
      g.readable = true;
    } else {
      g.read_error = read.error().describe();
      log_warn("resume: cannot read the user; its journal entries stay unfinished",
               {{"tenant", tenant_name_}, {"user", g.upn}, {"error", g.read_error}});
    }
  }
}

void ResumeRun::creates() {
  for (auto& g : groups_) {
    if (!g.readable || g.create == kNone) continue;
    if (g.active) {
      settle(g.create, JournalState::Applied, kCreatedNote);
    } else {
      settle(g.create, JournalState::Skipped, kNotCreatedBeforeInterruption);
      skip_dependents(g, std::string("not sent: the user was ") + kNotCreatedBeforeInterruption);
    }
  }
  flush();
}

void ResumeRun::restores() {
  std::vector<Call> calls;
  for (size_t gi = 0; gi < groups_.size(); ++gi) {
    UserGroup& g = groups_[gi];
    if (!g.readable || g.restore == kNone || is_final(at(g.restore).outcome)) continue;
    if (g.active) {
      settle(g.restore, JournalState::Applied, kConfirmedAfterInterruption);
      continue;
    }
    Call c;
    c.group = gi;
    c.entries = {g.restore};
    c.request.kind = WriteRequest::Kind::RestoreUser;
    c.request.user = g.user_id;
    const auto& body = at(g.restore).entry.request;
    if (auto upn = body.find("newUserPrincipalName"); upn != body.end() && upn->is_string()) {
      c.request.new_user_principal_name = upn->get<std::string>();
    }
    calls.push_back(std::move(c));
  }
  flush();
  send(calls, &ResumeRun::restore_done);
}

void ResumeRun::restore_done(Call& call, const WriteResult& result) {
  UserGroup& g = groups_[call.group];
  if (!result.status.ok()) {
    settle(g.restore, JournalState::Failed, "", false, &result.status.error());
    skip_dependents(g, "not sent: the restore failed");
    return;
  }
  // Its licenses are what it held when deleted: read them rather than guess.
  auto read = directory_.get_user(tenant_key_, g.target);
  if (read.ok()) {
    g.active = std::move(read).value();
  } else if (result.user) {
    g.active = *result.user;
  }
  if (g.active) fold(*g.active);
  settle(g.restore, JournalState::Applied, kResentAfterInterruption, true);
}

void ResumeRun::licenses() {
  std::vector<Call> steps[3];
  for (size_t gi = 0; gi < groups_.size(); ++gi) {
    UserGroup& g = groups_[gi];
    if (!g.readable) continue;
    Call c;
    c.group = gi;
    for (size_t i : g.license) {
      if (is_final(at(i).outcome)) continue;
      if (!g.active) {
        settle(i, JournalState::Skipped, "not sent: the user is not an active user any more");
        continue;
      }
      auto change = license_change_from_body(at(i).entry.request);
      if (!change) {
        settle(i, JournalState::Skipped, "not sent: the journal entry holds no request to send");
        continue;
      }
      if (license_change_in_effect(*g.active, *change)) {
        settle(i, JournalState::Applied, kConfirmedAfterInterruption);
        continue;
      }
      c.entries.push_back(i);
      c.change.merge(*change);
    }
    if (c.entries.empty()) continue;
    c.request.kind = WriteRequest::Kind::AssignLicense;
    c.request.user = g.target;
    c.request.add_licenses = c.change.add;
    c.request.remove_licenses = c.change.remove;
    LicenseStep step = c.change.frees_only()      ? LicenseStep::FreeSeats
                       : !c.change.remove.empty() ? LicenseStep::Swap
                                                  : LicenseStep::Assign;
    steps[static_cast<int>(step)].push_back(std::move(c));
  }
  flush();
  for (auto& calls : steps) send(calls, &ResumeRun::license_done);
}

void ResumeRun::license_done(Call& call, const WriteResult& result) {
  UserGroup& g = groups_[call.group];
  if (!result.status.ok()) {
    for (size_t i : call.entries)
      settle(i, JournalState::Failed, "", false, &result.status.error());
    return;
  }
  g.active = user_after_call(*g.active, call.change, result.user);
  fold(*g.active);
  for (size_t i : call.entries) settle(i, JournalState::Applied, kResentAfterInterruption, true);
}

void ResumeRun::deletions() {
  std::vector<Call> calls;
  for (size_t gi = 0; gi < groups_.size(); ++gi) {
    UserGroup& g = groups_[gi];
    if (!g.readable || g.remove == kNone || is_final(at(g.remove).outcome)) continue;
    if (!g.active) {
      if (!g.user_id.empty()) {
        Status s = cache_.mark_deleted(tenant_key_, g.user_id);
        if (!s.ok()) local_error(s.error());
      }
      settle(g.remove, JournalState::Applied, kConfirmedAfterInterruption);
      continue;
    }
    Call c;
    c.group = gi;
    c.entries = {g.remove};
    c.request.kind = WriteRequest::Kind::DeleteUser;
    c.request.user = g.target;
    calls.push_back(std::move(c));
  }
  flush();
  send(calls, &ResumeRun::delete_done);
}

void ResumeRun::delete_done(Call& call, const WriteResult& result) {
  UserGroup& g = groups_[call.group];
  if (!result.status.ok()) {
    settle(g.remove, JournalState::Failed, "", false, &result.status.error());
    return;
  }
  Status s = cache_.mark_deleted(tenant_key_, g.active ? g.active->id : g.user_id);
  if (!s.ok()) local_error(s.error());
  g.active.reset();
  settle(g.remove, JournalState::Applied, kResentAfterInterruption, true);
}

void ResumeRun::send(std::vector<Call>& calls, void (ResumeRun::*done)(Call&, const WriteResult&)) {
  const size_t chunk = static_cast<size_t>(std::max(1, options_.chunk_size));
  for (size_t start = 0; start < calls.size(); start += chunk) {
    if (broken_) return;
    size_t end = std::min(calls.size(), start + chunk);
    std::vector<std::int64_t> seqs;
    std::vector<WriteRequest> requests;
    for (size_t c = start; c < end; ++c) {
      for (size_t i : calls[c].entries) seqs.push_back(at(i).entry.seq);
      requests.push_back(calls[c].request);
    }
    Status marked = cache_.journal().mark_sending(plan_id_, seqs);
    if (!marked.ok()) {
      local_error(marked.error());
      broken_ = true;
      return;
    }
    std::vector<WriteResult> results = directory_.write(tenant_key_, requests);
    for (size_t c = start; c < end; ++c) {
      size_t r = c - start;
      WriteResult missing{
          make_error(ErrorKind::Internal, "the directory returned no result for this request"),
          std::nullopt};
      (this->*done)(calls[c], r < results.size() ? results[r] : missing);
    }
    flush();
  }
}

void ResumeRun::settle(size_t i, JournalState state, std::string note, bool resent,
                       const Error* error) {
  ResumedEntry& e = at(i);
  e.outcome = state;
  if (state == JournalState::Applied) changed_ = true;
  e.resent = resent;
  JournalOutcome out{plan_id_, e.entry.seq, state, "", ""};
  if (error) {
    out.error_code = error->code.empty() ? to_string(error->kind) : error->code;
    out.error_message = error->message;
    e.note = out.error_code + ": " + out.error_message;
  } else {
    out.error_message = note;
    e.note = std::move(note);
  }
  outcomes_.push_back(std::move(out));
}

void ResumeRun::skip_dependents(UserGroup& g, const std::string& reason) {
  for (size_t i : g.license) {
    if (!is_final(at(i).outcome)) settle(i, JournalState::Skipped, reason);
  }
  if (g.remove != kNone && !is_final(at(g.remove).outcome)) {
    settle(g.remove, JournalState::Skipped, reason);
  }
}

void ResumeRun::flush() {
  if (outcomes_.empty()) return;
  Status s = cache_.journal().record_outcomes(outcomes_);
  if (!s.ok()) {
    local_error(s.error());
    broken_ = true;
    // Not recorded: these entries stay unfinished for the next resume.
    for (const auto& o : outcomes_) {
      for (auto* e : entries_) {
        if (e->entry.seq == o.seq) e->outcome = e->entry.state;
      }
    }
  }
  outcomes_.clear();
}

void ResumeRun::fold(const User& user) {
  Status s = cache_.fold_user(tenant_key_, user);
  if (!s.ok()) local_error(s.error());
}

void ResumeRun::local_error(const Error& e) {
  log_error("resume: " + e.message, {{"tenant", tenant_name_}});
  report_.local_errors.push_back(e);
}

}  // namespace

Result<ResumeReport> resume_unfinished(Directory& directory, Cache& cache,
                                       const ResumeOptions& options) {
  auto unfinished = cache.journal().unfinished(options.tenant);
  if (!unfinished.ok()) return unfinished.error();
  ResumeReport report;
  report.entries.reserve(unfinished->size());
  for (auto& e : *unfinished) {
    ResumedEntry r;
    r.outcome = e.state;
    r.entry = std::move(e);
    report.entries.push_back(std::move(r));
  }

  // Plan by plan in journal order, then tenant by tenant.
  std::vector<std::pair<std::string, std::string>> order;  // (plan, tenant)
  std::map<std::pair<std::string, std::string>, std::vector<ResumedEntry*>> runs;
  for (auto& r : report.entries) {
    auto key = std::make_pair(r.entry.plan_id,
                              r.entry.tenant_id.empty() ? r.entry.tenant : r.entry.tenant_id);
    auto [it, inserted] = runs.try_emplace(key);
    if (inserted) order.push_back(key);
    it->second.push_back(&r);
  }
  for (const auto& key : order) {
    ResumeRun run(directory, cache, options, runs[key], report);
    run.run();
  }

  for (const auto& r : report.entries) {
    switch (r.outcome) {
      case JournalState::Applied:
        ++(r.resent ? report.resent : report.confirmed);
        break;
      case JournalState::Failed:
        ++report.failed;
        break;
      case JournalState::Skipped:
      case JournalState::Blocked:
        ++report.skipped;
        break;
      default:
        ++report.unresolved;
        break;
    }
  }
  std::sort(report.unresolved_tenants.begin(), report.unresolved_tenants.end());
  report.unresolved_tenants.erase(
      std::unique(report.unresolved_tenants.begin(), report.unresolved_tenants.end()),
      report.unresolved_tenants.end());
  return report;
}

}  // namespace tenantsync
