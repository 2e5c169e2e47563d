// The HTTP endpoints of `tenantsync run --listen HOST:PORT`: GET /healthz and GET /metrics,
// answered by callbacks (the daemon's health and its Prometheus text), and, when a report
// folder is given, the drift reports in it (connector/report_route.h). cpp-httplib serves
// them from a small fixed pool of threads, so the callbacks must be thread-safe.
// Anything else is 404; any method but GET/HEAD is 405.
//
// Idle and slow connections are closed by the server (keep-alive and read/write timeouts)
// so that abandoned clients cannot pile up sockets: cpprestsdk's http_listener, used
// before, had no idle timeout and left them in CLOSE_WAIT.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>

#include "model/result.h"

namespace tenantsync {

struct StatusReply {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
};

struct StatusServerOptions {
  // A connection with no new request for this long is closed (also bounds shutdown).
  std::chrono::seconds keep_alive_timeout{5};
  size_t keep_alive_max_requests = 100;
  std::chrono::seconds read_timeout{5};  // for each read of a request in progress
  std::chrono::seconds write_timeout{5};
  size_t threads = 4;  // connections served at once; more wait in the accept queue
};

class StatusServer {
 public:
  using Handler = std::function<StatusReply()>;
  // `reports_dir` empty: no /reports/ routes.
  StatusServer(Handler health, Handler metrics, std::string reports_dir = {},
               StatusServerOptions options = {});
  // Stops listening and joins the server's threads; a connection being served may delay
  // this by up to the keep-alive or read timeout.
  ~StatusServer();
  StatusServer(const StatusServer&) = delete;
  StatusServer& operator=(const StatusServer&) = delete;

  // Starts listening on "HOST:PORT" (port 0 picks a free one; an IPv6 HOST in brackets).
  // Returns the base URL with the real port, or Invalid when `listen` is malformed, Io
  // when the address cannot be bound. Call once.
  Result<std::string> start(const std::string& listen);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace tenantsync
