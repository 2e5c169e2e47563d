// The HTTP endpoints of `tenantsync run --listen HOST:PORT`: GET /healthz and GET /metrics,
// answered by callbacks (the daemon's health and its Prometheus text). cpprestsdk's
// http_listener serves them on its own threads, so the callbacks must be thread-safe.
// Anything else is 404; any method but GET/HEAD is 405.
#pragma once

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

class StatusServer {
 public:
  using Handler = std::function<StatusReply()>;
  StatusServer(Handler health, Handler metrics);
  ~StatusServer();  // stops listening
  StatusServer(const StatusServer&) = delete;
  StatusServer& operator=(const StatusServer&) = delete;

  // Starts listening on "HOST:PORT" (port 0 picks a free one). Returns the base URL, or
  // Invalid when `listen` is malformed, Io when the address cannot be bound.
  Result<std::string> start(const std::string& listen);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace tenantsync
