// Certificate credentials: a signed JWT client assertion instead of a client secret.
//
// The token endpoint accepts `client_assertion`, a JWT the app signs with the private key
// of a certificate registered on it. Header {alg, typ:"JWT", x5t, x5t#S256} (SHA-1 and
// SHA-256 thumbprints of the DER certificate, base64url); claims aud = the token
// endpoint URL, iss = sub = client id, a random jti, nbf = iat = now, exp = now + 10 min.
// RS256 (RSASSA-PKCS1-v1_5) by default, PS256 (RSASSA-PSS, salt = digest length) on
// request. Signing uses OpenSSL 3 EVP; no OpenSSL type leaks into this header.
//
// A ClientCertificate is immutable after loading and may sign from many threads at once.
// The key never appears in an error or a log line; errors name the file only.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "model/result.h"
#include "sync/clock.h"

struct evp_pkey_st;  // OpenSSL's EVP_PKEY

namespace tenantsync {

enum class JwtAlgorithm { RS256, PS256 };
const char* to_string(JwtAlgorithm algorithm);

// Base64url without padding (RFC 7515), and its inverse (padding optional; nullopt on
// characters outside the alphabet).
std::string base64url_encode(std::string_view bytes);
std::optional<std::string> base64url_decode(std::string_view text);

struct AssertionClaims {
  std::string client_id;  // iss and sub
  std::string audience;   // the token endpoint URL
  Clock::time_point now;
  std::chrono::seconds lifetime{600};
};

class ClientCertificate {
 public:
  // PEM certificate and unencrypted PEM private key (PKCS#8 or PKCS#1 RSA). Fails with
  // Invalid when either does not parse, the key is not RSA, or they do not match.
  static Result<ClientCertificate> from_pem(std::string_view certificate_pem,
                                            std::string_view private_key_pem);
  static Result<ClientCertificate> from_files(const std::string& certificate_file,
                                              const std::string& private_key_file);

  // A compact JWS: base64url(header).base64url(claims).base64url(signature).
  Result<std::string> make_assertion(const AssertionClaims& claims,
                                     JwtAlgorithm algorithm = JwtAlgorithm::RS256) const;

  const std::string& x5t() const { return x5t_; }            // base64url SHA-1 of the DER
  const std::string& x5t_s256() const { return x5t_s256_; }  // base64url SHA-256 of the DER

 private:
  ClientCertificate() = default;

  std::shared_ptr<evp_pkey_st> key_;
  std::string x5t_;
  std::string x5t_s256_;
};

}  // namespace tenantsync
