// A MemoryDirectory that reads the deleted users' first two users with the tenant's lists
// when asked, as the Graph adapter reads their first page in the lists' $batch, and the
// rest on demand (read_deleted_users_after); likewise a full read's "sync from now" delta
// link, which read_users_after_latest() then returns, and a delta round's first page,
// whose rest read_delta_after() gives; and after a full read's users, the deleted users'
// first page, with the group names if any (deleted_users_and_groups). `in_the_window` changes the
// remote after the deleted users' page is read and before the users are: before the delta round's
// first page, as the $batch runs that item after the deleted users' (dependsOn). It counts those
// reads.
#pragma once

#include <algorithm>
#include <functional>
#include <map>
#include <mutex>
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
  int delta_reads_after = 0;          // read_delta_after(): the rest of a prefetched round
  int deleted_with_groups = 0;        // deleted_users_and_groups()
  std::optional<Error> with_groups_fault;  // its next deleted users' page fails so
  std::optional<Error> rest_fault;         // the rest of the next prefetched round fails so

  TenantLists tenant_lists(const std::string& tenant, const ListsRequest& want) override {
    TenantLists out = MemoryDirectory::tenant_lists(tenant, want);
    if (want.latest_delta_link) {
      if (latest_fault) {
        out.latest_delta_link = *std::exchange(latest_fault, std::nullopt);
      } else {
        out.latest_delta_link = this->latest_delta_link(tenant);
      }
    }
    if (want.deleted_users) out.deleted_users = first_deleted_page(tenant);
    if (in_the_window) std::exchange(in_the_window, nullptr)();
    if (!want.delta_link.empty()) out.delta_page = first_delta_page(tenant, want.delta_link);
    return out;
  }

  // The round read whole now; its first page, and the rest kept for read_delta_after().
  Result<DeltaPage> first_delta_page(const std::string& tenant, const std::string& link) {
    std::vector<UserPage> pages;
    auto read = MemoryDirectory::read_users(tenant, link, [&](UserPage&& page) {
      pages.push_back(std::move(page));
      return Status();
    });
    if (!read.ok() && pages.empty()) return read.error();
    DeltaPage first;
    if (!pages.empty()) {
      first.page = std::move(pages.front());
      pages.erase(pages.begin());
    }
    std::lock_guard<std::mutex> lock(rest_mu_);
    Rest& rest = rests_[tenant];
    rest.pages = std::move(pages);
    rest.end = read;
    if (rest_fault) rest.end = *std::exchange(rest_fault, std::nullopt);
    if (rest.pages.empty() && rest.end.ok()) {
      first.delta_link = *rest.end;
    } else {
      first.next_link = "rest-of-round";
    }
    return first;
  }

  Result<std::string> read_delta_after(const std::string& tenant, const std::string& next_link,
                                       const UserPageSink& sink) override {
    EXPECT_EQ(next_link, "rest-of-round");
    Rest rest;
    {
      std::lock_guard<std::mutex> lock(rest_mu_);
      ++delta_reads_after;
      rest = std::move(rests_.at(tenant));
      rests_.erase(tenant);
    }
    if (!rest.end.ok()) return rest.end.error();
    for (auto& page : rest.pages) {
      Status s = sink(std::move(page));
      if (!s.ok()) return s.error();
    }
    return rest.end;
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

  DeletedUsersAndGroups deleted_users_and_groups(const std::string& tenant,
                                                 const std::vector<std::string>& ids) override {
    ++deleted_with_groups;
    DeletedUsersAndGroups out;
    if (with_groups_fault) {
      out.deleted_users = *std::exchange(with_groups_fault, std::nullopt);
    } else {
      out.deleted_users = first_deleted_page(tenant);
    }
    out.groups = groups(tenant, ids);
    return out;
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

 private:
  // The rest of a round whose first page came with the lists: its pages, and its link or
  // how it fails. By tenant: tenants are mirrored at once.
  struct Rest {
    std::vector<UserPage> pages;
    Result<std::string> end = std::string();
  };
  std::mutex rest_mu_;
  std::map<std::string, Rest> rests_;  // guarded by rest_mu_
};

}  // namespace tenantsync
