// Sends `tenantsync run`'s cycle notifications to the configured webhook (config
// `webhook.url`, shaped by `webhook.format`: sync/cycle_notification.h).
//
// A failed POST (no answer, or not 2xx) is never fatal: it is logged and the body is kept
// and sent again before the next cycle's, so an admin still hears of a cycle the webhook
// missed. At most `kMaxQueued` bodies are kept (the oldest are dropped, with a warning).
// The webhook URL may carry a secret (Teams and Slack put one in the path or query), so it
// is never logged: messages name the webhook as scheme://host[:port] only, and the
// transport's error text is scrubbed of the URL, its path and its query
// (webhook_redaction.h). Plain http:// only to loopback unless the config allows insecure
// http (the transport refuses it otherwise).
#pragma once

#include <chrono>
#include <deque>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "connector/http_transport.h"

namespace tenantsync {

class WebhookNotifier {
 public:
  static constexpr size_t kMaxQueued = 20;

  WebhookNotifier(std::string url, std::unique_ptr<HttpTransport> transport,
                  std::chrono::milliseconds timeout = std::chrono::seconds(15));

  // Queues `body` and sends everything queued, oldest first; stops at the first failure.
  // Returns how many were delivered.
  int notify(const nlohmann::json& body);
  size_t queued() const { return queue_.size(); }

 private:
  std::string url_;
  std::string name_;  // scheme://host[:port], for messages: the URL may hold a secret
  std::unique_ptr<HttpTransport> transport_;
  std::chrono::milliseconds timeout_;
  std::deque<std::string> queue_;
};

}  // namespace tenantsync
