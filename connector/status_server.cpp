#include "connector/status_server.h"

#include <httplib.h>
#include <sys/socket.h>

#include <algorithm>
#include <atomic>
#include <optional>
#include <thread>

#include "connector/report_route.h"

namespace tenantsync {

struct StatusServer::Impl {
  Handler health;
  Handler metrics;
  std::string reports_dir;
  StatusServerOptions options;
  httplib::Server server;
  std::thread listening;
  std::atomic<bool> stopped_listening{false};
};

namespace {

constexpr std::string_view kReports = "/reports/";

StatusReply route(const StatusServer::Handler& health, const StatusServer::Handler& metrics,
                  const std::string& reports_dir, const std::string& path) {
  if (path == "/healthz") return health();
  if (path == "/metrics") return metrics();
  if (!reports_dir.empty() && path.rfind(kReports, 0) == 0) {
    // httplib has already percent-decoded the path: an encoded "/" or ".." is refused here.
    return report_reply(reports_dir, std::string_view(path).substr(kReports.size()));
  }
  return {404, "text/plain; charset=utf-8", "not found: try /healthz or /metrics\n"};
}

void answer(httplib::Response& res, const StatusReply& reply) {
  res.status = reply.status;
  res.set_content(reply.body, reply.content_type.c_str());
}

struct HostPort {
  std::string host;  // as written, IPv6 in brackets: for the URL
  int port = -1;
};

std::optional<HostPort> parse_listen(const std::string& listen) {
  auto colon = listen.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 >= listen.size()) return std::nullopt;
  HostPort out{listen.substr(0, colon)};
  try {
    size_t used = 0;
    out.port = std::stoi(listen.substr(colon + 1), &used);
    if (used != listen.size() - colon - 1) return std::nullopt;
  } catch (...) {
    return std::nullopt;
  }
  if (out.port < 0 || out.port > 65535) return std::nullopt;
  return out;
}

// getaddrinfo wants an IPv6 address without its brackets.
std::string bind_host(const std::string& host) {
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    return host.substr(1, host.size() - 2);
  }
  return host;
}

}  // namespace

StatusServer::StatusServer(Handler health, Handler metrics, std::string reports_dir,
                           StatusServerOptions options)
    : impl_(std::make_unique<Impl>()) {
  impl_->health = std::move(health);
  impl_->metrics = std::move(metrics);
  impl_->reports_dir = std::move(reports_dir);
  impl_->options = options;
}

StatusServer::~StatusServer() {
  if (!impl_->listening.joinable()) return;
  // stop() only takes effect once the listening loop runs: wait for it (or for its end).
  while (!impl_->server.is_running() && !impl_->stopped_listening) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  impl_->server.stop();
  impl_->listening.join();
}

Result<std::string> StatusServer::start(const std::string& listen) {
  auto where = parse_listen(listen);
  if (!where) {
    return make_error(ErrorKind::Invalid,
                      "--listen " + listen + ": expected HOST:PORT, e.g. 127.0.0.1:9464");
  }
  if (impl_->listening.joinable()) return make_error(ErrorKind::Invalid, "already listening");

  Impl* impl = impl_.get();
  const StatusServerOptions& o = impl->options;
  httplib::Server& server = impl->server;
  server.set_keep_alive_timeout(o.keep_alive_timeout.count());
  server.set_keep_alive_max_count(o.keep_alive_max_requests);
  server.set_read_timeout(o.read_timeout);
  server.set_write_timeout(o.write_timeout);
  server.set_tcp_nodelay(true);  // else Nagle and delayed ACKs add 40 ms to every answer
  server.set_payload_max_length(64 * 1024);
  // httplib's default also sets SO_REUSEPORT, which would let a second tenantsync bind the
  // same port and silently share its connections: only SO_REUSEADDR (quick restarts).
  server.set_socket_options([](socket_t sock) {
    int yes = 1;
    ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  });  // requests carry no body worth reading
  size_t threads = std::max<size_t>(1, o.threads);
  server.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  // Every request is answered here, before httplib's own routing (regex handlers, static
  // files), so that nothing but these routes exists. HEAD is GET without the body.
  server.set_pre_routing_handler([impl](const httplib::Request& req, httplib::Response& res) {
    if (req.method != "GET" && req.method != "HEAD") {
      res.set_header("Allow", "GET, HEAD");
      answer(res, {405, "text/plain; charset=utf-8", "only GET\n"});
    } else {
      answer(res, route(impl->health, impl->metrics, impl->reports_dir, req.path));
    }
    return httplib::Server::HandlerResponse::Handled;
  });
  // Without this httplib would echo the exception's text in a response header.
  server.set_exception_handler(
      [](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
        answer(res, {500, "text/plain; charset=utf-8", "internal error\n"});
      });

  std::string host = bind_host(where->host);
  int port = where->port;
  if (port == 0) {
    port = server.bind_to_any_port(host);
  } else if (!server.bind_to_port(host, port)) {
    port = -1;
  }
  if (port <= 0) return make_error(ErrorKind::Io, "--listen " + listen + ": cannot bind " + host);
  impl->listening = std::thread([impl] {
    impl->server.listen_after_bind();
    impl->stopped_listening = true;
  });
  return "http://" + where->host + ":" + std::to_string(port);
}

}  // namespace tenantsync
