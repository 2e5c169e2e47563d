// What every command needs before it does its work: the config (from --config,
// $TENANTSYNC_CONFIG or ./tenantsync.json), logging set up from flags and config, and a
// uniform way to report a failure on stderr.
#pragma once

#include <string>

#include "connector/cli/options.h"
#include "model/config.h"
#include "model/result.h"

namespace tenantsync {

// The config file the command line points at.
std::string config_path(const GlobalFlags& g);

// Loads and validates the config, then configures logging (flags win over the config).
Result<Config> load_command_config(const GlobalFlags& g);

// What the commands that read the cache only say of a tenant it does not know (NotFound):
// "tenant T is not in the cache: run `tenantsync mirror --tenant T` first".
Error tenant_not_cached(const std::string& tenant);

// Prints "tenantsync <command>: <error>" on stderr and returns kExitFailed.
int report_failure(const std::string& command, const Error& error);

// Prints "tenantsync <command>: <message>" and where to find the usage on stderr, and
// returns kExitUsage (64).
int usage_error(const std::string& command, const std::string& message);

}  // namespace tenantsync
