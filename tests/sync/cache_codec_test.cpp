// The cache's encodings: the content hash stored with every user row (stable across
// builds and machines, any field changes it) and the plan-id lists of license rows.
#include "sync/store/cache_codec.h"

#include <functional>

#include <gtest/gtest.h>

#include "tests/sync/memory_directory.h"

namespace tenantsync {
namespace cache_codec_test {

const std::string kE3 = "05e9a617-0261-4cee-bb44-138d3ef5d965";
const std::string kAlice = "alice@contoso.onmicrosoft.com";

// Alice's row as make_user builds it, hashed word-wise (today's function) and byte-wise
// (FNV-1a, what earlier caches hold), each recomputed from the encoding by an independent
// script; the byte-wise one also read from a cache that build wrote.
constexpr std::int64_t kAliceWordWiseHash = 6154585191097663075;
constexpr std::int64_t kAliceByteWiseHash = -8746544178369307670;

TEST(ContentHashTest, IsStableAcrossBuildsAndMachines) {
  // Stored in every cache: a change to the function or the encoding must be deliberate
  // (content_hash_matches keeps accepting the hash it replaces).
  User alice = make_user("u-alice", kAlice, {kE3}, "Sales");
  EXPECT_EQ(user_content_hash(alice), kAliceWordWiseHash);
  EXPECT_TRUE(content_hash_matches(kAliceWordWiseHash, alice));
  EXPECT_TRUE(content_hash_matches(kAliceByteWiseHash, alice));
  EXPECT_FALSE(content_hash_matches(0, alice));
  EXPECT_TRUE(content_hash_matches(kAliceByteWiseHash, kAliceWordWiseHash, alice));
  EXPECT_FALSE(content_hash_matches(0, kAliceWordWiseHash, alice));
}

TEST(ContentHashTest, AnyOneFieldChangedChangesTheHash) {
  const User base = make_user("u-alice", kAlice, {kE3}, "Sales");
  std::vector<std::function<void(User&)>> changes = {
      [](User& u) { u.id += "x"; },
      [](User& u) { u.user_principal_name[0] = 'A'; },
      [](User& u) { u.display_name += " "; },
      [](User& u) { u.mail.clear(); },
      [](User& u) { u.given_name = "Alice"; },
      [](User& u) { u.surname = "Smith"; },
      [](User& u) { u.job_title = "Clerk"; },
      [](User& u) { u.department = "Salez"; },
      [](User& u) { u.account_enabled = false; },
      [](User& u) { u.usage_location.reset(); },
      [](User& u) { u.assigned_licenses[0].disabled_plans.push_back("p"); },
      [](User& u) { u.assigned_licenses.clear(); },
      [](User& u) { u.license_states[0].assigned_by_group = "g"; },
      [](User& u) { u.license_states[0].state = "Error"; },
      [](User& u) { u.license_states[0].error = "CountViolation"; },
      [](User& u) { u.deleted_date_time = "2026-12-01T00:00:00Z"; },
      // Moved between neighbouring fields: the lengths keep them apart.
      [](User& u) {
        u.given_name = "ab";
        u.surname = "c";
      },
  };
  User shifted = base;
  shifted.given_name = "a";
  shifted.surname = "bc";
  for (size_t i = 0; i < changes.size(); ++i) {
    User u = base;
    changes[i](u);
    EXPECT_NE(user_content_hash(u), user_content_hash(base)) << "change " << i;
  }
  User moved = base;
  changes.back()(moved);
  EXPECT_NE(user_content_hash(moved), user_content_hash(shifted));
}

TEST(PlanListTest, RoundTripsPlainAndEscapedIds) {
  for (const std::vector<std::string>& plans : std::vector<std::vector<std::string>>{
           {},
           {"7547a3fe-08ee-4ccb-b430-5077c5041653"},
           {"a", "b", ""},
           {"quote\"d", "back\\slash", "tab\t"},
           {"\xc3\xa9t\xc3\xa9"},
       }) {
    auto decoded = decode_plan_list(encode_plan_list(plans));
    ASSERT_TRUE(decoded.ok()) << encode_plan_list(plans);
    EXPECT_EQ(*decoded, plans) << encode_plan_list(plans);
  }
}

TEST(PlanListTest, ReadsAnyJsonArrayOfStringsAndRefusesTheRest) {
  auto spaced = decode_plan_list(R"([ "a" , "b" ])");
  ASSERT_TRUE(spaced.ok());
  EXPECT_EQ(*spaced, (std::vector<std::string>{"a", "b"}));
  auto escaped = decode_plan_list(R"(["\u0041"])");
  ASSERT_TRUE(escaped.ok());
  EXPECT_EQ(*escaped, (std::vector<std::string>{"A"}));
  for (const char* bad : {"[not json", R"(["a")", R"(["a",])", R"(["a"]x)", R"(["a" "b"])", "[1]",
                          R"({"a":1})", R"(["a",1])", "[\"a\nb\"]", "[\"\xff\"]"}) {
    EXPECT_FALSE(decode_plan_list(bad).ok()) << bad;
  }
}

}  // namespace cache_codec_test
}  // namespace tenantsync
