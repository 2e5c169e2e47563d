// `tenantsync run`: the scheduler. Every interval one reconcile cycle (sync/
// reconcile_cycle.h): mirror, plan, apply `enforce` tenants, report drift for all; then
// the cycle's reports go to the report folder, a notification to the webhook when there
// is something to tell, and the figures to /metrics.
//
// Cycles never overlap: the next one starts `every` after the previous one started, or
// at once when a cycle took longer (a warning says so). Signals are taken by one thread
// with sigtimedwait (they are blocked everywhere else): SIGTERM/SIGINT let the operations
// in flight finish and be journalled, journal the rest as not sent, and exit 0; SIGHUP
// reloads the config and the desired state, keeping the old ones when a new one is
// broken (changes to `cache` and `remote` need a restart: the session stays open).
#include <signal.h>

#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <mutex>
#include <thread>

#include "connector/cli/cache_wait.h"
#include "connector/cli/command_context.h"
#include "connector/cli/commands.h"
#include "connector/cli/engine_session.h"
#include "connector/cli/exit_codes.h"
#include "connector/cpprest_transport.h"
#include "connector/cycle_notifier.h"
#include "connector/daemon_metrics.h"
#include "connector/graph_directory.h"
#include "connector/status_server.h"
#include "connector/webhook_notifier.h"
#include "sync/apply/run_passwords.h"
#include "sync/log.h"
#include "sync/plural.h"
#include "sync/run/cycle_notification.h"
#include "sync/run/cycle_outcome.h"
#include "sync/run/reconcile_cycle.h"
#include "sync/run/report_store.h"

namespace tenantsync {

namespace {

// Signals arrive here, on a thread of their own, and wake the scheduler.
class SignalWatch {
 public:
  SignalWatch() {
    sigemptyset(&set_);
    for (int s : {SIGTERM, SIGINT, SIGHUP}) sigaddset(&set_, s);
    // Blocked before any other thread starts, so every thread inherits the mask.
    pthread_sigmask(SIG_BLOCK, &set_, nullptr);
    thread_ = std::thread([this] { watch(); });
  }
  ~SignalWatch() {
    done_ = true;
    thread_.join();
  }

  const std::atomic<bool>& stopping() const { return stop_; }
  // Waits until `deadline`, a stop, or a reload request; returns true on a reload request.
  bool wait_until(std::chrono::steady_clock::time_point deadline) {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait_until(lock, deadline, [&] { return stop_ || reload_; });
    bool reload = reload_;
    reload_ = false;
    return reload;
  }

 private:
  void watch() {
    timespec tick{0, 200 * 1000 * 1000};
    while (!done_) {
      int s = sigtimedwait(&set_, nullptr, &tick);
      if (s < 0) continue;
      std::lock_guard<std::mutex> lock(mu_);
      if (s == SIGHUP) {
        reload_ = true;
      } else {
        if (!stop_)
          log_info("stopping: finishing the operations in flight", {{"signal", std::to_string(s)}});
        stop_ = true;
      }
      cv_.notify_all();
    }
  }

