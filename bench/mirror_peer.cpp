#include "bench/mirror_peer.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "bench/bench_measure.h"
#include "bench/child_run.h"
#include "bench/fake_graph_target.h"
#include "sync/store/sqlite.h"

namespace tenantsync::bench {
namespace {

namespace fs = std::filesystem;

constexpr char kSecretVariable[] = "MIRROR_BENCH_CLIENT_SECRET";
const std::string kPeerDir = std::string(TENANTSYNC_SOURCE_DIR) + "/bench/peers/graph-sdk-mirror";

// What each program wrote, read back from its file: the users, and the lists that
// tenantsync reads besides them (-1 where not counted: the narrow peer reads none).
struct StoredCounts {
  long long active = -1;
  long long deleted = -1;
  long long role_definitions = -1;
  long long domains = -1;
  long long group_names = -1;
  bool operator==(const StoredCounts&) const = default;
};

struct Measured {
  ChildRun run;
  StoredCounts stored;
  double fake_cpu_seconds = 0;  // fake-graph's CPU during the run: it shares the cores
  long long fake_requests = 0;
  double load_before = 0;
};

// What stands between us and running the peer ("" when nothing).
std::string peer_missing(const std::string& node) {
  if (node.empty()) return "node is not in PATH (Node.js 20 or later)";
  for (const char* needed : {"node_modules/@microsoft/microsoft-graph-client/package.json",
                             "node_modules/@azure/msal-node/package.json",
                             "node_modules/better-sqlite3/build/Release/better_sqlite3.node"}) {
    if (!fs::exists(kPeerDir + "/" + needed)) return kPeerDir + "/" + needed + " is missing";
  }
  return "";
}

// Both programs name the lists' tables alike.
StoredCounts count_stored(const std::string& path, const char* active_sql, const char* deleted_sql,
                          bool lists) {
  StoredCounts c;
  auto db = Database::open(path, false);
  if (!db.ok()) return c;
  auto count = [&](const std::string& sql, long long& into) {
    if (auto n = (*db)->query_int(sql); n.ok()) into = *n;
  };
  count(active_sql, c.active);
  count(deleted_sql, c.deleted);
  if (lists) {
    count("SELECT count(*) FROM role_definitions", c.role_definitions);
    count("SELECT count(*) FROM domains", c.domains);
    count("SELECT count(*) FROM group_names", c.group_names);
  }
  return c;
}

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  size_t m = v.size() / 2;
  return v.size() % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
}

// Waits (up to max_seconds) for the machine's 1-minute load to drop below `below`, as
// BENCHMARKS.md's figures do; returns the load it starts under.
double wait_for_load(double below, int max_seconds) {
  double load = load_average();
  if (below <= 0 || load < below) return load;
  std::printf("waiting for the 1-minute load (%.2f) to drop below %.2f, up to %d s ...\n", load,
              below, max_seconds);
  std::fflush(stdout);
  Stopwatch waited;
  while (load >= below && waited.seconds() < max_seconds) {
    std::this_thread::sleep_for(std::chrono::seconds(5));
    load = load_average();
  }
  std::printf("  load %.2f after %.0f s%s\n", load, waited.seconds(),
              load >= below ? " (gave up waiting)" : "");
  return load;
}

class Comparison {
 public:
  Comparison(const PeerOptions& o, FakeGraphTarget& fake, std::string node)
      : o_(o), fake_(fake), node_(std::move(node)) {}

  std::optional<Measured> tenantsync(const std::string& run_dir) {
    fs::create_directories(run_dir);
    nlohmann::json config = {{"cache", "tenantsync.db"},
                             {"remote",
                              {{"graphUrl", fake_.graph_url()},
                               {"authorityUrl", fake_.url()},
                               {"partnerTenant", kGeneratedPartner},
                               {"clientId", kBenchClientId},
                               {"clientSecretEnv", kSecretVariable},
                               {"concurrency", o_.concurrency}}},
                             {"tenants", "all"}};
    std::ofstream(run_dir + "/tenantsync.json") << config.dump(2);
    return measure(
        {TENANTSYNC_BIN, "--config", run_dir + "/tenantsync.json", "mirror", "--full"},
        // TENANTSYNC_CONFIG would name another config; "" removes it from the child's env.
        {{kSecretVariable, kGeneratedSecret}, {"TENANTSYNC_CONFIG", ""}}, run_dir, [&] {
          return count_stored(run_dir + "/tenantsync.db",
                              "SELECT count(*) FROM users WHERE deleted_at IS NULL",
                              "SELECT count(*) FROM users WHERE deleted_at IS NOT NULL", true);
        });
  }

