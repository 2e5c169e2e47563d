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
// The Directory is swappable: run_executor() and run_naive() take any Directory; the
// fake-graph HTTP run (with /_fake/limits) can reuse them with the Graph adapter.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <thread>

#include "bench/apply_workload.h"
#include "sync/cache.h"
#include "sync/clock.h"
#include "sync/executor.h"
#include "sync/log.h"
#include "sync/mirror.h"
#include "tests/sync/memory_directory.h"

namespace tenantsync {
namespace {

struct Options {
  int tenants = 100;
  int users = 500;
  int concurrency = 8;
  double latency_ms = 0;
  int batches_in_flight = 4;
  int naive_sample = 0;  // 0: all (without latency), 2000 (with latency)
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

void usage() {
  std::fprintf(stderr,
               "usage: apply_bench [--tenants N] [--users M] [--concurrency C] [--latency-ms L]\n"
               "                   [--batches-in-flight B] [--naive-sample S]\n"
               "  defaults: 100 tenants x 500 users (100,000 license changes), concurrency 8,\n"
               "  no latency, 4 batches in flight; naive sample: all, or 2000 with latency\n");
}

bool parse_args(int argc, char** argv, Options& o) {
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--help" || a == "-h" || i + 1 >= argc) return false;
    const char* v = argv[++i];
    if (a == "--tenants") {
      o.tenants = std::atoi(v);
    } else if (a == "--users") {
      o.users = std::atoi(v);
    } else if (a == "--concurrency") {
      o.concurrency = std::atoi(v);
    } else if (a == "--latency-ms") {
      o.latency_ms = std::atof(v);
    } else if (a == "--batches-in-flight") {
      o.batches_in_flight = std::atoi(v);
    } else if (a == "--naive-sample") {
      o.naive_sample = std::atoi(v);
    } else {
      return false;
    }
  }
  return o.tenants > 0 && o.users > 0 && o.concurrency > 0;
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
};

// (a): mirror (untimed), then execute_plan (timed).
RunFigures run_executor(Directory& remote, const std::string& dir, const ApplyWorkload& w,
                        const Options& o) {
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
  auto start = std::chrono::steady_clock::now();
  auto report = execute_plan(w.plan, remote, **cache, clock, options);
  RunFigures f;
  f.seconds = seconds_since(start);
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

// (b): one request per user and SKU, one at a time.
RunFigures run_naive(Directory& remote, const ApplyWorkload& w, int sample) {
  auto requests = naive_requests(w.plan);
  size_t n = sample > 0 ? std::min(requests.size(), static_cast<size_t>(sample)) : requests.size();
  RunFigures f;
  auto start = std::chrono::steady_clock::now();
  for (size_t i = 0; i < n; ++i) {
    auto results = remote.write(requests[i].first, {requests[i].second});
    ++f.calls;
    ++f.requests;
    if (!results.empty() && results[0].status.ok()) {
      ++f.changes;
    } else {
      ++f.failed;
    }
  }
  f.seconds = seconds_since(start);
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
      "changes/s%s\n",
      name, f.seconds, f.calls, f.requests, f.changes, f.failed,
      f.seconds > 0 ? f.changes / f.seconds : 0.0,
      f.extrapolated ? "  (extrapolated from a sample)" : "");
}

int run(int argc, char** argv) {
  Options o;
  if (!parse_args(argc, argv, o)) {
    usage();
    return 64;
  }
  if (o.naive_sample == 0 && o.latency_ms > 0) o.naive_sample = 2000;
  configure_logging(LogLevel::Warn, false);
  ApplyWorkload w = make_apply_workload({o.tenants, o.users});
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
    naive = run_naive(net, w, o.naive_sample);
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

int main(int argc, char** argv) { return tenantsync::run(argc, argv); }
