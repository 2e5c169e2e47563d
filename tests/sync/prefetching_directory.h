// A MemoryDirectory that reads the deleted users' first two users with the tenant's lists
// when asked, as the Graph adapter reads their first page in the lists' $batch, and the
// rest on demand (read_deleted_users_after); likewise a full read's "sync from now" delta
// link, which read_users_after_latest() then returns. `in_the_window` changes the remote
// after the lists and before the users are read. It counts those reads.
#pragma once

#include <algorithm>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "tests/sync/memory_directory.h"

namespace tenantsync {

class PrefetchingDirectory : public MemoryDirectory {
 public:
  std::function<void()> in_the_window;
  int deleted_reads = 0;              // read_deleted_users(): the whole list again
  int deleted_reads_after = 0;        // read_deleted_users_after(): the rest of the first page
  int reads_after_latest = 0;         // read_users_after_latest(): full reads from a listed link
  std::optional<Error> latest_fault;  // the next "sync from now" link read fails so

  TenantLists tenant_lists(const std::string& tenant, bool role_definitions, bool role_assignments,
                           bool deleted_users, bool latest_delta_link) override {
    TenantLists out = MemoryDirectory::tenant_lists(tenant, role_definitions, role_assignments,
                                                    deleted_users, latest_delta_link);
    if (latest_delta_link) {
      if (latest_fault) {
        out.latest_delta_link = *std::exchange(latest_fault, std::nullopt);
      } else {
        out.latest_delta_link = this->latest_delta_link(tenant);
      }
    }
    if (deleted_users) out.deleted_users = first_deleted_page(tenant);
    if (in_the_window) std::exchange(in_the_window, nullptr)();
    return out;
  }

  // The deleted users' first two, and a next link when there are more.
  Result<DeletedUsersPage> first_deleted_page(const std::string& tenant) {
    std::vector<User> all;
    Status read = MemoryDirectory::read_deleted_users(tenant, [&](std::vector<User>&& page) {
      for (auto& u : page) all.push_back(std::move(u));
      return Status();
    });
    if (!read.ok()) return read.error();
    DeletedUsersPage first;
    for (size_t i = 0; i < all.size() && i < 2; ++i) first.users.push_back(all[i]);
    if (all.size() > 2) first.next_link = "after:2";
    return first;
  }

  Result<std::string> read_users_after_latest(const std::string& tenant,
                                              const std::string& latest_delta_link,
                                              const UserPageSink& sink) override {
    ++reads_after_latest;
    auto read = MemoryDirectory::read_users(tenant, "", sink);
    if (!read.ok()) return read;
    return latest_delta_link;
  }

  Status read_deleted_users(const std::string& tenant, const DeletedUserSink& sink) override {
    ++deleted_reads;
    return MemoryDirectory::read_deleted_users(tenant, sink);
  }

  Status read_deleted_users_after(const std::string& tenant, const std::string& next_link,
                                  const DeletedUserSink& sink) override {
    ++deleted_reads_after;
    EXPECT_EQ(next_link, "after:2");
    std::vector<User> rest = deleted_users(tenant);
    rest.erase(rest.begin(), rest.begin() + std::min<std::ptrdiff_t>(2, std::ssize(rest)));
    return sink(std::move(rest));
  }
};

}  // namespace tenantsync
