// The planner: every rule of sync/plan/planner.h, table-driven where cases multiply. Snapshots
// and desired states are built in code; operations are compared as one line each:
// "alice assign SPE_E3 -YAMMER_ENTERPRISE (reason)", blocked ones prefixed with "!".
#include "sync/plan/planner.h"

#include <algorithm>
#include <functional>
#include <map>
#include <random>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "sync/plan/property_change.h"

namespace tenantsync {
namespace planner_test {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

const Clock::time_point kNow = [] {
  Clock::time_point t;
  parse_iso8601("2026-11-20T00:00:00Z", t);
  return t;
}();

std::string plan_id(const std::string& name) { return "id-" + name; }
std::string sku_id(const std::string& part) { return "sku-" + part; }

// The tenant's SKUs: part number -> service plans.
const std::vector<std::pair<std::string, std::vector<std::string>>> kCatalogue = {
    {"SPE_E3",
     {"EXCHANGE_S_ENTERPRISE", "SHAREPOINTENTERPRISE", "YAMMER_ENTERPRISE", "MCOSTANDARD",
      "TEAMS1"}},
    {"EMS", {"INTUNE_A", "AAD_PREMIUM"}},
    {"EXCHANGESTANDARD", {"EXCHANGE_S_STANDARD"}},
    {"MCOEV", {"MCOEV"}},
    {"MCOPSTN1", {"MCOPSTN1"}},
    {"VISIOCLIENT", {"VISIO_CLIENT_SUBSCRIPTION"}},
};

// A user of the snapshot, fluently.
struct U {
  User user;
  explicit U(const std::string& name) {
    user.user_principal_name = name.find('@') == std::string::npos ? name + "@contoso.com" : name;
    user.id = "id-" + name.substr(0, name.find('@'));
    user.display_name = name;
    user.usage_location = "US";
  }
  U& department(const std::string& d) {
    user.department = d;
    return *this;
  }
  U& title(const std::string& t) {
    user.job_title = t;
    return *this;
  }
  U& location(std::optional<std::string> l) {
    user.usage_location = std::move(l);
    return *this;
  }
  // A direct license; `disabled` are plan names.
  U& lic(const std::string& part, std::vector<std::string> disabled = {}) {
    for (auto& d : disabled) d = plan_id(d);
    user.assigned_licenses.push_back({sku_id(part), disabled});
    LicenseAssignmentState s;
    s.sku_id = sku_id(part);
    s.disabled_plans = disabled;
    user.license_states.push_back(s);
    return *this;
  }
  // A license inherited from `group` (also direct when lic() was called for it too).
  U& group(const std::string& part, const std::string& group_id) {
    if (!user.find_license(sku_id(part))) user.assigned_licenses.push_back({sku_id(part), {}});
    LicenseAssignmentState s;
    s.sku_id = sku_id(part);
    s.assigned_by_group = group_id;
    user.license_states.push_back(s);
    return *this;
  }
  U& deleted(const std::string& when) {
    user.deleted_date_time = when;
    return *this;
  }
};

// A tenant snapshot. Each SKU has 100 seats unless seats() says otherwise; consumed units
// are counted from the users, plus `extra`.
class TenantBuilder {
 public:
  TenantBuilder& seats(const std::string& part, int enabled, int extra_consumed = 0) {
    seats_[part] = {enabled, extra_consumed};
    return *this;
  }
  TenantBuilder& add(const U& u) {
    users_.push_back(u.user);
    return *this;
  }
  TenantBuilder& add_deleted(const U& u) {
    deleted_.push_back(u.user);
    if (!deleted_.back().deleted_date_time)
      deleted_.back().deleted_date_time = "2026-11-10T00:00:00Z";
    return *this;
  }
  TenantBuilder& mirror(MirrorState state, std::string reason = "") {
    mirror_ = state;
    reason_ = std::move(reason);
    return *this;
  }
  // The first read failed part way: stale, some users cached, never complete.
  TenantBuilder& first_read_failed(std::string reason) {
    mirror(MirrorState::Stale, std::move(reason));
    ever_complete_ = false;
    return *this;
  }
  TenantBuilder& gone(std::string since, std::string reason) {
    gone_since_ = std::move(since);
    gone_reason_ = std::move(reason);
    return *this;
  }
  TenantBuilder& read_from(std::string other_host) {
    other_graph_host_ = std::move(other_host);
    return *this;
  }

  TenantBuilder& domains(std::vector<Domain> domains) {
    domains_ = std::move(domains);
    return *this;
  }

  TenantSnapshot build() const {
    TenantSnapshot s;
    s.tenant = {"tenant-id", "contoso.onmicrosoft.com", "Contoso"};
    s.domains = domains_;
    s.mirror = mirror_;
    s.stale_reason = reason_;
    s.ever_complete = ever_complete_ && mirror_ != MirrorState::Never;
    s.gone_since = gone_since_;
    s.gone_reason = gone_reason_;
    s.other_graph_host = other_graph_host_;
    for (const auto& [part, plans] : kCatalogue) {
      Sku sku;
      sku.id = "tenant-id_" + sku_id(part);
      sku.sku_id = sku_id(part);
      sku.sku_part_number = part;
      for (const auto& p : plans) sku.service_plans.push_back({plan_id(p), p, "Success", "User"});
      auto it = seats_.find(part);
      sku.prepaid_units.enabled = it == seats_.end() ? 100 : it->second.first;
      sku.consumed_units = it == seats_.end() ? 0 : it->second.second;
      for (const auto& u : users_) {
        if (u.find_license(sku.sku_id)) ++sku.consumed_units;
      }
      s.skus.push_back(sku);
    }
    s.users = users_;
    std::sort(s.users.begin(), s.users.end(), [](const User& a, const User& b) {
      return a.user_principal_name < b.user_principal_name;
    });
    s.deleted_users = deleted_;
    return s;
  }

 private:
  std::map<std::string, std::pair<int, int>> seats_;
  std::vector<User> users_;
  std::vector<User> deleted_;
  MirrorState mirror_ = MirrorState::Complete;
  std::string reason_;
  bool ever_complete_ = true;
  std::string gone_since_;
  std::string gone_reason_;
  std::string other_graph_host_;
  // As GET /domains lists them: the initial domain, a verified custom one, an unverified one.
  std::vector<Domain> domains_ = {{"contoso.onmicrosoft.com", false, true, true},
                                  {"contoso.com", true, false, true},
                                  {"pending.contoso.com", false, false, false}};
};

DesiredLicense L(const std::string& sku, std::vector<std::string> disabled = {}) {
  DesiredLicense l;
  l.sku = sku;
  l.disabled_plans = std::move(disabled);
  l.where = {"desired.json", 1, 1, "tenants[0].users[0].licenses[0]"};
  return l;
}

// The desired tenant; users get line numbers 10, 11, ... in the order added.
class DesiredBuilder {
 public:
  DesiredBuilder() {
    t_.tenant = "contoso.onmicrosoft.com";
    t_.managed_skus = {"SPE_E3", "EMS", "EXCHANGESTANDARD", "MCOEV", "MCOPSTN1"};
    t_.location = {"desired.json", 2, 5, "tenants[0]"};
  }
  DesiredBuilder& managed(std::vector<std::string> skus) {
    t_.managed_skus = std::move(skus);
    return *this;
  }
  DesiredBuilder& unlisted(UnlistedPolicy p) {
    t_.unlisted = p;
    return *this;
  }
  DesiredBuilder& default_location(std::string code) {
    t_.default_usage_location = std::move(code);
    return *this;
  }
  DesiredBuilder& mode(TenantMode m) {
    t_.mode = m;
    return *this;
  }
  DesiredBuilder& rule(RuleMatch where, std::vector<DesiredLicense> licenses) {
    LicenseRule r;
    r.where = std::move(where);
    r.licenses = std::move(licenses);
    r.location = {"desired.json", 5, 7,
                  "tenants[0].rules[" + std::to_string(t_.rules.size()) + "]"};
    t_.rules.push_back(std::move(r));
    return *this;
  }
  DesiredBuilder& user(const std::string& name, std::optional<std::vector<DesiredLicense>> licenses,
                       std::function<void(DesiredUser&)> more = {}) {
    DesiredUser u;
    u.upn = name.find('@') == std::string::npos ? name + "@contoso.com" : name;
    u.licenses = std::move(licenses);
    u.location = {"desired.json", 10 + static_cast<int>(t_.users.size()), 7,
                  "tenants[0].users[" + std::to_string(t_.users.size()) + "]"};
    if (more) more(u);
    t_.users.push_back(std::move(u));
    return *this;
  }
  const DesiredTenant& get() const { return t_; }

