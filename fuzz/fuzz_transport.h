// The HttpTransport the Graph fuzz targets talk to: it answers requests with bodies cut
// from the fuzz input, in order, and once those run out with a final empty page, so a
// paged read always ends. Requests to any origin are answered (the client, not the
// transport, must refuse foreign links); those to another origin than https://graph.test
// are counted so a target can check that none was sent.
#pragma once

#include <cctype>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "connector/http_transport.h"
#include "connector/token_provider.h"

namespace tenantsync::fuzz {

// A status for a fuzz byte: mostly 200, sometimes each answer the client handles apart.
inline int status_for(std::uint8_t byte) {
  static constexpr int kStatuses[] = {200, 200, 200, 200, 200, 200, 200, 200,
                                      400, 401, 403, 404, 410, 429, 503, 302};
  return kStatuses[byte % (sizeof kStatuses / sizeof kStatuses[0])];
}

// Splits `text` at each "\n#next\n" line: one response body per part.
inline std::vector<std::string> split_bodies(std::string_view text) {
  static constexpr std::string_view kSeparator = "\n#next\n";
  std::vector<std::string> out;
  for (;;) {
    std::size_t at = text.find(kSeparator);
    out.emplace_back(text.substr(0, at));
    if (at == std::string_view::npos) return out;
    text.remove_prefix(at + kSeparator.size());
  }
}

// True when `url` is on https://graph.test (any path), read independently of the client's
// own URL parser so a disagreement between the two shows as a failure.
inline bool on_graph_test(std::string_view url) {
  constexpr std::string_view kScheme = "https://";
  if (url.size() < kScheme.size()) return false;
  for (std::size_t i = 0; i < kScheme.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(url[i])) != kScheme[i]) return false;
  }
  std::string_view authority = url.substr(kScheme.size());
  authority = authority.substr(0, authority.find_first_of("/?#"));
  if (authority.find('@') != std::string_view::npos) return false;
  std::string_view host = authority.substr(0, authority.rfind(':'));
  std::string_view port = host.size() < authority.size() ? authority.substr(host.size() + 1) : "";
  while (port.size() > 1 && port.front() == '0') port.remove_prefix(1);
  if (!port.empty() && port != "443") return false;
  std::string lower;
  for (char c : host) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lower == "graph.test";
}

// A token provider that always has the same token: the Graph targets fuzz the pages, not
// the token endpoint (fuzz_token_response does that).
class FixedTokens final : public TokenProvider {
 public:
  Result<std::string> token(const std::string&) override { return std::string("t"); }
  void invalidate(const std::string&, const std::string&) override {}
};

class FuzzTransport final : public HttpTransport {
 public:
  FuzzTransport(int status, std::vector<std::string> bodies)
      : status_(status), bodies_(std::move(bodies)) {}

  Result<HttpResponse> send(const HttpRequest& request) override {
    ++requests_;
    if (!on_graph_test(request.url) && request.url.find("/oauth2/") == std::string::npos) {
      ++foreign_requests_;
    }
    HttpResponse response;
    response.headers["content-type"] = "application/json";
    if (next_ < bodies_.size()) {
      response.status = next_ == 0 ? status_ : 200;
      response.body = bodies_[next_++];
      if (response.status == 429 || response.status == 503) response.headers["retry-after"] = "0";
      if (response.status == 302) response.headers["location"] = "https://evil.example/x";
    } else {
      response.status = 200;
      response.body =
          R"({"value":[],"@odata.deltaLink":"https://graph.test/v1.0/users/delta?t=end"})";
    }
    stats().record_response(response.status);
    return response;
  }

  int requests() const { return requests_; }
  int foreign_requests() const { return foreign_requests_; }

  static constexpr char kGraphUrl[] = "https://graph.test/v1.0";

 private:
  int status_;
  std::vector<std::string> bodies_;
  std::size_t next_ = 0;
  int requests_ = 0;
  int foreign_requests_ = 0;
};

}  // namespace tenantsync::fuzz
