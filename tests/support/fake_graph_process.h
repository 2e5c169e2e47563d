// Runs the built fake-graph for a test: starts it on a free loopback port, waits for its
// "listening on ..." line, and wraps its control endpoints. The destructor stops it
// (SIGTERM, then SIGKILL after 5 s).
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace tenantsync::test {

class FakeGraphProcess {
 public:
  // args e.g. {"--fixture", path} or {"--generate", "tenants=2,users=50,skus=3,seed=1"};
  // "--listen 127.0.0.1:0" is added. Throws std::runtime_error (with the fake's stderr)
  // when it does not print its first line within 10 s.
  explicit FakeGraphProcess(std::vector<std::string> args);
  ~FakeGraphProcess();  // SIGTERM, waitpid (SIGKILL after 5 s)
  FakeGraphProcess(const FakeGraphProcess&) = delete;
  FakeGraphProcess& operator=(const FakeGraphProcess&) = delete;

  const std::string& url() const;  // "http://127.0.0.1:N"
  std::string graph_url() const;   // url() + "/v1.0"

  // Control endpoints; each throws std::runtime_error on a non-2xx answer.
  nlohmann::json state(const std::string& tenant);  // GET /_fake/state/{tenant}
  nlohmann::json stats();                           // GET /_fake/stats
  void reset_stats();
  void set_faults(const nlohmann::json& faults);  // POST /_fake/faults
  void set_limits(const nlohmann::json& limits);
  void advance_clock(long seconds);
  void set_licenses(const std::string& tenant, const std::string& user,
                    const nlohmann::json& licenses);
  // A client-credentials token; throws std::runtime_error (without the secret) on failure.
  std::string token(const std::string& tenant, const std::string& client_id,
                    const std::string& secret);
  pid_t pid() const;

 private:
  nlohmann::json control(const std::string& method, const std::string& path,
                         const std::string& body = "");

  pid_t pid_ = -1;
  int stdout_fd_ = -1;
  std::string stderr_path_;
  std::string url_;
};

std::string demo_fixture_path();  // TENANTSYNC_SOURCE_DIR "/fakes/fixtures/demo.json"

}  // namespace tenantsync::test
