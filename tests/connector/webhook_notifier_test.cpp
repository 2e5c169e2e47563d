// Webhook delivery: a POST of the JSON body, true when the webhook took it; the URL (a
// secret for Teams and Slack) never reaches a log. (Keeping what was not delivered is the
// outbox's job: notification_store_test, SchedulerCliTest.)
#include "connector/webhook_notifier.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "connector/cpprest_transport.h"
#include "connector/webhook_redaction.h"
#include "sync/log.h"
#include "tests/connector/scripted_transport.h"
#include "tests/support/local_http_server.h"

namespace tenantsync {
namespace webhook_notifier_test {

using test::ScriptedTransport;
using ::testing::HasSubstr;
using ::testing::Not;

const std::string kUrl = "https://hooks.example.invalid/services/T000/B000/s3cr3tPath";

HttpResponse answer(int status) {
  HttpResponse r;
  r.status = status;
  return r;
}

TEST(WebhookNotifierTest, PostsTheBodyAsJson) {
  auto transport =
      std::make_unique<ScriptedTransport>([](const HttpRequest&) { return answer(200); });
  ScriptedTransport* t = transport.get();
  WebhookNotifier notifier(kUrl, std::move(transport));

  EXPECT_TRUE(notifier.deliver(R"({"cycle":1})"));

  auto sent = t->requests();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].method, "POST");
  EXPECT_EQ(sent[0].url, kUrl);
  EXPECT_EQ(sent[0].body, R"({"cycle":1})");
  EXPECT_EQ(*find_request_header(sent[0], "content-type"), "application/json");
}

TEST(WebhookNotifierTest, AnAnswerOtherThan2xxIsNotDelivered) {
  auto transport =
      std::make_unique<ScriptedTransport>([&](const HttpRequest&) { return answer(500); });
  WebhookNotifier notifier(kUrl, std::move(transport));
  EXPECT_FALSE(notifier.deliver(R"({"cycle":1})"));
}

TEST(WebhookNotifierTest, TheUrlIsNeverLogged) {
  auto transport =
      std::make_unique<ScriptedTransport>([](const HttpRequest&) -> Result<HttpResponse> {
        return make_error(ErrorKind::Transient, "cannot connect to " + kUrl);
      });
  WebhookNotifier notifier(kUrl, std::move(transport));
  configure_logging(LogLevel::Info, false);
  ::testing::internal::CaptureStderr();

  EXPECT_FALSE(notifier.deliver(R"({"cycle":1})"));

  std::string logged = ::testing::internal::GetCapturedStderr();
  EXPECT_THAT(logged, HasSubstr("hooks.example.invalid"));
  EXPECT_THAT(logged, Not(HasSubstr("s3cr3tPath")));
}

TEST(WebhookNotifierTest, TheWebhookIsNamedBySchemeHostAndPortOnly) {
  EXPECT_EQ(webhook_name("https://Hooks.Example.com/services/T0/B0/x?y=z"),
            "https://hooks.example.com");
  EXPECT_EQ(webhook_name("https://hooks.example.com:8443/a"), "https://hooks.example.com:8443");
  EXPECT_EQ(webhook_name("http://127.0.0.1:80/a"), "http://127.0.0.1");
  EXPECT_EQ(webhook_name("http://[::1]:8080/a"), "http://[::1]:8080");
  EXPECT_EQ(webhook_name("hooks.example.com/SECRET"), "(unparsable webhook URL)");
}

TEST(WebhookNotifierTest, TransportMessagesAreScrubbedOfThePathAndQuery) {
  const std::string url =
      "https://flow.example.com/workflows/SECRETPATH123/run?api=1&sig=SECRETSIG";
  for (const std::string& message : std::vector<std::string>{
           "POST " + url + " failed",
           "POST https://flow.example.com:443/workflows/SECRETPATH123/run: reset",
           "cannot send /workflows/SECRETPATH123/run?api=1&sig=SECRETSIG",
           "bad query sig=SECRETSIG", "segment SECRETPATH123 refused",
           "encoded %2Fworkflows%2FSECRETPATH123%2Frun"}) {
    std::string scrubbed = scrub_webhook_url(message, url);
    EXPECT_THAT(scrubbed, Not(HasSubstr("SECRETPATH123"))) << message;
    EXPECT_THAT(scrubbed, Not(HasSubstr("SECRETSIG"))) << message;
  }
  EXPECT_EQ(scrub_webhook_url("POST " + url + " failed", url),
            "POST https://flow.example.com failed");
  EXPECT_EQ(
      scrub_webhook_url("POST https://flow.example.com:443/workflows/SECRETPATH123/run: x", url),
      "POST https://flow.example.com: x");
}

// A real transport failing in three ways; the log names scheme://host:port and nothing of
// the path or query.
class WebhookFailureLogTest : public ::testing::Test {
 protected:
  std::string deliver_once(int port) {
    std::string url =
        "http://127.0.0.1:" + std::to_string(port) + "/workflows/SECRETPATH123?sig=SECRETSIG";
    CpprestTransport::Options options;
    options.concurrency = 1;
    WebhookNotifier notifier(url, std::make_unique<CpprestTransport>(options),
                             std::chrono::milliseconds(300));
    configure_logging(LogLevel::Trace, false);
    ::testing::internal::CaptureStderr();
    bool delivered = notifier.deliver(R"({"cycle":1})");
    std::string logged = ::testing::internal::GetCapturedStderr();
    configure_logging(LogLevel::Info, false);
    EXPECT_FALSE(delivered);
    EXPECT_THAT(logged, HasSubstr("not delivered"));
    EXPECT_THAT(logged, HasSubstr("http://127.0.0.1:" + std::to_string(port)));
    EXPECT_THAT(logged, Not(HasSubstr("SECRETPATH123")));
    EXPECT_THAT(logged, Not(HasSubstr("SECRETSIG")));
    return logged;
  }
};

TEST_F(WebhookFailureLogTest, ConnectionRefused) { deliver_once(test::unused_port()); }

TEST_F(WebhookFailureLogTest, ServerError) {
  test::LocalHttpServer server(
      [](const test::LocalHttpServer::Request&) { return test::http_reply(500, "boom"); });
  EXPECT_THAT(deliver_once(server.port()), HasSubstr("500"));
}

TEST_F(WebhookFailureLogTest, NoAnswerBeforeTheTimeout) {
  test::LocalHttpServer server([](const test::LocalHttpServer::Request&) {
    test::LocalHttpServer::Reply reply;
    reply.action = test::LocalHttpServer::Reply::Action::Hang;
    return reply;
  });
  deliver_once(server.port());
}

}  // namespace webhook_notifier_test
}  // namespace tenantsync
