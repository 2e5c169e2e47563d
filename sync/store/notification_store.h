// What `tenantsync run` has told the webhook, kept in the cache (schema v5) so that a
// restart, or the next `run --once`, goes on where the last one stopped:
// - the open matters of the last notification (sync/run/notification_policy.h), to post only
//   what changed, and when it was sent, to remind of what is still open;
// - the outbox: posts decided but not delivered yet, oldest first. A post is queued in the
//   same transaction that records it as sent, and leaves the outbox only once the webhook
//   took it, so a crash or an unreachable webhook loses nothing. At most kMaxOutbox are
//   kept (the oldest dropped with a warning): a webhook gone for weeks must not grow the
//   cache without bound.
// Goes through the cache's connections (cache_database.h); any thread may call it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "model/result.h"
#include "sync/clock.h"

namespace tenantsync {

class CacheDatabase;

struct NotifiedState {
  std::vector<std::string> matters;  // keys of the open matters last told
  std::string status;                // the cycle status last told
  Clock::time_point sent_at;
};

struct OutboxPost {
  std::int64_t id = 0;
  std::string body;  // the webhook's request body, as it is to be sent
  Clock::time_point created_at;
};

class NotificationStore {
 public:
  static constexpr int kMaxOutbox = 50;

  explicit NotificationStore(CacheDatabase& db) : db_(db) {}

  // The last notification decided; nullopt when none ever was.
  Result<std::optional<NotifiedState>> last() const;
  // Records `state` as the last notification and queues `body` for delivery, atomically.
  Status record(const NotifiedState& state, const std::string& body);
  // Posts not delivered yet, oldest first.
  Result<std::vector<OutboxPost>> outbox() const;
  // The webhook took post `id`.
  Status delivered(std::int64_t id);

 private:
  CacheDatabase& db_;
};

}  // namespace tenantsync
