// A Directory that hands each user page on, then calls `after_page(n)`: a test's hook to
// change the service (inject a fault, change a user) between two pages of one read.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "sync/directory.h"

namespace tenantsync::test {

class PageHookDirectory final : public Directory {
 public:
  PageHookDirectory(Directory& inner, std::function<void(int)> after_page)
      : inner_(inner), after_page_(std::move(after_page)) {}

  Result<std::vector<Tenant>> customer_tenants() override { return inner_.customer_tenants(); }
  Result<std::vector<Sku>> subscribed_skus(const std::string& tenant) override {
    return inner_.subscribed_skus(tenant);
  }
  Result<std::vector<Domain>> domains(const std::string& tenant) override {
    return inner_.domains(tenant);
  }
  std::vector<Result<Group>> groups(const std::string& tenant,
                                    const std::vector<std::string>& ids) override {
    return inner_.groups(tenant, ids);
  }
  Result<std::string> read_users(const std::string& tenant, const std::string& delta_link,
                                 const UserPageSink& sink) override {
    int pages = 0;
    return inner_.read_users(tenant, delta_link, [&](UserPage&& page) {
      Status s = sink(std::move(page));
      after_page_(++pages);
      return s;
    });
  }
  Status read_deleted_users(const std::string& tenant, const DeletedUserSink& sink) override {
    return inner_.read_deleted_users(tenant, sink);
  }
  Result<User> get_user(const std::string& tenant, const std::string& id_or_upn) override {
    return inner_.get_user(tenant, id_or_upn);
  }
  std::vector<WriteResult> write(const std::string& tenant,
                                 const std::vector<WriteRequest>& requests) override {
    return inner_.write(tenant, requests);
  }

 private:
  Directory& inner_;
  std::function<void(int)> after_page_;
};

}  // namespace tenantsync::test
