#include "tests/support/fake_graph_process.h"

#include "tests/support/run_program.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace tenantsync::test {

FakeGraphProcess::FakeGraphProcess(std::vector<std::string> args) {
  char stderr_template[] = "/tmp/fake-graph-stderr-XXXXXX";
  int err_fd = mkostemp(stderr_template, O_CLOEXEC);
  if (err_fd < 0) throw std::runtime_error("mkstemp failed");
  stderr_path_ = stderr_template;
  int out_pipe[2];
  // Close-on-exec, so that fakes started later do not inherit this one's pipe.
  if (pipe2(out_pipe, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");

  args.insert(args.begin(), {FAKE_GRAPH_BIN, "--listen", "127.0.0.1:0"});
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);

  pid_ = fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    dup2(out_pipe[1], STDOUT_FILENO);
    dup2(err_fd, STDERR_FILENO);
    close(out_pipe[0]);
    close(out_pipe[1]);
    close(err_fd);
    execv(argv[0], argv.data());
    _exit(127);
  }
  close(out_pipe[1]);
  close(err_fd);
  stdout_fd_ = out_pipe[0];

  // Wait for the first line: "listening on http://127.0.0.1:N".
  std::string line;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (line.find('\n') == std::string::npos) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                    deadline - std::chrono::steady_clock::now())
                    .count();
    pollfd p{stdout_fd_, POLLIN, 0};
    if (left <= 0 || poll(&p, 1, static_cast<int>(left)) <= 0) break;
    char buf[256];
    ssize_t n = read(stdout_fd_, buf, sizeof buf);
    if (n <= 0) break;
    line.append(buf, static_cast<size_t>(n));
  }
  const std::string prefix = "listening on ";
  auto nl = line.find('\n');
  if (nl == std::string::npos || line.rfind(prefix, 0) != 0) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
    pid_ = -1;
    std::string err = read_file(stderr_path_);
    unlink(stderr_path_.c_str());
    throw std::runtime_error("fake-graph did not start: " + err);
  }
  set_url(line.substr(prefix.size(), nl - prefix.size()));
}

FakeGraphProcess::~FakeGraphProcess() {
  if (pid_ > 0) {
    kill(pid_, SIGTERM);
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (true) {
      int status = 0;
      pid_t r = waitpid(pid_, &status, WNOHANG);
      if (r == pid_ || r < 0) break;
      if (std::chrono::steady_clock::now() > deadline) {
        kill(pid_, SIGKILL);
        waitpid(pid_, &status, 0);
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
  if (stdout_fd_ >= 0) close(stdout_fd_);
  if (!stderr_path_.empty()) unlink(stderr_path_.c_str());
}

pid_t FakeGraphProcess::pid() const { return pid_; }

std::string demo_fixture_path() {
  return std::string(TENANTSYNC_SOURCE_DIR) + "/fakes/fixtures/demo.json";
}

}  // namespace tenantsync::test
