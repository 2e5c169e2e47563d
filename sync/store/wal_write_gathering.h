// The cache's WAL frames reach the file in a few writes per commit, not two writes a frame.
//
// SQLite appends each WAL frame with two writes (its 24-byte header, then the page), so a
// commit of 50 pages is 100 system calls, and each 8 KiB page straddles three 4 KiB pages
// of the kernel's cache. Written 15 frames at a time, a frame costs about 0.6 us of CPU
// instead of 2.6-4.4 (this machine: ext4 under a hypervisor; BENCHMARKS.md, issue #19).
//
// wal_gathering_vfs() names a SQLite VFS that passes everything through to the default
// VFS, except that appends to a WAL file are held in memory and written together when:
//   - a commit frame (a frame header whose "database size" field is set) is complete:
//     that write returns what the file's write returned, so a commit that succeeds is in
//     the file, as without gathering, and a full disk fails the commit itself;
//   - anything else touches the file (a read, sync, truncate, size, file control, close),
//     a write does not continue what is held, or it would not fit (the unix VFS writes
//     at most 128 KiB at once).
// A write below the furthest offset written (a page written again within a transaction,
// checksums mended at its commit) is passed on at once, after what is held. So nothing
// is held that SQLite could look for: other connections see frames only once a commit
// publishes them, after its commit frame's write returned.
#pragma once

#include <cstdint>

namespace tenantsync {

// The name of the gathering VFS over the current default VFS (created once per default:
// tests put fault-injecting VFSes below it).
const char* wal_gathering_vfs();

// What the gathering VFSes of this process have done, for tests.
struct WalGatheringCounts {
  std::int64_t writes_received = 0;  // writes SQLite made to WAL files
  std::int64_t overwrites = 0;       // those below the furthest offset, passed on at once
};
WalGatheringCounts wal_gathering_counts();

}  // namespace tenantsync
