#include "sync/store/journal.h"

#include <algorithm>
#include <cctype>

#include "model/json_text.h"
#include "sync/store/cache_database.h"
#include "sync/store/sqlite.h"

namespace tenantsync {

namespace {

constexpr const char* kStateNames[] = {"pending", "sending", "applied",
                                       "failed",  "blocked", "skipped"};

bool is_secret_key(std::string key) {
  std::transform(key.begin(), key.end(), key.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  static const char* const kMarkers[] = {"password",  "secret",     "token",
                                         "assertion", "privatekey", "credential"};
  for (const char* m : kMarkers) {
    if (key.find(m) != std::string::npos) return true;
  }
  return false;
}

constexpr const char* kSelectColumns =
    "SELECT plan_id, seq, tenant_id, tenant, user_name, user_id, op, sku, request, state, "
    "error_code, error_message, created_at, updated_at FROM journal ";

Result<JournalEntry> read_entry(const Statement& s) {
  JournalEntry e;
  e.plan_id = s.column_text(0);
  e.seq = s.column_int64(1);
  e.tenant_id = s.column_text(2);
  e.tenant = s.column_text(3);
  e.user = s.column_text(4);
  e.user_id = s.column_text(5);
  std::string op = s.column_text(6);
  auto kind = parse_op_kind(op);
  if (!kind) return make_error(ErrorKind::Io, "journal holds an unknown operation '" + op + "'");
  e.op = *kind;
  e.sku = s.column_text(7);
  e.request = nlohmann::json::parse(s.column_text(8), nullptr, false);
  if (e.request.is_discarded()) e.request = nlohmann::json::object();
  std::string state = s.column_text(9);
  auto parsed = parse_journal_state(state);
  if (!parsed) return make_error(ErrorKind::Io, "journal holds an unknown state '" + state + "'");
  e.state = *parsed;
  e.error_code = s.column_text(10);
  e.error_message = s.column_text(11);
  e.created_at = s.column_text(12);
  e.updated_at = s.column_text(13);
  return e;
}

Result<std::vector<JournalEntry>> read_all(Statement& s) {
  std::vector<JournalEntry> out;
  Status read = for_each_row(s, [&](const Statement& r) -> Status {
    auto e = read_entry(r);
    if (!e.ok()) return e.error();
    out.push_back(std::move(e).value());
    return {};
  });
  if (!read.ok()) return read.error();
  return out;
}

Error entry_not_found(const std::string& plan_id, std::int64_t seq) {
  return make_error(ErrorKind::NotFound,
                    "journal has no entry " + plan_id + "/" + std::to_string(seq));
}

// The entry's state, inside the caller's transaction.
Result<JournalState> current_state(Database& db, const std::string& plan_id, std::int64_t seq) {
  auto s = db.cached("SELECT state FROM journal WHERE plan_id = ?1 AND seq = ?2");
  if (!s.ok()) return s.error();
  (*s)->bind_all(plan_id, seq);
  auto row = (*s)->step();
  if (!row.ok()) return row.error();
  if (!*row) return entry_not_found(plan_id, seq);
  auto state = parse_journal_state((*s)->column_text(0));
  if (!state) return make_error(ErrorKind::Io, "journal holds an unknown state");
  return *state;
}

Status set_state(Database& db, const std::string& now, const JournalOutcome& o) {
  auto s = db.cached(
      "UPDATE journal SET state = ?3, error_code = ?4, error_message = ?5, updated_at = ?6 "
      "WHERE plan_id = ?1 AND seq = ?2");
  if (!s.ok()) return s.error();
  (*s)->bind_all(o.plan_id, o.seq, to_string(o.state), o.error_code, o.error_message, now);
  return (*s)->run();
}

}  // namespace

const char* to_string(JournalState state) { return kStateNames[static_cast<int>(state)]; }

std::optional<JournalState> parse_journal_state(std::string_view text) {
  for (int i = 0; i < 6; ++i) {
    if (text == kStateNames[i]) return static_cast<JournalState>(i);
  }
  return std::nullopt;
}

bool is_final(JournalState state) {
  return state != JournalState::Pending && state != JournalState::Sending;
}

nlohmann::json scrub_request_body(const nlohmann::json& body) {
  if (body.is_object()) {
    nlohmann::json out = nlohmann::json::object();
    for (auto it = body.begin(); it != body.end(); ++it) {
      out[it.key()] =
          is_secret_key(it.key()) ? nlohmann::json("[redacted]") : scrub_request_body(it.value());
    }
    return out;
  }
  if (body.is_array()) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& e : body) out.push_back(scrub_request_body(e));
    return out;
  }
  return body;
}

