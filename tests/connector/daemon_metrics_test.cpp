// /healthz and /metrics of `tenantsync run`: health turns 503 when cycles are overdue or
// the cache is unusable; the Prometheus text carries the figures of the last cycle.
#include "connector/daemon_metrics.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace tenantsync {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using namespace std::chrono_literals;

Clock::time_point t0() { return Clock::time_point(std::chrono::hours(24 * 20000)); }

CycleResult cycle_with_drift() {
  CycleResult c;
  TenantDrift t;
  t.tenant = "contoso.onmicrosoft.com";
  t.totals.items = 3;
  c.left.tenants.push_back(t);
  c.left.totals.items = 3;
  c.found = c.left;
  c.seconds = 1.5;
  ApplyReport apply;
  TenantPlan tp;
  tp.tenant = t.tenant;
  Operation op;
  op.op = OpKind::Assign;
  op.status = OpStatus::Applied;
  tp.operations = {op, op};
  op.status = OpStatus::Failed;
  tp.operations.push_back(op);
  apply.plan.tenants.push_back(tp);
  c.apply = apply;
  return c;
}

TEST(DaemonMetricsTest, HealthyWhileCyclesFinishOnTime) {
  DaemonMetrics m(60s, t0());
  EXPECT_EQ(m.health(t0() + 10s).status, 200);
  EXPECT_THAT(m.health(t0() + 10s).body, HasSubstr("no cycle finished yet"));
  m.cycle_finished(CycleResult{}, t0() + 30s, {});
  auto h = m.health(t0() + 100s);
  EXPECT_EQ(h.status, 200);
  EXPECT_THAT(h.body, HasSubstr("ok: last cycle finished"));
}

TEST(DaemonMetricsTest, LateWhenNoCycleFinishedWithinTwoIntervalsAndAMinute) {
  DaemonMetrics m(60s, t0());
  m.cycle_finished(CycleResult{}, t0(), {});
  EXPECT_EQ(m.health(t0() + 180s).status, 200);
  auto late = m.health(t0() + 181s);
  EXPECT_EQ(late.status, 503);
  EXPECT_THAT(late.body, HasSubstr("late"));
  EXPECT_THAT(late.body, HasSubstr("181 s ago"));
}

TEST(DaemonMetricsTest, UnhealthyWhenTheCacheIsUnusable) {
  DaemonMetrics m(60s, t0());
  CycleResult broken;
  broken.error = make_error(ErrorKind::Io, "disk I/O error: tenantsync.db");
  m.cycle_finished(broken, t0(), {});
  auto h = m.health(t0() + 1s);
  EXPECT_EQ(h.status, 503);
  EXPECT_THAT(h.body, HasSubstr("the cache is unusable: disk I/O error"));
  m.cycle_finished(CycleResult{}, t0() + 60s, {});
  EXPECT_EQ(m.health(t0() + 61s).status, 200);
}

TEST(DaemonMetricsTest, PrometheusTextHasTheLastCyclesFigures) {
  DaemonMetrics m(60s, t0());
  m.cycle_finished(cycle_with_drift(), t0() + 10s, {{"contoso.onmicrosoft.com", "SPE_E3", 4}});
  m.cycle_finished(cycle_with_drift(), t0() + 70s, {{"contoso.onmicrosoft.com", "SPE_E3", 2}});
  TransportStats::Snapshot http;
  http.responses_by_status = {{200, 40}, {429, 3}};
  http.throttled = 5;
  http.retries = 4;
  m.http(http);

  std::string text = m.prometheus(t0() + 75s).body;

  EXPECT_THAT(text, HasSubstr("# TYPE tenantsync_cycles_total counter\n"));
  EXPECT_THAT(text, HasSubstr("tenantsync_cycles_total{status=\"partial\"} 2\n"));
  EXPECT_THAT(text, HasSubstr("tenantsync_cycle_duration_seconds_sum 3\n"));
  EXPECT_THAT(text, HasSubstr("tenantsync_cycle_duration_seconds_count 2\n"));
  EXPECT_THAT(text, HasSubstr("tenantsync_drift_items{tenant=\"contoso.onmicrosoft.com\"} 3\n"));
  EXPECT_THAT(text,
              HasSubstr("tenantsync_operations_total{op=\"assign\",outcome=\"applied\"} 4\n"));
  EXPECT_THAT(text, HasSubstr("tenantsync_operations_total{op=\"assign\",outcome=\"failed\"} 2\n"));
  EXPECT_THAT(text, HasSubstr("tenantsync_http_requests_total{status=\"429\"} 3\n"));
  EXPECT_THAT(text, HasSubstr("tenantsync_http_throttled_total 5\n"));
  EXPECT_THAT(
      text,
      HasSubstr("tenantsync_seats_free{tenant=\"contoso.onmicrosoft.com\",sku=\"SPE_E3\"} 2\n"));
  EXPECT_THAT(text, HasSubstr("tenantsync_last_success_timestamp_seconds 0\n"));  // exit 3 twice
  EXPECT_EQ(m.prometheus(t0()).content_type, "text/plain; version=0.0.4; charset=utf-8");
}

TEST(DaemonMetricsTest, LabelValuesAreEscaped) {
  DaemonMetrics m(60s, t0());
  m.cycle_finished(CycleResult{}, t0(), {{"a\"b\\c\nd", "X", 1}});
  EXPECT_THAT(m.prometheus(t0()).body, HasSubstr("tenant=\"a\\\"b\\\\c\\nd\""));
}

TEST(DaemonMetricsTest, ASuccessfulCycleSetsTheLastSuccessTime) {
  DaemonMetrics m(60s, t0());
  m.cycle_finished(CycleResult{}, t0() + 5s, {});
  double expected = std::chrono::duration<double>((t0() + 5s).time_since_epoch()).count();
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.6g", expected);
  EXPECT_THAT(m.prometheus(t0() + 6s).body,
              HasSubstr(std::string("tenantsync_last_success_timestamp_seconds ") + buf + "\n"));
  EXPECT_THAT(m.prometheus(t0() + 6s).body, Not(HasSubstr("tenantsync_drift_items{")));
}

}  // namespace
}  // namespace tenantsync
