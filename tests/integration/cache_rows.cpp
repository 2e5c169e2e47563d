#include "tests/integration/cache_rows.h"

#include <sqlite3.h>

#include <stdexcept>

namespace tenantsync::test {

namespace {

// Every row of `sql` as "col|col|...\n"; NULL reads as "NULL".
std::string dump(sqlite3* db, const std::string& sql) {
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
    throw std::runtime_error(sql + ": " + sqlite3_errmsg(db));
  }
  std::string out = sql + "\n";
  int rc;
  while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    for (int c = 0; c < sqlite3_column_count(stmt); ++c) {
      const unsigned char* text = sqlite3_column_text(stmt, c);
      out += text ? reinterpret_cast<const char*>(text) : "NULL";
      out += '|';
    }
    out += '\n';
  }
  sqlite3_finalize(stmt);
  if (rc != SQLITE_DONE) throw std::runtime_error(sql + ": " + sqlite3_errmsg(db));
  return out;
}

}  // namespace

std::string mirrored_rows(const std::string& cache_path) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(cache_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    std::string message = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    throw std::runtime_error("open " + cache_path + ": " + message);
  }
  std::string out;
  try {
    for (const char* table : {"tenants", "skus", "service_plans", "users", "staged_users"}) {
      out += dump(db, std::string("SELECT * FROM ") + table + " ORDER BY 1, 2, 3");
    }
    out += dump(db,
                "SELECT tenant, delta_link <> '', outcome, error, state_version "
                "FROM sync_state ORDER BY tenant");
  } catch (...) {
    sqlite3_close(db);
    throw;
  }
  sqlite3_close(db);
  return out;
}

}  // namespace tenantsync::test
