// The apply journal: every operation the executor sends, written before it is sent and
// updated with its outcome, so a crash never loses or repeats work and `journal` can
// show the audit trail (docs/cli.md).
//
// Life of an entry: append() writes a plan's operations as `pending` in one transaction
// (or `blocked`/`skipped` when they will not be sent); mark_sending() just before the
// request leaves; record_outcome() with `applied` or `failed` (the service's code and
// message verbatim). After a crash, unfinished() lists the `pending` and `sending`
// entries: a `sending` one may or may not have reached the service, so the executor
// re-reads the user before resending.
//
// No secrets ever: request bodies are scrubbed on append (passwordProfile, password,
// secrets, tokens become "[redacted]").
//
// The journal lives in the cache file and writes through its single write connection
// (cache_database.h); any thread may call it. Owned by Cache (Cache::journal()).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "model/plan.h"
#include "model/result.h"
#include "sync/clock.h"

namespace tenantsync {

class CacheDatabase;

enum class JournalState { Pending, Sending, Applied, Failed, Blocked, Skipped };
const char* to_string(JournalState state);
std::optional<JournalState> parse_journal_state(std::string_view text);
// Applied, Failed, Blocked, Skipped: nothing more will happen to the entry.
bool is_final(JournalState state);

struct JournalEntry {
  std::string plan_id;
  std::int64_t seq = 0;  // assigned by append(): 1, 2, ... within the plan
  std::string tenant_id;
  std::string tenant;   // default domain
  std::string user;     // user principal name
  std::string user_id;  // "" for create
  OpKind op = OpKind::Assign;
  std::string sku;  // part number, when the operation concerns one SKU
  nlohmann::json request = nlohmann::json::object();  // the request body, scrubbed
  JournalState state = JournalState::Pending;
  std::string error_code;     // the service's, verbatim
  std::string error_message;  // the service's, verbatim
  std::string created_at;     // ISO 8601, set by append()
  std::string updated_at;

  bool operator==(const JournalEntry&) const = default;
};

struct JournalOutcome {
  std::string plan_id;
  std::int64_t seq = 0;
  JournalState state = JournalState::Applied;
  std::string error_code;
  std::string error_message;
};

struct JournalQuery {
  std::string tenant;  // tenant id or default domain (any case); "" = every tenant
  std::optional<Clock::time_point> since;  // entries created at or after it; nullopt = all
};

class Journal {
 public:
  explicit Journal(CacheDatabase& db) : db_(db) {}

  // Appends in one transaction, in order. Sets each entry's seq (continuing after the
  // plan's last entry), created_at/updated_at, and scrubs its request. States other than
  // pending/blocked/skipped are refused (Invalid).
  Status append(std::vector<JournalEntry>& entries);

  // pending (or already sending, on resume) -> sending. An unknown entry is NotFound; a
  // finished one is Invalid.
  Status mark_sending(const std::string& plan_id, const std::vector<std::int64_t>& seqs);

  // -> a final state. Outcomes of one batch go in one transaction. Recording over a
  // finished entry is Invalid (an entry's outcome never changes once known).
  Status record_outcome(const JournalOutcome& outcome);
  Status record_outcomes(const std::vector<JournalOutcome>& outcomes);

  // Oldest first (append order).
  Result<std::vector<JournalEntry>> list(const JournalQuery& query = {});
  // pending and sending entries, oldest first; `tenant` as in JournalQuery.
  Result<std::vector<JournalEntry>> unfinished(const std::string& tenant = {});

 private:
  CacheDatabase& db_;
};

// Replaces secret values (password, passwordProfile, client secrets, tokens, assertions)
// anywhere in `body` with "[redacted]".
nlohmann::json scrub_request_body(const nlohmann::json& body);

}  // namespace tenantsync
