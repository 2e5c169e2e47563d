// Test doubles for the connector's seams: an HttpTransport whose answers a test scripts
// with a handler (and which records every request), and a TokenProvider that hands out
// numbered tokens and counts invalidations. Thread-safe.
#pragma once

#include <algorithm>
#include <atomic>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "connector/http_transport.h"
#include "connector/token_provider.h"
#include "connector/url.h"

namespace tenantsync::test {

class ScriptedTransport final : public HttpTransport {
 public:
  using Handler = std::function<Result<HttpResponse>(const HttpRequest&)>;

  explicit ScriptedTransport(Handler handler = {}) : handler_(std::move(handler)) {}

  void set_handler(Handler handler) {
    std::lock_guard<std::mutex> lock(mu_);
    handler_ = std::move(handler);
  }

  Result<HttpResponse> send(const HttpRequest& request) override {
    Handler handler;
    {
      std::lock_guard<std::mutex> lock(mu_);
      requests_.push_back(request);
      handler = handler_;
    }
    Result<HttpResponse> r =
        handler ? handler(request)
                : Result<HttpResponse>(make_error(ErrorKind::Internal, "no handler"));
    if (r) {
      stats().record_response(r->status);
    } else {
      stats().record_dropped();
    }
    return r;
  }

  std::vector<HttpRequest> requests() const {
    std::lock_guard<std::mutex> lock(mu_);
    return requests_;
  }

  // Records each body handed back, then overwrites the string as a later response would,
  // so that anything still reading it reads something else.
  void recycle(std::string&& body) override {
    std::lock_guard<std::mutex> lock(mu_);
    recycled_.push_back(body);
    std::fill(body.begin(), body.end(), '#');
  }

  std::vector<std::string> recycled() const {
    std::lock_guard<std::mutex> lock(mu_);
    return recycled_;
  }

  // Requests whose method matches and whose path (without query) equals `path`.
  int count(const std::string& method, const std::string& path) const {
    int n = 0;
    for (const auto& r : requests()) {
      if (r.method == method && path_of(r) == path) ++n;
    }
    return n;
  }

  static std::string path_of(const HttpRequest& r) {
    auto url = parse_url(r.url);
    if (!url) return {};
    return url->path_and_query.substr(0, url->path_and_query.find('?'));
  }

 private:
  mutable std::mutex mu_;
  Handler handler_;                    // guarded by mu_
  std::vector<HttpRequest> requests_;  // guarded by mu_
  std::vector<std::string> recycled_;  // guarded by mu_
};

inline HttpResponse json_response(int status, const nlohmann::json& body,
                                  HttpHeaders headers = {}) {
  HttpResponse r;
  r.status = status;
  r.headers = std::move(headers);
  r.headers["content-type"] = "application/json";
  r.body = body.is_null() ? std::string() : body.dump();
  return r;
}

inline HttpResponse graph_error(int status, const std::string& code, const std::string& message,
                                HttpHeaders headers = {}) {
  return json_response(status, {{"error", {{"code", code}, {"message", message}}}},
                       std::move(headers));
}

inline Error dropped() { return make_error(ErrorKind::Transient, "connection dropped"); }

// Tokens "token-1", "token-2", ...: a new one after each invalidate().
class CountingTokens final : public TokenProvider {
 public:
  Result<std::string> token(const std::string& tenant) override {
    std::lock_guard<std::mutex> lock(mu_);
    tenants_.push_back(tenant);
    return "token-" + std::to_string(generation_);
  }
  void invalidate(const std::string&, const std::string& token) override {
    std::lock_guard<std::mutex> lock(mu_);
    if (token == "token-" + std::to_string(generation_)) ++generation_;
    ++invalidations_;
  }
  int invalidations() const {
    std::lock_guard<std::mutex> lock(mu_);
    return invalidations_;
  }
  std::vector<std::string> tenants() const {
    std::lock_guard<std::mutex> lock(mu_);
    return tenants_;
  }

 private:
  mutable std::mutex mu_;
  int generation_ = 1;                // guarded by mu_
  int invalidations_ = 0;             // guarded by mu_
  std::vector<std::string> tenants_;  // guarded by mu_
};

}  // namespace tenantsync::test
