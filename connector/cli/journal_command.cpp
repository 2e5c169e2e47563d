// `tenantsync journal`: the audit trail of every operation sent, with outcome.
#include <cstdio>

#include <nlohmann/json.hpp>

#include "connector/cli/command_context.h"
#include "connector/cli/commands.h"
#include "connector/cli/engine_session.h"
#include "connector/cli/exit_codes.h"
#include "model/json_text.h"
#include "sync/clock.h"
#include "sync/plural.h"

namespace tenantsync {

namespace {

nlohmann::json entry_json(const JournalEntry& e) {
  nlohmann::json j = {{"planId", e.plan_id},
                      {"seq", e.seq},
                      {"time", e.created_at},
                      {"updated", e.updated_at},
                      {"tenant", e.tenant},
                      {"tenantId", e.tenant_id},
                      {"user", e.user},
                      {"userId", e.user_id},
                      {"op", to_string(e.op)},
                      {"sku", e.sku},
                      {"state", to_string(e.state)},
                      {"request", e.request}};
  if (!e.error_code.empty() || !e.error_message.empty()) {
    j["error"] = {{"code", e.error_code}, {"message", e.error_message}};
  }
  return j;
}

}  // namespace

int run_journal(const GlobalFlags& g, const JournalFlags& o) {
  JournalQuery query;
  if (!o.since.empty()) {
    Clock::time_point since;
    if (!parse_date_or_time(o.since, since)) {
      return usage_error("journal", "--since " + o.since +
                                        ": expected a date (2026-11-20) or a full ISO 8601 time "
                                        "with Z or an offset (2026-11-20T08:00:00Z, "
                                        "2026-11-20T08:00:00+01:00)");
    }
    query.since = since;
  }
  auto config = load_command_config(g);
  if (!config.ok()) return report_failure("journal", config.error());
  auto session = EngineSession::open(*config, /*need_remote=*/false);
  if (!session.ok()) return report_failure("journal", session.error());
  Cache& cache = (*session)->cache();
  query.tenant = o.tenant;
  bool cached = false;
  if (!o.tenant.empty()) {
    auto tenant = cache.find_tenant(o.tenant);
    if (tenant.ok()) {
      cached = true;
      query.tenant = tenant->id;  // by id: entries written under a former domain too
    } else if (tenant.error().kind != ErrorKind::NotFound) {
      return report_failure("journal", tenant.error());
    }
  }
  auto entries = cache.journal().list(query);
  if (!entries.ok()) return report_failure("journal", entries.error());
  if (!o.tenant.empty() && !cached) {
    // The cache never forgets a tenant, but its entries keep the default domain they were
    // written under: a name only the journal knows is a tenant's former domain. A name
    // neither knows is a typo, not an empty selection.
    auto named = cache.journal().list({o.tenant, {}});
    if (!named.ok()) return report_failure("journal", named.error());
    if (named->empty()) return report_failure("journal", tenant_not_cached(o.tenant));
  }
  if (o.format == "json") {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& e : *entries) out.push_back(entry_json(e));
    std::printf("%s\n", dump_json(out, 2).c_str());
    return kExitOk;
  }
  if (entries->empty()) {
    std::printf("The journal is empty%s.\n",
                o.tenant.empty() && o.since.empty() ? "" : " for this selection");
    return kExitOk;
  }
  for (const auto& e : *entries) {
    std::printf("%s  %-8s %-8s %-30s %-40s %-12s", e.created_at.c_str(), to_string(e.state),
                to_string(e.op), e.tenant.c_str(), e.user.c_str(), e.sku.c_str());
    // A failure has the service's code; a blocked or skipped entry only its reason.
    if (!e.error_code.empty()) {
      std::printf("  %s: %s", e.error_code.c_str(), e.error_message.c_str());
    } else if (!e.error_message.empty()) {
      std::printf("  %s", e.error_message.c_str());
    }
    std::printf("\n");
  }
  std::printf("%s.\n", plural(static_cast<int>(entries->size()), "entry", "entries").c_str());
  return kExitOk;
}

}  // namespace tenantsync
