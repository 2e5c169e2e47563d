#include "sync/apply/journal_settle.h"

#include <algorithm>
#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>
#include <utility>

#include "sync/apply/settle_effect.h"
#include "sync/ascii_case.h"
#include "sync/log.h"
#include "sync/plural.h"

namespace tenantsync {

namespace {

constexpr const char* kCreatedNote =
    "took effect before the interruption (if its temporary password is not in the passwords "
    "file, reset it)";

// The `sending` entries of one user, and what the service says of that user now.
struct UserEntries {
  std::string target;  // what the read addresses: the id, else the UPN (a create)
  std::vector<SettledEntry*> entries;
  bool read = false;           // the service answered (found or not found)
  std::optional<User> active;  // the active user, when found
  std::string read_error;
};

// The `sending` entries of one tenant, settled together: one batched read of its users.
class TenantSettle {
 public:
  TenantSettle(Directory& directory, Cache& cache, SettleReport& report, std::mutex& report_mu,
               std::string tenant_key, std::string tenant_name)
      : directory_(directory),
        cache_(cache),
        report_(report),
        report_mu_(report_mu),
        tenant_key_(std::move(tenant_key)),
        tenant_name_(std::move(tenant_name)) {}

  void add(SettledEntry& e) {
    const JournalEntry& j = e.entry;
    std::string key = j.user_id.empty() ? "upn:" + ascii_lower(j.user) : j.user_id;
    auto [it, inserted] = index_.emplace(key, users_.size());
    if (inserted) users_.push_back({j.user_id.empty() ? j.user : j.user_id, {}, false, {}, {}});
    users_[it->second].entries.push_back(&e);
  }

  void run() {
    read_users();
    for (auto& u : users_) {
      if (!u.read) continue;
      for (SettledEntry* e : u.entries) judge(u, *e);
    }
    Status recorded = cache_.journal().record_outcomes(outcomes_);
    if (!recorded.ok()) {
      local_error(recorded.error());
      journal_error_ = recorded.error().message;
      // Not recorded: these entries stay unfinished for the next settle.
      for (auto& u : users_)
        for (SettledEntry* e : u.entries) e->outcome = e->entry.state;
      return;
    }
    if (changed_) reread_seats();
  }

  // What kept some of this tenant's entries open, "" when nothing did: "20 users could not
  // be read (<the first error>)", its admin roles, or the journal.
  std::string why_unsettled() const {
    std::vector<std::string> causes;
    if (unread_users_ > 0) {
      causes.push_back(plural(unread_users_, "user", "users") + " could not be read (" +
                       read_error_ + ")");
    }
    if (!roles_error_.empty()) {
      causes.push_back("its admin roles could not be read (" + roles_error_ + ")");
    }
    if (!journal_error_.empty()) {
      causes.push_back("their outcomes could not be journalled (" + journal_error_ + ")");
    }
    std::string why;
    for (const auto& c : causes) why += (why.empty() ? "" : ", and ") + c;
    return why;
  }

 private:
  void read_users() {
    std::vector<std::string> targets;
    targets.reserve(users_.size());
    for (const auto& u : users_) targets.push_back(u.target);
    std::vector<Result<User>> read = directory_.get_users(tenant_key_, targets);
    UserPage found;  // folded into the cache together, in one transaction
    for (size_t i = 0; i < users_.size(); ++i) {
      UserEntries& u = users_[i];
      if (i >= read.size()) {
        u.read_error = "the directory returned no answer for this user";
      } else if (read[i].ok()) {
        u.read = true;
        u.active = std::move(read[i]).value();
        found.users.push_back(*u.active);
        found.users.back().deleted_date_time.reset();
      } else if (read[i].error().kind == ErrorKind::NotFound) {
        u.read = true;
      } else {
        u.read_error = read[i].error().describe();
      }
      if (!u.read) {
        log_warn("settle: cannot read the user; its journal entries stay unfinished",
                 {{"tenant", tenant_name_},
                  {"user", u.entries.front()->entry.user},
                  {"error", u.read_error}});
        if (unread_users_++ == 0) read_error_ = redact_secrets(u.read_error);
      }
    }
    {
      std::lock_guard<std::mutex> lock(report_mu_);
      report_.users_read += static_cast<int>(users_.size()) - unread_users_;
    }
    fold(found);
  }

