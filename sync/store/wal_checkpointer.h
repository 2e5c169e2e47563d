// Copies the cache's WAL into the database file on a thread of its own, so the connection
// that writes does not do it while it holds the write lock.
//
// SQLite checkpoints when a commit leaves the WAL at 1,000 frames or more (by default), in
// the committing connection. A mirror's writes are serialized by CacheDatabase's write lock,
// so every worker waited while one of them copied pages and waited for the disk. Here the
// writer's commit only wakes this thread, which runs a PASSIVE checkpoint on a connection
// of its own: it copies what no reader still needs and never blocks the writer (SQLite's
// WAL lets one checkpoint run beside one writer). Should the thread fall behind and the
// WAL reach kWriterCheckpointFrames, the writer checkpoints itself, as SQLite would, so
// the WAL stays bounded.
#pragma once

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

#include "sync/store/sqlite.h"

namespace tenantsync {

class WalCheckpointer {
 public:
  // A checkpoint is due when a commit leaves the WAL at this many frames (16 MB of 4 KiB
  // pages) ... Each checkpoint ends with the file's fdatasync, which does the kernel's
  // writeback of what it copied in this process's time; at SQLite's default of 1,000 a
  // first mirror of 100 x 1,000 synced 27 times, at 4,000 11 times, and took a tenth
  // less CPU, its own and the whole machine's (BENCHMARKS.md, issue #19).
  static constexpr int kCheckpointFrames = 4000;
  // ... and the writer does it itself from this many on (128 MB of 4 KiB pages). A round
  // after a change to 1% of 1,000 x 1,000 users writes 10,000 to 20,000 frames faster than
  // the thread copies them, and the WAL restarts only once a checkpoint has caught up: at
  // 16,000 the writer copied the rest and waited for fdatasync while every other worker
  // waited for its lock, a third of such a round's wall time (BENCHMARKS.md, issue #19).
  static constexpr int kWriterCheckpointFrames = 8 * kCheckpointFrames;

  // Takes over checkpointing from `writer` (whose automatic checkpoints it replaces) with
  // `own`, a connection to the same file that only this thread uses.
  WalCheckpointer(Database& writer, std::unique_ptr<Database> own);
  // Stops the thread; the writer checkpoints for itself again.
  ~WalCheckpointer();

  WalCheckpointer(const WalCheckpointer&) = delete;
  WalCheckpointer& operator=(const WalCheckpointer&) = delete;

  // Checkpoints run so far by the thread (for tests).
  int checkpoints_run() const;

 private:
  static int on_commit(void* self, sqlite3* db, const char* schema, int frames);
  void run();

  Database& writer_;
  std::unique_ptr<Database> own_;  // used only by thread_
  mutable std::mutex mu_;
  std::condition_variable wake_;
  bool due_ = false;                   // guarded by mu_
  bool stopping_ = false;              // guarded by mu_
  int checkpoints_run_ = 0;            // guarded by mu_
  bool warned_ = false;                // used only by thread_
  std::atomic<int> copied_frames_{0};  // the WAL's frames the last checkpoint copied
  std::thread thread_;
};

}  // namespace tenantsync
