// The real engine against the real fake-graph, in-process: a FakeGraphProcess on a free
// loopback port, a cache in a TempDir, and the Graph directory make_graph_directory()
// builds from a RemoteConfig pointing at the fake (client secret from the environment, as
// the CLI does). mirror(), plan() and apply() call mirror_tenants(), build_plan() and
// execute_plan() the way the commands do, so a test sees what a user would.
//
// Failures of the harness itself (the fake does not start, the cache cannot be opened, a
// snapshot cannot be read) throw std::runtime_error: GoogleTest reports them as failures.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "connector/http_transport.h"
#include "model/config.h"
#include "model/desired_state.h"
#include "model/plan.h"
#include "sync/apply/apply_result.h"
#include "sync/apply/executor.h"
#include "sync/clock.h"
#include "sync/directory.h"
#include "sync/mirror/mirror.h"
#include "sync/plan/plan_builder.h"
#include "sync/store/cache.h"
#include "tests/support/fake_graph_process.h"
#include "tests/support/run_program.h"

namespace tenantsync::test {

struct HarnessOptions {
  int max_attempts = 6;                             // remote.maxAttempts
  int concurrency = 8;                              // remote.concurrency
  std::chrono::seconds throttle_deadline{10 * 60};  // remote.throttleDeadline
};

// fake-graph arguments for the demo fixture and for a generated estate.
std::vector<std::string> demo_estate();
std::vector<std::string> generated_estate(int tenants, int users, int skus, int seed);

class EngineHarness {
 public:
  explicit EngineHarness(std::vector<std::string> fake_args, HarnessOptions options = {});
  ~EngineHarness();
  EngineHarness(const EngineHarness&) = delete;
  EngineHarness& operator=(const EngineHarness&) = delete;

  FakeGraphProcess& fake() { return *fake_; }
  Cache& cache() { return *cache_; }
  Directory& directory() { return *directory_; }
  Clock& clock() { return clock_; }
  const RemoteConfig& remote() const { return remote_; }
  // The admin client's secret (the demo's or the generated estate's).
  const std::string& secret() const { return secret_; }

  // mirror_tenants() with the CLI's concurrency; `tenants` empty = every customer.
  MirrorResult mirror(const std::vector<std::string>& tenants = {}, bool full = false);
  // build_plan() over every tenant of `desired`, at the fake's current time.
  Result<BuiltPlan> plan(const DesiredState& desired, const PlanOptions& options = {});
  // execute_plan() with the CLI's concurrency, temporary passwords for creates and no
  // safety limits unless `options` sets them.
  Result<ApplyReport> apply(const Plan& plan, ExecuteOptions options = {});

  TenantSnapshot snapshot(const std::string& tenant);
  // The fake's clock (GET /_fake/clock).
  Clock::time_point fake_now();
  // GET /_fake/stats/writes: {tenant id: {user: {route: n}}}.
  nlohmann::json writes_by_user();
  // tenantsync's own request counters (requests, 429s, resends, drops) so far.
  TransportStats::Snapshot transport_stats() const;
  // A token of the admin client for `tenant`, for requests made as "another client".
  std::string token(const std::string& tenant);

 private:
  HarnessOptions options_;
  std::unique_ptr<FakeGraphProcess> fake_;
  TempDir dir_;
  SystemClock clock_;
  RemoteConfig remote_;
  std::string secret_;
  std::unique_ptr<Cache> cache_;
  std::unique_ptr<Directory> directory_;
};

// A desired state from JSON text; throws std::runtime_error naming the problems.
DesiredState parse_desired(const std::string& text);

}  // namespace tenantsync::test
