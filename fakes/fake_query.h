// OData query options the fake understands: $top bounds and `$filter`s made of
// `property eq 'x'` clauses joined by ` and ` over a fixed set of properties per list
// (on /users: userPrincipalName, id, department), and on /users also
// `id in ('a','b')` and `userPrincipalName in (...)` of at most 15 values. Anything else
// in $filter is 400 Request_UnsupportedQuery.
#pragma once

#include <cstddef>
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
  std::string value;     // `eq`: the value
  bool in = false;       // `in (...)`: any of `values` (then `value` is empty)
  std::vector<std::string> values;
};

// The most values one `in (...)` may list: the service's default limit (Microsoft Graph
// known issues, "query parameters"); more is 400 Request_UnsupportedQuery.
inline constexpr size_t kMaxInValues = 15;

// `p eq 'x' and q eq 'y'` with p, q among `properties` (matched case-insensitively).
// Throws GraphError 400 Request_UnsupportedQuery for any other form.
std::vector<FilterClause> parse_eq_filter(const std::string& filter,
                                          const std::vector<std::string>& properties);
// The /users form: userPrincipalName, id, department with `eq`; userPrincipalName and id
// also with `in ('a', 'b', ...)` (1 to kMaxInValues values).
std::vector<FilterClause> parse_user_filter(const std::string& filter);

// Default page size when no $top is given.
inline constexpr int kDefaultPageSize = 100;
// $top must be 1..999; anything else throws GraphError 400 Request_BadRequest.
int parse_top(const std::optional<std::string>& value);

}  // namespace tenantsync::fake
