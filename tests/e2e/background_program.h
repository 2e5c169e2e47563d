// A program started without waiting for it, so a test can watch it work and kill it
// (the crash tests kill tenantsync -9 in the middle of an apply). stdout and stderr go
// to files; stdin is /dev/null. The destructor kills (SIGKILL) and reaps it if it still
// runs.
#pragma once

#include <sys/types.h>

#include <map>
#include <string>
#include <vector>

namespace tenantsync::test {

class BackgroundProgram {
 public:
  // `env` entries are added to (or override) the current environment; a value of
  // "\x01unset" removes the variable, as in run_program(). Throws std::runtime_error when
  // it cannot fork.
  BackgroundProgram(const std::string& program, const std::vector<std::string>& args,
                    const std::map<std::string, std::string>& env, const std::string& stdout_path,
                    const std::string& stderr_path);
  ~BackgroundProgram();
  BackgroundProgram(const BackgroundProgram&) = delete;
  BackgroundProgram& operator=(const BackgroundProgram&) = delete;

  // False once it exited (then exit_code() is known).
  bool running();
  // Sends `signal` without waiting (e.g. SIGHUP); false when it no longer runs.
  bool signal(int signal);
  // Sends `signal` and waits for it; returns its exit code (128 + signal when killed).
  int kill_and_wait(int signal);
  // Waits for it to exit; returns its exit code.
  int wait();
  int exit_code() const { return exit_code_; }

 private:
  void reaped(int status);

  pid_t pid_ = -1;
  int exit_code_ = -1;
};

}  // namespace tenantsync::test
