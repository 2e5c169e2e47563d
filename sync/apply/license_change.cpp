#include "sync/apply/license_change.h"

#include <algorithm>

namespace tenantsync {

namespace {

std::vector<std::string> sorted(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  return v;
}

bool has_state_for(const User& user, const std::string& sku_id) {
  return std::any_of(user.license_states.begin(), user.license_states.end(),
                     [&](const LicenseAssignmentState& s) { return s.sku_id == sku_id; });
}

}  // namespace

void LicenseChange::merge(const LicenseChange& other) {
  add.insert(add.end(), other.add.begin(), other.add.end());
  remove.insert(remove.end(), other.remove.begin(), other.remove.end());
}

nlohmann::json to_request_body(const LicenseChange& change) {
  nlohmann::json add = nlohmann::json::array();
  for (const auto& l : change.add) add.push_back(l);
  return {{"addLicenses", std::move(add)}, {"removeLicenses", change.remove}};
}

std::optional<LicenseChange> license_change_from_body(const nlohmann::json& body) {
  if (!body.is_object()) return std::nullopt;
  LicenseChange change;
  try {
    if (auto it = body.find("addLicenses"); it != body.end()) {
      if (!it->is_array()) return std::nullopt;
      for (const auto& l : *it) change.add.push_back(l.get<AssignedLicense>());
    }
    if (auto it = body.find("removeLicenses"); it != body.end()) {
      if (!it->is_array()) return std::nullopt;
      for (const auto& id : *it) change.remove.push_back(id.get<std::string>());
    }
  } catch (const nlohmann::json::exception&) {
    return std::nullopt;
  }
  if (change.empty()) return std::nullopt;
  return change;
}

const std::vector<std::string>* direct_disabled_plans(const User& user, const std::string& sku_id) {
  if (has_state_for(user, sku_id)) {
    for (const auto& s : user.license_states) {
      if (s.sku_id == sku_id && !s.assigned_by_group) return &s.disabled_plans;
    }
    return nullptr;
  }
  const AssignedLicense* l = user.find_license(sku_id);
  return l ? &l->disabled_plans : nullptr;
}

User apply_license_change(User user, const LicenseChange& change) {
  for (const auto& sku : change.remove) {
    std::erase_if(user.license_states, [&](const LicenseAssignmentState& s) {
      return s.sku_id == sku && !s.assigned_by_group;
    });
    const LicenseAssignmentState* group = nullptr;
    for (const auto& s : user.license_states) {
      if (s.sku_id == sku) group = &s;
    }
    if (group) {
      // Still held through the group, with the group's disabled plans.
      for (auto& l : user.assigned_licenses) {
        if (l.sku_id == sku) l.disabled_plans = group->disabled_plans;
      }
    } else {
      std::erase_if(user.assigned_licenses,
                    [&](const AssignedLicense& l) { return l.sku_id == sku; });
    }
  }
  for (const auto& add : change.add) {
    if (!user.license_states.empty()) {
      auto it = std::find_if(user.license_states.begin(), user.license_states.end(),
                             [&](const LicenseAssignmentState& s) {
                               return s.sku_id == add.sku_id && !s.assigned_by_group;
                             });
      if (it == user.license_states.end()) {
        LicenseAssignmentState s;
        s.sku_id = add.sku_id;
        s.disabled_plans = add.disabled_plans;
        user.license_states.push_back(std::move(s));
      } else {
        it->disabled_plans = add.disabled_plans;
      }
    }
    auto it = std::find_if(user.assigned_licenses.begin(), user.assigned_licenses.end(),
                           [&](const AssignedLicense& l) { return l.sku_id == add.sku_id; });
    if (it == user.assigned_licenses.end()) {
      user.assigned_licenses.push_back(add);
    } else {
      it->disabled_plans = add.disabled_plans;
    }
  }
  return user;
}

bool license_change_in_effect(const User& user, const LicenseChange& change) {
  for (const auto& add : change.add) {
    const auto* plans = direct_disabled_plans(user, add.sku_id);
    if (!plans || sorted(*plans) != sorted(add.disabled_plans)) return false;
  }
  for (const auto& sku : change.remove) {
    if (direct_disabled_plans(user, sku)) return false;
  }
  return true;
}

User user_after_call(const User& base, const LicenseChange& change,
                     const std::optional<User>& returned) {
  User after = apply_license_change(base, change);
  if (returned && !returned->assigned_licenses.empty()) {
    after.assigned_licenses = returned->assigned_licenses;
    if (!returned->license_states.empty()) after.license_states = returned->license_states;
  }
  return after;
}

}  // namespace tenantsync
