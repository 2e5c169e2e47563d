// Plain JSON text: what may be copied into a JSON string, and read out of one, as it is.
// Checked byte by byte against its definition at every place in and after the eight-byte
// steps, so a step that misses a byte in some lane fails here.
#include "model/plain_json_text.h"

#include <string>

#include <gtest/gtest.h>

namespace tenantsync {
namespace {

bool plain_by_definition(unsigned char c) {
  return c >= 0x20 && c <= 0x7e && c != '"' && c != '\\';
}

TEST(PlainJsonTextTest, EveryByteAtEveryPlace) {
  for (size_t length : {1u, 7u, 8u, 9u, 16u, 17u, 23u}) {
    for (size_t at = 0; at < length; ++at) {
      for (int b = 0; b < 256; ++b) {
        std::string text(length, 'a');
        text[at] = static_cast<char>(b);
        EXPECT_EQ(is_plain_json_text(text), plain_by_definition(static_cast<unsigned char>(b)))
            << "byte " << b << " at " << at << " of " << length;
      }
    }
  }
}

TEST(PlainJsonTextTest, IdsArePlainEscapesAndUnicodeAreNot) {
  EXPECT_TRUE(is_plain_json_text(""));
  EXPECT_TRUE(is_plain_json_text("05e9a617-0261-4cee-bb44-138d3ef5d965"));
  EXPECT_TRUE(is_plain_json_text("alice@contoso.onmicrosoft.com"));
  EXPECT_FALSE(is_plain_json_text("quote\"d"));
  EXPECT_FALSE(is_plain_json_text("back\\slash"));
  EXPECT_FALSE(is_plain_json_text("tab\there"));
  EXPECT_FALSE(is_plain_json_text("\xc3\xa9t\xc3\xa9"));
}

}  // namespace
}  // namespace tenantsync
