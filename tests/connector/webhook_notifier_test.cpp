// Webhook delivery: a POST of the JSON body; a failure is kept and sent again with the
// next notification, oldest first; the queue is bounded; the URL (a secret for Teams and
// Slack) never reaches a log.
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

  EXPECT_EQ(notifier.notify({{"cycle", 1}}), 1);

  auto sent = t->requests();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].method, "POST");
  EXPECT_EQ(sent[0].url, kUrl);
  EXPECT_EQ(sent[0].body, R"({"cycle":1})");
  EXPECT_EQ(*find_request_header(sent[0], "content-type"), "application/json");
  EXPECT_EQ(notifier.queued(), 0u);
}

TEST(WebhookNotifierTest, AFailedDeliveryIsSentAgainBeforeTheNextOne) {
  int status = 500;
  auto transport =
      std::make_unique<ScriptedTransport>([&](const HttpRequest&) { return answer(status); });
  ScriptedTransport* t = transport.get();
  WebhookNotifier notifier(kUrl, std::move(transport));

  EXPECT_EQ(notifier.notify({{"cycle", 1}}), 0);
  EXPECT_EQ(notifier.queued(), 1u);
  status = 204;
  EXPECT_EQ(notifier.notify({{"cycle", 2}}), 2);

  auto sent = t->requests();
  ASSERT_EQ(sent.size(), 3u);
  EXPECT_EQ(sent[1].body, R"({"cycle":1})");
  EXPECT_EQ(sent[2].body, R"({"cycle":2})");
  EXPECT_EQ(notifier.queued(), 0u);
}

TEST(WebhookNotifierTest, TheQueueIsBoundedAndTheUrlIsNeverLogged) {
  auto transport =
      std::make_unique<ScriptedTransport>([](const HttpRequest&) -> Result<HttpResponse> {
        return make_error(ErrorKind::Transient, "cannot connect to " + kUrl);
      });
  WebhookNotifier notifier(kUrl, std::move(transport));
  configure_logging(LogLevel::Info, false);
  ::testing::internal::CaptureStderr();

  for (int i = 0; i < 25; ++i) notifier.notify({{"cycle", i}});

  std::string logged = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(notifier.queued(), WebhookNotifier::kMaxQueued);
  EXPECT_THAT(logged, HasSubstr("hooks.example.invalid"));
  EXPECT_THAT(logged, Not(HasSubstr("s3cr3tPath")));
}

}  // namespace
}  // namespace tenantsync
