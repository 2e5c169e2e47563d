// Over 500 lines on purpose: the CSV import and `users add` share one field table (names,
// template names, lengths) and one rule check per field; user_import.h lists the rules.
#include "sync/user_import.h"

#include <array>
#include <functional>
#include <map>

#include <nlohmann/json.hpp>

#include "model/user_text_limits.h"
#include "sync/ascii_case.h"

namespace tenantsync {

namespace {

constexpr const char* kImportCode = "InvalidUserImport";

enum class Field {
  Upn,
  DisplayName,
  GivenName,
  Surname,
  JobTitle,
  Department,
  UsageLocation,
  Country,
  Licenses,
  Roles,
};
constexpr size_t kFieldCount = 10;

struct FieldInfo {
  const char* own_name;       // tenantsync's column name
  const char* template_name;  // the admin center template's
  const char* what;           // for "both give ..." messages
  size_t max_length;          // in characters; 0 = not a free-text field
  const char* flag;           // the command line's name; "" = none
};

// Indexed by Field.
constexpr std::array<FieldInfo, kFieldCount> kFields = {{
    {"userPrincipalName", "User Name", "the user principal name", 0, "--upn"},
    {"displayName", "Display Name", "the display name", kMaxDisplayNameLength, "--display-name"},
    {"givenName", "First Name", "the first name", kMaxGivenNameLength, "--given-name"},
    {"surname", "Last Name", "the last name", kMaxSurnameLength, "--surname"},
    {"jobTitle", "Job Title", "the job title", kMaxJobTitleLength, "--job-title"},
    {"department", "Department", "the department", kMaxDepartmentLength, "--department"},
    {"usageLocation", "Usage Location", "the usage location", 0, "--usage-location"},
    {"country", "Country or Region", "the country", 0, ""},
    {"licenses", "licenses", "the licenses", 0, "--license"},
    {"roles", "Roles", "the admin roles", 0, "--role"},
}};

const FieldInfo& info(Field f) { return kFields[static_cast<size_t>(f)]; }

struct Alias {
  std::string_view normalized;
  Field field;
  bool template_name;  // a name only the admin center template uses
};

constexpr Alias kAliases[] = {
    {"userprincipalname", Field::Upn, false},
    {"upn", Field::Upn, false},
    {"username", Field::Upn, true},
    {"displayname", Field::DisplayName, false},
    {"givenname", Field::GivenName, false},
    {"firstname", Field::GivenName, true},
    {"surname", Field::Surname, false},
    {"lastname", Field::Surname, true},
    {"jobtitle", Field::JobTitle, false},
    {"department", Field::Department, false},
    {"usagelocation", Field::UsageLocation, false},
    {"countryorregion", Field::Country, true},
    {"country", Field::Country, false},
    {"licenses", Field::Licenses, false},
    {"license", Field::Licenses, false},
    {"roles", Field::Roles, false},
    {"role", Field::Roles, false},
};

// Admin center template columns tenantsync accepts and does not set.
constexpr std::string_view kIgnoredTemplateColumns[] = {
    "officenumber",          "officephone", "mobilephone", "fax",
    "alternateemailaddress", "address",     "city",        "stateorprovince",
    "ziporpostalcode",       "postalcode",
};

struct CountryName {
  std::string_view name;
  std::string_view code;
};

// English names (and common short forms) of the countries admins most often type.
constexpr CountryName kCountryNames[] = {
    {"United States", "US"},
    {"United States of America", "US"},
    {"USA", "US"},
    {"U.S.", "US"},
    {"U.S.A.", "US"},
    {"United Kingdom", "GB"},
    {"UK", "GB"},
    {"U.K.", "GB"},
    {"Great Britain", "GB"},
    {"Britain", "GB"},
    {"England", "GB"},
    {"Scotland", "GB"},
    {"Wales", "GB"},
    {"Northern Ireland", "GB"},
    {"Ireland", "IE"},
    {"Canada", "CA"},
    {"Mexico", "MX"},
    {"Brazil", "BR"},
    {"Argentina", "AR"},
    {"Chile", "CL"},
    {"Colombia", "CO"},
    {"Peru", "PE"},
    {"Germany", "DE"},
    {"France", "FR"},
    {"Italy", "IT"},
    {"Spain", "ES"},
    {"Portugal", "PT"},
    {"Netherlands", "NL"},
    {"The Netherlands", "NL"},
    {"Belgium", "BE"},
    {"Luxembourg", "LU"},
    {"Switzerland", "CH"},
    {"Austria", "AT"},
    {"Denmark", "DK"},
    {"Sweden", "SE"},
    {"Norway", "NO"},
    {"Finland", "FI"},
    {"Iceland", "IS"},
    {"Poland", "PL"},
    {"Czech Republic", "CZ"},
    {"Czechia", "CZ"},
    {"Slovakia", "SK"},
    {"Hungary", "HU"},
    {"Romania", "RO"},
    {"Bulgaria", "BG"},
    {"Greece", "GR"},
    {"Croatia", "HR"},
    {"Slovenia", "SI"},
    {"Serbia", "RS"},
    {"Estonia", "EE"},
    {"Latvia", "LV"},
    {"Lithuania", "LT"},
    {"Malta", "MT"},
    {"Cyprus", "CY"},
    {"Ukraine", "UA"},
    {"Russia", "RU"},
    {"Russian Federation", "RU"},
    {"Turkey", "TR"},
    {"Türkiye", "TR"},
    {"Israel", "IL"},
    {"United Arab Emirates", "AE"},
    {"UAE", "AE"},
    {"Saudi Arabia", "SA"},
    {"Qatar", "QA"},
    {"Egypt", "EG"},
    {"Morocco", "MA"},
    {"Nigeria", "NG"},
    {"Kenya", "KE"},
    {"South Africa", "ZA"},
    {"India", "IN"},
    {"Pakistan", "PK"},
    {"Bangladesh", "BD"},
    {"Sri Lanka", "LK"},
    {"China", "CN"},
    {"Hong Kong", "HK"},
    {"Taiwan", "TW"},
    {"Japan", "JP"},
    {"South Korea", "KR"},
    {"Korea", "KR"},
    {"Republic of Korea", "KR"},
    {"Singapore", "SG"},
    {"Malaysia", "MY"},
    {"Indonesia", "ID"},
    {"Thailand", "TH"},
    {"Vietnam", "VN"},
    {"Viet Nam", "VN"},
    {"Philippines", "PH"},
    {"Australia", "AU"},
    {"New Zealand", "NZ"},
};

bool is_space(char c) { return c == ' ' || c == '\t'; }

std::string_view trim(std::string_view text) {
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  return text;
}

// Header names compare ignoring ASCII case, spaces and underscores.
std::string normalize_header(std::string_view name) {
  std::string out;
  for (char c : name) {
    if (c == ' ' || c == '_' || c == '\t') continue;
    out += c;
  }
  return ascii_lower(out);
}

bool has_control(std::string_view text) {
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7F) return true;
  }
  return false;
}

