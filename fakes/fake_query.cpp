#include "fakes/fake_query.h"

#include <cctype>

#include "fakes/fake_encoding.h"
#include "fakes/fake_errors.h"

namespace tenantsync::fake {

std::optional<std::string> QueryParams::get(const std::string& name) const {
  for (const auto& [k, v] : pairs_) {
    if (iequals(k, name)) return v;
  }
  return std::nullopt;
}

namespace {

[[noreturn]] void unsupported() { fail(400, "Request_UnsupportedQuery", "Unsupported Query."); }

void skip_spaces(const std::string& s, size_t& i) {
  while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
}

std::string read_word(const std::string& s, size_t& i) {
  size_t start = i;
  while (i < s.size() && (std::isalnum(static_cast<unsigned char>(s[i])) || s[i] == '/')) ++i;
  return s.substr(start, i - start);
}

// A single-quoted OData string literal; '' stands for one quote.
std::string read_literal(const std::string& s, size_t& i) {
  if (i >= s.size() || s[i] != '\'') unsupported();
  ++i;
  std::string out;
  while (i < s.size()) {
    if (s[i] == '\'') {
      if (i + 1 < s.size() && s[i + 1] == '\'') {
        out.push_back('\'');
        i += 2;
        continue;
      }
      ++i;
      return out;
    }
    out.push_back(s[i++]);
  }
  unsupported();
}

}  // namespace

std::vector<FilterClause> parse_user_filter(const std::string& filter) {
  std::vector<FilterClause> out;
  size_t i = 0;
  while (true) {
    skip_spaces(filter, i);
    std::string property = read_word(filter, i);
    if (iequals(property, "userPrincipalName")) {
      property = "userPrincipalName";
    } else if (iequals(property, "id")) {
      property = "id";
    } else if (iequals(property, "department")) {
      property = "department";
    } else {
      unsupported();
    }
    skip_spaces(filter, i);
    if (!iequals(read_word(filter, i), "eq")) unsupported();
    skip_spaces(filter, i);
    out.push_back({property, read_literal(filter, i)});
    skip_spaces(filter, i);
    if (i == filter.size()) return out;
    if (!iequals(read_word(filter, i), "and")) unsupported();
  }
}

int parse_top(const std::optional<std::string>& value) {
  if (!value) return kDefaultPageSize;
  bool digits = !value->empty() && value->size() <= 9;
  for (char c : *value) digits = digits && std::isdigit(static_cast<unsigned char>(c));
  int top = digits ? std::stoi(*value) : -1;
  if (top < 1 || top > 999) {
    fail(400, msg::kBadRequest,
         "Invalid page size specified: '" + *value + "'. Must be between 1 and 999 inclusive.");
  }
  return top;
}

}  // namespace tenantsync::fake
