#include "sync/report/tenant_overview.h"

#include <gtest/gtest.h>

namespace tenantsync {
namespace tenant_overview_test {

TenantSnapshot snapshot(const std::string& domain, MirrorState mirror) {
  TenantSnapshot s;
  s.tenant.id = domain + "-id";
  s.tenant.default_domain_name = domain;
  s.mirror = mirror;
  s.ever_complete = mirror == MirrorState::Complete;
  s.synced_at = mirror == MirrorState::Complete ? "2026-11-20T10:00:00Z" : "";
  return s;
}

TEST(TenantOverviewTest, StatusSaysWhatTheSnapshotSaysInThePlannersWords) {
  auto complete = snapshot("a.example", MirrorState::Complete);
  EXPECT_EQ(describe_overview_status(complete), "complete");

  auto stale = complete;
  stale.mirror = MirrorState::Stale;
  stale.stale_reason = "503 serviceNotAvailable";
  EXPECT_EQ(overview_status(stale), OverviewStatus::Stale);
  EXPECT_EQ(describe_overview_status(stale), "stale: 503 serviceNotAvailable");

  auto never = snapshot("b.example", MirrorState::Never);
  EXPECT_EQ(describe_overview_status(never), "never read whole");
  auto half = snapshot("b.example", MirrorState::Stale);
  half.stale_reason = "timeout";
  EXPECT_EQ(overview_status(half), OverviewStatus::NeverReadWhole);
  EXPECT_EQ(describe_overview_status(half), "never read whole: timeout");

  auto gone = complete;
  gone.gone_since = "2026-11-21T00:00:00Z";
  gone.gone_reason = "is gone from the partner's contracts";
  EXPECT_EQ(describe_overview_status(gone),
            "gone since 2026-11-21T00:00:00Z: is gone from the partner's contracts");

  auto damaged = complete;
  damaged.failing_checksum = {"x@a.example"};
  EXPECT_EQ(overview_status(damaged), OverviewStatus::ChecksumFailed);
  EXPECT_EQ(describe_overview_status(damaged),
            "stale: cached rows fail their checksum; the next mirror re-reads it fully");

  auto other = complete;
  other.other_graph_host = "https://graph.example";
  EXPECT_EQ(describe_overview_status(other), "other remote: mirrored from https://graph.example");
}

TEST(TenantOverviewTest, RowsSortGoneThenUntrustedThenMostDriftThenDomain) {
  std::vector<TenantOverviewRow> rows;
  auto add = [&](const std::string& domain, OverviewStatus status, std::optional<int> drift) {
    TenantOverviewRow r;
    r.domain = domain;
    r.status = status;
    r.drift_items = drift;
    rows.push_back(r);
  };
  add("b.example", OverviewStatus::Complete, 1);
  add("a.example", OverviewStatus::Complete, 1);
  add("c.example", OverviewStatus::Complete, 7);
  add("d.example", OverviewStatus::Complete, std::nullopt);
  add("e.example", OverviewStatus::Stale, 0);
  add("f.example", OverviewStatus::NeverReadWhole, std::nullopt);
  add("z.example", OverviewStatus::Gone, std::nullopt);
  sort_worst_first(rows);
  std::vector<std::string> order;
  for (const auto& r : rows) order.push_back(r.domain);
  EXPECT_EQ(order, (std::vector<std::string>{"z.example", "e.example", "f.example", "c.example",
                                             "a.example", "b.example", "d.example"}));
}

TEST(TenantOverviewTest, DriftComesFromTheReportAndIsUnknownForATenantNotPlanned) {
  std::vector<TenantOverviewRow> rows(3);
  rows[0].tenant_id = "1";
  rows[0].domain = "a.example";
  rows[1].tenant_id = "2";
  rows[1].domain = "b.example";
  rows[2].tenant_id = "3";
  rows[2].domain = "c.example";
  DriftReport report;
  TenantDrift a;
  a.tenant = "a.example";
  a.tenant_id = "1";
  a.mode = TenantMode::Report;
  a.totals.items = 4;
  a.totals.seats_to_buy = 2;
  TenantDrift b;
  b.tenant = "b.example";
  b.tenant_id = "2";
  b.not_planned = "tenant was never mirrored; run mirror";
  report.tenants = {a, b};
  add_drift(rows, report);
  EXPECT_EQ(rows[0].mode, TenantMode::Report);
  EXPECT_EQ(rows[0].drift_items, 4);
  EXPECT_EQ(rows[0].seats_to_buy, 2);
  EXPECT_EQ(rows[1].mode, TenantMode::Enforce);
  EXPECT_EQ(rows[1].drift_items, std::nullopt);
  EXPECT_EQ(rows[1].not_planned, "tenant was never mirrored; run mirror");
  EXPECT_TRUE(rows[2].planned);
  EXPECT_EQ(rows[2].mode, std::nullopt);
  EXPECT_EQ(rows[2].drift_items, std::nullopt);
}

TEST(TenantOverviewTest, AgeIsInItsLargestWholeUnit) {
  Clock::time_point now;
  ASSERT_TRUE(parse_iso8601("2026-11-20T12:00:00Z", now));
  EXPECT_EQ(describe_age("", now), "never");
  EXPECT_EQ(describe_age("2026-11-20T12:00:00Z", now), "just now");
  EXPECT_EQ(describe_age("2026-11-20T11:59:18Z", now), "42s ago");
  EXPECT_EQ(describe_age("2026-11-20T11:55:00Z", now), "5m ago");
  EXPECT_EQ(describe_age("2026-11-20T09:30:00Z", now), "2h ago");
  EXPECT_EQ(describe_age("2026-11-17T12:00:00Z", now), "3d ago");
  EXPECT_EQ(describe_age("yesterday", now), "yesterday");
}

}  // namespace tenant_overview_test
}  // namespace tenantsync