// A value as shown in a message: at most 60 characters, control characters as '?'.
std::string shown(std::string_view value) {
  std::string out = "\"";
  size_t chars = 0;
  for (size_t i = 0; i < value.size(); ++i) {
    auto u = static_cast<unsigned char>(value[i]);
    if ((u & 0xC0) != 0x80 && ++chars > 60) {
      out += "...";
      break;
    }
    out += (u < 0x20 || u == 0x7F) ? '?' : value[i];
  }
  return out + "\"";
}

bool is_letter_or_digit(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

bool valid_domain(std::string_view domain) {
  if (domain.empty() || domain.find('.') == std::string_view::npos) return false;
  size_t start = 0;
  while (start <= domain.size()) {
    size_t end = domain.find('.', start);
    if (end == std::string_view::npos) end = domain.size();
    std::string_view label = domain.substr(start, end - start);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') {
      return false;
    }
    for (char c : label) {
      if (!is_letter_or_digit(c) && c != '-') return false;
    }
    start = end + 1;
  }
  return true;
}

bool valid_license_token(std::string_view token) {
  if (token.empty() || token.size() > 128) return false;
  for (char c : token) {
    if (!is_letter_or_digit(c) && c != '_' && c != '-' && c != '.') return false;
  }
  return true;
}

using Report = std::function<void(Field, const std::string&)>;

