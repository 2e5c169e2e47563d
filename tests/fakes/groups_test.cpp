// GET /groups/{id}: the groups users inherit licenses from, by id, with $select, the
// service's 404 for an unknown id, and inside $batch.
#include <gtest/gtest.h>

#include <cctype>
#include <map>

#include "tests/fakes/graph_test_support.h"

namespace tenantsync::test {
namespace groups_test {

const std::string kContosoGroup = "a58b06e5-1a77-5374-9716-860191c1e2fa";  // EMS in the demo
const std::string kFabrikamGroup = "865f70d9-6d8b-5b33-ac19-71897b9e2268";

using GroupsTest = FakeGraphTest;

std::string to_upper_copy(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

TEST_F(GroupsTest, AGroupIsReadByIdWithTheSelectedProperties) {
  HttpReply r = get("/groups/" + kContosoGroup + "?$select=id,displayName");
  ASSERT_EQ(r.status, 200) << r.body;
  json body = body_of(r);
  EXPECT_EQ(body["id"], kContosoGroup);
  EXPECT_EQ(body["displayName"], "Contoso Mobility Users");
  EXPECT_EQ(body["@odata.context"],
            fake_->url() + "/v1.0/$metadata#groups(id,displayName)/$entity");
  EXPECT_EQ(body.size(), 3u) << body.dump() << ": exactly the selected properties";

  // Without $select: a group's default properties; ids in any case.
  HttpReply all = get("/groups/" + to_upper_copy(kContosoGroup));
  ASSERT_EQ(all.status, 200) << all.body;
  json group = body_of(all);
  EXPECT_EQ(group["id"], kContosoGroup);
  EXPECT_EQ(group["displayName"], "Contoso Mobility Users");
  EXPECT_EQ(group["securityEnabled"], true);
  EXPECT_TRUE(group.contains("groupTypes"));
}

TEST_F(GroupsTest, AnUnknownGroupIsTheServicesNotFound) {
  HttpReply r = get("/groups/00000000-0000-0000-0000-000000000000?$select=id,displayName");
  EXPECT_EQ(r.status, 404) << r.body;
  EXPECT_EQ(error_code(r), "Request_ResourceNotFound");
  EXPECT_EQ(error_message(r),
            "Resource '00000000-0000-0000-0000-000000000000' does not exist or one of its "
            "queried reference-property objects are not present.");
  EXPECT_TRUE(body_of(r)["error"].contains("innerError")) << r.body;

  // Another tenant's group is not this tenant's.
  HttpReply other = get("/groups/" + kFabrikamGroup);
  EXPECT_EQ(other.status, 404) << other.body;
  HttpReply fabrikam = get("/groups/" + kFabrikamGroup, token(kFabrikam));
  ASSERT_EQ(fabrikam.status, 200) << fabrikam.body;
  EXPECT_EQ(body_of(fabrikam)["displayName"], "Fabrikam EMS Licensing");
}

TEST_F(GroupsTest, AnUnknownSelectedPropertyAndOtherMethodsAreRefused) {
  HttpReply r = get("/groups/" + kContosoGroup + "?$select=id,colour");
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(error_message(r),
            "Could not find a property named 'colour' on type "
            "'microsoft.graph.group'.");
  HttpReply patch = send("PATCH", "/groups/" + kContosoGroup, {{"displayName", "x"}});
  EXPECT_EQ(patch.status, 405) << patch.body;
  EXPECT_EQ(get("/groups/" + kContosoGroup, token(kContoso, kReaderClient, kReaderSecret)).status,
            200)
      << "a read: Directory Readers may";
}

TEST_F(GroupsTest, GroupsAreReadInsideBatchAndCountedUnderTheirRoute) {
  json requests = json::array();
  requests.push_back({{"id", "1"},
                      {"method", "GET"},
                      {"url", "/groups/" + kContosoGroup + "?$select=id,displayName"}});
  requests.push_back(
      {{"id", "2"}, {"method", "GET"}, {"url", "/groups/nope?$select=id,displayName"}});
  json batch = {{"requests", requests}};
  HttpReply r = send("POST", "/$batch", batch);
  ASSERT_EQ(r.status, 200) << r.body;
  std::map<std::string, json> by_id;
  json body = body_of(r);  // keep the temporary alive for the loop
  for (const auto& item : body["responses"]) by_id[item["id"].get<std::string>()] = item;
  ASSERT_EQ(by_id.size(), 2u) << r.body;
  EXPECT_EQ(by_id["1"]["status"], 200);
  EXPECT_EQ(by_id["1"]["body"]["displayName"], "Contoso Mobility Users");
  EXPECT_EQ(by_id["2"]["status"], 404);
  json stats = fake_->stats();
  EXPECT_EQ(stats["requests"]["GET /v1.0/groups/{id}"]["200"], 1) << stats.dump();
  EXPECT_EQ(stats["requests"]["GET /v1.0/groups/{id}"]["404"], 1) << stats.dump();
}

// The fixture's groups come back in the state dump; a group only groupLicenses name gets
// a name of its own; the generator names its EMS group.
TEST_F(GroupsTest, FixtureAndGeneratedGroupsHaveNames) {
  json state = fake_->state(kContoso);
  ASSERT_TRUE(state.contains("groups")) << state.dump();
  EXPECT_EQ(state["groups"],
            json::array({{{"id", kContosoGroup}, {"displayName", "Contoso Mobility Users"}}}));

  json fixture = load_demo_fixture();
  for (auto& t : fixture["tenants"]) t.erase("groups");
  TempFile file(fixture.dump());
  start({"--fixture", file.path()});
  HttpReply r = get("/groups/" + kContosoGroup + "?$select=displayName");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(body_of(r)["displayName"], "Group " + kContosoGroup);

  start({"--generate", "tenants=1,users=200,skus=3,seed=1"});
  json generated = fake_->state("tenant0001.onmicrosoft.com");
  ASSERT_EQ(generated["groups"].size(), 1u) << generated["groups"].dump();
  EXPECT_EQ(generated["groups"][0]["displayName"], "All Staff EMS");
}

}  // namespace groups_test
}  // namespace tenantsync::test
