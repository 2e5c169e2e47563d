// What `tenantsync run` knows about itself, for /metrics (Prometheus text format 0.0.4)
// and /healthz. Updated by the scheduler thread after each cycle, read by the status
// server's threads: every method locks.
//
// Health: 200 while cycles finish on time and well; 503, with the reason in the body, when
// - the last `failed_cycles_before_unhealthy` cycles in a row failed or were refused
//   (config health.failedCyclesBeforeUnhealthy, default 1): someone has to act;
// - the last finished cycle (or the start, before the first) is older than 2 x the
//   interval + 60 s: a cycle is overdue or stuck;
// - the cache is unusable (the last cycle failed on a cache or file error).
// Partial cycles stay 200 (the body says "partial"): most of the estate is reconciled.
//
// Metrics (all prefixed tenantsync_): cycles_total{status}, cycle_duration_seconds_sum /
// _count, last_cycle_duration_seconds, last_success_timestamp_seconds (ok and drift cycles
// only), drift_items{tenant}, tenant_status{tenant,status} (1 for the tenant's status in
// the last cycle), safety_refusals_total{tenant,limit}, operations_total{op,outcome},
// http_requests_total{status}, http_throttled_total, http_retries_total,
// http_dropped_total, seats_free{tenant,sku}, up. Timestamps keep millisecond precision.
// A sharded run (--shard k/N) adds shard="k/N" to every sample.
#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <string>
#include <utility>

#include "connector/http_transport.h"
#include "connector/status_server.h"
#include "sync/clock.h"
#include "sync/run/cycle_outcome.h"
#include "sync/run/reconcile_cycle.h"

namespace tenantsync {

struct SeatGauge {
  std::string tenant;
  std::string sku;  // part number
  int free = 0;
};

class DaemonMetrics {
 public:
  DaemonMetrics(std::chrono::seconds every, Clock::time_point started,
                int failed_cycles_before_unhealthy = 1);

  void set_interval(std::chrono::seconds every);
  // `run --shard k/N`: every sample carries shard="k/N", so one Prometheus query sees the
  // whole estate and tells the shards apart.
  void set_shard(std::string spec);
  void cycle_finished(const CycleResult& cycle, const CycleOutcome& outcome,
                      Clock::time_point finished, const std::vector<SeatGauge>& seats);
  void http(const TransportStats::Snapshot& snapshot);

  StatusReply health(Clock::time_point now) const;
  StatusReply prometheus(Clock::time_point now) const;

 private:
  mutable std::mutex mu_;
  std::chrono::seconds every_;
  std::string shard_;  // "" = not sharded: no shard label
  Clock::time_point started_;
  int failed_cycles_before_unhealthy_;
  int failing_in_a_row_ = 0;  // failed or refused cycles since the last good one
  std::string failing_reason_;
  std::optional<Clock::time_point> last_finished_;
  std::optional<Clock::time_point> last_success_;
  std::string last_status_;
  std::string cache_problem_;  // empty while the cache is usable
  std::map<std::string, long> cycles_by_status_;
  double cycle_seconds_sum_ = 0;
  double last_cycle_seconds_ = 0;
  long cycle_count_ = 0;
  std::map<std::string, int> drift_items_;                          // tenant ->
  std::map<std::string, std::string> tenant_status_;                // tenant ->
  std::map<std::pair<std::string, std::string>, long> refusals_;    // (tenant, limit) ->
  std::map<std::pair<std::string, std::string>, long> operations_;  // (op, outcome) ->
  std::map<std::pair<std::string, std::string>, int> seats_free_;   // (tenant, sku) ->
  TransportStats::Snapshot http_;
};

}  // namespace tenantsync
