// One tenant's directory as the fake holds it: SKUs and their rules, active and
// soft-deleted users, the indexes that keep requests O(log n), and the delta change log.
//
// Thread safety: a TenantDirectory is guarded by its own mutex (per-tenant locking, no
// global lock). Call acquire() and hold the returned lock for every read or write; all
// other members assume the caller holds it. Identity (id, domains, display name) is set
// before the server starts and never changes, so it may be read without the lock.
//
// consumedUnits is never stored with a SKU: it is derived from the users. The directory
// keeps a per-SKU count that every user mutation updates (index-like), so seat checks do
// not scan all users.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace tenantsync::fake {

struct ServicePlanRecord {
  std::string id;  // lower-case GUID
  std::string name;
};

struct SkuRecord {
  std::string sku_id;  // lower-case GUID
  std::string part_number;
  std::string applies_to = "User";
  std::string capability_status = "Enabled";
  int enabled = 0;
  int warning = 0;
  int suspended = 0;
  int locked_out = 0;
  std::vector<ServicePlanRecord> plans;

  bool has_plan(const std::string& plan_id) const;
};

// updated_at: when the assignment last changed (licenseAssignmentStates'
// lastUpdatedDateTime), epoch seconds of the fake's clock; set by the directory.
struct LicenseRecord {
  std::string sku_id;
  std::vector<std::string> disabled_plans;
  double updated_at = 0;
};

struct GroupLicenseRecord {
  std::string sku_id;
  std::string group_id;
  std::vector<std::string> disabled_plans;
  double updated_at = 0;
};

struct PlanDependency {
  std::string plan;
  std::vector<std::string> requires_plans;
};

// Empty strings stand for null (Graph returns null for unset properties).
struct UserRecord {
  std::string id;  // lower-case GUID
  std::string user_principal_name;
  std::string display_name;
  std::string mail;
  std::string given_name;
  std::string surname;
  std::string job_title;
  std::string department;
  bool account_enabled = true;
  std::optional<std::string> usage_location;
  std::vector<LicenseRecord> licenses;             // direct assignments
  std::vector<GroupLicenseRecord> group_licenses;  // inherited from groups
  double deleted_at = 0;                           // epoch seconds; soft-deleted users only

  const LicenseRecord* direct_license(const std::string& sku_id) const;
  const GroupLicenseRecord* group_license(const std::string& sku_id) const;
  // Every SKU the user holds, direct or inherited, each once, sorted.
  std::vector<std::string> held_skus() const;
};

// A directory role held by a user, tenant-wide (unifiedRoleAssignment). Principals are
// active users only: soft-deleting a user removes its assignments (a restore does not
// bring them back).
struct RoleAssignmentRecord {
  std::string id;
  std::string principal_id;        // an active user's id
  std::string role_definition_id;  // a built-in role's template id
  std::string directory_scope_id = "/";
};

// What became of a user id that the change log mentions.
enum class UserFate { kActive, kSoftDeleted, kPurged };

class TenantDirectory {
 public:
  static constexpr double kRestoreWindowSeconds = 30.0 * 24 * 3600;

  TenantDirectory(std::string id, std::string default_domain, std::string display_name);

  // Identity: immutable once the server runs.
  const std::string& id() const { return id_; }
  const std::string& default_domain() const { return default_domain_; }
  const std::string& display_name() const { return display_name_; }
  const std::vector<std::string>& verified_domains() const { return verified_domains_; }
  void set_verified_domains(std::vector<std::string> domains);
  bool has_verified_domain(const std::string& domain) const;
  // The domain the tenant was created with: the first verified *.onmicrosoft.com one
  // (else the default domain).
  std::string initial_domain() const;

  // The partner's relationship (GDAP contract) with this customer. An ended one leaves
  // /contracts and denies the partner every Graph call in the tenant (403); the control
  // API ends and restores it. Atomic: read by every request, without the tenant's lock.
  bool under_contract() const { return under_contract_.load(); }
  void set_under_contract(bool active) { under_contract_.store(active); }

  // Locks the tenant, fills it on first use (generated estates are built lazily, per
  // tenant) and purges users past the restore window at `now`.
  std::unique_lock<std::mutex> acquire(double now);
  // Filled on first acquire(); runs under the lock.
  void set_loader(std::function<void(TenantDirectory&)> loader);

  // --- SKUs and rules ---
  void add_sku(SkuRecord sku);
  const std::vector<SkuRecord>& skus() const { return skus_; }
  const SkuRecord* find_sku(const std::string& sku_id) const;
  int consumed_units(const std::string& sku_id) const;
  std::vector<std::pair<std::string, std::string>> exclusive_plans;
  std::vector<PlanDependency> plan_dependencies;
  std::map<std::string, std::set<std::string>> prohibited_locations;  // skuId -> locations

