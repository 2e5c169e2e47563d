// The status server of `tenantsync run --listen`: /healthz and /metrics from callbacks,
// 404/405 for anything else, HEAD, the drift reports of the report folder (and nothing
// outside it), and connections that clients abandon do not pile up as sockets.
#include "connector/status_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/connector/socket_census.h"
#include "tests/support/run_program.h"
#include "tests/support/test_http.h"

namespace tenantsync {
namespace status_server_test {

using test::http_request;
using test::TempDir;
using ::testing::HasSubstr;
using ::testing::Not;

StatusReply text(int status, std::string body) {
  return {status, "text/plain; charset=utf-8", std::move(body)};
}

struct Served {
  std::unique_ptr<StatusServer> server;
  std::string url;
};

Served serve(std::string reports_dir = {}, StatusServerOptions options = {}) {
  Served s;
  s.server = std::make_unique<StatusServer>([] { return text(200, "ok\n"); },
                                            [] { return text(200, "tenantsync_up 1\n"); },
                                            std::move(reports_dir), options);
  auto url = s.server->start("127.0.0.1:0");
  EXPECT_TRUE(url.ok());
  if (url.ok()) s.url = *url;
  return s;
}

int port_of(const std::string& url) { return std::stoi(url.substr(url.rfind(':') + 1)); }

TEST(StatusServerTest, AnswersHealthAndMetricsFromTheCallbacks) {
  std::atomic<int> health_calls = 0;
  StatusServer server(
      [&] {
        ++health_calls;
        return text(503, "late\n");
      },
      [] {
        return StatusReply{200, "text/plain; version=0.0.4", "tenantsync_up 1\n"};
      });
  auto url = server.start("127.0.0.1:0");
  ASSERT_TRUE(url.ok());
  EXPECT_THAT(*url, Not(HasSubstr(":0")));

  auto health = http_request("GET", *url + "/healthz");
  EXPECT_EQ(health.status, 503);
  EXPECT_EQ(health.body, "late\n");
  EXPECT_EQ(health_calls, 1);
  auto metrics = http_request("GET", *url + "/metrics");
  EXPECT_EQ(metrics.status, 200);
  EXPECT_EQ(metrics.headers["content-type"], "text/plain; version=0.0.4");
  EXPECT_EQ(metrics.body, "tenantsync_up 1\n");
}

TEST(StatusServerTest, OtherPathsAre404AndOtherMethods405) {
  auto s = serve();
  auto missing = http_request("GET", s.url + "/nope");
  EXPECT_EQ(missing.status, 404);
  EXPECT_THAT(missing.body, HasSubstr("/healthz"));
  for (const char* method : {"POST", "PUT", "DELETE", "OPTIONS", "PATCH"}) {
    auto refused = http_request(method, s.url + "/healthz");
    EXPECT_EQ(refused.status, 405) << method;
    EXPECT_EQ(refused.headers["allow"], "GET, HEAD") << method;
  }
}

TEST(StatusServerTest, HeadAnswersLikeGetWithoutTheBody) {
  auto s = serve();
  auto head = http_request("HEAD", s.url + "/metrics");
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.body, "");
  EXPECT_EQ(head.headers["content-length"],
            std::to_string(std::string("tenantsync_up 1\n").size()));
  EXPECT_EQ(http_request("HEAD", s.url + "/nope").status, 404);
}

TEST(StatusServerTest, ABadOrTakenAddressIsAnError) {
  auto s = serve();
  StatusServer other([] { return text(200, ""); }, [] { return text(200, ""); });
  auto taken = other.start("127.0.0.1:" + std::to_string(port_of(s.url)));
  ASSERT_FALSE(taken.ok());
  EXPECT_EQ(taken.error().kind, ErrorKind::Io);
  for (const char* bad : {"9464", "127.0.0.1:", "127.0.0.1:x", "127.0.0.1:70000", ":80"}) {
    StatusServer server([] { return text(200, ""); }, [] { return text(200, ""); });
    auto result = server.start(bad);
    ASSERT_FALSE(result.ok()) << bad;
    EXPECT_EQ(result.error().kind, ErrorKind::Invalid) << bad;
  }
}

class StatusServerReportsTest : public ::testing::Test {
 protected:
  StatusServerReportsTest() {
    std::filesystem::create_directory(reports());
    // Outside the report folder: no request may reach it.
    root_.write("config.json", R"({"clientSecret": "OUTSIDE-SECRET"})");
  }
  std::string reports() const { return root_.file("reports"); }
  void write(const std::string& name, const std::string& content) const {
    root_.write("reports/" + name, content);
  }

