// decode_role_page against the tree decoding it replaces (parse_json_tree, then
// model/role.cpp's from_json item by item), for role definitions and role assignments: on
// every page both accept or both refuse, with the same kind of failure and the same first
// failing item, and an accepted page gives the same rows and next link. Pages: realistic
// ones (definitions with their permissions), every property absent or replaced by every
// odd JSON value, repeated keys, text only nlohmann parses, and random pages. The page's
// own rules (list_page_decoding.h) are tried in full by sku_page_decoder_test.
#include "connector/role_page_decoder.h"

#include <optional>
#include <random>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/connector/json_page_text.h"
#include "tests/connector/list_page_reference.h"

namespace tenantsync {
namespace role_page_decoder_test {

using Kind = ListPageFailure::Kind;
using namespace json_page_text;

// The decoder's verdict on `text`, as the reference gives its own.
template <class T>
list_page_reference::Outcome<T> decode(const std::string& text) {
  return list_page_reference::outcome_of(
      text, [](auto&&... args) { return decode_role_page(args...); }, &DecodedRolePage<T>::items);
}

template <class T>
void expect_same_as_tree(const std::string& text) {
  list_page_reference::expect_same_as_tree<T>(text, decode<T>);
}

// Valid members with values other than the defaults, so a property skipped shows.
Members definition_members(int n) {
  return {{"id", "\"role-" + std::to_string(n) + "\""},
          {"displayName", "\"User Administrator\""},
          {"isBuiltIn", "true"},
          {"isPrivileged", "true"}};
}

Members assignment_members(int n) {
  return {{"id", "\"assignment-" + std::to_string(n) + "\""},
          {"principalId", "\"user-" + std::to_string(n) + "\""},
          {"roleDefinitionId", "\"role-" + std::to_string(n) + "\""},
          {"directoryScopeId", "\"/administrativeUnits/au-1\""}};
}

// The odd item as item 1 of 3: the failing index is checked too.
std::string definitions_around(const std::string& item) {
  return page_text({object_text(definition_members(0)), item, object_text(definition_members(2))},
                   ",\"@odata.nextLink\":\"next\"");
}

std::string assignments_around(const std::string& item) {
  return page_text({object_text(assignment_members(0)), item, object_text(assignment_members(2))},
                   ",\"@odata.nextLink\":\"next\"");
}

// Proves: a page of definitions as the service lists them (each role's permissions, the roles
// it inherits from, its template and version) gives the tree's roles, with their values.
TEST(RolePageDecoderTest, RealisticDefinitionsGiveTheTreesRoles) {
  const std::string text = R"({
  "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#roleManagement/directory/roleDefinitions",
  "value": [
    {"id": "729827e3-9c14-49f7-bb1b-9608f156bbb8", "description": "Can reset passwords.",
     "displayName": "Helpdesk Administrator", "isBuiltIn": true, "isEnabled": true,
     "resourceScopes": ["/"], "templateId": "729827e3-9c14-49f7-bb1b-9608f156bbb8", "version": "1",
     "isPrivileged": true,
     "rolePermissions": [{"allowedResourceActions": ["microsoft.directory/users/password/update",
                                                     "microsoft.office365.webPortal/allEntities/standard/read"],
                          "condition": null}],
     "inheritsPermissionsFrom": [{"id": "88d8e3e3-8f55-4a1e-953a-9b9898b8876b"}]},
    {"id": "f023fd81-a637-4b56-95fd-791ac0226033", "displayName": "Service Support Administrator",
     "isBuiltIn": true, "rolePermissions": []},
    {"id": "c1", "displayName": "Contoso Helpers", "isBuiltIn": false, "isPrivileged": "yes",
     "templateId": null, "version": null}],
  "@odata.nextLink": "https://graph.microsoft.com/v1.0/roleManagement/directory/roleDefinitions?$skiptoken=2"})";
  expect_same_as_tree<RoleDefinition>(text);
  DecodedRolePage<RoleDefinition> out;
  ListPageFailure failure;
  ASSERT_TRUE(decode_role_page(text, out, failure)) << failure.detail;
  ASSERT_EQ(out.items.size(), 3u);
  EXPECT_EQ(out.items[0], (RoleDefinition{"729827e3-9c14-49f7-bb1b-9608f156bbb8",
                                          "Helpdesk Administrator", true, true}));
  EXPECT_EQ(out.items[1], (RoleDefinition{"f023fd81-a637-4b56-95fd-791ac0226033",
                                          "Service Support Administrator", true, false}));
  EXPECT_EQ(out.items[2], (RoleDefinition{"c1", "Contoso Helpers", false, false}))
      << "only the boolean true is true";
  EXPECT_EQ(out.next_link,
            "https://graph.microsoft.com/v1.0/roleManagement/directory/roleDefinitions"
            "?$skiptoken=2");
}

