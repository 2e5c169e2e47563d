#include "tests/sync/memory_directory.h"

#include <algorithm>
#include <cassert>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <set>

#include "sync/ascii_case.h"
#include "sync/plan/property_change.h"

namespace tenantsync {

namespace {

std::vector<User> values(const std::map<std::string, User>& m) {
  std::vector<User> out;
  for (const auto& [id, u] : m) out.push_back(u);
  return out;
}

}  // namespace

MemoryDirectory::TenantData* MemoryDirectory::find(const std::string& tenant) {
  auto it = tenants_.find(tenant);
  if (it != tenants_.end()) return &it->second;
  for (auto& [id, t] : tenants_) {
    if (iequals(t.tenant.default_domain_name, tenant)) return &t;
  }
  return nullptr;
}

const MemoryDirectory::TenantData* MemoryDirectory::find(const std::string& tenant) const {
  return const_cast<MemoryDirectory*>(this)->find(tenant);
}

MemoryDirectory::TenantData& MemoryDirectory::at(const std::string& tenant_id) {
  TenantData* t = find(tenant_id);
  assert(t && "unknown tenant in a MemoryDirectory test setup");
  return *t;
}

std::string MemoryDirectory::link(const TenantData& t) const {
  return "memory:delta/" + t.tenant.id + "/" + std::to_string(t.epoch) + "/" +
         std::to_string(t.change_log.size());
}

std::string MemoryDirectory::latest_delta_link(const std::string& tenant_id) {
  std::lock_guard<std::mutex> lock(mu_);
  TenantData* t = find(tenant_id);
  return t ? link(*t) : std::string();
}

void MemoryDirectory::add_tenant(const Tenant& tenant, std::vector<Sku> skus,
                                 std::vector<User> users, std::vector<User> deleted_users) {
  std::lock_guard<std::mutex> lock(mu_);
  TenantData& t = tenants_[tenant.id];
  t.tenant = tenant;
  t.skus = std::move(skus);
  for (auto& u : users) t.users[u.id] = std::move(u);
  for (auto& u : deleted_users) t.deleted[u.id] = std::move(u);
}

void MemoryDirectory::put_user(const std::string& tenant_id, const User& user) {
  std::lock_guard<std::mutex> lock(mu_);
  TenantData& t = at(tenant_id);
  t.deleted.erase(user.id);
  User u = user;
  u.deleted_date_time.reset();
  t.users[u.id] = std::move(u);
  t.change_log.push_back(user.id);
}

void MemoryDirectory::soft_delete_user(const std::string& tenant_id, const std::string& user_id,
                                       const std::string& deleted_at) {
  std::lock_guard<std::mutex> lock(mu_);
  TenantData& t = at(tenant_id);
  auto it = t.users.find(user_id);
  assert(it != t.users.end());
  User u = std::move(it->second);
  t.users.erase(it);
  u.deleted_date_time = deleted_at;
  t.deleted[user_id] = std::move(u);
  t.change_log.push_back(user_id);
}

void MemoryDirectory::hard_delete_user(const std::string& tenant_id, const std::string& user_id) {
  std::lock_guard<std::mutex> lock(mu_);
  TenantData& t = at(tenant_id);
  t.users.erase(user_id);
  t.deleted.erase(user_id);
  t.change_log.push_back(user_id);
}

void MemoryDirectory::restore_user(const std::string& tenant_id, const std::string& user_id) {
  std::lock_guard<std::mutex> lock(mu_);
  TenantData& t = at(tenant_id);
  auto it = t.deleted.find(user_id);
  assert(it != t.deleted.end());
  User u = std::move(it->second);
  t.deleted.erase(it);
  u.deleted_date_time.reset();
  t.users[user_id] = std::move(u);
  t.change_log.push_back(user_id);
}

void MemoryDirectory::purge_deleted_user(const std::string& tenant_id, const std::string& user_id) {
  std::lock_guard<std::mutex> lock(mu_);
  at(tenant_id).deleted.erase(user_id);
}

void MemoryDirectory::set_skus(const std::string& tenant_id, std::vector<Sku> skus) {
  std::lock_guard<std::mutex> lock(mu_);
  at(tenant_id).skus = std::move(skus);
}

void MemoryDirectory::set_page_size(int users_per_page) {
  std::lock_guard<std::mutex> lock(mu_);
  page_size_ = std::max(1, users_per_page);
}

void MemoryDirectory::enforce_license_rules(bool on) {
  std::lock_guard<std::mutex> lock(mu_);
  license_rules_ = on;
}

std::optional<Error> MemoryDirectory::license_refusal(const TenantData& t, const User& user,
                                                      const WriteRequest& req) const {
  auto refused = [](std::string message, Refusal refusal) {
    Error e = make_error(ErrorKind::Rejected, std::move(message), "Request_BadRequest");
    e.http_status = 400;
    e.refusal = refusal;
    return e;
  };
  for (const auto& sku : req.remove_licenses) {
    if (!user.has_direct_license(sku)) {
      return refused("User does not have a corresponding license.", Refusal::NoSuchLicense);
    }
  }
  for (const auto& add : req.add_licenses) {
    auto sku = std::find_if(t.skus.begin(), t.skus.end(),
                            [&](const Sku& s) { return s.sku_id == add.sku_id; });
    if (sku == t.skus.end()) {
      return refused("License " + add.sku_id + " does not correspond to a valid company License.",
                     Refusal::UnknownSku);
    }
    if (user.find_license(add.sku_id)) continue;  // held already: no new seat
    int holders = 0;                              // other users: this one takes the seat
    for (const auto& [id, u] : t.users) {
      if (id != user.id && u.find_license(add.sku_id)) ++holders;
    }
    if (holders + 1 > sku->usable_seats()) {
      return refused(
          "Subscription with SKU " + add.sku_id + " does not have any available licenses.",
          Refusal::Seats);
    }
  }
  return std::nullopt;
}

void MemoryDirectory::set_page_observer(PageObserver observer) {
  std::lock_guard<std::mutex> lock(mu_);
  observer_ = std::move(observer);
}

void MemoryDirectory::set_contract(const std::string& tenant_id, bool active) {
  std::lock_guard<std::mutex> lock(mu_);
  at(tenant_id).contracted = active;
}

void MemoryDirectory::fail_customer_tenants(Error error) {
  std::lock_guard<std::mutex> lock(mu_);
  tenants_fault_ = std::move(error);
}

void MemoryDirectory::fail_skus(const std::string& tenant_id, Error error) {
  std::lock_guard<std::mutex> lock(mu_);
  at(tenant_id).skus_fault = std::move(error);
}

void MemoryDirectory::fail_users_after_pages(const std::string& tenant_id, int pages, Error error) {
  std::lock_guard<std::mutex> lock(mu_);
  at(tenant_id).users_fault = std::make_pair(pages, std::move(error));
}

void MemoryDirectory::fail_deleted_users(const std::string& tenant_id, Error error) {
  std::lock_guard<std::mutex> lock(mu_);
  at(tenant_id).deleted_fault = std::move(error);
}

void MemoryDirectory::expire_delta_links(const std::string& tenant_id) {
  std::lock_guard<std::mutex> lock(mu_);
  ++at(tenant_id).epoch;
}

std::vector<User> MemoryDirectory::users(const std::string& tenant_id) const {
  std::lock_guard<std::mutex> lock(mu_);
  return values(find(tenant_id)->users);
}

std::vector<User> MemoryDirectory::deleted_users(const std::string& tenant_id) const {
  std::lock_guard<std::mutex> lock(mu_);
  return values(find(tenant_id)->deleted);
}

std::vector<Sku> MemoryDirectory::skus(const std::string& tenant_id) const {
  std::lock_guard<std::mutex> lock(mu_);
  return find(tenant_id)->skus;
}

int MemoryDirectory::full_reads(const std::string& tenant_id) const {
  std::lock_guard<std::mutex> lock(mu_);
  return find(tenant_id)->full_reads;
}

int MemoryDirectory::delta_reads(const std::string& tenant_id) const {
  std::lock_guard<std::mutex> lock(mu_);
  return find(tenant_id)->delta_reads;
}

int MemoryDirectory::max_pages_in_flight() const {
  std::lock_guard<std::mutex> lock(mu_);
  return max_in_flight_;
}

Result<std::vector<Tenant>> MemoryDirectory::customer_tenants() {
  std::lock_guard<std::mutex> lock(mu_);
  if (tenants_fault_) return *std::exchange(tenants_fault_, std::nullopt);
  std::vector<Tenant> out;
  for (const auto& [id, t] : tenants_) {
    if (t.contracted) out.push_back(t.tenant);
  }
  return out;
}

void MemoryDirectory::set_domains(const std::string& tenant_id, std::vector<Domain> domains) {
  std::lock_guard<std::mutex> lock(mu_);
  at(tenant_id).domains = std::move(domains);
}

void MemoryDirectory::fail_domains(const std::string& tenant_id, Error error) {
  std::lock_guard<std::mutex> lock(mu_);
  at(tenant_id).domains_fault = std::move(error);
}

Result<std::vector<Domain>> MemoryDirectory::domains(const std::string& tenant) {
  std::lock_guard<std::mutex> lock(mu_);
  TenantData* t = find(tenant);
  if (!t) return make_error(ErrorKind::NotFound, "unknown tenant " + tenant);
  if (t->domains_fault) return *std::exchange(t->domains_fault, std::nullopt);
  if (t->domains) return *t->domains;
  return std::vector<Domain>{{t->tenant.default_domain_name, true, true, true}};
}

void MemoryDirectory::set_group(const std::string& tenant_id, Group group) {
  std::lock_guard<std::mutex> lock(mu_);
  TenantData& t = at(tenant_id);
  t.group_faults.erase(group.id);
  t.groups[group.id] = std::move(group);
}

void MemoryDirectory::fail_group(const std::string& tenant_id, const std::string& group_id,
                                 Error error) {
  std::lock_guard<std::mutex> lock(mu_);
  at(tenant_id).group_faults[group_id] = std::move(error);
}

std::vector<std::string> MemoryDirectory::group_reads(const std::string& tenant_id) const {
  std::lock_guard<std::mutex> lock(mu_);
  const TenantData* t = find(tenant_id);
  return t ? t->group_reads : std::vector<std::string>{};
}

std::vector<Result<Group>> MemoryDirectory::groups(const std::string& tenant,
                                                   const std::vector<std::string>& ids) {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<Result<Group>> out;
  TenantData* t = find(tenant);
  for (const auto& id : ids) {
    if (!t) {
      out.push_back(make_error(ErrorKind::NotFound, "unknown tenant " + tenant));
      continue;
    }
    t->group_reads.push_back(id);
    if (auto fault = t->group_faults.find(id); fault != t->group_faults.end()) {
      out.push_back(fault->second);
    } else if (auto g = t->groups.find(id); g != t->groups.end()) {
      out.push_back(g->second);
    } else {
      out.push_back(make_error(ErrorKind::NotFound,
                               "Resource '" + id +
                                   "' does not exist or one of its queried "
                                   "reference-property objects are not present.",
                               "Request_ResourceNotFound"));
    }
  }
  return out;
}

void MemoryDirectory::set_roles(const std::string& tenant_id, std::vector<RoleDefinition> roles) {
  std::lock_guard<std::mutex> lock(mu_);
  at(tenant_id).roles = std::move(roles);
}

std::vector<RoleAssignment> MemoryDirectory::held_roles(const std::string& tenant_id) const {
  std::lock_guard<std::mutex> lock(mu_);
  const TenantData* t = find(tenant_id);
  return t ? t->role_assignments : std::vector<RoleAssignment>{};
}

Result<std::vector<RoleDefinition>> MemoryDirectory::role_definitions(const std::string& tenant) {
  std::lock_guard<std::mutex> lock(mu_);
  TenantData* t = find(tenant);
  if (!t) return make_error(ErrorKind::NotFound, "unknown tenant " + tenant);
  if (!t->roles) return Directory::role_definitions(tenant);
  return *t->roles;
}

Result<std::vector<RoleAssignment>> MemoryDirectory::role_assignments(const std::string& tenant) {
  std::lock_guard<std::mutex> lock(mu_);
  TenantData* t = find(tenant);
  if (!t) return make_error(ErrorKind::NotFound, "unknown tenant " + tenant);
  if (!t->roles) return Directory::role_assignments(tenant);
  return t->role_assignments;
}

Result<std::vector<Sku>> MemoryDirectory::subscribed_skus(const std::string& tenant) {
  std::lock_guard<std::mutex> lock(mu_);
  TenantData* t = find(tenant);
  if (!t) return make_error(ErrorKind::NotFound, "unknown tenant " + tenant);
  if (t->skus_fault) return *std::exchange(t->skus_fault, std::nullopt);
  if (license_rules_) {
    std::vector<Sku> skus = t->skus;
    for (auto& sku : skus) {
      sku.consumed_units = 0;
      for (const auto& [id, u] : t->users) {
        if (u.find_license(sku.sku_id)) ++sku.consumed_units;
      }
    }
    return skus;
  }
  return t->skus;
}

Status MemoryDirectory::deliver(const std::string& tenant_id, const std::vector<std::string>& ids,
                                bool delta, std::optional<std::pair<int, Error>> fault,
                                const UserPageSink& sink) {
  size_t page_size = 0;
  {
    std::lock_guard<std::mutex> lock(mu_);
    page_size = static_cast<size_t>(page_size_);
  }
  int page_number = 0;
  for (size_t start = 0; start < ids.size(); start += page_size) {
    if (fault && page_number == fault->first) return fault->second;
    UserPage page;
    PageObserver observer;
    {
      std::lock_guard<std::mutex> lock(mu_);
      TenantData& t = at(tenant_id);
      for (size_t i = start; i < std::min(ids.size(), start + page_size); ++i) {
        const std::string& id = ids[i];
        if (auto it = t.users.find(id); it != t.users.end()) {
          page.users.push_back(it->second);
        } else if (!delta) {
          continue;  // deleted while the read was under way
        } else if (t.deleted.count(id)) {
          page.removed_soft.push_back(id);
        } else {
          page.removed_hard.push_back(id);
        }
      }
      observer = observer_;
      max_in_flight_ = std::max(max_in_flight_, ++in_flight_);
    }
    Status s = sink(std::move(page));
    {
      std::lock_guard<std::mutex> lock(mu_);
      --in_flight_;
    }
    if (!s.ok()) return s;
    ++page_number;
    if (observer) observer(tenant_id, page_number);
  }
  if (fault) return fault->second;  // fewer pages than the fault allows: fail at the end
  return {};
}

Result<std::string> MemoryDirectory::read_users(const std::string& tenant,
                                                const std::string& delta_link,
                                                const UserPageSink& sink) {
  std::vector<std::string> ids;
  std::optional<std::pair<int, Error>> fault;
  std::string tenant_id;
  std::string next_link;
  bool delta = !delta_link.empty();
  {
    std::lock_guard<std::mutex> lock(mu_);
    TenantData* t = find(tenant);
    if (!t) return make_error(ErrorKind::NotFound, "unknown tenant " + tenant);
    tenant_id = t->tenant.id;
    if (delta) {
      // memory:delta/<tenant>/<epoch>/<seq>
      std::string prefix = "memory:delta/" + tenant_id + "/" + std::to_string(t->epoch) + "/";
      if (delta_link.rfind(prefix, 0) != 0) {
        Error e = make_error(ErrorKind::ResyncNeeded, "The sync state is not found or has expired.",
                             "syncStateNotFound");
        e.http_status = 410;
        return e;
      }
      size_t since = std::stoul(delta_link.substr(prefix.size()));
      ++t->delta_reads;
      // Each changed user once, in the order of its last change.
      std::set<std::string> seen;
      for (size_t i = t->change_log.size(); i > since; --i) {
        const std::string& id = t->change_log[i - 1];
        if (seen.insert(id).second) ids.push_back(id);
      }
      std::reverse(ids.begin(), ids.end());
    } else {
      ++t->full_reads;
      for (const auto& [id, u] : t->users) ids.push_back(id);
    }
    next_link = link(*t);
    fault = std::exchange(t->users_fault, std::nullopt);
  }
  Status s = deliver(tenant_id, ids, delta, std::move(fault), sink);
  if (!s.ok()) return s.error();
  return next_link;
}

Status MemoryDirectory::read_deleted_users(const std::string& tenant, const DeletedUserSink& sink) {
  std::vector<User> all;
  size_t page_size = 0;
  {
    std::lock_guard<std::mutex> lock(mu_);
    TenantData* t = find(tenant);
    if (!t) return make_error(ErrorKind::NotFound, "unknown tenant " + tenant);
    if (t->deleted_fault) return *std::exchange(t->deleted_fault, std::nullopt);
    all = values(t->deleted);
    page_size = static_cast<size_t>(page_size_);
  }
  for (size_t start = 0; start < all.size(); start += page_size) {
    std::vector<User> page(
        all.begin() + static_cast<std::ptrdiff_t>(start),
        all.begin() + static_cast<std::ptrdiff_t>(std::min(all.size(), start + page_size)));
    Status s = sink(std::move(page));
    if (!s.ok()) return s;
  }
  return {};
}

Result<User> MemoryDirectory::get_user(const std::string& tenant, const std::string& id_or_upn) {
  std::lock_guard<std::mutex> lock(mu_);
  TenantData* t = find(tenant);
  if (!t) return make_error(ErrorKind::NotFound, "unknown tenant " + tenant);
  for (const auto& [id, u] : t->users) {
    if (id == id_or_upn || iequals(u.user_principal_name, id_or_upn)) return u;
  }
  return make_error(ErrorKind::NotFound,
                    "Resource '" + id_or_upn +
                        "' does not exist or one of its queried reference-"
                        "property objects are not present.",
                    "Request_ResourceNotFound");
}

// Minimal writes with no service rules (seats, usage location, plans): tests of those use
// fake-graph. Each successful write is recorded in the change log like a remote change.
std::vector<WriteResult> MemoryDirectory::write(const std::string& tenant,
                                                const std::vector<WriteRequest>& requests) {
  std::vector<WriteResult> out;
  std::lock_guard<std::mutex> lock(mu_);
  TenantData* t = find(tenant);
  for (const auto& req : requests) {
    WriteResult r;
    if (!t) {
      r.status = make_error(ErrorKind::NotFound, "unknown tenant " + tenant);
      out.push_back(std::move(r));
      continue;
    }
    auto find_user = [&](std::map<std::string, User>& m) -> User* {
      for (auto& [id, u] : m) {
        if (id == req.user || iequals(u.user_principal_name, req.user)) return &u;
      }
      return nullptr;
    };
    auto not_found = [&] {
      return make_error(ErrorKind::NotFound, "Resource '" + req.user + "' does not exist.",
                        "Request_ResourceNotFound");
    };
    switch (req.kind) {
      case WriteRequest::Kind::AssignLicense: {
        User* u = find_user(t->users);
        if (!u) {
          r.status = not_found();
          break;
        }
        if (license_rules_) {
          if (auto refusal = license_refusal(*t, *u, req)) {
            r.status = *refusal;
            break;
          }
        }
        for (const auto& sku : req.remove_licenses) {
          std::erase_if(u->assigned_licenses, [&](const auto& l) { return l.sku_id == sku; });
          std::erase_if(u->license_states,
                        [&](const auto& s) { return s.sku_id == sku && !s.assigned_by_group; });
        }
        for (const auto& add : req.add_licenses) {
          std::erase_if(u->assigned_licenses,
                        [&](const auto& l) { return l.sku_id == add.sku_id; });
          u->assigned_licenses.push_back(add);
          // The direct assignment's state follows (an update replaces its disabled plans).
          std::erase_if(u->license_states, [&](const auto& s) {
            return s.sku_id == add.sku_id && !s.assigned_by_group;
          });
          u->license_states.push_back(
              {add.sku_id, std::nullopt, add.disabled_plans, "Active", "None"});
        }
        t->change_log.push_back(u->id);
        r.user = *u;
        break;
      }
      case WriteRequest::Kind::DeleteUser: {
        User* u = find_user(t->users);
        if (!u) {
          r.status = not_found();
          break;
        }
        User moved = *u;
        t->users.erase(moved.id);
        moved.deleted_date_time = "2026-11-20T00:00:00Z";
        t->change_log.push_back(moved.id);
        t->deleted[moved.id] = std::move(moved);
        break;
      }
      case WriteRequest::Kind::RestoreUser: {
        User* u = find_user(t->deleted);
        if (!u) {
          r.status = not_found();
          break;
        }
        User moved = *u;
        t->deleted.erase(moved.id);
        moved.deleted_date_time.reset();
        if (req.new_user_principal_name) moved.user_principal_name = *req.new_user_principal_name;
        t->change_log.push_back(moved.id);
        r.user = moved;
        t->users[moved.id] = std::move(moved);
        break;
      }
      case WriteRequest::Kind::CreateUser: {
        User u;
        try {
          nlohmann::json body = req.body;
          if (!body.contains("id")) {
            body["id"] = "created-" + std::to_string(t->users.size() + t->deleted.size() + 1);
          }
          u = body.get<User>();
        } catch (const nlohmann::json::exception& e) {
          r.status = make_error(ErrorKind::Invalid, e.what(), "Request_BadRequest");
          break;
        }
        t->change_log.push_back(u.id);
        r.user = u;
        t->users[u.id] = std::move(u);
        break;
      }
      case WriteRequest::Kind::UpdateUser: {
        User* u = find_user(t->users);
        if (!u) {
          r.status = not_found();
          break;
        }
        apply_property_patch(*u, req.body);
        t->change_log.push_back(u->id);
        break;
      }
      case WriteRequest::Kind::AddRole: {
        if (!find_user(t->users)) {
          r.status = not_found();
          break;
        }
        RoleAssignment a{"ra-" + std::to_string(t->next_assignment++), req.user,
                         req.role_definition_id, "/"};
        t->role_assignments.push_back(a);
        r.role_assignment = a;
        break;
      }
      case WriteRequest::Kind::RemoveRole: {
        auto& held = t->role_assignments;
        auto it = std::find_if(held.begin(), held.end(), [&](const RoleAssignment& a) {
          return a.id == req.role_assignment_id;
        });
        if (it == held.end()) {
          r.status = make_error(ErrorKind::NotFound, "no role assignment " + req.role_assignment_id,
                                "Request_ResourceNotFound");
          break;
        }
        held.erase(it);
        break;
      }
    }
    out.push_back(std::move(r));
  }
  return out;
}

User make_user(const std::string& id, const std::string& upn,
               const std::vector<std::string>& licenses, const std::string& department) {
  User u;
  u.id = id;
  u.user_principal_name = upn;
  u.display_name = upn.substr(0, upn.find('@'));
  u.mail = upn;
  u.department = department;
  u.usage_location = "US";
  for (const auto& sku : licenses) {
    u.assigned_licenses.push_back({sku, {}});
    u.license_states.push_back({sku, std::nullopt, {}, "Active", "None"});
  }
  return u;
}

Sku make_sku(const std::string& sku_id, const std::string& part_number, int enabled, int consumed) {
  Sku s;
  s.id = "tenant_" + sku_id;
  s.sku_id = sku_id;
  s.sku_part_number = part_number;
  s.consumed_units = consumed;
  s.prepaid_units.enabled = enabled;
  s.service_plans = {{sku_id + "-plan-a", part_number + "_A", "Success", "User"},
                     {sku_id + "-plan-b", part_number + "_B", "Success", "User"}};
  return s;
}

Tenant make_tenant(const std::string& id, const std::string& domain) {
  return Tenant{id, domain, domain.substr(0, domain.find('.'))};
}

TempDir::TempDir() {
  const char* base = std::getenv("TEST_TMPDIR");
  std::string pattern =
      (base && *base ? std::string(base) : std::filesystem::temp_directory_path().string()) +
      "/tenantsync-sync-XXXXXX";
  std::vector<char> buf(pattern.begin(), pattern.end());
  buf.push_back('\0');
  const char* made = ::mkdtemp(buf.data());
  assert(made && "mkdtemp failed");
  path_ = made;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

}  // namespace tenantsync
