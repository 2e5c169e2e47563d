#include "connector/jwt_assertion.h"

#include <array>
#include <cstdio>
#include <fstream>
#include <sstream>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <nlohmann/json.hpp>

namespace tenantsync {

namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

// OpenSSL's error queue is per thread; clear it so a later caller is not confused.
void clear_openssl_errors() { ERR_clear_error(); }

struct BioDeleter {
  void operator()(BIO* b) const { BIO_free(b); }
};
struct X509Deleter {
  void operator()(X509* x) const { X509_free(x); }
};
struct MdCtxDeleter {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};

std::unique_ptr<BIO, BioDeleter> memory_bio(std::string_view data) {
  return std::unique_ptr<BIO, BioDeleter>(
      BIO_new_mem_buf(data.data(), static_cast<int>(data.size())));
}

Error invalid_input(std::string message) {
  return make_error(ErrorKind::Invalid, std::move(message));
}

std::optional<std::string> digest(const EVP_MD* md, const unsigned char* data, size_t size) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> out{};
  unsigned int len = 0;
  if (EVP_Digest(data, size, out.data(), &len, md, nullptr) != 1) return std::nullopt;
  return std::string(reinterpret_cast<const char*>(out.data()), len);
}

Result<std::string> read_file(const std::string& path, const char* what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return invalid_input(std::string("cannot read ") + what + " file " + path);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string random_jti() {
  std::array<unsigned char, 16> b{};
  if (RAND_bytes(b.data(), static_cast<int>(b.size())) != 1) {
    // RAND_bytes only fails when the CSPRNG cannot seed; fall back to a less unique id
    // rather than refusing to authenticate (jti only guards against replay).
    clear_openssl_errors();
    auto t = std::chrono::steady_clock::now().time_since_epoch().count();
    for (size_t i = 0; i < b.size(); ++i) b[i] = static_cast<unsigned char>(t >> ((i % 8) * 8));
  }
  b[6] = static_cast<unsigned char>((b[6] & 0x0f) | 0x40);  // UUID version 4
  b[8] = static_cast<unsigned char>((b[8] & 0x3f) | 0x80);
  char out[37];
  std::snprintf(out, sizeof out,
                "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1],
                b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14],
                b[15]);
  return out;
}

}  // namespace

const char* to_string(JwtAlgorithm algorithm) {
  return algorithm == JwtAlgorithm::PS256 ? "PS256" : "RS256";
}

std::string base64url_encode(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  size_t i = 0;
  auto byte = [&](size_t k) { return static_cast<unsigned char>(bytes[k]); };
  for (; i + 2 < bytes.size(); i += 3) {
    unsigned v = (byte(i) << 16) | (byte(i + 1) << 8) | byte(i + 2);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += kAlphabet[v & 63];
  }
  if (i + 1 == bytes.size()) {
    unsigned v = byte(i) << 16;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
  } else if (i + 2 == bytes.size()) {
    unsigned v = (byte(i) << 16) | (byte(i + 1) << 8);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
  }
  return out;
}

std::optional<std::string> base64url_decode(std::string_view text) {
  while (!text.empty() && text.back() == '=') text.remove_suffix(1);
  std::string out;
  unsigned acc = 0;
  int bits = 0;
  for (char c : text) {
    int v;
    if (c >= 'A' && c <= 'Z') {
      v = c - 'A';
    } else if (c >= 'a' && c <= 'z') {
      v = c - 'a' + 26;
    } else if (c >= '0' && c <= '9') {
      v = c - '0' + 52;
    } else if (c == '-') {
      v = 62;
    } else if (c == '_') {
      v = 63;
    } else {
      return std::nullopt;
    }
    acc = (acc << 6) | static_cast<unsigned>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xff);
    }
  }
  if (bits >= 6) return std::nullopt;  // a lone trailing character cannot encode a byte
  return out;
}

