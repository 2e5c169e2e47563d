#include "connector/webhook_notifier.h"

#include "connector/webhook_redaction.h"
#include "sync/log.h"

namespace tenantsync {

WebhookNotifier::WebhookNotifier(std::string url, std::unique_ptr<HttpTransport> transport,
                                 std::chrono::milliseconds timeout)
    : url_(std::move(url)),
      name_(webhook_name(url_)),
      transport_(std::move(transport)),
      timeout_(timeout) {}

bool WebhookNotifier::deliver(const std::string& body) {
  HttpRequest request;
  request.method = "POST";
  request.url = url_;
  request.headers = {{"Content-Type", "application/json"}};
  request.body = body;
  request.timeout = timeout_;
  request.reuse_connection = false;
  auto response = transport_->send(request);
  std::string problem;
  if (!response.ok()) {
    problem = response.error().message;
  } else if (response->status < 200 || response->status > 299) {
    problem = "HTTP " + std::to_string(response->status);
  }
  if (problem.empty()) return true;
  // Never the URL, its path or its query: Teams and Slack webhook URLs are secrets.
  log_warn(
      "webhook: notification not delivered; kept in the cache and sent again by the next "
      "cycle or run",
      {{"webhook", name_}, {"error", redact_secrets(scrub_webhook_url(problem, url_))}});
  return false;
}

}  // namespace tenantsync
