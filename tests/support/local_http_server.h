// A tiny scripted HTTP/1.1 server on 127.0.0.1 for transport tests (POSIX sockets, no
// cpprestsdk): keep-alive connections, one thread per connection, and replies that can
// hang, drip slowly or drop the connection. Records every request it parsed.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace tenantsync::test {

class LocalHttpServer {
 public:
  struct Request {
    std::string method;
    std::string target;                          // path and query as sent
    std::map<std::string, std::string> headers;  // lower-case names
    std::string body;
    int connection = 0;  // which accepted connection carried it (1-based)
  };
  struct Reply {
    enum class Action { Send, Hang, Close, Drip };
    Action action = Action::Send;
    std::string bytes;                   // the raw response (Send; Drip sends it byte by byte)
    std::chrono::milliseconds delay{0};  // before replying (Send)
    bool close_after = false;            // Send, then close the connection
  };
  using Handler = std::function<Reply(const Request&)>;

  explicit LocalHttpServer(Handler handler);
  ~LocalHttpServer();
  LocalHttpServer(const LocalHttpServer&) = delete;
  LocalHttpServer& operator=(const LocalHttpServer&) = delete;

  int port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  std::vector<Request> requests() const;
  int connections() const { return connections_.load(); }
  int max_concurrent() const { return max_concurrent_.load(); }

 private:
  void accept_loop();
  void serve(int fd, int connection);

  Handler handler_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> connections_{0};
  std::atomic<int> in_flight_{0};
  std::atomic<int> max_concurrent_{0};
  mutable std::mutex mu_;
  std::vector<Request> requests_;     // guarded by mu_
  std::vector<int> fds_;              // guarded by mu_
  std::vector<std::thread> threads_;  // guarded by mu_
  std::thread acceptor_;
};

// "HTTP/1.1 {status} X\r\nContent-Length: n\r\n{headers}\r\n{body}".
LocalHttpServer::Reply http_reply(
    int status, const std::string& body,
    const std::vector<std::pair<std::string, std::string>>& headers = {});

// A loopback port nothing listens on.
int unused_port();

}  // namespace tenantsync::test
