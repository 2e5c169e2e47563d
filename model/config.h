// tenantsync's configuration file (docs/cli.md "Config file"): JSON with `//` comments.
//
// Every key but remote.clientId and one credential has a default; unknown keys are
// errors that point at file, line and column. Secrets are never in the file: the client
// secret is read from the environment variable the config names, a certificate's private
// key from its own file. Relative paths are resolved against the config file's folder.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/result.h"
#include "model/shard.h"

namespace tenantsync {

struct RemoteConfig {
  std::string graph_url = "https://graph.microsoft.com/v1.0";
  std::string authority_url = "https://login.microsoftonline.com";
  std::string partner_tenant;
  std::string client_id;
  std::string client_secret_env;  // name of the environment variable holding the secret
  std::string certificate_file;   // PEM certificate (absolute path after loading)
  std::string private_key_file;   // PEM private key (absolute path after loading)
  bool allow_insecure_http = false;
  // PEM certificates to trust besides the system's (absolute path after loading): a test
  // CA such as fake-graph --tls-self-signed writes, or a TLS-inspecting proxy's. "" = none.
  std::string ca_file;
  int concurrency = 8;
  int timeout_seconds = 30;
  int max_attempts = 6;  // transient failures per operation; 429s do not count
  // How long one operation may go on being throttled (429s) before it fails.
  std::chrono::seconds throttle_deadline{10 * 60};

  bool uses_certificate() const { return !certificate_file.empty(); }
};

enum class WebhookFormat { Json, Teams, Slack };

struct Config {
  std::string file;  // where it was read from ("" = built-in defaults)
  std::string cache = "tenantsync.db";
  RemoteConfig remote;
  std::optional<std::vector<std::string>> tenants;  // nullopt = "all"
  std::string desired;                              // default --desired
  // This process's share of the tenants (`shard: "k/N"`, or --shard); nullopt = all of them.
  std::optional<Shard> shard;
  // A file naming products beyond the built-in table (sync/product_names_file.h): a JSON
  // object {"PART_NUMBER": "Display name"} or Microsoft's licensing CSV. "" = none.
  std::string product_names;
  std::chrono::seconds schedule_every{15 * 60};
  int max_revocations = 50;
  int max_deletions = 10;
  // Grace units (prepaidUnits.warning: an expired subscription's seats, still usable until
  // the grace period ends) count as free seats for the planner only when true.
  bool use_grace_seats = false;
  std::string reports_dir = "reports";
  int reports_keep = 30;
  // Where admins reach the report folder over HTTP ("https://reports.example.com/tenantsync"):
  // notification links are <baseUrl>/<file>. Empty: `run --listen`'s /reports, else paths.
  std::string reports_base_url;
  // Where apply and run write the temporary passwords of the users they create (one new
  // 0600 CSV per run, the folder 0700). Empty: they create nobody (creates are blocked).
  std::string passwords_dir;
  std::string webhook_url;  // empty = no webhook
  WebhookFormat webhook_format = WebhookFormat::Json;
  // How often the webhook hears again of matters still open when nothing changed.
  std::chrono::seconds webhook_remind_every{24 * 60 * 60};
  // Failed or refused cycles in a row before /healthz answers 503.
  int health_failed_cycles_before_unhealthy = 1;
  std::string log_level = "info";
  std::string log_format = "text";
};

// Parses and validates config text. `file` names it in errors and anchors relative paths.
// Checks the shape only; the environment and the files it names are checked by
// check_credentials(), so `--help` and `users list` work without credentials.
Result<Config> parse_config(std::string_view text, const std::string& file);

// Reads `path` and parses it.
Result<Config> load_config(const std::string& path);

// The credential the config names exists: the secret's environment variable is set and
// not empty, or the certificate and key files are readable and the key is not readable
// by group or others (like ssh).
Status check_credentials(const Config& config);

const char* to_string(WebhookFormat format);

}  // namespace tenantsync
