// A JSON-with-comments reader that remembers where every value sits in the text.
//
// nlohmann::json keeps no positions, but users need errors that point at the line and
// column of a bad field. parse_json_source() parses JSON with `//` and `/* */` comments
// (and no other extensions) into an nlohmann::json plus a table from each value's field
// path ("tenants[0].users[3].upn") to its position. Syntax errors come back as
// ErrorKind::Invalid (code "InvalidJson") with "file:line:column: message".
//
// Positions: lines and columns are 1-based; a column counts UTF-8 code points (not
// bytes), tabs count as one. An object member's position is that of its key (what a
// user wants pointed at); an array element's is where the element starts; the root's
// is where the document's value starts. Duplicate keys are errors. A leading UTF-8 BOM
// is skipped. Nesting deeper than kMaxJsonDepth is refused, so hostile input cannot
// exhaust the stack. Strings must be valid UTF-8.
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "model/result.h"
#include "model/source_location.h"

namespace tenantsync {

class JsonSource {
 public:
  const nlohmann::json& root() const { return root_; }
  const std::string& file() const { return file_; }
  // Position of the value at `path` ("" = root). For a path that is not in the document
  // (a missing key) it is the position of its nearest enclosing value that is, so an
  // error about a missing field points at the object that lacks it. The returned
  // location's `path` is always `path`. Line 0 when nothing is known (empty source).
  SourceLocation locate(const std::string& path) const;

 private:
  friend Result<JsonSource> parse_json_source(std::string_view text, std::string file);
  nlohmann::json root_;
  std::string file_;
  std::unordered_map<std::string, std::pair<int, int>> positions_;  // path -> line, column
};

inline constexpr int kMaxJsonDepth = 256;

Result<JsonSource> parse_json_source(std::string_view text, std::string file);

// Path helpers so every caller spells paths the same way. A key that is not a plain
// identifier ([A-Za-z_$][A-Za-z0-9_$-]*) is written quoted, a["b.c"], so that paths
// stay unambiguous.
std::string path_key(const std::string& parent, const std::string& key);  // a.b
std::string path_index(const std::string& parent, size_t index);          // a[3]

// `text` as a JSON string literal with quotes, for messages that echo user input
// (control characters escaped, invalid UTF-8 replaced).
std::string json_quote(std::string_view text);

// A value as an error message shows it: a string quoted (cut after 64 bytes), a number
// or literal as JSON writes it, an object or array by its type name. Never throws.
std::string describe_json_value(const nlohmann::json& value);

}  // namespace tenantsync
