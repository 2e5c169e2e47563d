// A throwaway RSA key and self-signed certificate for tests, made with OpenSSL at run
// time (no key material in the repository), plus JWS helpers to check an assertion.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace tenantsync::test {

struct TestCertificate {
  std::string certificate_pem;
  std::string private_key_pem;
  std::string public_key_pem;
};

// RSA-2048, CN=tenantsync-test, valid from an hour ago for a year.
TestCertificate make_test_certificate();

// The SHA-256 of the certificate's DER, base64url (what x5t#S256 must hold).
std::string certificate_sha256_thumbprint(const std::string& certificate_pem);

struct DecodedJws {
  nlohmann::json header;
  nlohmann::json claims;
  bool signature_valid = false;
};

// Splits a compact JWS, decodes header and claims, and verifies the signature with the
// public key (RS256 or PS256, as the header says). Throws std::runtime_error on a
// malformed token.
DecodedJws verify_jws(const std::string& token, const std::string& public_key_pem);

// Writes `content` to a fresh file under /tmp with `mode`; returns its path.
std::string write_temp_file(const std::string& content, unsigned mode = 0600);

}  // namespace tenantsync::test
