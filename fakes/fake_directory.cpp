#include "fakes/fake_directory.h"

#include <algorithm>
#include <stdexcept>

#include "fakes/fake_crypto.h"
#include "fakes/fake_encoding.h"

namespace tenantsync::fake {

namespace {

// Whether two assignments of the same SKU come the same way (direct ones always do).
bool same_group(const LicenseRecord&, const LicenseRecord&) { return true; }
bool same_group(const GroupLicenseRecord& a, const GroupLicenseRecord& b) {
  return a.group_id == b.group_id;
}

}  // namespace

bool SkuRecord::has_plan(const std::string& plan_id) const {
  return std::any_of(plans.begin(), plans.end(),
                     [&](const ServicePlanRecord& p) { return p.id == plan_id; });
}

const LicenseRecord* UserRecord::direct_license(const std::string& sku_id) const {
  for (const auto& l : licenses) {
    if (l.sku_id == sku_id) return &l;
  }
  return nullptr;
}

const GroupLicenseRecord* UserRecord::group_license(const std::string& sku_id) const {
  for (const auto& l : group_licenses) {
    if (l.sku_id == sku_id) return &l;
  }
  return nullptr;
}

std::vector<std::string> UserRecord::held_skus() const {
  std::vector<std::string> out;
  out.reserve(licenses.size() + group_licenses.size());
  for (const auto& l : licenses) out.push_back(l.sku_id);
  for (const auto& l : group_licenses) out.push_back(l.sku_id);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

TenantDirectory::TenantDirectory(std::string id, std::string default_domain,
                                 std::string display_name)
    : id_(to_lower(id)),
      default_domain_(std::move(default_domain)),
      display_name_(std::move(display_name)),
      verified_domains_{default_domain_} {}

void TenantDirectory::set_group_name(std::string id, std::string display_name) {
  groups_[to_lower(id)] = std::move(display_name);
}

const std::string* TenantDirectory::group_name(const std::string& id) const {
  auto it = groups_.find(to_lower(id));
  return it == groups_.end() ? nullptr : &it->second;
}

void TenantDirectory::set_verified_domains(std::vector<std::string> domains) {
  if (std::none_of(domains.begin(), domains.end(),
                   [&](const std::string& d) { return iequals(d, default_domain_); })) {
    domains.insert(domains.begin(), default_domain_);
  }
  verified_domains_ = std::move(domains);
}

bool TenantDirectory::has_verified_domain(const std::string& domain) const {
  return std::any_of(verified_domains_.begin(), verified_domains_.end(),
                     [&](const std::string& d) { return iequals(d, domain); });
}

std::string TenantDirectory::initial_domain() const {
  static const std::string kInitialSuffix = ".onmicrosoft.com";
  for (const std::string& d : verified_domains_) {
    if (d.size() > kInitialSuffix.size() &&
        iequals(d.substr(d.size() - kInitialSuffix.size()), kInitialSuffix)) {
      return d;
    }
  }
  return default_domain_;
}

std::unique_lock<std::mutex> TenantDirectory::acquire(double now) {
  std::unique_lock<std::mutex> lock(mu_);
  if (loader_) {
    auto loader = std::move(loader_);
    loader_ = nullptr;
    loader(*this);
  }
  purge_expired(now);
  now_ = now;
  if (!stamped_) {
    // Assignments the estate started with date from when the fake first served the tenant.
    stamped_ = true;
    for (auto* users : {&active_, &deleted_}) {
      for (auto& [id, user] : *users) stamp_licenses(user, nullptr);
    }
  }
  return lock;
}

void TenantDirectory::set_loader(std::function<void(TenantDirectory&)> loader) {
  std::lock_guard<std::mutex> lock(mu_);
  loader_ = std::move(loader);
}

void TenantDirectory::add_sku(SkuRecord sku) {
  sku.sku_id = to_lower(sku.sku_id);
  sku_index_[sku.sku_id] = skus_.size();
  skus_.push_back(std::move(sku));
}

const SkuRecord* TenantDirectory::find_sku(const std::string& sku_id) const {
  auto it = sku_index_.find(to_lower(sku_id));
  return it == sku_index_.end() ? nullptr : &skus_[it->second];
}

int TenantDirectory::consumed_units(const std::string& sku_id) const {
  auto it = consumed_.find(sku_id);
  return it == consumed_.end() ? 0 : it->second;
}

const UserRecord* TenantDirectory::find_active(const std::string& id_or_upn) const {
  std::string key = to_lower(id_or_upn);
  auto it = active_.find(key);
  if (it != active_.end()) return &it->second;
  auto upn = active_upns_.find(key);
  if (upn != active_upns_.end()) return &active_.at(upn->second);
  return nullptr;
}

const UserRecord* TenantDirectory::find_deleted(const std::string& id_or_upn) const {
  std::string key = to_lower(id_or_upn);
  auto it = deleted_.find(key);
  if (it != deleted_.end()) return &it->second;
  auto upn = deleted_upns_.find(key);
  if (upn != deleted_upns_.end()) return &deleted_.at(upn->second);
  return nullptr;
}

const std::set<std::string>* TenantDirectory::department_members(
    const std::string& department) const {
  auto it = departments_.find(to_lower(department));
  return it == departments_.end() ? nullptr : &it->second;
}

bool TenantDirectory::upn_in_use(const std::string& upn, bool include_deleted) const {
  std::string key = to_lower(upn);
  if (active_upns_.count(key) != 0) return true;
  return include_deleted && deleted_upns_.count(key) != 0;
}

std::string TenantDirectory::new_user_id() {
  // Deterministic per tenant, so runs repeat; skip the (unlikely) collisions.
  while (true) {
    uint64_t n = ++id_counter_;
    std::string id = guid_from(stable_hash(id_) ^ (n * 0x9E3779B97F4A7C15ULL),
                               stable_hash(id_ + "#" + std::to_string(n)));
    if (active_.count(id) == 0 && deleted_.count(id) == 0 && purged_.count(id) == 0) return id;
  }
}

void TenantDirectory::index_active(const UserRecord& user) {
  active_upns_[to_lower(user.user_principal_name)] = user.id;
  if (!user.department.empty()) departments_[to_lower(user.department)].insert(user.id);
  for (const std::string& sku : user.held_skus()) ++consumed_[sku];
}

void TenantDirectory::unindex_active(const UserRecord& user) {
  active_upns_.erase(to_lower(user.user_principal_name));
  if (!user.department.empty()) {
    auto it = departments_.find(to_lower(user.department));
    if (it != departments_.end()) {
      it->second.erase(user.id);
      if (it->second.empty()) departments_.erase(it);
    }
  }
  for (const std::string& sku : user.held_skus()) --consumed_[sku];
}

void TenantDirectory::index_deleted(const UserRecord& user) {
  deleted_upns_.emplace(to_lower(user.user_principal_name), user.id);
  deletion_order_.emplace(user.deleted_at, user.id);
}

void TenantDirectory::unindex_deleted(const UserRecord& user) {
  auto range = deleted_upns_.equal_range(to_lower(user.user_principal_name));
  for (auto it = range.first; it != range.second; ++it) {
    if (it->second == user.id) {
      deleted_upns_.erase(it);
      break;
    }
  }
  auto order = deletion_order_.equal_range(user.deleted_at);
  for (auto it = order.first; it != order.second; ++it) {
    if (it->second == user.id) {
      deletion_order_.erase(it);
      break;
    }
  }
}

void TenantDirectory::record_change(const std::string& id) {
  auto it = last_change_.find(id);
  if (it != last_change_.end()) change_log_.erase(it->second);
  ++sequence_;
  change_log_[sequence_] = id;
  last_change_[id] = sequence_;
}

void TenantDirectory::load_active(UserRecord user) {
  user.id = to_lower(user.id);
  user.deleted_at = 0;
  if (active_.count(user.id) != 0 || deleted_.count(user.id) != 0) {
    throw std::runtime_error("duplicate user id " + user.id + " in tenant " + default_domain_);
  }
  if (upn_in_use(user.user_principal_name, false)) {
    throw std::runtime_error("duplicate userPrincipalName " + user.user_principal_name);
  }
  auto [it, inserted] = active_.emplace(user.id, std::move(user));
  index_active(it->second);
}

void TenantDirectory::load_deleted(UserRecord user) {
  user.id = to_lower(user.id);
  if (active_.count(user.id) != 0 || deleted_.count(user.id) != 0) {
    throw std::runtime_error("duplicate user id " + user.id + " in tenant " + default_domain_);
  }
  auto [it, inserted] = deleted_.emplace(user.id, std::move(user));
  index_deleted(it->second);
}

const UserRecord& TenantDirectory::create_user(UserRecord user) {
  std::string id = to_lower(user.id);
  load_active(std::move(user));
  stamp_licenses(active_.at(id), nullptr);
  record_change(id);
  return active_.at(id);
}

void TenantDirectory::stamp_licenses(UserRecord& user, const UserRecord* before) {
  // An assignment keeps its time while it stays the same (SKU, group, disabled plans).
  auto stamp = [&](auto& records, const auto& old_records) {
    for (auto& r : records) {
      r.updated_at = now_;
      for (const auto& old : old_records) {
        if (old.sku_id == r.sku_id && old.disabled_plans == r.disabled_plans &&
            same_group(old, r)) {
          r.updated_at = old.updated_at;
        }
      }
    }
  };
  if (before == nullptr) {
    for (auto& r : user.licenses) r.updated_at = r.updated_at > 0 ? r.updated_at : now_;
    for (auto& r : user.group_licenses) r.updated_at = r.updated_at > 0 ? r.updated_at : now_;
    return;
  }
  stamp(user.licenses, before->licenses);
  stamp(user.group_licenses, before->group_licenses);
}

const UserRecord& TenantDirectory::update_user(std::string id,
                                               const std::function<void(UserRecord&)>& edit) {
  UserRecord& user = active_.at(id);
  unindex_active(user);
  const UserRecord before = user;
  edit(user);
  stamp_licenses(user, &before);
  index_active(user);
  record_change(id);
  return user;
}

void TenantDirectory::soft_delete(std::string id, double now) {
  auto it = active_.find(id);
  unindex_active(it->second);
  UserRecord user = std::move(it->second);
  active_.erase(it);
  user.deleted_at = now;
  auto [pos, inserted] = deleted_.emplace(id, std::move(user));
  index_deleted(pos->second);
  std::erase_if(role_assignments_,
                [&](const auto& entry) { return entry.second.principal_id == id; });
  record_change(id);
}

const UserRecord& TenantDirectory::restore(std::string id,
                                           const std::optional<std::string>& new_upn) {
  auto it = deleted_.find(id);
  unindex_deleted(it->second);
  UserRecord user = std::move(it->second);
  deleted_.erase(it);
  user.deleted_at = 0;
  if (new_upn) user.user_principal_name = *new_upn;
  auto [pos, inserted] = active_.emplace(id, std::move(user));
  // Licenses come back as they were, even past the seat count (the service does this).
  index_active(pos->second);
  record_change(id);
  return pos->second;
}

void TenantDirectory::purge_expired(double now) {
  while (!deletion_order_.empty() && deletion_order_.begin()->first + kRestoreWindowSeconds < now) {
    std::string id = deletion_order_.begin()->second;
    auto it = deleted_.find(id);
    if (it == deleted_.end()) {  // cannot happen while the indexes agree; never loop forever
      deletion_order_.erase(deletion_order_.begin());
      continue;
    }
    unindex_deleted(it->second);
    deleted_.erase(it);
    purged_.insert(id);
    record_change(id);
  }
}

const RoleAssignmentRecord* TenantDirectory::find_role_assignment(const std::string& id) const {
  auto it = role_assignments_.find(id);
  return it == role_assignments_.end() ? nullptr : &it->second;
}

const RoleAssignmentRecord* TenantDirectory::find_role_assignment(
    const std::string& principal_id, const std::string& role_definition_id,
    const std::string& scope) const {
  for (const auto& [id, a] : role_assignments_) {
    if (iequals(a.principal_id, principal_id) &&
        iequals(a.role_definition_id, role_definition_id) && a.directory_scope_id == scope) {
      return &a;
    }
  }
  return nullptr;
}

const RoleAssignmentRecord& TenantDirectory::add_role_assignment(RoleAssignmentRecord assignment) {
  assignment.principal_id = to_lower(assignment.principal_id);
  assignment.role_definition_id = to_lower(assignment.role_definition_id);
  std::string id = assignment.id;
  auto [it, inserted] = role_assignments_.emplace(id, std::move(assignment));
  if (!inserted) {
    throw std::runtime_error("duplicate role assignment id " + id + " in tenant " +
                             default_domain_);
  }
  return it->second;
}

bool TenantDirectory::remove_role_assignment(const std::string& id) {
  return role_assignments_.erase(id) != 0;
}

std::vector<std::pair<uint64_t, std::string>> TenantDirectory::changes(uint64_t after,
                                                                       uint64_t until,
                                                                       size_t limit) const {
  std::vector<std::pair<uint64_t, std::string>> out;
  for (auto it = change_log_.upper_bound(after);
       it != change_log_.end() && it->first <= until && out.size() < limit; ++it) {
    out.emplace_back(it->first, it->second);
  }
  return out;
}

UserFate TenantDirectory::fate(const std::string& id) const {
  if (active_.count(id) != 0) return UserFate::kActive;
  if (deleted_.count(id) != 0) return UserFate::kSoftDeleted;
  return UserFate::kPurged;
}

}  // namespace tenantsync::fake
