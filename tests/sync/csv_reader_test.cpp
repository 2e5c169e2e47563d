// CSV reader: Excel's dialects (BOM, `;`, quotes, line ends), line numbers, errors that
// point at a line, limits, and robustness against arbitrary bytes.
#include "sync/csv_reader.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <random>

namespace tenantsync {
namespace csv_reader_test {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

CsvTable parse_ok(std::string_view text, CsvOptions options = {}) {
  Result<CsvTable> t = parse_csv(text, options);
  EXPECT_TRUE(t.ok()) << (t.ok() ? "" : t.error().message);
  return t.ok() ? std::move(t).value() : CsvTable{};
}

std::string parse_error(std::string_view text, CsvOptions options = {}) {
  if (options.source_name.empty()) options.source_name = "f.csv";
  Result<CsvTable> t = parse_csv(text, options);
  EXPECT_FALSE(t.ok());
  if (t.ok()) return "";
  EXPECT_EQ(t.error().kind, ErrorKind::Invalid);
  EXPECT_EQ(t.error().code, "InvalidCsv");
  return t.error().message;
}

TEST(CsvReaderTest, ReadsHeaderAndRowsWithLineNumbers) {
  CsvTable t = parse_ok("a,b,c\n1,2,3\n4,5,6\n");
  EXPECT_EQ(t.separator, ',');
  EXPECT_EQ(t.header_line, 1);
  EXPECT_THAT(t.header, ElementsAre("a", "b", "c"));
  ASSERT_EQ(t.rows.size(), 2u);
  EXPECT_EQ(t.rows[0], (CsvRecord{2, {"1", "2", "3"}}));
  EXPECT_EQ(t.rows[1], (CsvRecord{3, {"4", "5", "6"}}));
}

TEST(CsvReaderTest, SkipsUtf8ByteOrderMark) {
  CsvTable t = parse_ok("\xEF\xBB\xBFUser Name,Display Name\r\nbob@contoso.com,Bob\r\n");
  EXPECT_THAT(t.header, ElementsAre("User Name", "Display Name"));
  ASSERT_EQ(t.rows.size(), 1u);
  EXPECT_EQ(t.rows[0].line, 2);
}

TEST(CsvReaderTest, DetectsSeparatorFromHeaderLine) {
  struct Case {
    const char* text;
    char separator;
  };
  for (const Case& c : std::vector<Case>{
           {"a;b;c\n1,5;2,5;x\n", ';'},  // Excel with a decimal comma
           {"a,b,c\n1;2,3;4,5\n", ','},
           {"a\n1\n", ','},              // no separator at all: comma
           {"a,b;c\n1,2;3\n", ','},      // tie: comma
           {"\"x;y;z\",b\n1,2\n", ','},  // quoted separators do not count
           {"\"x,y,z\";b\n1;2\n", ';'},
           {"\n\na;b\n1;2\n", ';'},  // leading blank lines skipped
       }) {
    Result<CsvTable> t = parse_csv(c.text);
    ASSERT_TRUE(t.ok()) << c.text << ": " << t.error().message;
    EXPECT_EQ(t->separator, c.separator) << c.text;
  }
}

TEST(CsvReaderTest, ExplicitSeparatorOverridesDetection) {
  CsvOptions o;
  o.separator = ';';
  CsvTable t = parse_ok("a,b\n1,2\n", o);
  EXPECT_THAT(t.header, ElementsAre("a,b"));
}

TEST(CsvReaderTest, ExcelSepDirectiveNamesSeparator) {
  CsvTable t = parse_ok("sep=;\r\na;b,c\r\n1;2,3\r\n");
  EXPECT_EQ(t.separator, ';');
  EXPECT_EQ(t.header_line, 2);
  EXPECT_THAT(t.header, ElementsAre("a", "b,c"));
  ASSERT_EQ(t.rows.size(), 1u);
  EXPECT_EQ(t.rows[0], (CsvRecord{3, {"1", "2,3"}}));
}

TEST(CsvReaderTest, SemicolonFileKeepsCommasInValues) {
  CsvTable t = parse_ok("userPrincipalName;displayName\nbob@contoso.com;Kelly, Bob\n");
  EXPECT_EQ(t.rows[0].fields[1], "Kelly, Bob");
}

TEST(CsvReaderTest, QuotedFieldsHoldSeparatorsAndDoubledQuotes) {
  CsvTable t = parse_ok("a,b,c\n\"x,y\",\"say \"\"hi\"\"\",\"\"\n");
  ASSERT_EQ(t.rows.size(), 1u);
  EXPECT_THAT(t.rows[0].fields, ElementsAre("x,y", "say \"hi\"", ""));
}

TEST(CsvReaderTest, QuotedLineBreaksSpanLinesAndLaterLinesCountOn) {
  CsvTable t = parse_ok("a,b\n1,\"first\nsecond\nthird\"\n2,x\n\"3\r\n\",y\n4,z\n");
  ASSERT_EQ(t.rows.size(), 4u);
  EXPECT_EQ(t.rows[0], (CsvRecord{2, {"1", "first\nsecond\nthird"}}));
  EXPECT_EQ(t.rows[1], (CsvRecord{5, {"2", "x"}}));
  EXPECT_EQ(t.rows[2], (CsvRecord{6, {"3\n", "y"}}));  // quoted CRLF comes back as "\n"
  EXPECT_EQ(t.rows[3], (CsvRecord{8, {"4", "z"}}));
}

TEST(CsvReaderTest, AnyLineEndReadsTheSame) {
  for (const char* eol : {"\n", "\r\n", "\r"}) {
    std::string text = std::string("a,b") + eol + "1,\"x" + eol + "y\"" + eol + eol + "2,z" + eol;
    CsvTable t = parse_ok(text);
    ASSERT_EQ(t.rows.size(), 2u) << "eol " << int(eol[0]);
    EXPECT_EQ(t.rows[0], (CsvRecord{2, {"1", "x\ny"}}));
    EXPECT_EQ(t.rows[1], (CsvRecord{5, {"2", "z"}}));  // blank line 4 skipped, still counted
  }
}

TEST(CsvReaderTest, MixedLineEnds) {
  CsvTable t = parse_ok("a\r\n1\n2\r3\r\n");
  ASSERT_EQ(t.rows.size(), 3u);
  EXPECT_EQ(t.rows[0].line, 2);
  EXPECT_EQ(t.rows[1].line, 3);
  EXPECT_EQ(t.rows[2].line, 4);
}

TEST(CsvReaderTest, TrailingEmptyLinesAreIgnored) {
  CsvTable t = parse_ok("a,b\r\n1,2\r\n\r\n\r\n\n");
  ASSERT_EQ(t.rows.size(), 1u);
}

TEST(CsvReaderTest, LastLineWithoutLineEnd) {
  CsvTable t = parse_ok("a,b\n1,2");
  ASSERT_EQ(t.rows.size(), 1u);
  EXPECT_THAT(t.rows[0].fields, ElementsAre("1", "2"));
}

TEST(CsvReaderTest, EmptyFieldsAndTrailingSeparator) {
  CsvTable t = parse_ok("a,b,c\n,,\n1,,\n");
  ASSERT_EQ(t.rows.size(), 2u);
  EXPECT_THAT(t.rows[0].fields, ElementsAre("", "", ""));
  EXPECT_THAT(t.rows[1].fields, ElementsAre("1", "", ""));
}

TEST(CsvReaderTest, FieldsAreNotTrimmed) {
  CsvTable t = parse_ok("a,b\n  x , y\n");
  EXPECT_THAT(t.rows[0].fields, ElementsAre("  x ", " y"));
}

TEST(CsvReaderTest, StrayQuotesAreReadLikeExcelDoes) {
  CsvTable t = parse_ok("a,b,c\nab\"c,\"ab\"cd, \"x\"\n");
  EXPECT_THAT(t.rows[0].fields, ElementsAre("ab\"c", "abcd", " \"x\""));
}

TEST(CsvReaderTest, HeaderOnlyIsATableWithoutRows) {
  CsvTable t = parse_ok("User Name,Display Name\r\n");
  EXPECT_THAT(t.header, ElementsAre("User Name", "Display Name"));
  EXPECT_TRUE(t.rows.empty());
}

TEST(CsvReaderTest, EmptyInputIsAnError) {
  for (const char* text : {"", "\xEF\xBB\xBF", "\n\n\r\n", "sep=;\n"}) {
    EXPECT_EQ(parse_error(text), "f.csv: the file is empty; the first line must name the columns")
        << text;
  }
}

TEST(CsvReaderTest, RaggedRowsAreAllReportedWithLineAndCounts) {
  std::string message = parse_error("a,b,c\n1,2,3\n1,2\n1,2,3\n1,2,3,4\n");
  EXPECT_EQ(message,
            "f.csv:3: the row has 2 fields but the header has 3 (a value holding the separator "
            "or a line break needs quotes)\n"
            "f.csv:5: the row has 4 fields but the header has 3 (a value holding the separator "
            "or a line break needs quotes)");
}

TEST(CsvReaderTest, InvalidUtf8IsReportedWithLineAndColumn) {
  // "Jos\xE9" is Windows-1252 for José: what Excel's plain "CSV" writes.
  std::string message = parse_error("a,Display Name\n1,ok\n2,Jos\xE9\n");
  EXPECT_EQ(message,
            "f.csv:3: field 2 (\"Display Name\") is not valid UTF-8 (byte 0xE9); save the file as "
            "\"CSV UTF-8\"");
  EXPECT_THAT(parse_error("a,b\xFF\n1,2\n"), HasSubstr("f.csv:1: header field 2 is not valid"));
}

TEST(CsvReaderTest, NulBytesAreReported) {
  EXPECT_THAT(parse_error(std::string("a,b\n1,x\0y\n", 10)),
              HasSubstr("f.csv:2: field 2 (\"b\") holds a NUL byte"));
}

TEST(CsvReaderTest, Utf16IsRefusedWithAHint) {
  EXPECT_THAT(parse_error(std::string("\xFF\xFE"
                                      "a\0,\0b\0",
                                      8)),
              HasSubstr("UTF-16"));
  EXPECT_THAT(parse_error(std::string("\xFE\xFF\0a", 4)), HasSubstr("UTF-16"));
}

TEST(CsvReaderTest, UnclosedQuoteNamesTheLineItOpensOn) {
  EXPECT_EQ(parse_error("a,b\n1,2\n3,\"open\n4,5\n"),
            "f.csv:3: a quoted field opened on this line is never closed");
}

TEST(CsvReaderTest, ErrorsWithoutSourceNameSayLine) {
  Result<CsvTable> t = parse_csv("a,b\n1\n");
  ASSERT_FALSE(t.ok());
  EXPECT_THAT(t.error().message, ::testing::StartsWith("line 2: the row has 1 fields"));
}

TEST(CsvReaderTest, ReportsAtMostTheConfiguredNumberOfProblems) {
  std::string text = "a,b\n";
  for (int i = 0; i < 60; ++i) text += "x\n";
  CsvOptions o;
  o.max_reported_problems = 50;
  std::string message = parse_error(text, o);
  EXPECT_EQ(std::count(message.begin(), message.end(), '\n'), 50);
  EXPECT_THAT(message, ::testing::EndsWith("\n... and 10 more problems"));
  o.max_reported_problems = 0;  // still an error, with the count only
  EXPECT_EQ(parse_error(text, o), "... and 60 more problems");
}

TEST(CsvReaderTest, LimitsStopHostileInput) {
  CsvOptions o;
  o.max_field_bytes = 8;
  EXPECT_THAT(parse_error("a\n123456789\n", o),
              HasSubstr("f.csv:2: a field is larger than 8 bytes"));
  EXPECT_THAT(parse_error("a\n\"12345\n6789\n", o),
              HasSubstr("larger than 8 bytes (is a closing quote missing?)"));
  EXPECT_TRUE(parse_csv("a\n12345678\n", o).ok());

  o = CsvOptions{};
  o.max_rows = 2;
  EXPECT_TRUE(parse_csv("a\n1\n2\n", o).ok());
  EXPECT_THAT(parse_error("a\n1\n2\n3\n", o), HasSubstr("f.csv:4: more than 2 rows"));

  o = CsvOptions{};
  o.max_columns = 3;
  EXPECT_THAT(parse_error("a,b,c,d\n", o), HasSubstr("f.csv:1: a row has more than 3 fields"));

  o = CsvOptions{};
  o.max_cells = 5;
  EXPECT_THAT(parse_error("a,b\n1,2\n3,4\n", o), HasSubstr("more than 5 fields in all"));
}

TEST(CsvReaderTest, Utf8Validation) {
  struct Case {
    std::string text;
    bool valid;
    size_t bad;
  };
  for (const Case& c : std::vector<Case>{
           {"", true, 0},
           {"plain ASCII", true, 0},
           {"Jos\xC3\xA9 M\xC3\xBCller \xE6\x97\xA5\xE6\x9C\xAC \xF0\x9F\x98\x80", true, 0},
           {"\xEF\xBF\xBF", true, 0},       // U+FFFF
           {"\xF4\x8F\xBF\xBF", true, 0},   // U+10FFFF
           {"ab\x80", false, 2},            // lone continuation byte
           {"\xC0\xAF", false, 0},          // overlong '/'
           {"\xC1\xBF", false, 0},          // overlong
           {"\xE0\x80\xAF", false, 0},      // overlong
           {"\xF0\x80\x80\xAF", false, 0},  // overlong
           {"a\xED\xA0\x80", false, 1},     // surrogate U+D800
           {"\xF4\x90\x80\x80", false, 0},  // past U+10FFFF
           {"\xF5\x80\x80\x80", false, 0},
           {"x\xC3", false, 1},     // truncated
           {"\xE6\x97", false, 0},  // truncated
           {"\xE6\x97z", false, 0},
           {"\xFF", false, 0},
       }) {
    size_t bad = 999;
    EXPECT_EQ(is_valid_utf8(c.text, &bad), c.valid) << testing::PrintToString(c.text);
    if (!c.valid) {
      EXPECT_EQ(bad, c.bad) << testing::PrintToString(c.text);
    }
  }
}

TEST(CsvReaderTest, ReadsFilesAndReportsUnreadableOnes) {
  std::string dir = testing::TempDir();
  std::string path = dir + "/csv_reader_test_users.csv";
  {
    std::ofstream out(path, std::ios::binary);
    out << "\xEF\xBB\xBF"
           "a;b\r\n1;2\r\n";
  }
  Result<CsvTable> t = read_csv_file(path);
  ASSERT_TRUE(t.ok()) << t.error().message;
  EXPECT_EQ(t->separator, ';');
  EXPECT_EQ(t->rows.size(), 1u);

  CsvOptions small;
  small.max_file_bytes = 4;
  Result<CsvTable> big = read_csv_file(path, small);
  ASSERT_FALSE(big.ok());
  EXPECT_EQ(big.error().kind, ErrorKind::Invalid);
  EXPECT_THAT(big.error().message, HasSubstr("larger than 4 bytes"));

  {
    std::ofstream out(path, std::ios::binary);
    out << "a,b\n1\n";
  }
  Result<CsvTable> ragged = read_csv_file(path);
  ASSERT_FALSE(ragged.ok());
  EXPECT_THAT(ragged.error().message, ::testing::StartsWith(path + ":2: "));
  std::remove(path.c_str());

  Result<CsvTable> missing = read_csv_file(dir + "/no-such-file.csv");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().kind, ErrorKind::Io);
  EXPECT_THAT(missing.error().message, HasSubstr("no-such-file.csv"));

