// Imperative user tasks as desired state (sync/tasks/user_task.h), planned by the real planner,
// and their per-user report (sync/tasks/user_task_report.h): who is targeted, what is already
// so, what is refused before planning, and what the planner then decides.
#include "sync/tasks/user_task.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "sync/apply/executor.h"
#include "sync/plan/planner.h"
#include "sync/plan/service_rules.h"
#include "sync/tasks/user_task_report.h"

namespace tenantsync {
namespace user_task_test {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

const Clock::time_point kNow = [] {
  Clock::time_point t;
  parse_iso8601("2026-11-20T00:00:00Z", t);
  return t;
}();

Sku make_sku(const std::string& part, int seats, std::vector<std::string> plans) {
  Sku s;
  s.id = "t_" + part;
  s.sku_id = "sku-" + part;
  s.sku_part_number = part;
  s.applies_to = "User";
  s.capability_status = "Enabled";
  s.prepaid_units.enabled = seats;
  for (const auto& p : plans) s.service_plans.push_back({"plan-" + p, p, "Success", "User"});
  return s;
}

User make_user(const std::string& name, std::vector<std::string> skus = {},
               std::optional<std::string> location = "US") {
  User u;
  u.id = "id-" + name;
  u.user_principal_name = name + "@contoso.com";
  u.display_name = name;
  u.usage_location = std::move(location);
  for (const auto& s : skus) {
    u.assigned_licenses.push_back({"sku-" + s, {}});
    LicenseAssignmentState st;
    st.sku_id = "sku-" + s;
    u.license_states.push_back(st);
  }
  return u;
}

// SPE_E3 with `e3_seats`, EMS with 10; consumed counted from the active users.
TenantSnapshot tenant(std::vector<User> users, std::vector<User> deleted = {}, int e3_seats = 10) {
  TenantSnapshot s;
  s.tenant = {"tenant-id", "contoso.onmicrosoft.com", "Contoso"};
  s.domains = {{"contoso.onmicrosoft.com", false, true, true},
               {"contoso.com", true, false, true},
               {"unproven.contoso.com", false, false, false}};
  s.mirror = MirrorState::Complete;
  s.skus = {make_sku("SPE_E3", e3_seats, {"TEAMS1", "YAMMER_ENTERPRISE"}),
            make_sku("EMS", 10, {"INTUNE_A"})};
  for (auto& sku : s.skus) {
    for (const auto& u : users) sku.consumed_units += u.find_license(sku.sku_id) ? 1 : 0;
  }
  s.users = std::move(users);
  std::sort(s.users.begin(), s.users.end(), [](const User& a, const User& b) {
    return a.user_principal_name < b.user_principal_name;
  });
  s.deleted_users = std::move(deleted);
  return s;
}

User deleted_user(const std::string& name, std::vector<std::string> skus, const std::string& when,
                  const std::string& id = "") {
  User u = make_user(name, std::move(skus));
  if (!id.empty()) u.id = id;
  u.deleted_date_time = when;
  return u;
}

UserFilter names(std::vector<std::string> users) {
  UserFilter f;
  f.users = std::move(users);
  return f;
}

LicenseRequest request(std::vector<std::string> skus, std::vector<std::string> disabled = {}) {
  LicenseRequest r;
  r.skus = std::move(skus);
  r.disabled_plans = std::move(disabled);
  return r;
}

TenantPlan plan(const TenantSnapshot& snapshot, const UserTask& task) {
  auto p = plan_tenant(snapshot, task.desired, ServiceRules::builtin(), kNow);
  EXPECT_TRUE(p.ok()) << p.error().message;
  return p.ok() ? *p : TenantPlan{};
}

// "user op SKU" per operation, "!" first when blocked.
std::vector<std::string> ops(const TenantPlan& p) {
  std::vector<std::string> out;
  for (const auto& o : p.operations) {
    std::string line = std::string(o.status == OpStatus::Blocked ? "!" : "") +
                       o.user.substr(0, o.user.find('@')) + " " + to_string(o.op);
    if (!o.sku.empty()) line += " " + o.sku;
    out.push_back(line);
  }
  return out;
}

TEST(UserTaskTest, AssignTargetsTheSelectionAndTheFreeSeatsGoByUpn) {
  TenantSnapshot s = tenant(
      {make_user("carol"), make_user("alice"), make_user("bob", {"SPE_E3"}), make_user("dave")}, {},
      /*e3_seats=*/2);
  auto task = assign_task(s,
                          names({"dave@contoso.com", "alice@contoso.com", "bob@contoso.com",
                                 "carol@contoso.com", "zed@contoso.com"}),
                          request({"SPE_E3"}));
  ASSERT_TRUE(task.ok()) << task.error().message;
  std::vector<std::string> order;
  for (const auto& t : task->targets) order.push_back(t.upn);
  EXPECT_THAT(order, ElementsAre("alice@contoso.com", "bob@contoso.com", "carol@contoso.com",
                                 "dave@contoso.com", "zed@contoso.com"));
  EXPECT_THAT(task->targets[1].unchanged, ElementsAre("already holds SPE_E3"));
  EXPECT_THAT(task->targets[4].problems,
              ElementsAre("no user zed@contoso.com in contoso.onmicrosoft.com"));

  // One free seat (2 enabled, bob holds one): alice gets it, carol and dave are blocked.
  TenantPlan p = plan(s, *task);
  EXPECT_THAT(ops(p),
              ElementsAre("alice assign SPE_E3", "!carol assign SPE_E3", "!dave assign SPE_E3"));
  ASSERT_EQ(p.seats.size(), 1u);
  EXPECT_EQ(p.seats[0].shortfall, 2);
}

TEST(UserTaskTest, SetTargetsTheSelectionAndSaysWhoHasTheValuesAlready) {
  TenantSnapshot s = tenant({make_user("alice", {}, std::nullopt), make_user("bob", {}, "US")});
  UserProperties props;
  props.usage_location = "US";
  auto task =
      set_properties_task(s, names({"bob@contoso.com", "alice@contoso.com", "zed@x.com"}), props);
  ASSERT_TRUE(task.ok()) << task.error().message;
  ASSERT_EQ(task->targets.size(), 3u);
  EXPECT_THAT(task->targets[1].unchanged, ElementsAre("already has usageLocation US"));
  EXPECT_THAT(task->targets[2].problems, ElementsAre(HasSubstr("no user zed@x.com")));
  TenantPlan p = plan(s, *task);
  EXPECT_THAT(ops(p), ElementsAre("alice set"));
  EXPECT_EQ(*p.operations[0].details, (nlohmann::json{{"usageLocation", "US"}}));

  UserTaskReport r = planned_user_task("users set", *task, p, {});
  EXPECT_EQ(r.users[0].result, "ready");
  EXPECT_EQ(r.users[1].result, "unchanged");
  EXPECT_THAT(render_user_task_text(r), HasSubstr("> would set usageLocation US"));
}

TEST(UserTaskTest, AssignWithoutDisablePlanKeepsTheDisabledPlansAUserHas) {
  User alice = make_user("alice", {"SPE_E3"});
  alice.assigned_licenses[0].disabled_plans = {"plan-YAMMER_ENTERPRISE"};
  alice.license_states[0].disabled_plans = {"plan-YAMMER_ENTERPRISE"};
  TenantSnapshot s = tenant({alice, make_user("bob", {"SPE_E3"})});

  auto keep = assign_task(s, names({"alice@contoso.com"}), request({"spe_e3"}));
  ASSERT_TRUE(keep.ok());
  // The output says what stays off, even without a plan flag.
  EXPECT_THAT(keep->targets[0].unchanged,
              ElementsAre("keeps YAMMER_ENTERPRISE of SPE_E3 disabled as before (--reset-plans "
                          "to enable)",
                          "already holds SPE_E3"));
  EXPECT_THAT(ops(plan(s, *keep)), IsEmpty());

  auto disable = assign_task(s, names({"alice@contoso.com", "bob@contoso.com"}),
                             request({"SPE_E3"}, {"teams1"}));
  ASSERT_TRUE(disable.ok());
  EXPECT_THAT(ops(plan(s, *disable)), ElementsAre("alice update SPE_E3", "bob update SPE_E3"));
}

// The plans the task's entry for `upn` disables on its only SKU, by name.
std::vector<std::string> disabled_plans_of(const UserTask& task, const std::string& upn) {
  for (const auto& u : task.desired.users) {
    if (u.upn != upn) continue;
    std::vector<std::string> out;
    for (const auto& id : u.licenses->at(0).disabled_plans) out.push_back(id.substr(5));
    std::sort(out.begin(), out.end());
    return out;
  }
  ADD_FAILURE() << "no entry for " << upn;
  return {};
}

// A user who holds EMS only through group-1.
User ems_from_group(const std::string& name) {
  User u = make_user(name);
  u.assigned_licenses.push_back({"sku-EMS", {}});
  LicenseAssignmentState st;
  st.sku_id = "sku-EMS";
  st.assigned_by_group = "group-1";
  u.license_states.push_back(st);
  return u;
}

TEST(UserTaskTest, AssignWithRemoveSkuSwapsInTheSameEntryAndBlocksAGroupHolder) {
  User gina = ems_from_group("gina");
  TenantSnapshot s = tenant({make_user("alice", {"EMS"}), make_user("bob"), gina});
  LicenseRequest swap = request({"SPE_E3"});
  swap.remove_skus = {"ems"};
  auto task =
      assign_task(s, names({"alice@contoso.com", "bob@contoso.com", "gina@contoso.com"}), swap);
  ASSERT_TRUE(task.ok()) << task.error().message;
  EXPECT_THAT(task->desired.managed_skus, ElementsAre("sku-SPE_E3", "sku-EMS"));
  EXPECT_THAT(task->targets[1].unchanged, ElementsAre("does not hold EMS"));
  EXPECT_THAT(task->targets[2].blocked,
              ElementsAre(HasSubstr("EMS comes from group group-1: remove the user from that "
                                    "group first; nothing is sent for this user")));
  EXPECT_THAT(ops(plan(s, *task)),
              ElementsAre("alice revoke EMS", "alice assign SPE_E3", "bob assign SPE_E3"));

  swap.remove_skus = {"SPE_E3"};
  auto both = assign_task(s, names({"alice@contoso.com"}), swap);
  ASSERT_FALSE(both.ok());
  EXPECT_EQ(both.error().message, "SPE_E3 is both in --sku and in --remove-sku");
  swap.remove_skus = {"E9"};
  auto unknown = assign_task(s, names({"alice@contoso.com"}), swap);
  ASSERT_FALSE(unknown.ok());
  EXPECT_THAT(unknown.error().message, HasSubstr("--remove-sku: unknown SKU E9"));
}

TEST(UserTaskTest, AHolderKeepsItsDisabledPlansUnlessPlansAreReset) {
  User alice = make_user("alice", {"SPE_E3"});
  alice.assigned_licenses[0].disabled_plans = {"plan-YAMMER_ENTERPRISE"};
  alice.license_states[0].disabled_plans = {"plan-YAMMER_ENTERPRISE"};
  TenantSnapshot s = tenant({alice, make_user("bob")});
  LicenseRequest teams_off = request({"SPE_E3"});
  teams_off.disabled_plans = {"TEAMS1"};
  auto keep = assign_task(s, names({"alice@contoso.com", "bob@contoso.com"}), teams_off);
  ASSERT_TRUE(keep.ok()) << keep.error().message;
  EXPECT_THAT(disabled_plans_of(*keep, "alice@contoso.com"),
              ElementsAre("TEAMS1", "YAMMER_ENTERPRISE"));
  EXPECT_THAT(disabled_plans_of(*keep, "bob@contoso.com"), ElementsAre("TEAMS1"));
  EXPECT_THAT(keep->targets[0].unchanged,
              ElementsAre("keeps YAMMER_ENTERPRISE of SPE_E3 disabled as before (--reset-plans "
                          "to enable)"));

  teams_off.holder_plans = HolderPlans::Reset;
  auto reset = assign_task(s, names({"alice@contoso.com"}), teams_off);
  ASSERT_TRUE(reset.ok());
  EXPECT_THAT(disabled_plans_of(*reset, "alice@contoso.com"), ElementsAre("TEAMS1"));
  EXPECT_THAT(reset->targets[0].unchanged, IsEmpty());
}

// Exchange Online Plan 1 to E3 for a user whose E3 has its Exchange plan off (as it had to
// be beside Plan 1): kept as it is, the swap would leave no mailbox plan at all.
TEST(UserTaskTest, ASwapThatWouldLeaveTheUserWithoutAServiceIsBlockedUnlessPlansAreSaid) {
  User miriam = make_user("miriam", {"SPE_E3", "EXCHANGESTANDARD"});
  miriam.assigned_licenses[0].disabled_plans = {"plan-EXCHANGE_S_ENTERPRISE"};
  miriam.license_states[0].disabled_plans = {"plan-EXCHANGE_S_ENTERPRISE"};
  TenantSnapshot s = tenant({miriam});
  s.skus[0].service_plans.push_back(
      {"plan-EXCHANGE_S_ENTERPRISE", "EXCHANGE_S_ENTERPRISE", "Success", "User"});
  s.skus.push_back(make_sku("EXCHANGESTANDARD", 10, {"EXCHANGE_S_STANDARD"}));
  s.skus.back().consumed_units = 1;
  LicenseRequest swap = request({"SPE_E3"});
  swap.remove_skus = {"EXCHANGESTANDARD"};

  auto kept = assign_task(s, names({"miriam@contoso.com"}), swap);
  ASSERT_TRUE(kept.ok()) << kept.error().message;
  EXPECT_THAT(kept->desired.users, IsEmpty()) << "nothing is sent for her";
  EXPECT_THAT(kept->targets[0].blocked,
              ElementsAre("the user has EXCHANGE_S_ENTERPRISE of SPE_E3 disabled: removing "
                          "EXCHANGESTANDARD takes EXCHANGE_S_STANDARD, so it would hold neither: "
                          "add --reset-plans to enable EXCHANGE_S_ENTERPRISE (with --disable-plan "
                          "for plans to keep off), or --keep-plans to swap anyway; nothing is "
                          "sent for this user"));

  swap.holder_plans = HolderPlans::Reset;
  auto reset = assign_task(s, names({"miriam@contoso.com"}), swap);
  ASSERT_TRUE(reset.ok());
  EXPECT_THAT(reset->targets[0].blocked, IsEmpty());
  EXPECT_THAT(disabled_plans_of(*reset, "miriam@contoso.com"), IsEmpty());
  EXPECT_THAT(ops(plan(s, *reset)),
              ElementsAre("miriam revoke EXCHANGESTANDARD", "miriam update SPE_E3"));

  swap.holder_plans = HolderPlans::Keep;
  swap.keep_plans_asked = true;
  auto asked = assign_task(s, names({"miriam@contoso.com"}), swap);
  ASSERT_TRUE(asked.ok());
  EXPECT_THAT(asked->targets[0].blocked, IsEmpty());
  EXPECT_THAT(disabled_plans_of(*asked, "miriam@contoso.com"),
              ElementsAre("EXCHANGE_S_ENTERPRISE"));

  // Plans the request itself turns off are what the admin asked for: no block.
  swap.keep_plans_asked = false;
  swap.holder_plans = HolderPlans::Reset;
  swap.disabled_plans = {"EXCHANGE_S_ENTERPRISE"};
  auto off = assign_task(s, names({"miriam@contoso.com"}), swap);
  ASSERT_TRUE(off.ok());
  EXPECT_THAT(off->targets[0].blocked, IsEmpty());
}

TEST(UserTaskTest, EnableOnlyDisablesEveryOtherPlanOfTheSku) {
  TenantSnapshot s = tenant({make_user("bob")});
  LicenseRequest only_teams = request({"SPE_E3"});
  only_teams.enabled_only = {"teams1"};
  auto task = assign_task(s, names({"bob@contoso.com"}), only_teams);
  ASSERT_TRUE(task.ok()) << task.error().message;
  EXPECT_THAT(disabled_plans_of(*task, "bob@contoso.com"), ElementsAre("YAMMER_ENTERPRISE"));

  only_teams.skus = {"SPE_E3", "EMS"};
  auto other_sku = assign_task(s, names({"bob@contoso.com"}), only_teams);
  ASSERT_FALSE(other_sku.ok());
  EXPECT_EQ(other_sku.error().message,
            "--enable-only: names no plan of EMS (EMS's plans are INTUNE_A); assign it in a "
            "command of its own");
  only_teams.enabled_only = {"NOPE"};
  auto unknown = assign_task(s, names({"bob@contoso.com"}), only_teams);
  ASSERT_FALSE(unknown.ok());
  EXPECT_THAT(unknown.error().message, HasSubstr("--enable-only: no service plan NOPE"));
}

TEST(UserTaskTest, UnknownSkusPlansAndFilterSkusAreRefusedWithWhatTheTenantHas) {
  TenantSnapshot s = tenant({make_user("alice")});
  auto sku = assign_task(s, names({"alice@contoso.com"}), request({"E9", "EMS"}));
  ASSERT_FALSE(sku.ok());
  EXPECT_EQ(sku.error().message,
            "--sku: unknown SKU E9 in contoso.onmicrosoft.com; the tenant's SKUs are EMS, SPE_E3");
  auto plan_name = assign_task(s, names({"alice@contoso.com"}), request({"EMS"}, {"TEAMS1"}));
  ASSERT_FALSE(plan_name.ok());
  EXPECT_THAT(plan_name.error().message,
              HasSubstr("--disable-plan: no service plan TEAMS1 in the SKUs given (EMS's plans "
                        "are INTUNE_A)"));
  auto filter = parse_user_filter("sku:NOPE");
  ASSERT_TRUE(filter.ok());
  auto filtered = revoke_task(s, *filter, request({"EMS"}));
  ASSERT_FALSE(filtered.ok());
  EXPECT_THAT(filtered.error().message, HasSubstr("--filter: unknown SKU NOPE"));
}

TEST(UserTaskTest, RevokeSaysWhoDoesNotHoldItAndWhoGetsItFromAGroup) {
  User grouped = ems_from_group("gina");
  TenantSnapshot s = tenant({make_user("alice", {"SPE_E3", "EMS"}), make_user("bob"), grouped});
  auto filter = parse_user_filter("upn:*@contoso.com");
  ASSERT_TRUE(filter.ok());
  auto task = revoke_task(s, *filter, request({"EMS"}));
  ASSERT_TRUE(task.ok());
  ASSERT_EQ(task->targets.size(), 3u);
  EXPECT_THAT(task->targets[1].unchanged, ElementsAre("does not hold EMS"));
  EXPECT_THAT(task->targets[2].blocked,
              ElementsAre("EMS comes from group group-1: remove the user from that group to "
                          "take it away"));
  EXPECT_THAT(ops(plan(s, *task)), ElementsAre("alice revoke EMS"));  // SPE_E3 is not managed
}

TEST(UserTaskTest, DeleteTargetsActiveUsersAndSaysWhoIsDeletedAlready) {
  TenantSnapshot s =
      tenant({make_user("alice")}, {deleted_user("carol", {}, "2026-11-01T00:00:00Z")});
  UserTask task = delete_task(s, {"ALICE@contoso.com", "id-alice", "carol@contoso.com", "x@y.z"});
  ASSERT_EQ(task.targets.size(), 3u);
  EXPECT_THAT(task.targets[1].unchanged, ElementsAre("already deleted (on 2026-11-01T00:00:00Z)"));
  EXPECT_THAT(task.targets[2].problems, ElementsAre("no user x@y.z in contoso.onmicrosoft.com"));
  EXPECT_THAT(ops(plan(s, task)), ElementsAre("alice delete"));
}

TEST(UserTaskTest, RestoreBringsBackTheLatestDeletedOfANameWithWhatFits) {
  // Two deleted carols: the later one (with EMS) is restored; EMS has no free seat.
  User older = deleted_user("carol", {"SPE_E3"}, "2026-11-01T00:00:00Z", "id-carol-1");
  User later = deleted_user("carol", {"SPE_E3", "EMS"}, "2026-11-15T00:00:00Z", "id-carol-2");
  std::vector<User> active;
  for (int i = 0; i < 10; ++i) active.push_back(make_user("u" + std::to_string(i), {"EMS"}));
  TenantSnapshot s = tenant(active, {older, later});
  UserTask task = restore_task(s, {"carol@contoso.com"}, nullptr);
  ASSERT_EQ(task.targets.size(), 1u);
  EXPECT_EQ(task.targets[0].user_id, "id-carol-2");
  TenantPlan p = plan(s, task);
  EXPECT_THAT(ops(p), ElementsAre("carol restore", "carol revoke EMS"));
  EXPECT_EQ(p.operations[0].user_id, "id-carol-2");
  EXPECT_EQ(p.operations[1].reason, "cannot come back: no free seat of EMS");
}

TEST(UserTaskTest, RestoreOfAPurgedUserSaysWhenItWasDeleted) {
  TenantSnapshot before = tenant({}, {deleted_user("carol", {}, "2026-10-10T00:00:00Z")});
  TenantSnapshot now = tenant({make_user("alice")});
  UserTask task =
      restore_task(now, {"carol@contoso.com", "alice@contoso.com", "dan@contoso.com"}, &before);
  ASSERT_EQ(task.targets.size(), 3u);
  EXPECT_THAT(task.targets[0].unchanged, ElementsAre("is active: nothing to restore"));
  EXPECT_THAT(task.targets[1].problems,
              ElementsAre("cannot be restored: deleted on 2026-10-10T00:00:00Z and purged since "
                          "(the service keeps deleted users for 30 days)"));
  EXPECT_THAT(task.targets[2].problems[0], HasSubstr("no soft-deleted user dan@contoso.com"));
  EXPECT_THAT(ops(plan(now, task)), IsEmpty());
}

TEST(UserTaskTest, CreateSkipsExistingUsersAndRefusesNamesOfDeletedOnes) {
  TenantSnapshot s =
      tenant({make_user("alice")}, {deleted_user("carol", {}, "2026-11-01T00:00:00Z")});
  ImportUser alice{2, "alice@contoso.com", "Alice", "", "", "", "", "", {}, {}};
  ImportUser carol{3, "carol@contoso.com", "Carol", "", "", "", "", "", {}, {}};
  ImportUser nina{4, "nina@contoso.com", "Nina", "Nina", "North", "Lead", "Sales", "US", {"ems"},
                  {}};
  auto task = create_task(s, {alice, carol, nina}, "hires.csv", /*skip_existing=*/true);
  ASSERT_TRUE(task.ok()) << task.error().message;
  EXPECT_THAT(task->targets[0].unchanged, ElementsAre("already exists: skipped"));
  EXPECT_THAT(task->targets[1].blocked[0], HasSubstr("a soft-deleted user (id-carol"));
  EXPECT_THAT(task->desired.managed_skus, ElementsAre("sku-EMS"));
  TenantPlan p = plan(s, *task);
  EXPECT_THAT(ops(p), ElementsAre("nina assign EMS", "nina create"));
  EXPECT_EQ(p.operations[1].details->at("usageLocation"), "US");
  EXPECT_EQ(p.operations[1].details->at("jobTitle"), "Lead");

  auto add = create_task(s, {alice}, "", /*skip_existing=*/false);
  ASSERT_TRUE(add.ok());
  EXPECT_THAT(add->targets[0].blocked, ElementsAre("already exists: not created"));

  ImportUser bad{7, "zoe@contoso.com", "Zoe", "", "", "", "", "US", {"E9"}, {}};
  auto refused = create_task(s, {nina, bad}, "hires.csv", true);
  ASSERT_FALSE(refused.ok());
  EXPECT_THAT(refused.error().message,
              HasSubstr("hires.csv:7: column \"licenses\": unknown SKU E9 in "
                        "contoso.onmicrosoft.com"));
}

// users add and users import refuse a UPN outside the tenant's verified domains before
// anything is sent, naming the CSV line, the domain and the verified domains.
TEST(UserTaskTest, CreateRefusesDomainsTheTenantHasNotVerified) {
  TenantSnapshot s = tenant({});
  ImportUser ok{2, "nina@CONTOSO.ONMICROSOFT.COM", "Nina", "", "", "", "", "", {}, {}};
  ImportUser evil{3, "other@evil.example", "Other", "", "", "", "", "", {}, {}};
  ImportUser unproven{4, "pat@unproven.contoso.com", "Pat", "", "", "", "", "", {}, {}};
  const std::string verified =
      " is not a verified domain of this tenant (verified: contoso.onmicrosoft.com, contoso.com)";
  auto refused = create_task(s, {ok, evil, unproven}, "hires.csv", true);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().message,
            "hires.csv:3: \"other@evil.example\": evil.example" + verified + "\n" +
                "hires.csv:4: \"pat@unproven.contoso.com\": unproven.contoso.com" + verified);

