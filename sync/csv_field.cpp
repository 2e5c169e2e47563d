#include "sync/csv_field.h"

namespace tenantsync {

std::string csv_field(std::string_view value, SpreadsheetFormulas formulas) {
  std::string v(value);
  if (formulas == SpreadsheetFormulas::Neutralize && !v.empty() &&
      (v[0] == '=' || v[0] == '+' || v[0] == '-' || v[0] == '@')) {
    v.insert(v.begin(), '\'');
  }
  bool needs_quotes = v.find_first_of(",;\"\r\n") != std::string::npos ||
                      (!v.empty() && (v.front() == ' ' || v.back() == ' '));
  if (!needs_quotes) return v;
  std::string out = "\"";
  for (char c : v) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

}  // namespace tenantsync
