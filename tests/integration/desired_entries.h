// Building blocks of the desired states the integration tests write from a snapshot
// (challenging_desired.h, reachable_desired.h).
#pragma once

#include <functional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "model/desired_state.h"
#include "sync/store/tenant_snapshot.h"

namespace tenantsync::test {

inline DesiredUser desired_user(const std::string& upn, std::vector<DesiredLicense> licenses) {
  DesiredUser u;
  u.upn = upn;
  u.licenses = std::move(licenses);
  return u;
}

inline DesiredUser deleted_user(const std::string& upn) {
  DesiredUser u;
  u.upn = upn;
  u.state = DesiredUserState::Deleted;
  return u;
}

// Adds user entries to a desired tenant, each active user of the snapshot at most once.
class EntryPicker {
 public:
  using Fits = std::function<bool(const User&)>;
  using Make = std::function<DesiredUser(const User&)>;

  EntryPicker(const TenantSnapshot& snapshot, DesiredTenant& tenant)
      : snapshot_(snapshot), tenant_(tenant) {}

  // Up to `count` users `fits` accepts, in the snapshot's order, each given the entry
  // `make` writes. Returns how many it picked.
  int pick(int count, const Fits& fits, const Make& make) {
    int picked = 0;
    for (const auto& u : snapshot_.users) {
      if (picked >= count) break;
      if (taken_.count(u.id) || !fits(u)) continue;
      taken_.insert(u.id);
      tenant_.users.push_back(make(u));
      ++picked;
    }
    return picked;
  }

 private:
  const TenantSnapshot& snapshot_;
  DesiredTenant& tenant_;
  std::set<std::string> taken_;  // user ids with an entry
};

}  // namespace tenantsync::test
