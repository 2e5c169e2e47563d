#include "sync/csv_reader.h"

#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstring>
#include <memory>

namespace tenantsync {

namespace {

constexpr const char* kCsvCode = "InvalidCsv";

std::string hex_byte(unsigned char b) {
  static const char* const kDigits = "0123456789ABCDEF";
  std::string out = "0x";
  out += kDigits[b >> 4];
  out += kDigits[b & 0xF];
  return out;
}

// The separator named by an Excel "sep=X" first line, if the text starts with one.
std::optional<char> sep_directive(std::string_view text, size_t& length) {
  if (text.size() < 5 || text.substr(0, 4) != "sep=") return std::nullopt;
  char c = text[4];
  if (c == '"' || c == '\r' || c == '\n') return std::nullopt;
  size_t end = 5;
  if (end < text.size()) {
    if (text[end] == '\r') {
      ++end;
      if (end < text.size() && text[end] == '\n') ++end;
    } else if (text[end] == '\n') {
      ++end;
    } else {
      return std::nullopt;  // "sep=;x..." is an ordinary header
    }
  }
  length = end;
  return c;
}

// `,` or `;`: whichever occurs more often outside quotes in the first non-blank line;
// `,` on a tie.
char detect_separator(std::string_view text) {
  size_t i = 0;
  while (i < text.size() && (text[i] == '\r' || text[i] == '\n')) ++i;
  size_t commas = 0, semicolons = 0;
  bool quoted = false;
  for (; i < text.size(); ++i) {
    char c = text[i];
    if (c == '"') {
      quoted = !quoted;  // a doubled quote toggles twice: no net change
    } else if (!quoted) {
      if (c == '\r' || c == '\n') break;
      if (c == ',') ++commas;
      if (c == ';') ++semicolons;
    }
  }
  return semicolons > commas ? ';' : ',';
}

class CsvParser {
 public:
  CsvParser(std::string_view text, const CsvOptions& options, int first_line, char separator)
      : s_(text), options_(options), line_(first_line), sep_(separator) {}

  Result<CsvTable> run() {
    CsvTable table;
    table.separator = sep_;
    bool have_header = false;
    CsvRecord record;
    bool blank = false;
    while (next_record(record, blank)) {
      if (blank) continue;
      if (!have_header) {
        have_header = true;
        table.header_line = record.line;
        table.header = std::move(record.fields);
        check_text(record.line, table.header, nullptr);
        continue;
      }
      if (table.rows.size() >= options_.max_rows) {
        return fail(record.line, "more than " + std::to_string(options_.max_rows) +
                                     " rows; split the file into smaller ones");
      }
      if (record.fields.size() != table.header.size()) {
        problem(record.line, "the row has " + std::to_string(record.fields.size()) +
                                 " fields but the header has " +
                                 std::to_string(table.header.size()) +
                                 " (a value holding the separator or a line break needs quotes)");
        continue;
      }
      check_text(record.line, record.fields, &table.header);
      table.rows.push_back(std::move(record));
      record = CsvRecord{};
    }
    if (fatal_) return std::move(*fatal_);
    if (!have_header) return fail(0, "the file is empty; the first line must name the columns");
    if (problem_count_ > 0) {
      if (problem_count_ > options_.max_reported_problems) {
        if (!problems_.empty()) problems_ += "\n";
        problems_ += "... and " + std::to_string(problem_count_ - options_.max_reported_problems) +
                     " more problems";
      }
      return make_error(ErrorKind::Invalid, std::move(problems_), kCsvCode);
    }
    return table;
  }

 private:
  std::string where(int line) const {
    std::string out = options_.source_name;
    if (line > 0) out += (out.empty() ? "line " : ":") + std::to_string(line);
    if (!out.empty()) out += ": ";
    return out;
  }

  Error fail(int line, const std::string& message) {
    return make_error(ErrorKind::Invalid, where(line) + message, kCsvCode);
  }

  void set_fatal(int line, const std::string& message) {
    if (!fatal_) fatal_ = fail(line, message);
  }

  void problem(int line, const std::string& message) {
    ++problem_count_;
    if (problem_count_ > options_.max_reported_problems) return;
    if (!problems_.empty()) problems_ += "\n";
    problems_ += where(line) + message;
  }

