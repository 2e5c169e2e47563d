#include "tests/connector/test_certificate.h"

#include <sys/stat.h>
#include <unistd.h>

#include <memory>
#include <stdexcept>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "connector/jwt_assertion.h"

namespace tenantsync::test {

namespace {

std::string bio_string(BIO* bio) {
  char* data = nullptr;
  long len = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<size_t>(len));
}

X509* read_cert(const std::string& pem) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(
      BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), BIO_free);
  return PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr);
}

}  // namespace

TestCertificate make_test_certificate() {
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(EVP_RSA_gen(2048), EVP_PKEY_free);
  if (!key) throw std::runtime_error("EVP_RSA_gen failed");
  std::unique_ptr<X509, decltype(&X509_free)> cert(X509_new(), X509_free);
  X509_set_version(cert.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 1);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 365L * 24 * 3600);
  X509_set_pubkey(cert.get(), key.get());
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("tenantsync-test"), -1, -1, 0);
  X509_set_issuer_name(cert.get(), name);
  if (X509_sign(cert.get(), key.get(), EVP_sha256()) <= 0) throw std::runtime_error("X509_sign");

  TestCertificate out;
  std::unique_ptr<BIO, decltype(&BIO_free)> b1(BIO_new(BIO_s_mem()), BIO_free);
  PEM_write_bio_X509(b1.get(), cert.get());
  out.certificate_pem = bio_string(b1.get());
  std::unique_ptr<BIO, decltype(&BIO_free)> b2(BIO_new(BIO_s_mem()), BIO_free);
  PEM_write_bio_PrivateKey(b2.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr);
  out.private_key_pem = bio_string(b2.get());
  std::unique_ptr<BIO, decltype(&BIO_free)> b3(BIO_new(BIO_s_mem()), BIO_free);
  PEM_write_bio_PUBKEY(b3.get(), key.get());
  out.public_key_pem = bio_string(b3.get());
  return out;
}

std::string certificate_sha256_thumbprint(const std::string& certificate_pem) {
  std::unique_ptr<X509, decltype(&X509_free)> cert(read_cert(certificate_pem), X509_free);
  if (!cert) throw std::runtime_error("bad certificate");
  unsigned char* der = nullptr;
  int len = i2d_X509(cert.get(), &der);
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int md_len = 0;
  EVP_Digest(der, static_cast<size_t>(len), md, &md_len, EVP_sha256(), nullptr);
  OPENSSL_free(der);
  return base64url_encode(std::string(reinterpret_cast<char*>(md), md_len));
}

DecodedJws verify_jws(const std::string& token, const std::string& public_key_pem) {
  auto dot1 = token.find('.');
  auto dot2 = token.find('.', dot1 + 1);
  if (dot1 == std::string::npos || dot2 == std::string::npos) {
    throw std::runtime_error("not a compact JWS");
  }
  auto header = base64url_decode(token.substr(0, dot1));
  auto claims = base64url_decode(token.substr(dot1 + 1, dot2 - dot1 - 1));
  auto signature = base64url_decode(token.substr(dot2 + 1));
  if (!header || !claims || !signature) throw std::runtime_error("bad base64url");
  DecodedJws out;
  out.header = nlohmann::json::parse(*header);
  out.claims = nlohmann::json::parse(*claims);

  std::unique_ptr<BIO, decltype(&BIO_free)> bio(
      BIO_new_mem_buf(public_key_pem.data(), static_cast<int>(public_key_pem.size())), BIO_free);
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(
      PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr), EVP_PKEY_free);
  if (!key) throw std::runtime_error("bad public key");
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  EVP_PKEY_CTX* pctx = nullptr;
  EVP_DigestVerifyInit(ctx.get(), &pctx, EVP_sha256(), nullptr, key.get());
  if (out.header.value("alg", "") == "PS256") {
    EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING);
    EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST);
  }
  std::string input = token.substr(0, dot2);
  out.signature_valid =
      EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature->data()),
                       signature->size(), reinterpret_cast<const unsigned char*>(input.data()),
                       input.size()) == 1;
  return out;
}

std::string write_temp_file(const std::string& content, unsigned mode) {
  char path[] = "/tmp/tenantsync-test-XXXXXX";
  int fd = mkstemp(path);
  if (fd < 0) throw std::runtime_error("mkstemp failed");
  if (write(fd, content.data(), content.size()) != static_cast<ssize_t>(content.size())) {
    close(fd);
    throw std::runtime_error("write failed");
  }
  fchmod(fd, static_cast<mode_t>(mode));
  close(fd);
  return path;
}

}  // namespace tenantsync::test
