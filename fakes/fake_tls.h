// TLS for fake-graph: the certificate files it serves with, and `--tls-self-signed DIR`,
// which writes a fresh test CA and a server certificate signed by it (for localhost,
// 127.0.0.1, ::1 and the listening host), so the demo, the e2e suite and the Graph SDKs
// can talk https to the fake with nothing but that CA trusted. Test material only: the CA
// key is written beside the certificates and a new one is made every time.
#pragma once

#include <string>

namespace tenantsync::fake {

struct TlsFiles {
  std::string certificate;  // PEM: the server certificate (then the chain, if any)
  std::string private_key;  // PEM: its private key
};

// Writes DIR/ca.pem, DIR/ca-key.pem, DIR/server.pem and DIR/server-key.pem (keys 0600;
// the folder is created 0700 when missing) and returns the server's pair. P-256 keys,
// valid from an hour ago for 30 days. Throws std::runtime_error naming the file or step
// that failed.
TlsFiles write_self_signed(const std::string& dir, const std::string& host);

}  // namespace tenantsync::fake
