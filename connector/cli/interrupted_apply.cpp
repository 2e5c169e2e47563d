#include "connector/cli/interrupted_apply.h"

namespace tenantsync {

Result<SettleReport> settle_interrupted_apply(EngineSession& session,
                                              const std::vector<std::string>& tenants, FILE* out) {
  SettleOptions options;
  options.tenants = tenants;
  options.request_timeout = std::chrono::seconds(session.config().remote.timeout_seconds);
  options.concurrency = tenant_concurrency(session.config());
  options.on_wait = [out](std::chrono::seconds wait) {
    std::fprintf(out,
                 "Waiting %llds for the requests of an interrupted run to time out before "
                 "checking what they did.\n",
                 static_cast<long long>(wait.count()));
    std::fflush(out);
  };
  auto settled = settle_unfinished(session.directory(), session.cache(), session.clock(), options);
  if (!settled.ok()) return settled.error();
  if (!settled->nothing_to_do()) std::fprintf(out, "%s\n", settled->summary().c_str());
  return settled;
}

Status require_settled(const SettleReport& settled, const std::string& command) {
  if (settled.unsettled_tenants.empty()) return {};
  std::string where;
  for (const auto& t : settled.unsettled_tenants) {
    where += (where.empty() ? "" : "; ") + t.tenant + " (" + t.why + ")";
  }
  return make_error(ErrorKind::Transient,
                    "could not settle what an interrupted run left unfinished in " + where +
                        "; nothing new was sent: run " + command + " again");
}

}  // namespace tenantsync
