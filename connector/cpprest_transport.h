// HttpTransport over cpprestsdk (the only file pair that knows about it; its headers are
// included by cpprest_transport.cpp alone, behind a pimpl, and by the body buffer it
// writes responses into, string_body_buffer.h).
//
// Designed around cpprestsdk's traps (docs/architecture.md):
//  - redirects are never followed (max_redirects 0): a 3xx comes back as a response, so
//    an Authorization header never travels to another host;
//  - concurrency is bounded by a counting semaphore (remote.concurrency sends at once);
//  - every request has a real deadline: the caller waits on a future until
//    HttpRequest::timeout and then cancels the request (cpprestsdk's own timeout is only
//    an idle timer, set as well);
//  - send() blocks the calling thread, so it must NOT be called from a pplx thread-pool
//    thread (a cpprestsdk continuation or handler): call it from engine threads only.
//    Nothing in this file blocks on a pool thread;
//  - every task's failure is observed in a task-based continuation, so no unobserved
//    exception can terminate the process;
//  - TLS certificates are verified; plain http:// is refused (Invalid) except to a
//    loopback address, unless allow_insecure_http;
//  - one http_client per origin is reused (a mutex-guarded cache), except for requests
//    with reuse_connection == false, which get a one-shot client: cpprestsdk silently
//    replays a request whose pooled connection was closed, which must never happen to
//    a write.
//
// Thread-safe. Destroying the transport while requests are in flight is safe (their
// completions keep what they touch alive) but the caller must not be inside send(); the
// destructor waits up to 2 s for the completions of requests given up on to run.
#pragma once

#include <memory>
#include <string>

#include "connector/http_transport.h"

namespace tenantsync {

class CpprestTransport final : public HttpTransport {
 public:
  struct Options {
    int concurrency = 8;
    bool allow_insecure_http = false;
    std::string ca_file;  // PEM certificates trusted besides the system's; "" = none
  };

  explicit CpprestTransport(Options options);
  ~CpprestTransport() override;
  CpprestTransport(const CpprestTransport&) = delete;
  CpprestTransport& operator=(const CpprestTransport&) = delete;

  Result<HttpResponse> send(const HttpRequest& request) override;
  // Keeps a large body's string for a later response (body_pool.h).
  void recycle(std::string&& body) override;

 private:
  Result<HttpResponse> send_unguarded(const HttpRequest& request);

  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace tenantsync
