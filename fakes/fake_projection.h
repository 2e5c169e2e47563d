// Graph JSON shapes of users and SKUs, with $select trimming as the contract says:
// without $select a user carries the default properties (id, userPrincipalName,
// displayName, mail, givenName, surname, jobTitle, businessPhones, mobilePhone,
// officeLocation, preferredLanguage); accountEnabled, usageLocation, assignedLicenses,
// department and licenseAssignmentStates come back only when named in $select; with
// $select exactly the named properties come back.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "fakes/fake_directory.h"
#include "fakes/fake_json_text.h"

namespace tenantsync::fake {

struct Selection {
  bool defaults = true;            // no $select given
  std::vector<std::string> props;  // canonical names, in the order given

  // Comma-separated canonical names, for links and tokens ("" = defaults).
  std::string to_string() const;
};

// Parses a $select value. Names match case-insensitively; an unknown one throws
// GraphError 400 Request_BadRequest.
Selection parse_select(const std::optional<std::string>& value);

enum class UserView {
  kActive,   // /users, /users/{id}
  kDelta,    // /users/delta: id always included
  kDeleted,  // deleted items: deletedDateTime always included
};

// The properties a user carries in answers for a selection and view, ordered by name (the
// order they are written in, as nlohmann's objects hold them).
class UserShape {
 public:
  UserShape(const Selection& selection, UserView view);
  // Indexes into the fake's list of known properties, which also holds their names.
  const std::vector<int>& properties() const { return properties_; }

 private:
  std::vector<int> properties_;
};

// Writes the user as `shape` says (pages of users are written as text, without a tree).
// Caller holds the tenant's lock.
void write_user(JsonText& w, const UserRecord& user, const UserShape& shape);
// The same as a tree, for answers about one user.
nlohmann::json project_user(const TenantDirectory& tenant, const UserRecord& user,
                            const Selection& selection, UserView view);
nlohmann::json project_sku(const TenantDirectory& tenant, const SkuRecord& sku);

// A string property as Graph gives it: null when it has no value.
nlohmann::json null_if_empty(const std::string& s);

}  // namespace tenantsync::fake
