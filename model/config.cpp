#include "model/config.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>

#include "model/duration.h"
#include "model/json_source.h"

namespace tenantsync {

namespace {

using nlohmann::json;

// Collects every problem in the file, each pointing at its line and column.
class ConfigReader {
 public:
  explicit ConfigReader(const JsonSource& source) : source_(source) {}

  void fail(const std::string& path, const std::string& what) {
    errors_.push_back(source_.locate(path).prefix() + what);
  }
  bool failed() const { return !errors_.empty(); }
  Error error() const {
    std::string all;
    for (const auto& e : errors_) all += (all.empty() ? "" : "\n") + e;
    return make_error(ErrorKind::Invalid, all, "InvalidConfig");
  }

  // Visits the keys of an object, each known key through its handler; unknown keys fail.
  void object(
      const json& j, const std::string& path,
      const std::map<std::string, std::function<void(const json&, const std::string&)>>& handlers) {
    if (!j.is_object()) {
      fail(path, "expected an object");
      return;
    }
    for (const auto& [key, value] : j.items()) {
      auto it = handlers.find(key);
      std::string child = path_key(path, key);
      if (it == handlers.end()) {
        fail(child, "unknown key \"" + key + "\"");
        continue;
      }
      it->second(value, child);
    }
  }

  void string(const json& j, const std::string& path, std::string& out) {
    if (!j.is_string()) return fail(path, "expected a string");
    out = j.get<std::string>();
  }
  void boolean(const json& j, const std::string& path, bool& out) {
    if (!j.is_boolean()) return fail(path, "expected true or false");
    out = j.get<bool>();
  }
  void integer(const json& j, const std::string& path, int& out, int min, int max) {
    if (!j.is_number_integer() || j.get<long long>() < min || j.get<long long>() > max) {
      return fail(path, "expected a whole number from " + std::to_string(min) + " to " +
                            std::to_string(max));
    }
    out = j.get<int>();
  }
  void one_of(const json& j, const std::string& path, std::string& out,
              const std::vector<std::string>& allowed) {
    std::string list;
    for (const auto& a : allowed) list += (list.empty() ? "\"" : ", \"") + a + "\"";
    if (!j.is_string()) return fail(path, "expected one of " + list);
    std::string value = j.get<std::string>();
    for (const auto& a : allowed) {
      if (a == value) {
        out = value;
        return;
      }
    }
    fail(path, "expected one of " + list + ", got \"" + value + "\"");
  }

