// What `tenantsync run` tells admins after a cycle worth telling (drift, failures,
// blocked operations): the webhook body, one summary line per tenant plus where the
// cycle's reports are. Three shapes (config `webhook.format`):
// - json: {"source":"tenantsync","cycle":N,"started":ISO,"seconds":s,"status":...,
//          "totals":{...},"tenants":[{"tenant","mode","driftFound","applied","failed",
//          "blocked","driftLeft","seatsToBuy","mirror"}],"reports":{"html","json"}}
//   status: "failed" (the cycle or a tenant's mirror failed), "partial" (operations
//   failed or were blocked), "drift" (drift found or left), "ok".
// - teams: an Office 365 connector MessageCard (title, text, one section of facts per
//   tenant), which Teams incoming webhooks accept.
// - slack: {"text": ...} with one mrkdwn line per tenant, for Slack incoming webhooks.
// No secrets can reach it: it is built from counts, tenant names and file paths only.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "model/config.h"
#include "sync/reconcile_cycle.h"

namespace tenantsync {

struct CycleReportFiles {
  std::string html;  // empty when not written
  std::string json;
};

// "failed" | "partial" | "drift" | "ok", as above.
const char* cycle_status(const CycleResult& cycle);

nlohmann::json cycle_notification(const CycleResult& cycle, int cycle_number,
                                  const CycleReportFiles& reports, WebhookFormat format);

}  // namespace tenantsync
