#include "model/json_source.h"

#include <random>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace tenantsync {
namespace json_source_test {

using ::testing::HasSubstr;
using ::testing::StartsWith;

JsonSource parse_ok(std::string_view text) {
  auto r = parse_json_source(text, "f.json");
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  return r.ok() ? std::move(r).value() : JsonSource();
}

std::pair<int, int> pos(const JsonSource& s, const std::string& path) {
  auto l = s.locate(path);
  return {l.line, l.column};
}

TEST(JsonSourceTest, ParsesAllValueKinds) {
  auto s = parse_ok(R"({"s":"x","i":-42,"u":18446744073709551615,"d":1.5e3,"t":true,
                        "f":false,"n":null,"a":[1,[2]],"o":{}})");
  const auto& j = s.root();
  EXPECT_EQ(j["s"], "x");
  EXPECT_TRUE(j["i"].is_number_integer());
  EXPECT_EQ(j["i"].get<int64_t>(), -42);
  EXPECT_EQ(j["u"].get<uint64_t>(), 18446744073709551615u);
  EXPECT_TRUE(j["d"].is_number_float());
  EXPECT_DOUBLE_EQ(j["d"].get<double>(), 1500.0);
  EXPECT_EQ(j["t"], true);
  EXPECT_EQ(j["f"], false);
  EXPECT_TRUE(j["n"].is_null());
  EXPECT_EQ(j["a"], nlohmann::json::parse("[1,[2]]"));
  EXPECT_TRUE(j["o"].is_object());
}

TEST(JsonSourceTest, IntegersBeyondUint64BecomeDoubles) {
  auto s = parse_ok("[-9223372036854775809, 99999999999999999999]");
  EXPECT_TRUE(s.root()[0].is_number_float());
  EXPECT_TRUE(s.root()[1].is_number_float());
}

TEST(JsonSourceTest, AcceptsLineAndBlockComments) {
  auto s = parse_ok(
      "// leading\n"
      "{ /* before key */ \"a\" /* between */ : // after colon\n"
      "  1, /* multi\n line */ \"b\": [ // in array\n 2 /**/ ] }\n"
      "// trailing without newline");
  EXPECT_EQ(s.root(), nlohmann::json::parse(R"({"a":1,"b":[2]})"));
}

