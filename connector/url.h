// Just enough URL handling for the connector's safety checks: which host a request goes
// to (a nextLink must stay on the Graph host, tokens never leave it) and whether plain
// http:// is allowed (loopback only, unless the config says otherwise).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace tenantsync {

struct Url {
  std::string scheme;          // lower-case: "http" or "https"
  std::string host;            // lower-case, without brackets for IPv6
  int port = 0;                // explicit or the scheme's default
  std::string path_and_query;  // "/v1.0/users?$top=999" ("/" when empty)

  // scheme://host:port, the part that must match for a token to be sent.
  std::string origin() const;
  bool is_loopback() const;
};

std::optional<Url> parse_url(std::string_view text);

// Both URLs point at the same scheme, host and port.
bool same_origin(const Url& a, const Url& b);

// Percent-encodes a query or path component (RFC 3986 unreserved characters kept).
std::string url_encode(std::string_view text);

// `url` without the slashes it ends with: base URLs from the config join with "/path".
std::string trim_trailing_slash(std::string url);

}  // namespace tenantsync
