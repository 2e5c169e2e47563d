// GraphClient against a scripted transport: paging, links to other hosts, malformed
// answers, delta and resync, token refresh, $batch mapping and resends, and the checks
// that keep a write from being applied twice.
#include "connector/graph_client.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <utility>
#include <vector>

#include "sync/clock.h"
#include "tests/connector/scripted_transport.h"

namespace tenantsync {
namespace graph_client_test {

using namespace std::chrono_literals;
using nlohmann::json;
using test::CountingTokens;
using test::ScriptedTransport;

const std::string kGraph = "https://graph.test/v1.0";
const std::string kSelect =
    "id,userPrincipalName,displayName,mail,givenName,surname,jobTitle,department,"
    "accountEnabled,usageLocation,assignedLicenses,licenseAssignmentStates";

json user_json(const std::string& id, const std::string& upn = "") {
  return {{"id", id},
          {"userPrincipalName", upn.empty() ? id + "@contoso.onmicrosoft.com" : upn},
          {"displayName", "User " + id},
          {"accountEnabled", true},
          {"usageLocation", "US"},
          {"assignedLicenses", json::array()}};
}

class GraphClientTest : public ::testing::Test {
 protected:
  GraphClientTest()
      : retry_(clock_, RetrySettings{5, 1000ms, 32000ms, 300000ms, 3}),
        client_(GraphClientOptions{kGraph}, transport_, tokens_, retry_, nullptr) {}

  FakeClock clock_;
  ScriptedTransport transport_;
  CountingTokens tokens_;
  RetryPolicy retry_;
  GraphClient client_;
};

TEST_F(GraphClientTest, ListUsersSelectsExactFieldsAndFollowsNextLinkVerbatim) {
  const std::string next =
      kGraph + "/users?$select=" + kSelect + "&$top=999&$skiptoken=RFNwdAIAAQAAAD8%2bX%27z~_";
  transport_.set_handler([&](const HttpRequest& r) -> Result<HttpResponse> {
    if (r.url == next) return test::json_response(200, {{"value", {user_json("u2")}}});
    return test::json_response(200, {{"value", {user_json("u1")}}, {"@odata.nextLink", next}});
  });
  std::vector<std::string> ids;
  Status st = client_.list_users("contoso", [&](std::vector<User>&& users) {
    for (auto& u : users) ids.push_back(u.id);
    return Status();
  });
  ASSERT_TRUE(st.ok()) << st.error().describe();
  EXPECT_EQ(ids, (std::vector<std::string>{"u1", "u2"}));
  auto requests = transport_.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].url, kGraph + "/users?$select=" + kSelect + "&$top=999");
  EXPECT_EQ(requests[1].url, next);
  for (const auto& r : requests) {
    EXPECT_EQ(*find_request_header(r, "authorization"), "Bearer token-1");
    EXPECT_TRUE(r.reuse_connection);
  }
}

TEST_F(GraphClientTest, NextLinkToAnotherHostIsRefusedAndGetsNoToken) {
  transport_.set_handler([&](const HttpRequest&) -> Result<HttpResponse> {
    return test::json_response(
        200, {{"value", {user_json("u1")}},
              {"@odata.nextLink", "https://evil.example/v1.0/users?$skiptoken=x"}});
  });
  int pages = 0;
  Status st = client_.list_users("contoso", [&](std::vector<User>&&) {
    ++pages;
    return Status();
  });
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().kind, ErrorKind::Invalid);
  EXPECT_NE(st.error().message.find("refusing to follow nextLink to another host"),
            std::string::npos)
      << st.error().message;
  EXPECT_EQ(pages, 1);
  for (const auto& r : transport_.requests()) {
    EXPECT_EQ(parse_url(r.url)->host, "graph.test");
  }
  EXPECT_EQ(transport_.requests().size(), 1u);
}

TEST_F(GraphClientTest, SameHostOtherPortOrSchemeIsAnotherOrigin) {
  for (std::string link : {"https://graph.test:8443/v1.0/users", "http://graph.test/v1.0/users"}) {
    auto r = client_.users_delta("contoso", link, [](UserPage&&) { return Status(); });
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().kind, ErrorKind::Invalid) << link;
  }
  EXPECT_TRUE(transport_.requests().empty());
}

TEST_F(GraphClientTest, Html200IsInvalidNamingWhatWasRead) {
  transport_.set_handler([](const HttpRequest&) -> Result<HttpResponse> {
    HttpResponse r;
    r.status = 200;
    r.headers["content-type"] = "text/html";
    r.body = "<html><body>Sign in to continue</body></html>";
    return r;
  });
  Status st = client_.list_users("contoso", [](std::vector<User>&&) { return Status(); });
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().kind, ErrorKind::Invalid);
  EXPECT_NE(st.error().message.find("tenant contoso: users page 1"), std::string::npos)
      << st.error().message;
  EXPECT_NE(st.error().message.find("text/html"), std::string::npos);
}

TEST_F(GraphClientTest, TruncatedJsonAndWrongTypesAreInvalidNotACrash) {
  std::vector<std::string> bodies = {
      R"({"value":[{"id":"u1","userPrincipalName":"a@b")",            // truncated
      R"({"value":[{"id":"u1","displayName":5}]})",                   // wrong type
      R"({"value":[{"id":"u1","assignedLicenses":[{"skuId":7}]}]})",  // wrong nested type
      R"({"value":[{"userPrincipalName":"no-id@b"}]})",               // missing id
      R"({"value":{"id":"u1"}})",                                     // value not array
      R"([1,2,3])",                                                   // not an object
      R"({"value":[{"id":"u1","accountEnabled":"yes"}]})"};           // bool as string
  for (const auto& body : bodies) {
    transport_.set_handler([&](const HttpRequest&) -> Result<HttpResponse> {
      HttpResponse r;
      r.status = 200;
      r.body = body;
      return r;
    });
    Status st = client_.list_users("contoso", [](std::vector<User>&&) { return Status(); });
    ASSERT_FALSE(st.ok()) << body;
    EXPECT_EQ(st.error().kind, ErrorKind::Invalid) << body;
    EXPECT_NE(st.error().message.find("users page 1"), std::string::npos) << st.error().message;
  }
}

TEST_F(GraphClientTest, SkusAndContractsDecodeAndUseTheRightTenant) {
  transport_.set_handler([](const HttpRequest& r) -> Result<HttpResponse> {
    if (ScriptedTransport::path_of(r) == "/v1.0/contracts") {
      return test::json_response(200, {{"value",
                                        {{{"id", "c1"},
                                          {"contractType", "ResellerPartner"},
                                          {"customerId", "t-1"},
                                          {"defaultDomainName", "contoso.onmicrosoft.com"},
                                          {"displayName", "Contoso"}}}}});
    }
    return test::json_response(200, {{"value",
                                      {{{"skuId", "s1"},
                                        {"skuPartNumber", "SPE_E3"},
                                        {"consumedUnits", 3},
                                        {"prepaidUnits", {{"enabled", 5}, {"warning", 1}}}}}}});
  });
  auto tenants = client_.contracts("partner.onmicrosoft.com");
  ASSERT_TRUE(tenants.ok()) << tenants.error().describe();
  ASSERT_EQ(tenants->size(), 1u);
  EXPECT_EQ((*tenants)[0].id, "t-1");
  auto skus = client_.subscribed_skus("contoso.onmicrosoft.com");
  ASSERT_TRUE(skus.ok());
  EXPECT_EQ((*skus)[0].free_seats(), 3);
  EXPECT_EQ(tokens_.tenants(),
            (std::vector<std::string>{"partner.onmicrosoft.com", "contoso.onmicrosoft.com"}));
}

TEST_F(GraphClientTest, FullReadTakesTheLinkFirstThenPagesUsersByTheThousand) {
  const std::string latest = kGraph + "/users/delta?$select=" + kSelect + "&$deltatoken=latest";
  const std::string first = kGraph + "/users?$select=" + kSelect + "&$top=999";
  const std::string page2 = kGraph + "/users?$skiptoken=p2";
  const std::string link = kGraph + "/users/delta?$deltatoken=now";
  transport_.set_handler([&](const HttpRequest& r) -> Result<HttpResponse> {
    if (r.url == latest) {
      return test::json_response(200,
                                 {{"value", nlohmann::json::array()}, {"@odata.deltaLink", link}});
    }
    if (r.url == first) {
      return test::json_response(
          200, {{"value", {user_json("u1"), user_json("u2")}}, {"@odata.nextLink", page2}});
    }
    if (r.url == page2) return test::json_response(200, {{"value", {user_json("u3")}}});
    return test::graph_error(404, "Request_ResourceNotFound", "unexpected " + r.url);
  });
  std::vector<UserPage> pages;
  auto read = client_.users_delta("contoso", "", [&](UserPage&& p) {
    pages.push_back(std::move(p));
    return Status();
  });
  ASSERT_TRUE(read.ok()) << read.error().describe();
  EXPECT_EQ(*read, link) << "the link taken before the read: changes made meanwhile come again";
  ASSERT_EQ(pages.size(), 2u);
  EXPECT_EQ(pages[0].users.size(), 2u);
  EXPECT_EQ(pages[1].users.size(), 1u);
  ASSERT_EQ(transport_.requests().size(), 3u);
  EXPECT_EQ(transport_.requests()[0].url, latest);
  EXPECT_EQ(transport_.requests()[1].url, first);
}