  // Settles the entry by whether its effect is there (settle_effect.h), from the user as
  // the service has it now and, for role changes, the tenant's role assignments.
  void judge(const UserEntries& u, SettledEntry& e) {
    const JournalEntry& j = e.entry;
    const std::vector<RoleAssignment>* roles = nullptr;
    if (needs_role_assignments(j)) {
      roles = read_role_assignments();
      if (!roles) {  // stays unfinished for the next settle
        e.outcome = j.state;
        return;
      }
    }
    if (!took_effect(j, u.active, roles)) return not_in_effect(e);
    if (j.op == OpKind::Delete && !j.user_id.empty()) {
      Status s = cache_.mark_deleted(tenant_key_, j.user_id);
      if (!s.ok()) local_error(s.error());
    }
    settle(e, JournalState::Applied,
           j.op == OpKind::Create ? kCreatedNote : kTookEffectBeforeInterruption);
  }

  // The tenant's role assignments, read once on first need and folded into the cache;
  // nullptr when that read failed.
  const std::vector<RoleAssignment>* read_role_assignments() {
    if (!role_assignments_) {
      role_assignments_ = directory_.role_assignments(tenant_key_);
      if (!role_assignments_->ok()) {
        log_warn("settle: cannot read the admin roles; role changes stay unfinished",
                 {{"tenant", tenant_name_}, {"error", role_assignments_->error().describe()}});
        roles_error_ = redact_secrets(role_assignments_->error().describe());
      } else {
        Status s = cache_.replace_role_assignments(tenant_key_, **role_assignments_);
        if (!s.ok()) local_error(s.error());
      }
    }
    return role_assignments_->ok() ? &**role_assignments_ : nullptr;
  }

  void not_in_effect(SettledEntry& e) { settle(e, JournalState::Skipped, kNoEffectNotResent); }

  void settle(SettledEntry& e, JournalState state, const char* note) {
    e.outcome = state;
    e.note = note;
    if (state == JournalState::Applied) changed_ = true;
    outcomes_.push_back({e.entry.plan_id, e.entry.seq, state, "", note});
  }

  void reread_seats() {
    auto skus = directory_.subscribed_skus(tenant_key_);
    if (!skus.ok()) {
      log_warn("settle: could not read the seats again; the next mirror will",
               {{"tenant", tenant_name_}, {"error", skus.error().describe()}});
      return;
    }
    Status s = cache_.replace_skus(tenant_key_, *skus);
    if (!s.ok()) local_error(s.error());
  }

  // The users read, as the service has them now (Cache::fold_user for many).
  void fold(const UserPage& users) {
    if (users.users.empty()) return;
    Status s = cache_.apply_user_page(tenant_key_, users);
    if (!s.ok()) local_error(s.error());
  }

  void local_error(const Error& e) {
    log_error("settle: " + e.message, {{"tenant", tenant_name_}});
    std::lock_guard<std::mutex> lock(report_mu_);
    report_.local_errors.push_back(e);
  }

