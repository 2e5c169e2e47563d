// The one file that includes cpprestsdk (slow to compile; frozen upstream). See the
// header for the traps this implementation is built around.
#include "connector/cpprest_transport.h"

#include <algorithm>
#include <atomic>
#include <cctype>
#include <condition_variable>
#include <future>
#include <map>
#include <mutex>
#include <semaphore>
#include <string>

#include <cpprest/http_client.h>
#include <pplx/pplxtasks.h>

#include "connector/string_body_buffer.h"
#include "connector/url.h"

namespace tenantsync {

namespace {

namespace http = web::http;

// How much of a body cpprestsdk reads per step. Each step is a task handed between pool
// threads; a page of 999 users is about half a megabyte, so 64 KiB steps (its default)
// meant ~8 hand-offs a page (measured: 24,000 voluntary context switches per 100-tenant mirror).
// Steps stay under 256 KiB because cpprestsdk's socket buffer grows by doubling to hold
// one: kept under tune_allocator()'s 512 KiB, it is reused from the heap instead of being
// mapped and faulted in for every response (1 MiB steps cost 9% more CPU, BENCHMARKS).
constexpr std::size_t kChunkBytes = 192 << 10;

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// scheme://host:port with IPv6 hosts bracketed, as a URI needs it.
std::string base_uri(const Url& url) {
  std::string host = url.host.find(':') != std::string::npos ? "[" + url.host + "]" : url.host;
  return url.scheme + "://" + host + ":" + std::to_string(url.port);
}

// For messages: method and URL without the query (skip tokens are long and useless here).
std::string describe(const HttpRequest& request, const Url& url) {
  std::string path = url.path_and_query.substr(0, url.path_and_query.find('?'));
  return request.method + " " + base_uri(url) + path;
}

Error transient(std::string message) {
  return make_error(ErrorKind::Transient, std::move(message));
}

// What a failed exchange was: a TLS handshake refused (the server's certificate is not
// trusted, or no common protocol) does not heal by retrying, and nothing was sent; any
// other failure may be passing.
Error exchange_failure(const std::string& what, const std::string& reason) {
  if (reason.find("SSL handshake") != std::string::npos ||
      reason.find("certificate") != std::string::npos) {
    return make_error(ErrorKind::Invalid,
                      what + ": TLS handshake failed (" + reason +
                          "): is the server's certificate trusted? remote.caFile adds a CA",
                      "TlsHandshake");
  }
  return transient(what + ": " + reason);
}

// One request's outcome, shared by the waiting caller and the pool-thread completions.
struct Exchange {
  std::promise<Result<HttpResponse>> promise;
  std::atomic<bool> done{false};
  HttpResponse response;  // written by the completions, one after the other

  void finish(Result<HttpResponse> result) {
    if (!done.exchange(true)) promise.set_value(std::move(result));
  }
};

}  // namespace

// Bounds the sends in flight. Shared with the completions, which release their slot
// when the exchange has really finished (also after the caller gave up waiting). Outside
// the anonymous namespace: Impl, which has external linkage, holds one.
struct CpprestSendSlots {
  explicit CpprestSendSlots(int n) : semaphore(n) {}
  std::counting_semaphore<1 << 16> semaphore;

  void acquired() {
    std::lock_guard<std::mutex> lock(mu);
    ++in_flight;
  }
  void release() {
    {
      std::lock_guard<std::mutex> lock(mu);
      --in_flight;
    }
    idle.notify_all();
    semaphore.release();
  }
  // Waits until every completion has run, for at most `limit`. A completion cpprestsdk
  // queued (on a cancel, say) that the pool never runs is lost when the process exits.
  void wait_idle(std::chrono::milliseconds limit) {
    std::unique_lock<std::mutex> lock(mu);
    idle.wait_for(lock, limit, [this] { return in_flight == 0; });
  }

 private:
  std::mutex mu;
  std::condition_variable idle;
  int in_flight = 0;  // guarded by mu
};
using Slots = CpprestSendSlots;

struct CpprestTransport::Impl {
  Options options;
  std::shared_ptr<Slots> slots;
  std::shared_ptr<BodyPool> bodies;  // large bodies' strings, handed back by recycle()
  std::mutex mu;
  std::map<std::string, std::shared_ptr<http::client::http_client>> clients;  // guarded by mu

  std::shared_ptr<http::client::http_client> make_client(const std::string& base,
                                                         std::chrono::milliseconds timeout) const {
    http::client::http_client_config config;
    config.set_max_redirects(0);  // a redirect would carry our Authorization header along
    config.set_chunksize(kChunkBytes);
    config.set_validate_certificates(true);
    if (!options.ca_file.empty()) {
      // Added to the system's roots (cpprestsdk loads those first), not instead of them.
      config.set_ssl_context_callback(
          [file = options.ca_file](boost::asio::ssl::context& ctx) { ctx.load_verify_file(file); });
    }
    // Only an idle timer; the real deadline is enforced in send().
    config.set_timeout(std::chrono::duration_cast<std::chrono::seconds>(timeout) +
                       std::chrono::seconds(1));
    return std::make_shared<http::client::http_client>(utility::conversions::to_string_t(base),
                                                       config);
  }