// The parts of a value separated by '+' or ';' (licenses, roles), trimmed, without empty
// parts and repeats (ignoring case). Role names hold spaces: "User Administrator".
std::vector<std::string> split_list(std::string_view value) {
  std::vector<std::string> out;
  for (std::string_view token : split_trimmed(value, "+;")) {
    if (token.empty()) continue;
    bool repeated = false;
    for (const std::string& seen : out) repeated = repeated || iequals(seen, token);
    if (!repeated) out.emplace_back(token);
  }
  return out;
}

// A licenses value's SKUs; reports parts that cannot be one.
std::vector<std::string> parse_licenses(std::string_view value, const Report& report) {
  std::vector<std::string> out;
  for (std::string& token : split_list(value)) {
    if (!valid_license_token(token)) {
      report(Field::Licenses, shown(token) +
                                  " is not a SKU part number (such as SPE_E3) or sku id; "
                                  "separate several with + or ;");
      continue;
    }
    out.push_back(std::move(token));
  }
  return out;
}

// The rules shared by import and `users add`, on a user whose values are trimmed and whose
// usage location is upper-cased. `upn_known`/`display_known`: the source can hold that
// value at all (a file without the column already got an error for it).
void check_user(const ImportUser& user, const std::vector<std::string>& tenant_domains,
                bool upn_known, bool display_known, const Report& report) {
  if (upn_known) {
    if (user.upn.empty()) {
      report(Field::Upn, "a user principal name is required");
    } else if (std::string why = user_principal_name_problem(user.upn); !why.empty()) {
      report(Field::Upn, shown(user.upn) + " is not a valid user principal name: " + why);
    } else if (!tenant_domains.empty()) {
      if (std::string why = upn_domain_problem(user.upn, tenant_domains); !why.empty()) {
        report(Field::Upn, shown(user.upn) + ": " + why);
      }
    }
  }
  if (display_known && user.display_name.empty()) {
    report(Field::DisplayName, "a display name is required (or both a first and a last name)");
  }
  const std::pair<Field, const std::string*> texts[] = {
      {Field::DisplayName, &user.display_name}, {Field::GivenName, &user.given_name},
      {Field::Surname, &user.surname},          {Field::JobTitle, &user.job_title},
      {Field::Department, &user.department},
  };
  for (const auto& [field, value] : texts) {
    if (value->empty()) continue;
    if (!is_valid_utf8(*value)) {
      report(field, "is not valid UTF-8 text");
    } else if (has_control(*value)) {
      report(field, shown(*value) + " holds a line break or another control character");
    } else if (std::string why = text_length_problem(*value, info(field).max_length);
               !why.empty()) {
      report(field, why);
    }
  }
  if (!user.usage_location.empty()) {
    if (std::string why = country_code_problem(user.usage_location); !why.empty()) {
      report(Field::UsageLocation, why);
    }
  }
}

std::string joined(const std::vector<std::string>& lines, size_t cap) {
  std::string out;
  for (size_t i = 0; i < lines.size() && i < cap; ++i) {
    if (i) out += "\n";
    out += lines[i];
  }
  if (lines.size() > cap) {
    out += (out.empty() ? "... and " : "\n... and ") + std::to_string(lines.size() - cap) +
           " more problems";
  }
  return out;
}

}  // namespace

std::string upn_domain_problem(std::string_view upn,
                               const std::vector<std::string>& verified_domains) {
  size_t at = upn.rfind('@');
  std::string_view domain = at == std::string_view::npos ? upn : upn.substr(at + 1);
  for (const std::string& d : verified_domains) {
    if (iequals(d, domain)) return "";
  }
  constexpr size_t kShown = 10;
  std::string list;
  for (size_t i = 0; i < verified_domains.size() && i < kShown; ++i) {
    list += (i ? ", " : "") + verified_domains[i];
  }
  if (verified_domains.size() > kShown) list += ", ...";
  if (list.empty()) list = "none known";
  return std::string(domain) + " is not a verified domain of this tenant (verified: " + list + ")";
}