  // --- users ---
  const std::map<std::string, UserRecord>& active_users() const { return active_; }
  const std::map<std::string, UserRecord>& deleted_users() const { return deleted_; }
  // By id (any case) or user principal name. By name, find_deleted picks one of the
  // soft-deleted users holding it.
  const UserRecord* find_active(const std::string& id_or_upn) const;
  const UserRecord* find_deleted(const std::string& id_or_upn) const;
  // Active users in a department (case-insensitive), or nullptr when none.
  const std::set<std::string>* department_members(const std::string& department) const;
  // True when an active user (or, with include_deleted, also a soft-deleted one) holds
  // the name. Only active users block a name on create, rename and restore.
  bool upn_in_use(const std::string& upn, bool include_deleted) const;
  std::string new_user_id();

  // Mutations. Each records a change in the delta log (except the load_* ones, used
  // while building the estate). Ids are taken by value: callers often pass a reference
  // into the very record that moves.
  void load_active(UserRecord user);
  void load_deleted(UserRecord user);
  const UserRecord& create_user(UserRecord user);
  // Edits an active user in place; indexes and seat counts follow the edit.
  const UserRecord& update_user(std::string id, const std::function<void(UserRecord&)>& edit);
  // Also removes the user's role assignments.
  void soft_delete(std::string id, double now);
  const UserRecord& restore(std::string id, const std::optional<std::string>& new_upn);
  // Hard-deletes soft-deleted users whose deletion is older than the restore window.
  void purge_expired(double now);
  // Dates the user's license assignments that are new or changed since `before` (all
  // undated ones when null) with the clock of the last acquire().
  void stamp_licenses(UserRecord& user, const UserRecord* before);

  // --- groups: only their names (GET /groups/{id}); membership lives in the users'
  // groupLicenses. Ids are lower case. ---
  const std::map<std::string, std::string>& groups() const { return groups_; }
  void set_group_name(std::string id, std::string display_name);
  // The group's display name, or nullptr when there is no such group (id in any case).
  const std::string* group_name(const std::string& id) const;

  // --- role assignments (few per tenant: lookups other than by id scan them) ---
  const std::map<std::string, RoleAssignmentRecord>& role_assignments() const {
    return role_assignments_;
  }
  const RoleAssignmentRecord* find_role_assignment(const std::string& id) const;
  // The assignment of `role_definition_id` to `principal_id` at `scope`, if any.
  const RoleAssignmentRecord* find_role_assignment(const std::string& principal_id,
                                                   const std::string& role_definition_id,
                                                   const std::string& scope) const;
  // Throws std::runtime_error when the id is taken. Not a user change (no delta entry).
  const RoleAssignmentRecord& add_role_assignment(RoleAssignmentRecord assignment);
  // False when there is no such assignment.
  bool remove_role_assignment(const std::string& id);

  // --- delta ---
  uint64_t current_sequence() const { return sequence_; }
  // Ids changed after `after` (exclusive) up to `until` (inclusive), at most `limit`,
  // in change order, each with its sequence number.
  std::vector<std::pair<uint64_t, std::string>> changes(uint64_t after, uint64_t until,
                                                        size_t limit) const;
  UserFate fate(const std::string& id) const;

 private:
  std::atomic<bool> under_contract_{true};

  void index_active(const UserRecord& user);
  void unindex_active(const UserRecord& user);
  void index_deleted(const UserRecord& user);
  void unindex_deleted(const UserRecord& user);
  void record_change(const std::string& id);

  std::string id_;
  std::string default_domain_;
  std::string display_name_;
  std::vector<std::string> verified_domains_;

  std::mutex mu_;
  double now_ = 0;        // the clock at the last acquire(): stamps license changes
  bool stamped_ = false;  // the estate's own assignments carry the first acquire's time
  std::function<void(TenantDirectory&)> loader_;  // guarded by mu_

  // All below guarded by mu_.
  std::vector<SkuRecord> skus_;
  std::unordered_map<std::string, size_t> sku_index_;
  std::unordered_map<std::string, int> consumed_;  // skuId -> active users holding it
  std::map<std::string, UserRecord> active_;       // by id: ordered for stable paging
  std::map<std::string, UserRecord> deleted_;
  // An active user's name is unique among active users; soft-deleted users may share a
  // name with each other and with an active user (who took it after they were deleted).
  std::unordered_map<std::string, std::string> active_upns_;            // lower upn -> id
  std::unordered_multimap<std::string, std::string> deleted_upns_;      // lower upn -> id
  std::unordered_map<std::string, std::set<std::string>> departments_;  // lower -> ids
  std::multimap<double, std::string> deletion_order_;                   // deleted_at -> id
  std::map<std::string, std::string> groups_;                     // lower-case id -> display name
  std::map<std::string, RoleAssignmentRecord> role_assignments_;  // by id
  std::unordered_set<std::string> purged_;
  uint64_t sequence_ = 0;
  std::map<uint64_t, std::string> change_log_;  // one entry per user: its latest change
  std::unordered_map<std::string, uint64_t> last_change_;
  uint64_t id_counter_ = 0;
};

}  // namespace tenantsync::fake
