// One child process run to its end and measured as the kernel counts it: wall time, and
// from wait4() its user + system CPU and its peak RSS (ru_maxrss). For comparing whole
// programs (tenantsync, a peer written on another stack) on equal terms: whatever runtime,
// threads or allocator each uses, the kernel's account of the process is the same.
//
// Not thread-safe with respect to other fork()s of the caller's; call from one thread.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace tenantsync::bench {

struct ChildRun {
  int exit_code = -1;  // 128 + signal when killed by a signal; 127 when exec failed
  double wall_seconds = 0;
  double user_seconds = 0;
  double system_seconds = 0;
  long max_rss_kb = 0;  // ru_maxrss of the child
  std::string out;      // what it printed on stdout
  std::string err;      // and on stderr

  double cpu_seconds() const { return user_seconds + system_seconds; }
};

// Runs argv[0] (searched in PATH when it has no '/') with argv, our environment plus
// `env` (which overrides; an empty value removes the variable), stdin from /dev/null,
// stdout and stderr captured through files in `scratch_dir`. Throws std::runtime_error
// when it cannot fork.
ChildRun run_child(const std::vector<std::string>& argv,
                   const std::map<std::string, std::string>& env, const std::string& scratch_dir);

// The full path of `program` found in PATH, or "" when there is none.
std::string find_in_path(const std::string& program);

}  // namespace tenantsync::bench
