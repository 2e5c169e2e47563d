// Everything the fake serves: the partner, the customer tenants, the client applications
// that may get tokens, and the clock's starting point. Built once (from a fixture or the
// generator) before the server starts; afterwards only the tenants' contents change,
// each under its own lock, so lookups here need no locking.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "fakes/fake_directory.h"

namespace tenantsync::fake {

struct ClientApp {
  std::string client_id;  // lower-case GUID
  std::string secret;     // empty = no secret credential
  std::string certificate_pem;
  // The admin roles the partner holds in the customer tenants (GDAP); nullopt = all.
  std::optional<std::vector<std::string>> roles;

  bool has_any_role() const { return !roles || !roles->empty(); }
  // True when the client holds one of `wanted`, or GlobalAdministrator, or all roles.
  bool has_role(std::initializer_list<std::string_view> wanted) const;
};

class Estate {
 public:
  double start_time = 0;  // the fixture's `now`, epoch seconds
  std::vector<ClientApp> clients;

  // The partner tenant (whose /contracts lists the customers).
  void set_partner(std::unique_ptr<TenantDirectory> partner);
  // A customer tenant; its id and verified domains become lookup keys.
  void add_customer(std::unique_ptr<TenantDirectory> tenant);

  TenantDirectory* partner() const { return partner_; }
  const std::vector<TenantDirectory*>& customers() const { return customers_; }
  // By tenant id or any verified domain, case-insensitive; nullptr when unknown.
  TenantDirectory* find_tenant(std::string_view id_or_domain) const;
  const ClientApp* find_client(std::string_view client_id) const;

 private:
  void index(TenantDirectory* tenant);

  std::vector<std::unique_ptr<TenantDirectory>> owned_;
  TenantDirectory* partner_ = nullptr;
  std::vector<TenantDirectory*> customers_;
  std::unordered_map<std::string, TenantDirectory*> by_key_;
};

}  // namespace tenantsync::fake
