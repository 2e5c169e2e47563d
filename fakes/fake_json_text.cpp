#include "fakes/fake_json_text.h"

#include <cstdint>
#include <cstring>

#include "fakes/fake_errors.h"

namespace tenantsync::fake {

namespace {

constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
constexpr std::uint64_t kHighs = 0x8080808080808080ULL;

// Whether any of the eight bytes of `w` is below `n` (n <= 128), or equal to `b`.
constexpr bool any_below(std::uint64_t w, std::uint8_t n) {
  return ((w - kOnes * n) & ~w & kHighs) != 0;
}
constexpr bool any_equal(std::uint64_t w, std::uint8_t b) { return any_below(w ^ (kOnes * b), 1); }

bool plain_byte(unsigned char c) { return c >= 0x20 && c <= 0x7e && c != '"' && c != '\\'; }

// Printable ASCII with nothing to escape: the common case, copied as it is. Eight bytes a
// step: the pages are mostly such text, and a byte at a time was a sixth of the fake's work.
bool plain(std::string_view s) {
  size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    std::uint64_t w;
    std::memcpy(&w, s.data() + i, 8);
    if ((w & kHighs) != 0 || any_below(w, 0x20) || any_equal(w, 0x7f) || any_equal(w, '"') ||
        any_equal(w, '\\')) {
      return false;
    }
  }
  for (; i < s.size(); ++i) {
    if (!plain_byte(static_cast<unsigned char>(s[i]))) return false;
  }
  return true;
}

}  // namespace

void JsonText::separate() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (first_.empty()) return;
  if (!first_.back()) out_ += ',';
  first_.back() = false;
}

void JsonText::open(char bracket) {
  separate();
  out_ += bracket;
  first_.push_back(true);
}

void JsonText::close(char bracket) {
  first_.pop_back();
  out_ += bracket;
}

void JsonText::key(std::string_view name) {
  string(name);
  out_ += ':';
  after_key_ = true;
}

void JsonText::string(std::string_view s) {
  separate();
  if (plain(s)) {
    size_t at = out_.size();
    out_.append(s.size() + 2, '"');  // the quotes, and room for the text between them
    std::memcpy(out_.data() + at + 1, s.data(), s.size());
  } else {
    out_ += wire_json(nlohmann::json(s));  // nlohmann's escaping and UTF-8 replacement
  }
}

void JsonText::null() {
  separate();
  out_ += "null";
}

void JsonText::boolean(bool b) {
  separate();
  out_ += b ? "true" : "false";
}

void JsonText::string_array(const std::vector<std::string>& items) {
  begin_array();
  for (const auto& s : items) string(s);
  end_array();
}

void JsonText::raw(std::string_view json) {
  separate();
  out_ += json;
}

}  // namespace tenantsync::fake
