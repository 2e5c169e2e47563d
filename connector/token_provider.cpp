#include "connector/token_provider.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include <nlohmann/json.hpp>

#include "connector/graph_errors.h"
#include "connector/retry_budget.h"
#include "connector/url.h"
#include "sync/log.h"

namespace tenantsync {

namespace {

constexpr char kScope[] = "https://graph.microsoft.com/.default";
constexpr char kAssertionType[] = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

void replace_all(std::string& text, const std::string& what, const std::string& with) {
  if (what.empty()) return;
  for (size_t pos = text.find(what); pos != std::string::npos; pos = text.find(what, pos)) {
    text.replace(pos, what.size(), with);
    pos += with.size();
  }
}

// A token is kept for a day at most, whatever expires_in says (real ones live about an
// hour); this also keeps the expiry arithmetic far from overflowing the clock.
constexpr std::int64_t kMaxTokenLifetimeSeconds = 24 * 60 * 60;

// expires_in is a number on the v2 endpoint; some endpoints send it as a string. Clamped
// to [0, kMaxTokenLifetimeSeconds] (a float far out of range is not cast: undefined).
std::optional<std::int64_t> seconds_field(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end()) return std::nullopt;
  double seconds = 0;
  if (it->is_number()) {
    seconds = it->get<double>();
  } else if (it->is_string()) {
    try {
      seconds = std::stod(it->get<std::string>());
    } catch (const std::exception&) {
      return std::nullopt;
    }
  } else {
    return std::nullopt;
  }
  if (std::isnan(seconds)) return std::nullopt;
  return static_cast<std::int64_t>(
      std::clamp(seconds, 0.0, static_cast<double>(kMaxTokenLifetimeSeconds)));
}

}  // namespace

Result<ClientCredential> load_client_credential(const RemoteConfig& config) {
  ClientCredential c;
  c.client_id = config.client_id;
  if (c.client_id.empty()) return make_error(ErrorKind::Invalid, "remote.clientId is not set");
  if (config.uses_certificate()) {
    if (config.private_key_file.empty()) {
      return make_error(ErrorKind::Invalid,
                        "remote.certificateFile is set but remote.privateKeyFile is not");
    }
    auto cert = ClientCertificate::from_files(config.certificate_file, config.private_key_file);
    if (!cert) return cert.error();
    c.certificate = std::make_shared<const ClientCertificate>(std::move(cert).value());
    return c;
  }
  if (config.client_secret_env.empty()) {
    return make_error(ErrorKind::Invalid,
                      "no credential configured: set remote.clientSecretEnv, or "
                      "remote.certificateFile and remote.privateKeyFile");
  }
  const char* secret = std::getenv(config.client_secret_env.c_str());
  if (!secret || !*secret) {
    return make_error(ErrorKind::Invalid, "environment variable " + config.client_secret_env +
                                              " (remote.clientSecretEnv) is not set or empty");
  }
  c.secret = secret;
  return c;
}

AadTokenProvider::AadTokenProvider(std::string authority_url, ClientCredential credential,
                                   HttpTransport& transport, RetryPolicy& retry, Clock& clock,
                                   std::chrono::milliseconds request_timeout)
    : authority_url_(trim_trailing_slash(std::move(authority_url))),
      credential_(std::move(credential)),
      transport_(transport),
      retry_(retry),
      clock_(clock),
      request_timeout_(request_timeout) {}

std::string AadTokenProvider::token_endpoint(const std::string& tenant) const {
  return authority_url_ + "/" + url_encode(tenant) + "/oauth2/v2.0/token";
}

int AadTokenProvider::fetch_count() const {
  std::lock_guard<std::mutex> lock(mu_);
  return fetch_count_;
}

Result<std::string> AadTokenProvider::token(const std::string& tenant) {
  std::unique_lock<std::mutex> lock(mu_);
  Entry& entry = entries_[tenant];  // map nodes are stable
  for (;;) {
    if (entry.token && clock_.now() < entry.token->refresh_at) return entry.token->access_token;
    if (!entry.fetching) break;
    // Another thread is fetching for this tenant: share its outcome.
    std::uint64_t generation = entry.generation;
    fetched_.wait(lock, [&] { return entry.generation != generation; });
    if (entry.last_error) return *entry.last_error;
    if (entry.token) return entry.token->access_token;
  }
  entry.fetching = true;
  ++fetch_count_;
  lock.unlock();
  Result<Token> fetched = fetch(tenant);
  lock.lock();
  entry.fetching = false;
  ++entry.generation;
  if (fetched) {
    entry.token = *fetched;
    entry.last_error.reset();
  } else {
    entry.last_error = fetched.error();
  }
  fetched_.notify_all();
  if (!fetched) return fetched.error();
  return fetched->access_token;
}

