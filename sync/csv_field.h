// One field of an RFC 4180 CSV file, as every CSV tenantsync writes spells it (drift
// reports, `--format csv`, the passwords file).
#pragma once

#include <string>
#include <string_view>

namespace tenantsync {

// Spreadsheets run a cell that starts with = + - or @ as a formula. Reports neutralize
// such text with a leading apostrophe; the passwords file keeps it (a password is data).
enum class SpreadsheetFormulas { Neutralize, Keep };

// Quoted (with doubled quotes inside) when it holds a comma, semicolon (Excel's separator
// in many locales), quote or line break, or starts or ends with a space.
std::string csv_field(std::string_view value,
                      SpreadsheetFormulas formulas = SpreadsheetFormulas::Neutralize);

}  // namespace tenantsync
