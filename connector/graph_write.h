// One Graph write (assignLicense, create, update, delete, restore, and adding or removing
// an admin role assignment) as GraphClient sends it, alone or as an item of a $batch: its method,
// path relative to the API root and JSON body, plus what the client needs to judge an ambiguous
// retry (the user it concerns and, for assignLicense, the licenses it adds and removes). Plain
// values.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "model/user.h"

namespace tenantsync {

struct GraphWrite {
  enum class Kind { AssignLicense, Create, Update, Delete, Restore, AddRole, RemoveRole };

  Kind kind = Kind::AssignLicense;
  std::string user;  // id or UPN; Create: the new user's UPN (for the existence check);
                     // AddRole: the principal's id
  std::vector<AssignedLicense> add_licenses;           // AssignLicense
  std::vector<std::string> remove_licenses;            // AssignLicense: sku ids
  nlohmann::json body;                                 // Create, Update (may hold a password)
  std::optional<std::string> new_user_principal_name;  // Restore
  std::string role_definition_id;                      // AddRole
  std::string role_assignment_id;                      // RemoveRole

  static GraphWrite assign_license(std::string user, std::vector<AssignedLicense> add,
                                   std::vector<std::string> remove);
  static GraphWrite create(nlohmann::json body);
  static GraphWrite update(std::string user, nlohmann::json patch);
  static GraphWrite remove(std::string user);
  static GraphWrite restore(std::string user, std::optional<std::string> new_upn = std::nullopt);
  // A tenant-wide (directoryScopeId "/") assignment of the role to the user, or its removal.
  static GraphWrite add_role(std::string user_id, std::string role_definition_id);
  static GraphWrite remove_role(std::string assignment_id);

  const char* method() const;
  // Relative to the API root ("/users/{id}/assignLicense"), as $batch items need it.
  std::string path() const;
  // The JSON body, or nullopt when the request has none.
  std::optional<nlohmann::json> request_body() const;
  // The service answers with the user object (assignLicense, create, restore).
  bool returns_user() const;
};

const char* to_string(GraphWrite::Kind kind);

// Percent-encodes one path segment (a user id or UPN), keeping '@' readable.
std::string encode_path_segment(std::string_view segment);

}  // namespace tenantsync
