#include "connector/webhook_notifier.h"

#include "connector/url.h"
#include "model/json_text.h"
#include "sync/log.h"

namespace tenantsync {

WebhookNotifier::WebhookNotifier(std::string url, std::unique_ptr<HttpTransport> transport)
    : url_(std::move(url)), transport_(std::move(transport)) {
  auto parsed = parse_url(url_);
  host_ = parsed ? parsed->host : "(unparsable URL)";
}

int WebhookNotifier::notify(const nlohmann::json& body) {
  queue_.push_back(dump_json(body));
  while (queue_.size() > kMaxQueued) {
    queue_.pop_front();
    log_warn("webhook: dropped the oldest undelivered notification", {{"host", host_}});
  }
  int delivered = 0;
  while (!queue_.empty()) {
    HttpRequest request;
    request.method = "POST";
    request.url = url_;
    request.headers = {{"Content-Type", "application/json"}};
    request.body = queue_.front();
    request.timeout = std::chrono::seconds(15);
    request.reuse_connection = false;
    auto response = transport_->send(request);
    std::string problem;
    if (!response.ok()) {
      problem = response.error().message;
    } else if (response->status < 200 || response->status > 299) {
      problem = "HTTP " + std::to_string(response->status);
    }
    for (size_t at; !url_.empty() && (at = problem.find(url_)) != std::string::npos;) {
      problem.replace(at, url_.size(), host_);
    }
    if (!problem.empty()) {
      // Never the URL itself: Teams and Slack webhook URLs are secrets.
      log_warn("webhook: notification not delivered; sent again after the next cycle",
               {{"host", host_},
                {"error", redact_secrets(problem)},
                {"queued", std::to_string(queue_.size())}});
      return delivered;
    }
    queue_.pop_front();
    ++delivered;
  }
  return delivered;
}

}  // namespace tenantsync
