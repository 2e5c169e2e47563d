#include "sync/cycle_notification.h"

#include <map>

#include "sync/log.h"

namespace tenantsync {

namespace {

struct TenantLine {
  std::string tenant;
  std::string mode;
  int found = 0, applied = 0, failed = 0, blocked = 0, left = 0, seats_to_buy = 0;
  std::string mirror = "ok";
};

std::vector<TenantLine> tenant_lines(const CycleResult& c) {
  std::map<std::string, TenantLine> lines;  // by name: the report's order
  auto line = [&](const std::string& name) -> TenantLine& {
    TenantLine& l = lines[name];
    l.tenant = name;
    return l;
  };
  for (const auto& t : c.found.tenants) {
    TenantLine& l = line(t.name());
    l.mode = to_string(t.mode);
    l.found = t.totals.items;
  }
  for (const auto& t : c.left.tenants) {
    TenantLine& l = line(t.name());
    l.mode = to_string(t.mode);
    l.left = t.totals.items;
    l.blocked = t.totals.blocked;
    l.seats_to_buy = t.totals.seats_to_buy;
  }
  if (c.apply) {
    for (const auto& t : c.apply->plan.tenants) {
      TenantLine& l = line(t.tenant.empty() ? t.tenant_id : t.tenant);
      for (const auto& o : t.operations) {
        if (o.status == OpStatus::Applied) ++l.applied;
        if (o.status == OpStatus::Failed) ++l.failed;
      }
    }
  }
  for (const auto& m : c.mirror.tenants) {
    if (m.ok()) continue;
    std::string name =
        m.tenant.default_domain_name.empty() ? m.requested : m.tenant.default_domain_name;
    line(name).mirror = "failed: " + redact_secrets(m.error->describe());
  }
  std::vector<TenantLine> out;
  for (auto& [name, l] : lines) out.push_back(std::move(l));
  return out;
}

std::string sentence(const TenantLine& l) {
  std::string s = std::to_string(l.found) + " drift found, " + std::to_string(l.applied) +
                  " applied, " + std::to_string(l.failed) + " failed, " +
                  std::to_string(l.blocked) + " blocked, " + std::to_string(l.left) + " left";
  if (l.seats_to_buy > 0) s += "; " + std::to_string(l.seats_to_buy) + " seats to buy";
  if (l.mirror != "ok") s += "; mirror " + l.mirror;
  return s;
}

std::string title(const CycleResult& c, int n) {
  return "tenantsync cycle " + std::to_string(n) + ": " + cycle_status(c) + " (" +
         std::to_string(c.left.totals.items) + " drift items left in " +
         std::to_string(c.left.tenants_with_drift) + " tenants)";
}

std::string where(const CycleReportFiles& r) {
  if (r.html.empty() && r.json.empty()) return "";
  return "Reports: " + r.html + (r.html.empty() || r.json.empty() ? "" : ", ") + r.json;
}

}  // namespace

const char* cycle_status(const CycleResult& c) {
  if (c.error || c.mirror.error || c.mirror.failed() > 0) return "failed";
  if (c.left.totals.failed > 0 || c.left.totals.blocked > 0) return "partial";
  if (c.apply && c.apply->summary().failed > 0) return "partial";
  if (has_drift(c.found) || has_drift(c.left)) return "drift";
  return "ok";
}

nlohmann::json cycle_notification(const CycleResult& c, int n, const CycleReportFiles& reports,
                                  WebhookFormat format) {
  auto lines = tenant_lines(c);
  if (format == WebhookFormat::Teams) {
    nlohmann::json sections = nlohmann::json::array();
    for (const auto& l : lines) {
      sections.push_back({{"activityTitle", l.tenant + " (" + l.mode + ")"},
                          {"facts",
                           {{{"name", "drift found"}, {"value", std::to_string(l.found)}},
                            {{"name", "applied"}, {"value", std::to_string(l.applied)}},
                            {{"name", "failed"}, {"value", std::to_string(l.failed)}},
                            {{"name", "blocked"}, {"value", std::to_string(l.blocked)}},
                            {{"name", "drift left"}, {"value", std::to_string(l.left)}},
                            {{"name", "mirror"}, {"value", l.mirror}}}}});
    }
    return {{"@type", "MessageCard"},
            {"@context", "https://schema.org/extensions"},
            {"summary", title(c, n)},
            {"title", title(c, n)},
            {"text",
             c.error ? "The cycle failed: " + redact_secrets(c.error->describe()) : where(reports)},
            {"sections", sections}};
  }
  if (format == WebhookFormat::Slack) {
    std::string text = "*" + title(c, n) + "*";
    if (c.error) text += "\nThe cycle failed: " + c.error->describe();
    for (const auto& l : lines) text += "\n• `" + l.tenant + "` (" + l.mode + "): " + sentence(l);
    if (!where(reports).empty()) text += "\n" + where(reports);
    return {{"text", text}};
  }
  nlohmann::json tenants = nlohmann::json::array();
  for (const auto& l : lines) {
    tenants.push_back({{"tenant", l.tenant},
                       {"mode", l.mode},
                       {"driftFound", l.found},
                       {"applied", l.applied},
                       {"failed", l.failed},
                       {"blocked", l.blocked},
                       {"driftLeft", l.left},
                       {"seatsToBuy", l.seats_to_buy},
                       {"mirror", l.mirror}});
  }
  nlohmann::json body = {{"source", "tenantsync"},
                         {"cycle", n},
                         {"started", format_iso8601(c.started)},
                         {"seconds", c.seconds},
                         {"status", cycle_status(c)},
                         {"totals",
                          {{"driftFound", c.found.totals.items},
                           {"driftLeft", c.left.totals.items},
                           {"tenantsWithDrift", c.left.tenants_with_drift}}},
                         {"tenants", tenants},
                         {"reports", {{"html", reports.html}, {"json", reports.json}}}};
  if (c.error) body["error"] = redact_secrets(c.error->describe());
  return body;
}

}  // namespace tenantsync
