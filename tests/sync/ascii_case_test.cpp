// ASCII case folding, trimming and splitting of the names admins type.
#include "sync/ascii_case.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

namespace tenantsync {
namespace ascii_case_test {

using Parts = std::vector<std::string_view>;

TEST(AsciiCaseTest, FoldsAsciiLettersOnly) {
  EXPECT_EQ(ascii_lower("Alice@Contoso.COM"), "alice@contoso.com");
  EXPECT_EQ(ascii_upper("spe_e3"), "SPE_E3");
  EXPECT_TRUE(iequals("Alice@Contoso.com", "alice@contoso.COM"));
  EXPECT_FALSE(iequals("\xc3\x89quipe", "\xc3\xa9quipe"));  // Équipe vs équipe: not ASCII
  EXPECT_FALSE(iequals("abc", "abcd"));
  EXPECT_TRUE(iends_with("bob@Contoso.OnMicrosoft.com", "@contoso.onmicrosoft.com"));
  EXPECT_FALSE(iends_with("com", "x.com"));
}

TEST(AsciiCaseTest, MapsFindAnyAsciiSpellingOfAKey) {
  IMap<int> skus;
  skus.emplace("05E9A617-0261-4cee-bb44-138d3ef5d965", 1);
  EXPECT_FALSE(skus.emplace("05e9a617-0261-4CEE-bb44-138d3ef5d965", 2).second)
      << "one key whatever its case";
  auto it = skus.find(std::string_view("05e9a617-0261-4cee-BB44-138D3EF5D965"));
  ASSERT_NE(it, skus.end());
  EXPECT_EQ(it->second, 1);
  EXPECT_EQ(skus.find(std::string_view("05e9a617-0261-4cee-bb44-138d3ef5d96")), skus.end());
  EXPECT_EQ(IHash{}("Alice@Contoso.COM"), IHash{}("alice@contoso.com"));
  IMap<int> teams;
  teams.emplace("\xc3\xa9quipe", 1);
  EXPECT_EQ(teams.find(std::string_view("\xc3\x89quipe")), teams.end()) << "not ASCII: exact";
}

// iequals and IHash fold eight bytes at a time: every byte value, at every place of a
// word and in tails of every length, must fold as the byte-wise definition does.
TEST(AsciiCaseTest, WordWiseFoldingAgreesWithByteWiseFolding) {
  auto fold = [](unsigned char c) { return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c; };
  for (size_t length = 1; length <= 17; ++length) {
    for (size_t place = 0; place < length; ++place) {
      for (int byte = 0; byte < 256; ++byte) {
        for (int other = 0; other < 256; other += 7) {
          std::string a(length, 'q'), b(length, 'Q');
          a[place] = static_cast<char>(byte);
          b[place] = static_cast<char>(other);
          const bool same =
              fold(static_cast<unsigned char>(byte)) == fold(static_cast<unsigned char>(other));
          ASSERT_EQ(iequals(a, b), same)
              << "length " << length << " place " << place << " bytes " << byte << ", " << other;
          if (same) {
            ASSERT_EQ(IHash{}(a), IHash{}(b));
          }
        }
      }
    }
  }
  EXPECT_FALSE(iequals(std::string_view("ab\0", 3), std::string_view("ab\0", 2)));
  EXPECT_NE(IHash{}(std::string_view("a\0", 2)), IHash{}("a")) << "the length is hashed";
}

TEST(AsciiCaseTest, OrdersIgnoringCaseThenByBytes) {
  EXPECT_TRUE(iless("alice", "Bob"));
  EXPECT_TRUE(iless("Alice", "alice"));  // one name, two spellings: still a strict order
  EXPECT_FALSE(iless("alice", "Alice"));
}

TEST(AsciiCaseTest, TrimsBlanksAtBothEnds) {
  EXPECT_EQ(trim_blanks(" \t SPE_E3 \r\n"), "SPE_E3");
  EXPECT_EQ(trim_blanks("a b"), "a b");
  EXPECT_EQ(trim_blanks(" \t "), "");
}

TEST(AsciiCaseTest, SplitsAtAnySeparatorAndTrimsEachPart) {
  EXPECT_EQ(split_trimmed(" SPE_E3 + EMS;User Administrator ", "+;"),
            Parts({"SPE_E3", "EMS", "User Administrator"}));
  EXPECT_EQ(split_trimmed("sku:EMS", ","), Parts({"sku:EMS"}));
}

TEST(AsciiCaseTest, SplitKeepsEmptyPartsForTheCallerToJudge) {
  EXPECT_EQ(split_trimmed("a,,b,", ","), Parts({"a", "", "b", ""}));
  EXPECT_EQ(split_trimmed("", ","), Parts({""}));
}

}  // namespace ascii_case_test
}  // namespace tenantsync
