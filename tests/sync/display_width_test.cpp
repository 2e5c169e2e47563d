// Terminal columns of UTF-8 text (sync/display_width.h): what keeps the text tables of
// `users list`, `licenses`, `tenants` and drift aligned for names in any script.
#include "sync/display_width.h"

#include <gtest/gtest.h>

#include <string>

namespace tenantsync {
namespace display_width_test {

TEST(DisplayWidthTest, CountsColumnsNotBytesOrCharacters) {
  EXPECT_EQ(display_width(""), 0u);
  EXPECT_EQ(display_width("Adele Vance"), 11u);
  EXPECT_EQ(display_width("Zoë Müller"), 10u);  // two bytes, one column each
  EXPECT_EQ(display_width("山田太郎"), 8u);     // CJK: two columns each
  EXPECT_EQ(display_width("김민준"), 6u);       // Hangul
  EXPECT_EQ(display_width("ﾔﾏﾀﾞ"), 4u);         // halfwidth katakana: one each
  EXPECT_EQ(display_width("Ｓａｌｅｓ"), 10u);  // fullwidth Latin
  EXPECT_EQ(display_width("team 🚀"), 7u);       // emoji: two
  EXPECT_EQ(display_width("e\xCC\x81"), 1u);    // e + combining acute accent
  EXPECT_EQ(display_width("a\xE2\x80\x8B"
                          "b"),
            2u);  // zero-width space
}

TEST(DisplayWidthTest, ABadByteIsOneColumn) {
  EXPECT_EQ(display_width("a\xFF"
                          "b"),
            3u);
  EXPECT_EQ(display_width("\xE5\xB1"), 2u);  // a CJK character cut short: two bad bytes
  EXPECT_EQ(display_width("\xC3"
                          "x"),
            2u);  // a lead byte without its continuation
}

TEST(DisplayWidthTest, PrefixFitsTheColumnsAndNeverCutsACharacter) {
  const std::string name = "山田太郎";  // 3 bytes and 2 columns a character
  EXPECT_EQ(display_prefix(name, 8), name.size());
  EXPECT_EQ(display_prefix(name, 4), 6u);
  EXPECT_EQ(display_prefix(name, 5), 6u) << "half a wide character does not fit";
  EXPECT_EQ(display_prefix(name, 1), 0u);
  EXPECT_EQ(display_prefix("Zoë", 3), 4u);
  EXPECT_EQ(display_prefix("e\xCC\x81x", 1), 3u) << "the accent stays with its letter";
  EXPECT_EQ(display_prefix("abc", 0), 0u);
}

}  // namespace display_width_test
}  // namespace tenantsync
