// A tenant's desired state as a fingerprint, and whether a saved plan is still the plan of
// the current desired state (apply --plan).
#include "sync/plan/desired_fingerprint.h"

#include <gtest/gtest.h>

namespace tenantsync {
namespace desired_fingerprint_test {

const char* kTwoTenants = R"({"version": 1, "tenants": [
  {"tenant": "contoso.onmicrosoft.com", "managedSkus": ["SPE_E3", "EMS"],
   "rules": [{"where": {"department": "Sales"}, "licenses": ["EMS"]}],
   "users": [{"upn": "alice@contoso.onmicrosoft.com", "licenses": ["SPE_E3"]}]},
  {"tenant": "fabrikam.onmicrosoft.com", "mode": "report", "managedSkus": ["EMS"]}]})";

DesiredState parse(const std::string& text) {
  auto parsed = parse_desired_state(text, "desired.json");
  EXPECT_TRUE(parsed.ok()) << parsed.error().message;
  return parsed.ok() ? *parsed : DesiredState{};
}

std::string edited(std::string text, const std::string& from, const std::string& to) {
  size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  return at == std::string::npos ? text : text.replace(at, from.size(), to);
}

// The plan `desired` gives, as far as the check looks: each tenant and its fingerprint.
Plan plan_of(const DesiredState& desired) {
  Plan plan;
  for (const auto& t : desired.tenants) {
    TenantPlan p;
    p.tenant = t.tenant;
    p.tenant_id = "id-" + t.tenant;
    p.desired_fingerprint = desired_fingerprint(t);
    plan.tenants.push_back(p);
  }
  return plan;
}

TEST(DesiredFingerprintTest, IsTheCanonicalFormsDigest) {
  DesiredState a = parse(kTwoTenants);
  std::string fp = desired_fingerprint(a.tenants[0]);
  EXPECT_EQ(fp.rfind("sha256:", 0), 0u) << fp;
  EXPECT_EQ(fp.size(), 7u + 64u) << fp;
  EXPECT_NE(fp, desired_fingerprint(a.tenants[1]));
  // Where it was written does not count: the same state laid out otherwise, commented.
  DesiredState b = parse(
      edited(edited(kTwoTenants, "{\"version\": 1,", "// reformatted\n{\n\"version\": 1,"),
             "\"managedSkus\": [\"SPE_E3\", \"EMS\"],", "\"managedSkus\":[\"SPE_E3\",\"EMS\"],"));
  EXPECT_EQ(desired_fingerprint(b.tenants[0]), fp);
}

TEST(DesiredFingerprintTest, AnyChangeOfIntentChangesIt) {
  const std::string fp = desired_fingerprint(parse(kTwoTenants).tenants[0]);
  for (
      const auto& [from, to] : std::vector<std::pair<std::string, std::string>>{
          {R"("managedSkus": ["SPE_E3", "EMS"],)",
           R"("mode": "report", "managedSkus": ["SPE_E3", "EMS"],)"},
          {R"("managedSkus": ["SPE_E3", "EMS"],)",
           R"("managedSkus": ["SPE_E3", "EMS"], "unlisted": "revoke",)"},
          {R"({"department": "Sales"})", R"({"department": "Ops"})"},
          {R"("licenses": ["SPE_E3"]})", R"("licenses": ["EMS"]})"},
          {R"("licenses": ["SPE_E3"]})",
           R"("licenses": [{"sku": "SPE_E3", "disabledPlans": ["SWAY"]}]})"},
          {R"({"upn": "alice@contoso.onmicrosoft.com", "licenses": ["SPE_E3"]})",
           R"({"upn": "alice@contoso.onmicrosoft.com", "usageLocation": "DE", "licenses": ["SPE_E3"]})"},
      }) {
    EXPECT_NE(desired_fingerprint(parse(edited(kTwoTenants, from, to)).tenants[0]), fp) << to;
  }
}

TEST(DesiredFingerprintTest, APlanIsCurrentOnlyWhileEachTenantsDesiredStateIsTheSame) {
  DesiredState now = parse(kTwoTenants);
  Plan plan = plan_of(now);
  EXPECT_EQ(why_plan_is_not_current(plan, now), "");

  // Matched by domain or by id, any case.
  DesiredState by_id = now;
  by_id.tenants[0].tenant = "ID-CONTOSO.ONMICROSOFT.COM";
  plan.tenants[0].desired_fingerprint = desired_fingerprint(by_id.tenants[0]);
  EXPECT_EQ(why_plan_is_not_current(plan, by_id), "");
  plan = plan_of(now);

  DesiredState report = parse(edited(kTwoTenants, R"("managedSkus": ["SPE_E3", "EMS"],)",
                                     R"("mode": "report", "managedSkus": ["SPE_E3", "EMS"],)"));
  EXPECT_EQ(why_plan_is_not_current(plan, report),
            "the desired state of contoso.onmicrosoft.com changed since it was made");

  DesiredState without = now;
  without.tenants.erase(without.tenants.begin());
  EXPECT_EQ(why_plan_is_not_current(plan, without),
            "contoso.onmicrosoft.com is no longer in the desired state");

  // A tenant the desired state gained since is not the plan's business.
  Plan only_contoso = plan;
  only_contoso.tenants.pop_back();
  EXPECT_EQ(why_plan_is_not_current(only_contoso, now), "");

  Plan older = plan;
  older.tenants[1].desired_fingerprint.clear();
  EXPECT_EQ(why_plan_is_not_current(older, now),
            "it does not record the desired state of fabrikam.onmicrosoft.com it was made from "
            "(made by an older tenantsync)");
}

}  // namespace desired_fingerprint_test
}  // namespace tenantsync
