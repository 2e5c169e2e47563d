// plan_bench: what planning costs on top of reading the cache (issue #6: plan 1,000,000
// users over 1,000 tenants).
//
// Fill (untimed against the figures, reported): a cache under --dir mirrored in-process
// (mirror_tenants, full read) from a Directory that generates each tenant on demand
// (plan_workload.h), so no phase holds the estate. With --reuse an existing cache file of
// the same spec is used instead. Then, on that cache:
//   (a) baseline: find_tenant + Cache::load_snapshot for every tenant of the desired
//       state, one at a time, dropping each: the reading build_plan cannot avoid;
//   (b) build_plan (sync/plan/plan_builder.h) over the whole desired state, with the built-in
//       service rules: snapshots, resolution, rules, seats and checks, the whole plan kept.
// Each phase: wall and CPU time, its own peak RSS (VmHWM reset per phase) and the RSS it
// started from, the ratio to (a) and the machine's load. Also the fill's peak (getrusage
// ru_maxrss, read before any per-phase reset), the plan's peak over the RSS the fill left,
// what the finished plan holds, and the plan's make-up.
#include <malloc.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iterator>
#include <map>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "bench/bench_measure.h"
#include "bench/bench_options.h"
#include "bench/plan_workload.h"
#include "sync/allocator_tuning.h"
#include "sync/clock.h"
#include "sync/log.h"
#include "sync/mirror/mirror.h"
#include "sync/plan/plan_builder.h"
#include "sync/plan/service_rules.h"
#include "sync/store/cache.h"

namespace tenantsync {
namespace {

using bench::Stopwatch;

struct Options {
  int tenants = 1000;
  int users = 1000;
  int concurrency = 2;  // mirror workers for the fill
  std::string dir;      // default: a fresh temp folder, removed at the end
  bool keep = false;    // keep the cache (with --dir) for --reuse
  bool reuse = false;   // use DIR/plan_bench.db as it is: no fill
};

void add_options(CLI::App& app, Options& o) {
  bench::count_option(app, "--tenants", o.tenants, "customer tenants");
  bench::count_option(app, "--users", o.users, "users per tenant", bench::kNonNegative);
  bench::count_option(app, "--concurrency", o.concurrency, "mirror workers for the fill");
  auto* dir = app.add_option("--dir", o.dir,
                             "the cache is DIR/plan_bench.db (default: a fresh temp folder)");
  app.add_flag("--keep", o.keep, "keep the cache for a later --reuse");
  app.add_flag("--reuse", o.reuse, "use the cache a --keep run of the same spec left in DIR")
      ->needs(dir);
}

// The estate as a Directory: each call generates the tenant it asks for (full reads only).
class GeneratedDirectory final : public Directory {
 public:
  GeneratedDirectory(int tenants, int users) : tenants_(tenants), users_(users) {}

  Result<std::vector<Tenant>> customer_tenants() override {
    std::vector<Tenant> out;
    for (int i = 1; i <= tenants_; ++i) out.push_back(bench::plan_tenant_identity(i));
    return out;
  }
  Result<std::vector<Sku>> subscribed_skus(const std::string& tenant) override {
    int i = index(tenant);
    if (i == 0) return make_error(ErrorKind::NotFound, "no tenant " + tenant);
    return bench::make_plan_tenant(i, users_).skus;
  }
  Result<std::string> read_users(const std::string& tenant, const std::string&,
                                 const UserPageSink& sink) override {
    int i = index(tenant);
    if (i == 0) return make_error(ErrorKind::NotFound, "no tenant " + tenant);
    auto t = bench::make_plan_tenant(i, users_);
    for (size_t at = 0; at < t.users.size(); at += kPage) {
      UserPage page;
      size_t end = std::min(t.users.size(), at + kPage);
      page.users.assign(std::make_move_iterator(t.users.begin() + static_cast<long>(at)),
                        std::make_move_iterator(t.users.begin() + static_cast<long>(end)));
      if (Status s = sink(std::move(page)); !s.ok()) return s.error();
    }
    return "generated:delta/" + tenant;
  }
  Status read_deleted_users(const std::string& tenant, const DeletedUserSink& sink) override {
    int i = index(tenant);
    if (i == 0) return make_error(ErrorKind::NotFound, "no tenant " + tenant);
    return sink(bench::make_plan_tenant(i, users_).deleted_users);
  }
  Result<User> get_user(const std::string&, const std::string&) override {
    return make_error(ErrorKind::NotFound, "not in the benchmark");
  }
  std::vector<WriteResult> write(const std::string&, const std::vector<WriteRequest>& r) override {
    return std::vector<WriteResult>(r.size(),
                                    failed_write(make_error(ErrorKind::Invalid, "read-only")));
  }