 private:
  DesiredTenant t_;
};

RuleMatch dept(const std::string& d) {
  RuleMatch m;
  m.department = d;
  return m;
}

TenantPlan plan(const TenantBuilder& tenant, const DesiredBuilder& desired,
                const ServiceRules& rules = ServiceRules::builtin()) {
  auto result = plan_tenant(tenant.build(), desired.get(), rules, kNow);
  EXPECT_TRUE(result.ok()) << (result.ok() ? "" : result.error().message);
  return result.ok() ? *result : TenantPlan{};
}

std::string line(const Operation& op) {
  std::string s = op.status == OpStatus::Blocked ? "!" : "";
  s += op.user.substr(0, op.user.find('@')) + " " + to_string(op.op);
  if (!op.sku.empty()) s += " " + op.sku;
  if (op.details && op.op == OpKind::SetProperties) s += " " + describe_property_patch(*op.details);
  for (const auto& d : op.disabled_plans) s += " -" + d.substr(3);
  if (!op.reason.empty()) s += " (" + op.reason + ")";
  return s;
}

std::vector<std::string> lines(const TenantPlan& p) {
  std::vector<std::string> out;
  for (const auto& op : p.operations) out.push_back(line(op));
  return out;
}

// Each expected line equals the actual one, or is a prefix of it when it has a reason
// ("(" in it), so tables can name the start of a reason.
void expect_ops(const TenantPlan& p, const std::vector<std::string>& expected) {
  std::vector<std::string> actual = lines(p);
  bool same = actual.size() == expected.size();
  for (size_t i = 0; same && i < actual.size(); ++i) {
    same = expected[i].find(" (") == std::string::npos ? actual[i] == expected[i]
                                                       : actual[i].rfind(expected[i], 0) == 0;
  }
  if (!same) {
    std::string a, e;
    for (const auto& s : actual) a += "  " + s + "\n";
    for (const auto& s : expected) e += "  " + s + "\n";
    ADD_FAILURE() << "operations:\n" << a << "expected:\n" << e;
  }
}

const SeatLine* seat(const TenantPlan& p, const std::string& part) {
  for (const auto& s : p.seats) {
    if (s.sku == part) return &s;
  }
  return nullptr;
}

struct Case {
  const char* name;
  TenantBuilder tenant;
  DesiredBuilder desired;
  std::vector<std::string> ops;
};

void run_cases(const std::vector<Case>& cases) {
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    expect_ops(plan(c.tenant, c.desired), c.ops);
  }
}

TEST(PlannerTest, LicenseDifferences) {
  run_cases({
      {"in sync: nothing to do",
       TenantBuilder().add(U("alice").lic("SPE_E3")),
       DesiredBuilder().user("alice", {{L("SPE_E3")}}),
       {}},
      {"missing license is assigned",
       TenantBuilder().add(U("alice")),
       DesiredBuilder().user("alice", {{L("SPE_E3"), L("EMS")}}),
       {"alice assign EMS", "alice assign SPE_E3"}},
      {"extra managed license is revoked",
       TenantBuilder().add(U("alice").lic("SPE_E3").lic("EMS")),
       DesiredBuilder().user("alice", {{L("SPE_E3")}}),
       {"alice revoke EMS"}},
      {"unmanaged SKUs are never touched",
       TenantBuilder().add(U("alice").lic("VISIOCLIENT")),
       DesiredBuilder().user("alice", {{}}),
       {}},
      {"other disabled plans: update",
       TenantBuilder().add(U("alice").lic("SPE_E3")),
       DesiredBuilder().user("alice", {{L("SPE_E3", {"YAMMER_ENTERPRISE"})}}),
       {"alice update SPE_E3 -YAMMER_ENTERPRISE"}},
      {"update to enable every plan",
       TenantBuilder().add(U("alice").lic("SPE_E3", {"YAMMER_ENTERPRISE"})),
       DesiredBuilder().user("alice", {{L("SPE_E3")}}),
       {"alice update SPE_E3"}},
      {"disabled plans named by id or name, any case, compare as sets",
       TenantBuilder().add(U("alice").lic("SPE_E3", {"TEAMS1", "YAMMER_ENTERPRISE"})),
       DesiredBuilder().user("alice", {{L("spe_e3", {"yammer_enterprise", "ID-TEAMS1"})}}),
       {}},
      {"assign carries its disabled plans",
       TenantBuilder().add(U("alice")),
       DesiredBuilder().user("alice", {{L("SPE_E3", {"YAMMER_ENTERPRISE"})}}),
       {"alice assign SPE_E3 -YAMMER_ENTERPRISE"}},
      {"SKU named by sku id",
       TenantBuilder().add(U("alice")),
       DesiredBuilder().managed({"sku-SPE_E3"}).user("alice", {{L("sku-SPE_E3")}}),
       {"alice assign SPE_E3"}},
      {"UPNs compare ignoring case",
       TenantBuilder().add(U("Alice@Contoso.com")),
       DesiredBuilder().user("alice@CONTOSO.COM", {{L("EMS")}}),
       {"Alice assign EMS"}},
  });
}

TEST(PlannerTest, RulesAndExplicitEntries) {
  run_cases({
      {"rule matches department ignoring case",
       TenantBuilder().add(U("alice").department("Sales")).add(U("bob").department("IT")),
       DesiredBuilder().rule(dept("sales"), {L("SPE_E3")}),
       {"alice assign SPE_E3"}},
      {"every where key must match",
       TenantBuilder()
           .add(U("alice").department("Sales").title("Manager").location("DE"))
           .add(U("bob").department("Sales").title("Manager").location("US"))
           .add(U("carol").department("Sales").title("Clerk").location("DE")),
       DesiredBuilder().rule(
           [] {
             RuleMatch m;
             m.department = "Sales";
             m.job_title = "manager";
             m.usage_location = "de";
             return m;
           }(),
           {L("EMS")}),
       {"alice assign EMS"}},
      {"usageLocation rule does not match a user without one",
       TenantBuilder().add(U("alice").location(std::nullopt)),
       DesiredBuilder().rule(
           [] {
             RuleMatch m;
             m.usage_location = "US";
             return m;
           }(),
           {L("EMS")}),
       {}},
      {"upnSuffix matches at a boundary",
       TenantBuilder()
           .add(U("a@contoso.com"))
           .add(U("b@sales.contoso.com"))
           .add(U("c@notcontoso.com"))
           .add(U("d@CONTOSO.COM")),
       DesiredBuilder().rule(
           [] {
             RuleMatch m;
             m.upn_suffix = "contoso.com";
             return m;
           }(),
           {L("EMS")}),
       {"a assign EMS", "b assign EMS", "d assign EMS"}},
      {"upnSuffix with @ matches the domain only",
       TenantBuilder().add(U("a@contoso.com")).add(U("b@sales.contoso.com")),
       DesiredBuilder().rule(
           [] {
             RuleMatch m;
             m.upn_suffix = "@contoso.com";
             return m;
           }(),
           {L("EMS")}),
       {"a assign EMS"}},
      {"entry licenses override rules",
       TenantBuilder().add(U("alice").department("Sales").lic("SPE_E3")),
       DesiredBuilder().rule(dept("Sales"), {L("SPE_E3")}).user("alice", {{L("EMS")}}),
       {"alice revoke SPE_E3", "alice assign EMS"}},
      {"entry without licenses takes the rules",
       TenantBuilder().add(U("alice").department("Sales")),
       DesiredBuilder().rule(dept("Sales"), {L("SPE_E3")}).user("alice", std::nullopt),
       {"alice assign SPE_E3"}},
      {"rules add up; a plan stays disabled only if every rule disables it",
       TenantBuilder().add(U("alice").department("Sales").title("Lead")),
       DesiredBuilder()
           .rule(dept("Sales"), {L("SPE_E3", {"YAMMER_ENTERPRISE", "TEAMS1"})})
           .rule(
               [] {
                 RuleMatch m;
                 m.job_title = "Lead";
                 return m;
               }(),
               {L("SPE_E3", {"YAMMER_ENTERPRISE"}), L("EMS")}),
       {"alice assign EMS", "alice assign SPE_E3 -YAMMER_ENTERPRISE"}},
      {"rule-matched user loses managed SKUs no rule gives",
       TenantBuilder().add(U("alice").department("Sales").lic("EMS").lic("VISIOCLIENT")),
       DesiredBuilder().rule(dept("Sales"), {L("SPE_E3")}),
       {"alice revoke EMS", "alice assign SPE_E3"}},
  });
}

TEST(PlannerTest, UnlistedUsers) {
  run_cases({
      {"unlisted: keep leaves their managed SKUs",
       TenantBuilder().add(U("alice").lic("SPE_E3")).add(U("bob").lic("EMS")),
       DesiredBuilder().user("alice", {{L("SPE_E3")}}),
       {}},
      {"unlisted: revoke takes their managed SKUs, never the others",
       TenantBuilder().add(U("alice").lic("SPE_E3")).add(U("bob").lic("EMS").lic("VISIOCLIENT")),
       DesiredBuilder().unlisted(UnlistedPolicy::Revoke).user("alice", {{L("SPE_E3")}}),
       {"bob revoke EMS"}},
      {"a listed user is governed even without licenses or rules",
       TenantBuilder().add(U("alice").lic("SPE_E3")),
       DesiredBuilder().user("alice", std::nullopt,
                             [](DesiredUser& u) { u.state = DesiredUserState::Active; }),
       {"alice revoke SPE_E3"}},
  });
}

TEST(PlannerTest, IgnoredUsersAreLeftAloneAndListed) {
  TenantPlan p = plan(TenantBuilder().add(U("ceo").department("Sales").lic("EMS")),
                      DesiredBuilder()
                          .unlisted(UnlistedPolicy::Revoke)
                          .rule(dept("Sales"), {L("SPE_E3")})
                          .user("ceo", std::nullopt, [](DesiredUser& u) { u.ignore = true; })
                          .user("ghost", std::nullopt, [](DesiredUser& u) { u.ignore = true; }));
  expect_ops(p, {});
  EXPECT_THAT(p.ignored_users, ElementsAre("ceo@contoso.com", "ghost@contoso.com"));
  EXPECT_TRUE(p.notes.empty());
  EXPECT_TRUE(p.missing_users.empty());
}

TEST(PlannerTest, UserStates) {
  run_cases({
      {"state deleted: delete, no license operations",
       TenantBuilder().add(U("carol").lic("SPE_E3")),
       DesiredBuilder().user("carol", std::nullopt,
                             [](DesiredUser& u) { u.state = DesiredUserState::Deleted; }),
       {"carol delete"}},
      {"state deleted on a deleted or absent user: nothing",
       TenantBuilder().add_deleted(U("carol").lic("SPE_E3")),
       DesiredBuilder()
           .user("carol", std::nullopt, [](DesiredUser& u) { u.state = DesiredUserState::Deleted; })
           .user("gone", std::nullopt, [](DesiredUser& u) { u.state = DesiredUserState::Deleted; }),
       {}},
      {"state active restores, then licenses follow the entry",
       TenantBuilder().add_deleted(U("dave").lic("SPE_E3").lic("EMS")),
       DesiredBuilder().user("dave", {{L("SPE_E3", {"YAMMER_ENTERPRISE"})}},
                             [](DesiredUser& u) { u.state = DesiredUserState::Active; }),
       {"dave restore", "dave revoke EMS", "dave update SPE_E3 -YAMMER_ENTERPRISE"}},
      {"any entry restores a soft-deleted user",
       TenantBuilder().add_deleted(U("dave").lic("EMS")),
       DesiredBuilder().user("dave", {{L("EMS")}}),
       {"dave restore"}},
      {"a rule alone never restores",
       TenantBuilder().add_deleted(U("dave").department("Sales")),
       DesiredBuilder().rule(dept("Sales"), {L("EMS")}),
       {}},
      {"ignored soft-deleted user stays deleted",
       TenantBuilder().add_deleted(U("dave")),
       DesiredBuilder().user("dave", std::nullopt, [](DesiredUser& u) { u.ignore = true; }),
       {}},
      {"the id prefix the service puts on a deleted UPN is ignored",
       TenantBuilder().add_deleted([] {
         U u("dave");
         u.user.id = "1a2b-3c";
         u.user.user_principal_name = "1a2b3cdave@contoso.com";
         return u;
       }()),
       DesiredBuilder().user("dave", {{}}),
       {"dave restore"}},
      {"deleted more than 30 days ago: restore blocked, nothing else",
       TenantBuilder().add_deleted(U("dave").lic("EMS").deleted("2026-10-01T00:00:00Z")),
       DesiredBuilder().user("dave", {{L("SPE_E3")}}),
       {"!dave restore (deleted on 2026-10-01T00:00:00Z, more than 30 days ago"}},
      {"an active user with the UPN wins over a deleted one",
       TenantBuilder().add(U("dave").lic("EMS")).add_deleted(U("dave").lic("SPE_E3")),
       DesiredBuilder().user("dave", {{L("EMS")}}),
       {}},
      {"the latest deleted of two with one UPN is restored",
       TenantBuilder()
           .add_deleted([] {
             U u("dave");
             u.user.id = "old";
             return u.deleted("2026-11-01T00:00:00Z");
           }())
           .add_deleted([] {
             U u("dave");
             u.user.id = "new";
             return u.deleted("2026-11-15T00:00:00Z");
           }()),
       DesiredBuilder().user("dave", {{}}),
       {"dave restore"}},
  });
  TenantPlan p = plan(TenantBuilder()
                          .add_deleted([] {
                            U u("dave");
                            u.user.id = "old";
                            return u.deleted("2026-11-01T00:00:00Z");
                          }())
                          .add_deleted([] {
                            U u("dave");
                            u.user.id = "new";
                            return u.deleted("2026-11-15T00:00:00Z");
                          }()),
                      DesiredBuilder().user("dave", {{}}));
  ASSERT_EQ(p.operations.size(), 1u);
  EXPECT_EQ(p.operations[0].user_id, "new");
}

TEST(PlannerTest, UnknownDesiredUserIsNotedNotCreated) {
  TenantPlan p = plan(TenantBuilder().add(U("alice")),
                      DesiredBuilder().user("alice", {{}}).user("zoe", {{L("SPE_E3")}}));
  expect_ops(p, {});
  EXPECT_THAT(p.notes, ElementsAre("desired.json:11: zoe@contoso.com does not exist in tenant; "
                                   "not created (add \"create\" to create it)"));
  EXPECT_THAT(p.missing_users, ElementsAre("zoe@contoso.com"));
}

TEST(PlannerTest, CreatesUserWithItsLicenses) {
  auto with_create = [](std::optional<std::string> location) {
    return [location](DesiredUser& u) {
      CreateSpec c;
      c.display_name = "Nina New";
      c.usage_location = location;
      c.department = "Sales";
      u.create = c;
    };
  };
  TenantPlan p =
      plan(TenantBuilder(), DesiredBuilder()
                                .rule(dept("sales"), {L("EMS")})
                                .user("nina", std::nullopt, with_create("FR"))
                                .user("omar", {{L("SPE_E3")}}, with_create(std::nullopt)));
  expect_ops(p, {"nina assign EMS", "nina create",
                 "!omar assign SPE_E3 (the user has no usage location; set one first (License "
                 "assignment cannot be done for user with invalid usage location.)",
                 "omar create"});
  const Operation& create = p.operations[1];
  EXPECT_EQ(create.user_id, "");
  EXPECT_EQ(p.operations[0].user_id, "");
  ASSERT_TRUE(create.details.has_value());
  EXPECT_EQ(*create.details, (nlohmann::json{{"userPrincipalName", "nina@contoso.com"},
                                             {"displayName", "Nina New"},
                                             {"mailNickname", "nina"},
                                             {"accountEnabled", true},
                                             {"usageLocation", "FR"},
                                             {"department", "Sales"}}));
  EXPECT_TRUE(p.missing_users.empty());
}

// The service creates users only in verified domains: a create anywhere else is blocked,
// its licenses with it, and the reason names the domain and the verified ones.
TEST(PlannerTest, CreateOutsideAVerifiedDomainIsBlocked) {
  auto create = [](DesiredUser& u) { u.create = CreateSpec{"New", "US", {}, {}, {}, {}, {}}; };
  TenantPlan p = plan(TenantBuilder(), DesiredBuilder()
                                           .user("ok@CONTOSO.onmicrosoft.com", {{L("EMS")}}, create)
                                           .user("mallory@evil.example", {{L("EMS")}}, create)
                                           .user("pat@pending.contoso.com", {{L("EMS")}}, create));
  const std::string verified =
      " is not a verified domain of this tenant (verified: "
      "contoso.onmicrosoft.com, contoso.com) (The domain portion of "
      "the userPrincipalName property is invalid.";
  expect_ops(p, {"!mallory create (evil.example" + verified, "ok assign EMS", "ok create",
                 "!pat create (pending.contoso.com" + verified});
}

TEST(PlannerTest, CreatesAreBlockedWhileTheTenantsDomainsAreUnknown) {
  TenantPlan p = plan(TenantBuilder().domains({}),
                      DesiredBuilder().user("nina", {{L("EMS")}}, [](DesiredUser& u) {
                        u.create = CreateSpec{"Nina", "US", {}, {}, {}, {}, {}};
                      }));
  expect_ops(p, {"!nina create (the tenant's domains are not known yet"});
}

// Without a place for temporary passwords (PlanOptions::creates_blocked) a create is
// blocked with that reason, not planned ready only to be skipped by apply.
TEST(PlannerTest, CreatesAreBlockedWithTheCommandsReason) {
  PlanOptions options;
  options.creates_blocked = "creating users needs a passwords file";
  auto result = plan_tenant(
      TenantBuilder().build(),
      DesiredBuilder()
          .user("nina", {{L("EMS")}},
                [](DesiredUser& u) { u.create = CreateSpec{"Nina", "US", {}, {}, {}, {}, {}}; })
          .get(),
      ServiceRules::builtin(), kNow, options);
  ASSERT_TRUE(result.ok());
  expect_ops(*result, {"!nina create (creating users needs a passwords file)"});
  EXPECT_EQ(seat(*result, "EMS")->after_plan, seat(*result, "EMS")->consumed);
}

TEST(PlannerTest, GroupInheritedLicenses) {
  run_cases({
      {"undesired SKU held only through a group: no operation",
       TenantBuilder().add(U("alice").group("EMS", "g-1")),
       DesiredBuilder().user("alice", {{}}),
       {}},
      {"desired SKU held through a group counts as held",
       TenantBuilder().add(U("alice").group("SPE_E3", "g-1")),
       DesiredBuilder().user("alice", {{L("SPE_E3", {"YAMMER_ENTERPRISE"})}}),
       {}},
      {"direct and inherited: the direct one is revoked",
       TenantBuilder().add(U("alice").lic("EMS").group("EMS", "g-1")),
       DesiredBuilder().user("alice", {{}}),
       {"alice revoke EMS"}},
  });
  TenantPlan p = plan(TenantBuilder().add(U("alice").lic("EMS").group("EMS", "g-1")),
                      DesiredBuilder().user("alice", {{}}));
  EXPECT_THAT(p.notes, ElementsAre("alice@contoso.com gets EMS from group g-1; remove the user "
                                   "from that group to take it away"));
  // The user keeps its seat through the group.
  EXPECT_EQ(seat(p, "EMS")->after_plan, seat(p, "EMS")->consumed);
}

TEST(PlannerTest, SeatChecks) {
  run_cases({
      {"revocations in the plan free seats first",
       TenantBuilder().seats("SPE_E3", 1).add(U("bob").lic("SPE_E3")).add(U("alice")),
       DesiredBuilder().user("alice", {{L("SPE_E3")}}).user("bob", {{}}),
       {"alice assign SPE_E3", "bob revoke SPE_E3"}},
      {"entries before rule-matched users, then by UPN",
       TenantBuilder()
           .seats("SPE_E3", 2)
           .add(U("amy").department("Sales"))
           .add(U("zed"))
           .add(U("Bea"))
           .add(U("cal")),
       DesiredBuilder()
           .rule(dept("Sales"), {L("SPE_E3")})
           .user("zed", {{L("SPE_E3")}})
           .user("cal", {{L("SPE_E3")}})
           .user("Bea", {{L("SPE_E3")}}),
       {"!amy assign SPE_E3 (no free seat of SPE_E3 (Subscription with SKU sku-SPE_E3 does not "
        "have any available licenses.)",
        "Bea assign SPE_E3", "cal assign SPE_E3", "!zed assign SPE_E3 (no free seat of SPE_E3"}},
      {"a SKU without seats",
       TenantBuilder().seats("EMS", 0).add(U("alice")),
       DesiredBuilder().user("alice", {{L("EMS")}}),
       {"!alice assign EMS (no free seat of EMS"}},
      {"deletions free no seats in this plan",
       TenantBuilder().seats("EMS", 1).add(U("carol").lic("EMS")).add(U("alice")),
       DesiredBuilder()
           .user("alice", {{L("EMS")}})
           .user("carol", std::nullopt,
                 [](DesiredUser& u) { u.state = DesiredUserState::Deleted; }),
       {"!alice assign EMS (no free seat of EMS", "carol delete"}},
      {"restores come before new assignments",
       TenantBuilder().seats("EMS", 1).add(U("alice")).add_deleted(U("zoe").lic("EMS")),
       DesiredBuilder().user("alice", {{L("EMS")}}).user("zoe", {{L("EMS")}}),
       {"!alice assign EMS (no free seat of EMS", "zoe restore"}},
      {"a restore brings back what fits and revokes the rest",
       TenantBuilder()
           .seats("SPE_E3", 1)
           .add(U("bob").lic("SPE_E3"))
           .add_deleted(U("dave").lic("SPE_E3").lic("EMS").lic("VISIOCLIENT"))
           .seats("VISIOCLIENT", 0),
       DesiredBuilder().user("dave", {{L("SPE_E3"), L("EMS")}}),
       {"dave restore", "dave revoke SPE_E3 (cannot come back: no free seat of SPE_E3)",
        "dave revoke VISIOCLIENT (cannot come back: no free seat of VISIOCLIENT)"}},
      {"a license that cannot come back is not updated either",
       TenantBuilder().seats("SPE_E3", 0).add_deleted(U("dave").lic("SPE_E3")),
       DesiredBuilder().user("dave", {{L("SPE_E3", {"TEAMS1"})}}),
       {"dave restore", "dave revoke SPE_E3 (cannot come back: no free seat of SPE_E3)",
        "!dave update SPE_E3 -TEAMS1 (cannot come back: no free seat of SPE_E3)"}},
  });
}

TEST(PlannerTest, SeatLinesAndShortfall) {
  TenantPlan p = plan(TenantBuilder()
                          .seats("SPE_E3", 3)
                          .seats("EMS", 10, 2)
                          .add(U("old").lic("SPE_E3"))
                          .add(U("a"))
                          .add(U("b"))
                          .add(U("c"))
                          .add(U("d")),
                      DesiredBuilder()
                          .managed({"SPE_E3", "EMS"})
                          .user("old", {{}})
                          .user("a", {{L("SPE_E3")}})
                          .user("b", {{L("SPE_E3")}})
                          .user("c", {{L("SPE_E3")}})
                          .user("d", {{L("SPE_E3")}}));
  // 3 seats, 1 consumed, 1 freed by the revocation: 3 assignments fit, 1 does not.
  ASSERT_EQ(p.seats.size(), 2u);  // the managed SKUs, by part number
  EXPECT_EQ(p.seats[0], (SeatLine{"EMS", "sku-EMS", 10, 2, 2, 0}));
  EXPECT_EQ(p.seats[1], (SeatLine{"SPE_E3", "sku-SPE_E3", 3, 1, 3, 1}));
  expect_ops(p, {"a assign SPE_E3", "b assign SPE_E3", "c assign SPE_E3",
                 "!d assign SPE_E3 (no free seat", "old revoke SPE_E3"});
}

TEST(PlannerTest, RestoreThatCannotBringBackEverythingEndsWithinSeats) {
  TenantPlan p =
      plan(TenantBuilder()
               .seats("SPE_E3", 2)
               .add(U("bob").lic("SPE_E3"))
               .add_deleted(U("dave").lic("SPE_E3").lic("EMS"))
               .add_deleted(U("erin").lic("SPE_E3")),
           DesiredBuilder().user("dave", {{L("SPE_E3"), L("EMS")}}).user("erin", {{L("SPE_E3")}}));
  expect_ops(p, {"dave restore", "erin restore",
                 "erin revoke SPE_E3 (cannot come back: no free seat of SPE_E3)"});
  EXPECT_EQ(*seat(p, "SPE_E3"), (SeatLine{"SPE_E3", "sku-SPE_E3", 2, 1, 2, 1}));
  EXPECT_EQ(seat(p, "EMS")->after_plan, 1);
}

TEST(PlannerTest, WhatDependsOnARestoredLicenseThatCannotComeBackGoesWithIt) {
  // MCOEV needs MCOSTANDARD of SPE_E3, which has no free seat: both go again, in the same
  // call, and the tenant stays within its seats.
  TenantPlan p = plan(TenantBuilder()
                          .seats("SPE_E3", 1)
                          .add(U("bob").lic("SPE_E3"))
                          .add_deleted(U("dave").lic("SPE_E3").lic("MCOEV").lic("EMS")),
                      DesiredBuilder().user("dave", {{L("SPE_E3"), L("MCOEV"), L("EMS")}}));
  expect_ops(p, {"dave restore",
                 "dave revoke MCOEV (cannot come back: needs MCOSTANDARD of SPE_E3, which has "
                 "no free seat)",
                 "dave revoke SPE_E3 (cannot come back: no free seat of SPE_E3)"});
  EXPECT_EQ(seat(p, "SPE_E3")->after_plan, 1);
  EXPECT_EQ(seat(p, "MCOEV")->after_plan, 0);
  EXPECT_EQ(seat(p, "EMS")->after_plan, 1);

  // A chain: the calling plan needs MCOEV, which goes with SPE_E3.
  p = plan(TenantBuilder()
               .seats("SPE_E3", 0)
               .add_deleted(U("dave").lic("SPE_E3").lic("MCOEV").lic("MCOPSTN1")),
           DesiredBuilder().user("dave", {{L("SPE_E3"), L("MCOEV"), L("MCOPSTN1")}}));
  expect_ops(p, {"dave restore",
                 "dave revoke MCOEV (cannot come back: needs MCOSTANDARD of SPE_E3, which has "
                 "no free seat)",
                 "dave revoke MCOPSTN1 (cannot come back: needs MCOEV of MCOEV, which cannot "
                 "come back either)",
                 "dave revoke SPE_E3 (cannot come back: no free seat of SPE_E3)"});
  EXPECT_EQ(seat(p, "MCOEV")->after_plan, 0);
  EXPECT_EQ(seat(p, "MCOPSTN1")->after_plan, 0);
}

TEST(PlannerTest, UpdatesNameThePlansTheyDisable) {
  TenantPlan p = plan(TenantBuilder()
                          .add(U("alice").lic("SPE_E3", {"YAMMER_ENTERPRISE"}))
                          .add(U("bob").lic("SPE_E3", {"YAMMER_ENTERPRISE"})),
                      DesiredBuilder()
                          .user("alice", {{L("SPE_E3", {"TEAMS1", "YAMMER_ENTERPRISE"})}})
                          .user("bob", {{L("SPE_E3")}}));
  ASSERT_EQ(p.operations.size(), 2u);
  EXPECT_THAT(p.operations[0].newly_disabled_plans, ElementsAre(plan_id("TEAMS1")));
  EXPECT_TRUE(p.operations[1].newly_disabled_plans.empty()) << "enabling takes nothing away";
}

TEST(PlannerTest, ExclusivePlans) {
  run_cases({
      {"a swap within one user is one call",
       TenantBuilder().add(U("alice").lic("EXCHANGESTANDARD")),
       DesiredBuilder().user("alice", {{L("SPE_E3")}}),
       {"alice revoke EXCHANGESTANDARD", "alice assign SPE_E3"}},
      {"a swap whose assignment is blocked keeps the old SKU",
       TenantBuilder().seats("SPE_E3", 0).add(U("alice").lic("EXCHANGESTANDARD")),
       DesiredBuilder().user("alice", {{L("SPE_E3")}}),
       {"!alice revoke EXCHANGESTANDARD (kept until SPE_E3 can be assigned)",
        "!alice assign SPE_E3 (no free seat of SPE_E3"}},
      {"a swap blocked by usage location keeps the old SKU",
       TenantBuilder().add(U("alice").location(std::nullopt).lic("EXCHANGESTANDARD")),
       DesiredBuilder().user("alice", {{L("SPE_E3")}}),
       {"!alice revoke EXCHANGESTANDARD (kept until SPE_E3 can be assigned)",
        "!alice assign SPE_E3 (the user has no usage location"}},
      {"conflict with a plan the user keeps (inherited) blocks the assignment",
       TenantBuilder().add(U("alice").group("EXCHANGESTANDARD", "g-1")),
       DesiredBuilder().user("alice", {{L("SPE_E3")}}),
       {"!alice assign SPE_E3 (EXCHANGE_S_ENTERPRISE of SPE_E3 cannot be held with "
        "EXCHANGE_S_STANDARD of EXCHANGESTANDARD (License assignment failed because service "
        "plans id-EXCHANGE_S_ENTERPRISE,id-EXCHANGE_S_STANDARD are mutually exclusive.))"}},
      {"conflict with an unmanaged SKU the user keeps",
       TenantBuilder().add(U("alice").lic("EXCHANGESTANDARD")),
       DesiredBuilder().managed({"SPE_E3"}).user("alice", {{L("SPE_E3")}}),
       {"!alice assign SPE_E3 (EXCHANGE_S_ENTERPRISE of SPE_E3 cannot be held with"}},
      {"disabled plans do not count",
       TenantBuilder().add(U("alice").lic("EXCHANGESTANDARD")),
       DesiredBuilder()
           .managed({"SPE_E3"})
           .user("alice", {{L("SPE_E3", {"EXCHANGE_S_ENTERPRISE"})}}),
       {"alice assign SPE_E3 -EXCHANGE_S_ENTERPRISE"}},
      {"two conflicting desired SKUs: both blocked",
       TenantBuilder().add(U("alice")),
       DesiredBuilder().user("alice", {{L("SPE_E3"), L("EXCHANGESTANDARD")}}),
       {"!alice assign EXCHANGESTANDARD (EXCHANGE_S_STANDARD of EXCHANGESTANDARD cannot be held",
        "!alice assign SPE_E3 (EXCHANGE_S_ENTERPRISE of SPE_E3 cannot be held"}},
      {"a conflict the estate already has does not block other changes",
       TenantBuilder().add(U("alice").lic("SPE_E3").group("EXCHANGESTANDARD", "g-1")),
       DesiredBuilder().user("alice", {{L("SPE_E3"), L("EMS")}}),
       {"alice assign EMS"}},
  });
}

TEST(PlannerTest, PlanDependencies) {
  run_cases({
      {"revoking what a kept plan depends on is blocked",
       TenantBuilder().add(U("alice").lic("SPE_E3").lic("MCOEV")),
       DesiredBuilder().user("alice", {{L("MCOEV")}}),
       {"!alice revoke SPE_E3 (MCOEV of MCOEV still needs MCOSTANDARD of SPE_E3 (License "
        "assignment failed because service plan id-MCOEV depends on the service plan(s) "
        "id-MCOSTANDARD.))"}},
      {"revoking both together is fine",
       TenantBuilder().add(U("alice").lic("SPE_E3").lic("MCOEV")),
       DesiredBuilder().user("alice", {{}}),
       {"alice revoke MCOEV", "alice revoke SPE_E3"}},
      {"disabling what a kept plan depends on is blocked",
       TenantBuilder().add(U("alice").lic("SPE_E3").lic("MCOEV")),
       DesiredBuilder().user("alice", {{L("SPE_E3", {"MCOSTANDARD"}), L("MCOEV")}}),
       {"!alice update SPE_E3 -MCOSTANDARD (MCOEV of MCOEV still needs MCOSTANDARD of SPE_E3"}},
      {"assigning a plan without what it depends on is blocked",
       TenantBuilder().add(U("alice")),
       DesiredBuilder().user("alice", {{L("MCOEV")}}),
       {"!alice assign MCOEV (MCOEV of MCOEV needs MCOSTANDARD (License assignment failed because "
        "service plan id-MCOEV depends on the service plan(s) id-MCOSTANDARD.))"}},
      {"assigning both in one call is fine",
       TenantBuilder().add(U("alice")),
       DesiredBuilder().user("alice", {{L("MCOEV"), L("SPE_E3")}}),
       {"alice assign MCOEV", "alice assign SPE_E3"}},
      {"a dependency chain falls with its first blocked link",
       TenantBuilder().seats("SPE_E3", 0).add(U("alice")),
       DesiredBuilder().user("alice", {{L("MCOEV"), L("SPE_E3"), L("MCOPSTN1")}}),
       {"!alice assign MCOEV (MCOEV of MCOEV needs MCOSTANDARD",
        "!alice assign MCOPSTN1 (MCOPSTN1 of MCOPSTN1 needs MCOEV",
        "!alice assign SPE_E3 (no free seat of SPE_E3"}},
  });
}

TEST(PlannerTest, UsageLocation) {
  run_cases({
      {"no usage location blocks assignments and updates, not revocations",
       TenantBuilder().add(U("alice").location(std::nullopt).lic("SPE_E3").lic("EMS")),
       DesiredBuilder().user("alice", {{L("SPE_E3", {"TEAMS1"}), L("MCOEV")}}),
       {"alice revoke EMS",
        "!alice update SPE_E3 -TEAMS1 (the user has no usage location; set one first (License "
        "assignment cannot be done for user with invalid usage location.))",
        "!alice assign MCOEV (the user has no usage location"}},
      {"a SKU prohibited in the user's location is blocked",
       TenantBuilder().add(U("li").location("CN").lic("SPE_E3").lic("MCOEV")),
       DesiredBuilder().user("li", {{L("SPE_E3"), L("MCOEV"), L("MCOPSTN1")}}),
       {"!li assign MCOPSTN1 (MCOPSTN1 may not be used in usage location CN (License assignment "
        "cannot be done for user with invalid usage location.))"}},
  });
}

DesiredUser& with_location(DesiredUser& u, const std::string& code) {
  u.properties.usage_location = code;
  return u;
}

TEST(PlannerTest, SetsUsageLocationBeforeTheAssignmentThatNeedsIt) {
  run_cases({
      {"the tenant default fills a missing location; the assignment is not blocked",
       TenantBuilder().add(U("alice").location(std::nullopt)),
       DesiredBuilder().default_location("US").user("alice", {{L("SPE_E3")}}),
       {"alice set usageLocation US", "alice assign SPE_E3"}},
      {"an empty location counts as missing",
       TenantBuilder().add(U("alice").location("")),
       DesiredBuilder().default_location("US").user("alice", {{L("SPE_E3")}}),
       {"alice set usageLocation US", "alice assign SPE_E3"}},
      {"the default never changes a location a user has",
       TenantBuilder().add(U("alice").location("DE")),
       DesiredBuilder().default_location("US").user("alice", {{L("SPE_E3")}}),
       {"alice assign SPE_E3"}},
      {"the entry's location overrides the default and changes the user's",
       TenantBuilder().add(U("alice").location("DE")).add(U("bob").location(std::nullopt)),
       DesiredBuilder()
           .default_location("US")
           .user("alice", {{L("SPE_E3")}}, [](DesiredUser& u) { with_location(u, "FR"); })
           .user("bob", {{L("EMS")}}, [](DesiredUser& u) { with_location(u, "GB"); }),
       {"alice set usageLocation FR", "alice assign SPE_E3", "bob set usageLocation GB",
        "bob assign EMS"}},
      {"no set when the user has the location already (any case)",
       TenantBuilder().add(U("alice").location("fr").lic("SPE_E3")),
       DesiredBuilder().user("alice", {{L("SPE_E3")}},
                             [](DesiredUser& u) { with_location(u, "FR"); }),
       {}},
      {"the default reaches users a rule governs, not ungoverned ones",
       TenantBuilder()
           .add(U("sam").department("Sales").location(std::nullopt))
           .add(U("olga").department("Ops").location(std::nullopt)),
       DesiredBuilder().default_location("US").rule(dept("Sales"), {L("EMS")}),
       {"sam set usageLocation US", "sam assign EMS"}},
      {"a rule on usageLocation sees the location the set gives",
       TenantBuilder().add(U("alice").location(std::nullopt)),
       DesiredBuilder()
           .rule(
               [] {
                 RuleMatch m;
                 m.usage_location = "DE";
                 return m;
               }(),
               {L("EMS")})
           .user("alice", std::nullopt, [](DesiredUser& u) { with_location(u, "DE"); }),
       {"alice set usageLocation DE", "alice assign EMS"}},
      {"the new location is checked against prohibited locations",
       TenantBuilder().add(U("li").location(std::nullopt).lic("SPE_E3").lic("MCOEV")),
       DesiredBuilder().user("li", {{L("SPE_E3"), L("MCOEV"), L("MCOPSTN1")}},
                             [](DesiredUser& u) { with_location(u, "CN"); }),
       {"li set usageLocation CN",
        "!li assign MCOPSTN1 (MCOPSTN1 may not be used in usage location CN"}},
      {"a created user gets the default in its create body, no set",
       TenantBuilder(),
       DesiredBuilder().default_location("US").user(
           "erin", {{L("EMS")}},
           [](DesiredUser& u) { u.create = CreateSpec{"Erin", {}, {}, {}, {}, {}, {}}; }),
       {"erin assign EMS", "erin create"}},
  });
}

TEST(PlannerTest, CreateBodyTakesTheEntryPropertiesAndTheDefault) {
  TenantPlan p = plan(TenantBuilder(), DesiredBuilder().default_location("US").user(
                                           "erin", {{}}, [](DesiredUser& u) {
                                             u.create = CreateSpec{"Erin", {}, {}, {}, {}, {}, {}};
                                             u.properties.department = "Sales";
                                             u.properties.account_enabled = false;
                                           }));
  ASSERT_EQ(p.operations.size(), 1u);
  EXPECT_EQ((*p.operations[0].details)["usageLocation"], "US");
  EXPECT_EQ((*p.operations[0].details)["department"], "Sales");
  EXPECT_EQ((*p.operations[0].details)["accountEnabled"], false);
}

TEST(PlannerTest, SetCarriesEveryChangedPropertyAndStaleMirrorKeepsSignInOpen) {
  auto desired = DesiredBuilder().user("alice", std::nullopt, [](DesiredUser& u) {
    u.properties.department = "Sales";
    u.properties.job_title = "Lead";  // has it already
    u.properties.account_enabled = false;
  });
  TenantBuilder tenant;
  tenant.add(U("alice").department("Ops").title("Lead"));
  TenantPlan p = plan(tenant, desired);
  expect_ops(p, {"alice set department \"Sales\", sign-in blocked"});
  EXPECT_EQ(*p.operations[0].details,
            nlohmann::json({{"department", "Sales"}, {"accountEnabled", false}}));
  tenant.mirror(MirrorState::Stale, "users page 3: 503");
  expect_ops(plan(tenant, desired),
             {"!alice set department \"Sales\", sign-in blocked (tenant mirror is stale"});
}

TEST(PlannerTest, StaleMirrorBlocksWhatRemovesAccess) {
  TenantPlan p = plan(
      TenantBuilder()
          .mirror(MirrorState::Stale, "users page 3: 503 ServiceUnavailable")
          .add(U("alice").lic("EMS").lic("SPE_E3", {"TEAMS1"}))
          .add(U("bob").lic("EMS", {"INTUNE_A"}))
          .add(U("carol"))
          .add_deleted(U("dave")),
      DesiredBuilder()
          .user("alice", {{L("SPE_E3", {"TEAMS1", "YAMMER_ENTERPRISE"}), L("MCOEV")}})
          .user("bob", {{L("EMS")}})
          .user("carol", std::nullopt, [](DesiredUser& u) { u.state = DesiredUserState::Deleted; })
          .user("dave", {{}})
          .user("erin", {{}},
                [](DesiredUser& u) { u.create = CreateSpec{"Erin", "US", {}, {}, {}, {}, {}}; }));
  const std::string stale =
      "(tenant mirror is stale: users page 3: 503 ServiceUnavailable; re-run mirror)";
  expect_ops(
      p, {"!alice revoke EMS " + stale, "!alice update SPE_E3 -TEAMS1 -YAMMER_ENTERPRISE " + stale,
          "alice assign MCOEV", "bob update EMS", "!carol delete " + stale,
          "!dave restore " + stale, "!erin create " + stale});
}

TEST(PlannerTest, NeverMirroredTenantHasOnlyANote) {
  TenantPlan p = plan(TenantBuilder().mirror(MirrorState::Never),
                      DesiredBuilder().user("alice", {{L("SPE_E3")}}));
  expect_ops(p, {});
  EXPECT_THAT(p.notes, ElementsAre("tenant was never mirrored; run mirror"));
  EXPECT_EQ(p.tenant, "contoso.onmicrosoft.com");
}

TEST(PlannerTest, FirstReadFailedPartWayPlansNothingAtAll) {
  // Some users are cached, so assignments would look possible: none may be planned.
  TenantPlan p = plan(TenantBuilder()
                          .first_read_failed("users page 2: 503 ServiceUnavailable")
                          .add(U("alice").lic("EMS"))
                          .add(U("bob")),
                      DesiredBuilder().user("alice", {{L("SPE_E3")}}).user("bob", {{L("EMS")}}));
  expect_ops(p, {});
  EXPECT_THAT(p.notes, ElementsAre("tenant was never mirrored completely (users page 2: 503 "
                                   "ServiceUnavailable): nothing is planned; run mirror"));
  EXPECT_EQ(p.not_planned, p.notes.at(0));
}

TEST(PlannerTest, GoneTenantPlansNothingAndSaysSinceWhen) {
  TenantPlan p = plan(TenantBuilder()
                          .gone("2026-12-02T03:10:00Z", "is gone from the partner's contracts")
                          .add(U("alice").lic("EMS")),
                      DesiredBuilder().user("alice", {{L("SPE_E3")}}));
  expect_ops(p, {});
  EXPECT_THAT(p.notes, ElementsAre("tenant is gone from the partner's contracts since "
                                   "2026-12-02T03:10:00Z: nothing is planned"));
  EXPECT_EQ(p.not_planned, p.notes.at(0));
}

TEST(PlannerTest, DataFromAnotherRemotePlansNothing) {
  TenantPlan p = plan(TenantBuilder().read_from("http://old.example:80").add(U("alice").lic("EMS")),
                      DesiredBuilder().user("alice", {{L("SPE_E3")}}));
  expect_ops(p, {});
  ASSERT_EQ(p.notes.size(), 1u);
  EXPECT_NE(p.notes[0].find("was mirrored from http://old.example:80"), std::string::npos)
      << p.notes[0];
  EXPECT_NE(p.notes[0].find("nothing is planned"), std::string::npos) << p.notes[0];
}

TEST(PlannerTest, BlockedSwapCascadesToTheSeatItWouldHaveFreed) {
  // alice's swap to SPE_E3 finds no seat, so her EXCHANGESTANDARD stays; bob counted on
  // that seat and is blocked too.
  TenantPlan p =
      plan(TenantBuilder()
               .seats("SPE_E3", 0)
               .seats("EXCHANGESTANDARD", 1)
               .add(U("alice").lic("EXCHANGESTANDARD"))
               .add(U("bob")),
           DesiredBuilder().user("alice", {{L("SPE_E3")}}).user("bob", {{L("EXCHANGESTANDARD")}}));
  expect_ops(p,
             {"!alice revoke EXCHANGESTANDARD (kept until SPE_E3 can be assigned)",
              "!alice assign SPE_E3 (no free seat", "!bob assign EXCHANGESTANDARD (no free seat"});
  EXPECT_EQ(seat(p, "EXCHANGESTANDARD")->shortfall, 1);
  EXPECT_EQ(seat(p, "SPE_E3")->shortfall, 1);
}

TEST(PlannerTest, OperationsOrderedByUserThenKindThenSku) {
  TenantPlan p = plan(
      TenantBuilder()
          .add(U("Bob").lic("EMS").lic("SPE_E3"))
          .add(U("alice"))
          .add_deleted(U("carl").lic("EMS").lic("MCOEV")),
      DesiredBuilder()
          .user("Bob", {{L("SPE_E3", {"TEAMS1"}), L("EXCHANGESTANDARD", {})}}, [](DesiredUser&) {})
          .user("alice", {{L("EMS"), L("EXCHANGESTANDARD")}})
          .user("carl", {{L("SPE_E3", {"YAMMER_ENTERPRISE"})}}));
  expect_ops(p, {"alice assign EMS", "alice assign EXCHANGESTANDARD", "Bob revoke EMS",
                 "Bob update SPE_E3 -TEAMS1",
                 "!Bob assign EXCHANGESTANDARD (EXCHANGE_S_STANDARD of EXCHANGESTANDARD cannot",
                 "carl restore", "carl revoke EMS", "carl revoke MCOEV",
                 "carl assign SPE_E3 -YAMMER_ENTERPRISE"});
}

TEST(PlannerTest, ShuffledInputGivesTheSamePlan) {
  TenantBuilder tenant;
  tenant.seats("SPE_E3", 40).seats("EMS", 30);
  const char* departments[] = {"Sales", "IT", "HR"};
  for (int i = 0; i < 60; ++i) {
    U u("user" + std::to_string(i));
    u.department(departments[i % 3]);
    if (i % 4 == 0) u.lic("SPE_E3");
    if (i % 5 == 0) u.lic("EMS");
    if (i % 7 == 0) u.lic("EXCHANGESTANDARD");
    if (i % 11 == 0) u.location(std::nullopt);
    if (i % 13 == 0) u.group("EMS", "g-13");
    tenant.add(u);
  }
  for (int i = 0; i < 5; ++i) tenant.add_deleted(U("gone" + std::to_string(i)).lic("SPE_E3"));
  DesiredBuilder desired;
  desired.rule(dept("Sales"), {L("SPE_E3")}).rule(dept("IT"), {L("EMS"), L("SPE_E3")});
  desired.unlisted(UnlistedPolicy::Revoke);
  for (int i = 0; i < 60; i += 6) desired.user("user" + std::to_string(i), {{L("EMS")}});
  for (int i = 0; i < 5; ++i) desired.user("gone" + std::to_string(i), {{L("SPE_E3")}});

  TenantSnapshot snapshot = tenant.build();
  auto resolved = resolve_desired_tenant(desired.get(), snapshot);
  ASSERT_TRUE(resolved.ok()) << resolved.error().message;
  ServiceRules rules = ServiceRules::builtin();
  TenantPlan expected = plan_tenant(snapshot, *resolved, rules, kNow);
  EXPECT_GT(expected.operations.size(), 20u);
  int shortfall = 0;
  for (const auto& s : expected.seats) shortfall += s.shortfall;
  EXPECT_GT(shortfall, 0);

  std::mt19937 rng(42);
  for (int round = 0; round < 5; ++round) {
    TenantSnapshot shuffled = snapshot;
    std::shuffle(shuffled.users.begin(), shuffled.users.end(), rng);
    std::shuffle(shuffled.deleted_users.begin(), shuffled.deleted_users.end(), rng);
    std::shuffle(shuffled.skus.begin(), shuffled.skus.end(), rng);
    for (auto& u : shuffled.users)
      std::shuffle(u.assigned_licenses.begin(), u.assigned_licenses.end(), rng);
    EXPECT_EQ(plan_tenant(shuffled, *resolved, rules, kNow), expected) << "round " << round;
  }
}

TEST(PlannerTest, PlanCarriesTenantAndMode) {
  TenantPlan p = plan(TenantBuilder(), DesiredBuilder().mode(TenantMode::Report));
  EXPECT_EQ(p.tenant, "contoso.onmicrosoft.com");
  EXPECT_EQ(p.tenant_id, "tenant-id");
  EXPECT_EQ(p.mode, TenantMode::Report);
}

TEST(PlannerTest, ResolutionErrorsComeBackWithFileAndLine) {
  DesiredBuilder desired;
  desired.user("alice", {{L("NOPE")}});
  auto result = plan_tenant(TenantBuilder().add(U("alice")).build(), desired.get(),
                            ServiceRules::builtin(), kNow);
  ASSERT_FALSE(result.ok());
  EXPECT_THAT(result.error().message, HasSubstr("desired.json:1:1: "));
  EXPECT_THAT(result.error().message, HasSubstr("unknown SKU \"NOPE\""));
}

TEST(PlannerTest, LearnedRulesApply) {
  ServiceRules rules;  // no built-in catalogue: only what the service taught
  EXPECT_TRUE(rules.add_learned(
      "License assignment failed because service plans id-INTUNE_A,id-TEAMS1 are mutually "
      "exclusive."));
  TenantPlan p = plan(TenantBuilder().add(U("alice").lic("SPE_E3")),
                      DesiredBuilder().user("alice", {{L("SPE_E3"), L("EMS")}}), rules);
  expect_ops(p, {"!alice assign EMS (INTUNE_A of EMS cannot be held with TEAMS1 of SPE_E3"});
}

}  // namespace planner_test
}  // namespace tenantsync
