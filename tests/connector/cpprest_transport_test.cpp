// The cpprestsdk transport over real loopback sockets: responses, redirects not followed
// (and no token sent to the redirect target), a real deadline, drops, the plain-http
// rule, the concurrency bound and connection reuse.
#include "connector/cpprest_transport.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <thread>

#include "connector/graph_client.h"
#include "sync/clock.h"
#include "tests/connector/scripted_transport.h"
#include "tests/support/local_http_server.h"

namespace tenantsync {
namespace cpprest_transport_test {

using namespace std::chrono_literals;
using test::http_reply;
using test::LocalHttpServer;

HttpRequest get(const std::string& url, std::chrono::milliseconds timeout = 5s) {
  HttpRequest r;
  r.url = url;
  r.timeout = timeout;
  return r;
}

TEST(CpprestTransportTest, ReturnsStatusLowerCasedHeadersAndBody) {
  LocalHttpServer server([](const LocalHttpServer::Request&) {
    return http_reply(201, R"({"ok":true})",
                      {{"X-Custom", "v"}, {"Content-Type", "application/json"}});
  });
  CpprestTransport transport({});
  HttpRequest request = get(server.url() + "/v1.0/users?$select=id,displayName&$top=999");
  request.method = "POST";
  request.body = R"({"a":1})";
  request.headers = {{"Authorization", "Bearer abc"}, {"Content-Type", "application/json"}};
  auto response = transport.send(request);
  ASSERT_TRUE(response.ok()) << response.error().describe();
  EXPECT_EQ(response->status, 201);
  ASSERT_NE(response->header("x-custom"), nullptr);
  EXPECT_EQ(*response->header("x-custom"), "v");
  EXPECT_EQ(response->body, R"({"ok":true})");
  auto seen = server.requests();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].method, "POST");
  EXPECT_EQ(seen[0].target, "/v1.0/users?$select=id,displayName&$top=999");  // verbatim
  EXPECT_EQ(seen[0].headers["authorization"], "Bearer abc");
  EXPECT_EQ(seen[0].headers["content-type"], "application/json");
  EXPECT_EQ(seen[0].body, R"({"a":1})");
  auto stats = transport.stats().snapshot();
  EXPECT_EQ(stats.requests, 1u);
  EXPECT_EQ(stats.responses_by_status[201], 1u);
}

// Bodies are written straight into the response's string (string_body_buffer.h): in one
// step, in several (the transport reads 192 KiB at a time, a page of 999 users takes three)
// or chunk by chunk, they arrive whole, and leave kBodyReadPadding bytes allocated past
// their end, without which the page decoder copies every page before parsing it.
TEST(CpprestTransportTest, BodiesArriveWholeWithTheParsersPaddingAllocated) {
  auto text = [](size_t size) {
    std::string out(size, ' ');
    for (size_t i = 0; i < size; i += 997) out[i] = static_cast<char>('a' + i % 26);
    return out;
  };
  const std::string one_step = text(150000);
  const std::string three_steps = text(520000);
  const std::string past_the_room = text(1000000);  // more than the four steps made at once
  const std::string chunked = text(70000);
  LocalHttpServer server([&](const LocalHttpServer::Request& r) {
    if (r.target == "/one") return http_reply(200, one_step);
    if (r.target == "/three") return http_reply(200, three_steps);
    if (r.target == "/large") return http_reply(200, past_the_room);
    std::string raw = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
    for (size_t at = 0; at < chunked.size(); at += 30000) {
      const std::string part = chunked.substr(at, 30000);
      char size[16];
      std::snprintf(size, sizeof size, "%zx", part.size());
      raw += std::string(size) + "\r\n" + part + "\r\n";
    }
    LocalHttpServer::Reply reply;
    reply.bytes = raw + "0\r\n\r\n";
    return reply;
  });
  CpprestTransport transport({});
  for (const auto& [path, expected] : {std::pair{"/one", &one_step},
                                       {"/three", &three_steps},
                                       {"/large", &past_the_room},
                                       {"/chunked", &chunked}}) {
    auto response = transport.send(get(server.url() + path));
    ASSERT_TRUE(response.ok()) << path << ": " << response.error().describe();
    EXPECT_EQ(response->body.size(), expected->size()) << path;
    EXPECT_TRUE(response->body == *expected) << path;
    EXPECT_GE(response->body.capacity(), expected->size() + kBodyReadPadding) << path;
  }
}

