// The outcome of a `run` cycle: one status for the cycle and one per tenant, from which
// the exit code, health, metrics and notifications follow. A cycle that read nothing is
// failed; a tenant over a safety limit makes it refused; a tenant not read, gone or with
// operations not done makes it partial; drift alone is drift.
#include "sync/run/cycle_outcome.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace tenantsync {
namespace cycle_outcome_test {

using ::testing::HasSubstr;

const std::string kContoso = "contoso.onmicrosoft.com";
const std::string kFabrikam = "fabrikam.onmicrosoft.com";

TenantDrift tenant(const std::string& name, TenantMode mode, int items, int blocked = 0) {
  TenantDrift t;
  t.tenant = name;
  t.tenant_id = "id-" + name;
  t.mode = mode;
  t.totals.items = items;
  t.totals.blocked = blocked;
  return t;
}

TenantMirrorResult mirrored(const std::string& name) {
  TenantMirrorResult m;
  m.requested = name;
  m.tenant.id = "id-" + name;
  m.tenant.default_domain_name = name;
  return m;
}

// Contoso (enforce) in sync, Fabrikam (report) with 2 drift items; both read.
CycleResult quiet_cycle() {
  CycleResult c;
  c.found.tenants = {tenant(kContoso, TenantMode::Enforce, 0),
                     tenant(kFabrikam, TenantMode::Report, 2)};
  c.left = c.found;
  c.mirror.tenants = {mirrored(kContoso), mirrored(kFabrikam)};
  return c;
}

const TenantOutcome& of(const CycleOutcome& o, const std::string& name) {
  for (const auto& t : o.tenants) {
    if (t.tenant == name) return t;
  }
  throw std::runtime_error("no tenant " + name);
}

TEST(CycleOutcomeTest, DriftInAReportTenantIsDriftAndExitsZero) {
  CycleOutcome o = cycle_outcome(quiet_cycle());
  EXPECT_EQ(o.status, CycleStatus::Drift);
  EXPECT_EQ(of(o, kContoso).status, TenantStatus::Ok);
  EXPECT_EQ(of(o, kFabrikam).status, TenantStatus::Drift);
  EXPECT_EQ(o.exit_code(), 0);
}

TEST(CycleOutcomeTest, NothingToDoIsOk) {
  CycleResult c = quiet_cycle();
  c.found.tenants[1].totals.items = 0;
  c.left = c.found;
  EXPECT_EQ(cycle_outcome(c).status, CycleStatus::Ok);
  EXPECT_STREQ(to_string(cycle_outcome(CycleResult{}).status), "ok");
}

TEST(CycleOutcomeTest, ACycleThatCouldNotReadAnyTenantFailsWithTheErrorOnce) {
  CycleResult c;
  c.found.tenants = {tenant(kContoso, TenantMode::Enforce, 0)};
  c.left = c.found;
  TenantMirrorResult m = mirrored(kContoso);
  m.error = make_error(ErrorKind::Auth, "AADSTS7000215: Invalid client secret provided.");
  c.mirror.tenants = {m};
  CycleOutcome o = cycle_outcome(c);
  EXPECT_EQ(o.status, CycleStatus::Failed);
  EXPECT_THAT(o.error, HasSubstr("AADSTS7000215"));
  EXPECT_EQ(of(o, kContoso).status, TenantStatus::Failed);
  EXPECT_EQ(o.exit_code(), 1);
}

TEST(CycleOutcomeTest, AnErrorOfTheWholeCycleFailsIt) {
  CycleResult c = quiet_cycle();
  c.error = make_error(ErrorKind::Io, "disk full");
  CycleOutcome o = cycle_outcome(c);
  EXPECT_EQ(o.status, CycleStatus::Failed);
  EXPECT_THAT(o.error, HasSubstr("disk full"));
}

TEST(CycleOutcomeTest, OneTenantNotReadMakesThePartOfTheEstateThatWasReadPartial) {
  CycleResult c = quiet_cycle();
  c.mirror.tenants[0].error = make_error(ErrorKind::Transient, "connection dropped");
  CycleOutcome o = cycle_outcome(c);
  EXPECT_EQ(o.status, CycleStatus::Partial);
  EXPECT_EQ(of(o, kContoso).status, TenantStatus::Failed);
  EXPECT_THAT(of(o, kContoso).detail, HasSubstr("connection dropped"));
  EXPECT_EQ(o.exit_code(), 3);
}

TEST(CycleOutcomeTest, GoneAndStaleTenantsArePartial) {
  CycleResult c = quiet_cycle();
  c.mirror.tenants[1].gone_since = "2026-11-30T10:00:00Z";
  c.mirror.tenants[1].gone_reason = "is gone from the partner's contracts";
  CycleOutcome gone = cycle_outcome(c);
  EXPECT_EQ(of(gone, kFabrikam).status, TenantStatus::Gone);
  EXPECT_THAT(of(gone, kFabrikam).detail, HasSubstr("2026-11-30"));
  EXPECT_EQ(gone.status, CycleStatus::Partial);

  CycleResult s = quiet_cycle();
  s.found.tenants[0].not_planned = "never read whole";
  EXPECT_EQ(of(cycle_outcome(s), kContoso).status, TenantStatus::Stale);
  EXPECT_EQ(cycle_outcome(s).exit_code(), 3);
}

TEST(CycleOutcomeTest, BlockedOperationsOfAnEnforceTenantArePartialLikeApply) {
  CycleResult c = quiet_cycle();
  c.found.tenants[0] = tenant(kContoso, TenantMode::Enforce, 1, 1);
  c.left = c.found;
  CycleOutcome o = cycle_outcome(c);
  EXPECT_EQ(of(o, kContoso).status, TenantStatus::Partial);
  EXPECT_EQ(o.exit_code(), 3);  // `apply --yes` exits 3 on the same plan
}

TEST(CycleOutcomeTest, ATenantOverASafetyLimitIsRefusedWithTheLimitAndExits4) {
  CycleResult c = quiet_cycle();
  OverLimit over;
  over.losses_of_access = 60;
  over.revocations = 60;
  over.limits = {"maxRevocations"};
  over.message =
      "60 revocations > safety.maxRevocations 50: apply will refuse; raise "
      "safety.maxRevocations to 60 in the config";
  c.found.tenants[0] = tenant(kContoso, TenantMode::Enforce, 60);
  c.found.tenants[0].over_limit = over;
  c.left = c.found;
  CycleOutcome o = cycle_outcome(c);
  EXPECT_EQ(o.status, CycleStatus::Refused);
  EXPECT_EQ(of(o, kContoso).status, TenantStatus::Refused);
  EXPECT_THAT(of(o, kContoso).detail, HasSubstr("raise safety.maxRevocations to 60"));
  EXPECT_EQ(o.with(TenantStatus::Refused).size(), 1u);
  EXPECT_EQ(o.exit_code(), 4);

  // Another tenant had operations applied: partly done, like apply.
  ApplyReport apply;
  TenantPlan fabrikam;
  fabrikam.tenant = kFabrikam;
  fabrikam.tenant_id = "id-" + kFabrikam;
  Operation done;
  done.status = OpStatus::Applied;
  fabrikam.operations = {done};
  apply.plan.tenants = {fabrikam};
  c.apply = apply;
  EXPECT_EQ(cycle_outcome(c).exit_code(), 3);
}

}  // namespace cycle_outcome_test
}  // namespace tenantsync