// Proves: a page of assignments as the service lists them gives the tree's assignments, a
// missing scope being the whole tenant.
TEST(RolePageDecoderTest, RealisticAssignmentsGiveTheTreesAssignments) {
  const std::string text = R"({"value": [
    {"id": "lAPpYvVpN0KRkAEhdxReEJC2sEqbR_9Hr48lds9SGHI-1", "principalId": "u1",
     "roleDefinitionId": "62e90394-69f5-4237-9190-012177145e10", "directoryScopeId": "/",
     "appScopeId": null, "condition": null},
    {"id": "a2", "principalId": "u2", "roleDefinitionId": "r2",
     "directoryScopeId": "/administrativeUnits/au"},
    {"id": "a3", "principalId": "u3", "roleDefinitionId": "r3"}]})";
  expect_same_as_tree<RoleAssignment>(text);
  DecodedRolePage<RoleAssignment> out;
  ListPageFailure failure;
  ASSERT_TRUE(decode_role_page(text, out, failure)) << failure.detail;
  ASSERT_EQ(out.items.size(), 3u);
  EXPECT_EQ(out.items[0].role_definition_id, "62e90394-69f5-4237-9190-012177145e10");
  EXPECT_EQ(out.items[1].directory_scope_id, "/administrativeUnits/au");
  EXPECT_EQ(out.items[2], (RoleAssignment{"a3", "u3", "r3", "/"}));
  EXPECT_EQ(out.next_link, "");
}

// Proves: every property of a definition and of an assignment, absent or of each odd JSON
// type and value, is judged as the tree judges it.
TEST(RolePageDecoderTest, EveryPropertyAbsentOrOfEveryShape) {
  for (const auto& value : variants()) {
    for (const char* key : {"id", "displayName", "isBuiltIn", "isPrivileged"}) {
      expect_same_as_tree<RoleDefinition>(
          definitions_around(object_text(with(definition_members(1), key, value))));
    }
    for (const char* key : {"id", "principalId", "roleDefinitionId", "directoryScopeId"}) {
      expect_same_as_tree<RoleAssignment>(
          assignments_around(object_text(with(assignment_members(1), key, value))));
    }
  }
}

// Proves: a bad item fails the page at that item, its detail naming the property; an item
// that is not an object is a bad item too.
TEST(RolePageDecoderTest, ABadItemIsNamedWithItsProperty) {
  DecodedRolePage<RoleDefinition> definitions;
  ListPageFailure failure;
  ASSERT_FALSE(
      decode_role_page(definitions_around(R"({"displayName":"x"})"), definitions, failure));
  EXPECT_EQ(failure.kind, Kind::BadItem);
  EXPECT_EQ(failure.item, 1u);
  EXPECT_THAT(failure.detail, testing::HasSubstr("id is missing"));
  DecodedRolePage<RoleAssignment> assignments;
  ASSERT_FALSE(
      decode_role_page(assignments_around(R"({"id":"a","principalId":"u","roleDefinitionId":7})"),
                       assignments, failure));
  EXPECT_EQ(failure.item, 1u);
  EXPECT_THAT(failure.detail, testing::HasSubstr("roleDefinitionId is a number"));
  for (const char* item : {"[]", "\"role\"", "null", "0", "true"}) {
    expect_same_as_tree<RoleDefinition>(definitions_around(item));
    expect_same_as_tree<RoleAssignment>(assignments_around(item));
    ASSERT_FALSE(decode_role_page(definitions_around(item), definitions, failure));
    EXPECT_EQ(failure.kind, Kind::BadItem) << item;
  }
}