  // The peer reading what tenantsync reads, or (`narrow`) only SKUs, users and deleted users.
  std::optional<Measured> peer(const std::string& run_dir, bool narrow) {
    fs::create_directories(run_dir);
    const std::string db = run_dir + (narrow ? "/narrow-peer.db" : "/peer.db");
    std::vector<std::string> argv = {node_,           kPeerDir + "/mirror.mjs",
                                     "--url",         fake_.url(),
                                     "--partner",     kGeneratedPartner,
                                     "--client-id",   kBenchClientId,
                                     "--db",          db,
                                     "--concurrency", std::to_string(o_.concurrency)};
    if (narrow) argv.push_back("--narrow");
    return measure(argv, {{"GRAPH_CLIENT_SECRET", kGeneratedSecret}}, run_dir, [&] {
      return count_stored(db, "SELECT count(*) FROM users", "SELECT count(*) FROM deleted_users",
                          !narrow);
    });
  }

 private:
  template <typename Count>
  std::optional<Measured> measure(const std::vector<std::string>& argv,
                                  const std::map<std::string, std::string>& env,
                                  const std::string& run_dir, Count&& count) {
    Measured m;
    fake_.reset_stats();
    double fake_cpu = fake_.pid() > 0 ? process_cpu_seconds(fake_.pid()) : 0;
    m.load_before = load_average();
    m.run = run_child(argv, env, run_dir);
    m.fake_cpu_seconds = fake_.pid() > 0 ? process_cpu_seconds(fake_.pid()) - fake_cpu : 0;
    m.fake_requests = fake_stats_totals(fake_.stats()).requests;
    if (m.run.exit_code != 0) {
      std::fprintf(stderr, "mirror_bench: %s exited %d:\n%s%s\n", argv[0].c_str(), m.run.exit_code,
                   m.run.out.c_str(), m.run.err.c_str());
      return std::nullopt;
    }
    m.stored = count();
    return m;
  }

  const PeerOptions& o_;
  FakeGraphTarget& fake_;
  std::string node_;
};

void print_run(int run, const char* who, const Measured& m) {
  std::printf(
      "run %d %-11s %7.2f s wall %7.2f s cpu (user %.2f, sys %.2f)  peak RSS %7.1f MiB  "
      "users %lld (+%lld deleted)  fake: %lld requests, %.2f s cpu  load %.2f\n",
      run, who, m.run.wall_seconds, m.run.cpu_seconds(), m.run.user_seconds, m.run.system_seconds,
      m.run.max_rss_kb / 1024.0, m.stored.active, m.stored.deleted, m.fake_requests,
      m.fake_cpu_seconds, m.load_before);
  std::fflush(stdout);
}

struct Medians {
  double wall = 0, cpu = 0, rss_mib = 0, fake_cpu = 0, requests = 0;
};

Medians medians(const std::vector<Measured>& runs) {
  std::vector<double> wall, cpu, rss, fake_cpu, requests;
  for (const auto& m : runs) {
    wall.push_back(m.run.wall_seconds);
    cpu.push_back(m.run.cpu_seconds());
    rss.push_back(m.run.max_rss_kb / 1024.0);
    fake_cpu.push_back(m.fake_cpu_seconds);
    requests.push_back(static_cast<double>(m.fake_requests));
  }
  return {median(wall), median(cpu), median(rss), median(fake_cpu), median(requests)};
}

void print_medians(const char* who, const Medians& m) {
  std::printf("%-28s %9.2f s %9.2f s %9.1f MiB %10.0f %9.2f s\n", who, m.wall, m.cpu, m.rss_mib,
              m.requests, m.fake_cpu);
}

}  // namespace

