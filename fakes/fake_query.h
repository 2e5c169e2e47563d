// OData query options the fake understands: $top bounds and `$filter`s made of
// `property eq 'x'` clauses joined by ` and ` over a fixed set of properties per list
// (on /users: userPrincipalName, id, department). Anything else in $filter is 400
// Request_UnsupportedQuery.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace tenantsync::fake {

// Decoded query parameters, looked up by exact name ("$top") or case-insensitively.
class QueryParams {
 public:
  QueryParams() = default;
  explicit QueryParams(std::vector<std::pair<std::string, std::string>> pairs)
      : pairs_(std::move(pairs)) {}

  std::optional<std::string> get(const std::string& name) const;

 private:
  std::vector<std::pair<std::string, std::string>> pairs_;
};

struct FilterClause {
  std::string property;  // one of the allowed names, spelled as given there
  std::string value;
};

// `p eq 'x' and q eq 'y'` with p, q among `properties` (matched case-insensitively).
// Throws GraphError 400 Request_UnsupportedQuery for any other form.
std::vector<FilterClause> parse_eq_filter(const std::string& filter,
                                          const std::vector<std::string>& properties);
// The /users form: userPrincipalName, id, department.
std::vector<FilterClause> parse_user_filter(const std::string& filter);

// Default page size when no $top is given.
inline constexpr int kDefaultPageSize = 100;
// $top must be 1..999; anything else throws GraphError 400 Request_BadRequest.
int parse_top(const std::optional<std::string>& value);

}  // namespace tenantsync::fake
