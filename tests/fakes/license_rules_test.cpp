// assignLicense and the service's licensing rules, each with its exact status, code and
// message.
#include <gtest/gtest.h>

#include "tests/fakes/graph_test_support.h"

namespace tenantsync::test {
namespace license_rules_test {

class LicenseRulesTest : public FakeGraphTest {
 protected:
  void expect_refused(const HttpReply& r, const std::string& message) {
    EXPECT_EQ(r.status, 400) << r.body;
    EXPECT_EQ(error_code(r), "Request_BadRequest");
    EXPECT_EQ(error_message(r), message);
  }
  static json add(const std::string& sku, json disabled = json::array()) {
    return json::array({{{"skuId", sku}, {"disabledPlans", disabled}}});
  }
};

TEST_F(LicenseRulesTest, AssignTakesASeatAndReturnsTheUser) {
  int before = consumed(kContoso, kEms);
  HttpReply r = assign(contoso_upn("megan.bowen"), add(kEms), json::array());
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(body_of(r)["userPrincipalName"], contoso_upn("megan.bowen"));
  EXPECT_EQ(consumed(kContoso, kEms), before + 1);
  EXPECT_EQ(state_user(kContoso, contoso_upn("megan.bowen"))["assignedLicenses"].size(), 2u);
}

TEST_F(LicenseRulesTest, NoFreeSeat) {
  // SPE_E5 in Contoso: 3 enabled, 3 consumed.
  expect_refused(assign(contoso_upn("megan.bowen"), add(kSpeE5), json::array({kSpeE3})),
                 "Subscription with SKU " + kSpeE5 + " does not have any available licenses.");
}

TEST_F(LicenseRulesTest, WarningSeatsCountAsUsable) {
  // Fabrikam SPE_E3: 10 enabled + 2 warning, 11 consumed: one seat left.
  HttpReply r = assign("kenji.sato@" + kFabrikam, add(kSpeE3), json::array(), kFabrikam);
  EXPECT_EQ(r.status, 200) << r.body;
  HttpReply full = assign("nora.fischer@" + kFabrikam, add(kSpeE3), json::array(), kFabrikam);
  EXPECT_EQ(full.status, 400);
}

TEST_F(LicenseRulesTest, ReaddingAnAssignedSkuReplacesDisabledPlansWithoutASeat) {
  // E5 is full; re-adding it to a holder only changes its disabled plans.
  HttpReply r =
      assign(contoso_upn("allan.deyoung"), add(kSpeE5, json::array({kPlanYammer})), json::array());
  ASSERT_EQ(r.status, 200) << r.body;
  json u = state_user(kContoso, contoso_upn("allan.deyoung"));
  EXPECT_EQ(u["assignedLicenses"][0]["disabledPlans"], json::array({kPlanYammer}));
  ASSERT_EQ(assign(contoso_upn("allan.deyoung"), add(kSpeE5), json::array()).status, 200);
  u = state_user(kContoso, contoso_upn("allan.deyoung"));
  EXPECT_EQ(u["assignedLicenses"][0]["disabledPlans"], json::array());
}

TEST_F(LicenseRulesTest, DeletingAUserFreesItsSeatAtOnce) {
  ASSERT_EQ(send("DELETE", "/users/" + enc(contoso_upn("debra.berger"))).status, 204);
  EXPECT_EQ(assign(contoso_upn("megan.bowen"), add(kSpeE5), json::array({kSpeE3})).status, 200);
}

TEST_F(LicenseRulesTest, UserWithoutUsageLocation) {
  expect_refused(assign(contoso_upn("irvin.sayers"), add(kEms), json::array()),
                 "License assignment cannot be done for user with invalid usage location.");
}

TEST_F(LicenseRulesTest, SkuProhibitedInTheUsersLocation) {
  // Lee Gu is in CN, where the calling plan may not be used (he has Phone System).
  expect_refused(assign(contoso_upn("lee.gu"), add(kCallingPlan), json::array()),
                 "License assignment cannot be done for user with invalid usage location.");
  EXPECT_EQ(assign(contoso_upn("henrietta.mueller"), add(kCallingPlan), json::array()).status, 200);
}

TEST_F(LicenseRulesTest, UnknownSkuAndCompanySku) {
  const std::string bogus = "00000000-1111-2222-3333-444444444444";
  expect_refused(assign(contoso_upn("megan.bowen"), add(bogus), json::array()),
                 "License " + bogus + " does not correspond to a valid company License.");
  expect_refused(assign(contoso_upn("megan.bowen"), add(kCommsCredits), json::array()),
                 "License " + kCommsCredits + " does not correspond to a valid company License.");
}

TEST_F(LicenseRulesTest, RemovingALicenseTheUserLacks) {
  expect_refused(assign(contoso_upn("megan.bowen"), json::array(), json::array({kEms})),
                 "User does not have a corresponding license.");
}

TEST_F(LicenseRulesTest, RemovingAGroupInheritedLicense) {
  expect_refused(assign(contoso_upn("christie.cline"), json::array(), json::array({kEms})),
                 "User license is inherited from a group membership and it cannot be removed "
                 "directly from the user.");
}

TEST_F(LicenseRulesTest, MutuallyExclusivePlans) {
  expect_refused(assign(contoso_upn("alex.wilber"), add(kExchangeStandard), json::array()),
                 "License assignment failed because service plans " + kPlanExchangeStandard + "," +
                     kPlanExchangeEnterprise + " are mutually exclusive.");
}

TEST_F(LicenseRulesTest, ExclusivePlanAllowedWhenDisabledInTheOtherLicense) {
  json both = add(kExchangeStandard);
  both.push_back({{"skuId", kSpeE3}, {"disabledPlans", {kPlanExchangeEnterprise}}});
  EXPECT_EQ(assign(contoso_upn("alex.wilber"), both, json::array()).status, 200);
}

TEST_F(LicenseRulesTest, PlanDependencyOnAdd) {
  // Nestor has only Exchange Online (Plan 1): Teams Phone needs MCOSTANDARD.
  expect_refused(assign(contoso_upn("nestor.wilke"), add(kTeamsPhone), json::array()),
                 "License assignment failed because service plan " + kPlanMcoev +
                     " depends on the service plan(s) " + kPlanMcoStandard + ".");
}

TEST_F(LicenseRulesTest, PlanDependencyOnRemoval) {
  // Henrietta's Teams Phone relies on the MCOSTANDARD plan of her SPE_E3.
  expect_refused(assign(contoso_upn("henrietta.mueller"), json::array(), json::array({kSpeE3})),
                 "License assignment failed because service plan " + kPlanMcoev +
                     " depends on the service plan(s) " + kPlanMcoStandard + ".");
  EXPECT_EQ(
      assign(contoso_upn("henrietta.mueller"), json::array(), json::array({kTeamsPhone, kSpeE3}))
          .status,
      200);
}

TEST_F(LicenseRulesTest, CallIsAtomic) {
  json before = state_user(kContoso, contoso_upn("megan.bowen"));
  json mixed = add(kEms);
  mixed.push_back({{"skuId", kSpeE5}, {"disabledPlans", json::array()}});  // no seat
  EXPECT_EQ(assign(contoso_upn("megan.bowen"), mixed, json::array()).status, 400);
  EXPECT_EQ(state_user(kContoso, contoso_upn("megan.bowen")), before);
}

TEST_F(LicenseRulesTest, MissingParameterAndUnknownUser) {
  HttpReply r = send("POST", "/users/" + enc(contoso_upn("megan.bowen")) + "/assignLicense",
                     {{"addLicenses", json::array()}});
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(error_message(r).find("removeLicenses"), std::string::npos);
  HttpReply missing = assign(contoso_upn("ghost"), add(kEms), json::array());
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(error_code(missing), "Request_ResourceNotFound");
}

TEST_F(LicenseRulesTest, OutOfBandChangesAreTakenAsTheyCome) {
  fake_->set_licenses(kContoso, contoso_upn("megan.bowen"),
                      json::array({{{"skuId", kEms}, {"disabledPlans", json::array()}}}));
  json u = body_of(get("/users/" + enc(contoso_upn("megan.bowen")) + "?$select=assignedLicenses"));
  ASSERT_EQ(u["assignedLicenses"].size(), 1u);
  EXPECT_EQ(u["assignedLicenses"][0]["skuId"], kEms);
}

}  // namespace license_rules_test
}  // namespace tenantsync::test
