#include "fakes/fake_http_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cpprest/containerstream.h>
#include <cpprest/http_listener.h>
#include <pplx/threadpool.h>
#include <boost/asio/steady_timer.hpp>

#include <cctype>
#include <chrono>
#include <stdexcept>

#include "fakes/fake_service.h"

namespace tenantsync::fake {

namespace {

using web::http::http_request;
using web::http::http_response;
using web::http::experimental::listener::http_listener;
using web::http::experimental::listener::http_listener_config;

FakeRequest to_fake(const http_request& req, std::vector<unsigned char> body) {
  FakeRequest out;
  out.method = req.method();
  for (char& c : out.method) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  const auto& uri = req.request_uri();
  out.path = uri.path();
  out.query = uri.query();
  for (const auto& [name, value] : req.headers()) {
    std::string lower = name;
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    out.headers[lower] = value;
  }
  out.body.assign(body.begin(), body.end());
  return out;
}

http_response to_cpprest(FakeResponse r) {
  http_response resp(static_cast<web::http::status_code>(r.status));
  for (const auto& [name, value] : r.headers) resp.headers().add(name, value);
  if (r.drop) {
    // Announce the whole body, send half of it: the listener then closes the connection
    // ("Response stream close early"), exactly what a client sees on a dropped response.
    size_t full = r.body.size();
    std::string half = r.body.substr(0, full / 2);
    concurrency::streams::container_buffer<std::string> buffer(std::move(half), std::ios_base::in);
    resp.set_body(concurrency::streams::istream(buffer), full, r.content_type);
  } else if (!r.body.empty()) {
    resp.set_body(std::move(r.body), r.content_type);
  }
  return resp;
}

void reply(http_request req, FakeResponse r) {
  // A dropped response fails the reply task on purpose; observe every failure so that pplx
  // never terminates the process over an unobserved exception.
  req.reply(to_cpprest(std::move(r))).then([](pplx::task<void> t) {
    try {
      t.get();
    } catch (...) {
    }
  });
}

}  // namespace

struct FakeHttpServer::Impl {
  FakeService& service;
  std::string host;
  int port;
  std::optional<TlsFiles> tls;
  std::unique_ptr<http_listener> listener;

  void serve(http_request req, std::vector<unsigned char> body) {
    FakeRequest fake = to_fake(req, std::move(body));
    int delay = service.latency_ms(fake);
    if (delay <= 0) {
      reply(req, handle(fake));
      return;
    }
    // Wait on a timer rather than sleeping: pool threads stay free to serve others.
    service.held(+1);
    auto timer = std::make_shared<boost::asio::steady_timer>(
        crossplat::threadpool::shared_instance().service(), std::chrono::milliseconds(delay));
    timer->async_wait([this, timer, req, fake](const boost::system::error_code&) {
      service.held(-1);
      reply(req, handle(fake));
    });
  }

  FakeResponse handle(const FakeRequest& fake) {
    try {
      return service.handle(fake);
    } catch (const std::exception&) {
      FakeResponse r;
      r.status = 500;
      r.body = R"({"error":{"code":"InternalServerError","message":"fake-graph: internal error"}})";
      return r;
    }
  }
};

FakeHttpServer::FakeHttpServer(FakeService& service, std::string host, int port,
                               std::optional<TlsFiles> tls)
    : impl_(new Impl{service, std::move(host), port, std::move(tls), nullptr}) {}

FakeHttpServer::~FakeHttpServer() { stop(); }

void FakeHttpServer::use_few_threads() { crossplat::threadpool::initialize_with_threads(4); }

int FakeHttpServer::find_free_port(const std::string& host) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) throw std::runtime_error("socket() failed");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = 0;
  if (::inet_pton(AF_INET, host.c_str(), &addr.sin_addr) != 1) {
    ::close(fd);
    throw std::runtime_error("not an IPv4 address: " + host);
  }
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    throw std::runtime_error("cannot bind " + host + ":0");
  }
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

std::string FakeHttpServer::start() {
  if (impl_->port == 0) impl_->port = find_free_port(impl_->host);
  std::string url = std::string(impl_->tls ? "https" : "http") + "://" + impl_->host + ":" +
                    std::to_string(impl_->port);
  http_listener_config config;
  config.set_timeout(std::chrono::seconds(120));
  if (impl_->tls) {
    config.set_ssl_context_callback([files = *impl_->tls](boost::asio::ssl::context& ctx) {
      ctx.set_options(boost::asio::ssl::context::default_workarounds |
                      boost::asio::ssl::context::no_sslv2 | boost::asio::ssl::context::no_sslv3 |
                      boost::asio::ssl::context::no_tlsv1 | boost::asio::ssl::context::no_tlsv1_1);
      ctx.use_certificate_chain_file(files.certificate);
      ctx.use_private_key_file(files.private_key, boost::asio::ssl::context::pem);
    });
  }
  impl_->listener = std::make_unique<http_listener>(url, config);
  Impl* impl = impl_.get();
  impl_->listener->support([impl](http_request req) {
    req.extract_vector().then([impl, req](pplx::task<std::vector<unsigned char>> body) {
      std::vector<unsigned char> bytes;
      try {
        bytes = body.get();
      } catch (...) {
        return;  // the client went away while sending the body
      }
      impl->serve(req, std::move(bytes));
    });
  });
  try {
    impl_->listener->open().wait();
  } catch (const std::exception& e) {
    impl_->listener.reset();
    throw std::runtime_error("cannot listen on " + url + ": " + e.what());
  }
  return url;
}

void FakeHttpServer::stop() {
  if (!impl_ || !impl_->listener) return;
  try {
    impl_->listener->close().wait();
  } catch (...) {
  }
  impl_->listener.reset();
}

}  // namespace tenantsync::fake
