#include "bench/child_run.h"

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "bench/bench_measure.h"

extern char** environ;

namespace tenantsync::bench {

namespace {

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

double seconds(const timeval& t) {
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
}

// Ours with `env` applied, as "KEY=value" strings.
std::vector<std::string> child_environment(const std::map<std::string, std::string>& env) {
  std::vector<std::string> out;
  for (char** e = environ; *e; ++e) {
    std::string entry = *e;
    auto eq = entry.find('=');
    if (eq != std::string::npos && env.count(entry.substr(0, eq))) continue;
    out.push_back(std::move(entry));
  }
  for (const auto& [key, value] : env) {
    if (!value.empty()) out.push_back(key + "=" + value);
  }
  return out;
}

}  // namespace

std::string find_in_path(const std::string& program) {
  if (program.find('/') != std::string::npos) {
    return ::access(program.c_str(), X_OK) == 0 ? program : "";
  }
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path ? path : "/usr/local/bin:/usr/bin:/bin");
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    std::string candidate = (dir.empty() ? "." : dir) + "/" + program;
    struct stat st {};
    if (::stat(candidate.c_str(), &st) == 0 && S_ISREG(st.st_mode) &&
        ::access(candidate.c_str(), X_OK) == 0) {
      return candidate;
    }
  }
  return "";
}

ChildRun run_child(const std::vector<std::string>& argv,
                   const std::map<std::string, std::string>& env, const std::string& scratch_dir) {
  if (argv.empty()) throw std::invalid_argument("run_child: no program");
  const std::string out_path = scratch_dir + "/child.out", err_path = scratch_dir + "/child.err";
  const std::string program = find_in_path(argv[0]);
  // Everything the child needs is built before fork(): after it only async-signal-safe calls.
  std::vector<std::string> args = argv, environment = child_environment(env);
  std::vector<char*> arg_ptrs, env_ptrs;
  for (auto& a : args) arg_ptrs.push_back(a.data());
  arg_ptrs.push_back(nullptr);
  for (auto& e : environment) env_ptrs.push_back(e.data());
  env_ptrs.push_back(nullptr);

  ChildRun run;
  Stopwatch wall;
  pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
  if (pid == 0) {
    int in = ::open("/dev/null", O_RDONLY);
    int out = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    int err = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (in < 0 || out < 0 || err < 0) ::_exit(127);
    ::dup2(in, STDIN_FILENO);
    ::dup2(out, STDOUT_FILENO);
    ::dup2(err, STDERR_FILENO);
    if (!program.empty()) ::execve(program.c_str(), arg_ptrs.data(), env_ptrs.data());
    ::_exit(127);
  }
  int status = 0;
  struct rusage usage {};
  while (::wait4(pid, &status, 0, &usage) < 0 && errno == EINTR) {
  }
  run.wall_seconds = wall.seconds();
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  run.user_seconds = seconds(usage.ru_utime);
  run.system_seconds = seconds(usage.ru_stime);
  run.max_rss_kb = usage.ru_maxrss;
  run.out = slurp(out_path);
  run.err = slurp(err_path);
  if (program.empty()) run.err = argv[0] + ": not found in PATH";
  ::unlink(out_path.c_str());
  ::unlink(err_path.c_str());
  return run;
}

}  // namespace tenantsync::bench