 private:
  static constexpr size_t kPage = 999;
  // 1-based index of a tenant id or domain, or 0. Ids start with the index in hex,
  // domains are tenantNNNN.onmicrosoft.com.
  int index(const std::string& tenant) const {
    int i = tenant.rfind("tenant", 0) == 0
                ? std::atoi(tenant.c_str() + 6)
                : static_cast<int>(std::strtol(tenant.substr(0, 8).c_str(), nullptr, 16));
    if (i < 1 || i > tenants_) return 0;
    Tenant t = bench::plan_tenant_identity(i);
    return t.id == tenant || t.default_domain_name == tenant ? i : 0;
  }
  int tenants_;
  int users_;
};

struct Phase {
  std::string name;
  double seconds = 0;
  double cpu_seconds = 0;
  long rss_before_kb = 0;
  long peak_kb = 0;
  long rss_after_kb = 0;
  double load_before = 0, load_after = 0;  // 1-minute load average of the machine
};

template <typename Body>
Phase measure(const std::string& name, Body&& body) {
  Phase p;
  p.name = name;
  malloc_trim(0);
  bench::reset_peak_rss();
  p.rss_before_kb = bench::current_rss_kb();
  p.load_before = bench::load_average();
  Stopwatch w;
  double cpu = bench::cpu_seconds();
  body();
  p.seconds = w.seconds();
  p.cpu_seconds = bench::cpu_seconds() - cpu;
  p.peak_kb = bench::peak_rss_kb();
  p.rss_after_kb = bench::current_rss_kb();
  p.load_after = bench::load_average();
  return p;
}

void print(const Phase& p, const Phase& baseline, long long users) {
  std::printf(
      "%-40s %8.2f s wall %8.2f s cpu %9.0f users/s  peak RSS %7.1f MiB (+%6.1f over %6.1f)  "
      "x%.2f wall x%.2f cpu  load %.2f-%.2f\n",
      p.name.c_str(), p.seconds, p.cpu_seconds, p.seconds > 0 ? users / p.seconds : 0.0,
      p.peak_kb / 1024.0, (p.peak_kb - p.rss_before_kb) / 1024.0, p.rss_before_kb / 1024.0,
      baseline.seconds > 0 ? p.seconds / baseline.seconds : 0.0,
      baseline.cpu_seconds > 0 ? p.cpu_seconds / baseline.cpu_seconds : 0.0, p.load_before,
      p.load_after);
  std::fflush(stdout);
}

[[noreturn]] void die(const Error& e) {
  std::fprintf(stderr, "plan_bench: %s\n", e.describe().c_str());
  std::exit(1);
}

void print_plan(const Plan& plan) {
  PlanSummary s = plan.summary();
  long long swaps = 0, notes = 0, missing = 0, ignored = 0;
  std::map<std::string, int> shortfall;
  std::map<std::string, int> blocked_reasons;
  for (const auto& t : plan.tenants) {
    notes += static_cast<long long>(t.notes.size());
    missing += static_cast<long long>(t.missing_users.size());
    ignored += static_cast<long long>(t.ignored_users.size());
    for (const auto& seat : t.seats) shortfall[seat.sku] += seat.shortfall;
    std::string user;
    bool revoke = false, assign = false;
    auto close_user = [&] {
      if (revoke && assign) ++swaps;
    };
    for (const auto& op : t.operations) {
      if (op.user != user) {
        close_user();
        user = op.user;
        revoke = assign = false;
      }
      if (op.status == OpStatus::Ready) {
        revoke = revoke || op.op == OpKind::Revoke;
        assign = assign || op.op == OpKind::Assign;
      }
      if (op.status == OpStatus::Blocked) {
        // The planner's words, without the service's message (it carries ids).
        blocked_reasons[op.reason.substr(0, op.reason.find(" ("))] += 1;
      }
    }
    close_user();
  }
  std::printf(
      "plan: %zu tenants; ready: %d assign, %d revoke, %d update, %d restore, %d delete, %d "
      "create (%lld users swap); %d blocked; %lld notes, %lld missing users, %lld ignored\n",
      plan.tenants.size(), s.assign, s.revoke, s.update, s.restore, s.del, s.create, swaps,
      s.blocked, notes, missing, ignored);
  std::printf("  shortfall:");
  for (const auto& [sku, n] : shortfall) {
    if (n > 0) std::printf(" %s %d", sku.c_str(), n);
  }
  std::printf("\n  blocked by reason:\n");
  for (const auto& [reason, n] : blocked_reasons) std::printf("    %7d  %s\n", n, reason.c_str());
}

int run(const Options& o) {
  configure_logging(LogLevel::Warn, false);
  std::string dir = o.dir;
  if (dir.empty()) {
    std::string pattern = (std::filesystem::temp_directory_path() / "plan_bench-XXXXXX").string();
    std::vector<char> buf(pattern.begin(), pattern.end());
    buf.push_back('\0');
    if (!::mkdtemp(buf.data())) {
      std::perror("mkdtemp");
      return 1;
    }
    dir = buf.data();
  } else {
    std::filesystem::create_directories(dir);
  }
  const std::string path = dir + "/plan_bench.db";
  std::printf("plan_bench: %d tenants x %d users (+%d soft-deleted each), %ld cores, cache %s\n",
              o.tenants, o.users, o.users / 100, sysconf(_SC_NPROCESSORS_ONLN), path.c_str());

  FakeClock clock;  // 2026-11-20T00:00:00Z: the deleted users' 30-day windows count from it
  if (!o.reuse) std::filesystem::remove(path);
  auto cache = Cache::open(path, clock, CacheOpenOptions{.verify = false});
  if (!cache.ok()) die(cache.error());

  if (!o.reuse) {
    GeneratedDirectory remote(o.tenants, o.users);
    MirrorOptions mo;
    mo.full = true;
    mo.concurrency = o.concurrency;
    Stopwatch w;
    MirrorResult r = mirror_tenants(remote, **cache, mo);
    if (r.error) die(*r.error);
    if (r.failed() > 0) {
      for (const auto& t : r.tenants) {
        if (!t.ok()) die(*t.error);
      }
    }
    std::printf("fill: mirrored %zu tenants in %.1f s\n", r.tenants.size(), w.seconds());
  }
  // ru_maxrss before any reset_peak_rss(): the fill's peak (or the open's, with --reuse).
  const long maxrss_after_fill = bench::max_rss_kb();
  malloc_trim(0);
  const long rss_after_fill = bench::current_rss_kb();
  std::printf("peak RSS of the fill %.1f MiB (ru_maxrss), RSS now %.1f MiB\n\n",
              maxrss_after_fill / 1024.0, rss_after_fill / 1024.0);

  // The desired state: small (rules plus ~4% of users as entries), built from the workload.
  DesiredState desired;
  for (int i = 1; i <= o.tenants; ++i) {
    desired.tenants.push_back(bench::make_desired_tenant(bench::make_plan_tenant(i, o.users), i));
  }
  const ServiceRules rules = ServiceRules::builtin();
  const Clock::time_point now = clock.now();

  long long users_read = 0;
  Phase base = measure("(a) baseline: load_snapshot per tenant", [&] {
    for (const auto& t : desired.tenants) {
      auto tenant = (*cache)->find_tenant(t.tenant);
      if (!tenant.ok()) die(tenant.error());
      auto snapshot = (*cache)->load_snapshot(tenant->id);
      if (!snapshot.ok()) die(snapshot.error());
      users_read += static_cast<long long>(snapshot->users.size() + snapshot->deleted_users.size());
    }
  });
  print(base, base, users_read);

  BuiltPlan built;
  Phase plan = measure("(b) build_plan, whole desired state", [&] {
    auto b = build_plan(**cache, desired, {}, rules, now);
    if (!b.ok()) die(b.error());
    built = std::move(*b);
  });
  print(plan, base, users_read);
  std::printf(
      "\npeak RSS: fill %.1f MiB (ru_maxrss), baseline %.1f MiB, plan %.1f MiB: planning peaks "
      "%+.1f MiB over what the fill left (%.1f MiB); the finished plan holds %.1f MiB\n",
      maxrss_after_fill / 1024.0, base.peak_kb / 1024.0, plan.peak_kb / 1024.0,
      (plan.peak_kb - rss_after_fill) / 1024.0, rss_after_fill / 1024.0,
      (plan.rss_after_kb - plan.rss_before_kb) / 1024.0);
  std::printf("planning cost beyond reading: %.2f s wall (%.2f s cpu) for %lld users\n",
              plan.seconds - base.seconds, plan.cpu_seconds - base.cpu_seconds, users_read);
  print_plan(built.plan);

  cache->reset();
  std::error_code ec;
  std::printf("cache file %.1f MiB\n", std::filesystem::file_size(path, ec) / 1048576.0);
  if (!o.keep && o.dir.empty()) std::filesystem::remove_all(dir, ec);
  return 0;
}

}  // namespace
}  // namespace tenantsync

int main(int argc, char** argv) {
  tenantsync::tune_allocator();  // as tenantsync runs
  tenantsync::Options options;
  CLI::App app{"plan_bench: build_plan against loading the same snapshots from the cache"};
  tenantsync::add_options(app, options);
  CLI11_PARSE(app, argc, argv);
  return tenantsync::run(options);
}
