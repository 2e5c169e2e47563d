// Access tokens for Graph, per tenant, by the OAuth 2.0 client credentials grant.
//
// TokenProvider is the seam GraphClient uses; AadTokenProvider is the real one. It posts
// to `{authority}/{tenant}/oauth2/v2.0/token` with scope
// `https://graph.microsoft.com/.default` and either the client secret (read from the
// environment variable remote.clientSecretEnv names) or a JWT client assertion signed
// with the certificate's key (jwt_assertion.h). One token is cached per tenant and
// refreshed 5 minutes before it expires (by the injected Clock), or at once when Graph
// answers 401 to it (invalidate()); none is kept longer than a day, whatever its
// expires_in says. Token endpoint errors come back as kind Auth with code
// "AADSTS7000215" and the service's description; throttled and transient answers are
// retried under the RetryPolicy (a 429 waits its Retry-After and is not an attempt).
//
// Secrets (client secret, assertion, access token) never appear in a log line or an
// Error. Thread-safe: concurrent callers for the same tenant share one fetch.
#pragma once

#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "connector/http_transport.h"
#include "connector/jwt_assertion.h"
#include "connector/retry_policy.h"
#include "model/config.h"
#include "model/result.h"
#include "sync/clock.h"

namespace tenantsync {

class TokenProvider {
 public:
  virtual ~TokenProvider() = default;

  // A bearer token for `tenant` (tenant id or default domain). Auth on refusal, Invalid
  // when the request cannot be made, Transient/Throttled when retries ran out.
  virtual Result<std::string> token(const std::string& tenant) = 0;

  // Graph rejected `token` (401): forget it so the next token() fetches a new one. A
  // token already replaced by another thread is left alone.
  virtual void invalidate(const std::string& tenant, const std::string& token) = 0;
};

// How the app proves who it is: a client secret or a certificate (never both).
struct ClientCredential {
  std::string client_id;
  std::string secret;  // never logged
  std::shared_ptr<const ClientCertificate> certificate;
  JwtAlgorithm algorithm = JwtAlgorithm::RS256;
};

// From the config: the certificate when remote.certificateFile is set, otherwise the
// secret from the environment variable remote.clientSecretEnv names. Invalid (naming the
// variable or file, never a value) when it is missing or unreadable.
Result<ClientCredential> load_client_credential(const RemoteConfig& config);

class AadTokenProvider final : public TokenProvider {
 public:
  static constexpr std::chrono::minutes kRefreshMargin{5};

  AadTokenProvider(std::string authority_url, ClientCredential credential, HttpTransport& transport,
                   RetryPolicy& retry, Clock& clock,
                   std::chrono::milliseconds request_timeout = std::chrono::seconds(30));

  Result<std::string> token(const std::string& tenant) override;
  void invalidate(const std::string& tenant, const std::string& token) override;

  // The token endpoint for `tenant` (also the assertion's audience).
  std::string token_endpoint(const std::string& tenant) const;

  // Token requests made so far (successful or not), for tests and metrics.
  int fetch_count() const;

 private:
  struct Token {
    std::string access_token;
    Clock::time_point expires_at;
    Clock::time_point refresh_at;
  };
  struct Entry {
    std::optional<Token> token;       // guarded by mu_
    bool fetching = false;            // guarded by mu_
    std::uint64_t generation = 0;     // guarded by mu_; bumped when a fetch ends
    std::optional<Error> last_error;  // guarded by mu_; the last fetch's failure
  };

  Result<Token> fetch(const std::string& tenant);
  Result<Token> fetch_once(const std::string& tenant, const std::string& endpoint);
  // Removes every secret we hold from `text` (belt and braces for error messages).
  std::string scrub(std::string text, const std::string& assertion) const;

  const std::string authority_url_;
  const ClientCredential credential_;
  HttpTransport& transport_;
  RetryPolicy& retry_;
  Clock& clock_;
  const std::chrono::milliseconds request_timeout_;

  mutable std::mutex mu_;
  std::condition_variable fetched_;
  std::map<std::string, Entry> entries_;  // guarded by mu_
  int fetch_count_ = 0;                   // guarded by mu_
};

}  // namespace tenantsync
