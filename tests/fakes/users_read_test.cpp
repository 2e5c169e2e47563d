// Reads: /contracts, /subscribedSkus, /users (paging, $top, $select, $filter), /users/{id}.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>

#include "tests/fakes/graph_test_support.h"

namespace tenantsync::test {
namespace users_read_test {

class UsersReadTest : public FakeGraphTest {};

std::set<std::string> keys_of(const json& object) {
  std::set<std::string> out;
  for (const auto& [k, v] : object.items()) out.insert(k);
  return out;
}

TEST_F(UsersReadTest, GraphAnswersCarryODataVersionDateAndTheClientsRequestId) {
  HttpReply r =
      http_request("GET", fake_->graph_url() + "/subscribedSkus", "",
                   {{"Authorization", "Bearer " + token()}, {"client-request-id", "sdk-req-1"}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.headers["odata-version"], "4.0");
  EXPECT_EQ(r.headers["client-request-id"], "sdk-req-1");
  EXPECT_FALSE(r.headers["request-id"].empty());
  EXPECT_NE(r.headers["date"].find(" GMT"), std::string::npos) << r.headers["date"];
  HttpReply missing = get("/users/nobody@contoso.onmicrosoft.com");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.headers["odata-version"], "4.0");
}

TEST_F(UsersReadTest, TheContextNamesTheSelectedPropertiesAsTheServiceDoes) {
  auto context = [&](const std::string& path) {
    return body_of(get(path))["@odata.context"].get<std::string>();
  };
  const std::string base = fake_->graph_url() + "/$metadata#";
  EXPECT_EQ(context("/users?$top=1"), base + "users");
  EXPECT_EQ(context("/users?$select=id,displayName&$top=1"), base + "users(id,displayName)");
  const std::string megan = "/users/" + enc(contoso_upn("megan.bowen"));
  EXPECT_EQ(context(megan), base + "users/$entity");
  EXPECT_EQ(context(megan + "?$select=id"), base + "users(id)/$entity");
  EXPECT_EQ(context("/users/delta?$select=userPrincipalName&$top=50"),
            base + "users(userPrincipalName)");
}

TEST_F(UsersReadTest, ContractsListTheCustomersForThePartnerOnly) {
  HttpReply r = get("/contracts", token(kPartner));
  ASSERT_EQ(r.status, 200) << r.body;
  json value = body_of(r)["value"];
  ASSERT_EQ(value.size(), 3u);
  std::set<std::string> domains;
  for (const auto& c : value) {
    domains.insert(c["defaultDomainName"]);
    for (const char* key : {"id", "contractType", "customerId", "displayName"}) {
      EXPECT_TRUE(c.contains(key)) << key;
    }
  }
  EXPECT_EQ(domains, (std::set<std::string>{kContoso, kFabrikam, kNorthwind}));
  HttpReply denied = get("/contracts", token(kContoso));
  EXPECT_EQ(denied.status, 403);
  EXPECT_EQ(error_code(denied), "Authorization_RequestDenied");
}

TEST_F(UsersReadTest, AnEndedContractLeavesContractsAndDeniesTheTenantUntilRestored) {
  std::string tok = token(kContoso);  // a token taken before the relationship ends
  fake_->set_contract(kContoso, false);
  json value = body_of(get("/contracts", token(kPartner)))["value"];
  std::set<std::string> domains;
  for (const auto& c : value) domains.insert(c["defaultDomainName"]);
  EXPECT_EQ(domains, (std::set<std::string>{kFabrikam, kNorthwind}));
  for (const char* path : {"/subscribedSkus", "/users", "/users/delta"}) {
    HttpReply denied = get(path, tok);
    EXPECT_EQ(denied.status, 403) << path;
    EXPECT_EQ(error_code(denied), "Authorization_RequestDenied") << path;
  }
  HttpReply write = send("POST", "/users/" + enc(contoso_upn("megan.bowen")) + "/assignLicense",
                         {{"addLicenses", json::array()}, {"removeLicenses", json::array()}}, tok);
  EXPECT_EQ(write.status, 403);
  EXPECT_EQ(get("/subscribedSkus", token(kFabrikam)).status, 200) << "other tenants unaffected";

  fake_->set_contract(kContoso, true);
  EXPECT_EQ(body_of(get("/contracts", token(kPartner)))["value"].size(), 3u);
  EXPECT_EQ(get("/subscribedSkus", tok).status, 200);
}

TEST_F(UsersReadTest, SubscribedSkusDeriveConsumedUnitsCountingGroupLicensesOnce) {
  HttpReply r = get("/subscribedSkus");
  ASSERT_EQ(r.status, 200);
  json skus = body_of(r)["value"];
  ASSERT_EQ(skus.size(), 7u);
  for (const auto& s : skus) {
    for (const char* key :
         {"id", "accountId", "accountName", "subscriptionIds", "skuId", "skuPartNumber",
          "appliesTo", "capabilityStatus", "consumedUnits", "prepaidUnits", "servicePlans"}) {
      EXPECT_TRUE(s.contains(key)) << key;
    }
    EXPECT_EQ(s["accountName"], "Contoso");
    EXPECT_EQ(s["id"], s["accountId"].get<std::string>() + "_" + s["skuId"].get<std::string>());
    ASSERT_EQ(s["subscriptionIds"].size(), 1u);
    EXPECT_EQ(s["subscriptionIds"][0].get<std::string>().size(), 36u);
    if (s["skuId"] == kEms) {
      // 4 direct (Alex, Joni, Lynne, Patti) + 2 via group (Christie, Grady).
      EXPECT_EQ(s["consumedUnits"], 6);
      EXPECT_EQ(s["prepaidUnits"]["enabled"], 10);
    }
    if (s["skuId"] == kSpeE5) {
      EXPECT_EQ(s["consumedUnits"], s["prepaidUnits"]["enabled"]);
    }
    if (s["skuId"] == kCommsCredits) {
      EXPECT_EQ(s["appliesTo"], "Company");
    }
  }
}

TEST_F(UsersReadTest, PagingReturnsEveryUserExactlyOnce) {
  start({"--generate", "tenants=1,users=250,skus=3,seed=4"});
  std::string tok = token("tenant0001.onmicrosoft.com", kAdminClient, "generated-secret");
  std::set<std::string> seen;
  size_t pages = 0;
  std::string url = fake_->graph_url() + "/users?$top=37&$select=id,userPrincipalName";
  while (!url.empty()) {
    HttpReply r = http_request("GET", url, "", {{"Authorization", "Bearer " + tok}});
    ASSERT_EQ(r.status, 200) << r.body;
    json page = body_of(r);
    EXPECT_LE(page["value"].size(), 37u);
    for (const auto& u : page["value"]) EXPECT_TRUE(seen.insert(u["id"]).second) << u["id"];
    url = page.value("@odata.nextLink", "");
    ++pages;
  }
  size_t active = fake_->state("tenant0001.onmicrosoft.com")["users"].size();
  EXPECT_EQ(seen.size(), active);
  EXPECT_EQ(active, 248u);  // 250 users, every 100th soft-deleted
  EXPECT_EQ(pages, (active + 36) / 37);
}

TEST_F(UsersReadTest, DefaultPageIs100) {
  start({"--generate", "tenants=1,users=250,skus=3,seed=4"});
  std::string tok = token("tenant0001.onmicrosoft.com", kAdminClient, "generated-secret");
  json page = body_of(get("/users", tok));
  EXPECT_EQ(page["value"].size(), 100u);
  EXPECT_TRUE(page.contains("@odata.nextLink"));
}

TEST_F(UsersReadTest, TopOutsideOneTo999Is400) {
  for (const char* top : {"0", "1000", "-5", "abc"}) {
    HttpReply r = get(std::string("/users?$top=") + top);
    EXPECT_EQ(r.status, 400) << top;
    EXPECT_EQ(error_code(r), "Request_BadRequest");
    EXPECT_EQ(error_message(r), std::string("Invalid page size specified: '") + top +
                                    "'. Must be between 1 and 999 inclusive.");
  }
  EXPECT_EQ(get("/users?$top=999").status, 200);
  EXPECT_EQ(get("/users?$top=1").status, 200);
}

TEST_F(UsersReadTest, ForgedOrForeignSkipTokenIsExpiredPageToken) {
  json first = body_of(get("/users?$top=5"));
  std::string next = first["@odata.nextLink"];
  auto pos = next.find("$skiptoken=") + 11;
  std::string token_text = next.substr(pos);
  // Tampered: flip one character of the signed cursor.
  std::string forged =
      next.substr(0, pos) + (token_text[0] == 'e' ? "f" : "e") + token_text.substr(1);
  HttpReply r = http_request("GET", forged, "", {{"Authorization", "Bearer " + token()}});
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(error_code(r), "Directory_ExpiredPageToken");
  // Another tenant's token with this skip token.
  HttpReply foreign =
      http_request("GET", next, "", {{"Authorization", "Bearer " + token(kFabrikam)}});
  EXPECT_EQ(foreign.status, 400);
  EXPECT_EQ(error_code(foreign), "Directory_ExpiredPageToken");
  // Made-up token.
  EXPECT_EQ(get("/users?$top=5&$skiptoken=RFNwdAIAAQAAAA").status, 400);
  // The genuine one works, and old tokens expire with time.
  EXPECT_EQ(http_request("GET", next, "", {{"Authorization", "Bearer " + token()}}).status, 200);
  fake_->advance_clock(2 * 3600);
  tokens_.clear();
  EXPECT_EQ(http_request("GET", next, "", {{"Authorization", "Bearer " + token()}}).status, 400);
}

TEST_F(UsersReadTest, WithoutSelectOnlyDefaultPropertiesComeBack) {
  json u = body_of(get("/users/" + enc(contoso_upn("adele.vance"))));
  for (const char* key :
       {"id", "userPrincipalName", "displayName", "mail", "givenName", "surname", "jobTitle"}) {
    EXPECT_TRUE(u.contains(key)) << key;
  }
  for (const char* key : {"accountEnabled", "usageLocation", "assignedLicenses", "department",
                          "licenseAssignmentStates"}) {
    EXPECT_FALSE(u.contains(key)) << key;
  }
}

TEST_F(UsersReadTest, SelectReturnsExactlyTheNamedProperties) {
  json page = body_of(get("/users?$top=3&$select=id,department,usageLocation"));
  ASSERT_EQ(page["value"].size(), 3u);
  for (const auto& u : page["value"]) {
    EXPECT_EQ(keys_of(u), (std::set<std::string>{"id", "department", "usageLocation"}));
  }
  // The next link keeps the selection.
  json next = body_of(
      http_request("GET", page["@odata.nextLink"], "", {{"Authorization", "Bearer " + token()}}));
  EXPECT_EQ(keys_of(next["value"][0]),
            (std::set<std::string>{"id", "department", "usageLocation"}));
  HttpReply unknown = get("/users?$select=id,shoeSize");
  EXPECT_EQ(unknown.status, 400);
  EXPECT_EQ(error_code(unknown), "Request_BadRequest");
}

TEST_F(UsersReadTest, LicensesShowDirectAndGroupSourcesEachSkuOnce) {
  json u = body_of(get("/users/" + enc(contoso_upn("christie.cline")) +
                       "?$select=assignedLicenses,licenseAssignmentStates"));
  ASSERT_EQ(u["assignedLicenses"].size(), 2u);
  bool group_ems = false;
  for (const auto& s : u["licenseAssignmentStates"]) {
    if (s["skuId"] == kEms) {
      group_ems = true;
      EXPECT_TRUE(s["assignedByGroup"].is_string());
    }
    if (s["skuId"] == kSpeE3) {
      EXPECT_TRUE(s["assignedByGroup"].is_null());
    }
  }
  EXPECT_TRUE(group_ems);
  json adele =
      body_of(get("/users/" + enc(contoso_upn("adele.vance")) + "?$select=assignedLicenses"));
  EXPECT_EQ(adele["assignedLicenses"][0]["disabledPlans"], json::array({kPlanYammer}));
}

// lastUpdatedDateTime: when the assignment last changed, on the fake's clock; an
// assignment that stays the same keeps its time when others of the user change.
TEST_F(UsersReadTest, EachAssignmentStateSaysWhenItLastChanged) {
  const std::string christie =
      "/users/" + enc(contoso_upn("christie.cline")) + "?$select=licenseAssignmentStates";
  auto times = [&] {
    std::map<std::string, std::string> by_sku;
    const json user = body_of(get(christie));  // alive for the loop
    for (const auto& s : user["licenseAssignmentStates"]) {
      EXPECT_TRUE(s["lastUpdatedDateTime"].is_string()) << s;
      by_sku[s["skuId"]] = s.value("lastUpdatedDateTime", "");
    }
    return by_sku;
  };
  auto before = times();
  ASSERT_TRUE(before.count(kSpeE3) && before.count(kEms)) << get(christie).body;
  EXPECT_EQ(before[kSpeE3].rfind("2026-11-20T", 0), 0u) << "the fixture's day: " << before[kSpeE3];

  fake_->advance_clock(3 * 24 * 3600);
  tokens_.clear();  // expired with the days
  ASSERT_EQ(
      assign(contoso_upn("christie.cline"),
             json::array({{{"skuId", kSpeE3}, {"disabledPlans", {kPlanYammer}}}}), json::array())
          .status,
      200);
  auto after = times();
  EXPECT_EQ(after[kSpeE3].rfind("2026-11-23T", 0), 0u) << "changed now: " << after[kSpeE3];
  EXPECT_EQ(after[kEms], before[kEms]) << "the group's EMS did not change";
}

TEST_F(UsersReadTest, FiltersByUpnIdDepartmentAndTheirConjunction) {
  std::string upn = contoso_upn("lee.gu");
  json by_upn = body_of(get("/users?$filter=" + enc("userPrincipalName eq '" + upn + "'") +
                            "&$select=id,userPrincipalName"));
  ASSERT_EQ(by_upn["value"].size(), 1u);
  std::string id = by_upn["value"][0]["id"];
  json by_id = body_of(get("/users?$filter=" + enc("id eq '" + id + "'")));
  ASSERT_EQ(by_id["value"].size(), 1u);
  EXPECT_EQ(by_id["value"][0]["userPrincipalName"], upn);

  json sales =
      body_of(get("/users?$filter=" + enc("department eq 'Sales'") + "&$select=department"));
  EXPECT_EQ(sales["value"].size(), 5u);
  for (const auto& u : sales["value"]) EXPECT_EQ(u["department"], "Sales");
  json both =
      body_of(get("/users?$filter=" + enc("department eq 'Sales' and userPrincipalName eq '" +
                                          contoso_upn("adele.vance") + "'")));
  EXPECT_EQ(both["value"].size(), 1u);
  json none =
      body_of(get("/users?$filter=" + enc("department eq 'Finance' and userPrincipalName eq '" +
                                          contoso_upn("adele.vance") + "'")));
  EXPECT_EQ(none["value"].size(), 0u);
  // Department paging uses the same skip tokens.
  json page = body_of(get("/users?$top=2&$filter=" + enc("department eq 'Sales'")));
  EXPECT_EQ(page["value"].size(), 2u);
  EXPECT_TRUE(page.contains("@odata.nextLink"));

  HttpReply unsupported = get("/users?$filter=" + enc("startswith(displayName,'A')"));
  EXPECT_EQ(unsupported.status, 400);
  EXPECT_EQ(error_code(unsupported), "Request_UnsupportedQuery");
}

// `id in (...)` and `userPrincipalName in (...)`: the users among the values, in id order,
// names matched ignoring case, '' for a quote; unknown and soft-deleted names are simply
// absent; at most 15 values, as the service allows by default.
TEST_F(UsersReadTest, FiltersByIdsOrUpnsInAListOfAtMostFifteen) {
  auto upns_of = [](const json& page) {
    std::vector<std::string> out;
    for (const auto& u : page["value"]) out.push_back(u["userPrincipalName"]);
    return out;
  };
  auto in_list = [](const std::vector<std::string>& values) {
    std::string list;
    for (const auto& v : values) list += (list.empty() ? "'" : ", '") + v + "'";
    return "(" + list + ")";
  };
  json created = {{"accountEnabled", true},
                  {"displayName", "Pat O'Brien"},
                  {"mailNickname", "pat.obrien"},
                  {"userPrincipalName", "pat.o'brien@contoso.onmicrosoft.com"},
                  {"passwordProfile", {{"password", "Tr0ub4dor&3x"}}}};
  ASSERT_EQ(send("POST", "/users", created).status, 201);

  json by_upn = body_of(
      get("/users?$select=id,userPrincipalName&$filter=" +
          enc("userPrincipalName in ('LEE.GU@Contoso.OnMicrosoft.com', 'pat.o''brien@contoso."
              "onmicrosoft.com','nobody@contoso.onmicrosoft.com', '" +
              contoso_upn("cameron.white") + "', '" + contoso_upn("adele.vance") + "')")));
  // Id order: adele 9514db22-..., lee a8b89498-..., Pat's id is new.
  std::vector<std::string> upns = upns_of(by_upn);
  std::sort(upns.begin(), upns.end());
  EXPECT_EQ(upns, (std::vector<std::string>{contoso_upn("adele.vance"), contoso_upn("lee.gu"),
                                            "pat.o'brien@contoso.onmicrosoft.com"}));
  std::vector<std::string> ids;
  for (const auto& u : by_upn["value"]) ids.push_back(u["id"]);
  EXPECT_TRUE(std::is_sorted(ids.begin(), ids.end())) << by_upn.dump();

  json by_id = body_of(get("/users?$filter=" + enc("id in ('A8B89498-A256-538D-80B7-A369ADA082A4',"
                                                   "'9514db22-c994-5750-906e-481b6a174377',"
                                                   "'00000000-0000-4000-8000-000000000000')")));
  EXPECT_EQ(upns_of(by_id),
            (std::vector<std::string>{contoso_upn("adele.vance"), contoso_upn("lee.gu")}));
  // The property is the one named: a UPN is no id, an id no UPN.
  EXPECT_EQ(
      body_of(get("/users?$filter=" + enc("id in ('" + contoso_upn("lee.gu") + "')")))["value"]
          .size(),
      0u);
  EXPECT_EQ(
      body_of(get("/users?$filter=" +
                  enc("userPrincipalName in ('a8b89498-a256-538d-80b7-a369ada082a4')")))["value"]
          .size(),
      0u);
  // With other clauses: lee.gu is in Operations, adele in Sales.
  json sales = body_of(get("/users?$filter=" +
                           enc("department eq 'Sales' and userPrincipalName in ('" +
                               contoso_upn("lee.gu") + "','" + contoso_upn("adele.vance") + "')")));
  EXPECT_EQ(upns_of(sales), (std::vector<std::string>{contoso_upn("adele.vance")}));

  // 15 values are fine, 16 are not.
  std::vector<std::string> fifteen;
  for (const char* local :
       {"adele.vance", "alex.wilber", "allan.deyoung", "christie.cline", "debra.berger",
        "diego.siciliani", "grady.archie", "henrietta.mueller", "isaiah.langer", "johanna.lorenz",
        "joni.sherman", "lee.gu", "lidia.holloway", "lynne.robbins", "megan.bowen"}) {
    fifteen.push_back(contoso_upn(local));
  }
  EXPECT_EQ(
      body_of(get("/users?$filter=" + enc("userPrincipalName in " + in_list(fifteen))))["value"]
          .size(),
      15u);
  std::vector<std::string> sixteen = fifteen;
  sixteen.push_back(contoso_upn("miriam.graham"));
  HttpReply too_many = get("/users?$filter=" + enc("userPrincipalName in " + in_list(sixteen)));
  EXPECT_EQ(too_many.status, 400);
  EXPECT_EQ(error_code(too_many), "Request_UnsupportedQuery");
  EXPECT_EQ(error_message(too_many),
            "Too many child clauses specified in search filter expression containing 'OR' "
            "operators: 16. Max allowed: 15");

  // `in` on another property, an empty list, an unclosed one: unsupported.
  for (const std::string& filter : {std::string("department in ('Sales')"), std::string("id in ()"),
                                    std::string("id in ('9514db22-c994-5750-906e-481b6a174377'")}) {
    HttpReply r = get("/users?$filter=" + enc(filter));
    EXPECT_EQ(r.status, 400) << filter;
    EXPECT_EQ(error_code(r), "Request_UnsupportedQuery") << filter;
  }
}

TEST_F(UsersReadTest, GetUserByIdOrUpnAnd404) {
  json by_upn = body_of(get("/users/" + enc(contoso_upn("megan.bowen"))));
  std::string id = by_upn["id"];
  EXPECT_EQ(body_of(get("/users/" + id))["userPrincipalName"], contoso_upn("megan.bowen"));
  HttpReply missing = get("/users/" + enc(contoso_upn("nobody")));
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(error_code(missing), "Request_ResourceNotFound");
  // A soft-deleted user is not among the users.
  EXPECT_EQ(get("/users/" + enc(contoso_upn("cameron.white"))).status, 404);
}

TEST_F(UsersReadTest, DeletedItemsListsSoftDeletedUsersWithinThirtyDays) {
  json page =
      body_of(get("/directory/deletedItems/"
                  "microsoft.graph.user?$select=id,userPrincipalName,assignedLicenses"));
  ASSERT_EQ(page["value"].size(), 1u);  // Brian Johnson was deleted over 30 days ago
  json u = page["value"][0];
  EXPECT_EQ(u["userPrincipalName"], contoso_upn("cameron.white"));
  EXPECT_EQ(u["deletedDateTime"], "2026-11-10T09:30:00Z");
  EXPECT_EQ(u["assignedLicenses"].size(), 2u);
}

}  // namespace users_read_test
}  // namespace tenantsync::test