std::optional<std::string> country_code(std::string_view code_or_name) {
  std::string_view text = trim(code_or_name);
  if (text.size() == 2) {
    std::string upper = ascii_upper(text);
    if (is_country_code(upper)) return upper;
  }
  for (const CountryName& c : kCountryNames) {
    if (iequals(c.name, text)) return std::string(c.code);
  }
  return std::nullopt;
}

std::string user_principal_name_problem(std::string_view upn) {
  size_t at = upn.find('@');
  if (at == std::string_view::npos) return "expected name@domain";
  if (upn.find('@', at + 1) != std::string_view::npos) return "it holds more than one @";
  std::string_view local = upn.substr(0, at);
  std::string_view domain = upn.substr(at + 1);
  if (local.empty()) return "nothing before @";
  if (domain.empty()) return "nothing after @";
  if (local.size() > 64) {
    return "the part before @ has " + std::to_string(local.size()) + " characters; at most 64";
  }
  if (domain.size() > 48) {
    return "the domain has " + std::to_string(domain.size()) + " characters; at most 48";
  }
  for (char c : local) {
    if (!is_letter_or_digit(c) && std::string_view("'.-_!#^~").find(c) == std::string_view::npos) {
      return "the part before @ may hold only letters, digits and ' . - _ ! # ^ ~";
    }
  }
  if (local.front() == '.' || local.back() == '.' || local.find("..") != std::string_view::npos) {
    return "the part before @ cannot start or end with a period or hold two in a row";
  }
  if (!valid_domain(domain)) return std::string(shown(domain)) + " is not a valid domain name";
  return "";
}

std::string mail_nickname_for(std::string_view upn) {
  std::string_view local = upn.substr(0, upn.find('@'));
  std::string out;
  for (char c : local) {
    if (!is_letter_or_digit(c) && c != '.' && c != '-' && c != '_') continue;
    if (c == '.' && (out.empty() || out.back() == '.')) continue;
    out += c;
  }
  while (!out.empty() && out.back() == '.') out.pop_back();
  if (out.size() > 64) out.resize(64);
  while (!out.empty() && out.back() == '.') out.pop_back();
  return out.empty() ? "user" : out;
}

nlohmann::json create_user_body(const ImportUser& user, std::string_view password) {
  nlohmann::json body = {
      {"accountEnabled", true},
      {"displayName", user.display_name},
      {"mailNickname", mail_nickname_for(user.upn)},
      {"userPrincipalName", user.upn},
      {"passwordProfile",
       {{"forceChangePasswordNextSignIn", true}, {"password", std::string(password)}}},
  };
  if (!user.given_name.empty()) body["givenName"] = user.given_name;
  if (!user.surname.empty()) body["surname"] = user.surname;
  if (!user.job_title.empty()) body["jobTitle"] = user.job_title;
  if (!user.department.empty()) body["department"] = user.department;
  if (!user.usage_location.empty()) body["usageLocation"] = user.usage_location;
  return body;
}

Status check_new_user(ImportUser& user, const std::vector<std::string>& tenant_domains) {
  for (std::string* v : {&user.upn, &user.display_name, &user.given_name, &user.surname,
                         &user.job_title, &user.department, &user.usage_location}) {
    *v = std::string(trim(*v));
  }
  user.usage_location = ascii_upper(user.usage_location);
  if (user.display_name.empty() && !user.given_name.empty() && !user.surname.empty()) {
    user.display_name = user.given_name + " " + user.surname;
  }
  std::vector<std::string> problems;
  Report report = [&](Field f, const std::string& message) {
    problems.push_back(std::string(info(f).own_name) + ": " + message);
  };
  check_user(user, tenant_domains, true, true, report);
  for (const std::string& l : user.licenses) {
    if (!valid_license_token(l)) {
      report(Field::Licenses, shown(l) + " is not a SKU part number (such as SPE_E3) or sku id");
    }
  }
  if (!user.licenses.empty() && user.usage_location.empty()) {
    report(Field::Licenses, "licenses need a usage location; give one");
  }
  if (problems.empty()) return Status();
  return make_error(ErrorKind::Invalid, joined(problems, problems.size()), "InvalidUser");
}

