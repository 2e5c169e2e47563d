// The fake-graph an HTTP benchmark runs against: started here from the build (the binary
// FAKE_GRAPH_BIN names, on a free loopback port, stopped on destruction) or an already
// running one at a URL. Its control endpoints are FakeGraphControl's; it adds the few raw
// Graph calls a benchmark's baseline makes without the connector.
//
// Control and raw calls go through the tests' minimal blocking HTTP client (one
// connection per request): they are set-up work, never what a figure measures.
#pragma once

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "model/config.h"
#include "tests/support/fake_graph_control.h"

namespace tenantsync::test {
class FakeGraphProcess;
}

namespace tenantsync::bench {

// The client every generated estate has, and the one apply_bench's fixture declares.
inline constexpr char kBenchClientId[] = "11111111-1111-1111-1111-111111111111";
inline constexpr char kGeneratedSecret[] = "generated-secret";
inline constexpr char kGeneratedPartner[] = "partner.onmicrosoft.com";

class FakeGraphTarget : public test::FakeGraphControl {
 public:
  // Starts the built fake-graph with `args` (e.g. {"--generate", "tenants=10,users=100"}).
  static std::unique_ptr<FakeGraphTarget> start(std::vector<std::string> args);
  // Uses the fake already listening at `url` ("http://127.0.0.1:N").
  static std::unique_ptr<FakeGraphTarget> attach(const std::string& url);
  ~FakeGraphTarget();

  // The fake's pid when started here, else -1 (its CPU and memory are then not reported).
  pid_t pid() const;

  // GET of an absolute URL with a bearer token: the body. Throws on a non-200 answer.
  std::string get(const std::string& url, const std::string& token);

 private:
  FakeGraphTarget(std::string url, std::unique_ptr<test::FakeGraphProcess> process);

  std::unique_ptr<test::FakeGraphProcess> process_;
};

// The connector's configuration for `fake`: client kBenchClientId with its secret read
// from `secret_env` (set here to `secret`), plain http on loopback.
RemoteConfig fake_remote_config(const FakeGraphTarget& fake, const std::string& partner_tenant,
                                const std::string& secret_env, const std::string& secret,
                                int http_concurrency);

// Totals of a /_fake/stats answer.
struct FakeStatsTotals {
  long long requests = 0;  // every counted request ($batch items included under their route)
  long long batches = 0;   // authorised $batch requests
  long long writes = 0;    // writes that took effect
  long long throttled = 0;
  long long errors = 0;
  long long dropped = 0;
  long long tokens = 0;          // token endpoint requests
  long long batch_requests = 0;  // POST /v1.0/$batch (any status)
};
FakeStatsTotals fake_stats_totals(const nlohmann::json& stats);

}  // namespace tenantsync::bench
