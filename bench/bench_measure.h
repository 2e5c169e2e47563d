// What the benchmarks measure about a process: wall time, CPU time and resident memory.
//
// Peak RSS per phase comes from Linux's VmHWM, which reset_peak_rss() lowers to the current
// RSS (writing 5 to /proc/self/clear_refs), so each phase reports its own peak rather than
// the highest of the run. Another process (fake-graph started by a benchmark) is read from
// its /proc entries: CPU seconds and RSS, no reset.
#pragma once

#include <sys/types.h>

#include <chrono>

namespace tenantsync::bench {

long peak_rss_kb();     // VmHWM of this process (ru_maxrss where /proc is missing)
long current_rss_kb();  // VmRSS of this process
// getrusage ru_maxrss. Linux lowers it with VmHWM: the peak since the last reset_peak_rss().
long max_rss_kb();
void reset_peak_rss();
double cpu_seconds();  // user + system of this process, all threads
// The machine's 1-minute load average (/proc/loadavg), to say what a figure was measured
// under: other work on the machine slows wall times.
double load_average();

// Another process by pid; 0 when it cannot be read.
double process_cpu_seconds(pid_t pid);
long process_rss_kb(pid_t pid);
long process_peak_rss_kb(pid_t pid);

class Stopwatch {
 public:
  Stopwatch() : start_(std::chrono::steady_clock::now()) {}
  double seconds() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  }

 private:
  std::chrono::steady_clock::time_point start_;
};

}  // namespace tenantsync::bench
