#include "sync/run/notification_policy.h"

#include <algorithm>
#include <set>

namespace tenantsync {

const char* to_string(NoticeKind kind) {
  switch (kind) {
    case NoticeKind::None:
      return "";
    case NoticeKind::Changed:
      return "changed";
    case NoticeKind::Resolved:
      return "resolved";
    case NoticeKind::Applied:
      return "applied";
    case NoticeKind::Reminder:
      return "reminder";
  }
  return "";
}

std::vector<OpenMatter> open_matters(const CycleResult& cycle, const CycleOutcome& outcome) {
  std::vector<OpenMatter> out;
  if (outcome.status == CycleStatus::Failed) {
    out.push_back({"cycle|failed", "the cycle failed: " + outcome.error});
  }
  for (const auto& t : outcome.tenants) {
    switch (t.status) {
      case TenantStatus::Failed:
      case TenantStatus::Stale:
      case TenantStatus::Gone:
      case TenantStatus::Refused:
        out.push_back({t.tenant + "|" + to_string(t.status),
                       t.tenant + " " + to_string(t.status) + ": " + t.detail});
        break;
      default:
        break;
    }
  }
  for (const auto& t : cycle.left.tenants) {
    for (const auto& item : t.items) {
      std::string key = t.name() + "|" + to_string(item.kind) + "|" + item.user + "|" + item.sku +
                        "|" + to_string(item.status);
      std::string text = t.name() + ": " + item.user + ": " + drift_kind_label(item.kind);
      if (!item.sku.empty()) text += " " + item.sku;
      if (item.status != DriftStatus::Ready) text += " (" + std::string(to_string(item.status));
      if (item.status != DriftStatus::Ready && !item.reason.empty()) text += ": " + item.reason;
      if (item.status != DriftStatus::Ready) text += ")";
      out.push_back({std::move(key), std::move(text)});
    }
    for (const auto& seat : t.seats) {
      if (seat.shortfall <= 0) continue;
      out.push_back({t.name() + "|seats|" + seat.sku + "|" + std::to_string(seat.shortfall),
                     t.name() + ": " + seat_advice(seat)});
    }
  }
  return out;
}

NoticeDecision decide_notice(const std::optional<NotifiedState>& last,
                             const std::vector<OpenMatter>& now, int applied, Clock::time_point at,
                             std::chrono::seconds remind_every) {
  NoticeDecision d;
  std::set<std::string> told;
  if (last) told.insert(last->matters.begin(), last->matters.end());
  std::set<std::string> open;
  for (const auto& m : now) {
    open.insert(m.key);
    if (!told.count(m.key)) d.added.push_back(m);
  }
  for (const auto& key : told) {
    if (!open.count(key)) d.resolved.push_back(key);
  }
  if (!d.added.empty() || !d.resolved.empty()) {
    d.kind = now.empty() ? NoticeKind::Resolved : NoticeKind::Changed;
  } else if (applied > 0) {
    d.kind = NoticeKind::Applied;
  } else if (!now.empty() && last && at - last->sent_at >= remind_every) {
    d.kind = NoticeKind::Reminder;
  }
  return d;
}

}  // namespace tenantsync
