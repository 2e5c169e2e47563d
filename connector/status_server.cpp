#include "connector/status_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cpprest/http_listener.h>

namespace tenantsync {

using web::http::http_request;
using web::http::methods;
using web::http::experimental::listener::http_listener;

struct StatusServer::Impl {
  Handler health;
  Handler metrics;
  std::unique_ptr<http_listener> listener;
};

namespace {

// A free TCP port on `host`: http_listener cannot report a port the kernel chose.
int free_port(const std::string& host) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return 0;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = 0;
  if (::inet_pton(AF_INET, host.c_str(), &addr.sin_addr) != 1 ||
      ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return 0;
  }
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

}  // namespace

StatusServer::StatusServer(Handler health, Handler metrics) : impl_(std::make_unique<Impl>()) {
  impl_->health = std::move(health);
  impl_->metrics = std::move(metrics);
}

StatusServer::~StatusServer() {
  if (!impl_->listener) return;
  try {
    impl_->listener->close().wait();
  } catch (...) {
  }
}

Result<std::string> StatusServer::start(const std::string& listen) {
  auto colon = listen.rfind(':');
  int port = -1;
  if (colon != std::string::npos && colon > 0 && colon + 1 < listen.size()) {
    try {
      size_t used = 0;
      port = std::stoi(listen.substr(colon + 1), &used);
      if (used != listen.size() - colon - 1) port = -1;
    } catch (...) {
      port = -1;
    }
  }
  if (port < 0 || port > 65535) {
    return make_error(ErrorKind::Invalid,
                      "--listen " + listen + ": expected HOST:PORT, e.g. 127.0.0.1:9464");
  }
  std::string host = listen.substr(0, colon);
  if (port == 0) port = free_port(host);
  if (port == 0) return make_error(ErrorKind::Io, "--listen " + listen + ": cannot bind " + host);
  std::string url = "http://" + host + ":" + std::to_string(port);
  Impl* impl = impl_.get();
  try {
    impl_->listener = std::make_unique<http_listener>(url);
    impl_->listener->support([impl](http_request req) {
      if (req.method() != methods::GET && req.method() != methods::HEAD) {
        req.reply(405, "only GET\n", "text/plain; charset=utf-8");
        return;
      }
      std::string path = req.relative_uri().path();
      Handler* handler = path == "/healthz"   ? &impl->health
                         : path == "/metrics" ? &impl->metrics
                                              : nullptr;
      if (!handler) {
        req.reply(404, "not found: try /healthz or /metrics\n", "text/plain; charset=utf-8");
        return;
      }
      StatusReply reply = (*handler)();
      req.reply(reply.status, reply.body, reply.content_type);
    });
    impl_->listener->open().wait();
  } catch (const std::exception& e) {
    impl_->listener.reset();
    return make_error(ErrorKind::Io, "cannot listen on " + url + ": " + e.what());
  }
  return url;
}

}  // namespace tenantsync