// Each page's body goes back to the transport (which may write the next response into it)
// once its users are decoded and handed on: nothing read from it may still point into it.
TEST_F(GraphClientTest, EachPageBodyIsHandedBackAfterItsUsersAreDecoded) {
  const std::string page2 = kGraph + "/users?$skiptoken=p2";
  std::vector<std::string> sent;
  transport_.set_handler([&](const HttpRequest& r) -> Result<HttpResponse> {
    HttpResponse response =
        r.url == page2 ? test::json_response(200, {{"value", {user_json("u3")}}})
                       : test::json_response(200, {{"value", {user_json("u1"), user_json("u2")}},
                                                   {"@odata.nextLink", page2}});
    sent.push_back(response.body);
    return response;
  });
  std::vector<User> users;
  Status st = client_.list_users("contoso", [&](std::vector<User>&& page) {
    EXPECT_EQ(transport_.recycled().size(), sent.size() - 1) << "handed back before its users";
    for (auto& u : page) users.push_back(std::move(u));
    return Status();
  });
  ASSERT_TRUE(st.ok()) << st.error().describe();
  EXPECT_EQ(transport_.recycled(), sent);
  ASSERT_EQ(users.size(), 3u);
  for (size_t i = 0; i < users.size(); ++i) {
    const std::string id = "u" + std::to_string(i + 1);
    EXPECT_EQ(users[i].id, id);
    EXPECT_EQ(users[i].user_principal_name, id + "@contoso.onmicrosoft.com");
    EXPECT_EQ(users[i].display_name, "User " + id);
  }
}

// A full read's "sync from now" link can come with the tenant's lists, in their $batch; the
// read then asks for the users only. A batch answer without a link is an error for the
// mirror to fall back on, not a link.
TEST_F(GraphClientTest, TheSyncFromNowLinkComesWithTheListsAndAFullReadStartsFromIt) {
  const std::string latest = "/users/delta?$select=" + kSelect + "&$deltatoken=latest";
  const std::string first = kGraph + "/users?$select=" + kSelect + "&$top=999";
  const std::string link = kGraph + "/users/delta?$deltatoken=now";
  bool with_link = true;
  transport_.set_handler([&](const HttpRequest& r) -> Result<HttpResponse> {
    if (ScriptedTransport::path_of(r) == "/v1.0/$batch") {
      json responses = json::array();
      const json request = json::parse(r.body);
      for (const auto& item : request["requests"]) {
        json body = {{"value", json::array()}};
        if (item["url"] == latest && with_link) body["@odata.deltaLink"] = link;
        responses.push_back({{"id", item["id"]}, {"status", 200}, {"body", body}});
      }
      return test::json_response(200, {{"responses", responses}});
    }
    if (r.url == first) return test::json_response(200, {{"value", {user_json("u1")}}});
    return test::graph_error(404, "Request_ResourceNotFound", "unexpected " + r.url);
  });
  TenantLists lists =
      client_.tenant_lists("contoso", ListsRequest{.latest_delta_link = true, .delta_link = ""});
  ASSERT_TRUE(lists.latest_delta_link.has_value());
  ASSERT_TRUE(lists.latest_delta_link->ok()) << lists.latest_delta_link->error().describe();
  EXPECT_EQ(**lists.latest_delta_link, link);
  EXPECT_TRUE(lists.skus.ok() && lists.domains.ok());

  std::vector<UserPage> pages;
  auto read = client_.users_full_read(
      "contoso",
      [&](UserPage&& p) {
        pages.push_back(std::move(p));
        return Status();
      },
      **lists.latest_delta_link);
  ASSERT_TRUE(read.ok()) << read.error().describe();
  EXPECT_EQ(*read, link);
  ASSERT_EQ(pages.size(), 1u);
  ASSERT_EQ(transport_.requests().size(), 2u) << "the batch, then the users: no link of its own";
  EXPECT_EQ(transport_.requests()[1].url, first);

  with_link = false;
  TenantLists without =
      client_.tenant_lists("contoso", ListsRequest{.latest_delta_link = true, .delta_link = ""});
  ASSERT_TRUE(without.latest_delta_link.has_value());
  ASSERT_FALSE(without.latest_delta_link->ok());
  EXPECT_NE(without.latest_delta_link->error().message.find("no deltaLink"), std::string::npos)
      << without.latest_delta_link->error().message;
}

// A delta round's first page comes in the lists' $batch, run after the deleted users'
// listing (dependsOn); the rest of the round from its nextLink, numbered from page 2.
TEST_F(GraphClientTest, ADeltaRoundsFirstPageComesInTheListsBatchAfterTheDeletedUsers) {
  const std::string stored = kGraph + "/users/delta?$deltatoken=d0";
  const std::string page2 = kGraph + "/users/delta?$skiptoken=p2";
  const std::string end = kGraph + "/users/delta?$deltatoken=d1";
  bool page2_broken = false;
  json batched;
  transport_.set_handler([&](const HttpRequest& r) -> Result<HttpResponse> {
    if (ScriptedTransport::path_of(r) == "/v1.0/$batch") {
      batched = json::parse(r.body)["requests"];
      json responses = json::array();
      for (const auto& item : batched) {
        json body = {{"value", json::array()}};
        if (item["url"] == "/users/delta?$deltatoken=d0") {
          body = {
              {"value", {user_json("u1"), {{"id", "u9"}, {"@removed", {{"reason", "deleted"}}}}}},
              {"@odata.nextLink", page2}};
        }
        responses.push_back({{"id", item["id"]}, {"status", 200}, {"body", body}});
      }
      return test::json_response(200, {{"responses", responses}});
    }
    if (r.url == page2 && page2_broken)
      return HttpResponse{200, {{"content-type", "text/html"}}, "<html/>"};
    if (r.url == page2)
      return test::json_response(200, {{"value", {user_json("u2")}}, {"@odata.deltaLink", end}});
    return test::graph_error(404, "Request_ResourceNotFound", "unexpected " + r.url);
  });
  TenantLists lists =
      client_.tenant_lists("contoso", ListsRequest{.deleted_users = true, .delta_link = stored});
  ASSERT_EQ(batched.size(), 4u) << batched.dump();
  std::string deleted_id;
  for (const auto& item : batched) {
    if (item["url"].get<std::string>().starts_with("/directory/deletedItems/"))
      deleted_id = item["id"];
  }
  bool round_batched = false;
  for (const auto& item : batched) {
    if (item["url"] != "/users/delta?$deltatoken=d0") continue;
    round_batched = true;
    EXPECT_EQ(item["dependsOn"], json::array({deleted_id})) << "runs after the deleted users";
  }
  EXPECT_TRUE(round_batched) << batched.dump();
  ASSERT_TRUE(lists.delta_page.has_value());
  ASSERT_TRUE(lists.delta_page->ok()) << lists.delta_page->error().describe();
  const DeltaPage& first = **lists.delta_page;
  ASSERT_EQ(first.page.users.size(), 1u);
  EXPECT_EQ(first.page.users[0].id, "u1");
  EXPECT_EQ(first.page.removed_hard, std::vector<std::string>{"u9"});
  EXPECT_EQ(first.next_link, page2);
  EXPECT_TRUE(first.delta_link.empty());

  std::vector<UserPage> rest;
  auto sink = [&](UserPage&& p) {
    rest.push_back(std::move(p));
    return Status();
  };
  auto ended = client_.users_delta_after("contoso", first.next_link, sink);
  ASSERT_TRUE(ended.ok()) << ended.error().describe();
  EXPECT_EQ(*ended, end);
  ASSERT_EQ(rest.size(), 1u);
  EXPECT_EQ(rest[0].users[0].id, "u2");
  EXPECT_EQ(transport_.requests().size(), 2u) << "the batch, then page 2";

  page2_broken = true;
  auto broken = client_.users_delta_after("contoso", first.next_link, sink);
  ASSERT_FALSE(broken.ok());
  EXPECT_NE(broken.error().message.find("users delta page 2"), std::string::npos)
      << broken.error().message;

  // A stored link that is not under remote.graphUrl is not batched: read on its own.
  TenantLists elsewhere = client_.tenant_lists(
      "contoso", ListsRequest{.delta_link = "https://other.test/v1.0/users/delta?$deltatoken=x"});
  EXPECT_EQ(batched.size(), 2u) << batched.dump();
  EXPECT_FALSE(elsewhere.delta_page.has_value());
}

