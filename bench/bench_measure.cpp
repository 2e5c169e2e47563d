#include "bench/bench_measure.h"

#include <sys/resource.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

namespace tenantsync::bench {

namespace {

long status_field_kb(const std::string& path, const char* field) {
  std::ifstream in(path);
  std::string line;
  const std::string prefix = std::string(field) + ":";
  while (std::getline(in, line)) {
    if (line.rfind(prefix, 0) == 0) return std::atol(line.c_str() + prefix.size());
  }
  return 0;
}

std::string proc(pid_t pid, const char* file) {
  return "/proc/" + std::to_string(pid) + "/" + file;
}

}  // namespace

long peak_rss_kb() {
  long kb = status_field_kb("/proc/self/status", "VmHWM");
  return kb > 0 ? kb : max_rss_kb();
}

long current_rss_kb() { return status_field_kb("/proc/self/status", "VmRSS"); }

long max_rss_kb() {
  struct rusage ru {};
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_maxrss;
}

void reset_peak_rss() { std::ofstream("/proc/self/clear_refs") << "5"; }

double cpu_seconds() {
  struct rusage ru {};
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
         static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

double load_average() {
  std::ifstream in("/proc/loadavg");
  double one_minute = 0;
  in >> one_minute;
  return one_minute;
}

double process_cpu_seconds(pid_t pid) {
  // /proc/PID/stat: "pid (comm) state ..." with utime and stime the 14th and 15th fields;
  // comm may hold spaces, so count from the closing parenthesis.
  std::ifstream in(proc(pid, "stat"));
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto close = text.rfind(')');
  if (close == std::string::npos) return 0;
  std::istringstream fields(text.substr(close + 2));
  std::string skip;
  for (int i = 3; i < 14; ++i) fields >> skip;  // state (3) ... cmajflt (13)
  unsigned long long utime = 0, stime = 0;
  fields >> utime >> stime;
  return static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

long process_rss_kb(pid_t pid) { return status_field_kb(proc(pid, "status"), "VmRSS"); }
long process_peak_rss_kb(pid_t pid) { return status_field_kb(proc(pid, "status"), "VmHWM"); }

}  // namespace tenantsync::bench
