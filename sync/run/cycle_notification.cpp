#include "sync/run/cycle_notification.h"

#include "sync/log.h"
#include "sync/plural.h"
#include "sync/run/adaptive_card.h"

namespace tenantsync {

namespace {

std::string counts(const TenantOutcome& t) {
  std::string s = std::to_string(t.found) + " drift found, " + std::to_string(t.applied) +
                  " applied, " + std::to_string(t.failed) + " failed, " +
                  std::to_string(t.blocked) + " blocked, " + std::to_string(t.left) + " left";
  if (t.seats_to_buy > 0) s += "; " + plural(t.seats_to_buy, "seat", "seats") + " to buy";
  return s;
}

std::string summary(const CycleNotice& n) {
  const CycleOutcome& o = n.outcome;
  std::string s = "tenantsync cycle " + std::to_string(n.cycle) +
                  (n.shard.empty() ? "" : " (shard " + n.shard + ")") + ": " + to_string(o.status);
  if (o.status == CycleStatus::Failed) return s + " (" + o.error + ")";
  auto refused = o.with(TenantStatus::Refused);
  if (!refused.empty()) {
    s += " (" + std::to_string(refused.size()) +
         (refused.size() == 1 ? " tenant over a safety limit" : " tenants over a safety limit") +
         ")";
  }
  s += "; " + plural(n.result.left.totals.items, "drift item", "drift items") + " left in " +
       plural(n.result.left.tenants_with_drift, "tenant", "tenants");
  if (n.decision.kind == NoticeKind::Reminder) s += " (reminder: still open)";
  return s;
}

// A matter's key for people: "contoso|missing-license|alice@...|SPE_E3|blocked" ->
// "contoso, missing-license, alice@..., SPE_E3, blocked".
std::string readable(std::string key) {
  std::string out;
  for (char c : key) {
    if (c == '|') {
      out += ", ";
    } else {
      out += c;
    }
  }
  return out;
}

nlohmann::json listed(const std::vector<std::string>& texts) {
  nlohmann::json out = nlohmann::json::array();
  for (size_t i = 0; i < texts.size() && i < kListedMatters; ++i) out.push_back(texts[i]);
  return out;
}

std::vector<std::string> added_texts(const NoticeDecision& d) {
  std::vector<std::string> out;
  for (const auto& m : d.added) out.push_back(m.text);
  return out;
}

std::vector<std::string> resolved_texts(const NoticeDecision& d) {
  std::vector<std::string> out;
  for (const auto& key : d.resolved) out.push_back(readable(key));
  return out;
}

nlohmann::json json_body(const CycleNotice& n) {
  const CycleOutcome& o = n.outcome;
  nlohmann::json tenants = nlohmann::json::array();
  for (const auto& t : o.tenants) {
    nlohmann::json line = {
        {"tenant", t.tenant},          {"mode", to_string(t.mode)}, {"status", to_string(t.status)},
        {"detail", t.detail},          {"driftFound", t.found},     {"applied", t.applied},
        {"failed", t.failed},          {"blocked", t.blocked},      {"driftLeft", t.left},
        {"seatsToBuy", t.seats_to_buy}};
    if (t.refused) {
      line["refused"] = {{"limits", t.refused->limits},
                         {"lossesOfAccess", t.refused->losses_of_access},
                         {"deletions", t.refused->deletions}};
    }
    tenants.push_back(std::move(line));
  }
  nlohmann::json body = {{"source", "tenantsync"},
                         {"cycle", n.cycle},
                         {"started", format_iso8601(n.result.started)},
                         {"seconds", n.result.seconds},
                         {"status", to_string(o.status)},
                         {"change", to_string(n.decision.kind)},
                         {"summary", summary(n)},
                         {"totals",
                          {{"driftFound", n.result.found.totals.items},
                           {"driftLeft", n.result.left.totals.items},
                           {"tenantsWithDrift", n.result.left.tenants_with_drift},
                           {"applied", o.applied}}},
                         {"tenants", tenants},
                         {"new", listed(added_texts(n.decision))},
                         {"newCount", n.decision.added.size()},
                         {"resolved", listed(resolved_texts(n.decision))},
                         {"resolvedCount", n.decision.resolved.size()},
                         {"reports", {{"html", n.reports.html}, {"json", n.reports.json}}}};
  if (!o.error.empty()) body["error"] = o.error;
  if (!n.shard.empty()) body["shard"] = n.shard;
  return body;
}

// The lines of a list cut at kListedMatters, with "... and N more" after.
std::string lines(const std::string& prefix, const std::vector<std::string>& texts) {
  std::string out;
  for (size_t i = 0; i < texts.size() && i < kListedMatters; ++i) {
    out += prefix + texts[i] + "\n";
  }
  if (texts.size() > kListedMatters) {
    out += "... and " + std::to_string(texts.size() - kListedMatters) + " more\n";
  }
  return out;
}

bool is_url(const std::string& s) {
  return s.rfind("https://", 0) == 0 || s.rfind("http://", 0) == 0;
}

nlohmann::json teams_card(const CycleNotice& n) {
  CardContent card;
  card.title = summary(n);
  card.text =
      lines("New: ", added_texts(n.decision)) + lines("Resolved: ", resolved_texts(n.decision));
  for (const auto& t : n.outcome.tenants) {
    CardFacts section;
    section.title = t.tenant + " (" + to_string(t.mode) + "): " + to_string(t.status);
    auto fact = [&](const std::string& name, const std::string& value) {
      section.facts.emplace_back(name, value);
    };
    if (!t.detail.empty()) fact("detail", t.detail);
    fact("drift found", std::to_string(t.found));
    fact("applied", std::to_string(t.applied));
    fact("failed", std::to_string(t.failed));
    fact("blocked", std::to_string(t.blocked));
    fact("drift left", std::to_string(t.left));
    if (t.seats_to_buy > 0) fact("seats to buy", std::to_string(t.seats_to_buy));
    card.sections.push_back(std::move(section));
  }
  // A button needs a URL; a file path is only worth a line of text.
  for (const auto& [title, where] :
       {std::pair<std::string, std::string>{"Drift report", n.reports.html},
        {"Drift report (JSON)", n.reports.json}}) {
    if (is_url(where)) {
      card.links.emplace_back(title, where);
    } else if (!where.empty()) {
      card.text += title + ": " + where + "\n";
    }
  }
  return teams_workflow_message(card);
}

nlohmann::json slack_message(const CycleNotice& n) {
  std::string text = "*" + summary(n) + "*";
  for (const auto& t : n.outcome.tenants) {
    text += "\n• `" + t.tenant + "` (" + to_string(t.mode) + "): " + to_string(t.status) + "; " +
            counts(t);
    if (!t.detail.empty()) text += "; " + t.detail;
  }
  auto added = added_texts(n.decision);
  for (size_t i = 0; i < added.size() && i < kListedMatters; ++i) text += "\nNew: " + added[i];
  auto resolved = resolved_texts(n.decision);
  for (size_t i = 0; i < resolved.size() && i < kListedMatters; ++i) {
    text += "\nResolved: " + resolved[i];
  }
  if (!n.reports.html.empty()) text += "\nReport: " + n.reports.html;
  return {{"text", text}};
}

}  // namespace

nlohmann::json cycle_notification(const CycleNotice& notice, WebhookFormat format) {
  switch (format) {
    case WebhookFormat::Teams:
      return teams_card(notice);
    case WebhookFormat::Slack:
      return slack_message(notice);
    case WebhookFormat::Json:
      return json_body(notice);
  }
  return json_body(notice);
}

}  // namespace tenantsync
