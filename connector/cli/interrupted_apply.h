// Before a command plans anything: settle what an interrupted apply (or an interrupted
// assign, revoke, users ... command: they share the journal) left unfinished. Nothing of
// it is sent again (sync/apply/journal_settle.h): the command then plans afresh.
#pragma once

#include <cstdio>
#include <string>

#include "connector/cli/engine_session.h"
#include "model/result.h"
#include "sync/apply/journal_settle.h"

namespace tenantsync {

// Settles the unfinished journal entries of `tenant` ("" = every tenant) and prints one
// line on `out` saying what was settled, when there was anything. Returns the report, or
// fails when the journal cannot be read, or when some tenant's entries could not be
// settled (its users could not be read): then nothing new may be sent there until a
// later run settles them (the error says to run `command` again).
Result<SettleReport> settle_interrupted_apply(EngineSession& session, const std::string& command,
                                              const std::string& tenant, FILE* out);

}  // namespace tenantsync
