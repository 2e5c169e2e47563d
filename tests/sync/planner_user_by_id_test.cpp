// The planner's entries that name a user by object id (the imperative commands use them)
// and its check for a restore onto a name an active user holds: the service refuses that
// restore with ObjectConflict, so the plan blocks it and names the active user.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "sync/plan/planner.h"

namespace tenantsync {
namespace planner_user_by_id_test {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

const Clock::time_point kNow = [] {
  Clock::time_point t;
  parse_iso8601("2026-11-20T00:00:00Z", t);
  return t;
}();

User user(const std::string& id, const std::string& upn, bool e3,
          std::optional<std::string> deleted = std::nullopt) {
  User u;
  u.id = id;
  u.user_principal_name = upn;
  u.usage_location = "US";
  if (e3) u.assigned_licenses.push_back({"sku-e3", {}});
  u.deleted_date_time = std::move(deleted);
  return u;
}

TenantSnapshot snapshot(std::vector<User> active, std::vector<User> deleted) {
  TenantSnapshot s;
  s.tenant = {"tenant-id", "contoso.onmicrosoft.com", "Contoso"};
  s.mirror = MirrorState::Complete;
  Sku e3;
  e3.sku_id = "sku-e3";
  e3.sku_part_number = "SPE_E3";
  e3.prepaid_units.enabled = 10;
  s.skus = {e3};
  s.users = std::move(active);
  s.deleted_users = std::move(deleted);
  return s;
}

DesiredTenant wanting(std::vector<DesiredUser> users, std::vector<std::string> managed = {}) {
  DesiredTenant d;
  d.tenant = "contoso.onmicrosoft.com";
  d.managed_skus = std::move(managed);
  d.users = std::move(users);
  return d;
}

DesiredUser entry(const std::string& name, DesiredUserState state) {
  DesiredUser e;
  e.upn = name;
  e.state = state;
  return e;
}

std::vector<std::string> ops(const TenantPlan& p) {
  std::vector<std::string> out;
  for (const auto& o : p.operations) {
    out.push_back(std::string(o.status == OpStatus::Blocked ? "!" : "") + o.user_id + " " +
                  to_string(o.op) + (o.sku.empty() ? "" : " " + o.sku));
  }
  return out;
}

TenantPlan plan(const TenantSnapshot& s, const DesiredTenant& d) {
  auto p = plan_tenant(s, d, ServiceRules::builtin(), kNow);
  EXPECT_TRUE(p.ok()) << p.error().message;
  return p.ok() ? *p : TenantPlan{};
}

TEST(PlannerUserByIdTest, RestoreOntoANameAnActiveUserHoldsIsBlockedNamingThatUser) {
  TenantSnapshot s =
      snapshot({user("new-carol", "carol@contoso.com", false)},
               {user("old-carol", "carol@contoso.com", true, "2026-11-10T00:00:00Z")});
  TenantPlan p = plan(s, wanting({entry("old-carol", DesiredUserState::Active)}));
  EXPECT_THAT(ops(p), ElementsAre("!old-carol restore"));
  EXPECT_THAT(p.operations[0].reason,
              HasSubstr("its name is held by active user carol@contoso.com (new-carol)"));
  EXPECT_THAT(p.operations[0].reason,
              HasSubstr("Another object with the same value for property userPrincipalName "
                        "already exists."));
}

TEST(PlannerUserByIdTest, AUpnEntryStillMeansTheActiveUserOfThatName) {
  // Declarative files name users by UPN: the active carol takes the entry, nobody is restored.
  TenantSnapshot s =
      snapshot({user("new-carol", "carol@contoso.com", false)},
               {user("old-carol", "carol@contoso.com", true, "2026-11-10T00:00:00Z")});
  TenantPlan p = plan(s, wanting({entry("carol@contoso.com", DesiredUserState::Active)}));
  EXPECT_THAT(ops(p), IsEmpty());
}

TEST(PlannerUserByIdTest, AnIdEntryPicksOneDeletedUserAmongSeveralOfOneName) {
  TenantSnapshot s =
      snapshot({}, {user("carol-1", "carol@contoso.com", false, "2026-11-01T00:00:00Z"),
                    user("carol-2", "carol@contoso.com", true, "2026-11-12T00:00:00Z")});
  // By UPN the latest deleted comes back; by id the one named.
  EXPECT_THAT(ops(plan(s, wanting({entry("carol@contoso.com", DesiredUserState::Active)}))),
              ElementsAre("carol-2 restore"));
  EXPECT_THAT(ops(plan(s, wanting({entry("CAROL-1", DesiredUserState::Active)}))),
              ElementsAre("carol-1 restore"));
}

TEST(PlannerUserByIdTest, AnIdEntryGovernsThatActiveUser) {
  TenantSnapshot s = snapshot({user("alice-id", "alice@contoso.com", true)}, {});
  DesiredUser e = entry("alice-id", DesiredUserState::Unspecified);
  e.licenses.emplace();  // nothing among the managed SKUs
  EXPECT_THAT(ops(plan(s, wanting({e}, {"SPE_E3"}))), ElementsAre("alice-id revoke SPE_E3"));
  EXPECT_THAT(ops(plan(s, wanting({entry("alice-id", DesiredUserState::Deleted)}))),
              ElementsAre("alice-id delete"));
}

}  // namespace planner_user_by_id_test
}  // namespace tenantsync
