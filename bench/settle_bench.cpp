// settle_bench: what settling an interrupted apply costs, against the apply it settles.
//
// Over HTTP against fake-graph (generated estate, --latency-ms per request): mirror the
// tenants, then apply a desired state that moves SPE_E3 between two halves of the
// departments (about one operation per licensed user): the baseline, timed. Then every
// journal entry of that apply is put back to `sending`, as a kill -9 right after the last
// request left would leave them, and settle_unfinished() (journal_settle.h) settles them
// all: it reads every user concerned (`in` filters of 15 users, 20 filters to a $batch)
// and records what took effect.
// Prints both times, entries per second and the ratio; exit 1 unless every entry was
// found to have taken effect.
#include <sqlite3.h>

#include <cstdio>
#include <string>

#include <CLI/CLI.hpp>

#include "bench/bench_measure.h"
#include "bench/bench_options.h"
#include "bench/fake_graph_target.h"
#include "connector/graph_directory.h"
#include "model/desired_state.h"
#include "sync/allocator_tuning.h"
#include "sync/apply/executor.h"
#include "sync/apply/journal_settle.h"
#include "sync/log.h"
#include "sync/mirror/mirror.h"
#include "sync/plan/plan_builder.h"
#include "sync/plan/service_rules.h"
#include "sync/store/cache.h"
#include "tests/sync/memory_directory.h"

namespace tenantsync {
namespace {

struct Options {
  int tenants = 4;
  int users = 1250;
  int latency_ms = 20;
  int concurrency = 4;
};

std::string desired_json(int tenants) {
  nlohmann::json list = nlohmann::json::array();
  for (int i = 1; i <= tenants; ++i) {
    char domain[64];
    std::snprintf(domain, sizeof domain, "tenant%04d.onmicrosoft.com", i);
    nlohmann::json rules = nlohmann::json::array();
    for (const char* d : {"Marketing", "Human Resources", "Operations", "Customer Support"}) {
      rules.push_back({{"where", {{"department", d}}}, {"licenses", {"SPE_E3"}}});
    }
    list.push_back({{"tenant", domain},
                    {"mode", "enforce"},
                    {"managedSkus", {"SPE_E3"}},
                    {"unlisted", "revoke"},
                    {"rules", rules}});
  }
  return nlohmann::json{{"version", 1}, {"tenants", list}}.dump();
}

// As a kill -9 after the last request left: every entry of the plan `sending` again.
bool reopen_entries(const std::string& cache_path, const std::string& plan_id) {
  sqlite3* db = nullptr;
  if (sqlite3_open(cache_path.c_str(), &db) != SQLITE_OK) return false;
  sqlite3_busy_timeout(db, 5000);
  std::string sql =
      "UPDATE journal SET state = 'sending', error_code = '', error_message = '', "
      "updated_at = '2000-01-01T00:00:00Z' WHERE state = 'applied' AND plan_id = '" +
      plan_id + "'";
  bool ok = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK;
  sqlite3_close(db);
  return ok;
}

int run(const Options& o) {
  configure_logging(LogLevel::Warn, false);
  char spec[128];
  std::snprintf(spec, sizeof spec, "tenants=%d,users=%d,skus=3,seed=1", o.tenants, o.users);
  auto fake = bench::FakeGraphTarget::start({"--generate", spec});
  fake->set_faults({{"latencyMs", o.latency_ms}});
  RemoteConfig remote = bench::fake_remote_config(
      *fake, bench::kGeneratedPartner, "SETTLE_BENCH_CLIENT_SECRET", bench::kGeneratedSecret, 8);
  SystemClock clock;
  auto directory = make_graph_directory(remote, clock);
  if (!directory.ok()) {
    std::fprintf(stderr, "settle_bench: %s\n", directory.error().describe().c_str());
    return 1;
  }
  TempDir dir;
  const std::string cache_path = dir.file("settle_bench.db");
  auto cache = Cache::open(cache_path, clock, {});
  if (!cache.ok()) {
    std::fprintf(stderr, "settle_bench: %s\n", cache.error().describe().c_str());
    return 1;
  }
  MirrorOptions mirror;
  mirror.concurrency = o.concurrency;
  if (MirrorResult m = mirror_tenants(**directory, **cache, mirror); !m.ok()) {
    std::fprintf(stderr, "settle_bench: the mirror failed\n");
    return 1;
  }
  auto desired = parse_desired_state(desired_json(o.tenants), "settle_bench.json");
  auto built = build_plan(**cache, *desired, {}, ServiceRules::builtin(), clock.now());
  if (!built.ok()) {
    std::fprintf(stderr, "settle_bench: %s\n", built.error().describe().c_str());
    return 1;
  }

  ExecuteOptions execute;
  execute.concurrency = o.concurrency;
  execute.plan_id = "settle-bench";
  execute.limits.max_revocations = 1'000'000;
  bench::Stopwatch apply_clock;
  auto applied = execute_plan(built->plan, **directory, **cache, clock, execute);
  const double apply_seconds = apply_clock.seconds();
  if (!applied.ok()) return 1;
  const int operations = applied->summary().applied;

  if (!reopen_entries(cache_path, execute.plan_id)) {
    std::fprintf(stderr, "settle_bench: cannot put the journal entries back to sending\n");
    return 1;
  }
  fake->reset_stats();
  SettleOptions settle;
  settle.request_timeout = std::chrono::seconds(0);
  bench::Stopwatch settle_clock;
  auto settled = settle_unfinished(**directory, **cache, clock, settle);
  const double settle_seconds = settle_clock.seconds();
  if (!settled.ok()) return 1;
  auto totals = bench::fake_stats_totals(fake->stats());

  std::printf(
      "settle_bench: %d tenants x %d users, fake-graph latency %d ms\n"
      "apply : %d operations in %.2f s (%.0f operations/s)\n"
      "settle: %zu entries in %.2f s (%.0f entries/s), %d users read in %lld $batch requests; "
      "%d had taken effect\n"
      "settle takes %.2fx the time of the apply it settles\n",
      o.tenants, o.users, o.latency_ms, operations, apply_seconds, operations / apply_seconds,
      settled->entries.size(), settle_seconds, settled->entries.size() / settle_seconds,
      settled->users_read, totals.batch_requests, settled->took_effect,
      settle_seconds / apply_seconds);
  return settled->took_effect == operations ? 0 : 1;
}

}  // namespace
}  // namespace tenantsync

int main(int argc, char** argv) {
  tenantsync::tune_allocator();  // as tenantsync runs
  tenantsync::Options o;
  CLI::App app{"settle_bench: settling an interrupted apply against the apply it settles"};
  tenantsync::bench::count_option(app, "--tenants", o.tenants, "tenants");
  tenantsync::bench::count_option(app, "--users", o.users, "users per tenant");
  tenantsync::bench::count_option(app, "--latency-ms", o.latency_ms, "fake-graph latency",
                                  tenantsync::bench::kNonNegative);
  tenantsync::bench::count_option(app, "--concurrency", o.concurrency, "tenants at once");
  CLI11_PARSE(app, argc, argv);
  try {
    return tenantsync::run(o);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "settle_bench: %s\n", e.what());
    return 1;
  }
}
