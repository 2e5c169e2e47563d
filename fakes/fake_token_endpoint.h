// POST /{tenant}/oauth2/v2.0/token: the client-credentials grant, with a client secret or a
// certificate-signed client assertion. Errors use the identity platform's shape:
// {error, error_description:"AADSTSnnnn: ...", error_codes:[n], timestamp, trace_id,
// correlation_id}. Never logs or echoes a secret or an assertion.
#pragma once

#include <string>

#include "fakes/fake_clock.h"
#include "fakes/fake_errors.h"
#include "fakes/fake_estate.h"
#include "fakes/fake_http.h"
#include "fakes/fake_tokens.h"

namespace tenantsync::fake {

// An error in the identity platform's shape (above), e.g. 400 invalid_request 90002.
FakeResponse identity_error(int status, const std::string& error, int code,
                            const std::string& description, const RequestContext& ctx);

class TokenEndpoint {
 public:
  TokenEndpoint(const Estate& estate, const FakeClock& clock, const AccessTokens& tokens,
                std::string base_url)
      : estate_(estate), clock_(clock), tokens_(tokens), base_url_(std::move(base_url)) {}

  // `tenant` is the path segment as given (tenant id or domain), already decoded.
  FakeResponse handle(const FakeRequest& request, const std::string& tenant,
                      const RequestContext& ctx) const;
  // An injected fault in the identity platform's error shape: 429 (with Retry-After) or
  // 503 temporarily_unavailable.
  static FakeResponse fault(int status, const std::string& retry_after, const RequestContext& ctx);

 private:
  const Estate& estate_;
  const FakeClock& clock_;
  const AccessTokens& tokens_;
  std::string base_url_;
};

}  // namespace tenantsync::fake
