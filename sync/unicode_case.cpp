#include "sync/unicode_case.h"

#include <sqlite3.h>
#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include <cstdint>

namespace tenantsync {

namespace {

// What one step of a text compares as: a well-formed character's folded code point, or a
// byte of an ill-formed sequence, placed above every code point so that the order is
// total and equal units mean equal texts.
constexpr std::int32_t kIllFormedByte = 0x110000;

std::int32_t next_unit(std::string_view text, std::int32_t& at) {
  const auto* bytes = reinterpret_cast<const std::uint8_t*>(text.data());
  const std::uint8_t first = bytes[at];
  if (first < 0x80) {  // ASCII: no call into ICU
    ++at;
    return first >= 'A' && first <= 'Z' ? first - 'A' + 'a' : first;
  }
  const std::int32_t start = at;
  UChar32 c = 0;
  U8_NEXT(bytes, at, static_cast<std::int32_t>(text.size()), c);
  if (c < 0) {
    at = start + 1;  // one byte at a time, so both texts resynchronize alike
    return kIllFormedByte + first;
  }
  return u_foldCase(c, U_FOLD_CASE_DEFAULT);
}

int any_case_collation(void*, int size_a, const void* a, int size_b, const void* b) {
  return compare_ignoring_case(std::string_view(static_cast<const char*>(a), size_a),
                               std::string_view(static_cast<const char*>(b), size_b));
}

}  // namespace

int compare_ignoring_case(std::string_view a, std::string_view b) {
  std::int32_t i = 0, j = 0;
  const auto size_a = static_cast<std::int32_t>(a.size());
  const auto size_b = static_cast<std::int32_t>(b.size());
  while (i < size_a && j < size_b) {
    const std::int32_t x = next_unit(a, i);
    const std::int32_t y = next_unit(b, j);
    if (x != y) return x < y ? -1 : 1;
  }
  if (i < size_a) return 1;
  return j < size_b ? -1 : 0;
}

bool equal_ignoring_case(std::string_view a, std::string_view b) {
  return compare_ignoring_case(a, b) == 0;
}

int register_any_case(sqlite3* db) {
  return sqlite3_create_collation_v2(db, kAnyCaseCollation, SQLITE_UTF8, nullptr,
                                     &any_case_collation, nullptr);
}

}  // namespace tenantsync
