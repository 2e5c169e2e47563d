#include "sync/store/sqlite.h"

#include <sqlite3.h>

#include <utility>

#include "sync/store/wal_write_gathering.h"

namespace tenantsync {

// ---- Statement ----

Statement::Statement(Statement&& other) noexcept
    : db_(other.db_), stmt_(other.stmt_), bind_error_(std::move(other.bind_error_)) {
  other.stmt_ = nullptr;
}

Statement& Statement::operator=(Statement&& other) noexcept {
  if (this != &other) {
    if (stmt_) sqlite3_finalize(stmt_);
    db_ = other.db_;
    stmt_ = other.stmt_;
    bind_error_ = std::move(other.bind_error_);
    other.stmt_ = nullptr;
  }
  return *this;
}

Statement::~Statement() {
  if (stmt_) sqlite3_finalize(stmt_);
}

void Statement::note_bind(int rc, int index) {
  if (rc != SQLITE_OK && !bind_error_) {
    bind_error_ = db_->error("bind parameter " + std::to_string(index), rc);
  }
}

void Statement::bind(int index, std::int64_t value) {
  note_bind(sqlite3_bind_int64(stmt_, index, value), index);
}

void Statement::bind(int index, std::string_view value) {
  note_bind(
      sqlite3_bind_text64(stmt_, index, value.data(), value.size(), SQLITE_TRANSIENT, SQLITE_UTF8),
      index);
}

void Statement::bind(int index, const std::optional<std::string>& value) {
  if (value) {
    bind(index, std::string_view(*value));
  } else {
    bind_null(index);
  }
}

void Statement::bind_borrowed(int index, std::string_view value) {
  note_bind(
      sqlite3_bind_text64(stmt_, index, value.data(), value.size(), SQLITE_STATIC, SQLITE_UTF8),
      index);
}

void Statement::bind_borrowed(int index, const std::optional<std::string>& value) {
  if (value) {
    bind_borrowed(index, std::string_view(*value));
  } else {
    bind_null(index);
  }
}

void Statement::bind_null(int index) { note_bind(sqlite3_bind_null(stmt_, index), index); }

Result<bool> Statement::step() {
  if (bind_error_) return *bind_error_;
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  const char* sql = sqlite3_sql(stmt_);
  std::string what = sql ? std::string(sql).substr(0, 60) : std::string("statement");
  Error e = db_->error(what, rc);
  sqlite3_reset(stmt_);
  return e;
}

Status Statement::run() {
  for (;;) {
    auto r = step();
    if (!r.ok()) return r.error();
    if (!*r) return {};
  }
}

void Statement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
  bind_error_.reset();
}

std::int64_t Statement::column_int64(int index) const { return sqlite3_column_int64(stmt_, index); }

std::string Statement::column_text(int index) const { return std::string(column_view(index)); }

std::string_view Statement::column_view(int index) const {
  const unsigned char* text = sqlite3_column_text(stmt_, index);
  if (!text) return {};
  return {reinterpret_cast<const char*>(text),
          static_cast<size_t>(sqlite3_column_bytes(stmt_, index))};
}

std::optional<std::string> Statement::column_optional_text(int index) const {
  if (column_is_null(index)) return std::nullopt;
  return column_text(index);
}

bool Statement::column_is_null(int index) const {
  return sqlite3_column_type(stmt_, index) == SQLITE_NULL;
}

// ---- Database ----

Result<std::unique_ptr<Database>> Database::open(const std::string& path, bool create) {
  // Settings only possible before SQLite initialises, hence once, here.
  static const bool configured = [] {
    // SQLite counts every allocation under one process-wide mutex unless told not to; the
    // mirror's threads then queued on it for each row (~5% of the mirror's CPU).
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    // A savepoint keeps the original of each page it changes in memory up to this limit,
    // past it in a temporary file (created, written and removed). At 64 KiB (the default)
    // most tenants' deleted users, written in one, went to a file. SQLite allocates the
    // memory as one block of the whole limit and, when the limit is passed, hands that
    // block to the file in one write; the unix VFS writes at most 128 KiB at once and
    // takes the rest for a full disk. So the limit stays under 128 KiB: at 448 KiB every
    // savepoint past it (a tenant's deleted users rewritten over a hundred pages inside a
    // round's transaction, a migration dropping a big index) failed as "database or disk
    // is full". No file was written at 124 KiB by full reads, delta rounds and re-reads
    // of tenants of 1,000 and of 100,000 users (1% deleted).
    sqlite3_config(SQLITE_CONFIG_STMTJRNL_SPILL, 124 << 10);
    return true;
  }();
  (void)configured;
  sqlite3* raw = nullptr;
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (create ? SQLITE_OPEN_CREATE : 0);
  // Through the VFS that writes a commit's WAL frames at once (wal_write_gathering.h).
  int rc = sqlite3_open_v2(path.c_str(), &raw, flags, wal_gathering_vfs());
  if (rc != SQLITE_OK) {
    std::string message = raw ? sqlite3_errmsg(raw) : sqlite3_errstr(rc);
    sqlite3_close_v2(raw);
    Error e = make_error(ErrorKind::Io, "cache " + path + ": open: " + message,
                         "sqlite:" + std::to_string(rc));
    return e;
  }
  sqlite3_extended_result_codes(raw, 1);
  return std::unique_ptr<Database>(new Database(path, raw));
}