Status check_property_changes(UserProperties& properties) {
  std::vector<std::string> problems;
  Report report = [&](Field f, const std::string& message) {
    problems.push_back(std::string(info(f).flag) + ": " + message);
  };
  const std::pair<Field, std::optional<std::string>*> values[] = {
      {Field::DisplayName, &properties.display_name},
      {Field::GivenName, &properties.given_name},
      {Field::Surname, &properties.surname},
      {Field::JobTitle, &properties.job_title},
      {Field::Department, &properties.department},
      {Field::UsageLocation, &properties.usage_location},
  };
  // A creation leaves an empty value out; a change would send it, and the service refuses
  // an empty string (null clears a value, which users set does not offer).
  for (const auto& [field, value] : values) {
    if (!*value) continue;
    **value = std::string(trim(**value));
    if (!(*value)->empty()) continue;
    report(field, field == Field::DisplayName
                      ? "a display name is required; the service does not let one be cleared"
                      : "is empty; the service takes no empty value (and users set cannot clear "
                        "one)");
  }
  if (properties.usage_location) {
    *properties.usage_location = ascii_upper(*properties.usage_location);
  }
  ImportUser user;  // what check_user() checks of a user to create
  user.display_name = properties.display_name.value_or("");
  user.given_name = properties.given_name.value_or("");
  user.surname = properties.surname.value_or("");
  user.job_title = properties.job_title.value_or("");
  user.department = properties.department.value_or("");
  user.usage_location = properties.usage_location.value_or("");
  check_user(user, {}, /*upn_known=*/false, /*display_known=*/false, report);
  if (problems.empty()) return Status();
  return make_error(ErrorKind::Invalid, joined(problems, problems.size()), "InvalidUser");
}

