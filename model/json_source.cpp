// Over 500 lines on purpose: one hand-written reader (tokens, strings with their escapes,
// numbers, positions in code points, comments) whose parts share its cursor; split, each
// part would need that state passed around. json_source.h says what it does.
#include "model/json_source.h"

#include <charconv>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <utility>

#include "model/json_text.h"

namespace tenantsync {

namespace {

using nlohmann::json;

// Larger inputs would overflow the int line and column counters.
constexpr size_t kMaxInputBytes = size_t{1} << 30;
constexpr std::string_view kByteOrderMark = "\xEF\xBB\xBF";

struct SyntaxError {
  size_t offset;
  std::string message;
};

bool is_continuation(unsigned char c) { return (c & 0xC0) == 0x80; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_word_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) || c == '_';
}

// Length of the valid UTF-8 sequence at text[pos], or 0 if it is not valid (RFC 3629:
// no overlong forms, no surrogates, nothing above U+10FFFF).
size_t utf8_sequence_length(std::string_view text, size_t pos, uint32_t* code_point) {
  auto byte = [&](size_t i) -> unsigned char {
    return pos + i < text.size() ? static_cast<unsigned char>(text[pos + i]) : 0;
  };
  unsigned char c = byte(0);
  size_t length = 0;
  unsigned char low = 0x80, high = 0xBF;  // allowed range of the second byte
  uint32_t cp = 0;
  if (c >= 0xC2 && c <= 0xDF) {
    length = 2;
    cp = c & 0x1F;
  } else if (c >= 0xE0 && c <= 0xEF) {
    length = 3;
    cp = c & 0x0F;
    if (c == 0xE0) low = 0xA0;
    if (c == 0xED) high = 0x9F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    length = 4;
    cp = c & 0x07;
    if (c == 0xF0) low = 0x90;
    if (c == 0xF4) high = 0x8F;
  } else {
    return 0;
  }
  if (pos + length > text.size()) return 0;
  for (size_t i = 1; i < length; ++i) {
    unsigned char b = byte(i);
    if (i == 1 ? (b < low || b > high) : !is_continuation(b)) return 0;
    cp = (cp << 6) | (b & 0x3F);
  }
  if (code_point) *code_point = cp;
  return length;
}

void append_utf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

std::string hex(uint32_t value, int digits) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%0*X", digits, static_cast<unsigned>(value));
  return buf;
}

// How to name the character at text[pos] in a message: 'x', U+201C, or byte 0xFF.
std::string describe_char(std::string_view text, size_t pos) {
  unsigned char c = static_cast<unsigned char>(text[pos]);
  if (c > 0x20 && c < 0x7F) return std::string("'") + static_cast<char>(c) + "'";
  if (c < 0x80) return "U+" + hex(c, 4);
  uint32_t cp = 0;
  if (utf8_sequence_length(text, pos, &cp) > 0) return "U+" + hex(cp, 4);
  return "byte 0x" + hex(c, 2);
}

// Maps byte offsets to line and column. Queries come almost always in increasing
// order, so it scans forward from the previous answer: linear in the input overall.
class PositionCounter {
 public:
  explicit PositionCounter(std::string_view text)
      : text_(text), start_(text.substr(0, 3) == kByteOrderMark ? 3 : 0), offset_(start_) {}

  std::pair<int, int> at(size_t offset) {
    if (offset > text_.size()) offset = text_.size();
    if (offset < offset_) {
      offset_ = start_;
      line_ = 1;
      column_ = 1;
    }
    for (; offset_ < offset; ++offset_) {
      unsigned char c = static_cast<unsigned char>(text_[offset_]);
      if (c == '\n') {
        ++line_;
        column_ = 1;
      } else if (!is_continuation(c)) {
        ++column_;
      }
    }
    // Pointing into the middle of a multi-byte character counts as that character.
    return {line_, column_};
  }

 private:
  std::string_view text_;
  size_t start_;  // after a byte order mark, which takes no column
  size_t offset_;
  int line_ = 1;
  int column_ = 1;
};

class Parser {
 public:
  Parser(std::string_view text, std::unordered_map<std::string, std::pair<int, int>>& positions)
      : text_(text), counter_(text), positions_(positions) {}

  json parse_document() {
    if (text_.size() > kMaxInputBytes) fail(0, "input is larger than 1 GiB");
    if (text_.substr(0, 3) == kByteOrderMark) pos_ = 3;
    skip_space();
    if (at_end()) fail(pos_, "empty document: expected a JSON value");
    record("", pos_);
    json root = parse_value("");
    skip_space();
    if (!at_end()) {
      fail(pos_, "unexpected " + describe_char(text_, pos_) + " after the end of the JSON value");
    }
    return root;
  }

  std::pair<int, int> position(size_t offset) { return counter_.at(offset); }

