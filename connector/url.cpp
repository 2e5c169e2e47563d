#include "connector/url.h"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace tenantsync {

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

}  // namespace

std::string Url::origin() const { return scheme + "://" + host + ":" + std::to_string(port); }

bool Url::is_loopback() const {
  return host == "localhost" || host == "::1" || host.rfind("127.", 0) == 0;
}

std::optional<Url> parse_url(std::string_view text) {
  Url url;
  auto scheme_end = text.find("://");
  if (scheme_end == std::string_view::npos) return std::nullopt;
  url.scheme = lower(text.substr(0, scheme_end));
  if (url.scheme != "http" && url.scheme != "https") return std::nullopt;
  std::string_view rest = text.substr(scheme_end + 3);
  auto path_start = rest.find_first_of("/?#");
  std::string_view authority = rest.substr(0, path_start);
  url.path_and_query =
      path_start == std::string_view::npos ? "/" : std::string(rest.substr(path_start));
  if (url.path_and_query[0] != '/') url.path_and_query = "/" + url.path_and_query;
  if (authority.find('@') != std::string_view::npos) return std::nullopt;  // no userinfo
  std::string_view port_text;
  if (!authority.empty() && authority[0] == '[') {
    auto close = authority.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    url.host = lower(authority.substr(1, close - 1));
    if (close + 1 < authority.size()) {
      if (authority[close + 1] != ':') return std::nullopt;
      port_text = authority.substr(close + 2);
    }
  } else {
    auto colon = authority.rfind(':');
    url.host = lower(authority.substr(0, colon));
    if (colon != std::string_view::npos) port_text = authority.substr(colon + 1);
  }
  if (url.host.empty()) return std::nullopt;
  if (port_text.empty()) {
    url.port = url.scheme == "https" ? 443 : 80;
  } else {
    auto [end, ec] =
        std::from_chars(port_text.data(), port_text.data() + port_text.size(), url.port);
    if (ec != std::errc() || end != port_text.data() + port_text.size() || url.port <= 0 ||
        url.port > 65535) {
      return std::nullopt;
    }
  }
  return url;
}

bool same_origin(const Url& a, const Url& b) {
  return a.scheme == b.scheme && a.host == b.host && a.port == b.port;
}

std::string url_encode(std::string_view text) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

std::string trim_trailing_slash(std::string url) {
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

}  // namespace tenantsync