Result<UserImport> import_users(const CsvTable& table, const UserImportOptions& options) {
  std::vector<std::string> problems;
  UserImport out;
  auto at = [&](int line) {
    std::string where = options.source_name;
    if (line > 0) where += (where.empty() ? "line " : ":") + std::to_string(line);
    return where.empty() ? where : where + ": ";
  };

  // Columns.
  std::array<std::optional<size_t>, kFieldCount> column{};
  std::vector<size_t> ignored;
  bool template_style = false;
  for (size_t i = 0; i < table.header.size(); ++i) {
    const std::string& name = table.header[i];
    std::string key = normalize_header(name);
    if (key.empty()) {
      for (const CsvRecord& r : table.rows) {
        if (i < r.fields.size() && !trim(r.fields[i]).empty()) {
          problems.push_back(at(r.line) + "column " + std::to_string(i + 1) +
                             " has no name in the header but holds a value");
          break;
        }
      }
      continue;
    }
    const Alias* alias = nullptr;
    for (const Alias& a : kAliases) {
      if (a.normalized == key) alias = &a;
    }
    if (!alias) {
      bool template_column = false;
      for (std::string_view t : kIgnoredTemplateColumns)
        template_column = template_column || t == key;
      if (template_column) {
        ignored.push_back(i);
      } else {
        problems.push_back(at(table.header_line) + "unknown column " + shown(name) +
                           "; expected userPrincipalName, displayName, givenName, surname, "
                           "jobTitle, department, usageLocation, licenses, roles, or the columns "
                           "of "
                           "the Microsoft 365 admin center template");
      }
      continue;
    }
    template_style = template_style || alias->template_name;
    auto& slot = column[static_cast<size_t>(alias->field)];
    if (slot) {
      problems.push_back(at(table.header_line) + "columns " + shown(table.header[*slot]) + " and " +
                         shown(name) + " both give " + info(alias->field).what);
      continue;
    }
    slot = i;
  }
  auto has = [&](Field f) { return column[static_cast<size_t>(f)].has_value(); };
  auto label = [&](Field f) -> std::string {
    if (const auto& c = column[static_cast<size_t>(f)]) return table.header[*c];
    return template_style ? info(f).template_name : info(f).own_name;
  };
  if (!has(Field::Upn)) {
    problems.push_back(at(table.header_line) +
                       "no user principal name column; add \"userPrincipalName\" (the admin "
                       "center template calls it \"User Name\")");
  }
  bool display_known = has(Field::DisplayName) || (has(Field::GivenName) && has(Field::Surname));
  if (!display_known) {
    problems.push_back(at(table.header_line) + "no display name column; add \"" +
                       label(Field::DisplayName) + "\" (or both \"" + label(Field::GivenName) +
                       "\" and \"" + label(Field::Surname) + "\")");
  }

  // Rows.
  std::map<std::string, int> first_line_of_upn;  // lower-cased UPN -> line
  std::vector<bool> ignored_has_value(ignored.size(), false);
  size_t user_rows = 0;
  for (const CsvRecord& row : table.rows) {
    bool all_empty = true;
    for (const std::string& f : row.fields) all_empty = all_empty && trim(f).empty();
    if (all_empty) continue;
    ++user_rows;
    for (size_t k = 0; k < ignored.size(); ++k) {
      if (ignored[k] < row.fields.size() && !trim(row.fields[ignored[k]]).empty()) {
        ignored_has_value[k] = true;
      }
    }
    auto value = [&](Field f) -> std::string {
      const auto& c = column[static_cast<size_t>(f)];
      if (!c || *c >= row.fields.size()) return "";
      return std::string(trim(row.fields[*c]));
    };
    bool row_ok = true;
    bool country_unknown = false;
    Report report = [&](Field f, const std::string& message) {
      row_ok = false;
      problems.push_back(at(row.line) + "column \"" + label(f) + "\": " + message);
    };

    ImportUser user;
    user.line = row.line;
    user.upn = value(Field::Upn);
    user.display_name = value(Field::DisplayName);
    user.given_name = value(Field::GivenName);
    user.surname = value(Field::Surname);
    user.job_title = value(Field::JobTitle);
    user.department = value(Field::Department);
    if (std::string usage = value(Field::UsageLocation); !usage.empty()) {
      user.usage_location = ascii_upper(usage);
    } else if (std::string country = value(Field::Country); !country.empty()) {
      if (std::optional<std::string> code = country_code(country)) {
        user.usage_location = *code;
      } else {
        country_unknown = true;
        report(Field::Country, shown(country) +
                                   " is not a country tenantsync knows; use its two-letter "
                                   "ISO 3166 code (such as US, GB or DE)");
      }
    }
    user.licenses = parse_licenses(value(Field::Licenses), report);
    user.roles = split_list(value(Field::Roles));  // the tenant's roles are checked later
    if (user.display_name.empty() && !user.given_name.empty() && !user.surname.empty()) {
      user.display_name = user.given_name + " " + user.surname;
    }
    check_user(user, options.tenant_domains, has(Field::Upn), display_known, report);
    if (!user.licenses.empty() && user.usage_location.empty() && !country_unknown) {
      report(Field::Licenses, "licenses need a usage location; fill in \"" +
                                  label(Field::UsageLocation) + "\" or \"" + label(Field::Country) +
                                  "\"");
    }
    if (!user.upn.empty() && user_principal_name_problem(user.upn).empty()) {
      auto [it, inserted] = first_line_of_upn.emplace(ascii_lower(user.upn), row.line);
      if (!inserted) {
        report(Field::Upn, shown(user.upn) + " is also on line " + std::to_string(it->second) +
                               " (user principal names must be unique)");
      }
    }
    if (row_ok) out.users.push_back(std::move(user));
  }

  if (problems.empty() && user_rows == 0) {
    problems.push_back(at(0) + "no users to import: the file has a header line only");
  }
  if (!problems.empty()) {
    return make_error(ErrorKind::Invalid, joined(problems, options.max_reported_problems),
                      kImportCode);
  }
  std::string unused;
  for (size_t k = 0; k < ignored.size(); ++k) {
    if (ignored_has_value[k])
      unused += (unused.empty() ? "" : ", ") + shown(table.header[ignored[k]]);
  }
  if (!unused.empty()) {
    out.warnings.push_back(at(table.header_line) +
                           "columns ignored (tenantsync does not set them): " + unused);
  }
  return out;
}

}  // namespace tenantsync