Status Journal::append(std::vector<JournalEntry>& entries) {
  for (const auto& e : entries) {
    if (e.state != JournalState::Pending && e.state != JournalState::Blocked &&
        e.state != JournalState::Skipped) {
      return make_error(ErrorKind::Invalid, std::string("journal entries start pending, blocked "
                                                        "or skipped, not ") +
                                                to_string(e.state));
    }
  }
  std::string now = format_iso8601(db_.clock().now());
  return db_.with_writer([&](Database& db) -> Status {
    auto tx = Transaction::begin(db);
    if (!tx.ok()) return tx.error();
    auto last = db.cached("SELECT coalesce(max(seq), 0) FROM journal WHERE plan_id = ?1");
    if (!last.ok()) return last.error();
    auto insert = db.cached(
        "INSERT INTO journal (plan_id, seq, tenant_id, tenant, user_name, user_id, op, sku, "
        "request, state, error_code, error_message, created_at, updated_at) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?13)");
    if (!insert.ok()) return insert.error();
    std::string plan_seen;
    std::int64_t next = 0;
    for (auto& e : entries) {
      if (e.plan_id != plan_seen || plan_seen.empty()) {
        (*last)->reset();
        (*last)->bind(1, e.plan_id);
        auto row = (*last)->step();
        if (!row.ok()) return row.error();
        next = (*last)->column_int64(0) + 1;
        (*last)->reset();
        plan_seen = e.plan_id;
      }
      e.seq = next++;
      e.request = scrub_request_body(e.request);
      e.created_at = e.updated_at = now;
      auto& s = **insert;
      s.reset();
      s.bind_all(e.plan_id, e.seq, e.tenant_id, e.tenant, e.user, e.user_id, to_string(e.op), e.sku,
                 dump_json(e.request), to_string(e.state), e.error_code, e.error_message, now);
      Status st = s.run();
      if (!st.ok()) return st;
    }
    return tx->commit();
  });
}

Status Journal::mark_sending(const std::string& plan_id, const std::vector<std::int64_t>& seqs) {
  std::string now = format_iso8601(db_.clock().now());
  return db_.with_writer([&](Database& db) -> Status {
    auto tx = Transaction::begin(db);
    if (!tx.ok()) return tx.error();
    for (std::int64_t seq : seqs) {
      auto state = current_state(db, plan_id, seq);
      if (!state.ok()) return state.error();
      if (is_final(*state)) {
        return make_error(ErrorKind::Invalid, "journal entry " + plan_id + "/" +
                                                  std::to_string(seq) + " is already " +
                                                  to_string(*state));
      }
      Status s = set_state(db, now, {plan_id, seq, JournalState::Sending, "", ""});
      if (!s.ok()) return s;
    }
    return tx->commit();
  });
}

Status Journal::record_outcome(const JournalOutcome& outcome) { return record_outcomes({outcome}); }

Status Journal::record_outcomes(const std::vector<JournalOutcome>& outcomes) {
  for (const auto& o : outcomes) {
    if (!is_final(o.state)) {
      return make_error(ErrorKind::Invalid,
                        std::string("an outcome is applied, failed, blocked or skipped, not ") +
                            to_string(o.state));
    }
  }
  std::string now = format_iso8601(db_.clock().now());
  return db_.with_writer([&](Database& db) -> Status {
    auto tx = Transaction::begin(db);
    if (!tx.ok()) return tx.error();
    for (const auto& o : outcomes) {
      auto state = current_state(db, o.plan_id, o.seq);
      if (!state.ok()) return state.error();
      if (is_final(*state)) {
        return make_error(ErrorKind::Invalid, "journal entry " + o.plan_id + "/" +
                                                  std::to_string(o.seq) + " is already " +
                                                  to_string(*state));
      }
      Status s = set_state(db, now, o);
      if (!s.ok()) return s;
    }
    return tx->commit();
  });
}

Result<std::vector<JournalEntry>> Journal::list(const JournalQuery& query) {
  // created_at is "YYYY-MM-DDTHH:MM:SSZ", so the time in the same form compares as text.
  std::string since = query.since ? format_iso8601(*query.since) : "";
  return db_.with_reader([&](Database& db) -> Result<std::vector<JournalEntry>> {
    auto s = db.prepare(std::string(kSelectColumns) +
                        "WHERE (?1 = '' OR tenant_id = ?1 OR tenant = ?1 COLLATE NOCASE) "
                        "AND (?2 = '' OR created_at >= ?2) ORDER BY entry");
    if (!s.ok()) return s.error();
    s->bind_all(query.tenant, since);
    return read_all(*s);
  });
}

Result<std::vector<JournalEntry>> Journal::unfinished(const std::string& tenant) {
  return db_.with_reader([&](Database& db) -> Result<std::vector<JournalEntry>> {
    auto s = db.prepare(std::string(kSelectColumns) +
                        "WHERE state IN ('pending', 'sending') "
                        "AND (?1 = '' OR tenant_id = ?1 OR tenant = ?1 COLLATE NOCASE) "
                        "ORDER BY entry");
    if (!s.ok()) return s.error();
    s->bind(1, tenant);
    return read_all(*s);
  });
}

}  // namespace tenantsync
