#include "fakes/fake_tokens.h"

#include <nlohmann/json.hpp>

#include "fakes/fake_encoding.h"

namespace tenantsync::fake {

using nlohmann::json;

std::string AccessTokens::issue(const std::string& tenant_id, const std::string& client_id,
                                double now) const {
  std::string header = base64url_encode(R"({"typ":"JWT","alg":"HS256"})");
  json claims = {{"aud", "https://graph.microsoft.com"},
                 {"iss", "https://sts.windows.net/" + tenant_id + "/"},
                 {"tid", tenant_id},
                 {"appid", client_id},
                 {"iat", static_cast<long long>(now)},
                 {"nbf", static_cast<long long>(now)},
                 {"exp", now + kAccessTokenLifetime},
                 {"uti", random_guid()}};
  std::string signed_part = header + "." + base64url_encode(claims.dump());
  return signed_part + "." + base64url_encode(signer_.mac(signed_part));
}

TokenCheck AccessTokens::verify(const std::string& authorization, double now,
                                AccessClaims* out) const {
  std::string value = trim(authorization);
  if (value.empty()) return TokenCheck::kMissing;
  if (!starts_with_icase(value, "Bearer ")) return TokenCheck::kMalformed;
  std::string token = trim(value.substr(7));
  if (token.empty()) return TokenCheck::kMissing;
  auto parts = split(token, '.');
  if (parts.size() != 3) return TokenCheck::kMalformed;
  std::string signed_part = parts[0] + "." + parts[1];
  auto mac = base64url_decode(parts[2]);
  if (!mac || !secure_equals(*mac, signer_.mac(signed_part))) return TokenCheck::kBadSignature;
  auto claims_text = base64url_decode(parts[1]);
  if (!claims_text) return TokenCheck::kMalformed;
  try {
    json claims = json::parse(*claims_text);
    AccessClaims c;
    c.tenant_id = claims.at("tid").get<std::string>();
    c.client_id = claims.at("appid").get<std::string>();
    c.expires_at = claims.at("exp").get<double>();
    if (c.expires_at <= now) return TokenCheck::kExpired;
    if (out != nullptr) *out = c;
    return TokenCheck::kOk;
  } catch (const json::exception&) {
    return TokenCheck::kMalformed;
  }
}

}  // namespace tenantsync::fake
