// Serves a FakeService over HTTP/1.1 on loopback with cpprestsdk's http_listener. This
// is the only file in fakes/ that includes cpprestsdk (slow to compile, frozen upstream).
//
// Dropped responses: the listener writes the headers with the full Content-Length, then
// a body stream holding only half of the bytes; when the stream ends early the listener
// closes the connection, so the client sees the connection closed mid-response.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "fakes/fake_tls.h"

namespace tenantsync::fake {

class FakeService;

class FakeHttpServer {
 public:
  // Binds nothing yet. `port` 0 picks a free port on `host`. With `tls`, serves https
  // with that certificate and key.
  FakeHttpServer(FakeService& service, std::string host, int port,
                 std::optional<TlsFiles> tls = std::nullopt);
  ~FakeHttpServer();

  // Opens the listener; throws std::runtime_error when it cannot. Returns the URL
  // (http://HOST:PORT, or https:// with TLS).
  std::string start();
  // Stops accepting and closes open connections. Idempotent.
  void stop();

  // A free TCP port on `host` (bind port 0, getsockname, close): http_listener cannot
  // report a port the kernel chose.
  static int find_free_port(const std::string& host);

  // Gives cpprestsdk's pool, which runs every request, a few threads instead of its 40.
  // Call once, before any server starts. The fake's handlers never wait (latency waits
  // on timers), so a few serve any number of connections; forty woke one another through
  // one mutex for every posted handler (half the fake's CPU in a delta round was futex).
  static void use_few_threads();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace tenantsync::fake
