// Verifies client-assertion JWTs (certificate credentials) with OpenSSL: RS256 or PS256
// signature against the client's certificate from the fixture, then the claims: `aud` is
// one of the fake's token URLs for the tenant, `iss` == `sub` == client id, and
// `exp`/`nbf` hold at the fake's clock with 5 minutes of skew.
#pragma once

#include <string>
#include <vector>

namespace tenantsync::fake {

enum class AssertionFault {
  kNone,
  kMalformed,       // not three base64url parts of JSON
  kUnsupportedAlg,  // alg other than RS256 / PS256
  kNoCertificate,   // the client has no certificate credential
  kBadSignature,
  kWrongAudience,
  kWrongIssuer,      // iss or sub is not the client id
  kOutsideLifetime,  // expired or not yet valid
};

struct AssertionResult {
  AssertionFault fault = AssertionFault::kNone;
  std::string detail;  // e.g. the unsupported alg; never the token itself
};

inline constexpr double kClockSkewSeconds = 300;

AssertionResult verify_client_assertion(const std::string& jwt, const std::string& certificate_pem,
                                        const std::string& client_id,
                                        const std::vector<std::string>& audiences, double now);

}  // namespace tenantsync::fake