// When the deleted users' item fails in the $batch, the delta item that depends on it is
// refused with 424 (the real service runs neither): both are read alone, and the round's
// first page is the one read alone, not lost and not taken from the failed batch.
TEST_F(GraphClientTest, ADeltaItemRefusedFor424IsReadAlone) {
  const std::string stored = kGraph + "/users/delta?$deltatoken=d0";
  const std::string end = kGraph + "/users/delta?$deltatoken=d1";
  std::vector<std::string> alone;
  transport_.set_handler([&](const HttpRequest& r) -> Result<HttpResponse> {
    if (ScriptedTransport::path_of(r) == "/v1.0/$batch") {
      json responses = json::array();
      const json requests = json::parse(r.body)["requests"];
      for (const auto& item : requests) {
        const std::string url = item["url"];
        json empty_list = {{"value", json::array()}};
        json answer = {{"id", item["id"]}, {"status", 200}, {"body", empty_list}};
        if (url.starts_with("/directory/deletedItems/")) {
          answer["status"] = 503;
          answer["body"] = {{"error", {{"code", "serviceNotAvailable"}, {"message", "busy"}}}};
        } else if (url == "/users/delta?$deltatoken=d0") {
          answer["status"] = 424;
          answer["body"] = {{"error", {{"code", "FailedDependency"}, {"message", "dep"}}}};
        }
        responses.push_back(answer);
      }
      return test::json_response(200, {{"responses", responses}});
    }
    alone.push_back(r.url);
    if (r.url == stored)
      return test::json_response(200, {{"value", {user_json("u1")}}, {"@odata.deltaLink", end}});
    if (ScriptedTransport::path_of(r).starts_with("/v1.0/directory/deletedItems/"))
      return test::json_response(200, {{"value", {user_json("d1")}}});
    return test::graph_error(404, "Request_ResourceNotFound", "unexpected " + r.url);
  });
  TenantLists lists =
      client_.tenant_lists("contoso", ListsRequest{.deleted_users = true, .delta_link = stored});
  ASSERT_TRUE(lists.delta_page.has_value());
  ASSERT_TRUE(lists.delta_page->ok()) << lists.delta_page->error().describe();
  ASSERT_EQ((*lists.delta_page)->page.users.size(), 1u);
  EXPECT_EQ((*lists.delta_page)->page.users[0].id, "u1");
  EXPECT_EQ((*lists.delta_page)->delta_link, end);
  ASSERT_TRUE(lists.deleted_users.has_value());
  ASSERT_TRUE(lists.deleted_users->ok()) << lists.deleted_users->error().describe();
  ASSERT_EQ((*lists.deleted_users)->users.size(), 1u);
  EXPECT_EQ((*lists.deleted_users)->users[0].id, "d1");
  EXPECT_EQ(std::count(alone.begin(), alone.end(), stored), 1) << "the delta page, read alone";
  EXPECT_EQ(alone.size(), 2u) << "the deleted users and the delta page, nothing else: "
                              << ::testing::PrintToString(alone);
}

TEST_F(GraphClientTest, DeltaRoundStreamsChangesAndRemovalsAndReturnsTheNextLink) {
  const std::string stored = kGraph + "/users/delta?$deltatoken=d0";
  const std::string page2 = kGraph + "/users/delta?$skiptoken=p2";
  const std::string delta = kGraph + "/users/delta?$deltatoken=d1";
  transport_.set_handler([&](const HttpRequest& r) -> Result<HttpResponse> {
    if (r.url == page2) {
      return test::json_response(200, {{"value",
                                        {user_json("u3"),
                                         {{"id", "u4"}, {"@removed", {{"reason", "changed"}}}},
                                         {{"id", "u5"}, {"@removed", {{"reason", "deleted"}}}}}},
                                       {"@odata.deltaLink", delta}});
    }
    return test::json_response(
        200, {{"value", {user_json("u1"), user_json("u2")}}, {"@odata.nextLink", page2}});
  });
  std::vector<UserPage> pages;
  auto link = client_.users_delta("contoso", stored, [&](UserPage&& p) {
    pages.push_back(std::move(p));
    return Status();
  });
  ASSERT_TRUE(link.ok()) << link.error().describe();
  EXPECT_EQ(*link, delta);
  ASSERT_EQ(pages.size(), 2u);
  EXPECT_EQ(pages[0].users.size(), 2u);
  EXPECT_EQ(pages[1].users.size(), 1u);
  EXPECT_EQ(pages[1].removed_soft, std::vector<std::string>{"u4"});
  EXPECT_EQ(pages[1].removed_hard, std::vector<std::string>{"u5"});
  EXPECT_EQ(transport_.requests()[0].url, stored);
}

TEST_F(GraphClientTest, DeltaResumesFromStoredLinkAndExpiredLinkNeedsResync) {
  const std::string stored = kGraph + "/users/delta?$deltatoken=old";
  transport_.set_handler([&](const HttpRequest&) -> Result<HttpResponse> {
    return test::graph_error(410, "syncStateNotFound", "The sync state generation is not found.");
  });
  auto link = client_.users_delta("contoso", stored, [](UserPage&&) { return Status(); });
  ASSERT_FALSE(link.ok());
  EXPECT_EQ(link.error().kind, ErrorKind::ResyncNeeded);
  EXPECT_EQ(link.error().code, "syncStateNotFound");
  ASSERT_EQ(transport_.requests().size(), 1u);
  EXPECT_EQ(transport_.requests()[0].url, stored);
}

TEST_F(GraphClientTest, SinkErrorStopsTheRead) {
  transport_.set_handler([&](const HttpRequest&) -> Result<HttpResponse> {
    return test::json_response(
        200, {{"value", {user_json("u1")}}, {"@odata.nextLink", kGraph + "/users?$skiptoken=2"}});
  });
  Status st = client_.list_users("contoso", [](std::vector<User>&&) -> Status {
    return make_error(ErrorKind::Io, "disk full");
  });
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().kind, ErrorKind::Io);
  EXPECT_EQ(transport_.requests().size(), 1u);
}

TEST_F(GraphClientTest, A401RefreshesTheTokenOnceThenGivesUp) {
  int calls = 0;
  transport_.set_handler([&](const HttpRequest& r) -> Result<HttpResponse> {
    ++calls;
    if (*find_request_header(r, "authorization") == "Bearer token-1") {
      return test::graph_error(401, "InvalidAuthenticationToken", "Access token has expired.");
    }
    return test::json_response(200, user_json("u1"));
  });
  auto user = client_.get_user("contoso", "u1");
  ASSERT_TRUE(user.ok()) << user.error().describe();
  EXPECT_EQ(calls, 2);
  EXPECT_EQ(tokens_.invalidations(), 1);

  transport_.set_handler([&](const HttpRequest&) -> Result<HttpResponse> {
    return test::graph_error(401, "InvalidAuthenticationToken", "Access token is invalid.");
  });
  auto again = client_.get_user("contoso", "u1");
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().kind, ErrorKind::Auth);
  EXPECT_EQ(tokens_.invalidations(), 2);  // one refresh per call, not a loop
}

TEST_F(GraphClientTest, RedirectIsNotFollowed) {
  transport_.set_handler([](const HttpRequest&) -> Result<HttpResponse> {
    HttpResponse r;
    r.status = 302;
    r.headers["location"] = "https://elsewhere.example/v1.0/users/u1";
    return r;
  });
  auto user = client_.get_user("contoso", "u1");
  ASSERT_FALSE(user.ok());
  EXPECT_EQ(user.error().kind, ErrorKind::Invalid);
  EXPECT_NE(user.error().message.find("redirects are not followed"), std::string::npos);
  EXPECT_EQ(transport_.requests().size(), 1u);
}

TEST_F(GraphClientTest, GetUserEncodesTheUpn) {
  transport_.set_handler([](const HttpRequest&) -> Result<HttpResponse> {
    return test::json_response(200, user_json("u1"));
  });
  ASSERT_TRUE(client_.get_user("contoso", "ext_a#EXT#@contoso.onmicrosoft.com").ok());
  EXPECT_EQ(transport_.requests()[0].url,
            kGraph + "/users/ext_a%23EXT%23@contoso.onmicrosoft.com?$select=" + kSelect);
}

