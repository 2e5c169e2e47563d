#include "connector/webhook_notifier.h"

#include "connector/url.h"
#include "sync/log.h"

namespace tenantsync {

WebhookNotifier::WebhookNotifier(std::string url, std::unique_ptr<HttpTransport> transport)
    : url_(std::move(url)), transport_(std::move(transport)) {
  auto parsed = parse_url(url_);
  host_ = parsed ? parsed->host : "(unparsable URL)";
}

bool WebhookNotifier::deliver(const std::string& body) {
  HttpRequest request;
  request.method = "POST";
  request.url = url_;
  request.headers = {{"Content-Type", "application/json"}};
  request.body = body;
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
  if (problem.empty()) return true;
  // Never the URL itself: Teams and Slack webhook URLs are secrets.
  log_warn(
      "webhook: notification not delivered; kept in the cache and sent again by the next "
      "cycle or run",
      {{"host", host_}, {"error", redact_secrets(problem)}});
  return false;
}

}  // namespace tenantsync
