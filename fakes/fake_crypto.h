// Small cryptographic and randomness helpers: HMAC-signed opaque tokens (access tokens,
// skip tokens, delta tokens cannot be forged by a client), GUIDs, and a tiny deterministic
// RNG for seeded behaviour (faults, generated estates).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tenantsync::fake {

// Signs payloads with a random per-process HMAC-SHA256 key. Thread-safe (immutable).
class Signer {
 public:
  Signer();

  // base64url(payload) + "." + base64url(mac).
  std::string seal(std::string_view payload) const;
  // The payload when `token` was sealed by this signer, else nullopt.
  std::optional<std::string> open(std::string_view token) const;
  // Raw MAC of `data` (32 bytes).
  std::string mac(std::string_view data) const;

 private:
  std::string key_;
};

// Deterministic 64-bit generator (splitmix64): same seed, same sequence, on every platform.
class SplitMix64 {
 public:
  explicit SplitMix64(uint64_t seed) : state_(seed) {}
  uint64_t next();
  // Uniform in [0, 1).
  double uniform();
  // Uniform in [0, n); n > 0.
  uint64_t below(uint64_t n) { return next() % n; }

 private:
  uint64_t state_;
};

// FNV-1a: stable across runs, for deriving seeds and ids from names.
uint64_t stable_hash(std::string_view s);
// A version-4-shaped GUID built from two 64-bit values (deterministic).
std::string guid_from(uint64_t hi, uint64_t lo);
// A random GUID (OpenSSL RAND_bytes).
std::string random_guid();
// Constant-time equality of two strings.
bool secure_equals(std::string_view a, std::string_view b);

}  // namespace tenantsync::fake
