#include "fakes/fake_authority.h"

#include <nlohmann/json.hpp>

#include "fakes/fake_encoding.h"
#include "fakes/fake_query.h"
#include "fakes/fake_token_endpoint.h"

namespace tenantsync::fake {

namespace {

using nlohmann::json;

// Authorities that name no tenant: the documents keep the name, the issuer a placeholder.
bool is_multi_tenant(const std::string& name) {
  return name == "common" || name == "organizations" || name == "consumers";
}

bool is_openid_configuration(const std::vector<std::string>& seg) {
  return seg.size() == 4 && seg[1] == "v2.0" && seg[2] == ".well-known" &&
         seg[3] == "openid-configuration";
}

bool is_instance_discovery(const std::vector<std::string>& seg) {
  return seg.size() == 3 && seg[0] == "common" && seg[1] == "discovery" && seg[2] == "instance";
}

FakeResponse json_answer(const json& body) {
  FakeResponse r;
  r.content_type = "application/json; charset=utf-8";
  r.body = wire_json(body);
  return r;
}

// "https://host:port" of a URL, lower case as given; "" when it has no scheme.
std::string origin_of(const std::string& url) {
  auto scheme = url.find("://");
  if (scheme == std::string::npos) return "";
  auto path = url.find('/', scheme + 3);
  return url.substr(0, path);
}

}  // namespace

std::optional<std::string> AuthorityDocuments::route_of(const std::vector<std::string>& seg) {
  if (is_openid_configuration(seg)) return "GET /{tenant}/v2.0/.well-known/openid-configuration";
  if (is_instance_discovery(seg)) return "GET /common/discovery/instance";
  return std::nullopt;
}

FakeResponse AuthorityDocuments::handle(const FakeRequest& request,
                                        const std::vector<std::string>& seg,
                                        const RequestContext& ctx) const {
  if (request.method != "GET") {
    return identity_error(
        405, "invalid_request", 900561,
        "The endpoint only accepts GET requests. Received a " + request.method + " request.", ctx);
  }
  if (is_instance_discovery(seg)) return instance_discovery(request, ctx);
  return openid_configuration(seg[0], ctx);
}

FakeResponse AuthorityDocuments::openid_configuration(const std::string& name,
                                                      const RequestContext& ctx) const {
  std::string tenant = name;
  if (!is_multi_tenant(name)) {
    const TenantDirectory* found = estate_.find_tenant(name);
    if (found == nullptr) {
      return identity_error(400, "invalid_tenant", 90002,
                            "Tenant '" + name +
                                "' not found. Check to make sure you have the correct tenant ID "
                                "and are signing into the correct cloud.",
                            ctx);
    }
    tenant = found->id();  // the service names a tenant by its id in every endpoint
  }
  const std::string authority = base_url_ + "/" + tenant;
  const std::string issuer_tenant = is_multi_tenant(name) ? "{tenantid}" : tenant;
  const std::string host = base_url_.substr(base_url_.find("://") + 3);
  return json_answer({
      {"token_endpoint", authority + "/oauth2/v2.0/token"},
      {"token_endpoint_auth_methods_supported",
       {"client_secret_post", "private_key_jwt", "client_secret_basic"}},
      {"jwks_uri", authority + "/discovery/v2.0/keys"},
      {"response_modes_supported", {"query", "fragment", "form_post"}},
      {"subject_types_supported", {"pairwise"}},
      {"id_token_signing_alg_values_supported", {"RS256"}},
      {"response_types_supported", {"code", "id_token", "code id_token", "id_token token"}},
      {"scopes_supported", {"openid", "profile", "email", "offline_access"}},
      {"issuer", base_url_ + "/" + issuer_tenant + "/v2.0"},
      {"request_uri_parameter_supported", false},
      {"userinfo_endpoint", base_url_ + "/oidc/userinfo"},
      {"authorization_endpoint", authority + "/oauth2/v2.0/authorize"},
      {"device_authorization_endpoint", authority + "/oauth2/v2.0/devicecode"},
      {"http_logout_supported", true},
      {"frontchannel_logout_supported", true},
      {"end_session_endpoint", authority + "/oauth2/v2.0/logout"},
      {"claims_supported",
       {"sub", "iss", "aud", "exp", "iat", "auth_time", "acr", "nonce", "preferred_username",
        "name", "tid", "ver", "at_hash", "c_hash", "email"}},
      {"tenant_region_scope", "NA"},
      {"cloud_instance_name", host},
      {"cloud_graph_host_name", host},
      {"msgraph_host", host},
  });
}

FakeResponse AuthorityDocuments::instance_discovery(const FakeRequest& request,
                                                    const RequestContext& ctx) const {
  QueryParams query(parse_query(request.query));
  const std::string endpoint = query.get("authorization_endpoint").value_or("");
  // Only this fake's own authorities: as it names itself, or as the client addressed it.
  const std::string origin = origin_of(endpoint);
  const std::string host = request.header("host");
  bool ours = !origin.empty() &&
              (origin == base_url_ || origin == "http://" + host || origin == "https://" + host);
  std::string rest = ours ? endpoint.substr(origin.size()) : "";
  auto tenant_end = rest.find('/', 1);
  if (!ours || rest.size() < 2 || tenant_end == std::string::npos) {
    return identity_error(400, "invalid_instance", 50049, "Unknown or invalid instance.", ctx);
  }
  const std::string tenant = rest.substr(1, tenant_end - 1);
  const std::string alias = origin.substr(origin.find("://") + 3);
  return json_answer(
      {{"tenant_discovery_endpoint",
        origin + "/" + tenant + "/v2.0/.well-known/openid-configuration"},
       {"api-version", "1.1"},
       {"metadata",
        {{{"preferred_network", alias}, {"preferred_cache", alias}, {"aliases", {alias}}}}}});
}

}  // namespace tenantsync::fake
