// Users to create, read from a CSV table (`users import --csv F`) or from flags
// (`users add`), checked in full before anything is sent, and the Graph body that creates one;
// the same rules for the properties `users set` changes.
//
// Columns. Header names match ignoring ASCII case, spaces and underscores. tenantsync's own
// names are userPrincipalName, displayName, givenName, surname, jobTitle, department,
// usageLocation, licenses and roles; the Microsoft 365 admin center's "Add multiple users" template
// is read as it comes: "User Name" (the UPN), "First Name", "Last Name", "Display Name",
// "Job Title", "Department", "Country or Region", plus "Usage Location". The template's
// other columns ("Office Number", "Office Phone", "Mobile Phone", "Fax", "Alternate email
// address", "Address", "City", "State or Province", "ZIP or Postal Code", also the older
// "Postal Code") are accepted and ignored; when one of them holds a value, a warning lists
// it. Any other column is an error that names it. A column without a name is ignored when
// it is empty throughout (spreadsheets add such columns), else an error.
//
// Values are trimmed of spaces and tabs; an empty value is no value; a row whose fields are
// all empty is skipped. Rules, each reported with the row's line and the column's header:
//   - user principal name: required; name@domain, at most 64 characters before the @ and
//     48 after, letters, digits and ' . - _ ! # ^ ~ before the @ (no leading, trailing or
//     doubled period), a DNS name after; its domain must be one of the tenant's domains
//     (when the caller knows them); unique within the file, compared ignoring case.
//   - display name: required; when empty and both first and last name are given it becomes
//     "First Last", as the admin center does. At most 256 characters; first and last name
//     64, job title 128, department 64 (characters, not bytes). No control characters.
//   - usage location: an ISO 3166-1 alpha-2 code in either case ("us" becomes "US"); "UK"
//     is refused with a hint to use GB. "Country or Region" takes a code or the English
//     name of a common country ("United States", "Germany", "UK", ...) and is the usage
//     location when the usageLocation column is absent or empty; usageLocation wins.
//   - licenses: SKU part numbers (SPE_E3) or sku ids, several separated by `+` or `;` in
//     one field ("SPE_E3+EMS"; with `;` as the file's separator the field needs quotes),
//     each of letters, digits, `_`, `-` and `.`; repeats are dropped. Licenses need a usage
//     location, so a row with licenses and no usage location is an error. Whether the
//     tenant has the SKU is the caller's check (against the mirror).
//   - roles: admin role display names ("User Administrator") or template ids, several
//     separated by `+` or `;`; repeats are dropped. Whether the tenant has the role, and
//     whether it is privileged, is the caller's check.
// All problems of all rows come back together, one per line of Error::message
// (ErrorKind::Invalid, code "InvalidUserImport"), in file order, e.g.
//   new-hires.csv:7: column "User Name": "bob@" is not a valid user principal name: nothing after @
// and no users come back with them: nothing is sent unless every row is right.
// Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "model/country_code.h"
#include "model/desired_state.h"
#include "model/result.h"
#include "sync/csv_reader.h"

namespace tenantsync {

// One user to create. Passwords never live here: create_user_body() takes one.
struct ImportUser {
  int line = 0;  // line of the CSV row; 0 for users from flags
  std::string upn;
  std::string display_name;
  std::string given_name;             // "" = not set
  std::string surname;                // "" = not set
  std::string job_title;              // "" = not set
  std::string department;             // "" = not set
  std::string usage_location;         // ISO 3166-1 alpha-2, upper case; "" = not set
  std::vector<std::string> licenses;  // SKU part numbers or sku ids, as written
  std::vector<std::string> roles;     // admin role names or template ids, as written
  bool block_sign_in = false;         // `users add --block-sign-in`; the CSV has no column

  bool operator==(const ImportUser&) const = default;
};

struct UserImportOptions {
  std::string source_name;  // names the file in messages ("new-hires.csv")
  // The tenant's verified domains; a UPN must end in one of them. Empty: any well-formed
  // domain passes here (create_task() checks it against the mirrored domains).
  std::vector<std::string> tenant_domains;
  size_t max_reported_problems = 200;  // then "... and N more problems"
};

struct UserImport {
  std::vector<ImportUser> users;      // in file order
  std::vector<std::string> warnings;  // ignored columns that hold values
};

// Maps and checks every row of `table` (see above). A table with no user rows is an error.
Result<UserImport> import_users(const CsvTable& table, const UserImportOptions& options);

// The same rules for one user given on the command line (`users add`): trims the values,
// upper-cases the usage location and fills the default display name in `user`, then checks
// it. Problems are named by tenantsync's field names ("displayName: ...").
Status check_new_user(ImportUser& user, const std::vector<std::string>& tenant_domains);

// The same rules for the properties `users set` changes (PATCH /users/{id}): trims the
// values and upper-cases the usage location in `properties`, then checks the ones it sets.
// A value may not be empty either: the service does not let a display name be cleared and
// refuses an empty string for the others. Problems are named by the command's flags
// ("--department: is 100 characters long; the service allows at most 64").
Status check_property_changes(UserProperties& properties);

// Why `upn` is not a well-formed user principal name (see above), or "" when it is.
std::string user_principal_name_problem(std::string_view upn);

// Why the domain of `upn` (name@domain) is not one of `verified_domains` (compared
// ignoring case), or "" when it is one: "fabrikam.com is not a verified domain of this
// tenant (verified: contoso.onmicrosoft.com, contoso.com)". The service refuses to create
// (or rename) a user in any other domain.
std::string upn_domain_problem(std::string_view upn,
                               const std::vector<std::string>& verified_domains);

// The ISO 3166-1 alpha-2 code for a code in any case ("de") or the English name of a
// common country ("United Kingdom" -> "GB", "USA" -> "US"); nullopt when unknown.
std::optional<std::string> country_code(std::string_view code_or_name);

// The mail nickname for a UPN: its part before @, keeping letters, digits, `.`, `-` and
// `_` (no leading, trailing or doubled period); "user" when nothing is left.
std::string mail_nickname_for(std::string_view upn);

// The POST /users body: accountEnabled true, displayName, mailNickname, userPrincipalName,
// passwordProfile {forceChangePasswordNextSignIn: true, password}, and givenName, surname,
// jobTitle, department and usageLocation when set. Licenses are not part of it (they are
// assigned after the user exists). The body holds a secret: never log it.
nlohmann::json create_user_body(const ImportUser& user, std::string_view password);

}  // namespace tenantsync
