// Reading the CSV files admins save from Excel (users import, --users-file).
//
// Accepted: UTF-8 with or without a byte-order mark; CRLF, LF or lone CR line ends (mixed
// too); fields quoted with `"` holding separators, line breaks and doubled quotes (`""`).
// The separator is `,` or `;` (Excel writes `;` where the decimal mark is a comma). Unless
// CsvOptions::separator fixes it, it is chosen from the header line: whichever of the two
// occurs more often outside quotes, `,` on a tie (so a one-column file reads with `,`).
// An Excel `sep=X` first line names the separator explicitly and is skipped.
//
// Excel's leniency is kept: a quote opens a quoted field only as the field's first
// character (`a"b` is the three characters a"b), and characters after a closing quote are
// appended (`"ab"c` is abc). Line breaks inside quoted fields come back as "\n" whatever
// the file used. Fields are not trimmed. Blank lines (no characters at all) are skipped
// wherever they are, so trailing empty lines are harmless; a line of separators only
// (",,,") is a row of empty fields and is kept.
//
// Every record carries the 1-based line on which it starts; a quoted line break makes a
// record span lines, and the lines after it count on from there. The first record is the
// header; every row must have as many fields as the header. Problems that concern one row
// (ragged rows, text that is not UTF-8) are all collected and returned together, one per
// line of Error::message (ErrorKind::Invalid, code "InvalidCsv"), each starting
// "file:line: "; structural problems (an unclosed quote, UTF-16 text) and the limits in
// CsvOptions stop reading at once. Hostile input cannot exhaust memory: the limits bound
// what is kept, and no input makes the reader crash or loop. Pure functions; thread-safe.
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/result.h"

namespace tenantsync {

// The byte-order mark Excel writes at the start of "CSV UTF-8" files.
inline constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

struct CsvOptions {
  // Names the input in messages ("new-hires.csv:7: ..."); read_csv_file() uses the path
  // as given when this is empty.
  std::string source_name;
  std::optional<char> separator;              // nullopt: detected from the header line (see above)
  size_t max_field_bytes = size_t{1} << 20;   // 1 MiB per field
  size_t max_rows = 1'000'000;                // data rows, header not counted
  size_t max_columns = 1'000;                 // fields per record
  size_t max_cells = 5'000'000;               // fields in all records together
  size_t max_file_bytes = size_t{256} << 20;  // read_csv_file() only
  size_t max_reported_problems = 50;          // then "... and N more problems"
};

struct CsvRecord {
  int line = 0;  // 1-based line where the record starts
  std::vector<std::string> fields;

  bool operator==(const CsvRecord&) const = default;
};

struct CsvTable {
  char separator = ',';
  int header_line = 0;
  std::vector<std::string> header;
  std::vector<CsvRecord> rows;  // data rows in file order, each as wide as the header
};

// Parses CSV text. An input without a header line (empty, a BOM only, blank lines only) is
// an error; a header without rows is a table with no rows.
Result<CsvTable> parse_csv(std::string_view text, const CsvOptions& options = {});

// Reads and parses a file; a file that cannot be read is ErrorKind::Io, one larger than
// options.max_file_bytes is ErrorKind::Invalid.
Result<CsvTable> read_csv_file(const std::filesystem::path& path, CsvOptions options = {});

// True when `text` is well-formed UTF-8 (no overlong forms, surrogates or code points past
// U+10FFFF). On failure `bad_offset`, when given, receives the offset of the first bad byte.
bool is_valid_utf8(std::string_view text, size_t* bad_offset = nullptr);

}  // namespace tenantsync
