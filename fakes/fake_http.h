// Plain request and response values that the fake's logic works on. Only the HTTP server
// file (fake_http_server.cpp) converts cpprestsdk messages to and from these, so the rest
// of fakes/ compiles quickly and can be driven directly in tests.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace tenantsync::fake {

struct FakeRequest {
  std::string method;                          // upper case: GET, POST, PATCH, DELETE
  std::string path;                            // percent-encoded, as received: /v1.0/users/a%40b
  std::string query;                           // raw query string, without '?'
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;

  // The header's value, or "" when absent. `lower_name` must be lower case.
  std::string header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? std::string() : it->second;
  }
};

struct FakeResponse {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::string content_type = "application/json";
  // Send the status line, the headers (with the full Content-Length) and only part of
  // the body, then close the connection: the client sees a connection dropped
  // mid-response.
  bool drop = false;

  void set_header(const std::string& name, const std::string& value) {
    headers.emplace_back(name, value);
  }
};

}  // namespace tenantsync::fake