  TempDir root_;
};

TEST_F(StatusServerReportsTest, LatestIsTheNewestReportOfEachFormat) {
  write("drift-20260101T000000Z.html", "<p>old</p>");
  write("drift-20260102T000000Z.html", "<p>new</p>");
  write("drift-20260102T000000Z.json", R"({"n":1})");
  write("drift-20260102T000000Z-2.json", R"({"n":2})");  // second report in that second
  write("drift-20260102T000000Z.json.tmp", "half");
  write("zzz.json", "not a report");
  auto s = serve(reports());

  auto html = http_request("GET", s.url + "/reports/latest.html");
  EXPECT_EQ(html.status, 200);
  EXPECT_EQ(html.headers["content-type"], "text/html; charset=utf-8");
  EXPECT_EQ(html.body, "<p>new</p>");
  auto json = http_request("GET", s.url + "/reports/latest.json");
  EXPECT_EQ(json.status, 200);
  EXPECT_EQ(json.headers["content-type"], "application/json; charset=utf-8");
  EXPECT_EQ(json.body, R"({"n":2})");
  auto head = http_request("HEAD", s.url + "/reports/latest.html");
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.body, "");
}

TEST_F(StatusServerReportsTest, AReportByItsName) {
  write("drift-20260101T000000Z.html", "<p>old</p>");
  write("drift-20260102T000000Z.html", "<p>new</p>");
  auto s = serve(reports());
  auto old = http_request("GET", s.url + "/reports/drift-20260101T000000Z.html");
  EXPECT_EQ(old.status, 200);
  EXPECT_EQ(old.body, "<p>old</p>");
  auto missing = http_request("GET", s.url + "/reports/drift-20250101T000000Z.html");
  EXPECT_EQ(missing.status, 404);
  EXPECT_THAT(missing.body, HasSubstr("no such report"));
}

TEST_F(StatusServerReportsTest, NothingOutsideTheReportsIsServed) {
  write("drift-20260101T000000Z.json", "{}");
  write("notes.txt", "not a report");
  std::filesystem::create_symlink(root_.file("config.json"), root_.file("reports/drift-link.json"));
  auto s = serve(reports());
  for (const char* target :
       {"/reports/../config.json", "/reports/%2e%2e/config.json", "/reports/%2E%2E%2Fconfig.json",
        "/reports/..%2fconfig.json", "/reports/drift-x%2f..%2f..%2fconfig.json",
        "/reports/drift-..%2f..%2fconfig.json", "/reports/drift-%2e%2e%2fconfig.json",
        "/reports/%2fetc%2fpasswd", "/reports/drift-link.json", "/reports/notes.txt",
        "/reports/drift-20260101T000000Z.json%00.html", "/reports/", "/reports",
        "/reports/latest.txt", "/reports/./drift-20260101T000000Z.json", "/config.json"}) {
    auto reply = http_request("GET", s.url + target);
    EXPECT_EQ(reply.status, 404) << target;
    EXPECT_THAT(reply.body, Not(HasSubstr("OUTSIDE-SECRET"))) << target;
  }
}

TEST_F(StatusServerReportsTest, NoReportYetIsAClear404) {
  write("notes.txt", "not a report");
  auto s = serve(reports());
  for (const char* latest : {"/reports/latest.html", "/reports/latest.json"}) {
    auto reply = http_request("GET", s.url + latest);
    EXPECT_EQ(reply.status, 404);
    EXPECT_THAT(reply.body, HasSubstr("no drift report yet"));
  }
}

TEST_F(StatusServerReportsTest, WithoutAReportFolderThereAreNoReportRoutes) {
  write("drift-20260101T000000Z.json", "{}");
  auto s = serve();
  auto reply = http_request("GET", s.url + "/reports/latest.json");
  EXPECT_EQ(reply.status, 404);
  EXPECT_THAT(reply.body, HasSubstr("try /healthz"));
}

// --- socket hygiene: raw client connections that misbehave --------------------------------

