#include "fakes/fake_token_endpoint.h"

#include <chrono>

#include <nlohmann/json.hpp>

#include "fakes/fake_encoding.h"
#include "fakes/fake_jwt.h"
#include "fakes/fake_query.h"

namespace tenantsync::fake {

using nlohmann::json;

namespace {

constexpr const char* kAssertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

}  // namespace

FakeResponse identity_error(int status, const std::string& error, int code,
                            const std::string& description, const RequestContext& ctx) {
  std::string timestamp = format_iso8601(ctx.now);
  timestamp[10] = ' ';
  json body = {
      {"error", error},
      {"error_description",
       "AADSTS" + std::to_string(code) + ": " + description + " Trace ID: " + ctx.request_id +
           " Correlation ID: " + ctx.client_request_id + " Timestamp: " + timestamp},
      {"error_codes", {code}},
      {"timestamp", timestamp},
      {"trace_id", ctx.request_id},
      {"correlation_id", ctx.client_request_id},
      {"error_uri", "https://login.microsoftonline.com/error?code=" + std::to_string(code)}};
  FakeResponse r;
  r.status = status;
  r.content_type = "application/json; charset=utf-8";
  r.body = wire_json(body);
  return r;
}

FakeResponse TokenEndpoint::fault(int status, const std::string& retry_after,
                                  const RequestContext& ctx) {
  FakeResponse r = status == 429
                       ? identity_error(429, "temporarily_unavailable", 50196,
                                        "The server temporarily throttled the request.", ctx)
                       : identity_error(503, "temporarily_unavailable", 90033,
                                        "A transient error has occurred. Please try again.", ctx);
  if (!retry_after.empty()) r.set_header("Retry-After", retry_after);
  return r;
}

FakeResponse TokenEndpoint::handle(const FakeRequest& request, const std::string& tenant_name,
                                   const RequestContext& ctx) const {
  if (request.method != "POST") {
    return identity_error(
        405, "invalid_request", 900561,
        "The endpoint only accepts POST requests. Received a " + request.method + " request.", ctx);
  }
  QueryParams form(parse_query(request.body, /*form=*/true));
  auto param = [&](const char* name) { return form.get(name).value_or(""); };

  const TenantDirectory* tenant = estate_.find_tenant(tenant_name);
  if (tenant == nullptr) {
    return identity_error(400, "invalid_request", 90002,
                          "Tenant '" + tenant_name +
                              "' not found. Check to make sure you have the correct tenant ID and "
                              "are signing into the correct cloud. Check with your subscription "
                              "administrator, this may happen if there are no active subscriptions "
                              "for the tenant.",
                          ctx);
  }
  std::string grant = param("grant_type");
  if (grant.empty()) {
    return identity_error(400, "invalid_request", 900144,
                          "The request body must contain the following parameter: 'grant_type'.",
                          ctx);
  }
  if (grant != "client_credentials") {
    return identity_error(400, "unsupported_grant_type", 70003,
                          "The app requested an unsupported grant type '" + grant + "'.", ctx);
  }
  std::string client_id = param("client_id");
  if (client_id.empty()) {
    return identity_error(400, "invalid_request", 900144,
                          "The request body must contain the following parameter: 'client_id'.",
                          ctx);
  }
  std::string scope = param("scope");
  if (scope.empty()) {
    return identity_error(400, "invalid_request", 900144,
                          "The request body must contain the following parameter: 'scope'.", ctx);
  }
  if (scope.size() < 9 || scope.substr(scope.size() - 9) != "/.default") {
    return identity_error(400, "invalid_scope", 1002012,
                          "The provided value for scope " + scope +
                              " is not valid. Client credential flows must have a scope value with "
                              "/.default suffixed to the resource identifier (application ID URI).",
                          ctx);
  }
  const ClientApp* client = estate_.find_client(client_id);
  if (client == nullptr) {
    return identity_error(400, "unauthorized_client", 700016,
                          "Application with identifier '" + client_id +
                              "' was not found in the directory '" + tenant_name +
                              "'. This can happen if the application has not been installed by the "
                              "administrator of the tenant or consented to by any user in the "
                              "tenant. You may have sent your authentication request to the wrong "
                              "tenant.",
                          ctx);
  }

  auto secret = form.get("client_secret");
  auto assertion = form.get("client_assertion");
  if (secret) {
    if (client->secret.empty() || !secure_equals(*secret, client->secret)) {
      return identity_error(401, "invalid_client", 7000215,
                            "Invalid client secret provided. Ensure the secret being sent in the "
                            "request is the client secret value, not the client secret ID, for a "
                            "secret added to app '" +
                                client->client_id + "'.",
                            ctx);
    }
  } else if (assertion) {
    if (param("client_assertion_type") != kAssertionType) {
      return identity_error(400, "invalid_request", 50027,
                            "client_assertion_type must be '" + std::string(kAssertionType) + "'.",
                            ctx);
    }
    // The assertion's audience is this fake's token URL for the tenant, by id or domain.
    std::vector<std::string> audiences;
    std::vector<std::string> bases = {base_url_};
    std::string host = request.header("host");
    // As the client addressed it: directly, or through a front (TLS or a proxy).
    if (!host.empty()) {
      bases.push_back("http://" + host);
      bases.push_back("https://" + host);
    }
    std::vector<std::string> names = {tenant->id()};
    for (const auto& d : tenant->verified_domains()) names.push_back(d);
    for (const auto& base : bases) {
      for (const auto& name : names) audiences.push_back(base + "/" + name + "/oauth2/v2.0/token");
    }
    // The assertion's nbf and exp are the client's clock, which tells real time: checked
    // against real time, not the fixture's (a fixture may stand days away from today).
    const double real_now =
        std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
    AssertionResult result = verify_client_assertion(*assertion, client->certificate_pem,
                                                     client->client_id, audiences, real_now);
    switch (result.fault) {
      case AssertionFault::kNone:
        break;
      case AssertionFault::kMalformed:
        return identity_error(400, "invalid_request", 50027, "JWT token is invalid or malformed.",
                              ctx);
      case AssertionFault::kUnsupportedAlg:
        return identity_error(401, "invalid_client", 5002738,
                              "Invalid JWT token. '" + result.detail +
                                  "' is not a supported signature algorithm. Supported signing "
                                  "algorithms are: 'RS256, PS256'.",
                              ctx);
      case AssertionFault::kNoCertificate:
        return identity_error(401, "invalid_client", 700027,
                              "Client assertion contains an invalid signature. [Reason - The key "
                              "was not found.]",
                              ctx);
      case AssertionFault::kBadSignature:
        return identity_error(401, "invalid_client", 700027,
                              "Client assertion contains an invalid signature. [Reason - The "
                              "provided signature value did not match the expected signature "
                              "value.]",
                              ctx);
      case AssertionFault::kWrongAudience:
        return identity_error(401, "invalid_client", 700023,
                              "Client assertion audience claim does not match Realm issuer.", ctx);
      case AssertionFault::kWrongIssuer:
        return identity_error(401, "invalid_client", 700021,
                              "Client assertion application identifier doesn't match 'client_id' "
                              "parameter.",
                              ctx);
      case AssertionFault::kOutsideLifetime:
        return identity_error(401, "invalid_client", 700024,
                              "Client assertion is not within its valid time range.", ctx);
    }
  } else {
    return identity_error(401, "invalid_client", 7000218,
                          "The request body must contain the following parameter: "
                          "'client_assertion' or 'client_secret'.",
                          ctx);
  }

  json body = {{"token_type", "Bearer"},
               {"expires_in", kAccessTokenLifetime},
               {"ext_expires_in", kAccessTokenLifetime},
               {"access_token", tokens_.issue(tenant->id(), client->client_id, clock_.now())}};
  FakeResponse r;
  r.content_type = "application/json; charset=utf-8";
  r.body = wire_json(body);
  r.set_header("Cache-Control", "no-store, no-cache");
  return r;
}

}  // namespace tenantsync::fake
