// A SQLite VFS that fills the disk on demand, for the storage-fault tests: it wraps the
// default VFS, counts every write, and once armed lets a given number of writes through
// and then fails every further write with SQLITE_FULL, as SQLite reports a full disk.
//
// While a FullDiskVfs exists it is the default VFS, so every connection opened meanwhile
// (the cache's two) goes through it; those connections must be closed before it is
// destroyed. One at a time per process. Thread-safe (the executor writes from workers).
#pragma once

namespace tenantsync::test {

class FullDiskVfs {
 public:
  FullDiskVfs();
  ~FullDiskVfs();
  FullDiskVfs(const FullDiskVfs&) = delete;
  FullDiskVfs& operator=(const FullDiskVfs&) = delete;

  // The next `writes` writes succeed; every one after them fails with SQLITE_FULL.
  void fill_after(long writes);
  // Room again: every write succeeds.
  void make_room();
  // Writes attempted since construction (failed ones included).
  long writes() const;
  // Writes refused since construction.
  long refused() const;
};

}  // namespace tenantsync::test
