// WalCheckpointer: the WAL is copied into the database file by its thread, not by the
// writer's commits; the writer still bounds the WAL when the thread falls behind, and
// checkpoints for itself again once the checkpointer is gone.
#include "sync/store/wal_checkpointer.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>

#include "tests/support/run_program.h"

namespace tenantsync {
namespace wal_checkpointer_test {

using namespace std::chrono_literals;

constexpr std::uintmax_t kPage = 4096;
constexpr std::uintmax_t kFrame = kPage + 24;  // a WAL frame: header and page

class WalCheckpointerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    writer_ = open(path_);
    ASSERT_TRUE(writer_
                    ->exec("PRAGMA page_size = 4096; PRAGMA journal_mode = WAL; "
                           "CREATE TABLE t (b BLOB)",
                           "create")
                    .ok());
  }

  std::unique_ptr<Database> open(const std::string& path) {
    auto db = Database::open(path, /*create=*/true);
    EXPECT_TRUE(db.ok()) << db.error().message;
    return std::move(db).value();
  }

  // A connection to another file in WAL mode: a checkpointer given it never shortens this
  // file's WAL, as if its thread had fallen behind for good.
  std::unique_ptr<Database> elsewhere() {
    auto db = open(dir_.file("other.db"));
    EXPECT_TRUE(db->exec("PRAGMA journal_mode = WAL", "wal").ok());
    return db;
  }

  // Writes `pages` pages of new rows in transactions of 100 (a row of 3,000 bytes per page).
  void write_pages(int pages) {
    for (int done = 0; done < pages; done += 100) {
      ASSERT_TRUE(writer_
                      ->exec("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n "
                             "WHERE i < 100) INSERT INTO t (b) SELECT randomblob(3000) FROM n",
                             "insert")
                      .ok());
      largest_wal_ = std::max(largest_wal_, size(path_ + "-wal"));
    }
  }

  static std::uintmax_t size(const std::string& file) {
    std::error_code ec;
    auto n = std::filesystem::file_size(file, ec);
    return ec ? 0 : n;
  }

  test::TempDir dir_;
  std::string path_ = dir_.file("cache.db");
  std::unique_ptr<Database> writer_;
  std::uintmax_t largest_wal_ = 0;
};

TEST_F(WalCheckpointerTest, ItsThreadCopiesTheWalIntoTheFileOnceACommitLeavesEnoughFrames) {
  WalCheckpointer checkpointer(*writer_, open(path_));
  write_pages(WalCheckpointer::kCheckpointFrames / 2);
  std::this_thread::sleep_for(100ms);
  EXPECT_EQ(checkpointer.checkpoints_run(), 0) << "woken before the WAL had enough frames";
  // Only a checkpoint writes into the database file: the writer's commits go to the WAL,
  // and below kWriterCheckpointFrames the writer does not checkpoint.
  EXPECT_LT(size(path_), 10 * kPage);

  write_pages(WalCheckpointer::kCheckpointFrames);
  for (int i = 0; i < 500 && checkpointer.checkpoints_run() == 0; ++i) {
    std::this_thread::sleep_for(10ms);
  }
  EXPECT_GE(checkpointer.checkpoints_run(), 1);
  // It copied at least the kCheckpointFrames frames that woke it. A frame is not always a
  // new page (each transaction also rewrites a few inner pages of the table): 4,000 frames
  // held 3,911 pages when the thread ran as soon as it was woken (a sanitized build in CI).
  EXPECT_GE(size(path_), WalCheckpointer::kCheckpointFrames * 9 / 10 * kPage);
}

TEST_F(WalCheckpointerTest, TheWriterBoundsTheWalWhenTheThreadDoesNotKeepUp) {
  WalCheckpointer checkpointer(*writer_, elsewhere());
  write_pages(WalCheckpointer::kWriterCheckpointFrames * 3 / 2);
  // Without the writer's own checkpoints the WAL would hold all of them.
  EXPECT_LT(largest_wal_, (WalCheckpointer::kWriterCheckpointFrames + 200) * kFrame);
}

TEST_F(WalCheckpointerTest, TheWriterLeavesTheCopyToTheThreadUpToItsBound) {
  // Short of the writer's bound (where a round on 1,000 tenants kept the workers waiting
  // while the writer copied) only the WAL grows: the database file holds no row yet.
  WalCheckpointer checkpointer(*writer_, elsewhere());
  // A transaction of 100 pages also rewrites a few of the table's inner pages: frames
  // outnumber pages by about 3%.
  const int pages = WalCheckpointer::kWriterCheckpointFrames - 2000;
  write_pages(pages);
  EXPECT_LT(size(path_), 10 * kPage);
  EXPECT_GE(largest_wal_, pages * kFrame);
}

TEST_F(WalCheckpointerTest, OnceStoppedTheWriterCheckpointsAsSQLiteDoesByDefault) {
  { WalCheckpointer checkpointer(*writer_, elsewhere()); }
  write_pages(3 * WalCheckpointer::kCheckpointFrames);
  EXPECT_LT(largest_wal_, (WalCheckpointer::kCheckpointFrames + 200) * kFrame);
}

TEST_F(WalCheckpointerTest, EveryRowCommittedIsInTheFileAfterTheConnectionsClose) {
  {
    WalCheckpointer checkpointer(*writer_, open(path_));
    write_pages(5 * WalCheckpointer::kCheckpointFrames);
  }
  writer_.reset();
  auto reopened = open(path_);
  EXPECT_EQ(reopened->query_int("SELECT count(*) FROM t").value(),
            5 * WalCheckpointer::kCheckpointFrames);
  auto check = reopened->prepare("PRAGMA integrity_check");
  ASSERT_TRUE(check.ok());
  ASSERT_TRUE(check->step().value());
  EXPECT_EQ(check->column_text(0), "ok");
}

}  // namespace wal_checkpointer_test
}  // namespace tenantsync
