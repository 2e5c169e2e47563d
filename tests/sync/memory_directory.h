// An in-memory Directory for the engine's tests: tenants with SKUs, users and soft-deleted
// users, a delta change log, a page size, and fault injection.
//
// Delta semantics follow docs/graph.md: a full read ends with a delta link; a delta
// read returns every user changed since that link once (whole objects), soft-deleted
// users as removed_soft ("changed"), users gone for good as removed_hard ("deleted"). A
// restore shows the user again. expire_delta_links() makes every link issued so far fail
// with ResyncNeeded, as a 410 syncStateNotFound would.
//
// Faults are one-shot: fail_users_after_pages(t, n, e) makes the next user read of t
// deliver n pages and then fail with e.
//
// Thread-safe: every method may be called from any thread; reads deliver pages without
// holding the lock, so a sink may call back into the directory.
#pragma once

#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "sync/directory.h"

namespace tenantsync {

class MemoryDirectory : public Directory {
 public:
  // Called after the sink of a user page returned, with the 1-based page number.
  using PageObserver = std::function<void(const std::string& tenant_id, int page)>;

  void add_tenant(const Tenant& tenant, std::vector<Sku> skus = {}, std::vector<User> users = {},
                  std::vector<User> deleted_users = {});

  // Remote changes, each recorded in the tenant's change log.
  void put_user(const std::string& tenant_id, const User& user);  // create or change
  void soft_delete_user(const std::string& tenant_id, const std::string& user_id,
                        const std::string& deleted_at);
  void hard_delete_user(const std::string& tenant_id, const std::string& user_id);
  void restore_user(const std::string& tenant_id, const std::string& user_id);
  void set_skus(const std::string& tenant_id, std::vector<Sku> skus);
  // What domains() lists; by default the tenant's default domain, verified and initial.
  void set_domains(const std::string& tenant_id, std::vector<Domain> domains);
  // What role_definitions() lists; unset: this directory cannot list roles.
  void set_roles(const std::string& tenant_id, std::vector<RoleDefinition> roles);
  // Who holds a role now (AddRole / RemoveRole change it; soft deletion does not).
  std::vector<RoleAssignment> held_roles(const std::string& tenant_id) const;
  // What groups() reads: a group's name (unknown ids are 404 Request_ResourceNotFound), and
  // a group whose read fails with `error` until set again.
  void set_group(const std::string& tenant_id, Group group);
  void fail_group(const std::string& tenant_id, const std::string& group_id, Error error);
  // The group ids groups() was asked for, in order, over all calls.
  std::vector<std::string> group_reads(const std::string& tenant_id) const;
  // A deleted user that passed its 30 days: no longer listed (no delta entry, as Graph).
  void purge_deleted_user(const std::string& tenant_id, const std::string& user_id);

  void set_page_size(int users_per_page);
  void set_page_observer(PageObserver observer);

  // Service rules on assignLicense (off by default; added for the executor's tests): a
  // SKU the tenant lacks, removing a license the user does not hold directly, and no free
  // seat (enabled + warning, counted over active users) are refused with the service's
  // 400 Request_BadRequest messages, and nothing of the call is applied. While on,
  // subscribed_skus() reports consumedUnits counted from the active users.
  void enforce_license_rules(bool on);

  // Faults.
  // Ends (false) or restores (true) the partner's contract: customer_tenants() leaves the
  // tenant out while it is ended; its data stays readable.
  void set_contract(const std::string& tenant_id, bool active);
  void fail_customer_tenants(Error error);
  void fail_skus(const std::string& tenant_id, Error error);
  void fail_domains(const std::string& tenant_id, Error error);
  void fail_users_after_pages(const std::string& tenant_id, int pages, Error error);
  void fail_deleted_users(const std::string& tenant_id, Error error);
  void expire_delta_links(const std::string& tenant_id);
  // The delta link a full read would end with now ("sync from now": changes after it come
  // in its round).
  std::string latest_delta_link(const std::string& tenant_id);

  // What the remote holds now, sorted by id.
  std::vector<User> users(const std::string& tenant_id) const;
  std::vector<User> deleted_users(const std::string& tenant_id) const;
  std::vector<Sku> skus(const std::string& tenant_id) const;

