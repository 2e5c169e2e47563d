#include "fakes/fake_crypto.h"

#include <cstdio>
#include <stdexcept>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include "fakes/fake_encoding.h"

namespace tenantsync::fake {

Signer::Signer() : key_(32, '\0') {
  if (RAND_bytes(reinterpret_cast<unsigned char*>(key_.data()), static_cast<int>(key_.size())) !=
      1) {
    throw std::runtime_error("RAND_bytes failed");
  }
}

std::string Signer::mac(std::string_view data) const {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key_.data(), static_cast<int>(key_.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), out, &len);
  return std::string(reinterpret_cast<char*>(out), len);
}

std::string Signer::seal(std::string_view payload) const {
  std::string body = base64url_encode(payload);
  return body + "." + base64url_encode(mac(body));
}

std::optional<std::string> Signer::open(std::string_view token) const {
  auto dot = token.find('.');
  if (dot == std::string_view::npos) return std::nullopt;
  std::string_view body = token.substr(0, dot);
  auto given = base64url_decode(token.substr(dot + 1));
  if (!given || !secure_equals(*given, mac(body))) return std::nullopt;
  return base64url_decode(body);
}

uint64_t SplitMix64::next() {
  uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

double SplitMix64::uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

uint64_t stable_hash(std::string_view s) {
  uint64_t h = 1469598103934665603ULL;
  for (char c : s) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ULL;
  }
  return h;
}

std::string guid_from(uint64_t hi, uint64_t lo) {
  // Shape it like a random (version 4, variant 1) GUID.
  hi = (hi & 0xFFFFFFFFFFFF0FFFULL) | 0x0000000000004000ULL;
  lo = (lo & 0x3FFFFFFFFFFFFFFFULL) | 0x8000000000000000ULL;
  char buf[40];
  std::snprintf(buf, sizeof buf, "%08x-%04x-%04x-%04x-%012llx", static_cast<unsigned>(hi >> 32),
                static_cast<unsigned>((hi >> 16) & 0xFFFF), static_cast<unsigned>(hi & 0xFFFF),
                static_cast<unsigned>(lo >> 48),
                static_cast<unsigned long long>(lo & 0xFFFFFFFFFFFFULL));
  return buf;
}

std::string random_guid() {
  uint64_t v[2];
  if (RAND_bytes(reinterpret_cast<unsigned char*>(v), sizeof v) != 1) {
    throw std::runtime_error("RAND_bytes failed");
  }
  return guid_from(v[0], v[1]);
}

bool secure_equals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace tenantsync::fake
