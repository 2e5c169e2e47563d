// The --users-file of the commands that take a selection: which users a file names.
//
// Two forms:
// - a plain list: one UPN or object id per line; blank lines and lines starting with '#'
//   are skipped;
// - a CSV (what Excel or the Microsoft 365 admin center saves): its first line that is not
//   blank or a '#' comment is a header row with a column `userPrincipalName`,
//   `User principal name`, `UPN` or `User Name` (any case; "User Name" is the admin
//   center's export); separator `,` or `;` (from the header line), quoted fields, UTF-8
//   with or without BOM, CRLF (sync/csv_reader.h). Other columns are ignored, empty cells
//   skipped.
// A first line holding `,` or `;`, or one of those column names alone, makes it a CSV.
// Errors (ErrorKind::Invalid, code "InvalidUsersFile" or the CSV reader's) name the file
// and line, "users.csv:1: ...": a CSV header without any of the columns lists the columns
// found; a name with a blank in it is refused; a file that names nobody is an error.
// Pure function; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "model/result.h"

namespace tenantsync {

// The users `text` names, in file order; `source` names the file in messages.
Result<std::vector<std::string>> parse_users_file(std::string_view text, const std::string& source);

}  // namespace tenantsync