// Group names: one group with a plain GET, several in one $batch of GETs; a 404 item is
// that group's NotFound, a throttled item is read again on its own.
TEST_F(GraphClientTest, GroupsAreReadByIdWithTheirDisplayNames) {
  const std::string select = "?$select=id,displayName";
  transport_.set_handler([&](const HttpRequest& r) -> Result<HttpResponse> {
    const json deleted_page = {{"value",
                                {{{"id", "d1"},
                                  {"userPrincipalName", "gone@contoso.com"},
                                  {"deletedDateTime", "2026-11-30T10:00:00Z"}}}},
                               {"@odata.nextLink", kGraph + "/deleted?$skiptoken=2"}};
    if (ScriptedTransport::path_of(r) == "/v1.0/directory/deletedItems/microsoft.graph.user") {
      return test::json_response(200, deleted_page);
    }
    if (ScriptedTransport::path_of(r) != "/v1.0/$batch") {
      EXPECT_EQ(r.method, "GET");
      std::string id = r.url.substr((kGraph + "/groups/").size());
      id = id.substr(0, id.find('?'));
      return test::json_response(200, {{"id", id}, {"displayName", "Group " + id}});
    }
    json responses = json::array();
    const json request = json::parse(r.body);  // alive for the loop
    for (const auto& item : request["requests"]) {
      std::string url = item["url"];
      EXPECT_EQ(item["method"], "GET");
      json answer = {{"id", item["id"]}};
      if (url == "/groups/g-gone" + select) {
        answer["status"] = 404;
        answer["body"] = {{"error",
                           {{"code", "Request_ResourceNotFound"},
                            {"message", "Resource 'g-gone' does not exist."}}}};
      } else if (url.starts_with("/directory/deletedItems/microsoft.graph.user?")) {
        answer["status"] = 200;
        answer["body"] = deleted_page;
      } else if (url == "/groups/g-busy" + select) {
        answer["status"] = 429;
        answer["headers"] = {{"Retry-After", "1"}};
        answer["body"] = {{"error", {{"code", "TooManyRequests"}, {"message", "Slow down."}}}};
      } else {
        answer["status"] = 200;
        answer["body"] = {{"id", "g-sales"}, {"displayName", "Sales Team"}};
      }
      responses.push_back(answer);
    }
    return test::json_response(200, {{"responses", responses}});
  });

  auto one = client_.get_groups("contoso", {"g-1"});
  ASSERT_EQ(one.size(), 1u);
  ASSERT_TRUE(one[0].ok()) << one[0].error().describe();
  EXPECT_EQ(one[0]->display_name, "Group g-1");
  ASSERT_EQ(transport_.requests().size(), 1u);
  EXPECT_EQ(transport_.requests()[0].url, kGraph + "/groups/g-1" + select);

  auto many = client_.get_groups("contoso", {"g-sales", "g-gone", "g-busy"});
  ASSERT_EQ(many.size(), 3u);
  ASSERT_TRUE(many[0].ok()) << many[0].error().describe();
  EXPECT_EQ(many[0]->display_name, "Sales Team");
  ASSERT_FALSE(many[1].ok());
  EXPECT_EQ(many[1].error().kind, ErrorKind::NotFound);
  ASSERT_TRUE(many[2].ok()) << many[2].error().describe();
  EXPECT_EQ(many[2]->display_name, "Group g-busy");  // read again on its own
  auto requests = transport_.requests();
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_EQ(ScriptedTransport::path_of(requests[1]), "/v1.0/$batch");
  EXPECT_EQ(requests[2].url, kGraph + "/groups/g-busy" + select);

  // After a full read's users: the deleted users' first page and the groups, one $batch
  // (a single group too), the same rules for each group.
  DeletedUsersAndGroups both =
      client_.deleted_users_and_groups("contoso", {"g-sales", "g-gone", "g-busy"});
  ASSERT_TRUE(both.deleted_users && both.deleted_users->ok());
  ASSERT_EQ((*both.deleted_users)->users.size(), 1u);
  EXPECT_EQ((*both.deleted_users)->users[0].deleted_date_time, "2026-11-30T10:00:00Z");
  EXPECT_EQ((*both.deleted_users)->next_link, kGraph + "/deleted?$skiptoken=2");
  ASSERT_EQ(both.groups.size(), 3u);
  ASSERT_TRUE(both.groups[0].ok()) << both.groups[0].error().describe();
  EXPECT_EQ(both.groups[0]->display_name, "Sales Team");
  ASSERT_FALSE(both.groups[1].ok());
  EXPECT_EQ(both.groups[1].error().kind, ErrorKind::NotFound);
  ASSERT_TRUE(both.groups[2].ok()) << both.groups[2].error().describe();
  EXPECT_EQ(both.groups[2]->display_name, "Group g-busy");
  requests = transport_.requests();
  ASSERT_EQ(requests.size(), 5u) << "the batch, and the throttled group alone";
  EXPECT_EQ(ScriptedTransport::path_of(requests[3]), "/v1.0/$batch");
  EXPECT_EQ(json::parse(requests[3].body)["requests"].size(), 4u);
  EXPECT_EQ(requests[4].url, kGraph + "/groups/g-busy" + select);

  DeletedUsersAndGroups single = client_.deleted_users_and_groups("contoso", {"g-sales"});
  ASSERT_EQ(single.groups.size(), 1u);
  EXPECT_TRUE(single.groups[0].ok());
  EXPECT_EQ(transport_.requests().size(), 6u) << "one $batch";

  // Without groups, the deleted users' first page alone: a GET, not a $batch of one.
  DeletedUsersAndGroups alone = client_.deleted_users_and_groups("contoso", {});
  EXPECT_TRUE(alone.groups.empty());
  ASSERT_TRUE(alone.deleted_users && alone.deleted_users->ok());
  ASSERT_EQ((*alone.deleted_users)->users.size(), 1u);
  EXPECT_EQ((*alone.deleted_users)->next_link, kGraph + "/deleted?$skiptoken=2");
  requests = transport_.requests();
  ASSERT_EQ(requests.size(), 7u) << "the first page only, its next link not followed";
  EXPECT_EQ(requests[6].method, "GET");
  EXPECT_EQ(ScriptedTransport::path_of(requests[6]),
            "/v1.0/directory/deletedItems/microsoft.graph.user");
}

// ---- users read back: `in` filters of 15, 20 to a $batch ------------------------------