TEST(JsonSourceTest, CommentMarkersInsideStringsAreText) {
  auto s = parse_ok(R"({"url": "https://x//y/*z*/"})");
  EXPECT_EQ(s.root()["url"], "https://x//y/*z*/");
}

TEST(JsonSourceTest, RecordsMemberPositionsAtTheirKeys) {
  auto s = parse_ok(
      "{\n"
      "  \"tenants\": [\n"
      "    { \"users\": [ {\"upn\": \"a\"},\n"
      "                 \"x\" ] }\n"
      "  ]\n"
      "}");
  EXPECT_EQ(pos(s, ""), std::make_pair(1, 1));
  EXPECT_EQ(pos(s, "tenants"), std::make_pair(2, 3));
  EXPECT_EQ(pos(s, "tenants[0]"), std::make_pair(3, 5));
  EXPECT_EQ(pos(s, "tenants[0].users"), std::make_pair(3, 7));
  EXPECT_EQ(pos(s, "tenants[0].users[0]"), std::make_pair(3, 18));
  EXPECT_EQ(pos(s, "tenants[0].users[0].upn"), std::make_pair(3, 19));
  EXPECT_EQ(pos(s, "tenants[0].users[1]"), std::make_pair(4, 18));
}

TEST(JsonSourceTest, LocateNamesFileAndPath) {
  auto s = parse_ok("{\"a\": {\"b\": 1}}");
  auto l = s.locate("a.b");
  EXPECT_EQ(l.file, "f.json");
  EXPECT_EQ(l.path, "a.b");
  EXPECT_EQ(l.prefix(), "f.json:1:8: a.b: ");
}

TEST(JsonSourceTest, MissingPathFallsBackToNearestEnclosingValue) {
  auto s = parse_ok("{\"a\": [ {\"b\": 1} ]}");
  auto l = s.locate("a[0].missing");
  EXPECT_EQ(std::make_pair(l.line, l.column), std::make_pair(1, 9));
  EXPECT_EQ(l.path, "a[0].missing");
  EXPECT_EQ(pos(s, "nothing.here[3]"), std::make_pair(1, 1));
}

TEST(JsonSourceTest, EmptySourceLocatesNothing) {
  JsonSource empty;
  EXPECT_EQ(empty.locate("a").line, 0);
}

TEST(JsonSourceTest, ColumnsCountCodePointsNotBytes) {
  // "é" is two bytes, "😀" four: each counts as one column.
  auto s = parse_ok("{\"é😀\": 1, \"b\": 2}");
  EXPECT_EQ(pos(s, "b"), std::make_pair(1, 11));
}

TEST(JsonSourceTest, SkipsByteOrderMark) {
  auto s = parse_ok("\xEF\xBB\xBF{\"a\": 1}");
  EXPECT_EQ(s.root()["a"], 1);
  EXPECT_EQ(pos(s, "a"), std::make_pair(1, 2));  // the mark takes no column
}

TEST(JsonSourceTest, DecodesEscapesAndSurrogatePairs) {
  auto s = parse_ok(R"(["\" \\ \/ \b \f \n \r \t", "\u00e9\u20AC", "\ud83d\ude00", "a\u0000b"])");
  EXPECT_EQ(s.root()[0], "\" \\ / \b \f \n \r \t");
  EXPECT_EQ(s.root()[1], "\xC3\xA9\xE2\x82\xAC");
  EXPECT_EQ(s.root()[2], "\xF0\x9F\x98\x80");
  EXPECT_EQ(s.root()[3].get<std::string>(), std::string("a\0b", 3));
}

TEST(JsonSourceTest, QuotesKeysThatAreNotIdentifiers) {
  EXPECT_EQ(path_key("", "a"), "a");
  EXPECT_EQ(path_key("a", "b-c_1"), "a.b-c_1");
  EXPECT_EQ(path_key("a", "b.c"), "a[\"b.c\"]");
  EXPECT_EQ(path_key("", ""), "[\"\"]");
  EXPECT_EQ(path_index("a", 3), "a[3]");
  auto s = parse_ok("{\"x.y\": {\"z]\": [1]}, \"x\": {\"y\": 2}}");
  EXPECT_EQ(pos(s, "[\"x.y\"]"), std::make_pair(1, 2));
  EXPECT_EQ(pos(s, "x.y"), std::make_pair(1, 28));
  EXPECT_EQ(pos(s, "[\"x.y\"][\"z]\"][0]"), std::make_pair(1, 17));
  // Fallback walks up through quoted components too.
  EXPECT_EQ(pos(s, "[\"x.y\"][\"z]\"][5]"), std::make_pair(1, 10));
}

struct SyntaxCase {
  const char* name;
  std::string text;
  int line;
  int column;
  const char* message;
};

class JsonSyntaxErrorTest : public ::testing::TestWithParam<SyntaxCase> {};

TEST_P(JsonSyntaxErrorTest, ReportsFileLineColumnAndCause) {
  const auto& c = GetParam();
  auto r = parse_json_source(c.text, "bad.json");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::Invalid);
  EXPECT_EQ(r.error().code, "InvalidJson");
  std::string where = "bad.json:" + std::to_string(c.line) + ":" + std::to_string(c.column) + ": ";
  EXPECT_THAT(r.error().message, StartsWith(where));
  EXPECT_THAT(r.error().message, HasSubstr(c.message));
}

