#include "sync/sha256_text.h"

#include <openssl/evp.h>

#include <stdexcept>

namespace tenantsync {

std::string sha256_text(std::string_view text) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned length = 0;
  if (EVP_Digest(text.data(), text.size(), digest, &length, EVP_sha256(), nullptr) != 1) {
    // Only an OpenSSL without SHA-256 (or out of memory) fails here.
    throw std::runtime_error("SHA-256 failed");
  }
  static const char* const kDigits = "0123456789abcdef";
  std::string out = "sha256:";
  out.reserve(out.size() + 2 * length);
  for (unsigned i = 0; i < length; ++i) {
    out += kDigits[digest[i] >> 4];
    out += kDigits[digest[i] & 0xf];
  }
  return out;
}

}  // namespace tenantsync