  Directory& directory_;
  Cache& cache_;
  SettleReport& report_;  // shared by the tenants settled at once: under report_mu_
  std::mutex& report_mu_;
  std::string tenant_key_;
  std::string tenant_name_;
  std::vector<UserEntries> users_;
  std::unordered_map<std::string, size_t> index_;
  std::vector<JournalOutcome> outcomes_;
  bool changed_ = false;
  std::optional<Result<std::vector<RoleAssignment>>> role_assignments_;  // read on first need
  int unread_users_ = 0;
  std::string read_error_;     // the first unread user's
  std::string roles_error_;    // why the role assignments could not be read
  std::string journal_error_;  // why the outcomes could not be recorded
};

// What needs no read of the service is closed at once: entries that never left, and
// password resets (whether one took or not, nobody knows that password).
const char* closed_without_reading(const JournalEntry& e) {
  if (e.state == JournalState::Pending) return kNotSentInterrupted;
  if (e.op == OpKind::ResetPassword) return kResetNotKnownAfterInterruption;
  return nullptr;
}

// Returns why they could not be closed ("" when they were): the journal write failed.
std::string close_without_reading(Cache& cache, SettleReport& report) {
  std::vector<JournalOutcome> outcomes;
  for (auto& e : report.entries) {
    if (const char* note = closed_without_reading(e.entry))
      outcomes.push_back({e.entry.plan_id, e.entry.seq, JournalState::Skipped, "", note});
  }
  if (outcomes.empty()) return "";
  Status s = cache.journal().record_outcomes(outcomes);
  if (!s.ok()) {
    log_error("settle: " + s.error().message, {});
    report.local_errors.push_back(s.error());
    return "their outcomes could not be journalled (" + s.error().message + ")";
  }
  for (auto& e : report.entries) {
    if (const char* note = closed_without_reading(e.entry)) {
      e.outcome = JournalState::Skipped;
      e.note = note;
    }
  }
  return "";
}

// Whether the entry is one of `tenants` (ids or default domains, any case; empty: all).
bool in_scope(const JournalEntry& e, const std::vector<std::string>& tenants) {
  if (tenants.empty()) return true;
  return std::any_of(tenants.begin(), tenants.end(), [&](const std::string& t) {
    return (!e.tenant_id.empty() && e.tenant_id == t) || iequals(e.tenant, t);
  });
}

bool still_open(const SettledEntry& e) {
  return e.outcome == JournalState::Pending || e.outcome == JournalState::Sending;
}

// The tenant of an entry as the settle groups them: its id, else its name.
std::string tenant_key(const JournalEntry& j) {
  return j.tenant_id.empty() ? j.tenant : j.tenant_id;
}

// Until every request of the interrupted process has timed out: a read before then could
// miss a write still on its way.
std::chrono::seconds time_to_wait(const SettleReport& report, const Clock& clock,
                                  std::chrono::seconds timeout) {
  Clock::time_point latest{};
  for (const auto& e : report.entries) {
    Clock::time_point sent;
    if (e.outcome == JournalState::Sending && parse_iso8601(e.entry.updated_at, sent))
      latest = std::max(latest, sent);
  }
  if (latest == Clock::time_point{}) return std::chrono::seconds(0);
  auto left = std::chrono::ceil<std::chrono::seconds>(latest + timeout - clock.now());
  return std::max(left, std::chrono::seconds(0));
}

}  // namespace

std::string UnsettledTenant::reason() const {
  return plural(entries, "operation", "operations") +
         " an interrupted run left unfinished here could not be settled (" + why +
         "): they stay open, and nothing new is sent to this tenant until a later run "
         "settles them";
}

std::string SettleReport::summary() const {
  const int total = static_cast<int>(entries.size());
  std::string open;  // which tenants keep entries open, and why
  for (const auto& t : unsettled_tenants) {
    open += (open.empty() ? "" : "; ") + t.tenant + ": " + t.why;
  }
  if (unresolved > 0 && unresolved == total) {
    return "Could not settle the " + plural(total, "operation", "operations") +
           " an interrupted run left unfinished: they stay open (" + open +
           "); none is sent again.";
  }
  std::string line = "Settled ";
  if (unresolved > 0) line += std::to_string(total - unresolved) + " of ";
  line += plural(total, "operation", "operations") + " an interrupted run left unfinished";
  if (users_read > 0) line += " (read " + plural(users_read, "user", "users") + ")";
  line += ": " + std::to_string(took_effect) + " had taken effect, " + std::to_string(no_effect) +
          " had not, " + std::to_string(never_sent) + " were never sent";
  if (unresolved > 0) {
    line +=
        "; " + std::to_string(unresolved) + " could not be checked and stay open (" + open + ")";
  }
  return line + "; none is sent again.";
}

Result<SettleReport> settle_unfinished(Directory& directory, Cache& cache, Clock& clock,
                                       const SettleOptions& options) {
  auto unfinished = cache.journal().unfinished();
  if (!unfinished.ok()) return unfinished.error();
  SettleReport report;
  report.entries.reserve(unfinished->size());
  for (auto& e : *unfinished) {
    if (!in_scope(e, options.tenants)) continue;
    SettledEntry s;
    s.outcome = e.state;
    s.entry = std::move(e);
    report.entries.push_back(std::move(s));
  }
  const std::string not_closed = close_without_reading(cache, report);

  report.waited = time_to_wait(report, clock, options.request_timeout);
  if (report.waited.count() > 0) {
    if (options.on_wait) options.on_wait(report.waited);
    clock.sleep_for(report.waited);
  }

  // Per tenant, several tenants at once; a user's entries of every plan read once.
  std::mutex report_mu;
  std::vector<std::string> order;
  std::map<std::string, std::unique_ptr<TenantSettle>> tenants;
  for (auto& e : report.entries) {
    if (e.outcome != JournalState::Sending) continue;
    const JournalEntry& j = e.entry;
    std::string key = tenant_key(j);
    auto [it, inserted] = tenants.try_emplace(key);
    if (inserted) {
      it->second =
          std::make_unique<TenantSettle>(directory, cache, report, report_mu, key, j.tenant);
      order.push_back(key);
    }
    it->second->add(e);
  }
  std::atomic<size_t> next{0};
  auto worker = [&] {
    for (size_t i = next++; i < order.size(); i = next++) tenants[order[i]]->run();
  };
  size_t threads = std::min(order.size(), static_cast<size_t>(std::max(1, options.concurrency)));
  std::vector<std::thread> pool;
  for (size_t t = 1; t < threads; ++t) pool.emplace_back(worker);
  worker();  // the calling thread works too
  for (auto& t : pool) t.join();

  std::map<std::string, size_t> unsettled;  // tenant key -> its unsettled_tenants entry
  for (const auto& e : report.entries) {
    if (e.outcome == JournalState::Applied) {
      ++report.took_effect;
    } else if (e.outcome == JournalState::Skipped) {
      ++(e.entry.state == JournalState::Pending ? report.never_sent : report.no_effect);
    }
    if (!still_open(e)) continue;
    ++report.unresolved;
    std::string key = tenant_key(e.entry);
    auto [at, fresh] = unsettled.try_emplace(key, report.unsettled_tenants.size());
    if (fresh) report.unsettled_tenants.push_back({e.entry.tenant, e.entry.tenant_id, 0, ""});
    UnsettledTenant& t = report.unsettled_tenants[at->second];
    ++t.entries;
    // Closed without reading, or read: what kept this one open.
    std::string why = closed_without_reading(e.entry) ? not_closed
                      : tenants.count(key)            ? tenants.at(key)->why_unsettled()
                                                      : "";
    if (why.empty()) why = "its outcome could not be checked";
    if (t.why.find(why) == std::string::npos) t.why += (t.why.empty() ? "" : ", and ") + why;
  }
  std::sort(
      report.unsettled_tenants.begin(), report.unsettled_tenants.end(),
      [](const UnsettledTenant& a, const UnsettledTenant& b) { return iless(a.tenant, b.tenant); });
  return report;
}

void hold_back_unsettled(Plan& plan, const SettleReport& settled) {
  for (auto& t : plan.tenants) {
    for (const auto& u : settled.unsettled_tenants) {
      bool same = !u.tenant_id.empty() && !t.tenant_id.empty() ? u.tenant_id == t.tenant_id
                                                               : iequals(u.tenant, t.tenant);
      if (!same) continue;
      // As the planner leaves a tenant it cannot plan: one note saying why, no operation.
      TenantPlan held;
      held.tenant = t.tenant;
      held.tenant_id = t.tenant_id;
      held.mode = t.mode;
      held.not_planned = t.not_planned.empty() ? u.reason() : t.not_planned + "; " + u.reason();
      held.notes = {held.not_planned};
      t = std::move(held);
    }
  }
}

}  // namespace tenantsync
