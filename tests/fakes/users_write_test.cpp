// Writes: create, patch, delete, restore (30-day window, UPN conflicts with active users,
// licenses past the seat count), and who may do them (roles -> 403).
#include <gtest/gtest.h>

#include "tests/fakes/graph_test_support.h"

namespace tenantsync::test {
namespace users_write_test {

class UsersWriteTest : public FakeGraphTest {
 protected:
  json new_user(const std::string& upn, const std::string& password = "Tr0ub4dor&3x") {
    return {{"accountEnabled", true},
            {"displayName", "New Person"},
            {"mailNickname", "newperson"},
            {"userPrincipalName", upn},
            {"usageLocation", "US"},
            {"department", "Sales"},
            {"passwordProfile", {{"forceChangePasswordNextSignIn", true}, {"password", password}}}};
  }
  void expect_conflict(const HttpReply& r) {
    EXPECT_EQ(r.status, 400) << r.body;
    json e = body_of(r)["error"];
    EXPECT_EQ(e["code"], "Request_BadRequest");
    EXPECT_EQ(e["message"],
              "Another object with the same value for property userPrincipalName already exists.");
    ASSERT_TRUE(e["details"].is_array());
    EXPECT_EQ(e["details"][0]["code"], "ObjectConflict");
    EXPECT_EQ(e["details"][0]["target"], "userPrincipalName");
  }
};

TEST_F(UsersWriteTest, QuotesControlCharactersAndUnicodeComeBackIntactInPagesOfUsers) {
  // Pages of users are written as text, not through a JSON tree (fake_json_text.h).
  const std::string name = "Zo\u00eb \"Q\" O'Brien \\ \U0001F600\ttab";
  const std::string department = "R&D / \"Lab\" \u00e9quipe\n2";
  json body = new_user(contoso_upn("zoe.q"));
  body["displayName"] = name;
  body["department"] = department;
  ASSERT_EQ(send("POST", "/users", body).status, 201);
  auto check = [&](const json& page, const std::string& where) {
    bool found = false;
    for (const auto& u : page["value"]) {
      if (u.value("userPrincipalName", "") != contoso_upn("zoe.q")) continue;
      found = true;
      EXPECT_EQ(u["displayName"], name) << where;
      EXPECT_EQ(u["department"], department) << where;
    }
    EXPECT_TRUE(found) << where;
  };
  const std::string select = "$select=userPrincipalName,displayName,department";
  check(body_of(get("/users?$top=999&" + select)), "/users");
  check(body_of(get("/users/delta?" + select)), "/users/delta");
}

TEST_F(UsersWriteTest, CreateReturns201AndTheUserIsThere) {
  HttpReply r = send("POST", "/users", new_user(contoso_upn("new.person")));
  ASSERT_EQ(r.status, 201) << r.body;
  json created = body_of(r);
  EXPECT_FALSE(created["id"].get<std::string>().empty());
  EXPECT_EQ(r.body.find("Tr0ub4dor"), std::string::npos);  // passwords never come back
  json u = body_of(get("/users/" + created["id"].get<std::string>() +
                       "?$select=userPrincipalName,usageLocation,department,accountEnabled"));
  EXPECT_EQ(u["usageLocation"], "US");
  EXPECT_EQ(u["department"], "Sales");
  EXPECT_EQ(u["accountEnabled"], true);
  // On a verified non-default domain too.
  EXPECT_EQ(send("POST", "/users", new_user("rep@sales.contoso.com")).status, 201);
}

TEST_F(UsersWriteTest, DuplicateUpnConflictsWithActiveUsers) {
  expect_conflict(send("POST", "/users", new_user(contoso_upn("adele.vance"))));
  expect_conflict(send("POST", "/users", new_user("ADELE.VANCE@contoso.onmicrosoft.com")));
  // A purged user's name is free again.
  EXPECT_EQ(send("POST", "/users", new_user(contoso_upn("brian.johnson"))).status, 201);
}

// docs/fake-graph.md: a soft-deleted user's UPN may be taken by a new user; restoring the
// deleted one then fails with the conflict error until newUserPrincipalName is given.
TEST_F(UsersWriteTest, ANewUserMayTakeASoftDeletedUsersNameAndRestoreThenConflicts) {
  const std::string upn = contoso_upn("cameron.white");
  std::string cameron = state_user(kContoso, upn)["id"];
  HttpReply created = send("POST", "/users", new_user("Cameron.White@contoso.onmicrosoft.com"));
  ASSERT_EQ(created.status, 201) << created.body;
  std::string newcomer = body_of(created)["id"];
  EXPECT_NE(newcomer, cameron);
  // By name, /users finds the active user and deleted items the deleted one.
  EXPECT_EQ(body_of(get("/users/" + enc(upn)))["id"], newcomer);
  EXPECT_EQ(body_of(get("/directory/deletedItems/" + enc(upn)))["id"], cameron);
  json filtered = body_of(get("/users?$filter=" + enc("userPrincipalName eq '" + upn + "'")));
  ASSERT_EQ(filtered["value"].size(), 1u);
  EXPECT_EQ(filtered["value"][0]["id"], newcomer);

  expect_conflict(send("POST", "/directory/deletedItems/" + cameron + "/restore"));
  expect_conflict(send("POST", "/directory/deletedItems/" + enc(upn) + "/restore"));
  EXPECT_EQ(get("/directory/deletedItems/" + cameron).status, 200);  // still deleted
  HttpReply restored = send("POST", "/directory/deletedItems/" + cameron + "/restore",
                            {{"newUserPrincipalName", contoso_upn("cameron.white.old")}});
  ASSERT_EQ(restored.status, 200) << restored.body;
  EXPECT_EQ(body_of(restored)["id"], cameron);
  EXPECT_EQ(body_of(restored)["userPrincipalName"], contoso_upn("cameron.white.old"));
  EXPECT_EQ(body_of(get("/users/" + enc(upn)))["id"], newcomer);
  EXPECT_EQ(body_of(get("/users/" + enc(contoso_upn("cameron.white.old"))))["id"], cameron);
}

// Two soft-deleted users may hold one name (each deleted after the other took it), and a
// rename (PATCH) to a soft-deleted user's name is allowed like a create.
TEST_F(UsersWriteTest, SoftDeletedNamesBlockNeitherRenamesNorALaterDeletion) {
  const std::string upn = contoso_upn("cameron.white");
  std::string cameron = state_user(kContoso, upn)["id"];
  std::string irvin = "/users/" + enc(contoso_upn("irvin.sayers"));
  ASSERT_EQ(send("PATCH", irvin, {{"userPrincipalName", upn}}).status, 204);
  expect_conflict(
      send("PATCH", "/users/" + enc(contoso_upn("adele.vance")), {{"userPrincipalName", upn}}));
  std::string irvin_id = body_of(get("/users/" + enc(upn)))["id"];
  ASSERT_EQ(send("DELETE", "/users/" + enc(upn)).status, 204);
  // Both deleted users hold the name now; each restores on its own, the second conflicts.
  ASSERT_EQ(send("POST", "/directory/deletedItems/" + irvin_id + "/restore").status, 200);
  expect_conflict(send("POST", "/directory/deletedItems/" + cameron + "/restore"));
  EXPECT_EQ(body_of(get("/users/" + enc(upn)))["id"], irvin_id);
}

TEST_F(UsersWriteTest, CreateNeedsAMailNickname) {
  json missing = new_user(contoso_upn("no.nickname"));
  missing.erase("mailNickname");
  HttpReply r = send("POST", "/users", missing);
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(error_code(r), "Request_BadRequest");
  EXPECT_EQ(error_message(r), "Property mailNickname value is required but is empty or missing.");
  json empty = new_user(contoso_upn("no.nickname"));
  empty["mailNickname"] = "";
  EXPECT_EQ(error_message(send("POST", "/users", empty)),
            "Property mailNickname value is required but is empty or missing.");
  for (const json& bad : {json(42), json("has space"), json("a@b"), json("naveen.mills,.jr.")}) {
    json body = new_user(contoso_upn("bad.nickname"));
    body["mailNickname"] = bad;
    HttpReply refused = send("POST", "/users", body);
    EXPECT_EQ(refused.status, 400) << bad;
    EXPECT_EQ(error_message(refused),
              "Invalid value specified for property 'mailNickname' of resource 'User'.")
        << bad;
    json details = body_of(refused)["error"]["details"];
    ASSERT_TRUE(details.is_array()) << refused.body;
    EXPECT_EQ(details[0]["code"], "InvalidValue");
    EXPECT_EQ(details[0]["target"], "mailNickname");
  }
  EXPECT_TRUE(state_user(kContoso, contoso_upn("no.nickname")).is_null());
  EXPECT_TRUE(state_user(kContoso, contoso_upn("bad.nickname")).is_null());
}

TEST_F(UsersWriteTest, PasswordComplexity) {
  const std::string message =
      "The specified password does not comply with password complexity requirements. Please "
      "provide a different password.";
  for (const std::string& weak : {std::string("Ab1!"), std::string("alllowercase1"),
                                  std::string("NOLOWER_OR_DIGIT"), std::string(257, 'a') + "A1"}) {
    HttpReply r = send("POST", "/users", new_user(contoso_upn("weak.pass"), weak));
    EXPECT_EQ(r.status, 400) << weak;
    EXPECT_EQ(error_message(r), message);
  }
  EXPECT_EQ(send("POST", "/users", new_user(contoso_upn("ok.pass"), "lower UPPER 123")).status,
            201);
}

TEST_F(UsersWriteTest, CreateNeedsPasswordAndAVerifiedDomain) {
  json no_password = new_user(contoso_upn("no.password"));
  no_password.erase("passwordProfile");
  EXPECT_EQ(send("POST", "/users", no_password).status, 400);
  HttpReply foreign = send("POST", "/users", new_user("someone@fabrikam.onmicrosoft.com"));
  EXPECT_EQ(foreign.status, 400);
  EXPECT_EQ(error_code(foreign), "Request_BadRequest");
}

// As the real directory: a user principal name only in a verified domain of the tenant,
// on create, on rename (PATCH) and on restore under a new name.
TEST_F(UsersWriteTest, UnverifiedDomainsAreRefusedOnCreateRenameAndRestore) {
  const std::string message =
      "The domain portion of the userPrincipalName property is invalid. You must use one of "
      "the verified domain names in your organization.";
  for (const std::string& upn :
       {std::string("other@evil.example"), std::string("someone@fabrikam.onmicrosoft.com"),
        std::string("no-domain")}) {
    HttpReply r = send("POST", "/users", new_user(upn));
    EXPECT_EQ(r.status, 400) << upn;
    EXPECT_EQ(error_code(r), "Request_BadRequest") << upn;
    EXPECT_EQ(error_message(r), message) << upn;
  }
  HttpReply rename = send("PATCH", "/users/" + enc(contoso_upn("irvin.sayers")),
                          {{"userPrincipalName", "irvin@evil.example"}});
  EXPECT_EQ(rename.status, 400);
  EXPECT_EQ(error_message(rename), message);
  EXPECT_EQ(get("/users/" + enc(contoso_upn("irvin.sayers"))).status, 200);
  EXPECT_EQ(send("PATCH", "/users/" + enc(contoso_upn("irvin.sayers")),
                 {{"userPrincipalName", "irvin@sales.contoso.com"}})
                .status,
            204);
  EXPECT_EQ(get("/users/" + enc("irvin@sales.contoso.com")).status, 200);
}

// GET /domains lists the tenant's verified domains as Graph's domain objects.
TEST_F(UsersWriteTest, DomainsListsTheVerifiedDomains) {
  HttpReply r = get("/domains");
  ASSERT_EQ(r.status, 200) << r.body;
  json value = body_of(r)["value"];
  ASSERT_EQ(value.size(), 2u) << r.body;
  EXPECT_EQ(value[0]["id"], "contoso.onmicrosoft.com");
  EXPECT_EQ(value[0]["isInitial"], true);
  EXPECT_EQ(value[0]["isDefault"], true);
  EXPECT_EQ(value[0]["isVerified"], true);
  EXPECT_EQ(value[1]["id"], "sales.contoso.com");
  EXPECT_EQ(value[1]["isInitial"], false);
  EXPECT_EQ(value[1]["isDefault"], false);
  EXPECT_EQ(value[1]["isVerified"], true);
}

TEST_F(UsersWriteTest, PatchUsageLocationAndPassword) {
  std::string irvin = "/users/" + enc(contoso_upn("irvin.sayers"));
  HttpReply r = send("PATCH", irvin, {{"usageLocation", "GB"}, {"jobTitle", "Support Lead"}});
  ASSERT_EQ(r.status, 204) << r.body;
  json u = body_of(get(irvin + "?$select=usageLocation,jobTitle"));
  EXPECT_EQ(u["usageLocation"], "GB");
  EXPECT_EQ(u["jobTitle"], "Support Lead");
  // Now a license can be assigned.
  EXPECT_EQ(
      assign(contoso_upn("irvin.sayers"),
             json::array({{{"skuId", kEms}, {"disabledPlans", json::array()}}}), json::array())
          .status,
      200);
  EXPECT_EQ(send("PATCH", irvin, {{"usageLocation", "Great Britain"}}).status, 400);
  EXPECT_EQ(
      send("PATCH", irvin,
           {{"passwordProfile", {{"password", "weak"}, {"forceChangePasswordNextSignIn", true}}}})
          .status,
      400);
  EXPECT_EQ(send("PATCH", irvin,
                 {{"passwordProfile",
                   {{"password", "N3w-Temp-Passw0rd"}, {"forceChangePasswordNextSignIn", true}}}})
                .status,
            204);
  EXPECT_EQ(send("PATCH", "/users/" + enc(contoso_upn("ghost")), {{"jobTitle", "x"}}).status, 404);
}

std::string invalid_value(const std::string& property) {
  return "Invalid value specified for property '" + property + "' of resource 'User'.";
}

// The user resource's documented rules, on create as on update: displayName is required
// and cannot be cleared; displayName at most 256 characters, givenName, surname and
// department 64, jobTitle 128; an empty string is no value (null clears the others);
// usageLocation is an ISO 3166 code. A body that breaks one is refused whole.
TEST_F(UsersWriteTest, PatchRefusesWhatTheServiceRefusesAndChangesNothing) {
  const std::string irvin = "/users/" + enc(contoso_upn("irvin.sayers"));
  json before = state_user(kContoso, contoso_upn("irvin.sayers"));
  const std::vector<std::pair<json, std::string>> refused = {
      {{{"displayName", ""}}, "displayName"},
      {{{"displayName", nullptr}}, "displayName"},
      {{{"displayName", std::string(257, 'n')}}, "displayName"},
      {{{"department", std::string(100, 'd')}}, "department"},
      {{{"department", ""}}, "department"},
      {{{"givenName", std::string(65, 'g')}}, "givenName"},
      {{{"surname", std::string(65, 's')}}, "surname"},
      {{{"jobTitle", std::string(129, 'j')}}, "jobTitle"},
      {{{"usageLocation", "ZZ"}}, "usageLocation"},
      {{{"usageLocation", "UK"}}, "usageLocation"},
      {{{"jobTitle", "Lead"}, {"usageLocation", "ZZ"}}, "usageLocation"},
  };
  for (const auto& [body, property] : refused) {
    HttpReply r = send("PATCH", irvin, body);
    EXPECT_EQ(r.status, 400) << body;
    EXPECT_EQ(error_code(r), "Request_BadRequest") << body;
    EXPECT_EQ(error_message(r), invalid_value(property)) << body;
  }
  EXPECT_EQ(state_user(kContoso, contoso_upn("irvin.sayers")), before);

  // The limits themselves, counted in characters (each "\u00e9" is two bytes); null clears.
  std::string e_acute;
  for (int i = 0; i < 64; ++i) e_acute += "\u00e9";
  HttpReply fits = send("PATCH", irvin,
                        {{"displayName", std::string(256, 'n')},
                         {"department", e_acute},
                         {"jobTitle", nullptr},
                         {"usageLocation", "gb"}});
  ASSERT_EQ(fits.status, 204) << fits.body;
  json after = state_user(kContoso, contoso_upn("irvin.sayers"));
  EXPECT_EQ(after["displayName"], std::string(256, 'n'));
  EXPECT_EQ(after["department"], e_acute);
  EXPECT_TRUE(after["jobTitle"].is_null()) << after;
  EXPECT_EQ(after["usageLocation"], "GB");
}

TEST_F(UsersWriteTest, CreateRefusesWhatTheServiceRefuses) {
  json no_enabled = new_user(contoso_upn("refused.user"));
  no_enabled.erase("accountEnabled");
  HttpReply r = send("POST", "/users", no_enabled);
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(error_code(r), "Request_BadRequest");
  EXPECT_EQ(error_message(r), "Property accountEnabled value is required but is empty or missing.");
  no_enabled["accountEnabled"] = nullptr;
  EXPECT_EQ(error_message(send("POST", "/users", no_enabled)),
            "Property accountEnabled value is required but is empty or missing.");

  const std::vector<std::pair<std::string, json>> refused = {
      {"displayName", ""},
      {"displayName", std::string(257, 'n')},
      {"usageLocation", "ZZ"},
      {"department", std::string(100, 'd')},
      {"givenName", ""},
      {"surname", std::string(65, 's')},
      {"jobTitle", std::string(129, 'j')},
  };
  for (const auto& [property, value] : refused) {
    json body = new_user(contoso_upn("refused.user"));
    body[property] = value;
    HttpReply refusal = send("POST", "/users", body);
    EXPECT_EQ(refusal.status, 400) << property << " " << value;
    EXPECT_EQ(error_code(refusal), "Request_BadRequest") << property;
    EXPECT_EQ(error_message(refusal), invalid_value(property)) << property << " " << value;
  }
  EXPECT_TRUE(state_user(kContoso, contoso_upn("refused.user")).is_null());
}

TEST_F(UsersWriteTest, DeleteSoftDeletesAndFreesSeats) {
  int before = consumed(kContoso, kSpeE3);
  ASSERT_EQ(send("DELETE", "/users/" + enc(contoso_upn("megan.bowen"))).status, 204);
  EXPECT_EQ(consumed(kContoso, kSpeE3), before - 1);
  EXPECT_EQ(get("/users/" + enc(contoso_upn("megan.bowen"))).status, 404);
  json deleted = body_of(get(
      "/directory/deletedItems/microsoft.graph.user?$select=userPrincipalName,assignedLicenses"));
  bool found = false;
  for (const auto& u : deleted["value"]) {
    if (u["userPrincipalName"] == contoso_upn("megan.bowen")) {
      found = true;
      EXPECT_TRUE(u["deletedDateTime"].is_string());
      EXPECT_EQ(u["assignedLicenses"].size(), 1u);
    }
  }
  EXPECT_TRUE(found);
  EXPECT_EQ(send("DELETE", "/users/" + enc(contoso_upn("megan.bowen"))).status, 404);
}

TEST_F(UsersWriteTest, RestoreBringsBackLicensesEvenPastTheSeatCount) {
  // Fill the last SPE_E3 seat, then restore Cameron who held SPE_E3 and EMS.
  ASSERT_EQ(
      assign(contoso_upn("emily.braun"),
             json::array({{{"skuId", kSpeE3}, {"disabledPlans", json::array()}}}), json::array())
          .status,
      200);
  json e3 = json();
  json skus = body_of(get("/subscribedSkus"));
  for (const auto& s : skus["value"]) {
    if (s["skuId"] == kSpeE3) e3 = s;
  }
  ASSERT_EQ(e3["consumedUnits"], e3["prepaidUnits"]["enabled"]);
  std::string id = state_user(kContoso, contoso_upn("cameron.white"))["id"];
  HttpReply r = send("POST", "/directory/deletedItems/" + id + "/restore");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(body_of(r)["id"], id);
  json u = body_of(get("/users/" + id + "?$select=assignedLicenses"));
  EXPECT_EQ(u["assignedLicenses"].size(), 2u);
  EXPECT_EQ(consumed(kContoso, kSpeE3), e3["prepaidUnits"]["enabled"].get<int>() + 1);
  EXPECT_EQ(send("POST", "/directory/deletedItems/" + id + "/restore").status, 404);
}

TEST_F(UsersWriteTest, RestoreWithAnActiveUsersNameConflicts) {
  std::string id = state_user(kContoso, contoso_upn("cameron.white"))["id"];
  expect_conflict(send("POST", "/directory/deletedItems/" + id + "/restore",
                       {{"newUserPrincipalName", contoso_upn("adele.vance")}}));
  HttpReply renamed = send("POST", "/directory/deletedItems/" + id + "/restore",
                           {{"newUserPrincipalName", contoso_upn("cameron.white2")}});
  ASSERT_EQ(renamed.status, 200) << renamed.body;
  EXPECT_EQ(body_of(renamed)["userPrincipalName"], contoso_upn("cameron.white2"));
}

TEST_F(UsersWriteTest, RestoreWindowIsThirtyDays) {
  // Brian Johnson was deleted 2026-09-30: purged already.
  EXPECT_TRUE(state_user(kContoso, contoso_upn("brian.johnson")).is_null());
  HttpReply purged =
      send("POST", "/directory/deletedItems/" + enc(contoso_upn("brian.johnson")) + "/restore");
  EXPECT_EQ(purged.status, 404);
  EXPECT_EQ(error_code(purged), "Request_ResourceNotFound");
  // Cameron was deleted 2026-11-10; 21 days later he is gone too.
  std::string cameron = state_user(kContoso, contoso_upn("cameron.white"))["id"];
  fake_->advance_clock(21L * 24 * 3600);
  tokens_.clear();
  EXPECT_EQ(send("POST", "/directory/deletedItems/" + cameron + "/restore").status, 404);
  EXPECT_EQ(body_of(get("/directory/deletedItems/microsoft.graph.user"))["value"].size(), 0u);
}

TEST_F(UsersWriteTest, ReaderRoleMayReadButNotWrite) {
  std::string reader = token(kContoso, kReaderClient, kReaderSecret);
  EXPECT_EQ(get("/users", reader).status, 200);
  EXPECT_EQ(get("/subscribedSkus", reader).status, 200);
  std::string id = state_user(kContoso, contoso_upn("cameron.white"))["id"];
  std::vector<HttpReply> denied = {
      send("POST", "/users", new_user(contoso_upn("x.y")), reader),
      send("PATCH", "/users/" + enc(contoso_upn("irvin.sayers")), {{"usageLocation", "US"}},
           reader),
      send("DELETE", "/users/" + enc(contoso_upn("irvin.sayers")), nullptr, reader),
      send("POST", "/directory/deletedItems/" + id + "/restore", nullptr, reader),
      send("POST", "/users/" + enc(contoso_upn("megan.bowen")) + "/assignLicense",
           {{"addLicenses", json::array()}, {"removeLicenses", json::array()}}, reader)};
  for (const auto& r : denied) {
    EXPECT_EQ(r.status, 403) << r.body;
    EXPECT_EQ(error_code(r), "Authorization_RequestDenied");
    EXPECT_EQ(error_message(r), "Insufficient privileges to complete the operation.");
  }
}

TEST_F(UsersWriteTest, LicenseAdministratorMayLicenseButNotManageUsers) {
  json fixture = load_demo_fixture();
  fixture["clients"].push_back({{"clientId", "44444444-4444-4444-4444-444444444444"},
                                {"secret", "license-secret"},
                                {"roles", {"LicenseAdministrator"}}});
  fixture["clients"].push_back({{"clientId", "55555555-5555-5555-5555-555555555555"},
                                {"secret", "helpdesk-secret"},
                                {"roles", {"PrivilegedAuthenticationAdministrator"}}});
  TempFile file(fixture.dump());
  start({"--fixture", file.path()});
  std::string lic = token(kContoso, "44444444-4444-4444-4444-444444444444", "license-secret");
  std::string pwd = token(kContoso, "55555555-5555-5555-5555-555555555555", "helpdesk-secret");
  std::string irvin = "/users/" + enc(contoso_upn("irvin.sayers"));
  EXPECT_EQ(send("PATCH", irvin, {{"usageLocation", "US"}}, lic).status, 204);
  EXPECT_EQ(send("POST", irvin + "/assignLicense",
                 {{"addLicenses", {{{"skuId", kEms}, {"disabledPlans", json::array()}}}},
                  {"removeLicenses", json::array()}},
                 lic)
                .status,
            200);
  EXPECT_EQ(send("POST", "/users", new_user(contoso_upn("x.y")), lic).status, 403);
  json reset = {{"passwordProfile",
                 {{"password", "N3w-Temp-Passw0rd"}, {"forceChangePasswordNextSignIn", true}}}};
  EXPECT_EQ(send("PATCH", irvin, reset, lic).status, 403);
  EXPECT_EQ(send("PATCH", irvin, reset, pwd).status, 204);
  EXPECT_EQ(send("PATCH", irvin, {{"department", "IT"}}, pwd).status, 403);
}

}  // namespace users_write_test
}  // namespace tenantsync::test
