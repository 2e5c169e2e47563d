#include "fakes/fake_query.h"

#include <algorithm>
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

// `('a', 'b', ...)`: one literal or more, comma-separated. More than kMaxInValues is
// refused as the service refuses it.
std::vector<std::string> read_list(const std::string& s, size_t& i) {
  if (i >= s.size() || s[i] != '(') unsupported();
  ++i;
  std::vector<std::string> out;
  while (true) {
    skip_spaces(s, i);
    out.push_back(read_literal(s, i));
    skip_spaces(s, i);
    if (i < s.size() && s[i] == ',') {
      ++i;
      continue;
    }
    if (i < s.size() && s[i] == ')') {
      ++i;
      break;
    }
    unsupported();
  }
  if (out.size() > kMaxInValues) {
    fail(400, "Request_UnsupportedQuery",
         "Too many child clauses specified in search filter expression containing 'OR' "
         "operators: " +
             std::to_string(out.size()) + ". Max allowed: " + std::to_string(kMaxInValues));
  }
  return out;
}

bool listed(const std::vector<std::string>& names, const std::string& name) {
  return std::any_of(names.begin(), names.end(),
                     [&](const std::string& n) { return iequals(n, name); });
}

// `eq` clauses over `properties`, and `in` clauses over those of them in `in_properties`,
// joined by ` and `.
std::vector<FilterClause> parse_filter(const std::string& filter,
                                       const std::vector<std::string>& properties,
                                       const std::vector<std::string>& in_properties) {
  std::vector<FilterClause> out;
  size_t i = 0;
  while (true) {
    skip_spaces(filter, i);
    std::string word = read_word(filter, i);
    auto known = std::find_if(properties.begin(), properties.end(),
                              [&](const std::string& p) { return iequals(p, word); });
    if (known == properties.end()) unsupported();
    skip_spaces(filter, i);
    std::string op = read_word(filter, i);
    skip_spaces(filter, i);
    FilterClause clause;
    clause.property = *known;
    if (iequals(op, "eq")) {
      clause.value = read_literal(filter, i);
    } else if (iequals(op, "in") && listed(in_properties, *known)) {
      clause.in = true;
      clause.values = read_list(filter, i);
    } else {
      unsupported();
    }
    out.push_back(std::move(clause));
    skip_spaces(filter, i);
    if (i == filter.size()) return out;
    if (!iequals(read_word(filter, i), "and")) unsupported();
  }
}

}  // namespace

std::vector<FilterClause> parse_eq_filter(const std::string& filter,
                                          const std::vector<std::string>& properties) {
  return parse_filter(filter, properties, {});
}

std::vector<FilterClause> parse_user_filter(const std::string& filter) {
  static const std::vector<std::string> kProperties = {"userPrincipalName", "id", "department"};
  static const std::vector<std::string> kInProperties = {"userPrincipalName", "id"};
  return parse_filter(filter, kProperties, kInProperties);
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