 private:
  [[noreturn]] void fail(size_t offset, std::string message) {
    throw SyntaxError{offset, std::move(message)};
  }

  bool at_end() const { return pos_ >= text_.size(); }
  char peek() const { return text_[pos_]; }

  void record(const std::string& path, size_t offset) { positions_[path] = counter_.at(offset); }

  std::string where(size_t offset) {
    auto [line, column] = counter_.at(offset);
    return std::to_string(line) + ":" + std::to_string(column);
  }

  // Whitespace and comments; the only extension to JSON we accept.
  void skip_space() {
    while (!at_end()) {
      char c = peek();
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        ++pos_;
      } else if (c == '/' && pos_ + 1 < text_.size() && text_[pos_ + 1] == '/') {
        size_t end = text_.find('\n', pos_ + 2);
        pos_ = end == std::string_view::npos ? text_.size() : end + 1;
      } else if (c == '/' && pos_ + 1 < text_.size() && text_[pos_ + 1] == '*') {
        size_t end = text_.find("*/", pos_ + 2);
        if (end == std::string_view::npos) fail(pos_, "unterminated comment: '/*' without '*/'");
        pos_ = end + 2;
      } else {
        return;
      }
    }
  }

  json parse_value(const std::string& path) {
    skip_space();
    if (at_end()) fail(pos_, "unexpected end of input: expected a value");
    char c = peek();
    switch (c) {
      case '{':
        return parse_object(path);
      case '[':
        return parse_array(path);
      case '"':
        return json(parse_string());
      case '-':
        return parse_number();
      case '\'':
        fail(pos_, "strings must be in double quotes, not single quotes");
      default:
        break;
    }
    if (is_digit(c)) return parse_number();
    if (is_word_char(c)) return parse_literal();
    uint32_t cp = 0;
    if (utf8_sequence_length(text_, pos_, &cp) > 0 &&
        (cp == 0x201C || cp == 0x201D || cp == 0x2018 || cp == 0x2019)) {
      fail(pos_, "unexpected " + describe_char(text_, pos_) +
                     " (a typographic quote): JSON strings need straight double quotes");
    }
    fail(pos_, "unexpected " + describe_char(text_, pos_) + ": expected a value");
  }

  void enter(size_t offset) {
    if (++depth_ > kMaxJsonDepth) {
      fail(offset, "nesting deeper than " + std::to_string(kMaxJsonDepth) + " levels");
    }
  }

  json parse_object(const std::string& path) {
    size_t open = pos_;
    enter(open);
    ++pos_;
    json object = json::object();
    auto& members = object.get_ref<json::object_t&>();
    skip_space();
    if (!at_end() && peek() == '}') {
      ++pos_;
      --depth_;
      return object;
    }
    size_t comma = 0;
    while (true) {
      skip_space();
      if (at_end()) unclosed(open, '{');
      char c = peek();
      if (c == '}') fail(comma, "trailing comma before '}' is not allowed");
      if (c == '\'') fail(pos_, "object keys must be in double quotes, not single quotes");
      if (c != '"') {
        fail(pos_, "expected '\"' to start an object key, got " + describe_char(text_, pos_));
      }
      size_t key_offset = pos_;
      std::string key = parse_string();
      std::string child = path_key(path, key);
      if (members.count(key) > 0) {
        auto first = positions_.find(child);
        std::string at = first == positions_.end()
                             ? std::string()
                             : " (first at " + std::to_string(first->second.first) + ":" +
                                   std::to_string(first->second.second) + ")";
        fail(key_offset, "duplicate key " + json_quote(key) + at);
      }
      record(child, key_offset);
      skip_space();
      if (at_end()) unclosed(open, '{');
      if (peek() != ':') fail(pos_, "expected ':' after object key " + json_quote(key));
      ++pos_;
      json value = parse_value(child);
      members.emplace(std::move(key), std::move(value));
      skip_space();
      if (at_end()) unclosed(open, '{');
      c = peek();
      if (c == ',') {
        comma = pos_++;
        continue;
      }
      if (c == '}') {
        ++pos_;
        break;
      }
      fail(pos_, "expected ',' or '}' after object member, got " + describe_char(text_, pos_));
    }
    --depth_;
    return object;
  }

  json parse_array(const std::string& path) {
    size_t open = pos_;
    enter(open);
    ++pos_;
    json array = json::array();
    auto& elements = array.get_ref<json::array_t&>();
    skip_space();
    if (!at_end() && peek() == ']') {
      ++pos_;
      --depth_;
      return array;
    }
    size_t comma = 0;
    while (true) {
      skip_space();
      if (at_end()) unclosed(open, '[');
      if (peek() == ']') fail(comma, "trailing comma before ']' is not allowed");
      std::string child = path_index(path, elements.size());
      record(child, pos_);
      elements.push_back(parse_value(child));
      skip_space();
      if (at_end()) unclosed(open, '[');
      char c = peek();
      if (c == ',') {
        comma = pos_++;
        continue;
      }
      if (c == ']') {
        ++pos_;
        break;
      }
      fail(pos_, "expected ',' or ']' after array element, got " + describe_char(text_, pos_));
    }
    --depth_;
    return array;
  }

  [[noreturn]] void unclosed(size_t open, char bracket) {
    fail(pos_, std::string("unexpected end of input: '") + bracket + "' at " + where(open) +
                   " is not closed");
  }

  // At the opening quote; leaves pos_ after the closing one.
  std::string parse_string() {
    size_t open = pos_++;
    std::string out;
    while (true) {
      if (at_end()) fail(open, "unterminated string");
      unsigned char c = static_cast<unsigned char>(peek());
      if (c == '"') {
        ++pos_;
        return out;
      }
      if (c == '\\') {
        parse_escape(open, out);
      } else if (c == '\n' || c == '\r') {
        fail(open, "unterminated string: line break before the closing '\"'");
      } else if (c < 0x20) {
        fail(pos_, "control character U+" + hex(c, 4) + " in a string must be escaped");
      } else if (c < 0x80) {
        out += static_cast<char>(c);
        ++pos_;
      } else {
        size_t length = utf8_sequence_length(text_, pos_, nullptr);
        if (length == 0) fail(pos_, "invalid UTF-8 in string (" + describe_char(text_, pos_) + ")");
        out.append(text_.substr(pos_, length));
        pos_ += length;
      }
    }
  }

  void parse_escape(size_t open, std::string& out) {
    size_t escape = pos_++;
    if (at_end()) fail(open, "unterminated string");
    char c = peek();
    ++pos_;
    switch (c) {
      case '"':
        out += '"';
        return;
      case '\\':
        out += '\\';
        return;
      case '/':
        out += '/';
        return;
      case 'b':
        out += '\b';
        return;
      case 'f':
        out += '\f';
        return;
      case 'n':
        out += '\n';
        return;
      case 'r':
        out += '\r';
        return;
      case 't':
        out += '\t';
        return;
      case 'u':
        break;
      default: {
        unsigned char u = static_cast<unsigned char>(c);
        std::string shown = u > 0x20 && u < 0x7F
                                ? std::string("'\\") + c + "'"
                                : "'\\' followed by " + describe_char(text_, escape + 1);
        fail(escape, "invalid escape " + shown +
                         " in string (valid: \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)");
      }
    }
    uint32_t cp = parse_hex4(escape);
    if (cp >= 0xDC00 && cp <= 0xDFFF) {
      fail(escape, "invalid \\u escape: low surrogate \\u" + hex(cp, 4) + " without a high one");
    }
    if (cp >= 0xD800 && cp <= 0xDBFF) {
      size_t second = pos_;
      if (text_.substr(pos_, 2) != "\\u") {
        fail(escape, "invalid \\u escape: high surrogate \\u" + hex(cp, 4) +
                         " is not followed by a low surrogate");
      }
      pos_ += 2;
      uint32_t low = parse_hex4(second);
      if (low < 0xDC00 || low > 0xDFFF) {
        fail(escape, "invalid \\u escape: high surrogate \\u" + hex(cp, 4) +
                         " is not followed by a low surrogate");
      }
      cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
    }
    append_utf8(out, cp);
  }

  uint32_t parse_hex4(size_t escape) {
    uint32_t value = 0;
    for (int i = 0; i < 4; ++i, ++pos_) {
      if (at_end()) fail(escape, "invalid \\u escape: expected 4 hex digits");
      char c = peek();
      uint32_t digit;
      if (c >= '0' && c <= '9') {
        digit = static_cast<uint32_t>(c - '0');
      } else if (c >= 'a' && c <= 'f') {
        digit = static_cast<uint32_t>(c - 'a' + 10);
      } else if (c >= 'A' && c <= 'F') {
        digit = static_cast<uint32_t>(c - 'A' + 10);
      } else {
        fail(escape, "invalid \\u escape: expected 4 hex digits");
      }
      value = value * 16 + digit;
    }
    return value;
  }

  // Integers become int64 (uint64 above its range), everything else a double.
  json parse_number() {
    size_t start = pos_;
    bool negative = peek() == '-';
    if (negative) ++pos_;
    if (at_end() || !is_digit(peek())) fail(start, "invalid number: expected a digit after '-'");
    if (peek() == '0') {
      ++pos_;
      if (!at_end() && is_digit(peek()))
        fail(start, "invalid number: leading zeros are not allowed");
    } else {
      while (!at_end() && is_digit(peek())) ++pos_;
    }
    bool integer = true;
    if (!at_end() && peek() == '.') {
      integer = false;
      ++pos_;
      if (at_end() || !is_digit(peek())) fail(start, "invalid number: expected a digit after '.'");
      while (!at_end() && is_digit(peek())) ++pos_;
    }
    if (!at_end() && (peek() == 'e' || peek() == 'E')) {
      integer = false;
      ++pos_;
      if (!at_end() && (peek() == '+' || peek() == '-')) ++pos_;
      if (at_end() || !is_digit(peek())) {
        fail(start, "invalid number: expected a digit in the exponent");
      }
      while (!at_end() && is_digit(peek())) ++pos_;
    }
    const char* first = text_.data() + start;
    const char* last = text_.data() + pos_;
    if (integer) {
      int64_t value = 0;
      auto [end, ec] = std::from_chars(first, last, value);
      if (ec == std::errc() && end == last) return json(value);
      if (!negative) {
        uint64_t big = 0;
        auto [end2, ec2] = std::from_chars(first, last, big);
        if (ec2 == std::errc() && end2 == last) return json(big);
      }
    }
    double value = 0;
    auto [end, ec] = std::from_chars(first, last, value);
    if (ec != std::errc() || end != last) fail(start, "number out of range");
    return json(value);
  }

  json parse_literal() {
    size_t start = pos_;
    while (!at_end() && is_word_char(peek())) ++pos_;
    std::string_view word = text_.substr(start, pos_ - start);
    if (word == "true") return json(true);
    if (word == "false") return json(false);
    if (word == "null") return json(nullptr);
    if (word.size() > 32) word = word.substr(0, 32);
    fail(start, "unexpected '" + std::string(word) +
                    "': expected a value (strings need double quotes; literals are true, false "
                    "and null)");
  }

  std::string_view text_;
  size_t pos_ = 0;
  int depth_ = 0;
  PositionCounter counter_;
  std::unordered_map<std::string, std::pair<int, int>>& positions_;
};

