#include "tests/support/test_http.h"

#include "sync/ascii_case.h"

#include <netdb.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cctype>
#include <cstring>
#include <stdexcept>

namespace tenantsync::test {

namespace {

struct Url {
  std::string host;
  std::string port;
  std::string target;  // path?query
};

Url parse_url(const std::string& url) {
  const std::string scheme = "http://";
  if (url.rfind(scheme, 0) != 0) throw std::runtime_error("only http:// URLs: " + url);
  std::string rest = url.substr(scheme.size());
  auto slash = rest.find('/');
  std::string authority = rest.substr(0, slash);
  Url out;
  out.target = slash == std::string::npos ? "/" : rest.substr(slash);
  auto colon = authority.rfind(':');
  out.host = authority.substr(0, colon);
  out.port = colon == std::string::npos ? "80" : authority.substr(colon + 1);
  return out;
}

class Socket {
 public:
  explicit Socket(const Url& url) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* found = nullptr;
    if (getaddrinfo(url.host.c_str(), url.port.c_str(), &hints, &found) != 0 || !found) {
      throw std::runtime_error("cannot resolve " + url.host);
    }
    for (addrinfo* a = found; a != nullptr; a = a->ai_next) {
      fd_ = ::socket(a->ai_family, a->ai_socktype, a->ai_protocol);
      if (fd_ < 0) continue;
      if (::connect(fd_, a->ai_addr, a->ai_addrlen) == 0) break;
      ::close(fd_);
      fd_ = -1;
    }
    freeaddrinfo(found);
    if (fd_ < 0) throw std::runtime_error("cannot connect to " + url.host + ":" + url.port);
    timeval timeout{60, 0};  // a hung test should fail, not hang forever
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  }
  ~Socket() {
    if (fd_ >= 0) ::close(fd_);
  }
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;

  void send_all(const std::string& data) {
    size_t sent = 0;
    while (sent < data.size()) {
      ssize_t n = ::send(fd_, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) throw std::runtime_error("send failed: " + std::string(std::strerror(errno)));
      sent += static_cast<size_t>(n);
    }
  }
  // Appends what arrives to `buffer`; false on EOF, reset or timeout.
  bool receive(std::string& buffer) {
    char chunk[16384];
    ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
    if (n <= 0) return false;
    buffer.append(chunk, static_cast<size_t>(n));
    return true;
  }

 private:
  int fd_ = -1;
};

// Decodes a chunked body from `data`; false when it is incomplete.
bool decode_chunked(const std::string& data, std::string& out) {
  size_t pos = 0;
  out.clear();
  while (true) {
    auto eol = data.find("\r\n", pos);
    if (eol == std::string::npos) return false;
    size_t size = std::stoul(data.substr(pos, eol - pos), nullptr, 16);
    pos = eol + 2;
    if (size == 0) return data.find("\r\n", pos) != std::string::npos;
    if (data.size() < pos + size + 2) return false;
    out.append(data, pos, size);
    pos += size + 2;
  }
}

}  // namespace

HttpReply http_request(const std::string& method, const std::string& url, const std::string& body,
                       const std::map<std::string, std::string>& headers) {
  Url target = parse_url(url);
  Socket socket(target);
  std::string request = method + " " + target.target + " HTTP/1.1\r\n";
  request += "Host: " + target.host + ":" + target.port + "\r\n";
  request += "Connection: close\r\n";
  bool has_length = false;
  for (const auto& [name, value] : headers) {
    if (ascii_lower(name) == "content-length") has_length = true;
    request += name + ": " + value + "\r\n";
  }
  if (!has_length && (!body.empty() || method == "POST" || method == "PATCH" || method == "PUT")) {
    request += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  }
  request += "\r\n" + body;
  socket.send_all(request);

  HttpReply reply;
  std::string data;
  size_t header_end;
  while ((header_end = data.find("\r\n\r\n")) == std::string::npos) {
    if (!socket.receive(data)) {
      reply.dropped = true;
      return reply;
    }
  }
  std::string head = data.substr(0, header_end);
  std::string rest = data.substr(header_end + 4);
  size_t line_end = head.find("\r\n");
  std::string status_line = head.substr(0, line_end);
  auto space = status_line.find(' ');
  reply.status = space == std::string::npos ? 0 : std::atoi(status_line.c_str() + space + 1);
  size_t pos = line_end == std::string::npos ? head.size() : line_end + 2;
  while (pos < head.size()) {
    size_t next = head.find("\r\n", pos);
    if (next == std::string::npos) next = head.size();
    std::string line = head.substr(pos, next - pos);
    auto colon = line.find(':');
    if (colon != std::string::npos) {
      std::string name = ascii_lower(line.substr(0, colon));
      std::string value = line.substr(colon + 1);
      while (!value.empty() && value.front() == ' ') value.erase(value.begin());
      while (!value.empty() && (value.back() == ' ' || value.back() == '\r')) value.pop_back();
      auto& slot = reply.headers[name];
      slot = slot.empty() ? value : slot + ", " + value;
    }
    pos = next + 2;
  }

  bool no_body = method == "HEAD" || reply.status == 204 || reply.status == 304 ||
                 (reply.status >= 100 && reply.status < 200);
  if (no_body) return reply;
  auto te = reply.headers.find("transfer-encoding");
  if (te != reply.headers.end() && ascii_lower(te->second).find("chunked") != std::string::npos) {
    while (!decode_chunked(rest, reply.body)) {
      if (!socket.receive(rest)) {
        reply.dropped = true;
        return reply;
      }
    }
    return reply;
  }
  auto cl = reply.headers.find("content-length");
  if (cl != reply.headers.end()) {
    size_t length = std::stoul(cl->second);
    while (rest.size() < length) {
      if (!socket.receive(rest)) {
        reply.dropped = true;
        reply.body = rest;
        return reply;
      }
    }
    reply.body = rest.substr(0, length);
    return reply;
  }
  while (socket.receive(rest)) {
  }
  reply.body = rest;
  return reply;
}

}  // namespace tenantsync::test
