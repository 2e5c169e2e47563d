// /healthz and /metrics of `tenantsync run`: health turns 503 when cycles are overdue or
// the cache is unusable; the Prometheus text carries the figures of the last cycle.
#include "connector/daemon_metrics.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sstream>

namespace tenantsync {
namespace daemon_metrics_test {

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

void finished(DaemonMetrics& m, const CycleResult& c, Clock::time_point at,
              const std::vector<SeatGauge>& seats) {
  m.cycle_finished(c, cycle_outcome(c), at, seats);
}

CycleResult failed_cycle() {
  CycleResult c;
  c.error = make_error(ErrorKind::Auth, "AADSTS7000215: Invalid client secret provided.");
  return c;
}

CycleResult refused_cycle() {
  CycleResult c;
  TenantDrift t;
  t.tenant = "contoso.onmicrosoft.com";
  t.totals.items = 60;
  OverLimit over;
  over.limits = {"maxRevocations"};
  over.message =
      "60 revocations > safety.maxRevocations 50: apply will refuse; raise "
      "safety.maxRevocations to 60 in the config";
  t.over_limit = over;
  c.found.tenants = {t};
  c.left = c.found;
  return c;
}

TEST(DaemonMetricsTest, HealthyWhileCyclesFinishOnTime) {
  DaemonMetrics m(60s, t0());
  EXPECT_EQ(m.health(t0() + 10s).status, 200);
  EXPECT_THAT(m.health(t0() + 10s).body, HasSubstr("no cycle finished yet"));
  finished(m, CycleResult{}, t0() + 30s, {});
  auto h = m.health(t0() + 100s);
  EXPECT_EQ(h.status, 200);
  EXPECT_THAT(h.body, HasSubstr("ok: last cycle finished"));
}

TEST(DaemonMetricsTest, LateWhenNoCycleFinishedWithinTwoIntervalsAndAMinute) {
  DaemonMetrics m(60s, t0());
  finished(m, CycleResult{}, t0(), {});
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
  finished(m, broken, t0(), {});
  auto h = m.health(t0() + 1s);
  EXPECT_EQ(h.status, 503);
  EXPECT_THAT(h.body, HasSubstr("the cache is unusable: disk I/O error"));
  finished(m, CycleResult{}, t0() + 60s, {});
  EXPECT_EQ(m.health(t0() + 61s).status, 200);
}

TEST(DaemonMetricsTest, PrometheusTextHasTheLastCyclesFigures) {
  DaemonMetrics m(60s, t0());
  finished(m, cycle_with_drift(), t0() + 10s, {{"contoso.onmicrosoft.com", "SPE_E3", 4}});
  finished(m, cycle_with_drift(), t0() + 70s, {{"contoso.onmicrosoft.com", "SPE_E3", 2}});
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

TEST(DaemonMetricsTest, EverySampleOfAShardedRunCarriesItsShard) {
  DaemonMetrics m(60s, t0());
  m.set_shard("2/4");
  finished(m, cycle_with_drift(), t0() + 10s, {{"contoso.onmicrosoft.com", "SPE_E3", 4}});
  std::string text = m.prometheus(t0() + 11s).body;
  EXPECT_THAT(text, HasSubstr("# TYPE tenantsync_cycles_total counter\n"));
  EXPECT_THAT(text, HasSubstr("tenantsync_up{shard=\"2/4\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("tenantsync_cycles_total{shard=\"2/4\",status=\"partial\"} 1\n"));
  EXPECT_THAT(text,
              HasSubstr("tenantsync_seats_free{shard=\"2/4\",tenant=\"contoso.onmicrosoft.com\","
                        "sku=\"SPE_E3\"} 4\n"));
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    if (line.empty() || line[0] == '#') continue;
    EXPECT_THAT(line, HasSubstr("{shard=\"2/4\"")) << line;
  }
}

TEST(DaemonMetricsTest, LabelValuesAreEscaped) {
  DaemonMetrics m(60s, t0());
  finished(m, CycleResult{}, t0(), {{"a\"b\\c\nd", "X", 1}});
  EXPECT_THAT(m.prometheus(t0()).body, HasSubstr("tenant=\"a\\\"b\\\\c\\nd\""));
}

TEST(DaemonMetricsTest, ASuccessfulCycleSetsTheLastSuccessTime) {
  DaemonMetrics m(60s, t0());
  finished(m, CycleResult{}, t0() + 5s, {});
  double expected = std::chrono::duration<double>((t0() + 5s).time_since_epoch()).count();
  ASSERT_EQ(expected, 1728000005.0);
  EXPECT_THAT(m.prometheus(t0() + 6s).body,
              HasSubstr("tenantsync_last_success_timestamp_seconds 1728000005\n"));
  EXPECT_THAT(m.prometheus(t0() + 6s).body, Not(HasSubstr("tenantsync_drift_items{")));
}

TEST(DaemonMetricsTest, TimestampsKeepTheirMilliseconds) {
  DaemonMetrics m(60s, t0());
  finished(m, CycleResult{}, t0() + 5250ms, {});
  EXPECT_THAT(m.prometheus(t0() + 6s).body,
              HasSubstr("tenantsync_last_success_timestamp_seconds 1728000005.25\n"));
}

TEST(DaemonMetricsTest, AFailedCycleIsUnhealthyWithTheReasonUntilOneSucceeds) {
  DaemonMetrics m(60s, t0());
  finished(m, failed_cycle(), t0() + 1s, {});
  auto h = m.health(t0() + 2s);
  EXPECT_EQ(h.status, 503);
  EXPECT_THAT(h.body, HasSubstr("unhealthy: 1 cycle failed: "));
  EXPECT_THAT(h.body, HasSubstr("AADSTS7000215"));
  EXPECT_THAT(m.prometheus(t0() + 2s).body,
              HasSubstr("tenantsync_last_success_timestamp_seconds 0\n"));
  finished(m, CycleResult{}, t0() + 60s, {});
  EXPECT_EQ(m.health(t0() + 61s).status, 200);
}

TEST(DaemonMetricsTest, HowManyFailedCyclesMakeItUnhealthyIsConfigurable) {
  DaemonMetrics m(60s, t0(), /*failed_cycles_before_unhealthy=*/2);
  finished(m, failed_cycle(), t0() + 1s, {});
  EXPECT_EQ(m.health(t0() + 2s).status, 200);
  finished(m, failed_cycle(), t0() + 61s, {});
  auto h = m.health(t0() + 62s);
  EXPECT_EQ(h.status, 503);
  EXPECT_THAT(h.body, HasSubstr("2 cycles in a row failed"));
}

TEST(DaemonMetricsTest, ARefusedCycleIsUnhealthyAndCountedPerTenantAndLimit) {
  DaemonMetrics m(60s, t0());
  finished(m, refused_cycle(), t0() + 1s, {});
  finished(m, refused_cycle(), t0() + 61s, {});
  auto h = m.health(t0() + 62s);
  EXPECT_EQ(h.status, 503);
  EXPECT_THAT(h.body, HasSubstr("refused: contoso.onmicrosoft.com: 60 revocations"));
  std::string text = m.prometheus(t0() + 62s).body;
  EXPECT_THAT(text, HasSubstr("tenantsync_cycles_total{status=\"refused\"} 2\n"));
  EXPECT_THAT(text, HasSubstr("tenantsync_safety_refusals_total{tenant=\"contoso.onmicrosoft.com"
                              "\",limit=\"maxRevocations\"} 2\n"));
  EXPECT_THAT(text, HasSubstr("tenantsync_tenant_status{tenant=\"contoso.onmicrosoft.com\","
                              "status=\"refused\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("tenantsync_last_success_timestamp_seconds 0\n"));
}

TEST(DaemonMetricsTest, APartialCycleStaysHealthyButIsNoSuccess) {
  DaemonMetrics m(60s, t0());
  finished(m, cycle_with_drift(), t0() + 1s, {});  // an operation failed
  auto h = m.health(t0() + 2s);
  EXPECT_EQ(h.status, 200);
  EXPECT_THAT(h.body, HasSubstr("(partial)"));
  EXPECT_THAT(m.prometheus(t0() + 2s).body,
              HasSubstr("tenantsync_last_success_timestamp_seconds 0\n"));
}

}  // namespace daemon_metrics_test
}  // namespace tenantsync