bool is_identifier(const std::string& key) {
  if (key.empty()) return false;
  char first = key[0];
  if (!((first >= 'a' && first <= 'z') || (first >= 'A' && first <= 'Z') || first == '_' ||
        first == '$')) {
    return false;
  }
  for (char c : key) {
    if (!(is_word_char(c) || c == '$' || c == '-')) return false;
  }
  return true;
}

// Everything but the last component of a path built by path_key/path_index. Scans from
// the front because a quoted key may itself contain '.', '[' or ']'.
std::string_view parent_path(std::string_view path) {
  size_t i = 0, last = 0;
  while (i < path.size()) {
    last = i;
    if (path[i] == '[' && i + 1 < path.size() && path[i + 1] == '"') {
      i += 2;
      while (i < path.size() && path[i] != '"') i += path[i] == '\\' ? 2 : 1;
      i += 2;  // closing quote and bracket
    } else if (path[i] == '[') {
      while (i < path.size() && path[i] != ']') ++i;
      ++i;
    } else {
      ++i;  // a '.' or the first character of a bare root key
      while (i < path.size() && path[i] != '.' && path[i] != '[') ++i;
    }
  }
  return path.substr(0, last);
}

}  // namespace

SourceLocation JsonSource::locate(const std::string& path) const {
  SourceLocation location;
  location.file = file_;
  location.path = path;
  std::string_view probe = path;
  while (true) {
    auto it = positions_.find(std::string(probe));
    if (it != positions_.end()) {
      location.line = it->second.first;
      location.column = it->second.second;
      return location;
    }
    if (probe.empty()) return location;
    probe = parent_path(probe);
  }
}

Result<JsonSource> parse_json_source(std::string_view text, std::string file) {
  JsonSource source;
  source.file_ = std::move(file);
  Parser parser(text, source.positions_);
  try {
    source.root_ = parser.parse_document();
  } catch (const SyntaxError& e) {
    auto [line, column] = parser.position(e.offset);
    SourceLocation at{source.file_, line, column, ""};
    return make_error(ErrorKind::Invalid, at.prefix() + e.message, "InvalidJson");
  }
  return source;
}

std::string path_key(const std::string& parent, const std::string& key) {
  if (!is_identifier(key)) return parent + "[" + json_quote(key) + "]";
  if (parent.empty()) return key;
  return parent + "." + key;
}

std::string path_index(const std::string& parent, size_t index) {
  return parent + "[" + std::to_string(index) + "]";
}

std::string json_quote(std::string_view text) { return dump_json(json(std::string(text))); }

std::string describe_json_value(const json& value) {
  if (value.is_string()) {
    const auto& s = value.get_ref<const std::string&>();
    return s.size() > 64 ? json_quote(s.substr(0, 64)) + "..." : json_quote(s);
  }
  if (value.is_structured()) return value.type_name();
  return dump_json(value);
}

}  // namespace tenantsync
