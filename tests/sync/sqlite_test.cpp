// The SQLite wrapper's helpers: positional binding, row inserts, row loops.
#include "sync/store/sqlite.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <optional>
#include <string>
#include <vector>

namespace tenantsync {
namespace sqlite_test {

class SqliteTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = Database::open(":memory:", /*create=*/true);
    ASSERT_TRUE(opened.ok()) << opened.error().message;
    db_ = std::move(opened).value();
    ASSERT_TRUE(db_->exec("CREATE TABLE t (a INTEGER, b TEXT, c INTEGER, d TEXT)", "create").ok());
  }

  std::vector<std::string> rows() {
    auto s = db_->prepare("SELECT a, b, c, coalesce(d, 'NULL') FROM t ORDER BY rowid");
    EXPECT_TRUE(s.ok());
    std::vector<std::string> out;
    Status read = for_each_row(*s, [&](const Statement& r) {
      out.push_back(std::to_string(r.column_int64(0)) + "|" + r.column_text(1) + "|" +
                    std::to_string(r.column_int64(2)) + "|" + r.column_text(3));
    });
    EXPECT_TRUE(read.ok());
    return out;
  }

  std::unique_ptr<Database> db_;
};

TEST_F(SqliteTest, BindAllBindsItsValuesToTheParametersInOrder) {
  auto s = db_->prepare("INSERT INTO t (a, b, c, d) VALUES (?1, ?2, ?3, ?4)");
  ASSERT_TRUE(s.ok());
  s->bind_all(std::int64_t{7}, std::string("seven"), true, std::optional<std::string>());
  ASSERT_TRUE(s->run().ok());
  EXPECT_EQ(rows(), std::vector<std::string>({"7|seven|1|NULL"}));
}

// Borrowed text is stored as it was when stepped; the row keeps its own copy after.
TEST_F(SqliteTest, BindBorrowedStoresTheTextAndNulloptAsNull) {
  auto s = db_->prepare("INSERT INTO t (a, b, c, d) VALUES (?1, ?2, ?3, ?4)");
  ASSERT_TRUE(s.ok());
  std::string text = "borrowed";
  std::optional<std::string> none;
  s->bind(1, std::int64_t{1});
  s->bind_borrowed(2, text);
  s->bind(3, false);
  s->bind_borrowed(4, none);
  ASSERT_TRUE(s->run().ok());
  s->reset();
  text = "changed after the insert";
  std::optional<std::string> some = "set";
  s->bind(1, std::int64_t{2});
  s->bind_borrowed(2, std::string_view(text).substr(0, 7));
  s->bind(3, true);
  s->bind_borrowed(4, some);
  ASSERT_TRUE(s->run().ok());
  EXPECT_EQ(rows(), std::vector<std::string>({"1|borrowed|0|NULL", "2|changed|1|set"}));
}

TEST_F(SqliteTest, ATransactionInsideAnotherIsASavepointOfIt) {
  auto insert = [&](int a) {
    return db_->exec("INSERT INTO t (a, b, c) VALUES (" + std::to_string(a) + ", 'x', 0)",
                     "insert");
  };
  {
    auto outer = Transaction::begin(*db_);
    ASSERT_TRUE(outer.ok()) << outer.error().message;
    ASSERT_TRUE(insert(1).ok());
    {
      auto kept = Transaction::begin(*db_);
      ASSERT_TRUE(kept.ok()) << kept.error().message;
      ASSERT_TRUE(insert(2).ok());
      ASSERT_TRUE(kept->commit().ok());
    }
    {
      auto dropped = Transaction::begin(*db_);
      ASSERT_TRUE(dropped.ok());
      ASSERT_TRUE(insert(3).ok());
    }  // not committed: rolled back to its savepoint, the outer one goes on
    ASSERT_TRUE(insert(4).ok());
    ASSERT_TRUE(outer->commit().ok());
  }
  EXPECT_EQ(rows(), (std::vector<std::string>{"1|x|0|NULL", "2|x|0|NULL", "4|x|0|NULL"}));
  {
    auto outer = Transaction::begin(*db_);
    ASSERT_TRUE(outer.ok());
    auto inner = Transaction::begin(*db_);
    ASSERT_TRUE(inner.ok());
    ASSERT_TRUE(insert(5).ok());
    ASSERT_TRUE(inner->commit().ok());
  }  // the outer one never committed: the inner one's rows go with it
  EXPECT_EQ(rows().size(), 3u);
}

