#include "connector/cli/interrupted_apply.h"

namespace tenantsync {

Result<SettleReport> settle_interrupted_apply(EngineSession& session, const std::string& command,
                                              const std::string& tenant, FILE* out) {
  SettleOptions options;
  options.tenant = tenant;
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
  if (settled->unresolved_tenants.empty()) return settled;
  std::string names;
  for (const auto& t : settled->unresolved_tenants) names += (names.empty() ? "" : ", ") + t;
  return make_error(ErrorKind::Transient,
                    "could not settle what an interrupted run left unfinished in " + names +
                        " (the users could not be read); nothing new was sent: run " + command +
                        " again");
}

}  // namespace tenantsync
