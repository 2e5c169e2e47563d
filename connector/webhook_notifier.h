// Sends `tenantsync run`'s cycle notifications to the configured webhook (config
// `webhook.url`, shaped by `webhook.format`: sync/run/cycle_notification.h).
//
// A failed POST (no answer, or not 2xx) is never fatal: it is logged, and the caller keeps
// the body (the cache's outbox, sync/store/notification_store.h) to send again later.
// The webhook URL may carry a secret (Teams and Slack put one in the path or query), so it
// is never logged: messages name the webhook as scheme://host[:port] only, and the
// transport's error text is scrubbed of the URL, its path and its query
// (webhook_redaction.h). Plain http:// only to loopback unless the config allows insecure
// http (the transport refuses it otherwise).
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "connector/http_transport.h"

namespace tenantsync {

class WebhookNotifier {
 public:
  WebhookNotifier(std::string url, std::unique_ptr<HttpTransport> transport,
                  std::chrono::milliseconds timeout = std::chrono::seconds(15));

  // POSTs `body` (JSON text); true when the webhook took it (2xx).
  bool deliver(const std::string& body);

 private:
  std::string url_;
  std::string name_;  // scheme://host[:port], for messages: the URL may hold a secret
  std::unique_ptr<HttpTransport> transport_;
  std::chrono::milliseconds timeout_;
};

}  // namespace tenantsync