  void check_text(int line, const std::vector<std::string>& fields,
                  const std::vector<std::string>* header) {
    for (size_t i = 0; i < fields.size(); ++i) {
      std::string field_name = (header ? "field " : "header field ") + std::to_string(i + 1);
      if (header && i < header->size() && !(*header)[i].empty() && is_valid_utf8((*header)[i]) &&
          (*header)[i].size() <= 100) {
        field_name += " (\"" + (*header)[i] + "\")";
      }
      size_t bad = 0;
      if (!is_valid_utf8(fields[i], &bad)) {
        problem(line, field_name + " is not valid UTF-8 (byte " +
                          hex_byte(static_cast<unsigned char>(fields[i][bad])) +
                          "); save the file as \"CSV UTF-8\"");
      } else if (fields[i].find('\0') != std::string::npos) {
        problem(line, field_name + " holds a NUL byte; is this a CSV text file?");
      }
    }
  }

  void consume_line_end() {
    if (s_[pos_] == '\r') {
      ++pos_;
      if (pos_ < s_.size() && s_[pos_] == '\n') ++pos_;
    } else {
      ++pos_;
    }
    ++line_;
  }

  bool append(std::string& field, std::string_view piece, int record_line) {
    if (piece.size() > options_.max_field_bytes - field.size()) {
      set_fatal(record_line, "a field is larger than " + std::to_string(options_.max_field_bytes) +
                                 " bytes" +
                                 (open_quote_line_ ? " (is a closing quote missing?)" : ""));
      return false;
    }
    field.append(piece);
    return true;
  }

  // One field at pos_; stops at the separator, a line end or the end of the text.
  bool read_field(std::string& field, int record_line) {
    const size_t n = s_.size();
    if (pos_ < n && s_[pos_] == '"') {
      open_quote_line_ = line_;
      ++pos_;
      while (true) {
        if (pos_ >= n) {
          set_fatal(open_quote_line_, "a quoted field opened on this line is never closed");
          return false;
        }
        size_t start = pos_;
        while (pos_ < n && s_[pos_] != '"' && s_[pos_] != '\r' && s_[pos_] != '\n') ++pos_;
        if (!append(field, s_.substr(start, pos_ - start), record_line)) return false;
        if (pos_ >= n) continue;
        if (s_[pos_] == '"') {
          if (pos_ + 1 < n && s_[pos_ + 1] == '"') {
            if (!append(field, "\"", record_line)) return false;
            pos_ += 2;
            continue;
          }
          ++pos_;
          break;
        }
        consume_line_end();
        if (!append(field, "\n", record_line)) return false;
      }
      open_quote_line_ = 0;
    }
    // Unquoted text, or what follows a closing quote (Excel appends it).
    size_t start = pos_;
    while (pos_ < n && s_[pos_] != sep_ && s_[pos_] != '\r' && s_[pos_] != '\n') ++pos_;
    return append(field, s_.substr(start, pos_ - start), record_line);
  }

  // Reads the record at pos_; false at the end of the text or on a fatal problem.
  bool next_record(CsvRecord& record, bool& blank) {
    const size_t n = s_.size();
    if (fatal_ || pos_ >= n) return false;
    record.line = line_;
    record.fields.clear();
    blank = s_[pos_] == '\r' || s_[pos_] == '\n';
    if (blank) {
      consume_line_end();
      return true;
    }
    while (true) {
      if (record.fields.size() >= options_.max_columns) {
        set_fatal(record.line,
                  "a row has more than " + std::to_string(options_.max_columns) + " fields");
        return false;
      }
      if (++cells_ > options_.max_cells) {
        set_fatal(record.line, "the file has more than " + std::to_string(options_.max_cells) +
                                   " fields in all; split it into smaller files");
        return false;
      }
      std::string field;
      if (!read_field(field, record.line)) return false;
      record.fields.push_back(std::move(field));
      if (pos_ >= n) return true;
      if (s_[pos_] == sep_) {
        ++pos_;
        continue;
      }
      consume_line_end();
      return true;
    }
  }

