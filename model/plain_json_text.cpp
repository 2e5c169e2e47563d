#include "model/plain_json_text.h"

#include <cstdint>
#include <cstring>

namespace tenantsync {

namespace {

constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
constexpr std::uint64_t kHighs = 0x8080808080808080ULL;

// Whether any of the eight bytes of `w` is below `n` (n <= 128), or equal to `b`.
constexpr bool any_below(std::uint64_t w, std::uint8_t n) {
  return ((w - kOnes * n) & ~w & kHighs) != 0;
}
constexpr bool any_equal(std::uint64_t w, std::uint8_t b) { return any_below(w ^ (kOnes * b), 1); }

bool plain_byte(unsigned char c) { return c >= 0x20 && c <= 0x7e && c != '"' && c != '\\'; }

}  // namespace

bool is_plain_json_text(std::string_view text) {
  size_t i = 0;
  for (; i + 8 <= text.size(); i += 8) {
    std::uint64_t w;
    std::memcpy(&w, text.data() + i, 8);
    if ((w & kHighs) != 0 || any_below(w, 0x20) || any_equal(w, 0x7f) || any_equal(w, '"') ||
        any_equal(w, '\\')) {
      return false;
    }
  }
  for (; i < text.size(); ++i) {
    if (!plain_byte(static_cast<unsigned char>(text[i]))) return false;
  }
  return true;
}

}  // namespace tenantsync