  auto add = create_task(s, {evil}, "", /*skip_existing=*/false);
  ASSERT_FALSE(add.ok());
  EXPECT_EQ(add.error().message, "--upn \"other@evil.example\": evil.example" + verified);

  s.domains.clear();  // never read: nothing can be checked, so nothing is created
  auto unknown = create_task(s, {ok, evil}, "hires.csv", true);
  ASSERT_FALSE(unknown.ok());
  EXPECT_THAT(unknown.error().message, HasSubstr("the domains of contoso.onmicrosoft.com are not "
                                                 "known yet"));
  EXPECT_TRUE(create_task(tenant({}), {ok}, "hires.csv", true).ok());
}

// Admin roles of the test tenant: two plain ones, and Global Administrator with its real
// template id (privileged by Microsoft's list even when the service leaves the flag out).
constexpr const char* kGlobalAdmin = "62e90394-69f5-4237-9190-012177145e10";

TenantSnapshot with_roles(TenantSnapshot s) {
  s.roles = {{"role-license", "License Administrator", true, false},
             {"role-reports", "Reports Reader", true, false},
             {kGlobalAdmin, "Global Administrator", true, false}};
  return s;
}

// "user op role" per role operation, "!" first when blocked.
std::vector<std::string> role_ops(const TenantPlan& p) {
  std::vector<std::string> out;
  for (const auto& o : p.operations) {
    if (o.op != OpKind::AddRole && o.op != OpKind::RemoveRole) continue;
    out.push_back(std::string(o.status == OpStatus::Blocked ? "!" : "") +
                  o.user.substr(0, o.user.find('@')) + " " + to_string(o.op) + " " + role_name(o));
  }
  return out;
}

TEST(UserTaskTest, RolesAddWhatIsMissingAndRemoveWhatIsHeld) {
  TenantSnapshot s = with_roles(tenant({make_user("alice"), make_user("bob")}));
  s.role_assignments = {{"ra-1", "id-alice", "role-reports", "/"}};
  auto task = roles_task(s, {"alice@contoso.com", "bob@contoso.com", "zed@contoso.com"},
                         {{"license administrator"}, {"Reports Reader"}, false});
  ASSERT_TRUE(task.ok()) << task.error().message;
  ASSERT_EQ(task->targets.size(), 3u);
  EXPECT_THAT(task->targets[1].unchanged, ElementsAre("does not hold Reports Reader"));
  EXPECT_THAT(task->targets[2].problems[0], HasSubstr("no user zed@contoso.com"));
  TenantPlan p = plan(s, *task);
  EXPECT_THAT(role_ops(p), ElementsAre("alice remove-role Reports Reader",
                                       "alice add-role License Administrator",
                                       "bob add-role License Administrator"));
  EXPECT_EQ(p.operations[0].details->at("roleAssignmentId"), "ra-1");
  EXPECT_EQ(p.operations[1].user_id, "id-alice");
  EXPECT_EQ(journal_request_body(p.operations[1]),
            nlohmann::json({{"principalId", "id-alice"},
                            {"roleDefinitionId", "role-license"},
                            {"directoryScopeId", "/"}}));

  s.role_assignments.push_back({"ra-2", "id-bob", "role-license", "/"});
  auto again = roles_task(s, {"bob@contoso.com"}, {{"License Administrator"}, {}, false});
  ASSERT_TRUE(again.ok());
  EXPECT_THAT(again->targets[0].unchanged, ElementsAre("already holds License Administrator"));
  EXPECT_THAT(role_ops(plan(s, *again)), IsEmpty());
}

TEST(UserTaskTest, RolesRefusePrivilegedUnknownAndUnreadRolesBeforeAnythingIsSent) {
  TenantSnapshot s = with_roles(tenant({make_user("alice")}));
  auto privileged = roles_task(s, {"alice@contoso.com"}, {{kGlobalAdmin}, {}, false});
  ASSERT_FALSE(privileged.ok());
  EXPECT_THAT(privileged.error().message,
              HasSubstr("Global Administrator is a privileged role (it can change who may do "
                        "what in the tenant): pass --allow-privileged to give it"));
  auto allowed = roles_task(s, {"alice@contoso.com"}, {{"Global Administrator"}, {}, true});
  ASSERT_TRUE(allowed.ok());
  // The planner blocks it too unless the command allowed it.
  EXPECT_THAT(role_ops(plan(s, *allowed)), ElementsAre("!alice add-role Global Administrator"));
  PlanOptions options;
  options.allow_privileged_roles = true;
  auto p = plan_tenant(s, allowed->desired, ServiceRules::builtin(), kNow, options);
  ASSERT_TRUE(p.ok());
  EXPECT_THAT(role_ops(*p), ElementsAre("alice add-role Global Administrator"));

  auto unknown = roles_task(s, {"alice@contoso.com"}, {{"Chief Wizard"}, {}, false});
  ASSERT_FALSE(unknown.ok());
  EXPECT_THAT(unknown.error().message,
              HasSubstr("unknown admin role \"Chief Wizard\" in contoso.onmicrosoft.com (roles: "
                        "Global Administrator, License Administrator, Reports Reader)"));
  s.roles.clear();
  auto unread = roles_task(s, {"alice@contoso.com"}, {{"Reports Reader"}, {}, false});
  ASSERT_FALSE(unread.ok());
  EXPECT_THAT(unread.error().message, HasSubstr("admin roles of contoso.onmicrosoft.com are not "
                                                "known yet"));
}

// Like assign's "EMS is both in --sku and in --remove-sku": one role both to give and to
// take away is no request at all, whatever names the two flags use for it.
TEST(UserTaskTest, ARoleBothToAddAndToRemoveIsRefusedBeforeAnythingIsSent) {
  TenantSnapshot s = with_roles(tenant({make_user("alice")}));
  s.role_assignments = {{"ra-1", "id-alice", "role-reports", "/"}};
  auto same = roles_task(s, {"alice@contoso.com"}, {{"Reports Reader"}, {"Reports Reader"}, false});
  ASSERT_FALSE(same.ok());
  EXPECT_EQ(same.error().kind, ErrorKind::Invalid);
  EXPECT_EQ(same.error().message, "Reports Reader is both in --add and in --remove");
  auto by_id = roles_task(s, {"alice@contoso.com"},
                          {{"License Administrator", "role-reports"}, {"reports reader"}, false});
  ASSERT_FALSE(by_id.ok());
  EXPECT_EQ(by_id.error().message, "Reports Reader is both in --add and in --remove");
}

TEST(UserTaskTest, RolesOfAStaleTenantAreBlocked) {
  TenantSnapshot s = with_roles(tenant({make_user("alice")}));
  s.role_assignments = {{"ra-1", "id-alice", "role-reports", "/"}};
  s.mirror = MirrorState::Stale;
  s.ever_complete = true;
  auto task =
      roles_task(s, {"alice@contoso.com"}, {{"License Administrator"}, {"Reports Reader"}, false});
  ASSERT_TRUE(task.ok());
  EXPECT_THAT(role_ops(plan(s, *task)), ElementsAre("!alice remove-role Reports Reader",
                                                    "!alice add-role License Administrator"));
}

// A re-run of an import finishes what the first could not (a license short of seats, a
// role): an existing user gets the licenses and roles its row names and it lacks. Nothing
// it holds is taken away (another row's SKU, a plan it has off), and of its properties only
// a missing usage location is filled (a license needs one); the others stay as they are.
TEST(UserTaskTest, ImportGivesAnExistingUserWhatItsRowNamesAndItLacks) {
  User alice = make_user("alice", {"SPE_E3"}, std::nullopt);
  alice.assigned_licenses[0].disabled_plans = {"plan-TEAMS1"};
  alice.license_states[0].disabled_plans = {"plan-TEAMS1"};
  TenantSnapshot s = with_roles(tenant({alice, make_user("bob", {"EMS"})}));
  s.role_assignments = {{"ra-1", "id-bob", "role-reports", "/"}};
  ImportUser a{2, "ALICE@contoso.com", "Someone Else", "", "", "", "Sales", "GB", {"ems"}, {}};
  a.roles = {"License Administrator"};
  ImportUser b{3, "bob@contoso.com", "Bob", "", "", "", "", "US", {"EMS"}, {"Reports Reader"}};
  ImportUser c{4, "carol@contoso.com", "Carol", "", "", "", "", "US", {"SPE_E3"}, {}};
  auto task = create_task(s, {a, b, c}, "hires.csv", /*skip_existing=*/true);
  ASSERT_TRUE(task.ok()) << task.error().message;
  ASSERT_EQ(task->targets.size(), 3u);
  EXPECT_THAT(task->targets[0].unchanged, ElementsAre("already exists: not created again"));
  EXPECT_EQ(task->targets[0].user_id, "id-alice");
  EXPECT_THAT(task->targets[1].unchanged, ElementsAre("already exists: skipped"));
  TenantPlan p = plan(s, *task);
  EXPECT_THAT(ops(p), ElementsAre("alice set", "alice assign EMS", "alice add-role",
                                  "carol assign SPE_E3", "carol create"));
  EXPECT_THAT(role_ops(p), ElementsAre("alice add-role License Administrator"));
  EXPECT_EQ(p.operations[0].details->at("usageLocation"), "GB");
  EXPECT_FALSE(p.operations[0].details->contains("displayName")) << "kept as it is";
  EXPECT_FALSE(p.operations[0].details->contains("department")) << "kept as it is";

  // A row naming an unknown SKU or role is refused for an existing user too.
  ImportUser bad{5, "bob@contoso.com", "Bob", "", "", "", "", "", {"E9"}, {}};
  auto refused = create_task(s, {bad}, "hires.csv", true);
  ASSERT_FALSE(refused.ok());
  EXPECT_THAT(refused.error().message,
              HasSubstr("hires.csv:5: column \"licenses\": unknown SKU E9"));
}

TEST(UserTaskTest, CreateGivesRolesAfterTheUserExists) {
  TenantSnapshot s = with_roles(tenant({}));
  ImportUser nina{4, "nina@contoso.com", "Nina", "", "", "", "", "US", {"EMS"}, {}};
  nina.roles = {"License Administrator", "reports reader"};
  auto task = create_task(s, {nina}, "hires.csv", true);
  ASSERT_TRUE(task.ok()) << task.error().message;
  TenantPlan p = plan(s, *task);
  EXPECT_THAT(ops(p),
              ElementsAre("nina assign EMS", "nina create", "nina add-role", "nina add-role"));
  EXPECT_THAT(role_ops(p),
              ElementsAre("nina add-role License Administrator", "nina add-role Reports Reader"));
  EXPECT_EQ(p.operations[2].user_id, "");  // the executor addresses it once created

  nina.roles = {"Global Administrator"};
  auto refused = create_task(s, {nina}, "hires.csv", true);
  ASSERT_FALSE(refused.ok());
  EXPECT_THAT(refused.error().message,
              HasSubstr("hires.csv:4: column \"roles\": Global Administrator is a privileged "
                        "role"));
  EXPECT_TRUE(create_task(s, {nina}, "hires.csv", true, {false, true}).ok());
  ImportUser zoe{0, "zoe@contoso.com", "Zoe", "", "", "", "", "", {}, {}};
  zoe.roles = {"Nobody"};
  auto add = create_task(s, {zoe}, "", false);
  ASSERT_FALSE(add.ok());
  EXPECT_THAT(add.error().message, HasSubstr("--role: unknown admin role \"Nobody\""));
}

TEST(UserTaskTest, CreateOverADeletedUsersNameOnlyWhenAsked) {
  TenantSnapshot s = tenant({}, {deleted_user("carol", {}, "2026-11-01T00:00:00Z")});
  ImportUser carol{0, "carol@contoso.com", "Carol", "", "", "", "", "", {}, {}};
  auto guarded = create_task(s, {carol}, "", false);
  ASSERT_TRUE(guarded.ok());
  EXPECT_THAT(guarded->targets[0].blocked[0], HasSubstr("--reuse-deleted-upn"));
  auto reused = create_task(s, {carol}, "", false, {true, false});
  ASSERT_TRUE(reused.ok());
  EXPECT_THAT(reused->targets[0].blocked, IsEmpty());
  EXPECT_THAT(ops(plan(s, *reused)), ElementsAre("carol create"));
}

TEST(UserTaskTest, RestoreOntoATakenNameNamesTheHolderAndRestoresUnderANewOne) {
  User gone = deleted_user("carol", {"EMS"}, "2026-11-15T00:00:00Z", "id-carol-old");
  User taker = make_user("carol");
  taker.id = "id-carol-new";
  TenantSnapshot s = tenant({taker}, {gone});
  UserTask task = restore_task(s, {"id-carol-old"}, nullptr);
  TenantPlan blocked = plan(s, task);
  ASSERT_FALSE(blocked.operations.empty());
  EXPECT_EQ(blocked.operations[0].status, OpStatus::Blocked);
  EXPECT_THAT(blocked.operations[0].reason,
              HasSubstr("its name is held by active user carol@contoso.com (id-carol-new): "
                        "restore it under another name with --new-upn"));

  UserTask renamed = restore_task(s, {"id-carol-old"}, nullptr, "carol.old@contoso.com");
  TenantPlan p = plan(s, renamed);
  EXPECT_THAT(ops(p), ElementsAre("carol.old restore"));
  EXPECT_EQ(p.operations[0].user_id, "id-carol-old");
  EXPECT_EQ(p.operations[0].details->at("newUserPrincipalName"), "carol.old@contoso.com");
  EXPECT_EQ(journal_request_body(p.operations[0]),
            nlohmann::json({{"newUserPrincipalName", "carol.old@contoso.com"}}));

  // The new name taken too: the hint is another --new-upn, not the flag already given.
  UserTask onto_taken = restore_task(s, {"id-carol-old"}, nullptr, "CAROL@contoso.com");
  TenantPlan taken = plan(s, onto_taken);
  ASSERT_FALSE(taken.operations.empty());
  EXPECT_EQ(taken.operations[0].status, OpStatus::Blocked);
  EXPECT_THAT(taken.operations[0].reason,
              HasSubstr("the new name CAROL@contoso.com is held by active user "
                        "carol@contoso.com (id-carol-new): choose another --new-upn"));
  EXPECT_THAT(taken.operations[0].reason, Not(HasSubstr("restore it under another name")));

  UserTask elsewhere = restore_task(s, {"id-carol-old"}, nullptr, "carol@evil.example");
  TenantPlan refused = plan(s, elsewhere);
  EXPECT_EQ(refused.operations[0].status, OpStatus::Blocked);
  EXPECT_THAT(refused.operations[0].reason, HasSubstr("evil.example is not a verified domain"));
}

// ---- blocked accounts in a filter's selection ----

User blocked_user(const std::string& name, std::vector<std::string> skus = {}) {
  User u = make_user(name, std::move(skus));
  u.account_enabled = false;  // sign-in blocked
  return u;
}

UserFilter filter_of(const std::string& expr, bool include_disabled = false) {
  auto f = parse_user_filter(expr);
  EXPECT_TRUE(f.ok()) << expr;
  UserFilter out = f.ok() ? *f : UserFilter{};
  out.include_disabled = include_disabled;
  return out;
}

TEST(UserTaskSelectionTest, AFilterSkipsBlockedAccountsAndSaysSo) {
  TenantSnapshot s = tenant({make_user("alice"), blocked_user("bob"), make_user("carol")});
  auto task = assign_task(s, filter_of("unlicensed"), request({"SPE_E3"}));
  ASSERT_TRUE(task.ok()) << task.error().message;
  ASSERT_EQ(task->targets.size(), 3u);
  const UserTaskTarget& bob = task->targets[1];
  EXPECT_EQ(bob.upn, "bob@contoso.com");
  EXPECT_TRUE(bob.skipped_sign_in_blocked);
  EXPECT_THAT(bob.unchanged, ElementsAre("not selected: sign-in blocked: skipped; "
                                         "--include-disabled to include"));
  // No seat goes to bob.
  EXPECT_THAT(ops(plan(s, *task)), ElementsAre("alice assign SPE_E3", "carol assign SPE_E3"));
  UserTaskReport r = planned_user_task("assign", *task, plan(s, *task), {});
  EXPECT_EQ(r.users[1].result, "unchanged");
  EXPECT_THAT(render_user_task_text(r),
              HasSubstr("bob@contoso.com\n    = not selected: sign-in blocked: skipped; "
                        "--include-disabled to include\n"));
}

TEST(UserTaskSelectionTest, IncludeDisabledOrADisabledFilterSelectsBlockedAccounts) {
  TenantSnapshot s = tenant({make_user("alice"), blocked_user("bob")});
  auto included =
      assign_task(s, filter_of("unlicensed", /*include_disabled=*/true), request({"SPE_E3"}));
  ASSERT_TRUE(included.ok());
  EXPECT_THAT(ops(plan(s, *included)), ElementsAre("alice assign SPE_E3", "bob assign SPE_E3"));
  for (const auto& t : included->targets) EXPECT_FALSE(t.skipped_sign_in_blocked) << t.upn;

  auto asked = assign_task(s, filter_of("disabled,unlicensed"), request({"SPE_E3"}));
  ASSERT_TRUE(asked.ok());
  EXPECT_THAT(ops(plan(s, *asked)), ElementsAre("bob assign SPE_E3"));

  auto enabled_only = select_users(s, filter_of("enabled", /*include_disabled=*/true));
  ASSERT_TRUE(enabled_only.ok());
  ASSERT_EQ(enabled_only->size(), 1u);
  EXPECT_EQ((*enabled_only)[0].upn, "alice@contoso.com");
}

TEST(UserTaskSelectionTest, NamedBlockedAccountsAreKeptWithANote) {
  TenantSnapshot s = tenant({make_user("alice"), blocked_user("bob")});
  auto task = assign_task(s, names({"bob@contoso.com", "alice@contoso.com"}), request({"SPE_E3"}));
  ASSERT_TRUE(task.ok());
  EXPECT_THAT(ops(plan(s, *task)), ElementsAre("alice assign SPE_E3", "bob assign SPE_E3"));
  EXPECT_THAT(task->targets[0].notes, IsEmpty());
  EXPECT_THAT(task->targets[1].notes,
              ElementsAre("sign-in is blocked (named explicitly, so not skipped)"));
  EXPECT_FALSE(task->targets[1].skipped_sign_in_blocked);
  UserTaskReport r = planned_user_task("assign", *task, plan(s, *task), {});
  EXPECT_THAT(render_user_task_text(r),
              HasSubstr("    note: sign-in is blocked (named explicitly, so not skipped)\n"));
  EXPECT_EQ(user_task_json(r)["users"][1]["notes"][0],
            "sign-in is blocked (named explicitly, so not skipped)");
  // The tasks that take names say it too.
  EXPECT_THAT(active_targets(s, {"bob@contoso.com"})[0].notes, ElementsAre(HasSubstr("blocked")));
}

TEST(UserTaskSelectionTest, SetAndRevokeByFilterSkipBlockedAccountsToo) {
  TenantSnapshot s = tenant({make_user("alice", {"SPE_E3"}), blocked_user("bob", {"SPE_E3"})});
  UserProperties props;
  props.department = "Sales";
  auto set = set_properties_task(s, filter_of("sku:SPE_E3"), props);
  ASSERT_TRUE(set.ok());
  EXPECT_THAT(ops(plan(s, *set)), ElementsAre("alice set"));
  auto revoke = revoke_task(s, filter_of("sku:SPE_E3"), request({"SPE_E3"}));
  ASSERT_TRUE(revoke.ok());
  EXPECT_THAT(ops(plan(s, *revoke)), ElementsAre("alice revoke SPE_E3"));
  EXPECT_TRUE(revoke->targets[1].skipped_sign_in_blocked);
}

TEST(UserTaskSelectionTest, DeletedUsersMatchByTheUpnTheyHad) {
  // The service prefixes a deleted user's UPN with its id (no dashes).
  User carol = deleted_user("carol", {}, "2026-11-10T00:00:00Z", "c-1");
  carol.user_principal_name = "c1carol@sales.contoso.com";
  User dave = deleted_user("dave", {"SPE_E3"}, "2026-11-12T00:00:00Z", "d-2");
  User erin = deleted_user("erin", {}, "2026-11-12T00:00:00Z", "e-3");
  erin.user_principal_name = "erin@sales.contoso.com";
  TenantSnapshot s = tenant({make_user("alice")}, {dave, carol, erin});
  auto sales = deleted_users_matching(s, filter_of("upn:*@sales.contoso.com"));
  ASSERT_TRUE(sales.ok());
  EXPECT_THAT(*sales, ElementsAre("c-1", "e-3"));
  auto by_name = deleted_users_matching(s, filter_of("upn:carol@*"));
  ASSERT_TRUE(by_name.ok());
  EXPECT_THAT(*by_name, ElementsAre("c-1"));
  auto licensed = deleted_users_matching(s, filter_of("sku:SPE_E3"));
  ASSERT_TRUE(licensed.ok());
  EXPECT_THAT(*licensed, ElementsAre("d-2"));
  EXPECT_FALSE(deleted_users_matching(s, filter_of("sku:NOPE")).ok());
  // Active users are not among them.
  EXPECT_THAT(*deleted_users_matching(s, filter_of("upn:alice@*")), IsEmpty());
}

TEST(UserTaskReportTest, ASeatLineOfOneSeatSaysSeat) {
  UserTaskReport r;
  r.tenant = "contoso.com";
  r.dry_run = true;
  SeatLine one;
  one.sku = "EMS";
  one.enabled = 1;
  one.after_plan = 1;
  SeatLine two = one;
  two.sku = "SPE_E3";
  two.enabled = 2;
  r.seats = {one, two};
  std::string text = render_user_task_text(r);
  EXPECT_THAT(text, HasSubstr("    EMS: 1 seat, 0 consumed, 1 after the plan"));
  EXPECT_THAT(text, HasSubstr("    SPE_E3: 2 seats, 0 consumed, 1 after the plan"));
}

TEST(UserTaskReportTest, ResultsPerUserAndExitCodes) {
  TenantSnapshot s = tenant(
      {make_user("alice"), make_user("bob", {"SPE_E3"}), make_user("carol", {}, std::nullopt)});
  auto task = assign_task(
      s, names({"alice@contoso.com", "bob@contoso.com", "carol@contoso.com", "zed@contoso.com"}),
      request({"SPE_E3"}));
  ASSERT_TRUE(task.ok());
  TenantPlan p = plan(s, *task);
  UserTaskReport dry = planned_user_task("assign", *task, p, {});
  EXPECT_EQ(dry.exit_code, 3);  // carol is blocked (no usage location), zed does not exist
  std::vector<std::string> results;
  for (const auto& line : dry.users) results.push_back(line.result);
  EXPECT_THAT(results, ElementsAre("ready", "unchanged", "blocked", "notFound"));
  std::string text = render_user_task_text(dry);
  EXPECT_THAT(text, HasSubstr("alice@contoso.com\n    > would assign SPE_E3\n"));
  EXPECT_THAT(text, HasSubstr("bob@contoso.com\n    = already holds SPE_E3\n"));
  EXPECT_THAT(text, HasSubstr("carol@contoso.com\n    ! assign SPE_E3 blocked: the user has no "
                              "usage location"));
  EXPECT_THAT(text, HasSubstr("4 users, 2 operations: 1 ready, 1 blocked, 0 failed, 0 skipped; 1 "
                              "user unchanged, 1 not found; nothing was sent.\n"));

  // After the executor: alice applied; the JSON carries the service's outcome.
  ApplyReport applied;
  applied.plan.tenants.push_back(p);
  for (auto& op : applied.plan.tenants[0].operations) {
    if (op.status == OpStatus::Ready) op.status = OpStatus::Applied;
  }
  UserTaskReport done = applied_user_task("assign", *task, applied);
  EXPECT_EQ(done.exit_code, 3);
  nlohmann::json j = user_task_json(done);
  EXPECT_EQ(j["users"][0]["result"], "done");
  EXPECT_EQ(j["users"][3]["result"], "notFound");
  EXPECT_EQ(j["summary"]["done"], 1);
  EXPECT_EQ(j["summary"]["blocked"], 1);
  // A name that names nobody counts once, as not found: as the text's summary says.
  EXPECT_EQ(j["summary"]["failed"], 0);
  EXPECT_EQ(j["summary"]["notFound"], 1);
  EXPECT_EQ(j["summary"]["users"], 4);

  // Only the ones that can be done: exit 0.
  auto clean = assign_task(s, names({"alice@contoso.com", "bob@contoso.com"}), request({"SPE_E3"}));
  ASSERT_TRUE(clean.ok());
  EXPECT_EQ(planned_user_task("assign", *clean, plan(s, *clean), {}).exit_code, 0);
}

TEST(UserTaskReportTest, ADryRunOverASafetyLimitSaysItWouldBeRefused) {
  TenantSnapshot s = tenant({make_user("alice"), make_user("bob")});
  UserTask task = delete_task(s, {"alice@contoso.com", "bob@contoso.com"});
  SafetyLimits limits;
  limits.max_deletions = 1;
  limits.flags = false;
  UserTaskReport r = planned_user_task("users delete", task, plan(s, task), limits);
  EXPECT_EQ(r.exit_code, 4);
  EXPECT_EQ(r.refusal,
            "2 deletions > safety.maxDeletions 1; raise safety.maxDeletions to 2 in the config");
}

}  // namespace user_task_test
}  // namespace tenantsync
