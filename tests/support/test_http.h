// A tiny blocking HTTP/1.1 client over POSIX sockets, for tests (no cpprestsdk). One
// connection per request ("Connection: close"). A response cut short (connection closed
// before the headers end or before Content-Length / the last chunk) comes back with
// `dropped = true` and whatever arrived.
#pragma once

#include <map>
#include <string>

namespace tenantsync::test {

struct HttpReply {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  bool dropped = false;
};

// `url`: http://127.0.0.1:N/path?query (already percent-encoded). Throws
// std::runtime_error when it cannot connect or send; never throws for a dropped response.
HttpReply http_request(const std::string& method, const std::string& url,
                       const std::string& body = "",
                       const std::map<std::string, std::string>& headers = {});

}  // namespace tenantsync::test