int connect_to(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  timeval timeout{3, 0};  // no test read may hang
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

bool send_text(int fd, std::string_view text) {
  return ::send(fd, text.data(), text.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(text.size());
}

// Reads one response on a keep-alive connection; its status, or 0 when the connection
// ended or timed out first.
int read_response(int fd) {
  std::string got;
  char buf[4096];
  size_t header_end;
  while ((header_end = got.find("\r\n\r\n")) == std::string::npos) {
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) return 0;
    got.append(buf, static_cast<size_t>(n));
  }
  std::string headers = got.substr(0, header_end);
  auto at = headers.find("Content-Length: ");
  size_t length = at == std::string::npos ? 0 : std::stoul(headers.substr(at + 16));
  while (got.size() < header_end + 4 + length) {
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) return 0;
    got.append(buf, static_cast<size_t>(n));
  }
  return std::stoi(got.substr(9, 3));
}

// Waits (up to 3 s) until the server has closed every connection it accepted on `port`,
// leaving only its listening socket; returns what is left.
test::SocketCensus wait_for_only_the_listener(int port) {
  test::SocketCensus census;
  for (int i = 0; i < 300; ++i) {
    census = test::sockets_on_local_port(port);
    if (census.open == 1) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return census;
}

// The server closed the connection: a read sees the end of the stream.
bool closed_by_server(int fd) {
  char c;
  return ::recv(fd, &c, 1, 0) == 0;
}

TEST(StatusServerTest, AbandonedAndIdleConnectionsDoNotPileUp) {
  StatusServerOptions options;
  options.keep_alive_timeout = std::chrono::seconds(1);
  options.read_timeout = std::chrono::seconds(1);
  options.threads = 12;  // the 8 connections left open hold one each until the timeout
  std::atomic<int> served = 0;
  StatusServer server(
      [&] {
        ++served;
        return text(200, "ok\n");
      },
      [] { return text(200, ""); }, "", options);
  auto url = server.start("127.0.0.1:0");
  ASSERT_TRUE(url.ok());
  int port = port_of(*url);
  int fds_before = test::open_socket_fds();
  ASSERT_EQ(test::sockets_on_local_port(port).open, 1);  // the listening socket

  // 200 clients that connect, send nothing or half a request, and hang up. In batches
  // that the server has closed before the next: httplib listens with a backlog of 5, and
  // on a busy machine a SYN the full queue drops is only sent again a second later.
  for (int batch = 0; batch < 50; ++batch) {
    std::vector<int> fds;
    for (int i = 0; i < 4; ++i) {
      int fd = connect_to(port);
      ASSERT_GE(fd, 0);
      if (i % 2) send_text(fd, "GET /healthz HTTP/1.1\r\nHost: x\r\n");
      fds.push_back(fd);
    }
    for (int fd : fds) ::close(fd);
    ASSERT_EQ(wait_for_only_the_listener(port).open, 1) << "batch " << batch;
  }
  // A few that connect and then neither send nor hang up: the idle timeout ends them.
  std::vector<int> idle;
  for (int i = 0; i < 4; ++i) idle.push_back(connect_to(port));
  // 200 requests on 20 keep-alive connections; the client hangs up on most of them and
  // leaves the last few open, for the idle timeout to end.
  std::vector<int> kept;
  for (int c = 0; c < 20; ++c) {
    int fd = connect_to(port);
    ASSERT_GE(fd, 0);
    for (int r = 0; r < 10; ++r) {
      ASSERT_TRUE(send_text(fd, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"));
      ASSERT_EQ(read_response(fd), 200);
    }
    if (c < 16) {
      ::close(fd);
    } else {
      kept.push_back(fd);
    }
  }
  EXPECT_EQ(served, 200);

  for (int fd : idle) EXPECT_TRUE(closed_by_server(fd));
  for (int fd : kept) EXPECT_TRUE(closed_by_server(fd));
  // The server closed its side of every connection: only the listening socket is left.
  test::SocketCensus census = wait_for_only_the_listener(port);
  EXPECT_EQ(census.open, 1);
  EXPECT_EQ(census.close_wait, 0);
  for (int fd : idle) ::close(fd);
  for (int fd : kept) ::close(fd);
  EXPECT_EQ(test::open_socket_fds(), fds_before);
}

}  // namespace status_server_test
}  // namespace tenantsync
