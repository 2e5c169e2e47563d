// apply_bench: what carrying out a plan costs, against the naive way of sending it.
//
// Workload (bench/apply_workload.h): by default 100 tenants x 500 users, two license
// changes per user: 100,000 license changes. The remote is an in-process MemoryDirectory
// (service license rules on), optionally behind a wrapper that simulates the network: each
// write() call sleeps --latency-ms per round of $batch requests (20 requests per batch,
// --batches-in-flight batches at once, like the Graph adapter).
//   (a) executor: execute_plan() with the journal and cache in SQLite under a temp folder,
//       tenants in parallel (--concurrency), one assignLicense call per user;
//   (b) naive baseline, same run, a fresh remote: one request per user and SKU, each its own
//       write() call, sequential, no journal, no cache. With latency it is timed on the
//       first --naive-sample requests and extrapolated (said so in the output).
// Prints wall time, write() calls, requests and license changes per second for each, and
// the speed-up.
//
// Over HTTP (--graph): the same workload as a fake-graph fixture (apply_fixture.h), the
// fake started here with latency (/_fake/faults latencyMs, default 20 ms) and the
// service's budgets (/_fake/limits: 3,000 writes per 150 s and 5,000 read units per 10 s
// per app and tenant, the tier of 50-500-user tenants). (a) runs through the connector's
// Graph adapter (make_graph_directory: $batch, pacer, retry policy); (b) runs against a
// second fake started from the same fixture, one POST /users/{id}/assignLicense per user
// and SKU through the same connector without a pacer, resent after each 429's
// Retry-After, on a sample (default 1,000) extrapolated to the whole plan. Also printed:
// HTTP requests sent, $batch requests and writes the fake counted, 429s, and achieved
// writes per second against the budget's maximum (tenants x writes per window / window).
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include <CLI/CLI.hpp>

#include "bench/apply_fixture.h"
#include "bench/apply_workload.h"
#include "bench/bench_measure.h"
#include "bench/bench_options.h"
#include "bench/fake_graph_target.h"
#include "connector/cpprest_transport.h"
#include "connector/graph_directory.h"
#include "sync/allocator_tuning.h"
#include "sync/apply/executor.h"
#include "sync/clock.h"
#include "sync/log.h"
#include "sync/mirror/mirror.h"
#include "sync/store/cache.h"
#include "tests/sync/memory_directory.h"

namespace tenantsync {
namespace {

struct Options {
  int tenants = 100;
  int users = 500;
  int concurrency = 8;
  double latency_ms = 0;
  int batches_in_flight = 4;
  int naive_sample = 0;  // 0: all (without latency), 2000 (with latency), 1000 (--graph)
  // Over HTTP against fake-graph.
  bool graph = false;
  int writes_per_window = 3000;  // /_fake/limits; 0 = no write budget
  int window_seconds = 150;
  int read_units = 5000;  // per 10 s; 0 = no read budget
  int http_concurrency = 8;
  bool latency_set = false;
};

// Simulated network: each write() call costs latency x rounds of batches.
class LatencyDirectory : public Directory {
 public:
  LatencyDirectory(Directory& backend, double latency_ms, int in_flight)
      : backend_(backend), latency_ms_(latency_ms), in_flight_(std::max(1, in_flight)) {}

  Result<std::vector<Tenant>> customer_tenants() override { return backend_.customer_tenants(); }
  Result<std::vector<Sku>> subscribed_skus(const std::string& t) override {
    return backend_.subscribed_skus(t);
  }
  Result<std::string> read_users(const std::string& t, const std::string& link,
                                 const UserPageSink& sink) override {
    return backend_.read_users(t, link, sink);
  }
  Status read_deleted_users(const std::string& t, const DeletedUserSink& sink) override {
    return backend_.read_deleted_users(t, sink);
  }
  Result<User> get_user(const std::string& t, const std::string& u) override {
    return backend_.get_user(t, u);
  }
  std::vector<WriteResult> write(const std::string& t,
                                 const std::vector<WriteRequest>& requests) override {
    if (latency_ms_ > 0) {
      size_t batches = (requests.size() + 19) / 20;
      size_t rounds = (batches + in_flight_ - 1) / in_flight_;
      std::this_thread::sleep_for(
          std::chrono::microseconds(static_cast<long long>(latency_ms_ * 1000 * rounds)));
    }
    return backend_.write(t, requests);
  }