INSTANTIATE_TEST_SUITE_P(
    Cases, JsonSyntaxErrorTest,
    ::testing::Values(
        SyntaxCase{"Empty", "", 1, 1, "empty document"},
        SyntaxCase{"OnlyComment", "// nothing\n", 2, 1, "empty document"},
        SyntaxCase{"MissingCommaInObject", "{\"a\": 1\n \"b\": 2}", 2, 2,
                   "expected ',' or '}' after object member"},
        SyntaxCase{"MissingCommaInArray", "[1 2]", 1, 4, "expected ',' or ']' after array element"},
        SyntaxCase{"MissingColon", "{\"a\" 1}", 1, 6, "expected ':' after object key \"a\""},
        SyntaxCase{"UnquotedKey", "{a: 1}", 1, 2, "expected '\"' to start an object key"},
        SyntaxCase{"SingleQuotedKey", "{'a': 1}", 1, 2, "double quotes"},
        SyntaxCase{"SingleQuotedValue", "{\"a\": 'x'}", 1, 7, "double quotes"},
        SyntaxCase{"TrailingCommaObject", "{\"a\": 1,\n}", 1, 8, "trailing comma before '}'"},
        SyntaxCase{"TrailingCommaArray", "[1, 2, ]", 1, 6, "trailing comma before ']'"},
        SyntaxCase{"UnterminatedString", "{\"a\": \"abc", 1, 7, "unterminated string"},
        SyntaxCase{"LineBreakInString", "[\"ab\ncd\"]", 1, 2, "unterminated string"},
        SyntaxCase{"ControlCharInString", "[\"a\tb\"]", 1, 4, "control character U+0009"},
        SyntaxCase{"InvalidEscape", "[\"a\\qb\"]", 1, 4, "invalid escape '\\q'"},
        SyntaxCase{"ShortUnicodeEscape", "[\"\\u12\"]", 1, 3, "expected 4 hex digits"},
        SyntaxCase{"LoneHighSurrogate", "[\"\\ud83d\"]", 1, 3, "not followed by a low surrogate"},
        SyntaxCase{"HighSurrogateThenNonLow", "[\"\\ud83d\\u0041\"]", 1, 3,
                   "not followed by a low surrogate"},
        SyntaxCase{"LoneLowSurrogate", "[\"\\ude00\"]", 1, 3, "low surrogate"},
        SyntaxCase{"InvalidUtf8InString", "[\"a\xFF\"]", 1, 4, "invalid UTF-8"},
        SyntaxCase{"OverlongUtf8InString", "[\"\xC0\xAF\"]", 1, 3, "invalid UTF-8"},
        SyntaxCase{"UnexpectedEndInObject", "{\"a\": 1", 1, 8,
                   "unexpected end of input: '{' at 1:1 is not closed"},
        SyntaxCase{"UnexpectedEndInArray", "[\n[1,\n2]", 3, 3,
                   "unexpected end of input: '[' at 1:1 is not closed"},
        SyntaxCase{"UnexpectedEndAfterColon", "{\"a\":", 1, 6, "unexpected end of input"},
        SyntaxCase{"UnterminatedComment", "{} /* never closed", 1, 4, "unterminated comment"},
        SyntaxCase{"LoneSlash", "{\"a\": / 1}", 1, 7, "unexpected '/'"},
        SyntaxCase{"DuplicateKey", "{\"a\": 1,\n \"a\": 2}", 2, 2,
                   "duplicate key \"a\" (first at 1:2)"},
        SyntaxCase{"LeadingZero", "[01]", 1, 2, "leading zeros"},
        SyntaxCase{"BareMinus", "[-]", 1, 2, "expected a digit after '-'"},
        SyntaxCase{"DotWithoutDigits", "[1.]", 1, 2, "expected a digit after '.'"},
        SyntaxCase{"ExponentWithoutDigits", "[1e+]", 1, 2, "expected a digit in the exponent"},
        SyntaxCase{"NumberOutOfRange", "[1e999]", 1, 2, "number out of range"},
        SyntaxCase{"CapitalisedLiteral", "[True]", 1, 2, "unexpected 'True'"},
        SyntaxCase{"NaN", "[NaN]", 1, 2, "unexpected 'NaN'"},
        SyntaxCase{"BareWord", "{\"mode\": enforce}", 1, 10, "strings need double quotes"},
        SyntaxCase{"TrailingContent", "{} {}", 1, 4, "after the end of the JSON value"},
        SyntaxCase{"SmartQuotes", "{\"a\": \xE2\x80\x9Cx\xE2\x80\x9D}", 1, 7, "typographic quote"},
        SyntaxCase{"GarbageByte", "\x01", 1, 1, "unexpected U+0001"},
        SyntaxCase{"InvalidLeadByte", "[\xFF]", 1, 2, "unexpected byte 0xFF"},
        SyntaxCase{"CloseWithoutOpen", "]", 1, 1, "unexpected ']'"},
        SyntaxCase{"ColumnAfterMultibyte", "{\"\xC3\xA9\": 1 x}", 1, 9, "expected ',' or '}'"}),
    [](const ::testing::TestParamInfo<SyntaxCase>& info) { return std::string(info.param.name); });

