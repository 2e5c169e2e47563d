#include "connector/cli/interrupted_apply.h"

#include "sync/journal_resume.h"

namespace tenantsync {

Status settle_interrupted_apply(EngineSession& session, const std::string& command,
                                const std::string& tenant, FILE* out) {
  ResumeOptions options;
  options.tenant = tenant;
  auto resumed = resume_unfinished(session.directory(), session.cache(), options);
  if (!resumed.ok()) return resumed.error();
  if (!resumed->nothing_to_do()) {
    std::fprintf(out,
                 "Settled %zu operations an interrupted apply left unfinished: %d confirmed, "
                 "%d resent, %d failed, %d skipped.\n",
                 resumed->entries.size(), resumed->confirmed, resumed->resent, resumed->failed,
                 resumed->skipped);
  }
  if (resumed->unresolved_tenants.empty()) return Status();
  std::string names;
  for (const auto& t : resumed->unresolved_tenants) names += (names.empty() ? "" : ", ") + t;
  return make_error(ErrorKind::Transient,
                    "could not settle what an interrupted apply left unfinished in " + names +
                        " (the users could not be read); nothing new was sent: run " + command +
                        " again");
}

}  // namespace tenantsync
