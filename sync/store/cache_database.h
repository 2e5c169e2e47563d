// The cache file: creating it (mode 0600), recognising a corrupt or foreign file,
// migrating its schema, and the two connections everything else goes through.
//
// Opening: a new cache is only ever made where no file is (the path is plainly new). The
// file is created with open(O_CREAT, 0600) before SQLite sees it, so it never exists with
// wider permissions (SQLite gives its -wal and -shm files the same mode). What is refused
// and left untouched (ErrorKind::Invalid, code "cache-not-tenantsync"): an empty (0-byte)
// file, a file that is not an SQLite database (no SQLite header), an SQLite database
// without tenantsync's tables, and a file from a newer tenantsync. An SQLite file that
// SQLite cannot read as a database, or that fails `PRAGMA quick_check`, is damaged: with
// `repair` (writers, which hold the lock) it is logged (warn), renamed to
// `<file>.corrupt-<UTC timestamp>` and replaced by an empty cache that the next mirror
// refills from the remote; without it (read-only commands) it is an Io error, code
// "cache-damaged", naming the command that repairs it, and the file stays where it is. A
// file that cannot be opened at all (permissions, missing folder) is an Io error, and is
// left alone.
//
// Connections and threads: one write connection, guarded by `write_mu_`, owned by
// whichever thread holds the mutex (the mirror's workers, the executor, the CLI thread);
// every write transaction is short (one page, one result), so funnelling all writers
// through it costs little and SQLite never sees two writers. Read connections: one opened
// with the file, more (up to kMaxReaders) opened when readers on several threads need one
// at once (plan loads tenants side by side); each serves one caller at a time, and in WAL
// mode each reads the last committed state while a write is in progress. All of
// CacheDatabase's methods may be called from any thread.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "model/result.h"
#include "sync/clock.h"
#include "sync/store/sqlite.h"
#include "sync/store/wal_checkpointer.h"

namespace tenantsync {

struct CacheOpenOptions {
  // Run `PRAGMA quick_check` when opening (reads every page: about 1 s per GB).
  bool verify = true;
  // A damaged file may be moved aside and rebuilt (only for a caller holding the lock).
  bool repair = true;
  int busy_timeout_ms = 10000;
};

// The page size of a cache created from nothing; an existing cache keeps the one it was
// made with (8 KiB for caches made by releases of December 2026, SQLite's 4 KiB before),
// which SQLite reads the same way. 4 KiB: a delta round's changed user dirties a page of
// its own, which is read, logged and copied again, and a smaller page takes about a fifth
// off a round after a 1% change; since a commit's frames are written together
// (wal_write_gathering.h), a full mirror costs the same with either size (BENCHMARKS.md).
// Chosen only when the file is created: SQLite cannot change it once a WAL file exists.
inline constexpr int kNewCachePageSize = 4096;

// What to do about a damaged cache, for messages.
inline constexpr const char* kRepairDamagedCache =
    "run `tenantsync mirror` to move it aside and rebuild it from the remote (the old file, "
    "journal included, is kept beside it)";

// The error is SQLite saying the file is not a healthy database (SQLITE_CORRUPT,
// SQLITE_NOTADB).
bool is_cache_corruption(const Error& e);

class CacheDatabase {
 public:
  static Result<std::unique_ptr<CacheDatabase>> open(const std::string& path, Clock& clock,
                                                     const CacheOpenOptions& options = {});

  CacheDatabase(const CacheDatabase&) = delete;
  CacheDatabase& operator=(const CacheDatabase&) = delete;

  const std::string& path() const { return path_; }
  Clock& clock() const { return clock_; }
  // Where a corrupt file was moved at open, or "" when it was healthy.
  const std::string& moved_aside_to() const { return moved_aside_to_; }

  // Runs fn(Database&) on the write connection, holding write_mu_ throughout.
  template <class Fn>
  auto with_writer(Fn&& fn) {
    std::lock_guard<std::mutex> lock(write_mu_);
    return fn(*writer_);
  }
  // Runs fn(Database&) on a read connection nobody else uses meanwhile: an idle one, a
  // new one while fewer than kMaxReaders are open, or else the next one given back.
  template <class Fn>
  auto with_reader(Fn&& fn) {
    ReaderLease lease(*this);
    return fn(*lease.db);
  }

  static constexpr size_t kMaxReaders = 4;

 private:
  CacheDatabase(std::string path, Clock& clock) : path_(std::move(path)), clock_(clock) {}

  std::string path_;
  Clock& clock_;
  std::string moved_aside_to_;

  std::mutex write_mu_;
  std::unique_ptr<Database> writer_;  // guarded by write_mu_
  struct ReaderLease {
    explicit ReaderLease(CacheDatabase& cache) : cache(cache), db(cache.take_reader()) {}
    ~ReaderLease() { cache.give_back(std::move(db)); }
    ReaderLease(const ReaderLease&) = delete;
    ReaderLease& operator=(const ReaderLease&) = delete;
    CacheDatabase& cache;
    std::unique_ptr<Database> db;
  };
  std::unique_ptr<Database> take_reader();
  void give_back(std::unique_ptr<Database> reader);
  Result<std::unique_ptr<Database>> open_reader() const;

  CacheOpenOptions options_;
  std::mutex read_mu_;
  std::condition_variable reader_returned_;
  std::vector<std::unique_ptr<Database>> idle_readers_;  // guarded by read_mu_
  size_t open_readers_ = 0;                              // guarded by read_mu_
  size_t max_readers_ = kMaxReaders;                     // guarded by read_mu_
  // Declared last, so it stops before the connections close.
  std::unique_ptr<WalCheckpointer> checkpointer_;
};

}  // namespace tenantsync
