#include "sync/plan/users_file.h"

#include <sstream>

#include "sync/ascii_case.h"
#include "sync/csv_reader.h"

namespace tenantsync {

namespace {

// The column names that hold a user's UPN, in order of preference; "User Name" is what
// the Microsoft 365 admin center's user export calls it.
constexpr const char* kUpnColumns[] = {"userPrincipalName", "User principal name", "UPN",
                                       "User Name"};

bool is_upn_column(std::string_view name) {
  for (const char* column : kUpnColumns) {
    if (iequals(trim_blanks(name), column)) return true;
  }
  return false;
}

Error file_error(const std::string& source, int line, const std::string& why) {
  return make_error(ErrorKind::Invalid, source + ":" + std::to_string(line) + ": " + why,
                    "InvalidUsersFile");
}

// A UPN or object id has no blank inside; one that does is a line of some other list.
bool names_one_user(std::string_view name) {
  return name.find_first_of(" \t") == std::string_view::npos;
}

Result<std::vector<std::string>> read_csv_users(const std::string& text,
                                                const std::string& source) {
  CsvOptions options;
  options.source_name = source;
  auto table = parse_csv(text, options);
  if (!table.ok()) return table.error();
  size_t column = table->header.size();
  for (const char* wanted : kUpnColumns) {
    for (size_t i = 0; i < table->header.size() && column == table->header.size(); ++i) {
      if (iequals(trim_blanks(table->header[i]), wanted)) column = i;
    }
  }
  if (column == table->header.size()) {
    std::string found;
    for (const auto& h : table->header) found += (found.empty() ? "" : ", ") + ("\"" + h + "\"");
    return file_error(
        source, table->header_line,
        "the header has no userPrincipalName, UPN or User Name column (columns: " + found + ")");
  }
  std::vector<std::string> users;
  for (const auto& row : table->rows) {
    std::string_view name = trim_blanks(row.fields[column]);
    if (name.empty()) continue;
    if (!names_one_user(name)) {
      return file_error(source, row.line,
                        "'" + std::string(name) + "' is not a user principal name or id");
    }
    users.emplace_back(name);
  }
  return users;
}

}  // namespace

Result<std::vector<std::string>> parse_users_file(std::string_view input,
                                                  const std::string& source) {
  std::string text(input);
  if (text.rfind(kUtf8Bom, 0) == 0) text.erase(0, kUtf8Bom.size());

  // Split into lines, keeping their numbers; the first significant line decides the form.
  std::vector<std::string> lines;
  {
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) lines.push_back(line);
  }
  std::vector<std::string> users;
  bool csv = false;
  for (size_t i = 0; i < lines.size(); ++i) {
    std::string_view line = trim_blanks(lines[i]);
    if (line.empty() || line.front() == '#') continue;
    int number = static_cast<int>(i + 1);
    bool quoted = line.size() > 2 && line.front() == '"' && line.back() == '"';
    if (users.empty() && (line.find_first_of(",;") != std::string_view::npos ||
                          is_upn_column(quoted ? line.substr(1, line.size() - 2) : line))) {
      // The header of a CSV: comment lines before it become blank lines, which the CSV
      // reader skips, so its line numbers stay those of the file.
      for (size_t j = 0; j < i; ++j) lines[j].clear();
      csv = true;
      break;
    }
    if (line.find_first_of(",;") != std::string_view::npos) {
      return file_error(source, number,
                        "a list has one user per line; for a CSV the first line must be a "
                        "header with a userPrincipalName, UPN or User Name column");
    }
    if (!names_one_user(line)) {
      return file_error(source, number,
                        "'" + std::string(line) + "' is not a user principal name or id");
    }
    users.emplace_back(line);
  }
  if (csv) {
    std::string rest;
    for (const auto& line : lines) rest += line + "\n";
    auto read = read_csv_users(rest, source);
    if (!read.ok()) return read.error();
    users = std::move(*read);
  }
  if (users.empty()) {
    return make_error(ErrorKind::Invalid, source + " names no user", "InvalidUsersFile");
  }
  return users;
}

}  // namespace tenantsync
