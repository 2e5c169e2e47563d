// The Directory port: everything the engine needs from the remote directory, and no more.
//
// sync/ talks to the remote only through this interface. The Graph adapter in connector/
// implements it over HTTP; tests implement it in memory (tests/sync/memory_directory.h)
// or wrap it to inject faults. Every call may be made from several threads at once for
// different tenants. Calls never throw: failures come back as Error values whose `code`
// and `message` are the service's own.
#pragma once

#include <atomic>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "model/domain.h"
#include "model/group.h"
#include "model/result.h"
#include "model/role.h"
#include "model/sku.h"
#include "model/tenant.h"
#include "model/user.h"

namespace tenantsync {

// One page of a user read. For a full read only `users` is filled.
struct UserPage {
  std::vector<User> users;                // new or changed users, whole objects
  std::vector<std::string> removed_soft;  // ids removed with reason "changed": soft-deleted
  std::vector<std::string> removed_hard;  // ids removed with reason "deleted": gone for good
};

// One write. The adapter sends many at once ($batch of up to 20, throttled items resent).
struct WriteRequest {
  enum class Kind {
    AssignLicense,
    CreateUser,
    UpdateUser,
    DeleteUser,
    RestoreUser,
    AddRole,    // a tenant-wide assignment of `role_definition_id` to `user` (an id)
    RemoveRole  // the assignment `role_assignment_id`
  };
  Kind kind = Kind::AssignLicense;
  std::string user;  // id or user principal name; unused for CreateUser
  // AssignLicense: one atomic call; an exclusive swap removes and adds together.
  std::vector<AssignedLicense> add_licenses;
  std::vector<std::string> remove_licenses;  // sku ids
  // CreateUser / UpdateUser: the Graph JSON body (may hold a passwordProfile: never log it).
  nlohmann::json body;
  // RestoreUser: optional new UPN when the old one is taken.
  std::optional<std::string> new_user_principal_name;
  std::string role_definition_id;  // AddRole
  std::string role_assignment_id;  // RemoveRole
};

struct WriteResult {
  Status status;
  std::optional<User> user;  // the user the service returned (assign, create, restore)
  std::optional<RoleAssignment> role_assignment;  // AddRole: the assignment made
};

// The first page of a tenant's soft-deleted users, and where the rest is ("" when none).
struct DeletedUsersPage {
  std::vector<User> users;
  std::string next_link;
};

// The first page of a delta round, and where the round goes on: its next page, or, when
// it was the last, the delta link that ends it (one of the two is set).
struct DeltaPage {
  UserPage page;
  std::string next_link;
  std::string delta_link;
};

// What Directory::deleted_users_and_groups() reads: the deleted users' first page (unset
// when the adapter cannot read it with the groups) and the groups, one result per id.
struct DeletedUsersAndGroups {
  std::optional<Result<DeletedUsersPage>> deleted_users;
  std::vector<Result<Group>> groups;
};

// What Directory::tenant_lists() reads besides the SKUs and domains. The last three are
// wanted with the lists if the adapter can read them there (the default cannot).
struct ListsRequest {
  bool role_definitions = false;
  bool role_assignments = false;
  bool deleted_users = false;      // the deleted users' first page (TenantLists::deleted_users)
  bool latest_delta_link = false;  // a full read's "sync from now" link
  std::string delta_link;          // a delta round's first page, from this stored link
};

// The small lists the mirror reads of a tenant besides its users, asked for together so
// that an adapter can fetch them in one request (Graph: one $batch). Roles only when asked.
struct TenantLists {
  Result<std::vector<Sku>> skus = std::vector<Sku>();
  Result<std::vector<Domain>> domains = std::vector<Domain>();
  std::optional<Result<std::vector<RoleDefinition>>> role_definitions;
  std::optional<Result<std::vector<RoleAssignment>>> role_assignments;
  // The deleted users' first page, when the adapter read it with the lists (Graph: in the
  // same $batch, a request fewer per tenant); the mirror reads the rest with
  // Directory::read_deleted_users_after(). nullopt: it reads them all with
  // read_deleted_users().
  std::optional<Result<DeletedUsersPage>> deleted_users;
  // The users' "sync from now" delta link, when the adapter read it with the lists (Graph:
  // `/users/delta?$deltatoken=latest` in the same $batch, a request fewer per full read);
  // the mirror then starts its full read with read_users_after_latest(). nullopt: it reads
  // them with read_users(tenant, "").
  std::optional<Result<std::string>> latest_delta_link;
  // The first page of the delta round from ListsRequest::delta_link, when the adapter read
  // it with the lists (Graph: the stored link in the same $batch, a request fewer per
  // delta round: a quiet round is one request); the mirror reads on from its next link
  // with read_delta_after(). nullopt: it reads the round with read_users(tenant, delta_link).
  std::optional<Result<DeltaPage>> delta_page;
};

inline WriteResult failed_write(Error error) {
  WriteResult r;
  r.status = std::move(error);
  return r;
}

class Directory {
 public:
  using UserPageSink = std::function<Status(UserPage&&)>;
  using DeletedUserSink = std::function<Status(std::vector<User>&&)>;

