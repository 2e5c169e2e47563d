// Temporary passwords for new users and password resets, and the service's complexity rule.
//
// generate_temporary_password() draws from OpenSSL's CSPRNG (RAND_bytes) with rejection
// sampling, so every character is uniform over its alphabet (no modulo bias). The result
// always holds all four classes and only characters that are easy to read and type and
// survive a CSV file, a spreadsheet and a POSIX shell unharmed:
//   lower  a-z without l and o          (24)
//   upper  A-Z without I and O          (24)
//   digit  2-9 (no 0 or 1)              (8)
//   symbol % + - . : = @ _              (8)
// No `,` `;` `"` `'` or whitespace (CSV), nothing a shell expands or globs unquoted
// ($ ! * ? # ^ ` ~ & |, ...). The first character is always a letter or digit, so a
// spreadsheet never reads the password as a formula (=, +, -, @) or a number. The four
// required classes sit at random places (a CSPRNG Fisher-Yates shuffle). The default length
// of 16 gives about 95 bits of entropy.
//
// Passwords are secrets: nothing here logs, and callers must not put one in a log, the
// cache, a report or an error message (docs/architecture.md). Thread-safe.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

#include "model/result.h"

namespace tenantsync {

inline constexpr size_t kDefaultTemporaryPasswordLength = 16;
inline constexpr size_t kMinPasswordLength = 8;    // the service's rule
inline constexpr size_t kMaxPasswordLength = 256;  // the service's rule

// The characters generate_temporary_password() uses, per class.
inline constexpr std::string_view kPasswordLower = "abcdefghijkmnpqrstuvwxyz";
inline constexpr std::string_view kPasswordUpper = "ABCDEFGHJKLMNPQRSTUVWXYZ";
inline constexpr std::string_view kPasswordDigits = "23456789";
inline constexpr std::string_view kPasswordSymbols = "%+-.:=@_";

// Fills `out` with `size` random bytes; false when no randomness is available.
using RandomBytes = std::function<bool(unsigned char* out, size_t size)>;

// A fresh temporary password of `length` characters (8 to 256; anything else is
// ErrorKind::Invalid). ErrorKind::Internal when the CSPRNG fails (never a weak fallback).
Result<std::string> generate_temporary_password(size_t length = kDefaultTemporaryPasswordLength);

// The same with another source of random bytes (tests); `random` must be a CSPRNG in
// production.
Result<std::string> generate_temporary_password(size_t length, const RandomBytes& random);

// The service's password rule (docs/graph.md): 8 to 256 characters, only characters
// the service accepts (printable ASCII, including space), and at least three of the four
// classes: lower-case letter, upper-case letter, digit, symbol (any other printable
// ASCII character, space included).
bool meets_complexity(std::string_view password);

}  // namespace tenantsync
