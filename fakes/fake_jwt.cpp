#include "fakes/fake_jwt.h"

#include <memory>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <nlohmann/json.hpp>

#include "fakes/fake_encoding.h"

namespace tenantsync::fake {

namespace {

using nlohmann::json;

struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
struct X509Free {
  void operator()(X509* x) const { X509_free(x); }
};
struct PkeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct MdCtxFree {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};

bool verify_signature(const std::string& pem, const std::string& alg,
                      const std::string& signed_part, const std::string& signature) {
  std::unique_ptr<BIO, BioFree> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (!bio) return false;
  std::unique_ptr<X509, X509Free> cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  if (!cert) return false;
  std::unique_ptr<EVP_PKEY, PkeyFree> key(X509_get_pubkey(cert.get()));
  if (!key || EVP_PKEY_base_id(key.get()) != EVP_PKEY_RSA) return false;
  std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
  EVP_PKEY_CTX* pctx = nullptr;
  if (EVP_DigestVerifyInit(ctx.get(), &pctx, EVP_sha256(), nullptr, key.get()) != 1) {
    return false;
  }
  if (alg == "PS256") {
    // JWA (RFC 7518 3.5): MGF1 with SHA-256, salt as long as the hash.
    if (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) != 1 ||
        EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) != 1 ||
        EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, EVP_sha256()) != 1) {
      return false;
    }
  }
  return EVP_DigestVerify(
             ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
             reinterpret_cast<const unsigned char*>(signed_part.data()), signed_part.size()) == 1;
}

}  // namespace

AssertionResult verify_client_assertion(const std::string& jwt, const std::string& certificate_pem,
                                        const std::string& client_id,
                                        const std::vector<std::string>& audiences, double now) {
  auto parts = split(jwt, '.');
  if (parts.size() != 3) return {AssertionFault::kMalformed, ""};
  auto header_text = base64url_decode(parts[0]);
  auto claims_text = base64url_decode(parts[1]);
  auto signature = base64url_decode(parts[2]);
  if (!header_text || !claims_text || !signature) return {AssertionFault::kMalformed, ""};
  json header, claims;
  try {
    header = json::parse(*header_text);
    claims = json::parse(*claims_text);
  } catch (const json::exception&) {
    return {AssertionFault::kMalformed, ""};
  }
  if (!header.is_object() || !claims.is_object()) return {AssertionFault::kMalformed, ""};
  std::string alg = header.value("alg", "");
  if (alg != "RS256" && alg != "PS256") return {AssertionFault::kUnsupportedAlg, alg};
  if (certificate_pem.empty()) return {AssertionFault::kNoCertificate, ""};
  if (!verify_signature(certificate_pem, alg, parts[0] + "." + parts[1], *signature)) {
    return {AssertionFault::kBadSignature, ""};
  }

  // aud may be a string or an array of strings.
  bool audience_ok = false;
  auto matches = [&](const json& a) {
    if (!a.is_string()) return false;
    for (const auto& want : audiences) {
      if (iequals(a.get<std::string>(), want)) return true;
    }
    return false;
  };
  if (auto it = claims.find("aud"); it != claims.end()) {
    if (it->is_array()) {
      for (const auto& a : *it) audience_ok = audience_ok || matches(a);
    } else {
      audience_ok = matches(*it);
    }
  }
  if (!audience_ok) return {AssertionFault::kWrongAudience, ""};

  auto claim = [&](const char* name) {
    auto it = claims.find(name);
    return it != claims.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  if (!iequals(claim("iss"), client_id) || !iequals(claim("sub"), client_id)) {
    return {AssertionFault::kWrongIssuer, ""};
  }

  auto exp = claims.find("exp");
  if (exp == claims.end() || !exp->is_number()) return {AssertionFault::kOutsideLifetime, ""};
  if (exp->get<double>() + kClockSkewSeconds < now) return {AssertionFault::kOutsideLifetime, ""};
  if (auto nbf = claims.find("nbf"); nbf != claims.end()) {
    if (!nbf->is_number() || nbf->get<double>() - kClockSkewSeconds > now) {
      return {AssertionFault::kOutsideLifetime, ""};
    }
  }
  return {};
}

}  // namespace tenantsync::fake