  int full_reads(const std::string& tenant_id) const;
  int delta_reads(const std::string& tenant_id) const;
  // The most user pages handed to sinks and not yet returned, at any moment (all tenants).
  int max_pages_in_flight() const;

  // Directory
  Result<std::vector<Tenant>> customer_tenants() override;
  Result<std::vector<Sku>> subscribed_skus(const std::string& tenant) override;
  Result<std::vector<Domain>> domains(const std::string& tenant) override;
  Result<std::vector<RoleDefinition>> role_definitions(const std::string& tenant) override;
  Result<std::vector<RoleAssignment>> role_assignments(const std::string& tenant) override;
  std::vector<Result<Group>> groups(const std::string& tenant,
                                    const std::vector<std::string>& ids) override;
  Result<std::string> read_users(const std::string& tenant, const std::string& delta_link,
                                 const UserPageSink& sink) override;
  Status read_deleted_users(const std::string& tenant, const DeletedUserSink& sink) override;
  Result<User> get_user(const std::string& tenant, const std::string& id_or_upn) override;
  std::vector<WriteResult> write(const std::string& tenant,
                                 const std::vector<WriteRequest>& requests) override;

 private:
  struct TenantData {
    Tenant tenant;
    std::vector<Sku> skus;
    std::map<std::string, User> users;    // by id
    std::map<std::string, User> deleted;  // by id
    std::vector<std::string> change_log;  // user ids, oldest first; seq = index + 1
    int epoch = 1;                        // bumped by expire_delta_links
    int full_reads = 0;
    int delta_reads = 0;
    std::optional<Error> skus_fault;
    std::optional<std::vector<Domain>> domains;  // unset: the default domain only
    std::optional<Error> domains_fault;
    std::optional<std::vector<RoleDefinition>> roles;
    std::map<std::string, Group> groups;        // by id
    std::map<std::string, Error> group_faults;  // by group id
    std::vector<std::string> group_reads;
    std::vector<RoleAssignment> role_assignments;
    int next_assignment = 1;
    std::optional<std::pair<int, Error>> users_fault;  // pages to deliver, then the error
    std::optional<Error> deleted_fault;
    bool contracted = true;
  };

  TenantData* find(const std::string& tenant);  // by id or domain; needs mu_
  const TenantData* find(const std::string& tenant) const;
  TenantData& at(const std::string& tenant_id);  // asserts; needs mu_
  std::string link(const TenantData& t) const;

  // Builds and delivers the pages of `ids` one at a time, each from the state at that
  // moment. Full reads list active users only; delta reads turn ids that are no longer
  // active into removals. fault = deliver that many pages, then fail.
  Status deliver(const std::string& tenant_id, const std::vector<std::string>& ids, bool delta,
                 std::optional<std::pair<int, Error>> fault, const UserPageSink& sink);

  mutable std::mutex mu_;
  std::map<std::string, TenantData> tenants_;  // by id; guarded by mu_
  int page_size_ = 100;                        // guarded by mu_
  PageObserver observer_;                      // guarded by mu_
  std::optional<Error> tenants_fault_;         // guarded by mu_
  int in_flight_ = 0;                          // guarded by mu_
  int max_in_flight_ = 0;                      // guarded by mu_
  bool license_rules_ = false;                 // guarded by mu_

  // enforce_license_rules(): why `req` would be refused, or nullopt. Needs mu_.
  std::optional<Error> license_refusal(const TenantData& t, const User& user,
                                       const WriteRequest& req) const;
};

// ---- test data builders ----

// A user with `licenses` (sku ids, no disabled plans), usage location US.
User make_user(const std::string& id, const std::string& upn,
               const std::vector<std::string>& licenses = {}, const std::string& department = "");
Sku make_sku(const std::string& sku_id, const std::string& part_number, int enabled,
             int consumed = 0);
Tenant make_tenant(const std::string& id, const std::string& domain);

// A fresh folder under the test temp dir, removed (with its files) on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::string file(const std::string& name) const { return path_ + "/" + name; }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace tenantsync
