#include "sync/apply/temporary_password.h"

#include <array>
#include <cstdint>

#include <openssl/crypto.h>
#include <openssl/rand.h>

namespace tenantsync {

namespace {

// Random bytes fetched in blocks from the source, wiped when done.
class RandomStream {
 public:
  explicit RandomStream(const RandomBytes& random) : random_(random) {}
  ~RandomStream() { OPENSSL_cleanse(buffer_.data(), buffer_.size()); }
  RandomStream(const RandomStream&) = delete;
  RandomStream& operator=(const RandomStream&) = delete;

  bool ok() const { return ok_; }

  // A uniform index in [0, n), 1 <= n <= 256: bytes at or above the largest multiple of n
  // below 256 are drawn again, so no value is favoured.
  size_t uniform(size_t n) {
    const unsigned limit = 256 - (256 % n);
    while (ok_) {
      unsigned b = next_byte();
      if (b < limit) return b % n;
    }
    return 0;
  }

 private:
  unsigned next_byte() {
    if (used_ == buffer_.size()) {
      if (!random_(buffer_.data(), buffer_.size())) {
        ok_ = false;
        return 0;
      }
      used_ = 0;
    }
    return buffer_[used_++];
  }

  const RandomBytes& random_;
  std::array<unsigned char, 64> buffer_{};
  size_t used_ = buffer_.size();
  bool ok_ = true;
};

bool is_lower(char c) { return c >= 'a' && c <= 'z'; }
bool is_upper(char c) { return c >= 'A' && c <= 'Z'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

Result<std::string> generate_temporary_password(size_t length) {
  static const RandomBytes openssl = [](unsigned char* out, size_t size) {
    return size <= static_cast<size_t>(INT32_MAX) && RAND_bytes(out, static_cast<int>(size)) == 1;
  };
  return generate_temporary_password(length, openssl);
}

Result<std::string> generate_temporary_password(size_t length, const RandomBytes& random) {
  if (length < kMinPasswordLength || length > kMaxPasswordLength) {
    return make_error(
        ErrorKind::Invalid,
        "a temporary password must have 8 to 256 characters, not " + std::to_string(length));
  }
  static const std::string alphanumeric =
      std::string(kPasswordLower) + std::string(kPasswordUpper) + std::string(kPasswordDigits);
  static const std::string all = alphanumeric + std::string(kPasswordSymbols);

  RandomStream stream(random);
  std::string password(length, '\0');
  auto pick = [&](std::string_view alphabet) { return alphabet[stream.uniform(alphabet.size())]; };
  // Position 0: a letter or digit. Positions 1..: one of each class, the rest from every
  // class, then shuffled among themselves.
  password[0] = pick(alphanumeric);
  password[1] = pick(kPasswordLower);
  password[2] = pick(kPasswordUpper);
  password[3] = pick(kPasswordDigits);
  password[4] = pick(kPasswordSymbols);
  for (size_t i = 5; i < length; ++i) password[i] = pick(all);
  for (size_t i = length - 1; i > 1; --i) {
    size_t j = 1 + stream.uniform(i);  // uniform in [1, i]
    std::swap(password[i], password[j]);
  }
  if (!stream.ok()) {
    OPENSSL_cleanse(password.data(), password.size());
    return make_error(ErrorKind::Internal,
                      "the system's random number generator failed; no password was made",
                      "RandomFailure");
  }
  return password;
}

bool meets_complexity(std::string_view password) {
  if (password.size() < kMinPasswordLength || password.size() > kMaxPasswordLength) return false;
  bool lower = false, upper = false, digit = false, symbol = false;
  for (char c : password) {
    if (c < ' ' || c > '~') return false;  // controls, DEL and non-ASCII: refused
    if (is_lower(c)) {
      lower = true;
    } else if (is_upper(c)) {
      upper = true;
    } else if (is_digit(c)) {
      digit = true;
    } else {
      symbol = true;
    }
  }
  return int{lower} + int{upper} + int{digit} + int{symbol} >= 3;
}

}  // namespace tenantsync
