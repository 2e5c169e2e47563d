#include "connector/webhook_redaction.h"

#include <algorithm>
#include <cctype>
#include <vector>

#include "connector/url.h"

namespace tenantsync {

namespace {

constexpr size_t kShortestSecretPart = 6;
constexpr std::string_view kRedacted = "[redacted]";

void replace_all(std::string& text, std::string_view what, std::string_view with) {
  if (what.empty()) return;
  for (size_t at = 0; (at = text.find(what, at)) != std::string::npos; at += with.size()) {
    text.replace(at, what.size(), with);
  }
}

std::string bracketed(const std::string& host) {
  return host.find(':') != std::string::npos ? "[" + host + "]" : host;
}

// "%2F" and friends decoded, for parts a transport may quote either way.
std::string percent_decoded(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() &&
        std::isxdigit(static_cast<unsigned char>(text[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(text[i + 2]))) {
      out += static_cast<char>(std::stoi(std::string(text.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

// The path's segments and the query's names and values, split at / ? & = # ;.
std::vector<std::string> parts_of(std::string_view path_and_query) {
  std::vector<std::string> parts;
  std::string current;
  for (char c : path_and_query) {
    if (c == '/' || c == '?' || c == '&' || c == '=' || c == '#' || c == ';') {
      if (!current.empty()) parts.push_back(std::move(current));
      current.clear();
    } else {
      current += c;
    }
  }
  if (!current.empty()) parts.push_back(std::move(current));
  return parts;
}

}  // namespace

std::string webhook_name(std::string_view url) {
  auto parsed = parse_url(url);
  if (!parsed) return "(unparsable webhook URL)";
  bool default_port = (parsed->scheme == "https" && parsed->port == 443) ||
                      (parsed->scheme == "http" && parsed->port == 80);
  return parsed->scheme + "://" + bracketed(parsed->host) +
         (default_port ? "" : ":" + std::to_string(parsed->port));
}

std::string scrub_webhook_url(std::string text, std::string_view url) {
  std::string name = webhook_name(url);
  replace_all(text, url, name);
  auto parsed = parse_url(url);
  if (!parsed) return text;
  const std::string& pq = parsed->path_and_query;
  std::string path = pq.substr(0, pq.find_first_of("?#"));
  // The URL as written without its query, or as a transport rebuilds it (explicit port),
  // with or without the query: all become the webhook's name.
  replace_all(text, url.substr(0, url.find_first_of("?#")), name);
  std::string explicit_port =
      parsed->scheme + "://" + bracketed(parsed->host) + ":" + std::to_string(parsed->port);
  for (const std::string& base : {explicit_port, name}) {
    replace_all(text, base + pq, name);
    if (path != "/") replace_all(text, base + path, name);
  }
  // Whatever is left of the path and query, whole or in parts, longest first.
  std::vector<std::string> secrets = {pq, path, pq.substr(path.size())};
  for (const auto& part : parts_of(pq)) {
    secrets.push_back(part);
    secrets.push_back(percent_decoded(part));
  }
  std::sort(secrets.begin(), secrets.end(),
            [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
  for (const auto& secret : secrets) {
    if (secret.size() >= kShortestSecretPart) replace_all(text, secret, kRedacted);
  }
  return text;
}

}  // namespace tenantsync
