// What `tenantsync run` tells admins when the policy says so (sync/run/notification_policy.h):
// the cycle's outcome (sync/run/cycle_outcome.h) per tenant, what is new and what was
// resolved since the last post, and links to the cycle's reports. Three shapes (config
// `webhook.format`):
// - json: {"source":"tenantsync","cycle":N,"started":ISO,"seconds":s,"status":...,
//          "change":"changed|resolved|applied|reminder","summary":...,"totals":{...},
//          "tenants":[{"tenant","mode","status","detail","driftFound","applied","failed",
//          "blocked","driftLeft","seatsToBuy","refused"?}],"new":[...],"newCount":n,
//          "resolved":[...],"resolvedCount":n,"reports":{"html","json"},"error"?}
//   status: the cycle's (ok | drift | partial | refused | failed); a refused tenant's
//   "refused" says which limits ("maxRevocations"...), the counts, and its detail how to
//   raise them in the config.
// - teams: an Adaptive Card in the message Teams Workflows webhooks accept.
// - slack: {"text": ...} with one mrkdwn line per tenant, for Slack incoming webhooks.
// Lists of new and resolved matters are cut at kListedMatters (the counts say how many).
// No secrets can reach it: it is built from counts, names, redacted errors and links.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "model/config.h"
#include "sync/run/cycle_outcome.h"
#include "sync/run/notification_policy.h"
#include "sync/run/reconcile_cycle.h"

namespace tenantsync {

inline constexpr size_t kListedMatters = 20;

// Where a cycle's reports are: URLs when the reports are served (reports.baseUrl, or
// `run --listen`), else file paths; empty when not written.
struct CycleReportFiles {
  std::string html;
  std::string json;
};

struct CycleNotice {
  int cycle = 0;
  const CycleResult& result;
  const CycleOutcome& outcome;
  const NoticeDecision& decision;
  CycleReportFiles reports;
  std::string shard{};  // "k/N" of a sharded run: the summary and the JSON body name it
};

nlohmann::json cycle_notification(const CycleNotice& notice, WebhookFormat format);

}  // namespace tenantsync
