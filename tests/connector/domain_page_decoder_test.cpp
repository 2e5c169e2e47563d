// decode_domain_page against the tree decoding it replaces (parse_json_tree, then
// model/domain.cpp's from_json item by item): on every page both accept or both refuse,
// with the same kind of failure and the same first failing item, and an accepted page
// gives the same domains and next link. Pages: the service's, every property absent or
// replaced by every odd JSON value, repeated keys, text only nlohmann parses, and random
// pages. The page's own rules (list_page_decoding.h) are tried in full by
// sku_page_decoder_test.
#include "connector/domain_page_decoder.h"

#include <optional>
#include <random>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/connector/json_page_text.h"
#include "tests/connector/list_page_reference.h"

namespace tenantsync {
namespace domain_page_decoder_test {

using Kind = ListPageFailure::Kind;
using namespace json_page_text;

// The decoder's verdict on `text`, as the reference gives its own.
list_page_reference::Outcome<Domain> decode(const std::string& text) {
  return list_page_reference::outcome_of(text, decode_domain_page, &DecodedDomainPage::domains);
}

void expect_same_as_tree(const std::string& text) {
  list_page_reference::expect_same_as_tree<Domain>(text, decode);
}

// Valid members with values other than the defaults, so a property skipped shows.
Members domain_members(int n) {
  return {{"id", "\"d" + std::to_string(n) + ".contoso.com\""},
          {"isDefault", "true"},
          {"isInitial", "true"},
          {"isVerified", "true"}};
}

// The odd item as item 1 of 3: the failing index is checked too.
std::string domains_around(const std::string& item) {
  return page_text({object_text(domain_members(0)), item, object_text(domain_members(2))},
                   ",\"@odata.nextLink\":\"next\"");
}

// Proves: a page as the service lists it (each domain's services, authentication type,
// password policy and state) gives the tree's domains, with their flags.
TEST(DomainPageDecoderTest, TheServicesPageGivesTheTreesDomains) {
  const std::string text = R"({
  "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#domains",
  "value": [
    {"authenticationType": "Managed", "availabilityStatus": null, "id": "contoso.com",
     "isAdminManaged": true, "isDefault": true, "isInitial": false, "isRoot": true,
     "isVerified": true, "supportedServices": ["Email", "OfficeCommunicationsOnline"],
     "passwordValidityPeriodInDays": 2147483647, "passwordNotificationWindowInDays": 14,
     "state": null},
    {"authenticationType": "Managed", "id": "contoso.onmicrosoft.com", "isDefault": false,
     "isInitial": true, "isVerified": true, "supportedServices": []},
    {"id": "pending.contoso.com", "isDefault": false, "isInitial": false, "isVerified": false,
     "state": {"status": "Scheduled", "operation": "verify", "lastActionDateTime": null}},
    {"id": "odd.contoso.com", "isVerified": "true"}]})";
  expect_same_as_tree(text);
  DecodedDomainPage out;
  ListPageFailure failure;
  ASSERT_TRUE(decode_domain_page(text, out, failure)) << failure.detail;
  EXPECT_THAT(out.domains,
              testing::ElementsAre(Domain{"contoso.com", true, false, true},
                                   Domain{"contoso.onmicrosoft.com", false, true, true},
                                   Domain{"pending.contoso.com", false, false, false},
                                   Domain{"odd.contoso.com", false, false, false}))
      << "only the boolean true verifies a domain";
  EXPECT_EQ(out.next_link, "");
}

// Proves: every property, absent or of each odd JSON type and value, is judged as the tree
// judges it.
TEST(DomainPageDecoderTest, EveryPropertyAbsentOrOfEveryShape) {
  for (const auto& value : variants()) {
    for (const char* key : {"id", "isDefault", "isInitial", "isVerified"}) {
      expect_same_as_tree(domains_around(object_text(with(domain_members(1), key, value))));
    }
  }
}

