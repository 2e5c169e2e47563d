// Tenant membership is data (issue #15, item 2): a customer whose relationship with the
// partner ended leaves /contracts; `mirror` reports it gone (also with tenants "all"),
// plan, apply and drift plan nothing for it (one note, no request sent, drift listed
// apart), and it comes back by itself when the relationship returns.
#include <gtest/gtest.h>

#include "tests/e2e/cli_fixture.h"

namespace tenantsync::test {
namespace tenant_membership_cli_test {

using nlohmann::json;

const char* kContoso = "contoso.onmicrosoft.com";
const char* kGoneNote = "tenant is gone from the partner's contracts since ";

const json& tenant_of(const json& plan, const std::string& tenant) {
  for (const auto& t : plan["tenants"]) {
    if (t["tenant"] == tenant) return t;
  }
  throw std::runtime_error("no tenant " + tenant + " in " + plan.dump());
}

int ready_operations(const json& tenant) {
  int n = 0;
  for (const auto& op : tenant["operations"]) n += op["status"] == "ready" ? 1 : 0;
  return n;
}

TEST(TenantMembershipCliTest, ATenantGoneFromContractsPlansNothingUntilItIsBack) {
  CliFixture f;
  auto desired = f.write("desired.json", contoso_changes_desired());
  ASSERT_EQ(f.run({"mirror"}).exit_code, 0);

  f.fake().set_contract(kContoso, false);
  auto mirror = f.run({"mirror"});  // tenants "all": the mirror lists only /contracts
  EXPECT_EQ(mirror.exit_code, 0) << mirror.out << mirror.err;
  auto gone = lines_with(mirror.out, {kContoso, "GONE since", "gone from the partner's contracts"});
  EXPECT_EQ(gone.size(), 1u) << mirror.out;

  auto plan = f.run({"plan", "--desired", desired, "--format", "json"});
  ASSERT_EQ(plan.exit_code, 3) << "not planned: partly done\n" << plan.out << plan.err;
  json contoso = tenant_of(json::parse(plan.out), kContoso);
  EXPECT_EQ(contoso["operations"], json::array());
  ASSERT_EQ(contoso["notes"].size(), 1u) << contoso.dump(2);
  EXPECT_EQ(contoso["notes"][0].get<std::string>().rfind(kGoneNote, 0), 0u) << contoso["notes"];
  EXPECT_EQ(contoso["notPlanned"], contoso["notes"][0]);

  f.fake().reset_stats();
  auto apply = f.run({"apply", "--desired", desired, "--yes"});
  EXPECT_EQ(apply.exit_code, 3) << "partly done, as `run` says\n" << apply.out << apply.err;
  EXPECT_EQ(lines_with(apply.out, {"Not planned: ", kGoneNote, "nothing was sent"}).size(), 1u)
      << apply.out;
  EXPECT_EQ(apply.out.find("The tenants match the desired state"), std::string::npos) << apply.out;
  json stats = f.fake().stats();
  EXPECT_EQ(write_requests(stats), 0) << stats.dump();
  EXPECT_EQ(stats["writes"], 0);

  auto drift = f.run({"drift", "--desired", desired, "--detailed-exitcode"});
  EXPECT_EQ(drift.exit_code, 2) << "drift unknown is not \"no drift\"\n" << drift.out << drift.err;
  EXPECT_EQ(lines_with(drift.out, {kContoso, "NOT PLANNED", kGoneNote}).size(), 1u) << drift.out;
  EXPECT_EQ(drift.out.find("No drift"), std::string::npos) << drift.out;
  auto drift_json = f.run({"drift", "--desired", desired, "--format", "json"});
  ASSERT_EQ(drift_json.exit_code, 0) << drift_json.err;
  json report = json::parse(drift_json.out);
  EXPECT_EQ(report["totals"]["tenantsNotPlanned"], 1);
  EXPECT_EQ(report["drift"], true);

  // The relationship returns: the next mirror reads the tenant fully, plans resume.
  f.fake().set_contract(kContoso, true);
  auto back = f.run({"mirror"});
  EXPECT_EQ(back.exit_code, 0) << back.out << back.err;
  EXPECT_EQ(lines_with(back.out, {kContoso, " full ", "back after being gone"}).size(), 1u)
      << back.out;
  auto replan = f.run({"plan", "--desired", desired, "--format", "json"});
  ASSERT_EQ(replan.exit_code, 0) << replan.err;
  json planned = tenant_of(json::parse(replan.out), kContoso);
  EXPECT_FALSE(planned.contains("notPlanned")) << planned.dump(2);
  EXPECT_EQ(ready_operations(planned), 5) << planned.dump(2);
}

TEST(TenantMembershipCliTest, ANamedTenantGoneFromContractsIsReportedGoneNotUnknown) {
  CliFixture f;
  f.write_config({{"tenants", {kContoso, "fabrikam.onmicrosoft.com"}}});
  ASSERT_EQ(f.run({"mirror"}).exit_code, 0);
  f.fake().set_contract(kContoso, false);
  auto r = f.run({"mirror"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(lines_with(r.out, {kContoso, "GONE since"}).size(), 1u) << r.out;
  EXPECT_EQ(lines_with(r.out, {"fabrikam.onmicrosoft.com", " users "}).size(), 1u) << r.out;
  EXPECT_EQ(r.out.find("not among the partner's customer tenants"), std::string::npos) << r.out;
}

}  // namespace tenant_membership_cli_test
}  // namespace tenantsync::test