Result<ClientCertificate> ClientCertificate::from_pem(std::string_view certificate_pem,
                                                      std::string_view private_key_pem) {
  ClientCertificate cert;
  {
    auto bio = memory_bio(certificate_pem);
    std::unique_ptr<X509, X509Deleter> x509(
        bio ? PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr) : nullptr);
    if (!x509) {
      clear_openssl_errors();
      return invalid_input("the client certificate is not a PEM X.509 certificate");
    }
    unsigned char* der = nullptr;
    int der_len = i2d_X509(x509.get(), &der);
    if (der_len <= 0) {
      clear_openssl_errors();
      return invalid_input("cannot encode the client certificate as DER");
    }
    auto sha1 = digest(EVP_sha1(), der, static_cast<size_t>(der_len));
    auto sha256 = digest(EVP_sha256(), der, static_cast<size_t>(der_len));
    OPENSSL_free(der);
    if (!sha1 || !sha256) {
      clear_openssl_errors();
      return invalid_input("cannot compute the client certificate's thumbprint");
    }
    cert.x5t_ = base64url_encode(*sha1);
    cert.x5t_s256_ = base64url_encode(*sha256);

    auto key_bio = memory_bio(private_key_pem);
    // A null passphrase callback with an empty password: an encrypted key fails cleanly
    // instead of prompting on the terminal.
    static char empty[] = "";
    EVP_PKEY* key =
        key_bio ? PEM_read_bio_PrivateKey(key_bio.get(), nullptr, nullptr, empty) : nullptr;
    if (!key) {
      clear_openssl_errors();
      return invalid_input("the private key is not an unencrypted PEM private key");
    }
    cert.key_ = std::shared_ptr<evp_pkey_st>(key, EVP_PKEY_free);
    if (!EVP_PKEY_is_a(key, "RSA")) {
      return invalid_input("the private key is not an RSA key (RS256/PS256 need RSA)");
    }
    if (X509_check_private_key(x509.get(), key) != 1) {
      clear_openssl_errors();
      return invalid_input("the private key does not match the client certificate");
    }
  }
  return cert;
}

Result<ClientCertificate> ClientCertificate::from_files(const std::string& certificate_file,
                                                        const std::string& private_key_file) {
  auto cert_pem = read_file(certificate_file, "certificate");
  if (!cert_pem) return cert_pem.error();
  auto key_pem = read_file(private_key_file, "private key");
  if (!key_pem) return key_pem.error();
  auto cert = from_pem(*cert_pem, *key_pem);
  // Scrub the key material from our copy before it is freed.
  OPENSSL_cleanse(key_pem->data(), key_pem->size());
  if (!cert) {
    return invalid_input(cert.error().message + " (certificate " + certificate_file + ", key " +
                         private_key_file + ")");
  }
  return cert;
}

Result<std::string> ClientCertificate::make_assertion(const AssertionClaims& claims,
                                                      JwtAlgorithm algorithm) const {
  using std::chrono::duration_cast;
  using std::chrono::seconds;
  std::int64_t now = duration_cast<seconds>(claims.now.time_since_epoch()).count();
  nlohmann::json header = {
      {"alg", to_string(algorithm)}, {"typ", "JWT"}, {"x5t", x5t_}, {"x5t#S256", x5t_s256_}};
  nlohmann::json payload = {{"aud", claims.audience},
                            {"iss", claims.client_id},
                            {"sub", claims.client_id},
                            {"jti", random_jti()},
                            {"nbf", now},
                            {"iat", now},
                            {"exp", now + claims.lifetime.count()}};
  std::string signing_input =
      base64url_encode(header.dump()) + "." + base64url_encode(payload.dump());

  std::unique_ptr<EVP_MD_CTX, MdCtxDeleter> ctx(EVP_MD_CTX_new());
  EVP_PKEY_CTX* pctx = nullptr;  // owned by ctx
  bool ok = ctx && EVP_DigestSignInit(ctx.get(), &pctx, EVP_sha256(), nullptr, key_.get()) == 1;
  if (ok && algorithm == JwtAlgorithm::PS256) {
    ok = EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) == 1 &&
         EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) == 1 &&
         EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, EVP_sha256()) == 1;
  }
  size_t sig_len = 0;
  const auto* data = reinterpret_cast<const unsigned char*>(signing_input.data());
  ok = ok && EVP_DigestSign(ctx.get(), nullptr, &sig_len, data, signing_input.size()) == 1;
  std::string signature(sig_len, '\0');
  ok = ok && EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(signature.data()), &sig_len,
                            data, signing_input.size()) == 1;
  if (!ok) {
    clear_openssl_errors();
    return make_error(ErrorKind::Internal, "cannot sign the client assertion");
  }
  signature.resize(sig_len);
  return signing_input + "." + base64url_encode(signature);
}

}  // namespace tenantsync