 private:
  const JsonSource& source_;
  std::vector<std::string> errors_;
};

std::string resolve(const std::string& base_dir, const std::string& path) {
  if (path.empty() || base_dir.empty()) return path;
  std::filesystem::path p(path);
  if (p.is_absolute()) return path;
  return (std::filesystem::path(base_dir) / p).lexically_normal().string();
}

}  // namespace

Result<Config> parse_config(std::string_view text, const std::string& file) {
  auto parsed = parse_json_source(text, file);
  if (!parsed.ok()) return parsed.error();
  const JsonSource& source = *parsed;
  ConfigReader r(source);
  Config c;
  c.file = file;
  std::string schedule_every, webhook_format = "json";
  bool has_secret_env = false;

  r.object(
      source.root(), "",
      {
          {"cache", [&](const json& j, const std::string& p) { r.string(j, p, c.cache); }},
          {"remote",
           [&](const json& j, const std::string& p) {
             RemoteConfig& m = c.remote;
             r.object(
                 j, p,
                 {
                     {"graphUrl", [&](auto& v, auto& q) { r.string(v, q, m.graph_url); }},
                     {"authorityUrl", [&](auto& v, auto& q) { r.string(v, q, m.authority_url); }},
                     {"partnerTenant", [&](auto& v, auto& q) { r.string(v, q, m.partner_tenant); }},
                     {"clientId", [&](auto& v, auto& q) { r.string(v, q, m.client_id); }},
                     {"clientSecretEnv",
                      [&](auto& v, auto& q) {
                        has_secret_env = true;
                        r.string(v, q, m.client_secret_env);
                      }},
                     {"clientSecret",
                      [&](auto&, auto& q) {
                        r.fail(q,
                               "secrets are not kept in the config: put the secret in an "
                               "environment variable and name it in remote.clientSecretEnv");
                      }},
                     {"certificateFile",
                      [&](auto& v, auto& q) { r.string(v, q, m.certificate_file); }},
                     {"privateKeyFile",
                      [&](auto& v, auto& q) { r.string(v, q, m.private_key_file); }},
                     {"allowInsecureHttp",
                      [&](auto& v, auto& q) { r.boolean(v, q, m.allow_insecure_http); }},
                     {"caFile", [&](auto& v, auto& q) { r.string(v, q, m.ca_file); }},
                     {"concurrency",
                      [&](auto& v, auto& q) { r.integer(v, q, m.concurrency, 1, 256); }},
                     {"timeoutSeconds",
                      [&](auto& v, auto& q) { r.integer(v, q, m.timeout_seconds, 1, 3600); }},
                     {"maxAttempts",
                      [&](auto& v, auto& q) { r.integer(v, q, m.max_attempts, 1, 100); }},
                     {"throttleDeadline",
                      [&](auto& v, auto& q) {
                        auto d = v.is_string() ? parse_duration(v.template get<std::string>())
                                               : std::nullopt;
                        if (!d || *d < std::chrono::seconds(1) || *d > std::chrono::hours(24)) {
                          return r.fail(q, "expected a duration from 1s to 1d, like 90s or 10m");
                        }
                        m.throttle_deadline = *d;
                      }},
                 });
           }},
          {"tenants",
           [&](const json& j, const std::string& p) {
             if (j.is_string() && j.get<std::string>() == "all") return;
             if (!j.is_array()) return r.fail(p, "expected \"all\" or a list of tenants");
             std::vector<std::string> list;
             for (size_t i = 0; i < j.size(); ++i) {
               if (!j[i].is_string() || j[i].get<std::string>().empty()) {
                 r.fail(path_index(p, i), "expected a tenant domain or id");
                 continue;
               }
               list.push_back(j[i].get<std::string>());
             }
             c.tenants = std::move(list);
           }},
          {"desired", [&](const json& j, const std::string& p) { r.string(j, p, c.desired); }},
          {"shard",
           [&](const json& j, const std::string& p) {
             std::string spec, why;
             r.string(j, p, spec);
             if (!j.is_string()) return;
             c.shard = parse_shard(spec, &why);
             if (!c.shard) r.fail(p, why);
             if (c.shard && c.shard->count == 1) c.shard.reset();  // 0/1 is every tenant
           }},
          {"productNames",
           [&](const json& j, const std::string& p) { r.string(j, p, c.product_names); }},
          {"schedule",
           [&](const json& j, const std::string& p) {
             r.object(j, p, {{"every", [&](auto& v, auto& q) {
                                r.string(v, q, schedule_every);
                                if (!v.is_string()) return;
                                auto d = parse_duration(schedule_every);
                                if (!d) return r.fail(q, "expected a duration like 90s, 15m or 6h");
                                c.schedule_every = *d;
                              }}});
           }},
          {"safety",
           [&](const json& j, const std::string& p) {
             r.object(j, p,
                      {{"maxRevocations",
                        [&](auto& v, auto& q) { r.integer(v, q, c.max_revocations, 0, 1000000); }},
                       {"maxDeletions",
                        [&](auto& v, auto& q) { r.integer(v, q, c.max_deletions, 0, 1000000); }},
                       {"useGraceSeats",
                        [&](auto& v, auto& q) { r.boolean(v, q, c.use_grace_seats); }}});
           }},
          {"reports",
           [&](const json& j, const std::string& p) {
             r.object(
                 j, p,
                 {{"dir", [&](auto& v, auto& q) { r.string(v, q, c.reports_dir); }},
                  {"keep", [&](auto& v, auto& q) { r.integer(v, q, c.reports_keep, 1, 100000); }},
                  {"baseUrl", [&](auto& v, auto& q) {
                     r.string(v, q, c.reports_base_url);
                     const std::string& u = c.reports_base_url;
                     if (!u.empty() && u.rfind("https://", 0) != 0 && u.rfind("http://", 0) != 0) {
                       r.fail(q, "expected an http:// or https:// URL, got \"" + u + "\"");
                     }
                     while (!u.empty() && u.back() == '/') c.reports_base_url.pop_back();
                   }}});
           }},
          {"passwords",
           [&](const json& j, const std::string& p) {
             r.object(j, p, {{"dir", [&](auto& v, auto& q) { r.string(v, q, c.passwords_dir); }}});
           }},
          {"webhook",
           [&](const json& j, const std::string& p) {
             r.object(j, p,
                      {{"url", [&](auto& v, auto& q) { r.string(v, q, c.webhook_url); }},
                       {"remindEvery",
                        [&](auto& v, auto& q) {
                          std::string text;
                          r.string(v, q, text);
                          if (!v.is_string()) return;
                          auto d = parse_duration(text);
                          if (!d || *d < std::chrono::minutes(1)) {
                            return r.fail(q, "expected a duration of 1m or more, like 24h");
                          }
                          c.webhook_remind_every = *d;
                        }},
                       {"format", [&](auto& v, auto& q) {
                          r.one_of(v, q, webhook_format, {"json", "teams", "slack"});
                        }}});
           }},
          {"health",
           [&](const json& j, const std::string& p) {
             r.object(j, p, {{"failedCyclesBeforeUnhealthy", [&](auto& v, auto& q) {
                                r.integer(v, q, c.health_failed_cycles_before_unhealthy, 1, 1000);
                              }}});
           }},
          {"log",
           [&](const json& j, const std::string& p) {
             r.object(j, p,
                      {{"level",
                        [&](auto& v, auto& q) {
                          r.one_of(v, q, c.log_level, {"trace", "debug", "info", "warn", "error"});
                        }},
                       {"format", [&](auto& v, auto& q) {
                          r.one_of(v, q, c.log_format, {"text", "json"});
                        }}});
           }},
      });

  RemoteConfig& m = c.remote;
  if (m.client_id.empty()) r.fail("remote", "remote.clientId is required");
  bool has_cert = !m.certificate_file.empty() || !m.private_key_file.empty();
  if (has_cert && (m.certificate_file.empty() || m.private_key_file.empty())) {
    r.fail("remote", "remote.certificateFile and remote.privateKeyFile go together");
  }
  if (has_secret_env && has_cert) {
    r.fail("remote", "choose one credential: remote.clientSecretEnv or remote.certificateFile");
  }
  if (!has_secret_env && !has_cert) {
    r.fail("remote",
           "a credential is required: remote.clientSecretEnv (the name of an "
           "environment variable) or remote.certificateFile and remote.privateKeyFile");
  }
  for (const std::string* url : {&m.graph_url, &m.authority_url}) {
    if (url->rfind("https://", 0) != 0 && url->rfind("http://", 0) != 0) {
      r.fail(url == &m.graph_url ? "remote.graphUrl" : "remote.authorityUrl",
             "expected an http:// or https:// URL, got \"" + *url + "\"");
    }
  }
  if (r.failed()) return r.error();

  c.webhook_format = webhook_format == "teams"   ? WebhookFormat::Teams
                     : webhook_format == "slack" ? WebhookFormat::Slack
                                                 : WebhookFormat::Json;
  std::string base = file.empty() ? "" : std::filesystem::path(file).parent_path().string();
  c.cache = resolve(base, c.cache);
  c.desired = resolve(base, c.desired);
  c.product_names = resolve(base, c.product_names);
  c.reports_dir = resolve(base, c.reports_dir);
  c.passwords_dir = resolve(base, c.passwords_dir);
  m.certificate_file = resolve(base, m.certificate_file);
  m.private_key_file = resolve(base, m.private_key_file);
  m.ca_file = resolve(base, m.ca_file);
  return c;
}

Result<Config> load_config(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return make_error(ErrorKind::Io,
                      "cannot read config file " + path + " (set --config or TENANTSYNC_CONFIG)",
                      "ConfigNotFound");
  }
  std::stringstream text;
  text << in.rdbuf();
  return parse_config(text.str(), path);
}

