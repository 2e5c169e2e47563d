// Runs the built fake-graph for a test: starts it on a free loopback port, waits for its
// "listening on ..." line; its control endpoints are FakeGraphControl's. The destructor stops it
// (SIGTERM, then SIGKILL after 5 s).
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "tests/support/fake_graph_control.h"

namespace tenantsync::test {

class FakeGraphProcess : public FakeGraphControl {
 public:
  // args e.g. {"--fixture", path} or {"--generate", "tenants=2,users=50,skus=3,seed=1"};
  // "--listen 127.0.0.1:0" is added. Throws std::runtime_error (with the fake's stderr)
  // when it does not print its first line within 10 s.
  explicit FakeGraphProcess(std::vector<std::string> args);
  ~FakeGraphProcess();  // SIGTERM, waitpid (SIGKILL after 5 s)
  FakeGraphProcess(const FakeGraphProcess&) = delete;
  FakeGraphProcess& operator=(const FakeGraphProcess&) = delete;

  pid_t pid() const;

 private:
  pid_t pid_ = -1;
  int stdout_fd_ = -1;
  std::string stderr_path_;
};

std::string demo_fixture_path();  // TENANTSYNC_SOURCE_DIR "/fakes/fixtures/demo.json"

}  // namespace tenantsync::test
