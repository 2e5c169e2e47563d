// JsonText, the writer of the fake's pages of users, must write what nlohmann's dump wrote
// before it: the same escapes, the same replacement of invalid UTF-8, the same commas.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "fakes/fake_errors.h"
#include "fakes/fake_json_text.h"

namespace tenantsync::fake {
namespace {

std::string written(std::string_view s) {
  std::string out;
  JsonText w(out);
  w.string(s);
  return out;
}

TEST(JsonTextTest, EveryByteAtEveryPlaceIsWrittenAsNlohmannWritesIt) {
  // Places in the eight-byte steps and in the tail after them.
  for (size_t length : {1u, 7u, 8u, 9u, 16u, 19u}) {
    for (size_t at = 0; at < length; ++at) {
      for (int byte = 0; byte < 256; ++byte) {
        std::string s(length, 'a');
        s[at] = static_cast<char>(byte);
        ASSERT_EQ(written(s), wire_json(nlohmann::json(s)))
            << "byte " << byte << " at " << at << " of " << length;
      }
    }
  }
}

TEST(JsonTextTest, UnicodeAndEscapesAsNlohmann) {
  for (const std::string& s : std::vector<std::string>{
           "", "Zo\xc3\xab \"Q\" \\ tab\t", "\xf0\x9f\x98\x80 emoji", "bad \xff utf8",
           "cut \xe2\x82", std::string("nul \0 inside", 13)}) {
    EXPECT_EQ(written(s), wire_json(nlohmann::json(s))) << s;
  }
}

TEST(JsonTextTest, NestedValuesGetTheirCommas) {
  std::string out;
  JsonText w(out);
  w.begin_object();
  w.key("a");
  w.begin_array();
  w.string("x");
  w.null();
  w.boolean(true);
  w.begin_object();
  w.end_object();
  w.string_array({"p", "q"});
  w.end_array();
  w.key("b");
  w.raw(R"({"k":1})");
  w.key("c");
  w.boolean(false);
  w.end_object();
  EXPECT_EQ(out, R"({"a":["x",null,true,{},["p","q"]],"b":{"k":1},"c":false})");
  EXPECT_TRUE(nlohmann::json::accept(out));
}

}  // namespace
}  // namespace tenantsync::fake
