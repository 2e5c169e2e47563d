// Directory roles: the built-in role definitions (real template ids and privileged flags)
// and per-tenant role assignments (create, list, filter, page, get, delete), who may
// change them, the service's refusals, and what deleting a user does to its assignments.
#include <gtest/gtest.h>

#include <cctype>
#include <set>

#include "tests/fakes/graph_test_support.h"

namespace tenantsync::test {
namespace roles_test {

// Template ids as Microsoft's "Microsoft Entra built-in roles" page lists them.
const std::string kGlobalAdministrator = "62e90394-69f5-4237-9190-012177145e10";
const std::string kPrivilegedRoleAdministrator = "e8611ab8-c189-46e8-94e1-60213ab1f814";
const std::string kUserAdministrator = "fe930be7-5e62-47db-91af-98c3a49a38b1";
const std::string kLicenseAdministrator = "4d6ac14f-3453-41d0-bef9-a3e0c569773a";
const std::string kHelpdeskAdministrator = "729827e3-9c14-49f7-bb1b-9608f156bbb8";
const std::string kGlobalReader = "f2ef992c-3afb-46b9-b7cf-a126ee74c451";
const std::string kDirectoryReaders = "88d8e3e3-8f55-4a1e-953a-9b9898b8876b";
const std::string kExchangeAdministrator = "29232cdf-9323-42fd-ade2-1d097af3e4de";

const std::string kAssignments = "/roleManagement/directory/roleAssignments";
const std::string kDefinitions = "/roleManagement/directory/roleDefinitions";

const std::string kUserAdminClient = "44444444-4444-4444-4444-444444444444";
const std::string kUserAdminSecret = "user-admin-secret";
const std::string kRoleAdminClient = "55555555-5555-5555-5555-555555555555";
const std::string kRoleAdminSecret = "role-admin-secret";

std::string to_upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

class RolesTest : public FakeGraphTest {
 protected:
  std::string user_id(const std::string& upn) {
    return state_user(kContoso, upn)["id"].get<std::string>();
  }
  json assignment(const std::string& principal, const std::string& role) {
    return {{"@odata.type", "#microsoft.graph.unifiedRoleAssignment"},
            {"principalId", principal},
            {"roleDefinitionId", role},
            {"directoryScopeId", "/"}};
  }
  HttpReply assign_role(const std::string& principal, const std::string& role) {
    return send("POST", kAssignments, assignment(principal, role));
  }
  json list(const std::string& query = "") { return body_of(get(kAssignments + query)); }
  void start_with_role_clients() {
    json fixture = load_demo_fixture();
    fixture["clients"].push_back({{"clientId", kUserAdminClient},
                                  {"secret", kUserAdminSecret},
                                  {"roles", {"UserAdministrator"}}});
    fixture["clients"].push_back({{"clientId", kRoleAdminClient},
                                  {"secret", kRoleAdminSecret},
                                  {"roles", {"PrivilegedRoleAdministrator"}}});
    file_ = std::make_unique<TempFile>(fixture.dump());
    start({"--fixture", file_->path()});
  }
  void expect_error(const HttpReply& r, int status, const std::string& code,
                    const std::string& message) {
    EXPECT_EQ(r.status, status) << r.body;
    if (r.status >= 400) {
      EXPECT_EQ(error_code(r), code) << r.body;
      EXPECT_EQ(error_message(r), message) << r.body;
    }
  }