int run_peer_comparison(const PeerOptions& o) {
  const std::string spec = "tenants=" + std::to_string(o.tenants) +
                           ",users=" + std::to_string(o.users) + ",skus=" + std::to_string(o.skus) +
                           ",seed=" + std::to_string(o.seed);
  const std::string node = find_in_path("node");
  const std::string missing = peer_missing(node);
  auto fake = FakeGraphTarget::start({"--generate", spec});
  std::printf(
      "mirror_bench --peer: fake-graph %s (--generate %s, started here), %d runs each "
      "(alternating, fresh files each), concurrency %d, %ld cores, files in %s\n",
      fake->url().c_str(), spec.c_str(), o.runs, o.concurrency, sysconf(_SC_NPROCESSORS_ONLN),
      o.dir.c_str());
  std::printf("tenantsync: %s --config ... mirror --full\n", TENANTSYNC_BIN);
  if (missing.empty()) {
    ChildRun version = run_child({node, "--version"}, {}, o.dir);
    std::printf("peer: %s (%s) %s/mirror.mjs (tenantsync's whole read)%s\n", node.c_str(),
                version.out.substr(0, version.out.find('\n')).c_str(), kPeerDir.c_str(),
                o.narrow_peer ? "; peer-narrow: the same with --narrow (SKUs, users and deleted "
                                "users only)"
                              : "");
  } else {
    std::printf(
        "peer: SKIPPED: %s.\n  Install it with `npm ci --prefix bench/peers/graph-sdk-mirror` "
        "(Node.js 20+, npm; see bench/peers/graph-sdk-mirror/README.md). Measuring tenantsync "
        "alone.\n",
        missing.c_str());
  }
  std::fflush(stdout);

  // The programs measured, in the order of the first run; each run starts one further on,
  // so none always runs on another's leftovers.
  struct Program {
    const char* label;  // per run
    const char* title;  // in the medians
    bool peer = false;
    bool narrow = false;
    std::vector<Measured> runs;
  };
  std::vector<Program> programs = {{"tenantsync", "tenantsync mirror --full", false, false, {}}};
  if (missing.empty()) {
    programs.push_back({"peer", "peer (Graph SDK, Node.js)", true, false, {}});
    if (o.narrow_peer) programs.push_back({"peer-narrow", "peer --narrow", true, true, {}});
  }
  Comparison compare(o, *fake, node);
  auto measure = [&](const Program& p, const std::string& run_dir) {
    return p.peer ? compare.peer(run_dir, p.narrow) : compare.tenantsync(run_dir);
  };
  auto done = [&](const std::string& run_dir) {
    std::error_code ec;
    if (!o.keep) fs::remove_all(run_dir, ec);
  };

  // Untimed: fake-graph builds each generated tenant on first use; neither program pays.
  {
    std::string run_dir = o.dir + "/warm-up";
    std::printf("warm-up (untimed):");
    for (const Program& p : programs) {
      auto m = measure(p, run_dir);
      if (!m) return 1;
      std::printf(" %s %.2f s", p.label, m->run.wall_seconds);
    }
    std::printf("\n");
    done(run_dir);
  }
  double load_start = wait_for_load(o.wait_load, o.wait_max_seconds);
  std::printf("load at the start of the runs: %.2f\n\n", load_start);

  bool mismatch = false;
  for (int run = 1; run <= o.runs; ++run) {
    const std::string run_dir = o.dir + "/run-" + std::to_string(run);
    for (size_t k = 0; k < programs.size(); ++k) {
      Program& p = programs[(k + run - 1) % programs.size()];
      auto m = measure(p, run_dir);
      if (!m) return 1;
      print_run(run, p.label, *m);
      p.runs.push_back(*m);
    }
    // What tenantsync stored against each peer's count (the narrow one counts no lists).
    const StoredCounts& ours = programs[0].runs.back().stored;
    for (size_t k = 1; k < programs.size(); ++k) {
      const StoredCounts& theirs = programs[k].runs.back().stored;
      StoredCounts expected = ours;
      if (programs[k].narrow) {
        expected.role_definitions = expected.domains = expected.group_names = -1;
      }
      if (theirs == expected) continue;
      auto said = [](const StoredCounts& c) {
        return std::to_string(c.active) + " users (+" + std::to_string(c.deleted) + " deleted), " +
               std::to_string(c.role_definitions) + " role definitions, " +
               std::to_string(c.domains) + " domains, " + std::to_string(c.group_names) +
               " group names";
      };
      std::fprintf(stderr, "mirror_bench: run %d: tenantsync stored %s, %s %s\n", run,
                   said(ours).c_str(), programs[k].label, said(theirs).c_str());
      mismatch = true;
    }
    done(run_dir);
  }

  const std::string title = "median of " + std::to_string(o.runs) + " runs";
  std::printf("\n%-28s %11s %11s %13s %10s %11s\n", title.c_str(), "wall", "CPU", "peak RSS",
              "requests", "fake CPU");
  std::vector<Medians> m;
  for (const Program& p : programs) {
    m.push_back(medians(p.runs));
    print_medians(p.title, m.back());
  }
  auto ratio = [](double a, double b) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "x%.2f", b > 0 ? a / b : 0.0);
    return std::string(buf);
  };
  for (size_t k = 1; k < programs.size(); ++k) {
    const std::string over = std::string("tenantsync / ") + programs[k].label;
    std::printf("%-28s %11s %11s %13s\n", over.c_str(), ratio(m[0].wall, m[k].wall).c_str(),
                ratio(m[0].cpu, m[k].cpu).c_str(), ratio(m[0].rss_mib, m[k].rss_mib).c_str());
  }
  if (programs.size() > 1) {
    const StoredCounts& c = programs[0].runs.back().stored;
    std::printf("stored by each: %lld users (+%lld deleted)", c.active, c.deleted);
    std::printf(", %lld role definitions, %lld domains, %lld group names%s%s\n", c.role_definitions,
                c.domains, c.group_names, o.narrow_peer ? " (not by the narrow peer)" : "",
                mismatch ? "; MISMATCH above" : "");
  }
  std::printf("load at the end: %.2f\n", load_average());
  return mismatch ? 1 : 0;
}

}  // namespace tenantsync::bench
