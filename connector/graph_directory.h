// GraphDirectory: the Directory port (sync/directory.h) implemented over Microsoft Graph.
//
// The engine sees users, SKUs and write results; this adapter maps them to GraphClient
// calls. read_users() with an empty delta link runs the initial delta round, so a full
// read also yields a delta link to store; with a link it continues from it. write()
// sends creates one at a time (so a create whose answer was lost can be checked before
// it is resent) and everything else in $batch requests of 20, and returns one result per
// request in request order. Requests in one write() call are independent: creates go
// first, then the batches, with no other ordering among them.
//
// Ownership: the directory owns its transport, retry policy, pacer and token provider
// (Parts); the Clock is the caller's and must outlive it. Thread-safe: every method may
// be called from several threads at once (for the same or different tenants).
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "connector/graph_client.h"
#include "connector/http_transport.h"
#include "connector/retry_policy.h"
#include "connector/throttle_status.h"
#include "connector/token_provider.h"
#include "connector/write_pacer.h"
#include "model/config.h"
#include "sync/clock.h"
#include "sync/directory.h"

namespace tenantsync {

class GraphDirectory final : public Directory {
 public:
  struct Parts {
    std::unique_ptr<HttpTransport> transport;
    std::unique_ptr<RetryPolicy> retry;
    std::unique_ptr<WritePacer> pacer;  // may be null: no client-side pacing
    // The token endpoint's own connections, so that tokens fetched ahead (prepare()) do
    // not wait for Graph's. May be null when `tokens` uses `transport`.
    std::unique_ptr<HttpTransport> token_transport;
    std::unique_ptr<TokenProvider> tokens;  // may use transport and retry (destroyed first)
  };

  GraphDirectory(const RemoteConfig& config, Parts parts);

  Result<std::vector<Tenant>> customer_tenants() override;
  Result<std::vector<Sku>> subscribed_skus(const std::string& tenant) override;
  Result<std::vector<Domain>> domains(const std::string& tenant) override;
  Result<std::vector<RoleDefinition>> role_definitions(const std::string& tenant) override;
  Result<std::vector<RoleAssignment>> role_assignments(const std::string& tenant) override;
  TenantLists tenant_lists(const std::string& tenant, const ListsRequest& want) override;
  Result<std::string> read_users(const std::string& tenant, const std::string& delta_link,
                                 const UserPageSink& sink) override;
  Result<std::string> read_users_after_latest(const std::string& tenant,
                                              const std::string& latest_delta_link,
                                              const UserPageSink& sink) override;
  Result<std::string> read_delta_after(const std::string& tenant, const std::string& next_link,
                                       const UserPageSink& sink) override;
  Status read_deleted_users(const std::string& tenant, const DeletedUserSink& sink) override;
  Status read_deleted_users_after(const std::string& tenant, const std::string& next_link,
                                  const DeletedUserSink& sink) override;
  Result<User> get_user(const std::string& tenant, const std::string& id_or_upn) override;
  DeletedUsersAndGroups deleted_users_and_groups(const std::string& tenant,
                                                 const std::vector<std::string>& ids) override;
  std::vector<Result<Group>> groups(const std::string& tenant,
                                    const std::vector<std::string>& ids) override;
  std::vector<Result<User>> get_users(const std::string& tenant,
                                      const std::vector<std::string>& ids_or_upns) override;
  std::vector<WriteResult> write(const std::string& tenant,
                                 const std::vector<WriteRequest>& requests) override;
  void set_stop_signal(const std::atomic<bool>* stop) override;
  bool prepares_ahead() const override { return true; }
  void prepare(const std::string& tenant) override;

  // What throttling looks like now, for the progress line.
  ThrottleStatus throttle_status() const;

  // Requests, responses by status, throttles, retries and drops, for /metrics.
  // Graph's and the token endpoint's together.
  TransportStats::Snapshot stats() const;
  GraphClient& client() { return client_; }

 private:
  RemoteConfig config_;
  Parts parts_;
  GraphClient client_;
  std::atomic<const std::atomic<bool>*> stop_{nullptr};
};

// Converts a port write into the Graph write that carries it out.
GraphWrite to_graph_write(const WriteRequest& request);

// The production wiring: cpprestsdk transport (remote.concurrency, allowInsecureHttp),
// retry policy (remote.maxAttempts, remote.throttleDeadline), the service's write
// budget, and a token provider
// for the configured credential. Invalid when the credential cannot be loaded (the
// secret's environment variable is unset, the certificate or key unreadable).
Result<std::unique_ptr<GraphDirectory>> make_graph_directory(const RemoteConfig& config,
                                                             Clock& clock);
// Same, on the system clock.
Result<std::unique_ptr<GraphDirectory>> make_graph_directory(const Config& config);

}  // namespace tenantsync
