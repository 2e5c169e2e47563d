// A thin RAII layer over the SQLite C API: Database (one connection), Statement (one
// prepared statement), Transaction (BEGIN ... COMMIT, rolled back unless committed).
//
// Every failure is a Status/Result value of ErrorKind::Io whose message names the file
// and carries SQLite's own message ("cache /x/tenantsync.db: insert user: UNIQUE
// constraint failed: ..."); `Error::code` is "sqlite:<extended result code>". Nothing here
// throws.
//
// Threads: a Database and its statements belong to one thread at a time. The connection
// is opened with SQLITE_OPEN_NOMUTEX: the owner (CacheDatabase) serializes access with its
// own mutex, so SQLite's per-call mutex would only cost time.
//
// Binding: Statement::bind() records the first binding error and step() reports it, so a
// row with twelve columns reads as twelve bind() lines and one checked step(). bind()
// copies text (SQLITE_TRANSIENT): a temporary string may die before step();
// bind_borrowed() does not, for text the caller keeps alive.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include "model/result.h"

struct sqlite3;
struct sqlite3_stmt;

namespace tenantsync {

class Database;

class Statement {
 public:
  Statement() = default;
  Statement(Database* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement();

  // Parameters are 1-based, as in SQLite.
  void bind(int index, std::int64_t value);
  void bind(int index, int value) { bind(index, static_cast<std::int64_t>(value)); }
  void bind(int index, bool value) { bind(index, static_cast<std::int64_t>(value ? 1 : 0)); }
  void bind(int index, std::string_view value);
  void bind(int index, const std::string& value) { bind(index, std::string_view(value)); }
  void bind(int index, const char* value) { bind(index, std::string_view(value)); }
  void bind(int index, const std::optional<std::string>& value);  // nullopt binds NULL
  void bind_null(int index);
  // Binds text without copying it: `value` must stay alive and unchanged until the
  // statement is stepped to its end or reset (the fields of a row the caller holds, not
  // a temporary). For the per-row statements of a mirror's writes, where the copy and its
  // allocation cost a few percent of the whole.
  void bind_borrowed(int index, std::string_view value);
  void bind_borrowed(int index, const std::string& value) {
    bind_borrowed(index, std::string_view(value));
  }
  void bind_borrowed(int index, const std::optional<std::string>& value);  // nullopt: NULL
  // Binds `values` to ?1, ?2, ... in the order given.
  template <typename... Values>
  void bind_all(const Values&... values) {
    int index = 0;
    (bind(++index, values), ...);
  }

  // Advances: true when a row is ready, false when the statement is done.
  Result<bool> step();
  // Steps until done (for INSERT/UPDATE/DELETE); rows, if any, are skipped.
  Status run();
  // Resets the statement and clears its bindings and any recorded binding error.
  void reset();

  // Columns are 0-based, as in SQLite. NULL reads as 0 / "".
  std::int64_t column_int64(int index) const;
  int column_int(int index) const { return static_cast<int>(column_int64(index)); }
  bool column_bool(int index) const { return column_int64(index) != 0; }
  std::string column_text(int index) const;
  // The text in place: valid until the next step, reset or column read of `index`.
  std::string_view column_view(int index) const;
  std::optional<std::string> column_optional_text(int index) const;
  bool column_is_null(int index) const;

 private:
  void note_bind(int rc, int index);

  Database* db_ = nullptr;
  sqlite3_stmt* stmt_ = nullptr;
  std::optional<Error> bind_error_;
};

// A cached statement borrowed from its Database; reset when the borrow ends, so a
// half-read SELECT never keeps an old read snapshot open on the connection.
class StatementRef {
 public:
  explicit StatementRef(Statement* statement) : statement_(statement) {}
  StatementRef(StatementRef&& other) noexcept : statement_(other.statement_) {
    other.statement_ = nullptr;
  }
  StatementRef& operator=(StatementRef&&) = delete;
  StatementRef(const StatementRef&) = delete;
  StatementRef& operator=(const StatementRef&) = delete;
  ~StatementRef() {
    if (statement_) statement_->reset();
  }

