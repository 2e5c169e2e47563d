// Access tokens the fake issues: JWT-shaped (header.claims.signature), signed with the
// process's HMAC key, bound to one tenant and one client, expiring after 3599 s of the
// fake's clock. A token from another run of the fake does not verify.
#pragma once

#include <string>

#include "fakes/fake_crypto.h"

namespace tenantsync::fake {

inline constexpr int kAccessTokenLifetime = 3599;

struct AccessClaims {
  std::string tenant_id;
  std::string client_id;
  double expires_at = 0;
};

enum class TokenCheck { kOk, kMissing, kMalformed, kBadSignature, kExpired };

class AccessTokens {
 public:
  explicit AccessTokens(const Signer& signer) : signer_(signer) {}

  std::string issue(const std::string& tenant_id, const std::string& client_id, double now) const;
  // Checks an Authorization header value ("Bearer <token>").
  TokenCheck verify(const std::string& authorization, double now, AccessClaims* claims) const;

 private:
  const Signer& signer_;
};

}  // namespace tenantsync::fake
