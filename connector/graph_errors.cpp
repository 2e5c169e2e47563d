#include "connector/graph_errors.h"

#include <cctype>
#include <charconv>
#include <cmath>
#include <string>

#include <nlohmann/json.hpp>

namespace tenantsync {

namespace {

bool contains(std::string_view haystack, std::string_view needle) {
  return haystack.find(needle) != std::string_view::npos;
}

std::string string_field(const nlohmann::json& j, const char* key) {
  if (!j.is_object()) return {};
  auto it = j.find(key);
  if (it == j.end() || !it->is_string()) return {};
  return it->get<std::string>();
}

bool has_object_conflict(const nlohmann::json& error) {
  auto details = error.find("details");
  if (details == error.end() || !details->is_array()) return false;
  for (const auto& d : *details) {
    if (string_field(d, "code") == "ObjectConflict") return true;
  }
  return false;
}

ErrorKind kind_for_status(int status) {
  switch (status) {
    case 401:
      return ErrorKind::Auth;
    case 403:
      return ErrorKind::Forbidden;
    case 404:
      return ErrorKind::NotFound;
    case 409:
      return ErrorKind::Conflict;
    case 410:
      return ErrorKind::ResyncNeeded;
    case 429:
      return ErrorKind::Throttled;
    default:
      break;
  }
  if (status >= 500) return ErrorKind::Transient;
  if (status >= 400) return ErrorKind::Rejected;
  return ErrorKind::Invalid;  // a 1xx/2xx/3xx handed to an error classifier
}

void set_retry_after(Error& e, const HttpHeaders& headers) {
  auto it = headers.find("retry-after");
  if (it == headers.end()) return;
  if (auto seconds = parse_retry_after(it->second)) e.retry_after_seconds = *seconds;
}

}  // namespace

Refusal classify_refusal(std::string_view m) {
  if (contains(m, "invalid usage location")) return Refusal::UsageLocation;
  if (contains(m, "does not have any available licenses")) return Refusal::Seats;
  if (contains(m, "does not correspond to a valid company License")) return Refusal::UnknownSku;
  if (contains(m, "User does not have a corresponding license")) return Refusal::NoSuchLicense;
  if (contains(m, "are mutually exclusive")) return Refusal::ExclusivePlans;
  if (contains(m, "depends on the service plan")) return Refusal::Dependency;
  if (contains(m, "inherited from a group membership")) return Refusal::GroupInherited;
  if (contains(m, "password complexity")) return Refusal::PasswordComplexity;
  return Refusal::None;
}

std::optional<double> parse_retry_after(std::string_view value) {
  while (!value.empty() && std::isspace(static_cast<unsigned char>(value.front()))) {
    value.remove_prefix(1);
  }
  while (!value.empty() && std::isspace(static_cast<unsigned char>(value.back()))) {
    value.remove_suffix(1);
  }
  if (value.empty()) return std::nullopt;
  for (char c : value) {
    if (!std::isdigit(static_cast<unsigned char>(c)) && c != '.') return std::nullopt;
  }
  double seconds = 0;
  auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
  if (ec != std::errc() || end != value.data() + value.size() || !std::isfinite(seconds)) {
    return std::nullopt;
  }
  return seconds;
}

Error classify_parsed_graph_error(int http_status, const HttpHeaders& headers,
                                  const nlohmann::json& body) {
  Error e;
  e.http_status = http_status;
  e.kind = kind_for_status(http_status);
  const nlohmann::json* error = nullptr;
  if (body.is_object()) {
    auto it = body.find("error");
    if (it != body.end() && it->is_object()) error = &*it;
  }
  if (error) {
    e.code = string_field(*error, "code");
    e.message = string_field(*error, "message");
  }
  if (e.message.empty()) e.message = "HTTP " + std::to_string(http_status);

  if (e.code == "syncStateNotFound" || e.code == "resyncRequired") {
    e.kind = ErrorKind::ResyncNeeded;
  } else if (error && has_object_conflict(*error)) {
    e.kind = ErrorKind::Conflict;
    e.refusal = Refusal::DuplicateUpn;
  } else if (http_status == 400) {
    e.refusal = classify_refusal(e.message);
    if (e.refusal == Refusal::None) e.refusal = Refusal::Other;
  }
  if (e.kind == ErrorKind::Throttled || e.kind == ErrorKind::Transient) set_retry_after(e, headers);
  return e;
}

Error classify_graph_error(int http_status, const HttpHeaders& headers, std::string_view body) {
  nlohmann::json parsed = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) parsed = nullptr;
  return classify_parsed_graph_error(http_status, headers, parsed);
}

Error classify_token_error(int http_status, const HttpHeaders& headers, std::string_view body) {
  Error e;
  e.http_status = http_status;
  if (http_status == 429) {
    e.kind = ErrorKind::Throttled;
  } else if (http_status >= 500) {
    e.kind = ErrorKind::Transient;
  } else {
    e.kind = ErrorKind::Auth;
  }
  set_retry_after(e, headers);
  nlohmann::json j = nlohmann::json::parse(body, nullptr, false);
  std::string description = string_field(j, "error_description");
  std::string error = string_field(j, "error");
  // "AADSTS7000215: Invalid client secret provided. ..." -> code and the rest.
  if (description.rfind("AADSTS", 0) == 0) {
    auto colon = description.find(':');
    if (colon != std::string::npos) {
      e.code = description.substr(0, colon);
      auto start = description.find_first_not_of(' ', colon + 1);
      e.message = start == std::string::npos ? std::string() : description.substr(start);
    }
  }
  if (e.code.empty()) {
    if (j.is_object() && j.contains("error_codes") && j["error_codes"].is_array() &&
        !j["error_codes"].empty() && j["error_codes"][0].is_number_integer()) {
      e.code = "AADSTS" + std::to_string(j["error_codes"][0].get<long long>());
    } else {
      e.code = error;
    }
    e.message = description;
  }
  if (e.message.empty()) {
    e.message =
        error.empty() ? "token endpoint returned HTTP " + std::to_string(http_status) : error;
  }
  return e;
}

}  // namespace tenantsync