  virtual ~Directory() = default;

  // The partner's customer tenants (/contracts).
  virtual Result<std::vector<Tenant>> customer_tenants() = 0;

  virtual Result<std::vector<Sku>> subscribed_skus(const std::string& tenant) = 0;

  // The tenant's domains (GET /domains), verified or not. The default says this directory
  // cannot list them: the mirror then keeps what it knew, and users cannot be created.
  virtual Result<std::vector<Domain>> domains(const std::string& /*tenant*/) {
    return make_error(ErrorKind::Internal, "this directory cannot list domains",
                      "domains-unsupported");
  }

  // The tenant's admin roles and who holds them tenant-wide (role management). The
  // defaults say this directory cannot list them: the mirror keeps what it knew, and role
  // changes wait until they are known.
  virtual Result<std::vector<RoleDefinition>> role_definitions(const std::string& /*tenant*/) {
    return make_error(ErrorKind::Internal, "this directory cannot list roles", "roles-unsupported");
  }
  virtual Result<std::vector<RoleAssignment>> role_assignments(const std::string& /*tenant*/) {
    return make_error(ErrorKind::Internal, "this directory cannot list roles", "roles-unsupported");
  }

  // subscribed_skus(), domains() and, when asked, role_definitions() and role_assignments()
  // of one tenant. The default calls each in turn, and reads nothing else of `want` (it
  // leaves the rest of TenantLists unset).
  virtual TenantLists tenant_lists(const std::string& tenant, const ListsRequest& want) {
    TenantLists out;
    out.skus = subscribed_skus(tenant);
    out.domains = domains(tenant);
    if (want.role_definitions) out.role_definitions = this->role_definitions(tenant);
    if (want.role_assignments) out.role_assignments = this->role_assignments(tenant);
    return out;
  }

  // Groups by id (GET /groups/{id}?$select=id,displayName), one result per id, in order;
  // NotFound for a group that does not exist. Only their names are read: reports name the
  // groups users inherit licenses from. The default says this directory cannot read them:
  // the mirror then keeps the names it knew, and reports show group ids.
  virtual std::vector<Result<Group>> groups(const std::string& /*tenant*/,
                                            const std::vector<std::string>& ids) {
    std::vector<Result<Group>> out;
    out.reserve(ids.size());
    for (size_t i = 0; i < ids.size(); ++i) {
      out.push_back(make_error(ErrorKind::Internal, "this directory cannot read groups",
                               "groups-unsupported"));
    }
    return out;
  }

  // groups(tenant, ids) and the deleted users' first page, read together where the adapter
  // can (Graph: one $batch, a request fewer after a full read's users; without ids, the
  // page alone). The default reads the groups only: the mirror then reads the deleted
  // users with read_deleted_users().
  virtual DeletedUsersAndGroups deleted_users_and_groups(const std::string& tenant,
                                                         const std::vector<std::string>& ids) {
    return {std::nullopt, groups(tenant, ids)};
  }