void AadTokenProvider::invalidate(const std::string& tenant, const std::string& token) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = entries_.find(tenant);
  if (it == entries_.end() || !it->second.token) return;
  if (it->second.token->access_token == token) it->second.token.reset();
}

Result<AadTokenProvider::Token> AadTokenProvider::fetch(const std::string& tenant) {
  const std::string endpoint = token_endpoint(tenant);
  RetryBudget budget(retry_);  // 429s wait and do not count, as for Graph requests
  for (;;) {
    auto result = fetch_once(tenant, endpoint);
    if (result) {
      log_debug("got an access token", {{"tenant", tenant}});
      return result;
    }
    auto delay = budget.next_delay(result.error());
    if (!delay) {
      // The caller reports the error itself, once; a log line of its own only says why
      // the retries stopped, when there were any.
      log(RetryPolicy::is_retryable(result.error()) ? LogLevel::Warn : LogLevel::Debug,
          "token request failed",
          {{"tenant", tenant},
           {"error", result.error().describe()},
           {"gaveUp", budget.gave_up_because()}});
      return result.error();
    }
    transport_.stats().record_retry();
    log_debug("retrying token request", {{"tenant", tenant},
                                         {"error", result.error().describe()},
                                         {"delayMs", std::to_string(delay->count())}});
    if (!retry_.wait(*delay)) return result.error();
  }
}

Result<AadTokenProvider::Token> AadTokenProvider::fetch_once(const std::string& tenant,
                                                             const std::string& endpoint) {
  HttpRequest request;
  request.method = "POST";
  request.url = endpoint;
  request.timeout = request_timeout_;
  request.headers = {{"Content-Type", "application/x-www-form-urlencoded"},
                     {"Accept", "application/json"}};
  std::string assertion;
  request.body = "client_id=" + url_encode(credential_.client_id) + "&scope=" + url_encode(kScope) +
                 "&grant_type=client_credentials";
  if (credential_.certificate) {
    // A fresh assertion per attempt: each carries its own jti and nbf.
    auto signed_assertion = credential_.certificate->make_assertion(
        {credential_.client_id, endpoint, clock_.now(), std::chrono::minutes(10)},
        credential_.algorithm);
    if (!signed_assertion) return signed_assertion.error();
    assertion = std::move(signed_assertion).value();
    request.body += "&client_assertion_type=" + url_encode(kAssertionType) +
                    "&client_assertion=" + url_encode(assertion);
  } else {
    request.body += "&client_secret=" + url_encode(credential_.secret);
  }

  auto response = transport_.send(request);
  if (!response) {
    Error e = response.error();
    e.message = scrub("token request for " + tenant + ": " + e.message, assertion);
    return e;
  }
  if (response->status != 200) {
    Error e = classify_token_error(response->status, response->headers, response->body);
    e.message = scrub(std::move(e.message), assertion);
    e.code = scrub(std::move(e.code), assertion);
    return e;
  }
  nlohmann::json j = nlohmann::json::parse(response->body, nullptr, false);
  auto expires_in = j.is_object() ? seconds_field(j, "expires_in") : std::nullopt;
  if (!j.is_object() || !j.contains("access_token") || !j["access_token"].is_string() ||
      j["access_token"].get<std::string>().empty() || !expires_in) {
    return make_error(ErrorKind::Invalid, "the token endpoint for " + tenant +
                                              " answered 200 without an access token and "
                                              "expires_in");
  }
  Token t;
  t.access_token = j["access_token"].get<std::string>();
  auto lifetime = std::chrono::seconds(std::max<std::int64_t>(0, *expires_in));
  auto now = clock_.now();
  t.expires_at = now + lifetime;
  // 5 minutes early, or halfway for a short-lived token, so a call never starts with a
  // token about to expire.
  auto margin = std::min<std::chrono::seconds>(kRefreshMargin, lifetime / 2);
  t.refresh_at = t.expires_at - margin;
  return t;
}

std::string AadTokenProvider::scrub(std::string text, const std::string& assertion) const {
  replace_all(text, credential_.secret, "[redacted]");
  if (!credential_.secret.empty()) replace_all(text, url_encode(credential_.secret), "[redacted]");
  replace_all(text, assertion, "[redacted]");
  return text;
}

}  // namespace tenantsync