TEST(JsonSourceTest, ErrorWithoutFileNameStartsWithLine) {
  auto r = parse_json_source("[", "");
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.error().message, StartsWith("1:2: unexpected end of input"));
}

TEST(JsonSourceTest, RefusesNestingDeeperThanLimit) {
  std::string deep(kMaxJsonDepth + 1, '[');
  deep += std::string(kMaxJsonDepth + 1, ']');
  auto r = parse_json_source(deep, "deep.json");
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.error().message,
              HasSubstr("deep.json:1:" + std::to_string(kMaxJsonDepth + 1) + ": nesting deeper"));

  std::string ok(kMaxJsonDepth, '[');
  ok += std::string(kMaxJsonDepth, ']');
  EXPECT_TRUE(parse_json_source(ok, "ok.json").ok());
}

TEST(JsonSourceTest, HostileDepthFailsWithoutCrashing) {
  std::string hostile(1'000'000, '{');
  EXPECT_FALSE(parse_json_source(hostile, "h.json").ok());
  hostile.assign(1'000'000, '[');
  EXPECT_FALSE(parse_json_source(hostile, "h.json").ok());
}

// Not a fuzzer, but it shakes out crashes on garbage and on mutations of valid text.
TEST(JsonSourceTest, GarbageAndMutatedInputNeverCrash) {
  const std::string seed =
      "{\"version\": 1, // c\n \"tenants\": [{\"tenant\": \"x\\u00e9\", \"n\": [1.5e3, -0, "
      "true, null]}] /* b */}";
  std::mt19937 rng(12345);
  const std::string alphabet = "{}[]\":,/*\\u0123456789eE+-.tfnal \n\t'\xC3\xA9\xFF\x00";
  for (int i = 0; i < 20000; ++i) {
    std::string text = seed;
    int edits = 1 + static_cast<int>(rng() % 4);
    for (int e = 0; e < edits; ++e) {
      size_t at = rng() % (text.size() + 1);
      switch (rng() % 3) {
        case 0:
          text.insert(at, 1, alphabet[rng() % alphabet.size()]);
          break;
        case 1:
          if (at < text.size()) text.erase(at, 1);
          break;
        default:
          if (at < text.size()) text[at] = alphabet[rng() % alphabet.size()];
      }
    }
    auto r = parse_json_source(text, "m.json");
    if (r.ok()) {
      (void)r->root().dump();
    } else {
      EXPECT_THAT(r.error().message, StartsWith("m.json:"));
    }
  }
  for (int i = 0; i < 5000; ++i) {
    std::string text(rng() % 64, '\0');
    for (char& c : text) c = static_cast<char>(rng() % 256);
    (void)parse_json_source(text, "g.json");
  }
}

TEST(JsonSourceTest, JsonQuoteEscapesForMessages) {
  EXPECT_EQ(json_quote("a\"b"), "\"a\\\"b\"");
  EXPECT_EQ(json_quote("tab\there"), "\"tab\\there\"");
  EXPECT_EQ(json_quote("bad\xFF"), "\"bad\xEF\xBF\xBD\"");  // replaced, never throws
}

}  // namespace json_source_test
}  // namespace tenantsync
