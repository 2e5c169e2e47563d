// settle_effect: the judgement of whether an interrupted operation took effect, one case
// per operation kind and per way it can fail to show.
#include "sync/apply/settle_effect.h"

#include <gtest/gtest.h>

namespace tenantsync {
namespace settle_effect_test {

constexpr const char* kE3 = "6fd2c87f-b296-42f0-b197-1e91e994b900";
constexpr const char* kExchange = "efb87545-963c-4e0d-99df-69c6916d9eb0";
constexpr const char* kUserAdmin = "fe930be7-5e62-47db-91af-98c3a49a38b1";

JournalEntry entry(OpKind op, nlohmann::json request = nlohmann::json::object()) {
  JournalEntry e;
  e.user = "adele@contoso.com";
  e.user_id = "u-adele";
  e.op = op;
  e.request = std::move(request);
  e.state = JournalState::Sending;
  return e;
}

User adele() {
  User u;
  u.id = "u-adele";
  u.user_principal_name = "adele@contoso.com";
  return u;
}

User with_e3(std::vector<std::string> disabled = {}) {
  User u = adele();
  u.assigned_licenses.push_back({kE3, std::move(disabled)});
  return u;
}

nlohmann::json assign_e3(std::vector<std::string> disabled = {}) {
  return {{"addLicenses", {{{"skuId", kE3}, {"disabledPlans", disabled}}}},
          {"removeLicenses", nlohmann::json::array()}};
}

nlohmann::json revoke_e3() {
  return {{"addLicenses", nlohmann::json::array()}, {"removeLicenses", {kE3}}};
}

TEST(SettleEffectTest, CreateAndRestoreTookEffectWhenTheUserIsActive) {
  for (OpKind op : {OpKind::Create, OpKind::Restore}) {
    EXPECT_TRUE(took_effect(entry(op), adele(), nullptr)) << to_string(op);
    EXPECT_FALSE(took_effect(entry(op), std::nullopt, nullptr)) << to_string(op);
  }
}

TEST(SettleEffectTest, DeleteTookEffectWhenTheUserIsNoLongerActive) {
  EXPECT_TRUE(took_effect(entry(OpKind::Delete), std::nullopt, nullptr));
  EXPECT_FALSE(took_effect(entry(OpKind::Delete), adele(), nullptr));
}

TEST(SettleEffectTest, AssignNeedsTheSkuWithExactlyTheDisabledPlans) {
  EXPECT_TRUE(took_effect(entry(OpKind::Assign, assign_e3()), with_e3(), nullptr));
  EXPECT_FALSE(took_effect(entry(OpKind::Assign, assign_e3()), adele(), nullptr));
  EXPECT_FALSE(took_effect(entry(OpKind::Assign, assign_e3({kExchange})), with_e3(), nullptr));
  EXPECT_TRUE(
      took_effect(entry(OpKind::Update, assign_e3({kExchange})), with_e3({kExchange}), nullptr));
  EXPECT_FALSE(took_effect(entry(OpKind::Assign, assign_e3()), std::nullopt, nullptr));
}

TEST(SettleEffectTest, RevokeTookEffectWhenTheSkuIsNoLongerDirect) {
  EXPECT_TRUE(took_effect(entry(OpKind::Revoke, revoke_e3()), adele(), nullptr));
  EXPECT_FALSE(took_effect(entry(OpKind::Revoke, revoke_e3()), with_e3(), nullptr));
  // Still inherited from a group: the direct assignment is gone, which is what was sent.
  User inherited = with_e3();
  inherited.license_states.push_back({kE3, std::string("g-sales"), {}, "Active", "None"});
  EXPECT_TRUE(took_effect(entry(OpKind::Revoke, revoke_e3()), inherited, nullptr));
  // A user that is gone shows nothing: the next plan decides.
  EXPECT_FALSE(took_effect(entry(OpKind::Revoke, revoke_e3()), std::nullopt, nullptr));
}

TEST(SettleEffectTest, ALicenseEntryWhoseBodyCannotBeReadDidNotTakeEffect) {
  EXPECT_FALSE(took_effect(entry(OpKind::Assign, {{"skuId", kE3}}), with_e3(), nullptr));
}

TEST(SettleEffectTest, SetTookEffectWhenEveryPropertyIsThere) {
  nlohmann::json patch = {{"usageLocation", "US"}, {"department", "Sales"}};
  User user = adele();
  user.usage_location = "us";
  EXPECT_FALSE(took_effect(entry(OpKind::SetProperties, patch), user, nullptr));
  user.department = "Sales";
  EXPECT_TRUE(took_effect(entry(OpKind::SetProperties, patch), user, nullptr));
  EXPECT_FALSE(took_effect(entry(OpKind::SetProperties, patch), std::nullopt, nullptr));
}

TEST(SettleEffectTest, RoleChangesAreJudgedFromTheAssignments) {
  JournalEntry add = entry(OpKind::AddRole, {{"roleDefinitionId", kUserAdmin}});
  JournalEntry remove = entry(OpKind::RemoveRole, {{"roleAssignmentId", "ra-1"}});
  EXPECT_TRUE(needs_role_assignments(add));
  EXPECT_TRUE(needs_role_assignments(remove));
  EXPECT_FALSE(needs_role_assignments(entry(OpKind::Assign)));

  std::vector<RoleAssignment> held = {{"ra-1", "u-adele", kUserAdmin, "/"}};
  std::vector<RoleAssignment> none;
  EXPECT_TRUE(took_effect(add, adele(), &held));
  EXPECT_FALSE(took_effect(add, adele(), &none));
  EXPECT_FALSE(took_effect(remove, adele(), &held));
  EXPECT_TRUE(took_effect(remove, adele(), &none));
  // The role held by somebody else is not this entry's.
  std::vector<RoleAssignment> others = {{"ra-2", "u-megan", kUserAdmin, "/"}};
  EXPECT_FALSE(took_effect(add, adele(), &others));
  // Without the assignments nothing can be said.
  EXPECT_FALSE(took_effect(add, adele(), nullptr));
}

TEST(SettleEffectTest, ARoleGivenRightAfterACreateIsFoundByTheCreatedUsersId) {
  JournalEntry add = entry(OpKind::AddRole, {{"roleDefinitionId", kUserAdmin}});
  add.user_id.clear();  // journalled before the user had an id
  std::vector<RoleAssignment> held = {{"ra-1", "u-adele", kUserAdmin, "/"}};
  EXPECT_TRUE(took_effect(add, adele(), &held));
  EXPECT_FALSE(took_effect(add, std::nullopt, &held));
}

TEST(SettleEffectTest, APasswordResetNeverShowsAsInEffect) {
  EXPECT_FALSE(took_effect(entry(OpKind::ResetPassword), adele(), nullptr));
}

}  // namespace settle_effect_test
}  // namespace tenantsync
