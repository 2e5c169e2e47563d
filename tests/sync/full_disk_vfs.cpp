#include "tests/sync/full_disk_vfs.h"

#include <sqlite3.h>

#include <mutex>
#include <stdexcept>

namespace tenantsync::test {

namespace {

// Our file: the header SQLite sees, followed in the same allocation by the real file.
struct ShimFile {
  sqlite3_file base;
  sqlite3_file* real;
};

struct State {
  std::mutex mu;
  sqlite3_vfs* real_vfs = nullptr;
  sqlite3_vfs vfs{};
  sqlite3_io_methods methods{};
  long allowed = -1;  // writes still allowed; -1 = no limit
  long writes = 0;
  long refused = 0;
  bool active = false;
};

State& state() {
  static State s;
  return s;
}

sqlite3_file* real(sqlite3_file* f) { return reinterpret_cast<ShimFile*>(f)->real; }
sqlite3_vfs* real_vfs() { return state().real_vfs; }

// ---- io methods: forwarded, except that writes may fail ----

int shim_close(sqlite3_file* f) { return real(f)->pMethods->xClose(real(f)); }
int shim_read(sqlite3_file* f, void* buf, int amount, sqlite3_int64 offset) {
  return real(f)->pMethods->xRead(real(f), buf, amount, offset);
}
int shim_write(sqlite3_file* f, const void* buf, int amount, sqlite3_int64 offset) {
  {
    State& s = state();
    std::lock_guard<std::mutex> lock(s.mu);
    ++s.writes;
    if (s.allowed == 0) {
      ++s.refused;
      return SQLITE_FULL;
    }
    if (s.allowed > 0) --s.allowed;
  }
  return real(f)->pMethods->xWrite(real(f), buf, amount, offset);
}
int shim_truncate(sqlite3_file* f, sqlite3_int64 size) {
  return real(f)->pMethods->xTruncate(real(f), size);
}
int shim_sync(sqlite3_file* f, int flags) { return real(f)->pMethods->xSync(real(f), flags); }
int shim_file_size(sqlite3_file* f, sqlite3_int64* size) {
  return real(f)->pMethods->xFileSize(real(f), size);
}
int shim_lock(sqlite3_file* f, int level) { return real(f)->pMethods->xLock(real(f), level); }
int shim_unlock(sqlite3_file* f, int level) { return real(f)->pMethods->xUnlock(real(f), level); }
int shim_check_reserved_lock(sqlite3_file* f, int* out) {
  return real(f)->pMethods->xCheckReservedLock(real(f), out);
}
int shim_file_control(sqlite3_file* f, int op, void* arg) {
  return real(f)->pMethods->xFileControl(real(f), op, arg);
}
int shim_sector_size(sqlite3_file* f) { return real(f)->pMethods->xSectorSize(real(f)); }
int shim_device_characteristics(sqlite3_file* f) {
  return real(f)->pMethods->xDeviceCharacteristics(real(f));
}
int shim_shm_map(sqlite3_file* f, int region, int size, int extend, void volatile** out) {
  return real(f)->pMethods->xShmMap(real(f), region, size, extend, out);
}
int shim_shm_lock(sqlite3_file* f, int offset, int n, int flags) {
  return real(f)->pMethods->xShmLock(real(f), offset, n, flags);
}
void shim_shm_barrier(sqlite3_file* f) { real(f)->pMethods->xShmBarrier(real(f)); }
int shim_shm_unmap(sqlite3_file* f, int delete_flag) {
  return real(f)->pMethods->xShmUnmap(real(f), delete_flag);
}
int shim_fetch(sqlite3_file* f, sqlite3_int64 offset, int amount, void** out) {
  return real(f)->pMethods->xFetch(real(f), offset, amount, out);
}
int shim_unfetch(sqlite3_file* f, sqlite3_int64 offset, void* p) {
  return real(f)->pMethods->xUnfetch(real(f), offset, p);
}

// ---- vfs methods: forwarded to the real default VFS ----

int shim_open(sqlite3_vfs*, const char* name, sqlite3_file* file, int flags, int* out_flags) {
  auto* shim = reinterpret_cast<ShimFile*>(file);
  shim->real = reinterpret_cast<sqlite3_file*>(shim + 1);
  int rc = real_vfs()->xOpen(real_vfs(), name, shim->real, flags, out_flags);
  // SQLite calls xClose whenever pMethods is set, also after a failed open.
  file->pMethods = shim->real->pMethods ? &state().methods : nullptr;
  return rc;
}
int shim_delete(sqlite3_vfs*, const char* name, int sync_dir) {
  return real_vfs()->xDelete(real_vfs(), name, sync_dir);
}
int shim_access(sqlite3_vfs*, const char* name, int flags, int* out) {
  return real_vfs()->xAccess(real_vfs(), name, flags, out);
}
int shim_full_pathname(sqlite3_vfs*, const char* name, int size, char* out) {
  return real_vfs()->xFullPathname(real_vfs(), name, size, out);
}
void* shim_dl_open(sqlite3_vfs*, const char* name) { return real_vfs()->xDlOpen(real_vfs(), name); }
void shim_dl_error(sqlite3_vfs*, int size, char* out) {
  real_vfs()->xDlError(real_vfs(), size, out);
}
void (*shim_dl_sym(sqlite3_vfs*, void* handle, const char* symbol))(void) {
  return real_vfs()->xDlSym(real_vfs(), handle, symbol);
}
void shim_dl_close(sqlite3_vfs*, void* handle) { real_vfs()->xDlClose(real_vfs(), handle); }
int shim_randomness(sqlite3_vfs*, int size, char* out) {
  return real_vfs()->xRandomness(real_vfs(), size, out);
}
int shim_sleep(sqlite3_vfs*, int microseconds) {
  return real_vfs()->xSleep(real_vfs(), microseconds);
}
int shim_current_time(sqlite3_vfs*, double* out) {
  return real_vfs()->xCurrentTime(real_vfs(), out);
}
int shim_get_last_error(sqlite3_vfs*, int size, char* out) {
  return real_vfs()->xGetLastError(real_vfs(), size, out);
}
int shim_current_time_int64(sqlite3_vfs*, sqlite3_int64* out) {
  return real_vfs()->xCurrentTimeInt64(real_vfs(), out);
}

}  // namespace

FullDiskVfs::FullDiskVfs() {
  State& s = state();
  std::lock_guard<std::mutex> lock(s.mu);
  if (s.active) throw std::logic_error("one FullDiskVfs at a time");
  sqlite3_initialize();
  s.real_vfs = sqlite3_vfs_find(nullptr);
  if (!s.real_vfs || s.real_vfs->iVersion < 2) throw std::runtime_error("no usable default VFS");

  s.methods = sqlite3_io_methods{};
  s.methods.iVersion = 3;
  s.methods.xClose = shim_close;
  s.methods.xRead = shim_read;
  s.methods.xWrite = shim_write;
  s.methods.xTruncate = shim_truncate;
  s.methods.xSync = shim_sync;
  s.methods.xFileSize = shim_file_size;
  s.methods.xLock = shim_lock;
  s.methods.xUnlock = shim_unlock;
  s.methods.xCheckReservedLock = shim_check_reserved_lock;
  s.methods.xFileControl = shim_file_control;
  s.methods.xSectorSize = shim_sector_size;
  s.methods.xDeviceCharacteristics = shim_device_characteristics;
  s.methods.xShmMap = shim_shm_map;
  s.methods.xShmLock = shim_shm_lock;
  s.methods.xShmBarrier = shim_shm_barrier;
  s.methods.xShmUnmap = shim_shm_unmap;
  s.methods.xFetch = shim_fetch;
  s.methods.xUnfetch = shim_unfetch;

  s.vfs = sqlite3_vfs{};
  s.vfs.iVersion = 2;
  s.vfs.szOsFile = static_cast<int>(sizeof(ShimFile)) + s.real_vfs->szOsFile;
  s.vfs.mxPathname = s.real_vfs->mxPathname;
  s.vfs.zName = "tenantsync-full-disk";
  s.vfs.xOpen = shim_open;
  s.vfs.xDelete = shim_delete;
  s.vfs.xAccess = shim_access;
  s.vfs.xFullPathname = shim_full_pathname;
  s.vfs.xDlOpen = shim_dl_open;
  s.vfs.xDlError = shim_dl_error;
  s.vfs.xDlSym = shim_dl_sym;
  s.vfs.xDlClose = shim_dl_close;
  s.vfs.xRandomness = shim_randomness;
  s.vfs.xSleep = shim_sleep;
  s.vfs.xCurrentTime = shim_current_time;
  s.vfs.xGetLastError = shim_get_last_error;
  s.vfs.xCurrentTimeInt64 = shim_current_time_int64;
  if (sqlite3_vfs_register(&s.vfs, /*makeDflt=*/1) != SQLITE_OK) {
    throw std::runtime_error("cannot register the full-disk VFS");
  }
  s.allowed = -1;
  s.writes = 0;
  s.refused = 0;
  s.active = true;
}

FullDiskVfs::~FullDiskVfs() {
  State& s = state();
  std::lock_guard<std::mutex> lock(s.mu);
  sqlite3_vfs_unregister(&s.vfs);
  sqlite3_vfs_register(s.real_vfs, /*makeDflt=*/1);
  s.active = false;
}

void FullDiskVfs::fill_after(long writes) {
  std::lock_guard<std::mutex> lock(state().mu);
  state().allowed = writes < 0 ? 0 : writes;
}

void FullDiskVfs::make_room() {
  std::lock_guard<std::mutex> lock(state().mu);
  state().allowed = -1;
}

long FullDiskVfs::writes() const {
  std::lock_guard<std::mutex> lock(state().mu);
  return state().writes;
}

long FullDiskVfs::refused() const {
  std::lock_guard<std::mutex> lock(state().mu);
  return state().refused;
}

}  // namespace tenantsync::test