  Result<CsvTable> folder = read_csv_file(dir);
  ASSERT_FALSE(folder.ok());
  EXPECT_EQ(folder.error().kind, ErrorKind::Io);
}

TEST(CsvReaderTest, CommittedFixturesParse) {
  Result<CsvTable> t = read_csv_file(std::string(TENANTSYNC_SOURCE_DIR) +
                                     "/tests/sync/data/admin-center-template.csv");
  ASSERT_TRUE(t.ok()) << t.error().message;
  EXPECT_EQ(t->header.size(), 16u);
  EXPECT_EQ(t->rows.size(), 5u);
}

// Arbitrary bytes never crash the reader or break its promises: every row is as wide as
// the header and lines only grow.
TEST(CsvReaderTest, ArbitraryInputNeverBreaksInvariants) {
  std::mt19937 rng(12345);
  const std::string alphabet = std::string("ab,;\"\r\n \xC3\xA9\xFF") + std::string(1, '\0');
  CsvOptions o;
  o.max_field_bytes = 64;
  o.max_rows = 50;
  for (int i = 0; i < 20000; ++i) {
    std::string text(rng() % 40, ' ');
    for (char& c : text) c = alphabet[rng() % alphabet.size()];
    if (i % 7 == 0) text = "\xEF\xBB\xBF" + text;
    if (i % 11 == 0) text = "sep=" + text;
    Result<CsvTable> t = parse_csv(text, o);
    if (!t.ok()) {
      EXPECT_FALSE(t.error().message.empty());
      continue;
    }
    int last = t->header_line;
    EXPECT_GE(last, 1);
    for (const CsvRecord& r : t->rows) {
      EXPECT_EQ(r.fields.size(), t->header.size()) << testing::PrintToString(text);
      EXPECT_GT(r.line, last) << testing::PrintToString(text);
      last = r.line;
      for (const std::string& f : r.fields) EXPECT_TRUE(is_valid_utf8(f));
    }
  }
}

}  // namespace csv_reader_test
}  // namespace tenantsync