std::string percent_decode(const std::string& s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      out += static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

// A /users list URL's filter `<property> in ('a','b',...)`, its values unquoted ('' is one
// quote). The test fails on any other form.
struct InFilter {
  std::string property;
  std::vector<std::string> values;
};

InFilter parse_in_filter(const std::string& relative_url) {
  InFilter f;
  const std::string prefix = "/users?$filter=";
  EXPECT_EQ(relative_url.rfind(prefix, 0), 0u) << relative_url;
  const std::string select = "&$select=" + kSelect;
  EXPECT_TRUE(relative_url.size() > select.size() &&
              relative_url.compare(relative_url.size() - select.size(), select.size(), select) == 0)
      << relative_url;
  std::string filter =
      percent_decode(relative_url.substr(prefix.size(), relative_url.find('&') - prefix.size()));
  std::size_t open = filter.find(" in (");
  EXPECT_NE(open, std::string::npos) << filter;
  if (open == std::string::npos) return f;
  f.property = filter.substr(0, open);
  std::size_t i = open + 5;
  while (i < filter.size() && filter[i] == '\'') {
    std::string value;
    for (++i; i < filter.size(); ++i) {
      if (filter[i] != '\'') {
        value += filter[i];
      } else if (i + 1 < filter.size() && filter[i + 1] == '\'') {
        value += '\'';
        ++i;
      } else {
        break;
      }
    }
    f.values.push_back(value);
    i += 1;  // the closing quote
    if (i < filter.size() && filter[i] == ',') ++i;
  }
  EXPECT_EQ(filter.substr(i), ")") << filter;
  return f;
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// A directory of `n` users ("user.NN@contoso.onmicrosoft.com", user 7 is o'brien.07@...)
// answering GET /users/{name}, GET /users?$filter=... in (...) and $batch of those, as
// Graph does (names ignoring case, at most 15 values). `override_answer` may answer an
// URL otherwise (in a batch or alone).
class UsersGraph {
 public:
  using Override =
      std::function<std::optional<std::pair<int, json>>(const std::string& url, bool in_batch)>;
  explicit UsersGraph(int n) {
    for (int i = 0; i < n; ++i) {
      char id[64];
      std::snprintf(id, sizeof id, "a0000000-0000-4000-8000-%012d", i);
      char upn[64];
      std::snprintf(
          upn, sizeof upn,
          i == 7 ? "o'brien.%02d@contoso.onmicrosoft.com" : "user.%02d@contoso.onmicrosoft.com", i);
      users.push_back(user_json(id, upn));
    }
  }

  std::pair<int, json> answer(const std::string& url, bool in_batch) const {
    if (override_answer) {
      if (auto a = override_answer(url, in_batch)) return *a;
    }
    auto not_found = [](const std::string& name) {
      return std::pair<int, json>(
          404, {{"error",
                 {{"code", "Request_ResourceNotFound"},
                  {"message", "Resource '" + name +
                                  "' does not exist or one of its queried reference-property "
                                  "objects are not present."}}}});
    };
    if (url.rfind("/users/", 0) == 0) {
      std::string name = percent_decode(url.substr(7, url.find('?') - 7));
      for (const auto& u : users) {
        if (lower(u["id"]) == lower(name) || lower(u["userPrincipalName"]) == lower(name)) {
          return {200, u};
        }
      }
      return not_found(name);
    }
    InFilter f = parse_in_filter(url);
    EXPECT_LE(f.values.size(), 15u);
    if (f.values.size() > 15) return {400, {{"error", {{"code", "Request_UnsupportedQuery"}}}}};
    json value = json::array();
    for (const auto& u : users) {
      for (const auto& v : f.values) {
        if (lower(u[f.property]) == lower(v)) {
          value.push_back(u);
          break;
        }
      }
    }
    return {200, {{"value", value}}};
  }

  Result<HttpResponse> handle(const HttpRequest& r) const {
    const std::string base = kGraph;
    if (ScriptedTransport::path_of(r) != "/v1.0/$batch") {
      EXPECT_EQ(r.method, "GET");
      auto [status, body] = answer(r.url.substr(base.size()), false);
      return test::json_response(status, body);
    }
    const json request = json::parse(r.body);
    EXPECT_LE(request["requests"].size(), 20u);
    json responses = json::array();
    for (const auto& item : request["requests"]) {
      EXPECT_EQ(item["method"], "GET");
      auto [status, body] = answer(item["url"], true);
      json headers = json::object();
      if (status == 429) headers["Retry-After"] = "1";
      responses.push_back(
          {{"id", item["id"]}, {"status", status}, {"headers", headers}, {"body", body}});
    }
    std::reverse(responses.begin(), responses.end());  // any order
    return test::json_response(200, {{"responses", responses}});
  }

  std::string id(int i) const { return users[i]["id"]; }
  std::string upn(int i) const { return users[i]["userPrincipalName"]; }

  std::vector<json> users;
  Override override_answer;
};

// 40 names, ids and UPNs mixed, some in another case, one with a quote, one twice, four
// unknown: one $batch of four filters (ids 15 + 7, UPNs 15 + 3); each name gets its user,
// in the order asked, or NotFound as GET /users/{name} would say it.
TEST_F(GraphClientTest, UsersAreReadFifteenToAFilterAndTwentyFiltersToABatch) {
  UsersGraph graph(40);
  transport_.set_handler([&](const HttpRequest& r) { return graph.handle(r); });
  std::vector<std::string> names;
  std::vector<std::string> expected;  // the UPN each name finds, "" for none
  const std::string gone_id = "ffffffff-0000-4000-8000-000000000001";
  const std::string gone_id2 = "ffffffff-0000-4000-8000-000000000002";
  for (int i = 0; i < 20; ++i) {
    // Ids of users 0..19 (user 3's upper case), UPNs of users 20..34 (user 21's upper case).
    std::string id = graph.id(i);
    if (i == 3) std::transform(id.begin(), id.end(), id.begin(), ::toupper);
    names.push_back(id);
    expected.push_back(graph.upn(i));
    if (i < 15) {
      std::string upn = graph.upn(20 + i);
      if (i == 1) std::transform(upn.begin(), upn.end(), upn.begin(), ::toupper);
      names.push_back(upn);
      expected.push_back(graph.upn(20 + i));
    }
  }
  names.insert(names.begin() + 5, gone_id);
  expected.insert(expected.begin() + 5, "");
  names.insert(names.begin() + 11, "nobody@contoso.onmicrosoft.com");
  expected.insert(expected.begin() + 11, "");
  names.push_back(graph.upn(7));  // o'brien.07@..., also asked for by id
  expected.push_back(graph.upn(7));
  names.push_back(gone_id2);
  expected.push_back("");
  names.push_back("gone@contoso.onmicrosoft.com");
  expected.push_back("");
  ASSERT_EQ(names.size(), 40u);

  auto read = client_.get_users("contoso", names);
  ASSERT_EQ(read.size(), names.size());
  for (std::size_t i = 0; i < names.size(); ++i) {
    SCOPED_TRACE(names[i]);
    if (expected[i].empty()) {
      ASSERT_FALSE(read[i].ok());
      EXPECT_EQ(read[i].error().kind, ErrorKind::NotFound);
      EXPECT_EQ(read[i].error().describe(),
                "Request_ResourceNotFound: Resource '" + names[i] +
                    "' does not exist or one of its queried reference-property objects are not "
                    "present.");
    } else {
      ASSERT_TRUE(read[i].ok()) << read[i].error().describe();
      EXPECT_EQ(read[i]->user_principal_name, expected[i]);
    }
  }

  auto requests = transport_.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(ScriptedTransport::path_of(requests[0]), "/v1.0/$batch");
  std::vector<std::pair<std::string, std::size_t>> filters;  // property, values
  const json batch = json::parse(requests[0].body);          // alive for the loop
  for (const auto& item : batch["requests"]) {
    InFilter f = parse_in_filter(item["url"]);
    filters.emplace_back(f.property, f.values.size());
  }
  std::sort(filters.begin(), filters.end());
  EXPECT_EQ(filters,
            (std::vector<std::pair<std::string, std::size_t>>{
                {"id", 7}, {"id", 15}, {"userPrincipalName", 3}, {"userPrincipalName", 15}}));
}

// One name: the plain GET. A few of one kind: one filtered GET, no $batch. 300 names: one
// $batch of 20 filters; 301: two.
TEST_F(GraphClientTest, FewUsersNeedNoBatchAndThreeHundredFitOne) {
  UsersGraph graph(310);
  transport_.set_handler([&](const HttpRequest& r) { return graph.handle(r); });

  auto one = client_.get_users("contoso", {graph.upn(7)});
  ASSERT_EQ(one.size(), 1u);
  ASSERT_TRUE(one[0].ok()) << one[0].error().describe();
  ASSERT_EQ(transport_.requests().size(), 1u);
  EXPECT_EQ(transport_.requests()[0].url,
            kGraph + "/users/o%27brien.07@contoso.onmicrosoft.com?$select=" + kSelect);

  auto two = client_.get_users("contoso", {graph.upn(7), graph.upn(20)});
  ASSERT_EQ(two.size(), 2u);
  ASSERT_TRUE(two[0].ok() && two[1].ok());
  EXPECT_EQ(two[0]->user_principal_name, graph.upn(7));
  EXPECT_EQ(two[1]->user_principal_name, graph.upn(20));
  ASSERT_EQ(transport_.requests().size(), 2u);
  // The quote doubled, the whole filter percent-encoded.
  EXPECT_EQ(transport_.requests()[1].url,
            kGraph +
                "/users?$filter=userPrincipalName%20in%20%28%27o%27%27brien.07%40contoso."
                "onmicrosoft.com%27%2C%27user.20%40contoso.onmicrosoft.com%27%29&$select=" +
                kSelect);

  for (std::size_t n : {300u, 301u}) {
    SCOPED_TRACE(n);
    std::vector<std::string> ids;
    for (std::size_t i = 0; i < n; ++i) ids.push_back(graph.id(static_cast<int>(i)));
    std::size_t before = transport_.requests().size();
    auto read = client_.get_users("contoso", ids);
    ASSERT_EQ(read.size(), n);
    for (std::size_t i = 0; i < n; ++i) {
      ASSERT_TRUE(read[i].ok()) << read[i].error().describe();
      EXPECT_EQ(read[i]->id, ids[i]);
    }
    auto requests = transport_.requests();
    EXPECT_EQ(requests.size() - before, n == 300 ? 1u : 2u);
    for (std::size_t r = before; r < requests.size(); ++r) {
      EXPECT_EQ(ScriptedTransport::path_of(requests[r]), "/v1.0/$batch");
    }
  }
}

// A filter the service would not answer fails each of its names with its error; one the
// batch could not answer (throttled) is asked for again on its own; one it refused as a
// query (400) is read name by name, as GET /users/{name}.
TEST_F(GraphClientTest, AFailedFilterFailsEachOfItsNames) {
  UsersGraph graph(44);  // user.44 does not exist
  graph.override_answer = [&](const std::string& url,
                              bool in_batch) -> std::optional<std::pair<int, json>> {
    if (url.rfind("/users?", 0) != 0) return std::nullopt;
    std::string first = parse_in_filter(url).values.at(0);
    if (first == graph.upn(0)) {
      return std::pair<int, json>(
          403,
          {{"error",
            {{"code", "Authorization_RequestDenied"}, {"message", "Insufficient privileges."}}}});
    }
    if (first == graph.upn(15) && in_batch) {
      return std::pair<int, json>(
          429, {{"error", {{"code", "TooManyRequests"}, {"message", "Slow down."}}}});
    }
    if (first == graph.upn(30)) {
      return std::pair<int, json>(
          400, {{"error", {{"code", "Request_BadRequest"}, {"message", "Invalid filter."}}}});
    }
    return std::nullopt;
  };
  transport_.set_handler([&](const HttpRequest& r) { return graph.handle(r); });
  std::vector<std::string> names;
  for (int i = 0; i < 44; ++i) names.push_back(graph.upn(i));
  names.push_back("user.44@contoso.onmicrosoft.com");

  auto read = client_.get_users("contoso", names);
  ASSERT_EQ(read.size(), 45u);
  for (std::size_t i = 0; i < 15; ++i) {
    ASSERT_FALSE(read[i].ok()) << names[i];
    EXPECT_EQ(read[i].error().kind, ErrorKind::Forbidden);
    EXPECT_EQ(read[i].error().describe(), "Authorization_RequestDenied: Insufficient privileges.");
  }
  for (std::size_t i = 15; i < 44; ++i) {
    ASSERT_TRUE(read[i].ok()) << names[i] << ": " << read[i].error().describe();
    EXPECT_EQ(read[i]->user_principal_name, names[i]);
  }
  ASSERT_FALSE(read[44].ok());
  EXPECT_EQ(read[44].error().kind, ErrorKind::NotFound);

  // The batch; the refused filter and the throttled one again on their own (the 403 is
  // final, the 429 is answered alone); the 400's 15 names one by one.
  auto requests = transport_.requests();
  EXPECT_EQ(transport_.count("POST", "/v1.0/$batch"), 1);
  EXPECT_EQ(transport_.count("GET", "/v1.0/users"), 3);
  int single = 0;
  for (const auto& r : requests) {
    if (ScriptedTransport::path_of(r).rfind("/v1.0/users/", 0) == 0) ++single;
  }
  EXPECT_EQ(single, 15);
  EXPECT_EQ(requests.size(), 19u);
}

// The lists the mirror reads besides users: their first pages in one $batch, a list's next
// pages by its nextLink, a throttled list read again on its own, admin roles scoped to an
// administrative unit left out as role_assignments() leaves them out.
TEST_F(GraphClientTest, TenantListsComeInOneBatchAndAThrottledListIsReadAlone) {
  auto sku = [](const std::string& id) {
    return json{{"skuId", id},
                {"skuPartNumber", "P" + id},
                {"consumedUnits", 1},
                {"prepaidUnits", {{"enabled", 5}}}};
  };
  transport_.set_handler([&](const HttpRequest& r) -> Result<HttpResponse> {
    std::string path = ScriptedTransport::path_of(r);
    if (path == "/v1.0/subscribedSkus") {  // page 2, by the nextLink
      EXPECT_EQ(r.url, kGraph + "/subscribedSkus?$skiptoken=2");
      return test::json_response(200, {{"value", {sku("s2")}}});
    }
    if (path == "/v1.0/domains") {  // alone, after the batch was throttled for it
      return test::json_response(200, {{"value", {{{"id", "contoso.com"}, {"isVerified", true}}}}});
    }
    EXPECT_EQ(path, "/v1.0/$batch");
    json responses = json::array();
    const json request = json::parse(r.body);  // alive for the loop
    for (const auto& item : request["requests"]) {
      std::string url = item["url"];
      json answer = {{"id", item["id"]}, {"status", 200}};
      if (url == "/subscribedSkus") {
        answer["body"] = {{"value", {sku("s1")}},
                          {"@odata.nextLink", kGraph + "/subscribedSkus?$skiptoken=2"}};
      } else if (url == "/domains") {
        answer["status"] = 429;
        answer["headers"] = {{"Retry-After", "1"}};
        answer["body"] = {{"error", {{"code", "TooManyRequests"}, {"message", "Slow down."}}}};
      } else if (url == "/roleManagement/directory/roleDefinitions") {
        answer["body"] = {{"value", {{{"id", "r1"}, {"displayName", "User Administrator"}}}}};
      } else if (url.rfind("/directory/deletedItems/microsoft.graph.user?$select=", 0) == 0) {
        EXPECT_NE(url.find("deletedDateTime"), std::string::npos) << url;
        answer["body"] = {{"value",
                           {{{"id", "d1"},
                             {"userPrincipalName", "gone@contoso.com"},
                             {"deletedDateTime", "2026-11-30T10:00:00Z"}}}},
                          {"@odata.nextLink", kGraph + "/deleted?$skiptoken=2"}};
      } else {
        EXPECT_EQ(url, "/roleManagement/directory/roleAssignments");
        answer["body"] = {{"value",
                           {{{"id", "a1"},
                             {"principalId", "u1"},
                             {"roleDefinitionId", "r1"},
                             {"directoryScopeId", "/"}},
                            {{"id", "a2"},
                             {"principalId", "u2"},
                             {"roleDefinitionId", "r1"},
                             {"directoryScopeId", "/administrativeUnits/au1"}}}}};
      }
      responses.push_back(answer);
    }
    return test::json_response(200, {{"responses", responses}});
  });

  TenantLists lists = client_.tenant_lists("contoso", ListsRequest{.role_definitions = true,
                                                                   .role_assignments = true,
                                                                   .deleted_users = true,
                                                                   .delta_link = ""});
  ASSERT_TRUE(lists.skus.ok()) << lists.skus.error().describe();
  ASSERT_EQ(lists.skus->size(), 2u);
  EXPECT_EQ((*lists.skus)[1].sku_id, "s2");
  ASSERT_TRUE(lists.domains.ok()) << lists.domains.error().describe();
  ASSERT_EQ(lists.domains->size(), 1u);
  EXPECT_TRUE((*lists.domains)[0].is_verified);
  ASSERT_TRUE(lists.role_definitions && lists.role_definitions->ok());
  EXPECT_EQ((**lists.role_definitions)[0].display_name, "User Administrator");
  ASSERT_TRUE(lists.role_assignments && lists.role_assignments->ok());
  ASSERT_EQ((*lists.role_assignments)->size(), 1u) << "the unit-scoped one is left out";
  EXPECT_EQ((**lists.role_assignments)[0].id, "a1");
  // The deleted users' first page only: the mirror reads the rest itself.
  ASSERT_TRUE(lists.deleted_users && lists.deleted_users->ok());
  ASSERT_EQ((*lists.deleted_users)->users.size(), 1u);
  EXPECT_EQ((*lists.deleted_users)->users[0].id, "d1");
  EXPECT_EQ((*lists.deleted_users)->users[0].deleted_date_time, "2026-11-30T10:00:00Z");
  EXPECT_EQ((*lists.deleted_users)->next_link, kGraph + "/deleted?$skiptoken=2");
  EXPECT_EQ(transport_.count("POST", "/v1.0/$batch"), 1);
  EXPECT_EQ(transport_.requests().size(), 3u) << "the batch, skus page 2, domains alone";

  // Without roles and deleted users the batch asks for two lists only.
  transport_.set_handler([&](const HttpRequest& r) -> Result<HttpResponse> {
    json responses = json::array();
    const json request = json::parse(r.body);
    EXPECT_EQ(request["requests"].size(), 2u);
    for (const auto& item : request["requests"]) {
      responses.push_back(
          {{"id", item["id"]}, {"status", 200}, {"body", {{"value", json::array()}}}});
    }
    return test::json_response(200, {{"responses", responses}});
  });
  TenantLists plain = client_.tenant_lists("contoso", ListsRequest{});
  EXPECT_TRUE(plain.skus.ok() && plain.skus->empty());
  EXPECT_FALSE(plain.role_definitions.has_value());
  EXPECT_FALSE(plain.role_assignments.has_value());
  EXPECT_FALSE(plain.deleted_users.has_value());
}

// Each answer of the lists' $batch is decoded as that page read alone: a SKU the service
// sent wrong fails the SKUs (naming the page, the item and the property) and nothing else,
// and so does a role definition or assignment (the definitions' permissions are skipped);
// an answer simdjson cannot parse (an integer beyond 64 bits) is split by nlohmann's
// parser instead, and still read.
TEST_F(GraphClientTest, EachAnswerOfTheListsBatchIsDecodedAsItsPageReadAlone) {
  std::string extra;  // spliced into the SKUs' answer
  transport_.set_handler([&](const HttpRequest& r) -> Result<HttpResponse> {
    if (ScriptedTransport::path_of(r) != "/v1.0/$batch") {
      ADD_FAILURE() << "read alone: " << r.url;
      return test::graph_error(404, "Request_ResourceNotFound", "unexpected " + r.url);
    }
    json responses = json::array();
    const json requests = json::parse(r.body)["requests"];
    for (const auto& item : requests) {
      json body = {{"value", json::array()}};
      if (item["url"] == "/subscribedSkus") {
        body = {{"value",
                 {{{"skuId", "s1"}, {"skuPartNumber", "SPE_E3"}},
                  {{"skuId", nullptr}, {"skuPartNumber", "EMS"}}}}};
      } else if (item["url"] == "/roleManagement/directory/roleDefinitions") {
        json permissions = {{{"allowedResourceActions", {"microsoft.directory/users/create"}},
                             {"condition", nullptr}}};
        body = {{"value",
                 {{{"id", "r1"},
                   {"displayName", "User Administrator"},
                   {"rolePermissions", permissions}},
                  {{"id", nullptr}, {"displayName", "Helpdesk Administrator"}}}}};
      } else if (item["url"] == "/roleManagement/directory/roleAssignments") {
        body = {{"value",
                 {{{"id", "a1"}, {"principalId", "u1"}, {"roleDefinitionId", "r1"}},
                  {{"id", "a2"}, {"principalId", "u2"}}}}};
      }
      responses.push_back({{"id", item["id"]}, {"status", 200}, {"body", body}});
    }
    std::string text = json{{"responses", responses}}.dump();
    text.insert(1, extra);
    return HttpResponse{200, {{"content-type", "application/json"}}, text};
  });
  TenantLists lists = client_.tenant_lists("contoso", ListsRequest{.role_definitions = true,
                                                                   .role_assignments = true,
                                                                   .deleted_users = true,
                                                                   .delta_link = ""});
  ASSERT_FALSE(lists.skus.ok());
  EXPECT_EQ(lists.skus.error().message,
            "tenant contoso: subscribedSkus page 1: unexpected data in item 1: skuId is null, "
            "not a string");
  ASSERT_TRUE(lists.role_definitions && !lists.role_definitions->ok());
  EXPECT_EQ(lists.role_definitions->error().message,
            "tenant contoso: roleDefinitions page 1: unexpected data in item 1: id is null, not "
            "a string");
  ASSERT_TRUE(lists.role_assignments && !lists.role_assignments->ok());
  EXPECT_EQ(lists.role_assignments->error().message,
            "tenant contoso: roleAssignments page 1: unexpected data in item 1: roleDefinitionId "
            "is missing");
  EXPECT_TRUE(lists.domains.ok()) << lists.domains.error().describe();
  ASSERT_TRUE(lists.deleted_users && lists.deleted_users->ok());
  EXPECT_EQ(transport_.requests().size(), 1u) << "nothing read again alone";

  extra = "\"big\": 123456789012345678901234567890,";
  TenantLists big =
      client_.tenant_lists("contoso", ListsRequest{.deleted_users = true, .delta_link = ""});
  ASSERT_FALSE(big.skus.ok());
  EXPECT_NE(big.skus.error().message.find("subscribedSkus page 1: unexpected data in item 1"),
            std::string::npos)
      << big.skus.error().message;
  EXPECT_TRUE(big.domains.ok()) << big.domains.error().describe();
  EXPECT_EQ(transport_.requests().size(), 2u) << "the answer was split, not read again";
}

// ---- writes -------------------------------------------------------------------------

json batch_requests(const HttpRequest& r) { return json::parse(r.body)["requests"]; }

TEST_F(GraphClientTest, BatchMapsOutOfOrderAnswersByIdAndResendsOnlyThrottledItems) {
  // 45 writes: three batches (20, 20, 5). Items whose user ends in 7 are throttled once;
  // items whose user ends in 3 fail for good (no seats); the answers come back reversed.
  std::map<std::string, int> sent_per_user;
  transport_.set_handler([&](const HttpRequest& r) -> Result<HttpResponse> {
    EXPECT_EQ(ScriptedTransport::path_of(r), "/v1.0/$batch");
    EXPECT_FALSE(r.reuse_connection);
    json responses = json::array();
    for (const auto& item : batch_requests(r)) {
      std::string url = item["url"];
      std::string user = url.substr(std::string("/users/").size());
      user = user.substr(0, user.find('/'));
      int n = ++sent_per_user[user];
      json answer = {{"id", item["id"]}};
      if (user.back() == '7' && n == 1) {
        answer["status"] = 429;
        answer["headers"] = {{"Retry-After", user == "u17" ? "3.5" : "1"}};
        answer["body"] = {
            {"error", {{"code", "TooManyRequests"}, {"message", "Too many requests."}}}};
      } else if (user.back() == '3') {
        answer["status"] = 400;
        answer["body"] = {{"error",
                           {{"code", "Request_BadRequest"},
                            {"message",
                             "Subscription with SKU s1 does not have any available "
                             "licenses."}}}};
      } else {
        answer["status"] = 200;
        answer["body"] = user_json(user);
      }
      responses.insert(responses.begin(), answer);
    }
    return test::json_response(200, {{"responses", responses}});
  });
  std::vector<GraphWrite> writes;
  for (int i = 0; i < 45; ++i) {
    writes.push_back(GraphWrite::assign_license("u" + std::to_string(i), {{"s1", {}}}, {}));
  }
  auto results = client_.write_batch("contoso", writes);
  ASSERT_EQ(results.size(), 45u);
  for (int i = 0; i < 45; ++i) {
    std::string user = "u" + std::to_string(i);
    if (user.back() == '3') {
      ASSERT_FALSE(results[i].status.ok()) << user;
      EXPECT_EQ(results[i].status.error().refusal, Refusal::Seats);
      EXPECT_EQ(sent_per_user[user], 1) << user;
    } else {
      ASSERT_TRUE(results[i].status.ok()) << user << ": " << results[i].status.error().describe();
      ASSERT_TRUE(results[i].user.has_value());
      EXPECT_EQ(results[i].user->id, user);  // the right answer went to the right write
      EXPECT_EQ(sent_per_user[user], user.back() == '7' ? 2 : 1) << user;
    }
  }
  // Batches: 20 + 20 + 5, each of the first two followed by a resend of only its
  // throttled items (u40..u44 has none).
  auto requests = transport_.requests();
  ASSERT_EQ(requests.size(), 5u);
  EXPECT_EQ(batch_requests(requests[0]).size(), 20u);
  EXPECT_EQ(batch_requests(requests[1]).size(), 2u);  // u7, u17
  EXPECT_EQ(batch_requests(requests[2]).size(), 20u);
  EXPECT_EQ(batch_requests(requests[3]).size(), 2u);  // u27, u37
  EXPECT_EQ(batch_requests(requests[4]).size(), 5u);
  // The longest Retry-After among a round's items decides its wait: 3.5 s, then 1 s.
  EXPECT_EQ(clock_.total_slept(), 4500ms);
  EXPECT_EQ(transport_.stats().snapshot().throttled, 4u);
}

TEST_F(GraphClientTest, BatchItemBodiesAndMethods) {
  json seen;
  transport_.set_handler([&](const HttpRequest& r) -> Result<HttpResponse> {
    seen = batch_requests(r);
    json responses = json::array();
    for (const auto& item : seen) responses.push_back({{"id", item["id"]}, {"status", 204}});
    return test::json_response(200, {{"responses", responses}});
  });
  std::vector<GraphWrite> writes = {
      GraphWrite::assign_license("u1", {{"s1", {"p1"}}}, {"s2"}),
      GraphWrite::update("u2", {{"usageLocation", "DE"}}), GraphWrite::remove("u3"),
      GraphWrite::restore("u4", "new@contoso.onmicrosoft.com"), GraphWrite::restore("u5")};
  auto results = client_.write_batch("contoso", writes);
  for (const auto& r : results) EXPECT_TRUE(r.status.ok());
  ASSERT_EQ(seen.size(), 5u);
  EXPECT_EQ(seen[0]["method"], "POST");
  EXPECT_EQ(seen[0]["url"], "/users/u1/assignLicense");
  EXPECT_EQ(seen[0]["body"], json::parse(R"({"addLicenses":[{"skuId":"s1","disabledPlans":["p1"]}],
                                              "removeLicenses":["s2"]})"));
  EXPECT_EQ(seen[0]["headers"]["Content-Type"], "application/json");
  EXPECT_EQ(seen[1]["method"], "PATCH");
  EXPECT_EQ(seen[1]["url"], "/users/u2");
  EXPECT_EQ(seen[2]["method"], "DELETE");
  EXPECT_FALSE(seen[2].contains("body"));
  EXPECT_EQ(seen[3]["url"], "/directory/deletedItems/u4/restore");
  EXPECT_EQ(seen[3]["body"]["newUserPrincipalName"], "new@contoso.onmicrosoft.com");
  EXPECT_FALSE(seen[4].contains("body"));
}

TEST_F(GraphClientTest, BatchItemWithoutAnswerFailsAlone) {
  transport_.set_handler([&](const HttpRequest& r) -> Result<HttpResponse> {
    auto items = batch_requests(r);
    return test::json_response(200, {{"responses", {{{"id", items[0]["id"]}, {"status", 204}}}}});
  });
  auto results =
      client_.write_batch("contoso", {GraphWrite::remove("u1"), GraphWrite::remove("u2")});
  EXPECT_TRUE(results[0].status.ok());
  ASSERT_FALSE(results[1].status.ok());
  EXPECT_EQ(results[1].status.error().kind, ErrorKind::Invalid);
}

TEST_F(GraphClientTest, BatchDelete503Then404CountsAsDone) {
  int round = 0;
  transport_.set_handler([&](const HttpRequest& r) -> Result<HttpResponse> {
    auto items = batch_requests(r);
    ++round;
    json answer = {{"id", items[0]["id"]}};
    if (round == 1) {
      answer["status"] = 503;
    } else {
      answer["status"] = 404;
      answer["body"] = {{"error", {{"code", "Request_ResourceNotFound"}, {"message", "gone"}}}};
    }
    return test::json_response(200, {{"responses", {answer}}});
  });
  auto results = client_.write_batch("contoso", {GraphWrite::remove("u1")});
  EXPECT_TRUE(results[0].status.ok());
  EXPECT_EQ(round, 2);
}

TEST_F(GraphClientTest, DeleteNotFoundOnFirstAttemptStaysNotFound) {
  transport_.set_handler([](const HttpRequest&) -> Result<HttpResponse> {
    return test::graph_error(404, "Request_ResourceNotFound", "gone");
  });
  Status st = client_.delete_user("contoso", "u1");
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().kind, ErrorKind::NotFound);
}

TEST_F(GraphClientTest, DeleteDroppedThenNotFoundIsSuccess) {
  int calls = 0;
  transport_.set_handler([&](const HttpRequest& r) -> Result<HttpResponse> {
    EXPECT_EQ(r.method, "DELETE");
    EXPECT_FALSE(r.reuse_connection);
    if (++calls == 1) return test::dropped();
    return test::graph_error(404, "Request_ResourceNotFound", "gone");
  });
  EXPECT_TRUE(client_.delete_user("contoso", "u1").ok());
  EXPECT_EQ(calls, 2);
}

TEST_F(GraphClientTest, RestoreDroppedThenNotFoundChecksTheUser) {
  transport_.set_handler([&](const HttpRequest& r) -> Result<HttpResponse> {
    if (r.method == "GET") return test::json_response(200, user_json("u1"));
    if (transport_.count("POST", "/v1.0/directory/deletedItems/u1/restore") == 1) {
      return test::graph_error(504, "GatewayTimeout", "timeout");
    }
    return test::graph_error(404, "Request_ResourceNotFound", "not in deleted items");
  });
  auto user = client_.restore_user("contoso", "u1");
  ASSERT_TRUE(user.ok()) << user.error().describe();
  EXPECT_EQ(user->id, "u1");
  EXPECT_EQ(transport_.count("GET", "/v1.0/users/u1"), 1);
}

TEST_F(GraphClientTest, RestoreNotFoundAndUserAbsentStaysNotFound) {
  transport_.set_handler([&](const HttpRequest& r) -> Result<HttpResponse> {
    if (r.method == "POST" &&
        transport_.count("POST", "/v1.0/directory/deletedItems/u1/restore") == 1) {
      return test::dropped();
    }
    return test::graph_error(404, "Request_ResourceNotFound", "nope");
  });
  auto user = client_.restore_user("contoso", "u1");
  ASSERT_FALSE(user.ok());
  EXPECT_EQ(user.error().kind, ErrorKind::NotFound);
}

TEST_F(GraphClientTest, AssignRetriedAfterDropAndRefusedIsCheckedAgainstTheUser) {
  // The first attempt removed s2 and added s1 but its answer was lost; the retry is
  // refused because s2 is gone. The user holds what was asked: success.
  transport_.set_handler([&](const HttpRequest& r) -> Result<HttpResponse> {
    if (r.method == "GET") {
      json u = user_json("u1");
      u["assignedLicenses"] = {{{"skuId", "s1"}, {"disabledPlans", {"p1"}}}};
      return test::json_response(200, u);
    }
    if (transport_.count("POST", "/v1.0/users/u1/assignLicense") == 1) return test::dropped();
    return test::graph_error(400, "Request_BadRequest",
                             "User does not have a corresponding license.");
  });
  auto user = client_.assign_license("contoso", "u1", {{"s1", {"p1"}}}, {"s2"});
  ASSERT_TRUE(user.ok()) << user.error().describe();
  EXPECT_EQ(user->assigned_licenses.size(), 1u);
}

TEST_F(GraphClientTest, AssignRefusedOnFirstAttemptIsNotSecondGuessed) {
  transport_.set_handler([&](const HttpRequest&) -> Result<HttpResponse> {
    return test::graph_error(400, "Request_BadRequest",
                             "User does not have a corresponding license.");
  });
  auto user = client_.assign_license("contoso", "u1", {}, {"s2"});
  ASSERT_FALSE(user.ok());
  EXPECT_EQ(user.error().refusal, Refusal::NoSuchLicense);
  EXPECT_EQ(transport_.count("GET", "/v1.0/users/u1"), 0);
}

const json kCreateBody = {
    {"accountEnabled", true},
    {"displayName", "New User"},
    {"mailNickname", "new"},
    {"userPrincipalName", "new@contoso.onmicrosoft.com"},
    {"passwordProfile",
     {{"password", "Tr0ub4dor&3-secret"}, {"forceChangePasswordNextSignIn", true}}}};

TEST_F(GraphClientTest, DroppedCreateChecksExistenceAndDoesNotResendWhenItExists) {
  transport_.set_handler([&](const HttpRequest& r) -> Result<HttpResponse> {
    if (r.method == "POST") return test::dropped();
    return test::json_response(200, user_json("new-id", "new@contoso.onmicrosoft.com"));
  });
  auto user = client_.create_user("contoso", kCreateBody);
  ASSERT_TRUE(user.ok()) << user.error().describe();
  EXPECT_EQ(user->id, "new-id");
  EXPECT_EQ(transport_.count("POST", "/v1.0/users"), 1);
  EXPECT_EQ(transport_.count("GET", "/v1.0/users/new@contoso.onmicrosoft.com"), 1);
}

TEST_F(GraphClientTest, DroppedCreateIsResentOnlyAfterA404) {
  transport_.set_handler([&](const HttpRequest& r) -> Result<HttpResponse> {
    if (r.method == "GET") return test::graph_error(404, "Request_ResourceNotFound", "no user");
    EXPECT_FALSE(r.reuse_connection);
    if (transport_.count("POST", "/v1.0/users") == 1) return test::dropped();
    return test::json_response(201, user_json("new-id", "new@contoso.onmicrosoft.com"));
  });
  auto user = client_.create_user("contoso", kCreateBody);
  ASSERT_TRUE(user.ok()) << user.error().describe();
  auto requests = transport_.requests();
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_EQ(requests[0].method, "POST");
  EXPECT_EQ(requests[1].method, "GET");  // looked before resending
  EXPECT_EQ(requests[2].method, "POST");
}

TEST_F(GraphClientTest, ThrottledCreateIsResentWithoutACheck) {
  transport_.set_handler([&](const HttpRequest&) -> Result<HttpResponse> {
    if (transport_.count("POST", "/v1.0/users") == 1) {
      return test::graph_error(429, "TooManyRequests", "slow", {{"retry-after", "1"}});
    }
    return test::json_response(201, user_json("new-id"));
  });
  ASSERT_TRUE(client_.create_user("contoso", kCreateBody).ok());
  EXPECT_EQ(transport_.count("GET", "/v1.0/users/new@contoso.onmicrosoft.com"), 0);
  EXPECT_EQ(transport_.count("POST", "/v1.0/users"), 2);
}

TEST_F(GraphClientTest, CreateConflictAfterLostAnswerIsTakenAsOurs) {
  // The first attempt's answer was lost, the GET did not see the user yet (replication),
  // the resend says the UPN exists: the user is looked up and returned.
  int gets = 0;
  transport_.set_handler([&](const HttpRequest& r) -> Result<HttpResponse> {
    if (r.method == "GET") {
      if (++gets == 1) return test::graph_error(404, "Request_ResourceNotFound", "not yet");
      return test::json_response(200, user_json("new-id", "new@contoso.onmicrosoft.com"));
    }
    if (transport_.count("POST", "/v1.0/users") == 1) {
      return test::graph_error(503, "serviceNotAvailable", "busy");
    }
    return test::json_response(
        400, {{"error",
               {{"code", "Request_BadRequest"},
                {"message",
                 "Another object with the same value for property "
                 "userPrincipalName already exists."},
                {"details", {{{"target", "userPrincipalName"}, {"code", "ObjectConflict"}}}}}}});
  });
  auto user = client_.create_user("contoso", kCreateBody);
  ASSERT_TRUE(user.ok()) << user.error().describe();
  EXPECT_EQ(user->id, "new-id");
}

TEST_F(GraphClientTest, CreateConflictOnFirstAttemptIsAConflict) {
  transport_.set_handler([&](const HttpRequest&) -> Result<HttpResponse> {
    return test::json_response(
        400, {{"error",
               {{"code", "Request_BadRequest"},
                {"message",
                 "Another object with the same value for property "
                 "userPrincipalName already exists."},
                {"details", {{{"target", "userPrincipalName"}, {"code", "ObjectConflict"}}}}}}});
  });
  auto user = client_.create_user("contoso", kCreateBody);
  ASSERT_FALSE(user.ok());
  EXPECT_EQ(user.error().kind, ErrorKind::Conflict);
  EXPECT_EQ(user.error().refusal, Refusal::DuplicateUpn);
}

TEST_F(GraphClientTest, CreatesAreNeverBatched) {
  transport_.set_handler([&](const HttpRequest& r) -> Result<HttpResponse> {
    if (ScriptedTransport::path_of(r) == "/v1.0/users") {
      return test::json_response(201, user_json("new-id"));
    }
    json responses = json::array();
    for (const auto& item : batch_requests(r)) {
      EXPECT_NE(item["url"], "/users");
      responses.push_back({{"id", item["id"]}, {"status", 204}});
    }
    return test::json_response(200, {{"responses", responses}});
  });
  auto results = client_.write_batch(
      "contoso",
      {GraphWrite::remove("u1"), GraphWrite::create(kCreateBody), GraphWrite::remove("u2")});
  ASSERT_EQ(results.size(), 3u);
  for (const auto& r : results) EXPECT_TRUE(r.status.ok());
  ASSERT_TRUE(results[1].user.has_value());
  EXPECT_EQ(results[1].user->id, "new-id");
  EXPECT_EQ(transport_.count("POST", "/v1.0/users"), 1);
  EXPECT_EQ(transport_.count("POST", "/v1.0/$batch"), 1);
}

TEST_F(GraphClientTest, WholeBatchThrottledIsResentAfterRetryAfter) {
  transport_.set_handler([&](const HttpRequest& r) -> Result<HttpResponse> {
    if (transport_.count("POST", "/v1.0/$batch") == 1) {
      return test::graph_error(429, "TooManyRequests", "slow", {{"retry-after", "2"}});
    }
    json responses = json::array();
    for (const auto& item : batch_requests(r))
      responses.push_back({{"id", item["id"]}, {"status", 204}});
    return test::json_response(200, {{"responses", responses}});
  });
  auto results = client_.write_batch("contoso", {GraphWrite::remove("u1")});
  EXPECT_TRUE(results[0].status.ok());
  EXPECT_EQ(clock_.total_slept(), 2000ms);
}

TEST_F(GraphClientTest, ThrottledItemsGiveUpAtTheThrottleDeadlineNotAfterMaxAttempts) {
  transport_.set_handler([&](const HttpRequest& r) -> Result<HttpResponse> {
    json responses = json::array();
    for (const auto& item : batch_requests(r)) {
      responses.push_back(
          {{"id", item["id"]},
           {"status", 429},
           {"headers", {{"Retry-After", "1"}}},
           {"body", {{"error", {{"code", "TooManyRequests"}, {"message", "slow"}}}}}});
    }
    return test::json_response(200, {{"responses", responses}});
  });
  auto results = client_.write_batch("contoso", {GraphWrite::remove("u1")});
  ASSERT_FALSE(results[0].status.ok());
  EXPECT_EQ(results[0].status.error().kind, ErrorKind::Throttled);
  EXPECT_DOUBLE_EQ(results[0].status.error().retry_after_seconds, 1);
  // 429s are not attempts: resent every second until the default 10-minute deadline.
  EXPECT_EQ(transport_.requests().size(), 601u);
  EXPECT_EQ(clock_.total_slept(), 600000ms);
}

TEST_F(GraphClientTest, WriteBodiesAndTokensNeverInErrors) {
  transport_.set_handler([&](const HttpRequest&) -> Result<HttpResponse> {
    return test::graph_error(400, "Request_BadRequest",
                             "The specified password does not comply with password complexity "
                             "requirements. Please provide a different password.");
  });
  auto user = client_.create_user("contoso", kCreateBody);
  ASSERT_FALSE(user.ok());
  EXPECT_EQ(user.error().refusal, Refusal::PasswordComplexity);
  EXPECT_EQ(user.error().describe().find("Tr0ub4dor"), std::string::npos);
  EXPECT_EQ(user.error().describe().find("token-1"), std::string::npos);
}

}  // namespace graph_client_test
}  // namespace tenantsync
