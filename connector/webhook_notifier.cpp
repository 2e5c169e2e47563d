#include "connector/webhook_notifier.h"

#include "connector/webhook_redaction.h"
#include "model/json_text.h"
#include "sync/log.h"

namespace tenantsync {

WebhookNotifier::WebhookNotifier(std::string url, std::unique_ptr<HttpTransport> transport,
                                 std::chrono::milliseconds timeout)
    : url_(std::move(url)),
      name_(webhook_name(url_)),
      transport_(std::move(transport)),
      timeout_(timeout) {}

int WebhookNotifier::notify(const nlohmann::json& body) {
  queue_.push_back(dump_json(body));
  while (queue_.size() > kMaxQueued) {
    queue_.pop_front();
    log_warn("webhook: dropped the oldest undelivered notification", {{"webhook", name_}});
  }
  int delivered = 0;
  while (!queue_.empty()) {
    HttpRequest request;
    request.method = "POST";
    request.url = url_;
    request.headers = {{"Content-Type", "application/json"}};
    request.body = queue_.front();
    request.timeout = timeout_;
    request.reuse_connection = false;
    auto response = transport_->send(request);
    std::string problem;
    if (!response.ok()) {
      problem = response.error().message;
    } else if (response->status < 200 || response->status > 299) {
      problem = "HTTP " + std::to_string(response->status);
    }
    if (!problem.empty()) {
      // Never the URL, its path or its query: Teams and Slack webhook URLs are secrets.
      log_warn("webhook: notification not delivered; sent again after the next cycle",
               {{"webhook", name_},
                {"error", redact_secrets(scrub_webhook_url(problem, url_))},
                {"queued", std::to_string(queue_.size())}});
      return delivered;
    }
    queue_.pop_front();
    ++delivered;
  }
  return delivered;
}

}  // namespace tenantsync