// A large body handed back (recycle) is the string the next large body is written into:
// it must hold exactly that body, however long the one before was, with the padding.
TEST(CpprestTransportTest, ALargeBodyHandedBackHoldsExactlyTheNextOne) {
  auto text = [](size_t size, char first) {
    std::string out(size, ' ');
    for (size_t i = 0; i < size; i += 991) out[i] = static_cast<char>(first + i % 20);
    return out;
  };
  const std::string longer = text(900000, 'a');
  const std::string shorter = text(520000, 'A');
  const std::string small = text(1000, '0');
  LocalHttpServer server([&](const LocalHttpServer::Request& r) {
    if (r.target == "/longer") return http_reply(200, longer);
    if (r.target == "/small") return http_reply(200, small);
    return http_reply(200, shorter);
  });
  CpprestTransport transport({});
  auto first = transport.send(get(server.url() + "/longer"));
  ASSERT_TRUE(first.ok()) << first.error().describe();
  ASSERT_TRUE(first->body == longer);
  const char* memory = first->body.data();
  transport.recycle(std::move(first->body));

  auto second = transport.send(get(server.url() + "/shorter"));
  ASSERT_TRUE(second.ok()) << second.error().describe();
  EXPECT_EQ(second->body.data(), memory) << "written into the string handed back";
  EXPECT_EQ(second->body.size(), shorter.size());
  EXPECT_TRUE(second->body == shorter);
  EXPECT_GE(second->body.capacity(), shorter.size() + kBodyReadPadding);
  transport.recycle(std::move(second->body));

  // A small body does not take the large string; it stays for the next large one.
  auto third = transport.send(get(server.url() + "/small"));
  ASSERT_TRUE(third.ok()) << third.error().describe();
  EXPECT_NE(third->body.data(), memory);
  EXPECT_EQ(third->body, small);
  auto fourth = transport.send(get(server.url() + "/longer"));
  ASSERT_TRUE(fourth.ok()) << fourth.error().describe();
  EXPECT_EQ(fourth->body.data(), memory);
  EXPECT_TRUE(fourth->body == longer);
}

TEST(CpprestTransportTest, RedirectComesBackAsAResponse) {
  LocalHttpServer elsewhere([](const LocalHttpServer::Request&) { return http_reply(200, "{}"); });
  LocalHttpServer server([&](const LocalHttpServer::Request&) {
    return http_reply(302, "", {{"Location", elsewhere.url() + "/v1.0/users/u1"}});
  });
  CpprestTransport transport({});
  auto response = transport.send(get(server.url() + "/v1.0/users/u1"));
  ASSERT_TRUE(response.ok()) << response.error().describe();
  EXPECT_EQ(response->status, 302);
  EXPECT_TRUE(elsewhere.requests().empty());
}

TEST(CpprestTransportTest, GraphClientNeverSendsItsTokenToARedirectTarget) {
  LocalHttpServer elsewhere(
      [](const LocalHttpServer::Request&) { return http_reply(200, R"({"id":"u1"})"); });
  LocalHttpServer graph([&](const LocalHttpServer::Request&) {
    return http_reply(302, "", {{"Location", elsewhere.url() + "/v1.0/users/u1"}});
  });
  FakeClock clock;
  CpprestTransport transport({});
  test::CountingTokens tokens;
  RetryPolicy retry(clock, RetrySettings{3});
  GraphClient client(GraphClientOptions{graph.url() + "/v1.0"}, transport, tokens, retry, nullptr);
  auto user = client.get_user("contoso", "u1");
  ASSERT_FALSE(user.ok());
  EXPECT_EQ(user.error().kind, ErrorKind::Invalid);
  ASSERT_EQ(graph.requests().size(), 1u);
  EXPECT_EQ(graph.requests()[0].headers["authorization"], "Bearer token-1");
  EXPECT_TRUE(elsewhere.requests().empty());
  for (const auto& r : elsewhere.requests()) EXPECT_EQ(r.headers.count("authorization"), 0u);
}

TEST(CpprestTransportTest, DeadlineHoldsWhenTheServerDripsBytes) {
  // One byte every 100 ms keeps cpprestsdk's idle timer happy forever; only a real
  // deadline ends this.
  LocalHttpServer server([](const LocalHttpServer::Request&) {
    LocalHttpServer::Reply r;
    r.action = LocalHttpServer::Reply::Action::Drip;
    r.bytes = "HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n" + std::string(100000, 'x');
    return r;
  });
  CpprestTransport transport({});
  auto start = std::chrono::steady_clock::now();
  auto response = transport.send(get(server.url() + "/slow", 700ms));
  auto took = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.error().kind, ErrorKind::Transient);
  EXPECT_GE(took, 650ms);
  EXPECT_LT(took, 3s);
  EXPECT_EQ(transport.stats().snapshot().dropped, 1u);
}