  std::string_view s_;
  const CsvOptions& options_;
  size_t pos_ = 0;
  int line_;
  char sep_;
  int open_quote_line_ = 0;
  size_t cells_ = 0;
  std::optional<Error> fatal_;
  std::string problems_;
  size_t problem_count_ = 0;
};

}  // namespace

bool is_valid_utf8(std::string_view text, size_t* bad_offset) {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const size_t n = text.size();
  size_t i = 0;
  auto bad = [&](size_t at) {
    if (bad_offset) *bad_offset = at;
    return false;
  };
  while (i < n) {
    unsigned char b = p[i];
    if (b < 0x80) {
      ++i;
      continue;
    }
    size_t len = 0;
    unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
    if (b >= 0xC2 && b <= 0xDF) {
      len = 2;
    } else if (b >= 0xE0 && b <= 0xEF) {
      len = 3;
      if (b == 0xE0) lo = 0xA0;  // no overlong forms
      if (b == 0xED) hi = 0x9F;  // no surrogates
    } else if (b >= 0xF0 && b <= 0xF4) {
      len = 4;
      if (b == 0xF0) lo = 0x90;  // no overlong forms
      if (b == 0xF4) hi = 0x8F;  // nothing past U+10FFFF
    } else {
      return bad(i);
    }
    if (i + 1 >= n || p[i + 1] < lo || p[i + 1] > hi) return bad(i);
    for (size_t k = 2; k < len; ++k) {
      if (i + k >= n || p[i + k] < 0x80 || p[i + k] > 0xBF) return bad(i);
    }
    i += len;
  }
  return true;
}

Result<CsvTable> parse_csv(std::string_view text, const CsvOptions& options) {
  auto where = [&](int line) {
    std::string out = options.source_name;
    if (line > 0) out += (out.empty() ? "line " : ":") + std::to_string(line);
    return out.empty() ? out : out + ": ";
  };
  if (text.size() >= static_cast<size_t>(INT_MAX)) {
    return make_error(ErrorKind::Invalid, where(0) + "the file is too large", kCsvCode);
  }
  if (text.size() >= 2 &&
      ((text[0] == '\xFF' && text[1] == '\xFE') || (text[0] == '\xFE' && text[1] == '\xFF'))) {
    return make_error(
        ErrorKind::Invalid,
        where(0) + "the file is UTF-16 text; save it as \"CSV UTF-8 (Comma delimited)\"", kCsvCode);
  }
  if (text.substr(0, kUtf8Bom.size()) == kUtf8Bom) text.remove_prefix(kUtf8Bom.size());
  int first_line = 1;
  size_t directive_length = 0;
  std::optional<char> separator = sep_directive(text, directive_length);
  if (separator) {
    text.remove_prefix(directive_length);
    first_line = 2;
  }
  if (options.separator) separator = options.separator;
  if (!separator) separator = detect_separator(text);
  if (*separator == '"' || *separator == '\r' || *separator == '\n') {
    return make_error(ErrorKind::Invalid,
                      where(0) + "a quote or a line break cannot separate fields", kCsvCode);
  }
  return CsvParser(text, options, first_line, *separator).run();
}

Result<CsvTable> read_csv_file(const std::filesystem::path& path, CsvOptions options) {
  if (options.source_name.empty()) options.source_name = path.string();
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    return make_error(ErrorKind::Io, "cannot read " + path.string() + ": it is a folder");
  }
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(path.c_str(), "rb"),
                                                       &std::fclose);
  if (!file) {
    return make_error(ErrorKind::Io, "cannot read " + path.string() + ": " + std::strerror(errno));
  }
  std::string text;
  char buffer[64 * 1024];
  while (true) {
    size_t got = std::fread(buffer, 1, sizeof buffer, file.get());
    if (got > 0) {
      if (got > options.max_file_bytes - text.size()) {
        return make_error(ErrorKind::Invalid,
                          options.source_name + ": the file is larger than " +
                              std::to_string(options.max_file_bytes) + " bytes",
                          kCsvCode);
      }
      text.append(buffer, got);
    }
    if (got < sizeof buffer) {
      if (std::ferror(file.get())) {
        return make_error(ErrorKind::Io,
                          "cannot read " + path.string() + ": " + std::strerror(errno));
      }
      break;
    }
  }
  return parse_csv(text, options);
}

}  // namespace tenantsync
