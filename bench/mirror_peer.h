// mirror_bench --peer: the whole `tenantsync mirror --full` program against a peer that
// does the same read on Microsoft's own Graph SDK for JavaScript (bench/peers/
// graph-sdk-mirror, issue #19), both as child processes against one fake-graph started
// here, N runs each, each run starting one program further on, each into a fresh SQLite
// file. Per run and as medians: wall time, CPU (user + system) and peak RSS of each
// process from wait4(), and the ratios tenantsync / peer (and / the narrow peer, when
// asked). After every run it counts
// the users (active and soft-deleted), role definitions, domains and group names each
// wrote; a mismatch is an error.
#pragma once

#include <string>

namespace tenantsync::bench {

struct PeerOptions {
  int tenants = 20;
  int users = 1000;
  int skus = 4;
  int seed = 1;
  int runs = 5;
  int concurrency = 8;   // tenantsync's remote.concurrency and the peer's --concurrency
  double wait_load = 0;  // before measuring, wait for the 1-minute load to drop below it
  int wait_max_seconds = 600;
  // Also runs the peer issue #19's goals were set against, which reads only SKUs, users
  // and deleted users (mirror.mjs --narrow); the peer itself reads all that tenantsync's
  // full mirror reads.
  bool narrow_peer = false;
  std::string dir;    // where the SQLite files go (the caller's folder)
  bool keep = false;  // keep each run's files
};

// Prints as it goes; returns the process exit code (0, or 1 on any failure or mismatch).
// Without node or the peer's node_modules it says how to install them and measures
// tenantsync alone.
int run_peer_comparison(const PeerOptions& options);

}  // namespace tenantsync::bench