// Proves: a repeated key keeps its last value.
TEST(RolePageDecoderTest, ARepeatedKeyKeepsItsLastValue) {
  for (const std::string& item :
       std::vector<std::string>{R"({"id":1,"id":"x"})", R"({"id":"x","id":null})",
                                R"({"id":"x","isBuiltIn":true,"isBuiltIn":false})",
                                R"({"id":"x","isPrivileged":1,"isPrivileged":true})",
                                R"({"id":"x","displayName":null,"displayName":"n"})"}) {
    expect_same_as_tree<RoleDefinition>(definitions_around(item));
  }
  expect_same_as_tree<RoleAssignment>(assignments_around(
      R"({"id":"a","principalId":"u","roleDefinitionId":"r","directoryScopeId":"/a","directoryScopeId":"/"})"));
  DecodedRolePage<RoleDefinition> out;
  ListPageFailure failure;
  ASSERT_TRUE(decode_role_page(
      definitions_around(R"({"id":"x","isBuiltIn":true,"isBuiltIn":false})"), out, failure));
  EXPECT_FALSE(out.items[1].is_built_in);
}

// Proves: the page's failures and text simdjson refuses (a number beyond 64 bits among a
// definition's permissions) are judged as the tree judges them.
TEST(RolePageDecoderTest, PagesAndTextOnlyTheSlowerParserTakesAreJudgedAsTheTreeJudges) {
  for (const std::string& text :
       std::vector<std::string>{"<html>", "{\"value\":[", "[]", R"({"value":null})", "{}",
                                R"({"value":[],"@odata.nextLink":5})"}) {
    expect_same_as_tree<RoleDefinition>(text);
    expect_same_as_tree<RoleAssignment>(text);
  }
  const std::string big = R"({"id":"x","rolePermissions":[{"n":123456789012345678901234567890}]})";
  expect_same_as_tree<RoleDefinition>(definitions_around(big));
  DecodedRolePage<RoleDefinition> out;
  ListPageFailure failure;
  ASSERT_TRUE(decode_role_page(definitions_around(big), out, failure)) << failure.detail;
  ASSERT_EQ(out.items.size(), 3u);
  EXPECT_EQ(out.items[1].id, "x");
  EXPECT_EQ(out.next_link, "next");
}

const std::vector<std::string> kStrings = {"\"r\"", "\"\"", "\"caf\\u00e9\"",
                                           "\"\\ud83d\\ude00 \\\"q\\\"\"", "\"/\""};
const std::vector<std::string> kFlags = {"true", "false", "null", "1"};

std::string random_definition(std::mt19937& rng) {
  Members members;
  if (auto v = maybe(rng, pick(rng, kStrings))) members.push_back({"id", *v});
  if (auto v = maybe(rng, pick(rng, kStrings))) members.push_back({"displayName", *v});
  for (const char* key : {"isBuiltIn", "isPrivileged"}) {
    if (auto v = maybe(rng, pick(rng, kFlags))) members.push_back({key, *v});
  }
  if (rng() % 2) {
    members.push_back(
        {"rolePermissions", R"([{"allowedResourceActions":["a","b"],"condition":null}])"});
  }
  if (rng() % 30 == 0) return odd_value(rng);  // not an object at all
  return random_object(rng, members);
}

std::string random_assignment(std::mt19937& rng) {
  Members members;
  for (const char* key : {"id", "principalId", "roleDefinitionId", "directoryScopeId"}) {
    if (auto v = maybe(rng, pick(rng, kStrings))) members.push_back({key, *v});
  }
  if (rng() % 30 == 0) return odd_value(rng);
  return random_object(rng, members);
}

// Proves: random pages (subsets of properties, odd values, repeated keys) are judged as the
// tree judges them, with both verdicts well represented.
TEST(RolePageDecoderTest, RandomPagesAreJudgedAsTheTreeJudgesThem) {
  int accepted = 0, refused = 0;
  for (unsigned seed = 1; seed <= 200; ++seed) {
    std::mt19937 rng(seed);
    std::vector<std::string> definitions, assignments;
    for (unsigned i = 0, n = rng() % 6; i < n; ++i) {
      definitions.push_back(random_definition(rng));
      assignments.push_back(random_assignment(rng));
    }
    std::string tail;
    if (rng() % 3) {
      tail = ",\"@odata.nextLink\":" +
             (rng() % 4 ? "\"next-" + std::to_string(seed) + "\"" : odd_value(rng));
    }
    const std::string defs = page_text(definitions, tail), asgs = page_text(assignments, tail);
    expect_same_as_tree<RoleDefinition>(defs);
    expect_same_as_tree<RoleAssignment>(asgs);
    if (HasFatalFailure()) return;
    DecodedRolePage<RoleDefinition> out;
    ListPageFailure failure;
    (decode_role_page(defs, out, failure) ? accepted : refused) += 1;
  }
  EXPECT_GT(accepted, 50);
  EXPECT_GT(refused, 30);
}

}  // namespace role_page_decoder_test
}  // namespace tenantsync