TEST(CpprestTransportTest, NoAnswerTimesOutAsTransient) {
  LocalHttpServer server([](const LocalHttpServer::Request&) {
    LocalHttpServer::Reply r;
    r.action = LocalHttpServer::Reply::Action::Hang;
    return r;
  });
  CpprestTransport transport({});
  auto start = std::chrono::steady_clock::now();
  auto response = transport.send(get(server.url() + "/hang", 500ms));
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.error().kind, ErrorKind::Transient);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 3s);
}

TEST(CpprestTransportTest, DroppedConnectionAndRefusedConnectionAreTransient) {
  LocalHttpServer server([](const LocalHttpServer::Request&) {
    LocalHttpServer::Reply r;
    r.action = LocalHttpServer::Reply::Action::Close;
    return r;
  });
  CpprestTransport transport({});
  auto dropped = transport.send(get(server.url() + "/drop"));
  ASSERT_FALSE(dropped.ok());
  EXPECT_EQ(dropped.error().kind, ErrorKind::Transient);
  auto refused =
      transport.send(get("http://127.0.0.1:" + std::to_string(test::unused_port()) + "/"));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().kind, ErrorKind::Transient);
  EXPECT_EQ(transport.stats().snapshot().dropped, 2u);
}

TEST(CpprestTransportTest, ResponseCutShortIsTransient) {
  LocalHttpServer server([](const LocalHttpServer::Request&) {
    LocalHttpServer::Reply r;
    r.bytes = "HTTP/1.1 200 OK\r\nContent-Length: 5000\r\n\r\n{\"value\":[";
    r.close_after = true;
    return r;
  });
  CpprestTransport transport({});
  auto start = std::chrono::steady_clock::now();
  auto response = transport.send(get(server.url() + "/cut", 5s));
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.error().kind, ErrorKind::Transient);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 4s);  // noticed, not timed out
}

TEST(CpprestTransportTest, PlainHttpOnlyToLoopbackUnlessAllowed) {
  CpprestTransport transport({});
  auto refused = transport.send(get("http://graph.example.com/v1.0/users"));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().kind, ErrorKind::Invalid);
  EXPECT_NE(refused.error().message.find("allowInsecureHttp"), std::string::npos);
  EXPECT_EQ(transport.stats().snapshot().requests, 0u);  // nothing was sent

  LocalHttpServer server([](const LocalHttpServer::Request&) { return http_reply(200, "{}"); });
  auto local = transport.send(get("http://localhost:" + std::to_string(server.port()) + "/"));
  EXPECT_TRUE(local.ok()) << local.error().describe();

  auto bad = transport.send(get("ftp://example.com/"));
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().kind, ErrorKind::Invalid);
}

TEST(CpprestTransportTest, ConcurrencyIsBounded) {
  LocalHttpServer server([](const LocalHttpServer::Request&) {
    auto r = http_reply(200, "{}");
    r.delay = 150ms;
    return r;
  });
  CpprestTransport transport({2, false, ""});
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int i = 0; i < 6; ++i) {
    threads.emplace_back([&] {
      if (transport.send(get(server.url() + "/x")).ok()) ++ok;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 6);
  EXPECT_LE(server.max_concurrent(), 2);
}

TEST(CpprestTransportTest, ReadsReuseAConnectionWritesGetFreshOnes) {
  LocalHttpServer server([](const LocalHttpServer::Request&) { return http_reply(200, "{}"); });
  CpprestTransport transport({});
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(transport.send(get(server.url() + "/r")).ok());
    // cpprestsdk hands the connection back to its pool just after the response completes.
    std::this_thread::sleep_for(50ms);
  }
  EXPECT_EQ(server.connections(), 1);
  int before = server.connections();
  for (int i = 0; i < 3; ++i) {
    HttpRequest w = get(server.url() + "/w");
    w.method = "POST";
    w.body = "{}";
    w.reuse_connection = false;
    ASSERT_TRUE(transport.send(w).ok());
    std::this_thread::sleep_for(50ms);
  }
  EXPECT_EQ(server.connections() - before, 3);
}

TEST(CpprestTransportTest, TransportCanBeDestroyedWhileARequestIsStillCancelling) {
  LocalHttpServer server([](const LocalHttpServer::Request&) {
    LocalHttpServer::Reply r;
    r.action = LocalHttpServer::Reply::Action::Hang;
    return r;
  });
  {
    CpprestTransport transport({});
    EXPECT_FALSE(transport.send(get(server.url() + "/hang", 200ms)).ok());
  }
  std::this_thread::sleep_for(100ms);  // let the cancelled completion run after destruction
}

}  // namespace cpprest_transport_test
}  // namespace tenantsync