// Proves: a bad item fails the page at that item, its detail naming the property; an item
// that is not an object is a bad item too; a repeated key keeps its last value.
TEST(DomainPageDecoderTest, ABadItemIsNamedAndARepeatedKeyKeepsItsLastValue) {
  DecodedDomainPage out;
  ListPageFailure failure;
  ASSERT_FALSE(decode_domain_page(domains_around(R"({"isVerified":true})"), out, failure));
  EXPECT_EQ(failure.kind, Kind::BadItem);
  EXPECT_EQ(failure.item, 1u);
  EXPECT_THAT(failure.detail, testing::HasSubstr("id is missing"));
  for (const char* item : {"[]", "\"contoso.com\"", "null", "0", "true"}) {
    expect_same_as_tree(domains_around(item));
    ASSERT_FALSE(decode_domain_page(domains_around(item), out, failure));
    EXPECT_EQ(failure.kind, Kind::BadItem) << item;
  }
  for (const std::string& item :
       std::vector<std::string>{R"({"id":1,"id":"x"})", R"({"id":"x","id":null})",
                                R"({"id":"x","isVerified":true,"isVerified":false})",
                                R"({"id":"x","isDefault":1,"isDefault":true})"}) {
    expect_same_as_tree(domains_around(item));
  }
  out = {};
  ASSERT_TRUE(decode_domain_page(
      domains_around(R"({"id":"x","isVerified":true,"isVerified":false})"), out, failure));
  EXPECT_FALSE(out.domains[1].is_verified);
}

// Proves: the page's failures and text simdjson refuses (a number beyond 64 bits) are
// judged as the tree judges them.
TEST(DomainPageDecoderTest, PagesAndTextOnlyTheSlowerParserTakesAreJudgedAsTheTreeJudges) {
  for (const std::string& text :
       std::vector<std::string>{"<html>", "{\"value\":[", "[]", R"({"value":null})", "{}",
                                R"({"value":[],"@odata.nextLink":5})"}) {
    expect_same_as_tree(text);
  }
  const std::string big =
      R"({"id":"x","passwordValidityPeriodInDays":123456789012345678901234567890})";
  expect_same_as_tree(domains_around(big));
  DecodedDomainPage out;
  ListPageFailure failure;
  ASSERT_TRUE(decode_domain_page(domains_around(big), out, failure)) << failure.detail;
  ASSERT_EQ(out.domains.size(), 3u);
  EXPECT_EQ(out.domains[1].id, "x");
  EXPECT_EQ(out.next_link, "next");
}

const std::vector<std::string> kNames = {"\"contoso.com\"", "\"\"", "\"caf\\u00e9.com\"",
                                         "\"\\ud83d\\ude00.com\""};
const std::vector<std::string> kFlags = {"true", "false", "null", "1"};

std::string random_domain(std::mt19937& rng) {
  Members members;
  if (auto v = maybe(rng, pick(rng, kNames))) members.push_back({"id", *v});
  for (const char* key : {"isDefault", "isInitial", "isVerified"}) {
    if (auto v = maybe(rng, pick(rng, kFlags))) members.push_back({key, *v});
  }
  if (rng() % 2) members.push_back({"supportedServices", R"(["Email","Intune"])"});
  if (rng() % 30 == 0) return odd_value(rng);  // not an object at all
  return random_object(rng, members);
}

// Proves: random pages (subsets of properties, odd values, repeated keys) are judged as the
// tree judges them, with both verdicts well represented.
TEST(DomainPageDecoderTest, RandomPagesAreJudgedAsTheTreeJudgesThem) {
  int accepted = 0, refused = 0;
  for (unsigned seed = 1; seed <= 200; ++seed) {
    std::mt19937 rng(seed);
    std::vector<std::string> domains;
    for (unsigned i = 0, n = rng() % 6; i < n; ++i) domains.push_back(random_domain(rng));
    std::string tail;
    if (rng() % 3) {
      tail = ",\"@odata.nextLink\":" +
             (rng() % 4 ? "\"next-" + std::to_string(seed) + "\"" : odd_value(rng));
    }
    const std::string text = page_text(domains, tail);
    expect_same_as_tree(text);
    if (HasFatalFailure()) return;
    DecodedDomainPage out;
    ListPageFailure failure;
    (decode_domain_page(text, out, failure) ? accepted : refused) += 1;
  }
  EXPECT_GT(accepted, 50);
  EXPECT_GT(refused, 30);
}

}  // namespace domain_page_decoder_test
}  // namespace tenantsync