 private:
  Directory& backend_;
  double latency_ms_;
  size_t in_flight_;
};

void add_options(CLI::App& app, Options& o) {
  bench::count_option(app, "--tenants", o.tenants, "customer tenants");
  bench::count_option(app, "--users", o.users, "users per tenant (two license changes each)");
  bench::count_option(app, "--concurrency", o.concurrency, "tenants applied at once");
  app.add_option("--latency-ms", o.latency_ms,
                 "per round of $batch in-process; per request with --graph (default 20 there)")
      ->check(CLI::Range(0.0, 60000.0));
  bench::count_option(app, "--batches-in-flight", o.batches_in_flight,
                      "in-process: $batch requests at once");
  app.add_option("--naive-sample", o.naive_sample,
                 "requests the naive run times and extrapolates from (0: all; 2000 with "
                 "latency, 1000 with --graph)")
      ->check(bench::kNonNegative);
  app.add_flag("--graph", o.graph, "against fake-graph over HTTP, with latency and budgets");
  bench::count_option(app, "--writes-per-window", o.writes_per_window,
                      "--graph: write budget (0: off)", bench::kNonNegative);
  bench::count_option(app, "--window-seconds", o.window_seconds,
                      "--graph: the write budget's window");
  bench::count_option(app, "--read-units", o.read_units, "--graph: read units per 10 s (0: off)",
                      bench::kNonNegative);
  bench::count_option(app, "--http-concurrency", o.http_concurrency,
                      "--graph: connections of the adapter");
}

std::unique_ptr<MemoryDirectory> make_remote(const ApplyWorkload& w) {
  auto remote = std::make_unique<MemoryDirectory>();
  remote->enforce_license_rules(true);
  for (const auto& t : w.tenants) remote->add_tenant(t.tenant, t.skus, t.users);
  return remote;
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

struct RunFigures {
  double seconds = 0;
  int calls = 0;
  int requests = 0;
  int changes = 0;  // license changes carried out
  int failed = 0;
  bool extrapolated = false;
  double load_before = 0, load_after = 0;  // 1-minute load average of the machine
};

// (a): mirror (untimed), then execute_plan (timed). `on_start` (may be empty) runs just
// before the clock starts.
RunFigures run_executor(Directory& remote, const std::string& dir, const ApplyWorkload& w,
                        const Options& o, const std::function<void()>& on_start = {}) {
  SystemClock clock;
  auto cache = Cache::open(dir + "/apply_bench.db", clock, {});
  if (!cache.ok()) {
    std::fprintf(stderr, "apply_bench: %s\n", cache.error().message.c_str());
    std::exit(1);
  }
  MirrorOptions mo;
  mo.full = true;
  mo.concurrency = 4;
  MirrorResult mirrored = mirror_tenants(remote, **cache, mo);
  if (!mirrored.ok() || mirrored.failed() > 0) {
    std::fprintf(stderr, "apply_bench: the mirror failed\n");
    std::exit(1);
  }
  ExecuteOptions options;
  options.plan_id = "apply-bench";
  options.concurrency = o.concurrency;
  if (on_start) on_start();
  RunFigures f;
  f.load_before = bench::load_average();
  auto start = std::chrono::steady_clock::now();
  auto report = execute_plan(w.plan, remote, **cache, clock, options);
  f.seconds = seconds_since(start);
  f.load_after = bench::load_average();
  if (!report.ok()) {
    std::fprintf(stderr, "apply_bench: %s\n", report.error().message.c_str());
    std::exit(1);
  }
  PlanSummary s = report->summary();
  f.calls = report->write_calls;
  f.requests = report->write_requests;
  f.changes = s.applied;
  f.failed = s.failed + s.skipped;
  return f;
}

// Sends one request on its own and says whether it took effect.
using SendOne = std::function<bool(const std::string& tenant, const WriteRequest& request)>;

// (b): one request per user and SKU, one at a time.
RunFigures run_naive(const SendOne& send, const ApplyWorkload& w, int sample) {
  auto requests = naive_requests(w.plan);
  size_t n = sample > 0 ? std::min(requests.size(), static_cast<size_t>(sample)) : requests.size();
  RunFigures f;
  f.load_before = bench::load_average();
  auto start = std::chrono::steady_clock::now();
  for (size_t i = 0; i < n; ++i) {
    bool ok = send(requests[i].first, requests[i].second);
    ++f.calls;
    ++f.requests;
    if (ok) {
      ++f.changes;
    } else {
      ++f.failed;
    }
  }
  f.seconds = seconds_since(start);
  f.load_after = bench::load_average();
  if (n < requests.size()) {
    double scale = static_cast<double>(requests.size()) / static_cast<double>(n);
    f.seconds *= scale;
    f.calls = f.requests = static_cast<int>(requests.size());
    f.changes = static_cast<int>(f.changes * scale);
    f.extrapolated = true;
  }
  return f;
}

void print(const char* name, const RunFigures& f) {
  std::printf(
      "%-9s wall %8.2f s  write calls %7d  requests %7d  changes %7d  failed %d  %9.0f "
      "changes/s%s  load %.2f-%.2f\n",
      name, f.seconds, f.calls, f.requests, f.changes, f.failed,
      f.seconds > 0 ? f.changes / f.seconds : 0.0,
      f.extrapolated ? "  (extrapolated from a sample)" : "", f.load_before, f.load_after);
}

// ---- over HTTP against fake-graph ----

// What a run cost on the wire, from the connector's counters and the fake's.
struct WireFigures {
  std::uint64_t http_requests = 0;  // sent by the connector, tokens included
  std::uint64_t throttled = 0;      // 429s the connector saw, $batch items included
  std::uint64_t retries = 0;
  bench::FakeStatsTotals fake;
};

WireFigures wire_since(GraphDirectory& directory, const TransportStats::Snapshot& before,
                       bench::FakeGraphTarget& fake) {
  auto now = directory.stats();
  WireFigures f;
  f.http_requests = now.requests - before.requests;
  f.throttled = now.throttled - before.throttled;
  f.retries = now.retries - before.retries;
  f.fake = bench::fake_stats_totals(fake.stats());
  return f;
}

// Starts a fake from the fixture with the run's latency and budgets.
std::unique_ptr<bench::FakeGraphTarget> start_fake(const std::string& fixture, const Options& o) {
  auto fake = bench::FakeGraphTarget::start({"--fixture", fixture});
  nlohmann::json limits = nlohmann::json::object();
  if (o.writes_per_window > 0) {
    limits["writesPerWindow"] = o.writes_per_window;
    limits["windowSeconds"] = o.window_seconds;
  }
  if (o.read_units > 0) limits["readUnitsPer10s"] = o.read_units;
  fake->set_limits(limits);
  fake->set_faults({{"latencyMs", o.latency_ms}});
  return fake;
}

// The connector without client-side pacing: the naive loop only resends after 429s.
Result<std::unique_ptr<GraphDirectory>> unpaced_graph_directory(const RemoteConfig& config,
                                                                Clock& clock) {
  auto credential = load_client_credential(config);
  if (!credential.ok()) return credential.error();
  CpprestTransport::Options transport;
  transport.concurrency = config.concurrency;
  RetrySettings retry;
  retry.max_attempts = config.max_attempts;
  GraphDirectory::Parts parts;
  parts.transport = std::make_unique<CpprestTransport>(transport);
  parts.retry = std::make_unique<RetryPolicy>(clock, retry);
  parts.tokens = std::make_unique<AadTokenProvider>(
      config.authority_url, std::move(credential).value(), *parts.transport, *parts.retry, clock,
      std::chrono::seconds(config.timeout_seconds));
  return std::make_unique<GraphDirectory>(config, std::move(parts));
}

// Wire figures, and achieved writes per second against the write budget's maximum, two
// ways: the sustained rate (tenants x writesPerWindow / windowSeconds), which a run shorter
// than the window can beat because each tenant may spend a whole window's budget at once;
// and the most writes the sliding window lets through in the run's duration T
// (tenants x writesPerWindow x (floor(T / windowSeconds) + 1)), which nothing can beat.
// `all_tenants`: the run wrote to every tenant (not a sample of the first ones).
void print_wire(const WireFigures& f, double seconds, const Options& o, bool all_tenants,
                const char* note) {
  std::printf(
      "          HTTP requests %llu (fake counted %lld: %lld $batch, %lld tokens), writes that "
      "took effect %lld, 429s %llu (fake %lld), retries %llu%s\n",
      static_cast<unsigned long long>(f.http_requests), f.fake.requests, f.fake.batch_requests,
      f.fake.tokens, f.fake.writes, static_cast<unsigned long long>(f.throttled), f.fake.throttled,
      static_cast<unsigned long long>(f.retries), note);
  if (o.writes_per_window <= 0 || seconds <= 0) return;
  double sustained = static_cast<double>(o.tenants) * o.writes_per_window / o.window_seconds;
  double achieved = static_cast<double>(f.fake.writes) / seconds;
  std::printf(
      "          %.1f writes/s against the budget's %.0f/s sustained (%d tenants x %d / %d s): "
      "ratio %.3f%s\n",
      achieved, sustained, o.tenants, o.writes_per_window, o.window_seconds, achieved / sustained,
      note);
  if (all_tenants) {
    double windows = std::floor(seconds / o.window_seconds) + 1;
    double allowed = static_cast<double>(o.tenants) * o.writes_per_window * windows;
    std::printf(
        "          the budget lets at most %.0f writes through in %.1f s (%d tenants x %d x %.0f "
        "window%s): ratio %.3f\n",
        allowed, seconds, o.tenants, o.writes_per_window, windows, windows > 1 ? "s" : "",
        static_cast<double>(f.fake.writes) / allowed);
  }
}

int run_graph(Options o, const ApplyWorkload& w) {
  if (!o.latency_set) o.latency_ms = 20;
  if (o.naive_sample == 0) o.naive_sample = 1000;
  TempDir dir;
  const std::string fixture = dir.file("fixture.json");
  std::ofstream(fixture) << bench::apply_workload_fixture(w, bench::kGeneratedSecret).dump();
  const double budget_per_second =
      o.writes_per_window > 0
          ? static_cast<double>(o.tenants) * o.writes_per_window / o.window_seconds
          : 0;
  std::printf(
      "apply_bench --graph: %d tenants x %d users, %d license changes; fake-graph latency "
      "%.0f ms, write budget %d per %d s per tenant (all tenants: %.0f writes/s), read budget "
      "%d units per 10 s; executor concurrency %d, %d HTTP connections\n",
      o.tenants, o.users, w.operations, o.latency_ms, o.writes_per_window, o.window_seconds,
      budget_per_second, o.read_units, o.concurrency, o.http_concurrency);
  std::fflush(stdout);
  SystemClock clock;

  RunFigures executor;
  WireFigures executor_wire;
  {
    auto fake = start_fake(fixture, o);
    RemoteConfig remote =
        bench::fake_remote_config(*fake, bench::kGeneratedPartner, "APPLY_BENCH_CLIENT_SECRET",
                                  bench::kGeneratedSecret, o.http_concurrency);
    auto directory = make_graph_directory(remote, clock);
    if (!directory.ok()) {
      std::fprintf(stderr, "apply_bench: %s\n", directory.error().describe().c_str());
      return 1;
    }
    TransportStats::Snapshot before;
    executor = run_executor(**directory, dir.path(), w, o, [&] {
      fake->reset_stats();
      before = (*directory)->stats();
    });
    executor_wire = wire_since(**directory, before, *fake);
  }

  RunFigures naive;
  WireFigures naive_wire;
  {
    auto fake = start_fake(fixture, o);
    RemoteConfig remote =
        bench::fake_remote_config(*fake, bench::kGeneratedPartner, "APPLY_BENCH_CLIENT_SECRET",
                                  bench::kGeneratedSecret, o.http_concurrency);
    auto directory = unpaced_graph_directory(remote, clock);
    if (!directory.ok()) {
      std::fprintf(stderr, "apply_bench: %s\n", directory.error().describe().c_str());
      return 1;
    }
    GraphClient& client = (*directory)->client();
    auto before = (*directory)->stats();
    naive = run_naive(
        [&](const std::string& tenant, const WriteRequest& r) {
          return client.write(tenant, to_graph_write(r)).status.ok();
        },
        w, o.naive_sample);
    naive_wire = wire_since(**directory, before, *fake);
  }

  print("executor", executor);
  print_wire(executor_wire, executor.seconds, o, true, "");
  print("naive", naive);
  double sample_seconds =
      naive.extrapolated ? naive.seconds * o.naive_sample / naive.requests : naive.seconds;
  print_wire(naive_wire, sample_seconds, o, !naive.extrapolated,
             naive.extrapolated ? " (the sample)" : "");
  if (executor.seconds > 0) {
    std::printf("speed-up %.1fx; requests %.1fx fewer (write requests in the plan: %d vs %d)\n",
                naive.seconds / executor.seconds,
                executor_wire.http_requests
                    ? static_cast<double>(naive.requests) / executor_wire.http_requests
                    : 0.0,
                executor.requests, naive.requests);
  }
  return executor.failed == 0 && naive.failed == 0 ? 0 : 1;
}

int run(Options o) {
  configure_logging(LogLevel::Warn, false);
  ApplyWorkload w = make_apply_workload({o.tenants, o.users});
  if (o.graph) return run_graph(o, w);
  if (o.naive_sample == 0 && o.latency_ms > 0) o.naive_sample = 2000;
  std::printf(
      "apply_bench: %d tenants x %d users, %d license changes; latency %.1f ms per "
      "round of $batch (%d in flight); executor concurrency %d\n",
      o.tenants, o.users, w.operations, o.latency_ms, o.batches_in_flight, o.concurrency);

  RunFigures executor;
  {
    TempDir dir;
    auto remote = make_remote(w);
    LatencyDirectory net(*remote, o.latency_ms, o.batches_in_flight);
    executor = run_executor(net, dir.path(), w, o);
  }
  RunFigures naive;
  {
    auto remote = make_remote(w);
    LatencyDirectory net(*remote, o.latency_ms, 1);
    naive = run_naive(
        [&](const std::string& tenant, const WriteRequest& r) {
          auto results = net.write(tenant, {r});
          return !results.empty() && results[0].status.ok();
        },
        w, o.naive_sample);
  }
  print("executor", executor);
  print("naive", naive);
  if (executor.seconds > 0) {
    std::printf("speed-up %.1fx; write calls %.1fx fewer; requests %.1fx fewer\n",
                naive.seconds / executor.seconds,
                executor.calls ? static_cast<double>(naive.calls) / executor.calls : 0.0,
                executor.requests ? static_cast<double>(naive.requests) / executor.requests : 0.0);
  }
  return executor.failed == 0 ? 0 : 1;
}

}  // namespace
}  // namespace tenantsync

int main(int argc, char** argv) {
  tenantsync::tune_allocator();  // as tenantsync runs
  tenantsync::Options options;
  CLI::App app{"apply_bench: execute_plan against sending one request per user and SKU"};
  tenantsync::add_options(app, options);
  CLI11_PARSE(app, argc, argv);
  options.latency_set = app.count("--latency-ms") > 0;
  return tenantsync::run(options);
}
