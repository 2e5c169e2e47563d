// How webhook messages name the webhook. Teams and Slack put a secret in the webhook URL's
// path or query (whoever has the URL can post to the channel), so logs and errors name
// it only by scheme://host[:port], and any text that came back from the transport (which
// may quote the URL, its path or its query) is scrubbed of them.
#pragma once

#include <string>
#include <string_view>

namespace tenantsync {

// "https://hooks.example.com", "http://127.0.0.1:8080", "http://[::1]:8080" (the port only
// when not the scheme's default); "(unparsable webhook URL)" when `url` is not http(s).
std::string webhook_name(std::string_view url);

// `text` with the URL replaced by webhook_name(url), and what is left of its path and query
// (the whole, or any segment or value of 6 characters or more) replaced by "[redacted]".
std::string scrub_webhook_url(std::string text, std::string_view url);

}  // namespace tenantsync
