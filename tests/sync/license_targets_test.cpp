// What each user should hold and what it holds (sync/plan/license_targets.h), tested on
// the unit itself: entries and rules, rule matching, governed users, held licenses. The
// tenant and desired state come from the planner tests' fixture.
#include "sync/plan/license_targets.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "tests/sync/planner_fixture.h"

namespace tenantsync {
namespace license_targets_test {

using namespace planner_fixture;
using namespace planning;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

// The fixture tenant's SKUs by part number, as the planner sorts them: EMS,
// EXCHANGESTANDARD, MCOEV, MCOPSTN1, SPE_E3, VISIOCLIENT.
std::vector<Sku> sorted_skus() {
  std::vector<Sku> skus = TenantBuilder().build().skus;
  std::sort(skus.begin(), skus.end(),
            [](const Sku& a, const Sku& b) { return a.sku_part_number < b.sku_part_number; });
  return skus;
}

ResolvedTenant resolved(const DesiredBuilder& desired) {
  auto r = resolve_desired_tenant(desired.get(), TenantBuilder().build());
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  return r.ok() ? *r : ResolvedTenant{};
}

Attributes attributes(const U& u) {
  return {u.user.user_principal_name, u.user.department, u.user.job_title, &u.user.usage_location};
}

// LicenseTargets over the fixture tenant and a desired state, which `edit` may change
// after resolution (to build what resolution would refuse).
struct Targets {
  std::vector<Sku> skus;
  TenantServiceRules rules;
  ResolvedTenant desired;
  LicenseTargets targets;

  explicit Targets(const DesiredBuilder& d, const std::function<void(ResolvedTenant&)>& edit = {})
      : skus(sorted_skus()),
        rules(ServiceRules::builtin().for_tenant(skus)),
        desired(edited(resolved(d), edit)),
        targets(skus, rules, desired) {}

  static ResolvedTenant edited(ResolvedTenant t, const std::function<void(ResolvedTenant&)>& edit) {
    if (edit) edit(t);
    return t;
  }

  // The desired entry of `name` ("alice" is alice@contoso.com), or nullptr.
  const ResolvedUser* entry(const std::string& name) const {
    std::string upn = name.find('@') == std::string::npos ? name + "@contoso.com" : name;
    for (const auto& u : desired.users) {
      if (u.upn == upn) return &u;
    }
    ADD_FAILURE() << "no entry " << upn;
    return nullptr;
  }

  // Plan names of plan indices, sorted by name.
  std::string disabled(const std::vector<int>& plans) const {
    std::vector<std::string> names;
    for (int p : plans) names.push_back(rules.plan(p).service_plan_name);
    std::sort(names.begin(), names.end());
    std::string s;
    for (const auto& n : names) s += " -" + n;
    return s;
  }

  // "SPE_E3 -YAMMER_ENTERPRISE" (plans named from their indices), with " ids:..." added
  // when its plan ids do not name the same plans.
  std::string line(const Want& w) const {
    std::string s = skus[w.sku].sku_part_number + disabled(w.disabled);
    std::vector<std::string> names;
    for (const auto& id : w.disabled_ids) names.push_back(id.substr(3));  // "id-NAME"
    std::sort(names.begin(), names.end());
    std::string from_ids;
    for (const auto& n : names) from_ids += " -" + n;
    if (from_ids != disabled(w.disabled)) s += " ids:" + from_ids;
    return s;
  }

  // "SPE_E3 direct -TEAMS1 group g1 -YAMMER_ENTERPRISE".
  std::string line(const Held& h) const {
    std::string s = skus[h.sku].sku_part_number;
    if (h.direct) s += " direct" + disabled(h.direct_disabled);
    if (h.group) s += " group " + *h.group + disabled(h.group_disabled);
    return s;
  }

  // What `u` should hold, one line per license; `governed` is set as wants_for sets it.
  std::vector<std::string> wants(const U& u, const ResolvedUser* entry, bool& governed) {
    governed = false;
    std::vector<std::string> out;
    for (const Want& w : targets.wants_for(entry, attributes(u), governed)) out.push_back(line(w));
    return out;
  }
  std::vector<std::string> wants(const U& u, const ResolvedUser* entry = nullptr) {
    bool governed = false;
    return wants(u, entry, governed);
  }

