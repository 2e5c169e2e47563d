// Runs a built program as a user would (fork/exec, no shell) and captures what it prints.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace tenantsync::test {

struct ProgramResult {
  int exit_code = -1;  // 128 + signal when killed by a signal
  std::string out;     // stdout
  std::string err;     // stderr
};

// Runs `program` with `args`. `env` entries are added to (or override) the current
// environment; a value of "\x01unset" removes the variable. `input` is fed to stdin.
ProgramResult run_program(const std::string& program, const std::vector<std::string>& args,
                          const std::map<std::string, std::string>& env = {},
                          const std::string& input = "");

// The environment a child gets, as "KEY=value" strings: ours with `env` applied as
// run_program() describes.
std::vector<std::string> child_environment(const std::map<std::string, std::string>& env);

// The built tenantsync executable.
ProgramResult run_tenantsync(const std::vector<std::string>& args,
                             const std::map<std::string, std::string>& env = {},
                             const std::string& input = "");

// A fresh empty folder under the system temp dir, removed by the destructor.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }
  // Writes `text` to `name` inside the folder and returns its path.
  std::string write(const std::string& name, const std::string& text) const;

 private:
  std::string path_;
};

std::string read_file(const std::string& path);

}  // namespace tenantsync::test
