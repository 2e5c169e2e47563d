#include "fakes/fake_estate.h"

#include <stdexcept>

#include "fakes/fake_encoding.h"

namespace tenantsync::fake {

bool ClientApp::has_role(std::initializer_list<std::string_view> wanted) const {
  if (!roles) return true;
  for (const std::string& role : *roles) {
    if (iequals(role, "GlobalAdministrator")) return true;
    for (std::string_view w : wanted) {
      if (iequals(role, w)) return true;
    }
  }
  return false;
}

void Estate::set_partner(std::unique_ptr<TenantDirectory> partner) {
  partner_ = partner.get();
  index(partner_);
  owned_.push_back(std::move(partner));
}

void Estate::add_customer(std::unique_ptr<TenantDirectory> tenant) {
  customers_.push_back(tenant.get());
  index(tenant.get());
  owned_.push_back(std::move(tenant));
}

void Estate::index(TenantDirectory* tenant) {
  auto add = [&](const std::string& key) {
    auto [it, inserted] = by_key_.emplace(to_lower(key), tenant);
    if (!inserted && it->second != tenant) {
      throw std::runtime_error("tenant id or domain used twice: " + key);
    }
  };
  add(tenant->id());
  for (const std::string& domain : tenant->verified_domains()) add(domain);
}

TenantDirectory* Estate::find_tenant(std::string_view id_or_domain) const {
  auto it = by_key_.find(to_lower(id_or_domain));
  return it == by_key_.end() ? nullptr : it->second;
}

const ClientApp* Estate::find_client(std::string_view client_id) const {
  std::string key = to_lower(client_id);
  for (const ClientApp& c : clients) {
    if (c.client_id == key) return &c;
  }
  return nullptr;
}

}  // namespace tenantsync::fake
