// The WAL-gathering VFS: appends are held until a commit frame is written, overwrites go
// at once; a commit's frames reach the file in few writes; a commit that returned is in
// the file as SQLite's recovery reads it (pages written twice within the transaction and
// their mended checksums included); a write that fails fails the commit and leaves the
// database as it was.
#include "sync/store/wal_write_gathering.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "sync/store/sqlite.h"
#include "tests/support/run_program.h"
#include "tests/sync/full_disk_vfs.h"

namespace tenantsync {
namespace wal_write_gathering_test {

using test::FullDiskVfs;

std::unique_ptr<Database> open_wal(const std::string& path) {
  auto db = Database::open(path, /*create=*/true);
  EXPECT_TRUE(db.ok()) << db.error().message;
  if (!db.ok()) return nullptr;
  EXPECT_TRUE((*db)->exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL", "wal").ok());
  return std::move(db).value();
}

// `rows` rows of 3,000 bytes (one 4 KiB page each), numbered from `first`.
std::string insert_rows(int first, int rows) {
  return "WITH RECURSIVE n(i) AS (SELECT " + std::to_string(first) +
         " UNION ALL SELECT i + 1 FROM n WHERE i < " + std::to_string(first + rows - 1) +
         ") INSERT INTO t (i, b) SELECT i, zeroblob(3000) || i FROM n";
}

// What a connection of SQLite's own default VFS reads from a file.
struct Seen {
  std::string integrity;
  std::int64_t rows = -1;
  std::int64_t sum = -1;
};

Seen read_plainly(const std::string& path) {
  Seen seen;
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
    sqlite3_close(db);
    return seen;
  }
  auto one = [&](const char* sql, auto read) {
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v2(db, sql, -1, &s, nullptr) == SQLITE_OK &&
        sqlite3_step(s) == SQLITE_ROW) {
      read(s);
    }
    sqlite3_finalize(s);
  };
  one("PRAGMA integrity_check", [&](sqlite3_stmt* s) {
    seen.integrity = reinterpret_cast<const char*>(sqlite3_column_text(s, 0));
  });
  one("SELECT count(*), total(i) FROM t", [&](sqlite3_stmt* s) {
    seen.rows = sqlite3_column_int64(s, 0);
    seen.sum = static_cast<std::int64_t>(sqlite3_column_double(s, 1));
  });
  sqlite3_close(db);
  return seen;
}

std::int64_t sum_to(std::int64_t n) { return n * (n + 1) / 2; }

// What a WAL file holds, read past the VFS.
std::string file_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// A frame header: its page number and, for a commit, the database's size in pages.
std::string frame_header(unsigned page, unsigned commit_size) {
  std::string h(24, '\0');
  h[3] = static_cast<char>(page);
  h[7] = static_cast<char>(commit_size);
  return h;
}

TEST(WalWriteGatheringTest, AppendsAreHeldUntilTheCommitFrameAndOverwritesPassAtOnce) {
  test::TempDir dir;
  const std::string db_path = dir.file("x.db");
  std::ofstream(db_path).put('\0');  // the unix VFS takes a WAL's mode from its database's
  sqlite3_vfs* vfs = sqlite3_vfs_find(wal_gathering_vfs());
  ASSERT_NE(vfs, nullptr);
  std::vector<char> room(static_cast<size_t>(vfs->szOsFile));
  auto* file = reinterpret_cast<sqlite3_file*>(room.data());
  const std::string wal_path = db_path + "-wal";
  int out_flags = 0;
  ASSERT_EQ(vfs->xOpen(vfs, wal_path.c_str(), file,
                       SQLITE_OPEN_WAL | SQLITE_OPEN_CREATE | SQLITE_OPEN_READWRITE, &out_flags),
            SQLITE_OK);
  auto write = [&](const std::string& bytes, sqlite3_int64 at) {
    return file->pMethods->xWrite(file, bytes.data(), static_cast<int>(bytes.size()), at);
  };
  const std::string page(4096, 'p');
  ASSERT_EQ(write(std::string(32, 'w'), 0), SQLITE_OK);  // the WAL's header
  ASSERT_EQ(write(frame_header(1, 0), 32), SQLITE_OK);
  ASSERT_EQ(write(page, 56), SQLITE_OK);
  EXPECT_EQ(file_text(wal_path).size(), 0u) << "a frame that commits nothing is held";
  ASSERT_EQ(write(frame_header(2, 2), 4152), SQLITE_OK);
  EXPECT_EQ(file_text(wal_path).size(), 0u);
  ASSERT_EQ(write(page, 4176), SQLITE_OK);
  const std::size_t committed = 32 + 2 * (24 + 4096);
  EXPECT_EQ(file_text(wal_path).size(), committed) << "the commit frame's write returned";

  // A write over the last page and past it goes at once; so does one within what it wrote.
  ASSERT_EQ(write(std::string(8192, 'o'), committed - 4096), SQLITE_OK);
  EXPECT_EQ(file_text(wal_path).size(), committed + 4096);
  ASSERT_EQ(write(std::string(24, 'h'), committed), SQLITE_OK);
  EXPECT_EQ(file_text(wal_path).substr(committed, 24), std::string(24, 'h'))
      << "a write below the furthest written was held";
  EXPECT_EQ(file->pMethods->xClose(file), SQLITE_OK);
}

TEST(WalWriteGatheringTest, ACommitOfManyPagesReachesTheFileInFewWrites) {
  FullDiskVfs below;  // counts the writes the gathering VFS passes on
  test::TempDir dir;
  auto db = open_wal(dir.file("cache.db"));
  ASSERT_TRUE(db);
  ASSERT_TRUE(db->exec("PRAGMA page_size = 4096; CREATE TABLE t (i INTEGER, b BLOB)", "t").ok());

  const long writes_before = below.writes();
  const auto counts_before = wal_gathering_counts();
  ASSERT_TRUE(db->exec(insert_rows(1, 300), "insert").ok());
  const long writes = below.writes() - writes_before;
  const auto received = wal_gathering_counts().writes_received - counts_before.writes_received;

  // 300 pages and their b-tree: two writes a frame from SQLite, 15 frames a write passed on.
  EXPECT_GE(received, 600);
  EXPECT_LE(writes, received / 20) << "frames passed on one by one";
  Seen seen = read_plainly(dir.file("cache.db"));
  EXPECT_EQ(seen.integrity, "ok");
  EXPECT_EQ(seen.rows, 300);
}

TEST(WalWriteGatheringTest, ACommitThatReturnedIsInTheFileAsRecoveryReadsIt) {
  test::TempDir dir;
  const std::string path = dir.file("cache.db");
  auto db = open_wal(path);
  ASSERT_TRUE(db);
  // A page cache of a few pages: the transaction's pages spill into the WAL before its
  // commit, and the update writes them again there, so the commit mends their checksums.
  ASSERT_TRUE(db->exec("PRAGMA page_size = 4096; PRAGMA cache_size = 5; "
                       "CREATE TABLE t (i INTEGER, b BLOB)",
                       "t")
                  .ok());
  const auto before = wal_gathering_counts();
  ASSERT_TRUE(db->exec("BEGIN; " + insert_rows(1, 200) +
                           "; UPDATE t SET i = -i; UPDATE t SET i = -i; " + insert_rows(201, 100) +
                           "; COMMIT",
                       "transaction")
                  .ok());
  ASSERT_TRUE(db->exec(insert_rows(301, 1), "one more").ok());
  EXPECT_GT(wal_gathering_counts().overwrites, before.overwrites)
      << "no page was written twice: the test does not test what it says";

  // The files as they are now, as a crash right after the commit would leave them. Without
  // the shared memory, SQLite recovers the WAL from its frames, checking each checksum.
  const std::string copy = dir.file("copy.db");
  std::filesystem::copy_file(path, copy);
  std::filesystem::copy_file(path + "-wal", copy + "-wal");
  Seen seen = read_plainly(copy);
  EXPECT_EQ(seen.integrity, "ok");
  EXPECT_EQ(seen.rows, 301);
  EXPECT_EQ(seen.sum, sum_to(301));
}

TEST(WalWriteGatheringTest, AWriteThatFailsFailsTheCommitAndLeavesTheDatabaseAsItWas) {
  FullDiskVfs below;
  test::TempDir dir;
  int failed = 0, succeeded = 0;
  // Each count of writes allowed on a fresh file, up to one that lets the commit through:
  // the write that fails is each of the commit's in turn, its last (the commit frame) too.
  for (long k = 0; succeeded == 0 && k < 100; ++k) {
    SCOPED_TRACE("full after " + std::to_string(k) + " writes");
    const std::string path = dir.file("cache-" + std::to_string(k) + ".db");
    auto db = open_wal(path);
    ASSERT_TRUE(db);
    ASSERT_TRUE(db->exec("PRAGMA page_size = 4096; CREATE TABLE t (i INTEGER, b BLOB); " +
                             insert_rows(1, 10),
                         "t")
                    .ok());
    below.fill_after(k);
    Status st = db->exec(insert_rows(11, 300), "insert");
    below.make_room();
    const std::int64_t rows = st.ok() ? 310 : 10;
    if (st.ok()) {
      ++succeeded;
    } else {
      ++failed;
      EXPECT_NE(st.error().describe().find("full"), std::string::npos) << st.error().describe();
    }
    auto counted = db->query_int("SELECT count(*) FROM t");
    ASSERT_TRUE(counted.ok());
    EXPECT_EQ(*counted, rows) << "the commit's outcome and the table disagree";
    Seen seen = read_plainly(path);
    EXPECT_EQ(seen.integrity, "ok");
    EXPECT_EQ(seen.rows, rows) << "another connection reads what the commit did not write";
    EXPECT_EQ(seen.sum, sum_to(rows));
    EXPECT_TRUE(db->exec(insert_rows(static_cast<int>(rows) + 1, 5), "after").ok());
  }
  EXPECT_GT(failed, 5) << "the commit never failed: the test tested nothing";
  EXPECT_EQ(succeeded, 1);
}

}  // namespace wal_write_gathering_test
}  // namespace tenantsync