  // Reads users page by page into `sink`; a sink error stops the read and is returned.
  // Empty `delta_link`: a full read. Otherwise the changes since that link. Returns the
  // new delta link to store. An expired or unknown link fails with ErrorKind::ResyncNeeded.
  virtual Result<std::string> read_users(const std::string& tenant, const std::string& delta_link,
                                         const UserPageSink& sink) = 0;

  // A full read whose "sync from now" link came with tenant_lists(), read before it: every
  // user into `sink`, and that link returned (a change made since is in its next round:
  // replayed, which is harmless, never lost). The default reads as read_users(tenant, "")
  // does, asking for a link of its own.
  virtual Result<std::string> read_users_after_latest(const std::string& tenant,
                                                      const std::string& /*latest_delta_link*/,
                                                      const UserPageSink& sink) {
    return read_users(tenant, "", sink);
  }

  // The rest of a delta round whose first page came with tenant_lists()
  // (TenantLists::delta_page), from that page's next link; returns the link that ends the
  // round. Only an adapter that fills TenantLists::delta_page needs it.
  virtual Result<std::string> read_delta_after(const std::string& /*tenant*/,
                                               const std::string& /*next_link*/,
                                               const UserPageSink& /*sink*/) {
    return make_error(ErrorKind::Internal, "this directory cannot continue a delta round",
                      "delta-unsupported");
  }

  // Soft-deleted users (restorable), page by page, each with deleted_date_time set.
  virtual Status read_deleted_users(const std::string& tenant, const DeletedUserSink& sink) = 0;

  // The deleted users' pages from `next_link` on: the rest of a read whose first page came
  // with tenant_lists(). Only an adapter that fills TenantLists::deleted_users needs it.
  virtual Status read_deleted_users_after(const std::string& /*tenant*/,
                                          const std::string& /*next_link*/,
                                          const DeletedUserSink& /*sink*/) {
    return make_error(ErrorKind::Internal, "this directory cannot continue a deleted-users read",
                      "deleted-users-unsupported");
  }

  // One user by id or UPN; NotFound when there is no active user of that name.
  virtual Result<User> get_user(const std::string& tenant, const std::string& id_or_upn) = 0;

  // Many users by id or UPN, one result per name, in order (NotFound as for get_user).
  // The Graph adapter reads up to 15 of one kind (ids, or UPNs) with one filtered list GET
  // (`id in (...)`, `userPrincipalName in (...)`), 20 of those GETs to a $batch: up to 300
  // users a request (GraphClient::get_users). This default reads one by one.
  virtual std::vector<Result<User>> get_users(const std::string& tenant,
                                              const std::vector<std::string>& ids_or_upns) {
    std::vector<Result<User>> out;
    out.reserve(ids_or_upns.size());
    for (const auto& name : ids_or_upns) out.push_back(get_user(tenant, name));
    return out;
  }

  // Sends the writes and returns one result per request, in the same order.
  virtual std::vector<WriteResult> write(const std::string& tenant,
                                         const std::vector<WriteRequest>& requests) = 0;

  // Whether prepare() does anything: the mirror starts helpers to call it only then.
  virtual bool prepares_ahead() const { return false; }
  // Makes ready, ahead of its read, what reading `tenant` needs first (GraphDirectory: its
  // access token), while other tenants are being read. It never fails: whatever went
  // wrong, the read itself meets and reports. Called from other threads than the read's.
  virtual void prepare(const std::string& /*tenant*/) {}

  // From now on, waits for throttling and retries end promptly once `*stop` is true (the
  // run is stopping): the call waiting then fails with the service's last answer. Null:
  // waits are never cut. The flag must outlive its use. A directory that never waits
  // keeps the default.
  virtual void set_stop_signal(const std::atomic<bool>* /*stop*/) {}
};

}  // namespace tenantsync
