// Before a command plans anything: settle what an interrupted apply (or an interrupted
// assign, revoke, users ... command: they share the journal) left unfinished, so nothing
// it sent is sent twice and nothing it meant to send is lost (sync/journal_resume.h).
#pragma once

#include <cstdio>
#include <string>

#include "connector/cli/engine_session.h"
#include "model/result.h"

namespace tenantsync {

// Settles the unfinished journal entries of `tenant` ("" = every tenant) and prints a
// line on `out` when there were any. Fails when the journal cannot be read, or when some
// tenant's entries could not be settled (its users could not be read): then nothing new
// may be sent there until a later run settles them (the error says to run `command` again).
Status settle_interrupted_apply(EngineSession& session, const std::string& command,
                                const std::string& tenant, FILE* out);

}  // namespace tenantsync
