#include "sync/tasks/password_reset.h"

#include <algorithm>

#include "sync/apply/executor.h"
#include "sync/log.h"

namespace tenantsync {

namespace {

// The journal's copy of a request: the body with no password in it.
JournalEntry journal_entry(const PasswordResetJournal& j, const PasswordReset& reset) {
  JournalEntry e;
  e.plan_id = j.run_id;
  e.tenant_id = j.tenant.id;
  e.tenant = j.tenant.default_domain_name;
  e.user = reset.upn;
  e.user_id = reset.user_id;
  e.op = OpKind::ResetPassword;
  e.request = password_reset_body("[redacted]");
  return e;
}

JournalOutcome outcome(const JournalEntry& e, const Status& status) {
  JournalOutcome o{e.plan_id, e.seq, JournalState::Applied, "", ""};
  if (!status.ok()) {
    const Error& error = status.error();
    o.state = JournalState::Failed;
    o.error_code = error.code.empty() ? std::string(to_string(error.kind)) : error.code;
    o.error_message = error.message;
  }
  return o;
}

}  // namespace

nlohmann::json password_reset_body(std::string_view password) {
  return {{"passwordProfile",
           {{"forceChangePasswordNextSignIn", true}, {"password", std::string(password)}}}};
}

Result<std::vector<PasswordResetResult>> reset_passwords(Directory& directory,
                                                         PasswordResetJournal& journal,
                                                         const std::vector<PasswordReset>& resets,
                                                         size_t chunk,
                                                         const std::atomic<bool>* interrupt) {
  std::vector<JournalEntry> entries;
  for (const auto& r : resets) entries.push_back(journal_entry(journal, r));
  if (Status s = journal.journal.append(entries); !s.ok()) return s.error();

  chunk = std::max<size_t>(1, chunk);
  std::vector<PasswordResetResult> results;
  results.reserve(resets.size());
  for (size_t start = 0; start < resets.size(); start += chunk) {
    size_t end = std::min(resets.size(), start + chunk);
    if (interrupt && interrupt->load()) {
      std::vector<JournalOutcome> outcomes;
      for (size_t i = start; i < resets.size(); ++i) {
        outcomes.push_back(
            {journal.run_id, entries[i].seq, JournalState::Skipped, "", kStoppedBeforeSending});
        results.push_back({resets[i].upn, resets[i].user_id,
                           make_error(ErrorKind::Internal, kStoppedBeforeSending, "interrupted")});
      }
      // Unrecorded, they stay pending: the next settle closes them as never sent.
      (void)journal.journal.record_outcomes(outcomes);
      return results;
    }
    std::vector<std::int64_t> seqs;
    for (size_t i = start; i < end; ++i) seqs.push_back(entries[i].seq);
    if (Status s = journal.journal.mark_sending(journal.run_id, seqs); !s.ok()) {
      for (size_t i = start; i < resets.size(); ++i) {
        results.push_back({resets[i].upn, resets[i].user_id,
                           make_error(s.error().kind, "not sent: " + s.error().message)});
      }
      return results;
    }
    std::vector<WriteRequest> requests;
    for (size_t i = start; i < end; ++i) {
      WriteRequest r;
      r.kind = WriteRequest::Kind::UpdateUser;
      r.user = resets[i].user_id.empty() ? resets[i].upn : resets[i].user_id;
      r.body = password_reset_body(resets[i].password);
      requests.push_back(std::move(r));
    }
    std::vector<WriteResult> written = directory.write(journal.tenant.id, requests);
    for (auto& r : requests) r.body = nullptr;  // drop the passwords
    std::vector<JournalOutcome> outcomes;
    for (size_t i = start; i < end; ++i) {
      size_t k = i - start;
      Status status = k < written.size()
                          ? written[k].status
                          : Status(make_error(ErrorKind::Internal,
                                              "the directory returned no result for this request"));
      outcomes.push_back(outcome(entries[i], status));
      results.push_back({resets[i].upn, resets[i].user_id, std::move(status)});
    }
    // The service has answered: a journal that cannot record it leaves the entries
    // `sending`, which resume settles as unknown.
    if (Status s = journal.journal.record_outcomes(outcomes); !s.ok()) {
      log_error("cannot record password resets in the journal",
                {{"tenant", journal.tenant.default_domain_name}, {"error", s.error().describe()}});
    }
  }
  return results;
}

}  // namespace tenantsync
