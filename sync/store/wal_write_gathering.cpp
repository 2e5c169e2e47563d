#include "sync/store/wal_write_gathering.h"

#include <sqlite3.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace tenantsync {

namespace {

constexpr int kFrameHeaderBytes = 24;  // SQLite's WAL format: a frame's header
// At most this much is held: the unix VFS writes no more than this in one call (it cuts
// longer writes short, which SQLite takes for a full disk). 15 frames of 8 KiB pages.
constexpr int kGatherBytes = (1 << 17) - 1;

std::atomic<std::int64_t> writes_received{0};
std::atomic<std::int64_t> overwrites{0};

// A WAL file: SQLite's header, then what is held, then the default VFS's file (in the
// same allocation, right after this struct).
struct GatheringFile {
  sqlite3_file base;
  sqlite3_file* real;
  char* held;             // kGatherBytes, allocated at the first append
  sqlite3_int64 held_at;  // the file offset of held[0]
  int held_bytes;
  sqlite3_int64 furthest;  // the end of the furthest write since the WAL began again
  bool in_commit_frame;    // the last frame header appended was a commit's
};

GatheringFile* gathering(sqlite3_file* f) { return reinterpret_cast<GatheringFile*>(f); }
sqlite3_file* real(sqlite3_file* f) { return gathering(f)->real; }

// Bytes 4-7 of a frame header: the database's size in pages after a commit, else zero.
bool commits(const void* header) {
  const auto* b = static_cast<const unsigned char*>(header);
  return (b[4] | b[5] | b[6] | b[7]) != 0;
}

int pass_on(GatheringFile* g, const void* data, int bytes, sqlite3_int64 offset) {
  return g->real->pMethods->xWrite(g->real, data, bytes, offset);
}

int write_held(GatheringFile* g) {
  if (g->held_bytes == 0) return SQLITE_OK;
  const int bytes = std::exchange(g->held_bytes, 0);  // dropped on failure: the write failed
  return pass_on(g, g->held, bytes, g->held_at);
}

int gathering_write(sqlite3_file* f, const void* data, int bytes, sqlite3_int64 offset) {
  GatheringFile* g = gathering(f);
  writes_received.fetch_add(1, std::memory_order_relaxed);
  if (offset == 0) {  // the WAL's header: the log begins again from the file's start
    g->furthest = 0;
    g->in_commit_frame = false;
  }
  const sqlite3_int64 end = offset + bytes;
  if (offset < g->furthest) {  // over a frame already written: in order, and at once
    overwrites.fetch_add(1, std::memory_order_relaxed);
    g->furthest = std::max(g->furthest, end);
    int rc = write_held(g);
    return rc != SQLITE_OK ? rc : pass_on(g, data, bytes, offset);
  }
  g->furthest = end;
  if (g->held_bytes > 0 &&
      (offset != g->held_at + g->held_bytes || g->held_bytes + bytes > kGatherBytes)) {
    int rc = write_held(g);
    if (rc != SQLITE_OK) return rc;
  }
  if (bytes == kFrameHeaderBytes) g->in_commit_frame = commits(data);
  if (!g->held && bytes <= kGatherBytes) g->held = static_cast<char*>(std::malloc(kGatherBytes));
  if (!g->held || bytes > kGatherBytes) return pass_on(g, data, bytes, offset);
  if (g->held_bytes == 0) g->held_at = offset;
  std::memcpy(g->held + g->held_bytes, data, static_cast<size_t>(bytes));
  g->held_bytes += bytes;
  // The commit frame's page (or any write after its header): the commit is in the file
  // before SQLite publishes it.
  if (g->in_commit_frame && bytes != kFrameHeaderBytes) return write_held(g);
  return SQLITE_OK;
}

int gathering_close(sqlite3_file* f) {
  GatheringFile* g = gathering(f);
  int held = write_held(g);
  std::free(g->held);
  g->held = nullptr;
  int rc = g->real->pMethods->xClose(g->real);
  return held != SQLITE_OK ? held : rc;
}

// Every other call first writes what is held, then passes on.
template <typename Call>
int after_held(sqlite3_file* f, Call call) {
  int rc = write_held(gathering(f));
  return rc != SQLITE_OK ? rc : call(real(f));
}

int gathering_read(sqlite3_file* f, void* out, int bytes, sqlite3_int64 offset) {
  return after_held(f, [&](sqlite3_file* r) { return r->pMethods->xRead(r, out, bytes, offset); });
}
int gathering_truncate(sqlite3_file* f, sqlite3_int64 size) {
  return after_held(f, [&](sqlite3_file* r) { return r->pMethods->xTruncate(r, size); });
}
int gathering_sync(sqlite3_file* f, int flags) {
  return after_held(f, [&](sqlite3_file* r) { return r->pMethods->xSync(r, flags); });
}
int gathering_file_size(sqlite3_file* f, sqlite3_int64* size) {
  return after_held(f, [&](sqlite3_file* r) { return r->pMethods->xFileSize(r, size); });
}
int gathering_file_control(sqlite3_file* f, int op, void* arg) {
  return after_held(f, [&](sqlite3_file* r) { return r->pMethods->xFileControl(r, op, arg); });
}
int gathering_lock(sqlite3_file* f, int level) { return real(f)->pMethods->xLock(real(f), level); }
int gathering_unlock(sqlite3_file* f, int level) {
  return real(f)->pMethods->xUnlock(real(f), level);
}
int gathering_check_reserved_lock(sqlite3_file* f, int* out) {
  return real(f)->pMethods->xCheckReservedLock(real(f), out);
}
int gathering_sector_size(sqlite3_file* f) { return real(f)->pMethods->xSectorSize(real(f)); }
int gathering_device_characteristics(sqlite3_file* f) {
  return real(f)->pMethods->xDeviceCharacteristics(real(f));
}

const sqlite3_io_methods kGatheringMethods = [] {
  sqlite3_io_methods m{};
  m.iVersion = 1;  // a WAL file has no shared memory and is never mapped
  m.xClose = gathering_close;
  m.xRead = gathering_read;
  m.xWrite = gathering_write;
  m.xTruncate = gathering_truncate;
  m.xSync = gathering_sync;
  m.xFileSize = gathering_file_size;
  m.xLock = gathering_lock;
  m.xUnlock = gathering_unlock;
  m.xCheckReservedLock = gathering_check_reserved_lock;
  m.xFileControl = gathering_file_control;
  m.xSectorSize = gathering_sector_size;
  m.xDeviceCharacteristics = gathering_device_characteristics;
  return m;
}();

// ---- the VFS: everything but a WAL file's writes goes straight to the one below ----

struct GatheringVfs {
  sqlite3_vfs vfs;
  sqlite3_vfs* below;
  std::string name;
};

sqlite3_vfs* below(sqlite3_vfs* v) { return static_cast<GatheringVfs*>(v->pAppData)->below; }

int gathering_open(sqlite3_vfs* v, const char* name, sqlite3_file* file, int flags,
                   int* out_flags) {
  sqlite3_vfs* b = below(v);
  // Other files are the lower VFS's own objects, in the room this VFS asked for.
  if (!(flags & SQLITE_OPEN_WAL)) return b->xOpen(b, name, file, flags, out_flags);
  GatheringFile* g = gathering(file);
  *g = GatheringFile{};
  g->real = reinterpret_cast<sqlite3_file*>(g + 1);
  int rc = b->xOpen(b, name, g->real, flags, out_flags);
  // SQLite calls xClose whenever pMethods is set, also after a failed open.
  file->pMethods = g->real->pMethods ? &kGatheringMethods : nullptr;
  return rc;
}
int gathering_delete(sqlite3_vfs* v, const char* name, int sync_dir) {
  return below(v)->xDelete(below(v), name, sync_dir);
}
int gathering_access(sqlite3_vfs* v, const char* name, int flags, int* out) {
  return below(v)->xAccess(below(v), name, flags, out);
}
int gathering_full_pathname(sqlite3_vfs* v, const char* name, int size, char* out) {
  return below(v)->xFullPathname(below(v), name, size, out);
}
void* gathering_dl_open(sqlite3_vfs* v, const char* name) {
  return below(v)->xDlOpen(below(v), name);
}
void gathering_dl_error(sqlite3_vfs* v, int size, char* out) {
  below(v)->xDlError(below(v), size, out);
}
void (*gathering_dl_sym(sqlite3_vfs* v, void* handle, const char* symbol))(void) {
  return below(v)->xDlSym(below(v), handle, symbol);
}
void gathering_dl_close(sqlite3_vfs* v, void* handle) { below(v)->xDlClose(below(v), handle); }
int gathering_randomness(sqlite3_vfs* v, int size, char* out) {
  return below(v)->xRandomness(below(v), size, out);
}
int gathering_sleep(sqlite3_vfs* v, int microseconds) {
  return below(v)->xSleep(below(v), microseconds);
}
int gathering_current_time(sqlite3_vfs* v, double* out) {
  return below(v)->xCurrentTime(below(v), out);
}
int gathering_get_last_error(sqlite3_vfs* v, int size, char* out) {
  return below(v)->xGetLastError(below(v), size, out);
}
int gathering_current_time_int64(sqlite3_vfs* v, sqlite3_int64* out) {
  return below(v)->xCurrentTimeInt64(below(v), out);
}

std::unique_ptr<GatheringVfs> make_vfs(sqlite3_vfs* lower, int number) {
  auto g = std::make_unique<GatheringVfs>();
  g->below = lower;
  g->name = "tenantsync-wal-gathering-" + std::to_string(number);
  sqlite3_vfs& v = g->vfs;
  v = sqlite3_vfs{};
  v.iVersion = 2;
  v.szOsFile = static_cast<int>(sizeof(GatheringFile)) + lower->szOsFile;
  v.mxPathname = lower->mxPathname;
  v.zName = g->name.c_str();
  v.pAppData = g.get();
  v.xOpen = gathering_open;
  v.xDelete = gathering_delete;
  v.xAccess = gathering_access;
  v.xFullPathname = gathering_full_pathname;
  v.xDlOpen = gathering_dl_open;
  v.xDlError = gathering_dl_error;
  v.xDlSym = gathering_dl_sym;
  v.xDlClose = gathering_dl_close;
  v.xRandomness = gathering_randomness;
  v.xSleep = gathering_sleep;
  v.xCurrentTime = gathering_current_time;
  v.xGetLastError = gathering_get_last_error;
  v.xCurrentTimeInt64 = gathering_current_time_int64;
  return g;
}

}  // namespace

const char* wal_gathering_vfs() {
  // One per lower VFS seen as the default, kept for the process's life: a registered VFS
  // must outlive every connection opened through it.
  static std::mutex mu;
  static std::vector<std::unique_ptr<GatheringVfs>> made;
  std::lock_guard<std::mutex> lock(mu);
  sqlite3_initialize();
  sqlite3_vfs* lower = sqlite3_vfs_find(nullptr);
  if (!lower || lower->iVersion < 2) return nullptr;  // SQLite's default VFS then
  for (const auto& g : made) {
    if (g->below == lower) return g->name.c_str();
  }
  auto g = make_vfs(lower, static_cast<int>(made.size()) + 1);
  if (sqlite3_vfs_register(&g->vfs, /*makeDflt=*/0) != SQLITE_OK) return nullptr;
  made.push_back(std::move(g));
  return made.back()->name.c_str();
}

WalGatheringCounts wal_gathering_counts() { return {writes_received.load(), overwrites.load()}; }

}  // namespace tenantsync
