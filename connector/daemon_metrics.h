// What `tenantsync run` knows about itself, for /metrics (Prometheus text format 0.0.4)
// and /healthz. Updated by the scheduler thread after each cycle, read by the status
// server's threads: every method locks.
//
// Health: 200 while cycles finish on time; 503 when the last finished cycle (or the start,
// before the first) is older than 2 x the interval + 60 s, i.e. a cycle is overdue or
// stuck, or when the cache is unusable (the last cycle failed on a cache or file error).
// The body says which, and when the last cycle finished.
//
// Metrics (all prefixed tenantsync_): cycles_total{status}, cycle_duration_seconds_sum /
// _count, last_cycle_duration_seconds, last_success_timestamp_seconds, drift_items{tenant},
// operations_total{op,outcome}, http_requests_total{status}, http_throttled_total,
// http_retries_total, http_dropped_total, seats_free{tenant,sku}, up.
#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <string>
#include <utility>

#include "connector/http_transport.h"
#include "connector/status_server.h"
#include "sync/clock.h"
#include "sync/reconcile_cycle.h"

namespace tenantsync {

struct SeatGauge {
  std::string tenant;
  std::string sku;  // part number
  int free = 0;
};

class DaemonMetrics {
 public:
  DaemonMetrics(std::chrono::seconds every, Clock::time_point started);

  void set_interval(std::chrono::seconds every);
  void cycle_finished(const CycleResult& cycle, Clock::time_point finished,
                      const std::vector<SeatGauge>& seats);
  void http(const TransportStats::Snapshot& snapshot);

  StatusReply health(Clock::time_point now) const;
  StatusReply prometheus(Clock::time_point now) const;

 private:
  mutable std::mutex mu_;
  std::chrono::seconds every_;
  Clock::time_point started_;
  std::optional<Clock::time_point> last_finished_;
  std::optional<Clock::time_point> last_success_;
  std::string last_status_;
  std::string cache_problem_;  // empty while the cache is usable
  std::map<std::string, long> cycles_by_status_;
  double cycle_seconds_sum_ = 0;
  double last_cycle_seconds_ = 0;
  long cycle_count_ = 0;
  std::map<std::string, int> drift_items_;                          // tenant ->
  std::map<std::pair<std::string, std::string>, long> operations_;  // (op, outcome) ->
  std::map<std::pair<std::string, std::string>, int> seats_free_;   // (tenant, sku) ->
  TransportStats::Snapshot http_;
};

}  // namespace tenantsync