  std::shared_ptr<http::client::http_client> client_for(const std::string& base,
                                                        std::chrono::milliseconds timeout,
                                                        bool reuse) {
    if (!reuse) return make_client(base, timeout);
    std::lock_guard<std::mutex> lock(mu);
    auto& client = clients[base];
    if (!client) client = make_client(base, timeout);
    return client;
  }
};

CpprestTransport::CpprestTransport(Options options) : impl_(std::make_unique<Impl>()) {
  impl_->options = options;
  impl_->slots = std::make_shared<Slots>(std::clamp(options.concurrency, 1, 1 << 16));
  // As many as can be read at once: more would only be held.
  impl_->bodies = std::make_shared<BodyPool>(std::clamp(options.concurrency, 1, 64));
}

void CpprestTransport::recycle(std::string&& body) { impl_->bodies->give_back(std::move(body)); }

CpprestTransport::~CpprestTransport() {
  // A request given up on (deadline) still has its completion queued on cpprestsdk's pool.
  impl_->slots->wait_idle(std::chrono::seconds(2));
}

Result<HttpResponse> CpprestTransport::send(const HttpRequest& request) {
  // cpprestsdk reports many failures by throwing; none may escape this seam.
  try {
    return send_unguarded(request);
  } catch (const std::exception& e) {
    stats().record_dropped();
    return transient(request.method + " request failed: " + e.what());
  } catch (...) {
    stats().record_dropped();
    return transient(request.method + " request failed");
  }
}

Result<HttpResponse> CpprestTransport::send_unguarded(const HttpRequest& request) {
  auto url = parse_url(request.url);
  if (!url) return make_error(ErrorKind::Invalid, "not a valid http(s) URL");
  if (url->scheme == "http" && !url->is_loopback() && !impl_->options.allow_insecure_http) {
    return make_error(ErrorKind::Invalid, "refusing plain http:// to " + url->host +
                                              ": only loopback addresses may use http unless "
                                              "remote.allowInsecureHttp is true");
  }
  const std::string what = describe(request, *url);

  std::shared_ptr<http::client::http_client> client;
  http::http_request message(utility::conversions::to_string_t(request.method));
  try {
    client = impl_->client_for(base_uri(*url), request.timeout, request.reuse_connection);
    message.set_request_uri(web::uri(utility::conversions::to_string_t(url->path_and_query)));
  } catch (const std::exception& e) {
    return make_error(ErrorKind::Invalid, what + ": cannot build the request: " + e.what());
  }
  std::string content_type = "application/octet-stream";
  for (const auto& [name, value] : request.headers) {
    if (lower(name) == "content-type") {
      content_type = value;
    } else {
      message.headers().add(name, value);
    }
  }
  if (!request.body.empty() || request.method == "POST" || request.method == "PATCH") {
    message.set_body(request.body, content_type);
  }

  auto slots = impl_->slots;
  if (!slots->semaphore.try_acquire_for(request.timeout)) {
    stats().record_dropped();
    return transient(what + ": no free connection slot within the timeout");
  }
  slots->acquired();
  auto exchange = std::make_shared<Exchange>();
  auto future = exchange->promise.get_future();
  // The body is written straight into the string handed on as it arrives, not through
  // the client's own buffer first (a page of 999 users is about half a megabyte).
  auto body_buffer = std::make_shared<StringBodyBuffer>(kChunkBytes, impl_->bodies);
  message.set_response_stream(
      concurrency::streams::ostream(concurrency::streams::streambuf<std::uint8_t>(body_buffer)));
  pplx::cancellation_token_source cancel;
  try {
    client->request(message, cancel.get_token())
        .then([exchange](http::http_response response) {
          exchange->response.status = response.status_code();
          for (const auto& [name, value] : response.headers()) {
            exchange->response.headers[lower(name)] = value;
          }
          return response.content_ready();
        })
        // Task-based: runs whatever happened before and observes every failure, so no
        // exception is left unobserved; it never blocks (the task is complete).
        .then([exchange, slots, what, body_buffer](pplx::task<http::http_response> done) {
          try {
            done.get();
            exchange->response.body = std::move(body_buffer->text());
            exchange->finish(std::move(exchange->response));
          } catch (const pplx::task_canceled&) {
            exchange->finish(transient(what + ": cancelled"));
          } catch (const std::exception& e) {
            exchange->finish(exchange_failure(what, e.what()));
          } catch (...) {
            exchange->finish(transient(what + ": unknown failure"));
          }
          slots->release();
        });
  } catch (const std::exception& e) {
    slots->release();
    stats().record_dropped();
    return transient(what + ": " + e.what());
  }

  if (future.wait_for(request.timeout) != std::future_status::ready) {
    cancel.cancel();  // the completion still runs, observes the cancellation, frees the slot
    stats().record_dropped();
    return transient(what + ": no complete response within " +
                     std::to_string(request.timeout.count()) + " ms");
  }
  Result<HttpResponse> result = future.get();
  if (result) {
    stats().record_response(result->status);
  } else {
    stats().record_dropped();
  }
  return result;
}

}  // namespace tenantsync