// A savepoint keeps the originals of the pages it changes, in memory up to a limit and in a
// temporary file past it. The move to the file once failed as "database or disk is full"
// (the unix VFS writes at most 128 KiB at once, and the memory went over in one write):
// a nested write of a few MiB, or a migration's DROP INDEX of a big cache, could not land.
TEST(SqliteFileTest, ASavepointOfManyPagesSpillsToItsFileAndStillRollsBack) {
  const std::string path = ::testing::TempDir() + "/sqlite_test_savepoint_spill.db";
  std::remove(path.c_str());
  auto opened = Database::open(path, /*create=*/true);
  ASSERT_TRUE(opened.ok()) << opened.error().message;
  Database& db = **opened;
  ASSERT_TRUE(db.exec("PRAGMA journal_mode = WAL; CREATE TABLE t (a INTEGER PRIMARY KEY, b TEXT);"
                      "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n "
                      "WHERE i < 20000) INSERT INTO t SELECT i, hex(randomblob(100)) FROM n",
                      "fill")
                  .ok());
  auto count = [&](const char* sql) {
    auto n = db.query_int(sql);
    EXPECT_TRUE(n.ok());
    return n.ok() ? *n : -1;
  };
  {
    auto outer = Transaction::begin(db);
    ASSERT_TRUE(outer.ok());
    {
      auto kept = Transaction::begin(db);  // a savepoint over about 1,000 pages (4 MiB)
      ASSERT_TRUE(kept.ok());
      Status updated = db.exec("UPDATE t SET b = 'kept'", "update");
      ASSERT_TRUE(updated.ok()) << updated.error().message;
      ASSERT_TRUE(kept->commit().ok());
    }
    {
      auto dropped = Transaction::begin(db);
      ASSERT_TRUE(dropped.ok());
      Status updated = db.exec("UPDATE t SET b = hex(randomblob(100))", "update");
      ASSERT_TRUE(updated.ok()) << updated.error().message;
    }  // rolled back from its file
    ASSERT_TRUE(outer->commit().ok());
  }
  EXPECT_EQ(count("SELECT count(*) FROM t WHERE b = 'kept'"), 20000);
  opened->reset();
  std::remove(path.c_str());
  std::remove((path + "-wal").c_str());
  std::remove((path + "-shm").c_str());
}

TEST_F(SqliteTest, InsertRowsInsertsOneRowPerElementWithItsPosition) {
  std::vector<std::string> names = {"x", "y", "z"};
  Status st = insert_rows(*db_, "INSERT INTO t (a, b, c) VALUES (?1, ?2, ?3)", names,
                          [](Statement& s, std::int64_t position, const std::string& name) {
                            s.bind_all(position, name, false);
                          });
  ASSERT_TRUE(st.ok()) << st.error().message;
  EXPECT_EQ(rows(), std::vector<std::string>({"0|x|0|NULL", "1|y|0|NULL", "2|z|0|NULL"}));
}

TEST_F(SqliteTest, InsertRowsOfNothingDoesNotEvenPrepare) {
  std::vector<int> none;
  Status st = insert_rows(*db_, "INSERT INTO no_such_table VALUES (?1)", none,
                          [](Statement&, std::int64_t, int) { FAIL() << "nothing to bind"; });
  EXPECT_TRUE(st.ok());
}

TEST_F(SqliteTest, InsertRowsStopsAtTheFirstFailingRowAndSaysWhy) {
  ASSERT_TRUE(db_->exec("CREATE UNIQUE INDEX one_a ON t (a)", "index").ok());
  std::vector<int> values = {1, 2, 2, 3};
  int bound = 0;
  Status st = insert_rows(*db_, "INSERT INTO t (a) VALUES (?1)", values,
                          [&](Statement& s, std::int64_t, int v) {
                            ++bound;
                            s.bind_all(v);
                          });
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().message.find("UNIQUE"), std::string::npos) << st.error().message;
  EXPECT_EQ(bound, 3);
  EXPECT_EQ(rows().size(), 2u);
}

TEST_F(SqliteTest, ForEachRowReturnsTheFirstErrorTheCallbackReturns) {
  ASSERT_TRUE(db_->exec("INSERT INTO t (a) VALUES (1), (2), (3)", "fill").ok());
  auto s = db_->prepare("SELECT a FROM t ORDER BY a");
  ASSERT_TRUE(s.ok());
  int seen = 0;
  Status st = for_each_row(*s, [&](const Statement& r) -> Status {
    ++seen;
    if (r.column_int(0) == 2) return make_error(ErrorKind::Invalid, "two");
    return {};
  });
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().message, "two");
  EXPECT_EQ(seen, 2);
}

}  // namespace sqlite_test
}  // namespace tenantsync
