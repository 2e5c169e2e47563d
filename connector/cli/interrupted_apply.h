// Before a command plans anything: settle what an interrupted apply (or an interrupted
// assign, revoke, users ... command: they share the journal) left unfinished. Nothing of
// it is sent again (sync/apply/journal_settle.h): the command then plans afresh.
#pragma once

#include <cstdio>
#include <string>
#include <vector>

#include "connector/cli/engine_session.h"
#include "model/result.h"
#include "sync/apply/journal_settle.h"

namespace tenantsync {

// Settles the unfinished journal entries of `tenants` (ids or default domains; empty =
// every tenant) and prints one line on `out` saying what was settled, when there was
// anything. Entries that could not be settled (their users could not be read) stay open:
// the report's unsettled_tenants say which tenants and why, and nothing new may be sent
// to those (hold_back_unsettled()); the other tenants go on. Fails only when the journal
// cannot be read.
Result<SettleReport> settle_interrupted_apply(EngineSession& session,
                                              const std::vector<std::string>& tenants, FILE* out);

// For a command that works on one tenant (the user tasks): an error when what an
// interrupted run left unfinished there could not be settled, saying why; nothing new may
// be sent there, and the error says to run `command` again.
Status require_settled(const SettleReport& settled, const std::string& command);

}  // namespace tenantsync