Database::~Database() {
  cached_.clear();  // statements first: close_v2 would otherwise defer the close
  sqlite3_close_v2(db_);
}

Status Database::exec(std::string_view sql, std::string_view what) {
  std::string text(sql);
  char* message = nullptr;
  int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &message);
  if (rc == SQLITE_OK) return {};
  std::string detail = message ? message : sqlite3_errstr(rc);
  sqlite3_free(message);
  return make_error(ErrorKind::Io, "cache " + path_ + ": " + std::string(what) + ": " + detail,
                    "sqlite:" + std::to_string(rc));
}

Result<Statement> Database::prepare(std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                              SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
  if (rc != SQLITE_OK) return error("prepare " + std::string(sql.substr(0, 60)), rc);
  return Statement(this, stmt);
}

Result<StatementRef> Database::cached(const char* sql) {
  auto it = cached_.find(sql);
  if (it == cached_.end()) {
    auto prepared = prepare(sql);
    if (!prepared.ok()) return prepared.error();
    it = cached_.emplace(sql, std::make_unique<Statement>(std::move(prepared).value())).first;
  }
  return StatementRef(it->second.get());
}

Result<std::int64_t> Database::query_int(std::string_view sql) {
  auto stmt = prepare(sql);
  if (!stmt.ok()) return stmt.error();
  auto row = stmt->step();
  if (!row.ok()) return row.error();
  if (!*row) return error("no row from " + std::string(sql.substr(0, 60)), SQLITE_ERROR);
  return stmt->column_int64(0);
}

std::int64_t Database::changes() const { return sqlite3_changes64(db_); }

std::int64_t Database::last_insert_rowid() const { return sqlite3_last_insert_rowid(db_); }

Error Database::error(std::string_view what) const {
  return error(what, sqlite3_extended_errcode(db_));
}

Error Database::error(std::string_view what, int rc) const {
  // The connection's message matches rc when rc came from the last call on it; otherwise
  // (bind errors, stale codes) the generic text for rc is the honest one.
  const char* message =
      sqlite3_extended_errcode(db_) == rc ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
  return make_error(ErrorKind::Io, "cache " + path_ + ": " + std::string(what) + ": " + message,
                    "sqlite:" + std::to_string(rc));
}

// ---- Transaction ----

namespace {

// BEGIN, COMMIT and their savepoint forms run as cached statements: through sqlite3_exec
// each was parsed again, for every one of the several transactions a tenant's read makes.
Status run_cached(Database& db, const char* sql) {
  auto s = db.cached(sql);
  if (!s.ok()) return s.error();
  return (*s)->run();
}

}  // namespace

Result<Transaction> Transaction::begin(Database& db, Mode mode) {
  if (sqlite3_get_autocommit(db.handle()) == 0) {
    Status s = run_cached(db, "SAVEPOINT nested");
    if (!s.ok()) return s.error();
    return Transaction(&db, true);
  }
  Status s = run_cached(db, mode == Mode::Immediate ? "BEGIN IMMEDIATE" : "BEGIN DEFERRED");
  if (!s.ok()) return s.error();
  return Transaction(&db, false);
}

Transaction::~Transaction() {
  if (!db_) return;
  if (nested_) {
    (void)db_->exec("ROLLBACK TO nested; RELEASE nested", "rollback to savepoint");
  } else {
    (void)db_->exec("ROLLBACK", "rollback");
  }
}

Status Transaction::commit() {
  if (!db_) return make_error(ErrorKind::Internal, "commit of a finished transaction");
  Status s = run_cached(*db_, nested_ ? "RELEASE nested" : "COMMIT");
  if (s.ok()) db_ = nullptr;  // on failure the destructor rolls back
  return s;
}

bool is_corruption_code(int rc) {
  int primary = rc & 0xff;
  return primary == SQLITE_NOTADB || primary == SQLITE_CORRUPT;
}

}  // namespace tenantsync