Status check_credentials(const Config& config) {
  const RemoteConfig& m = config.remote;
  if (!m.uses_certificate()) {
    const char* secret = std::getenv(m.client_secret_env.c_str());
    if (secret == nullptr || *secret == '\0') {
      return make_error(ErrorKind::Auth,
                        "environment variable " + m.client_secret_env +
                            " (remote.clientSecretEnv) is not set or empty",
                        "MissingSecret");
    }
    return Status();
  }
  for (const auto& f : {m.certificate_file, m.private_key_file}) {
    if (access(f.c_str(), R_OK) != 0) {
      return make_error(ErrorKind::Io, "cannot read " + f, "MissingCredentialFile");
    }
  }
  struct stat st {};
  if (stat(m.private_key_file.c_str(), &st) == 0 && (st.st_mode & 077) != 0) {
    return make_error(ErrorKind::Auth,
                      "private key " + m.private_key_file +
                          " is readable by others: run chmod 600 on it (refused, like ssh does)",
                      "InsecureKeyFile");
  }
  return Status();
}

const char* to_string(WebhookFormat format) {
  switch (format) {
    case WebhookFormat::Json:
      return "json";
    case WebhookFormat::Teams:
      return "teams";
    case WebhookFormat::Slack:
      return "slack";
  }
  return "json";
}

}  // namespace tenantsync
