// The exit codes of docs/cli.md: scripts depend on them.
#pragma once

namespace tenantsync {

enum ExitCode : int {
  kExitOk = 0,       // success; plan/drift --detailed-exitcode: no changes
  kExitFailed = 1,   // config, auth, network, cache or remote error
  kExitChanges = 2,  // --detailed-exitcode: plan has operations / drift found
  kExitPartial = 3,  // some operations failed or were blocked; a tenant could not be planned
  kExitRefused = 4,  // a safety limit or a stale plan; nothing was sent
  kExitUsage = 64,   // bad flag or argument
};

}  // namespace tenantsync