  Statement* operator->() const { return statement_; }
  Statement& operator*() const { return *statement_; }

 private:
  Statement* statement_;
};

class Database {
 public:
  // Opens (and, with `create`, creates) the file. The connection has extended result codes
  // on and SQLITE_OPEN_NOMUTEX (see above).
  static Result<std::unique_ptr<Database>> open(const std::string& path, bool create);

  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;
  ~Database();

  const std::string& path() const { return path_; }
  sqlite3* handle() const { return db_; }

  // Runs one or more statements separated by ';'. `what` names the step in errors.
  Status exec(std::string_view sql, std::string_view what);
  Result<Statement> prepare(std::string_view sql);
  // The statement prepared once per connection for `sql`, reset when the borrow ends.
  // `sql` is the key: pass string literals.
  Result<StatementRef> cached(const char* sql);
  // Runs a query that yields one integer (PRAGMA user_version, SELECT count(*)...).
  Result<std::int64_t> query_int(std::string_view sql);

  // Rows changed by the last INSERT/UPDATE/DELETE on this connection.
  std::int64_t changes() const;
  // The rowid of the last row inserted on this connection.
  std::int64_t last_insert_rowid() const;

  // An Io error naming the file, the step and SQLite's current message and code.
  Error error(std::string_view what) const;
  Error error(std::string_view what, int rc) const;

 private:
  Database(std::string path, sqlite3* db) : path_(std::move(path)), db_(db) {}

  std::string path_;
  sqlite3* db_ = nullptr;
  std::map<const char*, std::unique_ptr<Statement>> cached_;
};

class Transaction {
 public:
  enum class Mode { Deferred, Immediate };

  // BEGIN (DEFERRED for reads, IMMEDIATE for writes: the write lock is taken up front,
  // so a busy database waits in busy_timeout instead of failing at the first write).
  // Inside another transaction it is a SAVEPOINT instead (commit releases it, destruction
  // rolls back to it), so steps that each hold a transaction compose into one.
  static Result<Transaction> begin(Database& db, Mode mode = Mode::Immediate);

  Transaction(Transaction&& other) noexcept : db_(other.db_), nested_(other.nested_) {
    other.db_ = nullptr;
  }
  Transaction& operator=(Transaction&&) = delete;
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  ~Transaction();  // ROLLBACK unless committed

  Status commit();

 private:
  Transaction(Database* db, bool nested) : db_(db), nested_(nested) {}
  Database* db_;
  bool nested_;  // a SAVEPOINT inside an outer transaction
};

// Inserts one row per element of `rows` through the cached statement `sql`
// (nothing, not even the prepare, for none);
// `bind_row(statement, position, element)` binds its values.
template <typename Row, typename BindRow>
Status insert_rows(Database& db, const char* sql, const std::vector<Row>& rows, BindRow bind_row) {
  if (rows.empty()) return {};
  auto s = db.cached(sql);
  if (!s.ok()) return s.error();
  for (size_t i = 0; i < rows.size(); ++i) {
    (*s)->reset();
    bind_row(**s, static_cast<std::int64_t>(i), rows[i]);
    Status st = (*s)->run();
    if (!st.ok()) return st;
  }
  return {};
}

// Steps `statement` to its end, calling `on_row(statement)` for each row. Returns the
// first step error, or the first error `on_row` returns when it returns a Status.
template <typename OnRow>
Status for_each_row(Statement& statement, OnRow&& on_row) {
  for (;;) {
    auto row = statement.step();
    if (!row.ok()) return row.error();
    if (!*row) return {};
    if constexpr (std::is_same_v<std::invoke_result_t<OnRow&, const Statement&>, Status>) {
      Status st = on_row(std::as_const(statement));
      if (!st.ok()) return st;
    } else {
      on_row(std::as_const(statement));
    }
  }
}

// SQLite result codes that mean "this file is not a (healthy) database".
bool is_corruption_code(int rc);

}  // namespace tenantsync
