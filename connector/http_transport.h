// The HTTP seam: plain request/response structs and one virtual call.
//
// Everything above this interface (tokens, the Graph client, retry, the port adapter) is
// written against HttpTransport, so unit tests script it without a network and the
// cpprestsdk implementation (cpprest_transport.h) stays in one place. A transport never
// follows redirects (a 3xx comes back as a response), never throws, and reports every
// failure to get a complete response (connection refused, dropped, timed out) as
// ErrorKind::Transient; a request it refuses to send (bad URL, plain http:// to a remote
// host) is ErrorKind::Invalid.
//
// Thread-safety: send() and stats() may be called from many threads at once.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "model/result.h"

namespace tenantsync {

// Response header names, lower-cased; repeated headers are joined with ", ".
using HttpHeaders = std::map<std::string, std::string>;

struct HttpRequest {
  std::string method = "GET";
  std::string url;  // absolute: scheme://host[:port]/path?query
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::chrono::milliseconds timeout{30000};  // deadline for the whole exchange
  // false: never send on a pooled connection. A transport may transparently replay a
  // request whose pooled connection turned out to be closed; that is harmless for reads
  // but could apply a write twice without anyone knowing, so writes set this to false.
  bool reuse_connection = true;
};

// Bytes a transport leaves allocated past a response body's end: the JSON parser reads in
// 64-byte blocks and parses a body in place when they are there, instead of copying it
// (a page of 999 users is about half a megabyte).
inline constexpr std::size_t kBodyReadPadding = 64;

struct HttpResponse {
  int status = 0;
  HttpHeaders headers;
  std::string body;  // capacity() >= size() + kBodyReadPadding when it came from a transport

  // The header's value, or nullptr. `name` must be lower-case.
  const std::string* header(std::string_view name) const;
};

// Counters for /metrics. The transport records every response and drop; the layers
// above record retries and throttled $batch items. Thread-safe.
class TransportStats {
 public:
  struct Snapshot {
    std::map<int, std::uint64_t> responses_by_status;
    std::uint64_t requests = 0;   // sent, whatever the outcome
    std::uint64_t throttled = 0;  // 429s, including throttled items inside $batch
    std::uint64_t retries = 0;    // resends after a throttled or transient failure
    std::uint64_t dropped = 0;    // no complete response: refused, dropped, timed out

    // Adds another transport's counts (Graph's and the token endpoint's, for /metrics).
    Snapshot& operator+=(const Snapshot& other);
  };

  void record_response(int status);
  void record_dropped();
  void record_throttled_item() { throttled_ += 1; }
  void record_retry() { retries_ += 1; }
  Snapshot snapshot() const;

 private:
  mutable std::mutex mu_;
  std::map<int, std::uint64_t> by_status_;  // guarded by mu_
  std::atomic<std::uint64_t> requests_{0};
  std::atomic<std::uint64_t> throttled_{0};
  std::atomic<std::uint64_t> retries_{0};
  std::atomic<std::uint64_t> dropped_{0};
};

class HttpTransport {
 public:
  virtual ~HttpTransport() = default;

  // Sends one request and waits for the whole response or the request's deadline.
  // Never throws. Transient: no complete response. Invalid: the request was refused
  // before anything was sent.
  virtual Result<HttpResponse> send(const HttpRequest& request) = 0;
  // Takes back the body of a response the caller is done with: a transport may write a
  // later response into its memory. By default it is left to the caller to free.
  virtual void recycle(std::string&& /*body*/) {}

  TransportStats& stats() { return stats_; }

 private:
  TransportStats stats_;
};

// Looks a header up case-insensitively in a request's header list.
const std::string* find_request_header(const HttpRequest& request, std::string_view name);

}  // namespace tenantsync
