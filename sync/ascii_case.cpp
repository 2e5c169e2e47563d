#include "sync/ascii_case.h"

#include <cstdint>
#include <cstring>

namespace tenantsync {

namespace {

char fold(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

// Eight bytes folded at once (SWAR): 0x20 is set in each byte holding 'A'..'Z'. Within a
// byte's low seven bits the sums below never carry into the next byte; bytes with the
// high bit (not ASCII) are left as they are.
std::uint64_t fold_word(std::uint64_t w) {
  constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
  constexpr std::uint64_t kHigh = kOnes * 0x80;
  const std::uint64_t low7 = w & ~kHigh;
  const std::uint64_t above_z = low7 + kOnes * (0x7f - 'Z');  // high bit: byte > 'Z'
  const std::uint64_t from_a = low7 + kOnes * (0x80 - 'A');   // high bit: byte >= 'A'
  const std::uint64_t upper = from_a & ~above_z & ~w & kHigh;
  return w | (upper >> 2);
}

// The eight bytes of `text` from `at`, or fewer zero-padded at its end.
std::uint64_t word_at(std::string_view text, size_t at) {
  std::uint64_t w = 0;
  if (text.size() - at >= 8) {
    std::memcpy(&w, text.data() + at, 8);  // one load, not a call
  } else {
    std::memcpy(&w, text.data() + at, text.size() - at);
  }
  return w;
}

}  // namespace

std::string ascii_lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = fold(c);
  return out;
}

std::string ascii_upper(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

// Keys are names and GUIDs (20 to 60 bytes): folded and mixed eight bytes a step, they
// cost a few instructions a word where a byte-wise hash cost that per byte.
size_t IHash::operator()(std::string_view text) const {
  std::uint64_t h = 0xcbf29ce484222325ULL ^ text.size();
  for (size_t at = 0; at < text.size(); at += 8) {
    h = (h ^ fold_word(word_at(text, at))) * 0x9e3779b97f4a7c15ULL;
    h ^= h >> 29;
  }
  return static_cast<size_t>(h);
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t at = 0; at < a.size(); at += 8) {
    if (fold_word(word_at(a, at)) != fold_word(word_at(b, at))) return false;
  }
  return true;
}

std::string_view trim_blanks(std::string_view text) {
  constexpr std::string_view kBlanks = " \t\r\n\f\v";
  size_t first = text.find_first_not_of(kBlanks);
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(kBlanks) - first + 1);
}

std::vector<std::string_view> split_trimmed(std::string_view text, std::string_view separators) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find_first_of(separators, start);
    if (end == std::string_view::npos) end = text.size();
    parts.push_back(trim_blanks(text.substr(start, end - start)));
    start = end + 1;
  }
  return parts;
}

bool iends_with(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && iequals(text.substr(text.size() - suffix.size()), suffix);
}

bool iless(std::string_view a, std::string_view b) {
  size_t n = a.size() < b.size() ? a.size() : b.size();
  for (size_t i = 0; i < n; ++i) {
    char x = fold(a[i]), y = fold(b[i]);
    if (x != y) return static_cast<unsigned char>(x) < static_cast<unsigned char>(y);
  }
  if (a.size() != b.size()) return a.size() < b.size();
  return a < b;
}

}  // namespace tenantsync