  std::unique_ptr<TempFile> file_;
};

TEST_F(RolesTest, DefinitionsAreTheBuiltInRolesWithTheirTemplateIds) {
  HttpReply r = get(kDefinitions);
  ASSERT_EQ(r.status, 200) << r.body;
  json body = body_of(r);
  EXPECT_NE(body["@odata.context"].get<std::string>().find("roleDefinitions"), std::string::npos);
  json value = body["value"];
  EXPECT_GE(value.size(), 25u);
  std::map<std::string, json> by_id;
  std::set<std::string> names;
  for (const auto& d : value) {
    by_id[d["id"].get<std::string>()] = d;
    names.insert(d["displayName"].get<std::string>());
    EXPECT_EQ(d["templateId"], d["id"]);
    EXPECT_EQ(d["isBuiltIn"], true);
    EXPECT_EQ(d["isEnabled"], true);
    EXPECT_TRUE(d["isPrivileged"].is_boolean());
    EXPECT_TRUE(d["description"].is_string());
  }
  EXPECT_EQ(by_id.size(), value.size()) << "ids are unique";
  EXPECT_EQ(names.size(), value.size()) << "names are unique";
  ASSERT_TRUE(by_id.count(kGlobalAdministrator));
  EXPECT_EQ(by_id[kGlobalAdministrator]["displayName"], "Global Administrator");
  EXPECT_EQ(by_id[kGlobalAdministrator]["isPrivileged"], true);
  EXPECT_EQ(by_id[kPrivilegedRoleAdministrator]["displayName"], "Privileged Role Administrator");
  EXPECT_EQ(by_id[kPrivilegedRoleAdministrator]["isPrivileged"], true);
  EXPECT_EQ(by_id[kUserAdministrator]["displayName"], "User Administrator");
  EXPECT_EQ(by_id[kUserAdministrator]["isPrivileged"], true);
  EXPECT_EQ(by_id[kHelpdeskAdministrator]["isPrivileged"], true);
  EXPECT_EQ(by_id[kGlobalReader]["isPrivileged"], true);
  EXPECT_EQ(by_id[kLicenseAdministrator]["displayName"], "License Administrator");
  EXPECT_EQ(by_id[kLicenseAdministrator]["isPrivileged"], false);
  EXPECT_EQ(by_id[kDirectoryReaders]["isPrivileged"], false);
  EXPECT_EQ(by_id[kExchangeAdministrator]["isPrivileged"], false);

  // Any role may read them.
  EXPECT_EQ(get(kDefinitions, token(kContoso, kReaderClient, kReaderSecret)).status, 200);
}

TEST_F(RolesTest, DefinitionsHonourSelectAndADisplayNameFilter) {
  json one = body_of(get(kDefinitions + "?$filter=" + enc("displayName eq 'user administrator'")));
  ASSERT_EQ(one["value"].size(), 1u) << one;
  EXPECT_EQ(one["value"][0]["id"], kUserAdministrator);
  json none = body_of(get(kDefinitions + "?$filter=" + enc("displayName eq 'No Such Role'")));
  EXPECT_EQ(none["value"].size(), 0u);

  json selected = body_of(get(kDefinitions + "?$select=id,isPrivileged"));
  for (const auto& d : selected["value"]) {
    EXPECT_EQ(d.size(), 2u) << d;
    EXPECT_TRUE(d.contains("id") && d.contains("isPrivileged")) << d;
  }
  json ga = body_of(get(kDefinitions + "/" + kGlobalAdministrator + "?$select=displayName"));
  EXPECT_EQ(ga["displayName"], "Global Administrator");
  EXPECT_FALSE(ga.contains("id"));
  EXPECT_EQ(get(kDefinitions + "/00000000-0000-0000-0000-000000000001").status, 404);

  HttpReply bad = get(kDefinitions + "?$select=id,nonsense");
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(error_code(bad), "Request_BadRequest");
  EXPECT_EQ(get(kDefinitions + "?$filter=" + enc("isPrivileged eq true")).status, 400);
}

TEST_F(RolesTest, AssignListFilterGetAndDelete) {
  std::string adele = user_id(contoso_upn("adele.vance"));
  std::string alex = user_id(contoso_upn("alex.wilber"));
  EXPECT_EQ(list()["value"].size(), 0u);

  HttpReply created = assign_role(adele, kUserAdministrator);
  ASSERT_EQ(created.status, 201) << created.body;
  json a = body_of(created);
  EXPECT_NE(a["@odata.context"].get<std::string>().find("roleAssignments/$entity"),
            std::string::npos);
  EXPECT_FALSE(a["id"].get<std::string>().empty());
  EXPECT_EQ(a["principalId"], adele);
  EXPECT_EQ(a["roleDefinitionId"], kUserAdministrator);
  EXPECT_EQ(a["directoryScopeId"], "/");
  ASSERT_EQ(assign_role(adele, kLicenseAdministrator).status, 201);
  // The principal is an object id: a user principal name is none (as on the service).
  EXPECT_EQ(assign_role(contoso_upn("alex.wilber"), kUserAdministrator).status, 404);
  HttpReply upper = assign_role(to_upper(alex), kUserAdministrator);
  ASSERT_EQ(upper.status, 201) << upper.body;
  EXPECT_EQ(body_of(upper)["principalId"], alex);

  json all = list();
  EXPECT_EQ(all["value"].size(), 3u);
  for (const auto& v : all["value"]) {
    EXPECT_EQ(v.size(), 4u) << v;  // id, principalId, roleDefinitionId, directoryScopeId
  }
  json adeles = list("?$filter=" + enc("principalId eq '" + adele + "'"));
  ASSERT_EQ(adeles["value"].size(), 2u);
  for (const auto& v : adeles["value"]) EXPECT_EQ(v["principalId"], adele);
  json user_admins = list("?$filter=" + enc("roleDefinitionId eq '" + kUserAdministrator + "'"));
  ASSERT_EQ(user_admins["value"].size(), 2u);
  for (const auto& v : user_admins["value"]) EXPECT_EQ(v["roleDefinitionId"], kUserAdministrator);
  EXPECT_EQ(list("?$filter=" + enc("principalId eq '" + adele + "' and roleDefinitionId eq '" +
                                   kLicenseAdministrator + "'"))["value"]
                .size(),
            1u);
  EXPECT_EQ(get(kAssignments + "?$filter=" + enc("department eq 'x'")).status, 400);

  std::string id = a["id"];
  HttpReply one = get(kAssignments + "/" + enc(id));
  ASSERT_EQ(one.status, 200) << one.body;
  EXPECT_EQ(body_of(one)["principalId"], adele);

  EXPECT_EQ(send("DELETE", kAssignments + "/" + enc(id)).status, 204);
  expect_error(get(kAssignments + "/" + enc(id)), 404, "Request_ResourceNotFound",
               "Resource '" + id +
                   "' does not exist or one of its queried reference-property objects are not "
                   "present.");
  EXPECT_EQ(send("DELETE", kAssignments + "/" + enc(id)).status, 404);
  EXPECT_EQ(list()["value"].size(), 2u);
  // The same assignment may be made again once removed.
  EXPECT_EQ(assign_role(adele, kUserAdministrator).status, 201);
}

TEST_F(RolesTest, AssignmentsPageWithNextLink) {
  for (const char* who : {"adele.vance", "alex.wilber", "allan.deyoung"}) {
    ASSERT_EQ(assign_role(user_id(contoso_upn(who)), kGlobalReader).status, 201);
  }
  json page = list("?$top=2");
  ASSERT_EQ(page["value"].size(), 2u);
  ASSERT_TRUE(page.contains("@odata.nextLink")) << page;
  std::string next = page["@odata.nextLink"];
  std::string prefix = fake_->graph_url();
  ASSERT_EQ(next.rfind(prefix, 0), 0u) << next;
  json rest = body_of(get(next.substr(prefix.size())));
  ASSERT_EQ(rest["value"].size(), 1u) << rest;
  EXPECT_FALSE(rest.contains("@odata.nextLink"));
  EXPECT_NE(rest["value"][0]["id"], page["value"][0]["id"]);
  EXPECT_NE(rest["value"][0]["id"], page["value"][1]["id"]);
  HttpReply forged = get(kAssignments + "?$top=2&$skiptoken=forged");
  EXPECT_EQ(forged.status, 400);
  EXPECT_EQ(error_code(forged), "Directory_ExpiredPageToken");
  EXPECT_EQ(get(kAssignments + "?$top=0").status, 400);
}

TEST_F(RolesTest, OnlyPrivilegedRoleOrGlobalAdministratorsMayChangeAssignments) {
  start_with_role_clients();
  std::string adele = user_id(contoso_upn("adele.vance"));
  std::string user_admin = token(kContoso, kUserAdminClient, kUserAdminSecret);
  std::string role_admin = token(kContoso, kRoleAdminClient, kRoleAdminSecret);
  std::string reader = token(kContoso, kReaderClient, kReaderSecret);
  const std::string denied = "Insufficient privileges to complete the operation.";

  expect_error(send("POST", kAssignments, assignment(adele, kHelpdeskAdministrator), user_admin),
               403, "Authorization_RequestDenied", denied);
  expect_error(send("POST", kAssignments, assignment(adele, kHelpdeskAdministrator), reader), 403,
               "Authorization_RequestDenied", denied);
  HttpReply made =
      send("POST", kAssignments, assignment(adele, kHelpdeskAdministrator), role_admin);
  ASSERT_EQ(made.status, 201) << made.body;
  std::string id = body_of(made)["id"];

  // Reads need any role.
  EXPECT_EQ(get(kAssignments, user_admin).status, 200);
  EXPECT_EQ(get(kAssignments, reader).status, 200);
  EXPECT_EQ(get(kAssignments + "/" + enc(id), reader).status, 200);

  expect_error(send("DELETE", kAssignments + "/" + enc(id), nullptr, user_admin), 403,
               "Authorization_RequestDenied", denied);
  EXPECT_EQ(send("DELETE", kAssignments + "/" + enc(id), nullptr, role_admin).status, 204);
  // The demo admin client holds every role, Global Administrator included.
  EXPECT_EQ(assign_role(adele, kHelpdeskAdministrator).status, 201);
}

TEST_F(RolesTest, RefusalsUseTheServiceCodesAndMessages) {
  std::string adele = user_id(contoso_upn("adele.vance"));
  const std::string bad_request = "Request_BadRequest";

  expect_error(assign_role(adele, "00000000-0000-0000-0000-000000000001"), 400, bad_request,
               "Invalid value specified for property 'roleDefinitionId' of resource "
               "'UnifiedRoleAssignment'.");
  json no_role = assignment(adele, kUserAdministrator);
  no_role.erase("roleDefinitionId");
  expect_error(send("POST", kAssignments, no_role), 400, bad_request,
               "Property roleDefinitionId value is required but is empty or missing.");
  json no_principal = assignment(adele, kUserAdministrator);
  no_principal.erase("principalId");
  expect_error(send("POST", kAssignments, no_principal), 400, bad_request,
               "Property principalId value is required but is empty or missing.");
  json no_scope = assignment(adele, kUserAdministrator);
  no_scope.erase("directoryScopeId");
  expect_error(send("POST", kAssignments, no_scope), 400, bad_request,
               "Property directoryScopeId value is required but is empty or missing.");
  json unit_scope = assignment(adele, kUserAdministrator);
  unit_scope["directoryScopeId"] = "/administrativeUnits/5d107bba-d8e2-4e13-b6ae-884be90e5d1a";
  expect_error(send("POST", kAssignments, unit_scope), 400, bad_request,
               "Invalid value specified for property 'directoryScopeId' of resource "
               "'UnifiedRoleAssignment'.");

  const std::string ghost = "0f0f0f0f-1111-2222-3333-444444444444";
  expect_error(assign_role(ghost, kUserAdministrator), 404, "Request_ResourceNotFound",
               "Resource '" + ghost +
                   "' does not exist or one of its queried reference-property objects are not "
                   "present.");
  // A soft-deleted user is no principal.
  std::string cameron = user_id(contoso_upn("cameron.white"));
  EXPECT_EQ(assign_role(cameron, kUserAdministrator).status, 404);
  // Nor is a user of another tenant.
  std::string aisha = state_user(kFabrikam, "aisha.bello@fabrikam.onmicrosoft.com")["id"];
  EXPECT_EQ(assign_role(aisha, kUserAdministrator).status, 404);

  ASSERT_EQ(assign_role(adele, kUserAdministrator).status, 201);
  expect_error(
      assign_role(adele, kUserAdministrator), 400, bad_request,
      "A conflicting object with one or more of the specified property values is present in the "
      "directory.");
  EXPECT_EQ(list()["value"].size(), 1u);
}

TEST_F(RolesTest, DeletingAUserRemovesItsAssignmentsAndRestoreDoesNotBringThemBack) {
  std::string megan = user_id(contoso_upn("megan.bowen"));
  std::string adele = user_id(contoso_upn("adele.vance"));
  ASSERT_EQ(assign_role(megan, kUserAdministrator).status, 201);
  ASSERT_EQ(assign_role(megan, kGlobalReader).status, 201);
  ASSERT_EQ(assign_role(adele, kGlobalReader).status, 201);
  EXPECT_EQ(fake_->state(kContoso)["roleAssignments"].size(), 3u);

  ASSERT_EQ(send("DELETE", "/users/" + megan).status, 204);
  EXPECT_EQ(list("?$filter=" + enc("principalId eq '" + megan + "'"))["value"].size(), 0u);
  EXPECT_EQ(list()["value"].size(), 1u);
  ASSERT_EQ(send("POST", "/directory/deletedItems/" + megan + "/restore").status, 200);
  EXPECT_EQ(list("?$filter=" + enc("principalId eq '" + megan + "'"))["value"].size(), 0u);
  json state = fake_->state(kContoso)["roleAssignments"];
  ASSERT_EQ(state.size(), 1u);
  EXPECT_EQ(state[0]["principalId"], adele);
}

TEST_F(RolesTest, StateShowsTheAssignmentsAndFixturesMayCarryThem) {
  std::string adele = user_id(contoso_upn("adele.vance"));
  ASSERT_EQ(assign_role(adele, kGlobalAdministrator).status, 201);
  json state = fake_->state(kContoso);
  ASSERT_EQ(state["roleAssignments"].size(), 1u) << state["roleAssignments"];
  json a = state["roleAssignments"][0];
  EXPECT_EQ(a["principalId"], adele);
  EXPECT_EQ(a["roleDefinitionId"], kGlobalAdministrator);
  EXPECT_EQ(a["directoryScopeId"], "/");
  EXPECT_TRUE(a["id"].is_string());
  EXPECT_EQ(fake_->state(kFabrikam)["roleAssignments"].size(), 0u);

  // A fixture names the role by template id or display name, the principal by id or UPN.
  json fixture = load_demo_fixture();
  for (auto& t : fixture["tenants"]) {
    if (t["defaultDomainName"] != kContoso) continue;
    t["roleAssignments"] =
        json::array({{{"principalId", adele}, {"roleDefinitionId", kGlobalAdministrator}},
                     {{"id", "fixture-assignment-1"},
                      {"principalId", contoso_upn("alex.wilber")},
                      {"roleDefinitionId", "License Administrator"}}});
  }
  TempFile file(fixture.dump());
  start({"--fixture", file.path()});
  json loaded = fake_->state(kContoso)["roleAssignments"];
  ASSERT_EQ(loaded.size(), 2u) << loaded;
  json listed = list();
  ASSERT_EQ(listed["value"].size(), 2u);
  json fixed = body_of(get(kAssignments + "/fixture-assignment-1"));
  EXPECT_EQ(fixed["principalId"], user_id(contoso_upn("alex.wilber")));
  EXPECT_EQ(fixed["roleDefinitionId"], kLicenseAdministrator);
  // The state dump loads back as the same estate.
  json again = load_demo_fixture();
  for (auto& t : again["tenants"]) {
    if (t["defaultDomainName"] == kContoso) t["roleAssignments"] = loaded;
  }
  TempFile round_trip(again.dump());
  start({"--fixture", round_trip.path()});
  EXPECT_EQ(fake_->state(kContoso)["roleAssignments"], loaded);
}

TEST_F(RolesTest, RoleWritesAreCountedAsWrites) {
  std::string adele = user_id(contoso_upn("adele.vance"));
  fake_->reset_stats();
  HttpReply made = assign_role(adele, kGlobalReader);
  ASSERT_EQ(made.status, 201);
  ASSERT_EQ(send("DELETE", kAssignments + "/" + enc(body_of(made)["id"].get<std::string>())).status,
            204);
  json stats = fake_->stats();
  EXPECT_EQ(stats["writes"], 2);
  EXPECT_EQ(stats["requests"]["POST /v1.0/roleManagement/directory/roleAssignments"]["201"], 1);
  EXPECT_EQ(stats["requests"]["DELETE /v1.0/roleManagement/directory/roleAssignments/{id}"]["204"],
            1);
}

}  // namespace roles_test
}  // namespace tenantsync::test
