// A fault-injecting wrapper of the Directory port for the executor's tests (after
// leveldb's fault-injection Env): it forwards to a backend (usually MemoryDirectory),
// counts every write and the effects that took place, refuses selected writes as the
// service would after its retries, and simulates a crash part way through a write.
//
// Writes are forwarded one request at a time, in request order, so "the first k requests
// took effect" is exact. Effects are counted per request that reached the backend and
// succeeded, keyed by what it did and to whom (by lower-case UPN when the backend knows
// the user, else by the id as given): "assign alice@x.com sku-1 [p1,p2]",
// "revoke alice@x.com sku-2", "restore id-erin", "delete gina@x.com", "create hank@x.com".
// A write that takes effect twice shows as a count of 2.
//
// Crash: crash_after_requests(k) throws SimulatedCrash (a test-only exception standing in
// for kill -9) as soon as k requests in total have taken effect: at the start of a
// write() call when k have already (k = 0: before anything), or right after the k-th
// took effect, so the results of that call are lost, exactly the window between sending
// and journalling. It fires once, then the wrapper works normally again (for the resume).
//
// Thread-safe; requests are forwarded under one lock, so concurrent callers are
// serialized (the counts stay exact).
#pragma once

#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "sync/directory.h"

namespace tenantsync {

struct SimulatedCrash : std::runtime_error {
  SimulatedCrash() : std::runtime_error("simulated crash") {}
};

class FaultyDirectory : public Directory {
 public:
  using Match = std::function<bool(const std::string& tenant, const WriteRequest& request)>;
  using WriteObserver =
      std::function<void(const std::string& tenant, const std::vector<WriteRequest>& requests)>;

  struct RecordedRequest {
    std::string tenant;
    int call = 0;  // 0-based index of the write() call it came in
    WriteRequest request;
  };

  explicit FaultyDirectory(Directory& backend) : backend_(backend) {}

  // Requests matching `match` get `error` instead of reaching the backend, `times` times
  // (-1: always).
  void refuse(Match match, Error error, int times = -1);
  void crash_after_requests(int k);
  // The next `times` get_user() calls fail with `error`.
  void fail_get_user(Error error, int times = 1);
  // Called at the start of every write() call, before anything is forwarded.
  void on_write(WriteObserver observer);
  // Returned users lose their licenses and license states, as Graph's default answer to
  // assignLicense or restore does not carry them (not $select-ed).
  void return_users_without_licenses(bool on);

  int write_calls() const;
  int requests() const;          // handed to write(), refused ones included
  int applied_requests() const;  // reached the backend and succeeded
  int get_user_calls() const;
  int max_concurrent_calls() const;  // write() calls in progress at once, at most
  std::map<std::string, int> effects() const;
  std::vector<RecordedRequest> recorded() const;  // every request handed to write()
  void reset_counts();

  // Directory
  Result<std::vector<Tenant>> customer_tenants() override;
  Result<std::vector<Sku>> subscribed_skus(const std::string& tenant) override;
  Result<std::vector<Domain>> domains(const std::string& tenant) override;
  Result<std::vector<RoleDefinition>> role_definitions(const std::string& tenant) override {
    return backend_.role_definitions(tenant);
  }
  Result<std::vector<RoleAssignment>> role_assignments(const std::string& tenant) override {
    return backend_.role_assignments(tenant);
  }
  std::vector<Result<Group>> groups(const std::string& tenant,
                                    const std::vector<std::string>& ids) override {
    return backend_.groups(tenant, ids);
  }
  Result<std::string> read_users(const std::string& tenant, const std::string& delta_link,
                                 const UserPageSink& sink) override;
  Status read_deleted_users(const std::string& tenant, const DeletedUserSink& sink) override;
  Result<User> get_user(const std::string& tenant, const std::string& id_or_upn) override;
  std::vector<WriteResult> write(const std::string& tenant,
                                 const std::vector<WriteRequest>& requests) override;

 private:
  struct Rule {
    Match match;
    Error error;
    int times = -1;
  };

  // Effect keys of a request that succeeded; `who` names the user. Needs mu_.
  void count_effects(const WriteRequest& request, const std::string& who);
  // The user's lower-case UPN if the backend has it active, else `user` as given.
  std::string who(const std::string& tenant, const WriteRequest& request);

  Directory& backend_;
  mutable std::mutex mu_;
  std::mutex forward_mu_;                  // serializes forwarding
  std::vector<Rule> rules_;                // guarded by mu_
  std::optional<int> crash_after_;         // guarded by mu_
  std::optional<Error> get_user_fault_;    // guarded by mu_
  int get_user_faults_ = 0;                // guarded by mu_
  WriteObserver observer_;                 // guarded by mu_
  bool strip_licenses_ = false;            // guarded by mu_
  int write_calls_ = 0;                    // guarded by mu_
  int requests_ = 0;                       // guarded by mu_
  int applied_ = 0;                        // guarded by mu_
  int get_user_calls_ = 0;                 // guarded by mu_
  int in_flight_ = 0;                      // guarded by mu_
  int max_in_flight_ = 0;                  // guarded by mu_
  std::map<std::string, int> effects_;     // guarded by mu_
  std::vector<RecordedRequest> recorded_;  // guarded by mu_
};

}  // namespace tenantsync
