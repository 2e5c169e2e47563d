#include "sync/store/wal_checkpointer.h"

#include <sqlite3.h>

#include <utility>

#include "sync/log.h"

namespace tenantsync {

WalCheckpointer::WalCheckpointer(Database& writer, std::unique_ptr<Database> own)
    : writer_(writer), own_(std::move(own)) {
  thread_ = std::thread([this] { run(); });
  sqlite3_wal_hook(writer_.handle(), &WalCheckpointer::on_commit, this);
}

WalCheckpointer::~WalCheckpointer() {
  sqlite3_wal_autocheckpoint(writer_.handle(), kCheckpointFrames);  // removes the hook
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  wake_.notify_one();
  thread_.join();
}

int WalCheckpointer::checkpoints_run() const {
  std::lock_guard<std::mutex> lock(mu_);
  return checkpoints_run_;
}

// Runs in the writer's commit, under the cache's write lock: it only wakes the thread.
int WalCheckpointer::on_commit(void* self, sqlite3* db, const char* schema, int frames) {
  auto& checkpointer = *static_cast<WalCheckpointer*>(self);
  // Frames the last checkpoint copied are not counted again, unless the WAL has since
  // restarted from its beginning (it is then shorter than that).
  int copied = checkpointer.copied_frames_.load();
  if (frames < copied) checkpointer.copied_frames_.compare_exchange_strong(copied, 0);
  if (frames >= kWriterCheckpointFrames) {
    (void)sqlite3_wal_checkpoint_v2(db, schema, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
  } else if (frames - checkpointer.copied_frames_.load() >= kCheckpointFrames) {
    {
      std::lock_guard<std::mutex> lock(checkpointer.mu_);
      checkpointer.due_ = true;
    }
    checkpointer.wake_.notify_one();
  }
  return SQLITE_OK;
}

void WalCheckpointer::run() {
  bool read_once = false;
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    wake_.wait(lock, [&] { return due_ || stopping_; });
    if (stopping_) return;
    due_ = false;
    lock.unlock();
    // Until a connection has read the file it does not know the file is in WAL mode, and
    // a checkpoint through it does nothing. Not read sooner: a thread's first allocation
    // binds it to one of glibc's two arenas (allocator_tuning.cpp), and an idle thread
    // holding one leaves the busy ones to share the other.
    if (!std::exchange(read_once, true)) (void)own_->query_int("PRAGMA user_version");
    int copied = 0;
    int rc = sqlite3_wal_checkpoint_v2(own_->handle(), nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr,
                                       &copied);
    if (rc == SQLITE_OK) copied_frames_.store(copied);
    // BUSY: another connection is checkpointing; a later commit asks again.
    if (rc != SQLITE_OK && rc != SQLITE_BUSY && !warned_) {
      warned_ = true;
      log_warn("cache: checkpoint of the WAL failed; the writer checkpoints when it grows",
               {{"cache", own_->path()}, {"error", own_->error("checkpoint", rc).describe()}});
    }
    lock.lock();
    ++checkpoints_run_;
  }
}

}  // namespace tenantsync
