// Case-insensitive comparison of the free text of directory properties (department, job
// title) in any script, as the service compares them: "GESCHÄFTSFÜHRUNG" is
// "Geschäftsführung" and "ПРОДАЖИ" is "Продажи"; accents still count ("Equipe" is not
// "Équipe"). Unicode simple case folding (ICU's u_foldCase with the default mappings, so
// no Turkish dotless i), one code point for one; bytes that are not well-formed UTF-8
// compare as they are. Names that are ASCII by rule (UPNs, domains, SKU part numbers)
// keep the cheaper ascii_case.h. Pure functions.
#pragma once

#include <string_view>

struct sqlite3;

namespace tenantsync {

// < 0, 0 or > 0 as `a` sorts before, with or after `b` once both are case-folded; 0
// exactly when equal_ignoring_case(a, b).
int compare_ignoring_case(std::string_view a, std::string_view b);
bool equal_ignoring_case(std::string_view a, std::string_view b);

// The collation that compares as compare_ignoring_case(), for SQL on free text
// (`... COLLATE any_case`); registered on a connection by register_any_case().
inline constexpr const char* kAnyCaseCollation = "any_case";
// SQLITE_OK, or SQLite's error code.
int register_any_case(sqlite3* db);

}  // namespace tenantsync