  sigset_t set_;
  std::thread thread_;
  std::atomic<bool> done_{false};
  std::atomic<bool> stop_{false};
  bool reload_ = false;  // guarded by mu_
  std::mutex mu_;
  std::condition_variable cv_;
};

std::vector<SeatGauge> free_seats(Cache& cache, const DriftReport& report, bool count_grace) {
  std::vector<SeatGauge> out;
  for (const auto& t : report.tenants) {
    auto seats = cache.sku_seats(t.tenant_id.empty() ? t.tenant : t.tenant_id);
    if (!seats.ok()) continue;
    for (const auto& s : *seats)
      out.push_back({t.name(), s.sku.sku_part_number, s.sku.available_seats(count_grace)});
  }
  return out;
}

std::unique_ptr<CycleNotifier> make_notifier(const Config& config) {
  if (config.webhook_url.empty()) return nullptr;
  CpprestTransport::Options options;
  options.concurrency = 1;
  options.allow_insecure_http = config.remote.allow_insecure_http;
  options.ca_file = config.remote.ca_file;
  return std::make_unique<CycleNotifier>(
      std::make_unique<WebhookNotifier>(config.webhook_url,
                                        std::make_unique<CpprestTransport>(options)),
      config.webhook_format, config.webhook_remind_every, config.shard ? config.shard->spec() : "");
}

// The cycle's reports as links: <reports.baseUrl>/<file>, else <listen URL>/reports/<file>
// when `run --listen` serves them on a reachable address, else the paths.
CycleReportFiles report_links(const CycleReportFiles& files, const Config& config,
                              const std::string& served_at) {
  // An address bound to every interface (0.0.0.0, [::]) is no address an admin can open.
  bool reachable = !served_at.empty() && served_at.find("://0.0.0.0") == std::string::npos &&
                   served_at.find("://[::]") == std::string::npos;
  std::string base = !config.reports_base_url.empty() ? config.reports_base_url
                     : reachable                      ? served_at + "/reports"
                                                      : "";
  if (base.empty()) return files;
  auto link = [&](const std::string& path) {
    return path.empty() ? path : base + "/" + std::filesystem::path(path).filename().string();
  };
  return {link(files.html), link(files.json)};
}

// One line for the cycle, then one per thing that needs an admin: a failure (said once,
// not again per tenant), a tenant refused by a safety limit (also a warning in the log),
// a tenant that could not be read, is gone or stale.
void print_cycle(int n, const CycleResult& c, const CycleOutcome& o,
                 const CycleReportFiles& files) {
  std::printf("cycle %d: %s in %.2f s: %d drift found, %d left in %s", n, to_string(o.status),
              c.seconds, c.found.totals.items, c.left.totals.items,
              plural(c.left.tenants_with_drift, "tenant", "tenants").c_str());
  if (c.apply) {
    auto s = c.apply->summary();
    std::printf("; applied %d, failed %d", s.applied, s.failed);
  }
  if (c.left.totals.blocked > 0) std::printf("; %d blocked", c.left.totals.blocked);
  if (auto refused = o.with(TenantStatus::Refused); !refused.empty()) {
    std::printf("; %zu refused by a safety limit", refused.size());
  }
  if (!files.html.empty()) std::printf("; report %s", files.html.c_str());
  std::printf("\n");
  if (!c.passwords.empty()) std::printf("cycle %d: %s\n", n, c.passwords.c_str());
  if (o.status == CycleStatus::Failed) {
    std::printf("cycle %d failed: %s; no drift report written (the last complete one stays)\n", n,
                o.error.c_str());
  }
  for (const auto& t : o.tenants) {
    if (t.status == TenantStatus::Refused) {
      std::printf("cycle %d: %s refused: %s\n", n, t.tenant.c_str(), t.detail.c_str());
      log_warn("run: tenant over a safety limit: nothing was sent to it",
               {{"tenant", t.tenant}, {"limit", t.detail}});
    } else if (t.status == TenantStatus::Failed || t.status == TenantStatus::Gone ||
               t.status == TenantStatus::Stale) {
      if (o.status == CycleStatus::Failed && o.error.find(t.detail) != std::string::npos) continue;
      std::printf("cycle %d: %s %s: %s\n", n, t.tenant.c_str(), to_string(t.status),
                  t.detail.c_str());
    }
  }
  std::fflush(stdout);
}

}  // namespace

int run_scheduler(const GlobalFlags& g, const RunFlags& o) {
  SignalWatch signals;
  auto config = load_command_config(g);
  if (!config.ok()) return report_failure("run", config.error());
  auto desired = load_desired_for(*config, "");
  if (!desired.ok()) return report_failure("run", desired.error());
  if (Status st = check_passwords_destination({"", config->passwords_dir}); !st.ok()) {
    return report_failure("run", st.error());
  }
  // One scheduler per cache, for its whole life (apart from the writer lock it takes per
  // cycle): two would take turns at the cycles and post everything twice.
  // Any other failure (a read-only folder, say) is the cache's own: opening it says so.
  auto one_scheduler = CacheLock::acquire(config->cache + ".run", "run");
  if (!one_scheduler.ok() && one_scheduler.error().kind == ErrorKind::Conflict) {
    return report_failure(
        "run",
        make_error(ErrorKind::Conflict, "another tenantsync run already serves the cache " +
                                            config->cache + ": " + one_scheduler.error().message));
  }
  auto session = EngineSession::open(*config, /*need_remote=*/true, "run",
                                     cycle_lock_wait(signals.stopping()));
  if (!session.ok()) return report_failure("run", session.error());
  EngineSession& s = **session;
  s.release_lock();  // held only while a cycle runs: hand tasks get in between cycles

  auto every = [&] { return o.every.value_or(config->schedule_every); };
  DaemonMetrics metrics(every(), s.clock().now(), config->health_failed_cycles_before_unhealthy);
  if (s.config().shard) metrics.set_shard(s.config().shard->spec());
  std::unique_ptr<StatusServer> server;
  std::string served_at;  // the base URL of --listen
  if (!o.listen.empty()) {
    server = std::make_unique<StatusServer>([&] { return metrics.health(s.clock().now()); },
                                            [&] { return metrics.prometheus(s.clock().now()); },
                                            config->reports_dir);
    auto url = server->start(o.listen);
    if (!url.ok()) return report_failure("run", url.error());
    served_at = *url;
    std::fprintf(stderr, "tenantsync run: serving %s/healthz and %s/metrics\n", url->c_str(),
                 url->c_str());
  }
  auto notifier = make_notifier(*config);

  for (int n = 1;; ++n) {
    auto started = std::chrono::steady_clock::now();
    CycleOptions options;
    options.concurrency = tenant_concurrency(*config);
    options.limits.max_revocations = config->max_revocations;
    options.limits.max_deletions = config->max_deletions;
    options.limits.flags = false;  // run has no --max-* flags: the hint names the config key
    options.interrupt = &signals.stopping();
    options.request_timeout = std::chrono::seconds(config->remote.timeout_seconds);
    options.passwords_dir = config->passwords_dir;
    options.use_grace_seats = config->use_grace_seats;
    options.shard = s.config().shard;
    // The cache's writer lock is held for the cycle and what it records (reports, the
    // webhook's outbox), and released before the wait for the next one.
    CycleResult cycle;
    bool held = false;
    if (Status st = s.retake_lock(cycle_lock_wait(signals.stopping())); st.ok()) {
      held = true;
      cycle = run_reconcile_cycle(s.directory(), s.cache(), s.clock(), *desired, options);
    } else if (signals.stopping()) {
      break;
    } else {
      cycle.started = s.clock().now();
      cycle.error = st.error();
    }
    CycleOutcome outcome = cycle_outcome(cycle);

    // A failed cycle knows nothing current: its report would say "no drift" and push a
    // real one out of reports.keep. The last complete report stays the newest.
    CycleReportFiles files;
    if (!config->reports_dir.empty() && outcome.status != CycleStatus::Failed) {
      auto written =
          write_cycle_reports(config->reports_dir, cycle.left, cycle.started, config->reports_keep);
      if (written.ok()) {
        files = *written;
      } else {
        log_error("run: " + written.error().message);
      }
    }
    metrics.cycle_finished(cycle, outcome, s.clock().now(),
                           free_seats(s.cache(), cycle.left, config->use_grace_seats));
    if (s.graph()) metrics.http(s.graph()->stats());
    print_cycle(n, cycle, outcome, files);
    if (notifier) {
      notifier->after_cycle(s.cache(), n, cycle, outcome, report_links(files, *config, served_at),
                            s.clock().now());
    }
    if (held) s.release_lock();
    if (o.once) return outcome.exit_code();
    if (signals.stopping()) break;

    auto due = started + every();
    if (std::chrono::steady_clock::now() > due) {
      log_warn("run: the cycle took longer than the interval; the next one starts now",
               {{"seconds", std::to_string(cycle.seconds)}});
    }
    while (signals.wait_until(due)) {
      auto fresh = load_command_config(g);
      auto fresh_desired =
          fresh.ok() ? load_desired_for(*fresh, "") : Result<DesiredState>(fresh.error());
      if (!fresh.ok() || !fresh_desired.ok()) {
        const Error& e = !fresh.ok() ? fresh.error() : fresh_desired.error();
        log_error("run: reload failed, keeping the previous config and desired state: " +
                  redact_secrets(e.describe()));
        continue;
      }
      if (fresh->cache != config->cache || fresh->remote.graph_url != config->remote.graph_url ||
          fresh->remote.client_id != config->remote.client_id) {
        log_warn("run: changes to \"cache\" and \"remote\" take effect after a restart");
      }
      bool new_webhook = fresh->webhook_url != config->webhook_url;
      *config = std::move(*fresh);
      *desired = std::move(*fresh_desired);
      if (new_webhook) notifier = make_notifier(*config);
      metrics.set_interval(every());
      due = started + every();
      log_info("run: reloaded the config and the desired state");
    }
    if (signals.stopping()) break;
  }
  std::printf("stopped: the journal is complete\n");
  return kExitOk;
}

}  // namespace tenantsync
