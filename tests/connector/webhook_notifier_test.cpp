// Webhook delivery: a POST of the JSON body, true when the webhook took it; the URL (a
// secret for Teams and Slack) never reaches a log. (Keeping what was not delivered is the
// outbox's job: notification_store_test, SchedulerCliTest.)
#include "connector/webhook_notifier.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "sync/log.h"
#include "tests/connector/scripted_transport.h"

namespace tenantsync {
namespace {

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

}  // namespace
}  // namespace tenantsync
