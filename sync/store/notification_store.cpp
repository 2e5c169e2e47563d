#include "sync/store/notification_store.h"

#include <nlohmann/json.hpp>

#include "sync/log.h"
#include "sync/store/cache_database.h"
#include "sync/store/sqlite.h"

namespace tenantsync {

namespace {

Clock::time_point time_of(const std::string& text) {
  Clock::time_point t{};
  parse_iso8601(text, t);
  return t;
}

}  // namespace

Result<std::optional<NotifiedState>> NotificationStore::last() const {
  return db_.with_reader([&](Database& db) -> Result<std::optional<NotifiedState>> {
    auto s = db.cached("SELECT matters, status, sent_at FROM notification_state WHERE id = 1");
    if (!s.ok()) return s.error();
    std::optional<NotifiedState> out;
    Status read = for_each_row(**s, [&](const Statement& r) -> Status {
      auto matters = nlohmann::json::parse(r.column_text(0), nullptr, false);
      if (!matters.is_array()) {
        return make_error(ErrorKind::Io, "the cache's notification_state row is damaged",
                          "cache-damaged");
      }
      NotifiedState state;
      for (const auto& m : matters) {
        if (m.is_string()) state.matters.push_back(m.get<std::string>());
      }
      state.status = r.column_text(1);
      state.sent_at = time_of(r.column_text(2));
      out = std::move(state);
      return {};
    });
    if (!read.ok()) return read.error();
    return out;
  });
}

Status NotificationStore::record(const NotifiedState& state, const std::string& body) {
  return db_.with_writer([&](Database& db) -> Status {
    auto tx = Transaction::begin(db);
    if (!tx.ok()) return tx.error();
    auto put = db.cached(
        "INSERT INTO notification_state (id, matters, status, sent_at) VALUES (1, ?1, ?2, ?3) "
        "ON CONFLICT (id) DO UPDATE SET matters = ?1, status = ?2, sent_at = ?3");
    if (!put.ok()) return put.error();
    (*put)->bind_all(nlohmann::json(state.matters).dump(), state.status,
                     format_iso8601(state.sent_at));
    if (Status st = (*put)->run(); !st.ok()) return st;
    auto queue = db.cached("INSERT INTO notification_outbox (body, created_at) VALUES (?1, ?2)");
    if (!queue.ok()) return queue.error();
    (*queue)->bind_all(body, format_iso8601(state.sent_at));
    if (Status st = (*queue)->run(); !st.ok()) return st;
    auto excess = db.query_int("SELECT count(*) FROM notification_outbox");
    if (!excess.ok()) return excess.error();
    if (*excess > kMaxOutbox) {
      auto drop = db.cached(
          "DELETE FROM notification_outbox WHERE id IN "
          "(SELECT id FROM notification_outbox ORDER BY id LIMIT ?1)");
      if (!drop.ok()) return drop.error();
      (*drop)->bind(1, *excess - kMaxOutbox);
      if (Status st = (*drop)->run(); !st.ok()) return st;
      log_warn("webhook: dropped the oldest undelivered notifications",
               {{"dropped", std::to_string(*excess - kMaxOutbox)}});
    }
    return tx->commit();
  });
}

Result<std::vector<OutboxPost>> NotificationStore::outbox() const {
  return db_.with_reader([&](Database& db) -> Result<std::vector<OutboxPost>> {
    auto s = db.cached("SELECT id, body, created_at FROM notification_outbox ORDER BY id");
    if (!s.ok()) return s.error();
    std::vector<OutboxPost> out;
    Status read = for_each_row(**s, [&](const Statement& r) {
      out.push_back({r.column_int64(0), r.column_text(1), time_of(r.column_text(2))});
    });
    if (!read.ok()) return read.error();
    return out;
  });
}

Status NotificationStore::delivered(std::int64_t id) {
  return db_.with_writer([&](Database& db) -> Status {
    auto s = db.cached("DELETE FROM notification_outbox WHERE id = ?1");
    if (!s.ok()) return s.error();
    (*s)->bind(1, id);
    return (*s)->run();
  });
}

}  // namespace tenantsync
