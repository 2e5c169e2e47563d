#include "connector/cli/command_context.h"

#include <cstdio>
#include <cstdlib>

#include "connector/cli/exit_codes.h"
#include "sync/log.h"
#include "sync/product_names_file.h"
#include "sync/store/cache_database.h"

namespace tenantsync {

std::string config_path(const GlobalFlags& g) {
  if (!g.config.empty()) return g.config;
  const char* env = std::getenv("TENANTSYNC_CONFIG");
  if (env != nullptr && *env != '\0') return env;
  return "tenantsync.json";
}

Result<Config> load_command_config(const GlobalFlags& g) {
  auto config = load_config(config_path(g));
  if (!config.ok()) return config;
  if (!g.shard.empty()) {
    config->shard = parse_shard(g.shard);                  // checked by the parser
    if (config->shard->count == 1) config->shard.reset();  // 0/1 is every tenant
  }
  LogLevel level = LogLevel::Info;
  parse_log_level(g.log_level.empty() ? config->log_level : g.log_level, level);
  std::string format = g.log_format.empty() ? config->log_format : g.log_format;
  configure_logging(level, format == "json");
  // Installed before any command starts a thread: every report of this run reads them.
  if (!config->product_names.empty()) {
    auto names = load_product_names(config->product_names);
    if (!names.ok()) return names.error();
    install_product_names(std::move(names).value());
  }
  return config;
}

Error tenant_not_cached(const std::string& tenant) {
  return make_error(ErrorKind::NotFound, "tenant " + tenant +
                                             " is not in the cache: run `tenantsync mirror "
                                             "--tenant " +
                                             tenant + "` first");
}

int report_failure(const std::string& command, const Error& error) {
  std::string text = redact_secrets(error.describe());
  // SQLite met a damaged page after the open (read-only commands skip the full check).
  if (is_cache_corruption(error)) {
    text += "; the cache is damaged: " + std::string(kRepairDamagedCache);
  }
  std::fprintf(stderr, "tenantsync %s: %s\n", command.c_str(), text.c_str());
  return kExitFailed;
}

int usage_error(const std::string& command, const std::string& message) {
  std::fprintf(stderr, "tenantsync %s: %s\nRun 'tenantsync %s --help' for usage.\n",
               command.c_str(), message.c_str(), command.c_str());
  return kExitUsage;
}

}  // namespace tenantsync
