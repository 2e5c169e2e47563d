// Temporary passwords: always complex enough for the service, typeable, CSV- and
// shell-safe, uniform, distinct; and the service's complexity rule itself.
#include "sync/apply/temporary_password.h"

#include <gtest/gtest.h>

#include <map>
#include <set>

namespace tenantsync {
namespace temporary_password_test {

std::string generate(size_t length = kDefaultTemporaryPasswordLength) {
  Result<std::string> p = generate_temporary_password(length);
  EXPECT_TRUE(p.ok()) << (p.ok() ? "" : p.error().message);
  return p.ok() ? *p : std::string();
}

bool in(std::string_view set, char c) { return set.find(c) != std::string_view::npos; }

TEST(TemporaryPasswordTest, TenThousandPasswordsMeetComplexityWithAllFourClasses) {
  const std::string alphabet = std::string(kPasswordLower) + std::string(kPasswordUpper) +
                               std::string(kPasswordDigits) + std::string(kPasswordSymbols);
  std::set<std::string> seen;
  std::map<char, int> counts;
  for (int i = 0; i < 10000; ++i) {
    std::string p = generate();
    ASSERT_EQ(p.size(), 16u);
    EXPECT_TRUE(meets_complexity(p)) << p;
    bool lower = false, upper = false, digit = false, symbol = false;
    for (char c : p) {
      ASSERT_TRUE(in(alphabet, c)) << p;
      lower = lower || in(kPasswordLower, c);
      upper = upper || in(kPasswordUpper, c);
      digit = digit || in(kPasswordDigits, c);
      symbol = symbol || in(kPasswordSymbols, c);
      ++counts[c];
    }
    EXPECT_TRUE(lower && upper && digit && symbol) << p;
    EXPECT_FALSE(in(kPasswordSymbols, p[0])) << "first character is a symbol: " << p;
    seen.insert(std::move(p));
  }
  EXPECT_EQ(seen.size(), 10000u);
  // Every character of the alphabet turns up, none wildly more often than the others
  // (160,000 characters over 64: about 2,500 each).
  EXPECT_EQ(counts.size(), alphabet.size());
  for (const auto& [c, n] : counts) {
    EXPECT_GT(n, 1000) << c;
    EXPECT_LT(n, 5000) << c;
  }
}

TEST(TemporaryPasswordTest, NoAmbiguousOrUnsafeCharacters) {
  for (int i = 0; i < 2000; ++i) {
    std::string p = generate(32);
    for (char c : std::string_view("0O1lIo,;\"'` \t\\$!*?&|<>()[]{}#~")) {
      EXPECT_EQ(p.find(c), std::string::npos) << "'" << c << "' in " << p;
    }
  }
}

TEST(TemporaryPasswordTest, Lengths) {
  for (size_t length : {8u, 9u, 16u, 64u, 255u, 256u}) {
    std::string p = generate(length);
    EXPECT_EQ(p.size(), length);
    EXPECT_TRUE(meets_complexity(p)) << p;
  }
  for (size_t length : {0u, 4u, 7u, 257u, 10000u}) {
    Result<std::string> p = generate_temporary_password(length);
    ASSERT_FALSE(p.ok()) << length;
    EXPECT_EQ(p.error().kind, ErrorKind::Invalid);
  }
}

TEST(TemporaryPasswordTest, RandomFailureGivesNoPassword) {
  int calls = 0;
  RandomBytes failing = [&](unsigned char*, size_t) {
    ++calls;
    return false;
  };
  Result<std::string> p = generate_temporary_password(16, failing);
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.error().kind, ErrorKind::Internal);
  EXPECT_GE(calls, 1);
}

// Bytes that would bias the choice (at or above the largest multiple of the alphabet size)
// are drawn again, not folded back with a modulo.
TEST(TemporaryPasswordTest, RejectionSamplingSkipsBiasedBytes) {
  // The first character comes from 56 letters and digits: bytes 224..255 are rejected.
  std::vector<unsigned char> script = {255, 230, 224, 3};
  size_t next = 0;
  RandomBytes scripted = [&](unsigned char* out, size_t size) {
    for (size_t i = 0; i < size; ++i) out[i] = next < script.size() ? script[next++] : 0;
    return true;
  };
  Result<std::string> p = generate_temporary_password(8, scripted);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ((*p)[0], kPasswordLower[3]);
}

TEST(TemporaryPasswordTest, MeetsComplexityFollowsTheServiceRule) {
  struct Case {
    std::string password;
    bool ok;
  };
  for (const Case& c : std::vector<Case>{
           {"abcDEF12", true},   // lower, upper, digit
           {"abcdef1!", true},   // lower, digit, symbol
           {"ABCDEF1!", true},   // upper, digit, symbol
           {"abcDEF!!", true},   // lower, upper, symbol
           {"abcdefg1", false},  // two classes
           {"ABCDEFGH", false},  // one class
           {"abcdefgh", false},
           {"12345678", false},
           {"!!!!!!!!", false},
           {"aB1!", false},     // too short
           {"aB1!xyz", false},  // 7
           {"aB1!xyzw", true},  // 8
           {"ab cd EF", true},  // space is a symbol
           {"abc\"DEF1", true},
           {"abcDEF1\t", false},  // control character
           {"abcDEF1\x7F", false},
           {"abcDEF1\xC3\xA9", false},  // non-ASCII
           {"", false},
           {"aB1" + std::string(253, 'x'), true},   // 256
           {"aB1" + std::string(254, 'x'), false},  // 257
       }) {
    EXPECT_EQ(meets_complexity(c.password), c.ok) << testing::PrintToString(c.password);
  }
}

TEST(TemporaryPasswordTest, AlphabetIsWhatTheHeaderPromises) {
  EXPECT_EQ(kPasswordLower.size(), 24u);
  EXPECT_EQ(kPasswordUpper.size(), 24u);
  EXPECT_EQ(kPasswordDigits.size(), 8u);
  EXPECT_EQ(kPasswordSymbols.size(), 8u);
  std::set<char> all;
  for (std::string_view set : {kPasswordLower, kPasswordUpper, kPasswordDigits, kPasswordSymbols}) {
    all.insert(set.begin(), set.end());
  }
  EXPECT_EQ(all.size(), 64u);
}

}  // namespace temporary_password_test
}  // namespace tenantsync
