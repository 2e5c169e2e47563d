// The identity platform's discovery documents, so MSAL works against the fake with nothing
// but an authority URL: per tenant authority GET /{tenant}/v2.0/.well-known/openid-
// configuration (the token and authorize endpoints, the issuer), and the instance
// discovery MSAL asks first, GET /common/discovery/instance?authorization_endpoint=...
// (this host is its own only alias). Links start with the fake's public base URL.
// The signing keys (jwks_uri) are not served: Graph's access tokens are opaque to clients.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "fakes/fake_errors.h"
#include "fakes/fake_estate.h"
#include "fakes/fake_http.h"

namespace tenantsync::fake {

class AuthorityDocuments {
 public:
  AuthorityDocuments(const Estate& estate, std::string base_url)
      : estate_(estate), base_url_(std::move(base_url)) {}

  // The route's statistics key ("GET /{tenant}/v2.0/.well-known/openid-configuration") when
  // `seg` (the decoded path segments) names a discovery document, else nullopt.
  static std::optional<std::string> route_of(const std::vector<std::string>& seg);
  // Answers a request route_of() recognised.
  FakeResponse handle(const FakeRequest& request, const std::vector<std::string>& seg,
                      const RequestContext& ctx) const;

 private:
  FakeResponse openid_configuration(const std::string& tenant, const RequestContext& ctx) const;
  FakeResponse instance_discovery(const FakeRequest& request, const RequestContext& ctx) const;

  const Estate& estate_;
  std::string base_url_;
};

}  // namespace tenantsync::fake