  std::vector<std::string> held(const User& u) const {
    std::vector<std::string> out;
    for (const Held& h : targets.held_of(u)) out.push_back(line(h));
    return out;
  }
};

RuleMatch title(const std::string& t) {
  RuleMatch m;
  m.job_title = t;
  return m;
}

RuleMatch location(const std::string& l) {
  RuleMatch m;
  m.usage_location = l;
  return m;
}

RuleMatch suffix(const std::string& s) {
  RuleMatch m;
  m.upn_suffix = s;
  return m;
}

TEST(LicenseTargetsTest, EntryLicensesOverrideRules) {
  Targets t(DesiredBuilder()
                .rule(dept("Sales"), {L("SPE_E3")})
                .user("alice", {{L("EMS", {"INTUNE_A"})}})
                .user("bob", {{}})
                .user("carol", std::nullopt));
  bool governed = false;
  EXPECT_THAT(t.wants(U("alice").department("Sales"), t.entry("alice"), governed),
              ElementsAre("EMS -INTUNE_A"));
  EXPECT_TRUE(governed);
  // An empty list is still a list: nothing, whatever the rules say.
  EXPECT_THAT(t.wants(U("bob").department("Sales"), t.entry("bob"), governed), IsEmpty());
  EXPECT_TRUE(governed);
  // An entry without `licenses` leaves the user to the rules.
  EXPECT_THAT(t.wants(U("carol").department("Sales"), t.entry("carol"), governed),
              ElementsAre("SPE_E3"));
  EXPECT_TRUE(governed);
}

TEST(LicenseTargetsTest, UnionOfEveryMatchingRule) {
  Targets t(DesiredBuilder()
                .rule(dept("Sales"), {L("SPE_E3")})
                .rule(title("Lead"), {L("EMS"), L("MCOEV")})
                .rule(dept("Ops"), {L("EXCHANGESTANDARD")})
                .rule(title("lead"), {L("MCOEV")}));
  EXPECT_THAT(t.wants(U("a").department("Sales").title("Lead")),
              ElementsAre("EMS", "MCOEV", "SPE_E3"));
  EXPECT_THAT(t.wants(U("b").department("Sales")), ElementsAre("SPE_E3"));
  EXPECT_THAT(t.wants(U("c").department("Ops").title("Lead")),
              ElementsAre("EMS", "EXCHANGESTANDARD", "MCOEV"));
  EXPECT_THAT(t.wants(U("d").department("Legal")), IsEmpty());
}

TEST(LicenseTargetsTest, APlanStaysDisabledOnlyIfEveryRuleGrantingTheSkuDisablesIt) {
  Targets t(DesiredBuilder()
                .rule(dept("Sales"),
                      {L("SPE_E3", {"YAMMER_ENTERPRISE", "TEAMS1"}), L("EMS", {"INTUNE_A"})})
                .rule(title("Lead"), {L("SPE_E3", {"YAMMER_ENTERPRISE", "SHAREPOINTENTERPRISE"})})
                .rule(location("DE"), {L("SPE_E3")}));
  // One rule: its own disabled plans.
  EXPECT_THAT(t.wants(U("a").department("Sales")),
              ElementsAre("EMS -INTUNE_A", "SPE_E3 -TEAMS1 -YAMMER_ENTERPRISE"));
  // Two rules granting SPE_E3: what both disable; EMS only from the first, as it was.
  EXPECT_THAT(t.wants(U("b").department("Sales").title("Lead")),
              ElementsAre("EMS -INTUNE_A", "SPE_E3 -YAMMER_ENTERPRISE"));
  // A third that disables nothing: every plan enabled.
  EXPECT_THAT(t.wants(U("c").department("Sales").title("Lead").location("DE")),
              ElementsAre("EMS -INTUNE_A", "SPE_E3"));
  // The merge is scratch: a later user with one rule gets that rule's plans untouched.
  EXPECT_THAT(t.wants(U("d").title("Lead")),
              ElementsAre("SPE_E3 -SHAREPOINTENTERPRISE -YAMMER_ENTERPRISE"));
}

TEST(LicenseTargetsTest, UpnSuffixMatchesAtABoundary) {
  struct Case {
    const char* suffix;
    const char* upn;
    bool matches;
  };
  for (const Case& c : std::vector<Case>{
           {"@x.com", "a@x.com", true},
           {"x.com", "a@x.com", true},
           {"x.com", "a@sales.x.com", true},
           {".x.com", "a@sales.x.com", true},
           {"X.COM", "A@Sales.X.com", true},
           {"x.com", "a@notx.com", false},
           {"@x.com", "a@sales.x.com", false},
           {"@x.com", "a@notx.com", false},
           {"x.com", "a@x.com.au", false},
           {"", "a@x.com", false},
       }) {
    Targets t(DesiredBuilder().rule(suffix(c.suffix), {L("EMS")}));
    std::vector<std::string> expected;
    if (c.matches) expected.push_back("EMS");
    EXPECT_EQ(t.wants(U(c.upn)), expected) << "suffix " << c.suffix << ", upn " << c.upn;
  }
}

TEST(LicenseTargetsTest, OtherKeysCompareIgnoringAsciiCaseAndAllMustMatch) {
  RuleMatch where;
  where.department = "Sales";
  where.job_title = "Lead";
  where.usage_location = "de";
  Targets t(DesiredBuilder().rule(where, {L("EMS")}));
  EXPECT_THAT(t.wants(U("a").department("SALES").title("lead").location("DE")), ElementsAre("EMS"));
  EXPECT_THAT(t.wants(U("b").department("sales").title("LEAD").location("de")), ElementsAre("EMS"));
  EXPECT_THAT(t.wants(U("c").department("Sales").title("Leader").location("DE")), IsEmpty());
  EXPECT_THAT(t.wants(U("d").department("Sales").title("Lead").location("US")), IsEmpty());
  EXPECT_THAT(t.wants(U("e").title("Lead").location("DE")), IsEmpty());
}

TEST(LicenseTargetsTest, DepartmentsAndJobTitlesCompareIgnoringCaseInAnyScript) {
  // As the service compares them: an HR export in capitals is the same department.
  RuleMatch where;
  where.department = "Geschäftsführung";
  where.job_title = "Директор";
  Targets t(DesiredBuilder().rule(where, {L("EMS")}));
  EXPECT_THAT(t.wants(U("a").department("GESCHÄFTSFÜHRUNG").title("ДИРЕКТОР")), ElementsAre("EMS"));
  EXPECT_THAT(t.wants(U("b").department("geschäftsführung").title("директор")), ElementsAre("EMS"));
  EXPECT_THAT(t.wants(U("c").department("Geschaftsfuhrung").title("Директор")), IsEmpty());
}

TEST(LicenseTargetsTest, ARuleOnUsageLocationNeedsOne) {
  Targets t(DesiredBuilder().rule(location("US"), {L("EMS")}));
  bool governed = true;
  EXPECT_THAT(t.wants(U("a").location(std::nullopt), nullptr, governed), IsEmpty());
  EXPECT_FALSE(governed);
  EXPECT_THAT(t.wants(U("b").location("us"), nullptr, governed), ElementsAre("EMS"));
  EXPECT_TRUE(governed);
}

TEST(LicenseTargetsTest, Governed) {
  DesiredBuilder keep =
      DesiredBuilder().rule(dept("Sales"), {L("EMS")}).user("listed", std::nullopt);
  DesiredBuilder revoke = keep;
  revoke.unlisted(UnlistedPolicy::Revoke);
  Targets k(keep);
  Targets r(revoke);
  struct Case {
    const char* name;
    Targets& targets;
    U user;
    const ResolvedUser* entry;
    bool governed;
  };
  for (const Case& c : std::vector<Case>{
           {"no entry, no rule, unlisted: keep", k, U("a").department("Ops"), nullptr, false},
           {"no entry, no rule, unlisted: revoke", r, U("a").department("Ops"), nullptr, true},
           {"a matching rule", k, U("a").department("Sales"), nullptr, true},
           {"an entry without licenses, no rule, unlisted: keep", k, U("listed").department("Ops"),
            k.entry("listed"), false},
           {"an entry without licenses, no rule, unlisted: revoke", r,
            U("listed").department("Ops"), r.entry("listed"), true},
           {"an entry without licenses and a matching rule", k, U("listed").department("Sales"),
            k.entry("listed"), true},
       }) {
    bool governed = !c.governed;
    c.targets.wants(c.user, c.entry, governed);
    EXPECT_EQ(governed, c.governed) << c.name;
  }
}

TEST(LicenseTargetsTest, UnmanagedSkusAreNotWanted) {
  // Resolution refuses licenses of SKUs outside managedSkus; the unit drops them anyway.
  Targets t(DesiredBuilder()
                .rule(dept("Sales"), {L("SPE_E3"), L("EMS")})
                .user("alice", {{L("SPE_E3"), L("MCOEV")}}),
            [](ResolvedTenant& d) {
              d.managed_sku_ids = {sku_id("EMS"), sku_id("MCOEV")};
            });
  EXPECT_THAT(t.wants(U("a").department("Sales")), ElementsAre("EMS"));
  EXPECT_THAT(t.wants(U("alice"), t.entry("alice")), ElementsAre("MCOEV"));
  EXPECT_TRUE(t.targets.managed(t.targets.sku_index(sku_id("EMS"))));
  EXPECT_FALSE(t.targets.managed(t.targets.sku_index(sku_id("SPE_E3"))));
  EXPECT_FALSE(t.targets.managed(t.targets.sku_index(sku_id("VISIOCLIENT"))));
}

TEST(LicenseTargetsTest, SkuIdsCompareIgnoringCase) {
  Targets t(DesiredBuilder(), [](ResolvedTenant& d) { d.managed_sku_ids = {"SKU-spe_e3"}; });
  EXPECT_EQ(t.targets.sku_index("sku-EMS"), 0);
  EXPECT_EQ(t.targets.sku_index("sku-SPE_E3"), 4);
  EXPECT_EQ(t.targets.sku_index("SKU-spe_e3"), 4);
  EXPECT_EQ(t.targets.sku_index("sku-NOPE"), -1);
  EXPECT_TRUE(t.targets.managed(4));
  EXPECT_FALSE(t.targets.managed(0));

  // A license and its states spelling the SKU id differently are one license.
  User u = U("a").user;
  u.assigned_licenses.push_back({"SKU-SPE_E3", {}});
  LicenseAssignmentState s;
  s.sku_id = "sku-spe_e3";
  s.assigned_by_group = "g1";
  u.license_states.push_back(s);
  EXPECT_THAT(t.held(u), ElementsAre("SPE_E3 group g1"));
}

TEST(LicenseTargetsTest, HeldDirectAndFromGroups) {
  Targets t{DesiredBuilder()};
  EXPECT_THAT(t.held(U("a").user), IsEmpty());
  EXPECT_THAT(t.held(U("a").lic("SPE_E3", {"YAMMER_ENTERPRISE"}).lic("EMS").user),
              ElementsAre("EMS direct", "SPE_E3 direct -YAMMER_ENTERPRISE"));
  EXPECT_THAT(t.held(U("a").group("EMS", "g1").user), ElementsAre("EMS group g1"));
  EXPECT_THAT(t.held(U("a").lic("EMS", {"INTUNE_A"}).group("EMS", "g1").group("EMS", "g2").user),
              ElementsAre("EMS direct -INTUNE_A group g1"));
  // Every SKU of the tenant counts, managed or not; SKUs it does not have do not.
  U other = U("a").lic("VISIOCLIENT");
  other.user.assigned_licenses.push_back({"sku-GONE", {}});
  EXPECT_THAT(t.held(other.user), ElementsAre("VISIOCLIENT direct"));

  // The group's own disabled plans.
  U grouped = U("a").group("SPE_E3", "g1");
  grouped.user.license_states.back().disabled_plans = {plan_id("TEAMS1")};
  EXPECT_THAT(t.held(grouped.user), ElementsAre("SPE_E3 group g1 -TEAMS1"));
}

TEST(LicenseTargetsTest, DirectDisabledPlansComeFromTheStatesOrElseTheLicense) {
  Targets t{DesiredBuilder()};
  // No license_states at all: direct, with the license's own disabled plans.
  User bare = U("a").user;
  bare.assigned_licenses.push_back({sku_id("SPE_E3"), {plan_id("TEAMS1")}});
  EXPECT_THAT(t.held(bare), ElementsAre("SPE_E3 direct -TEAMS1"));

  // A direct state: its disabled plans, not the license's.
  User stated = U("a").lic("SPE_E3", {"YAMMER_ENTERPRISE"}).user;
  stated.assigned_licenses.back().disabled_plans = {plan_id("TEAMS1")};
  EXPECT_THAT(t.held(stated), ElementsAre("SPE_E3 direct -YAMMER_ENTERPRISE"));

  // Only a group's state: not direct, whatever the license says.
  User inherited = U("a").group("SPE_E3", "g1").user;
  inherited.assigned_licenses.back().disabled_plans = {plan_id("TEAMS1")};
  EXPECT_THAT(t.held(inherited), ElementsAre("SPE_E3 group g1"));
}

TEST(LicenseTargetsTest, DisabledPlanIdsMapToSortedPlanIndices) {
  Targets t{DesiredBuilder()};
  User u = U("a").user;
  u.assigned_licenses.push_back({sku_id("SPE_E3"),
                                 {"ID-TEAMS1", plan_id("YAMMER_ENTERPRISE"), plan_id("NOT_A_PLAN"),
                                  plan_id("teams1"), plan_id("EXCHANGE_S_ENTERPRISE")}});
  std::vector<Held> held = t.targets.held_of(u);
  ASSERT_EQ(held.size(), 1u);
  EXPECT_EQ(held[0].direct_disabled_ids, u.assigned_licenses[0].disabled_plans);  // as given
  std::vector<int> expected = {t.rules.plan_index("id-TEAMS1"),
                               t.rules.plan_index("id-YAMMER_ENTERPRISE"),
                               t.rules.plan_index("id-EXCHANGE_S_ENTERPRISE")};
  for (int p : expected) ASSERT_GE(p, 0);
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(held[0].direct_disabled, expected);
  // Any case, each once, unknown ids left out.
  std::vector<int> two = {t.rules.plan_index("id-TEAMS1"),
                          t.rules.plan_index("id-YAMMER_ENTERPRISE")};
  std::sort(two.begin(), two.end());
  EXPECT_EQ(t.targets.plan_indices({"id-yammer_enterprise", "ID-TEAMS1", "id-TEAMS1", "x"}), two);
}

}  // namespace license_targets_test
}  // namespace tenantsync
