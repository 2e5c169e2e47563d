#include "sync/plan/property_change.h"

#include "sync/ascii_case.h"

namespace tenantsync {

namespace {

// The string properties: their Graph key and the User field.
struct StringProperty {
  const char* key;
  std::string User::*field;
  std::optional<std::string> UserProperties::*wanted;
};

constexpr StringProperty kStrings[] = {
    {"displayName", &User::display_name, &UserProperties::display_name},
    {"givenName", &User::given_name, &UserProperties::given_name},
    {"surname", &User::surname, &UserProperties::surname},
    {"department", &User::department, &UserProperties::department},
    {"jobTitle", &User::job_title, &UserProperties::job_title},
};

bool has_usage_location(const User& user, const std::string& code) {
  return user.usage_location && iequals(*user.usage_location, code);
}

}  // namespace

nlohmann::json patch_body(const UserProperties& properties) {
  nlohmann::json body = nlohmann::json::object();
  if (properties.usage_location) body["usageLocation"] = *properties.usage_location;
  for (const auto& p : kStrings) {
    if (const auto& value = properties.*p.wanted) body[p.key] = *value;
  }
  if (properties.account_enabled) body["accountEnabled"] = *properties.account_enabled;
  return body;
}

nlohmann::json property_patch(const User& user, const UserProperties& wanted) {
  nlohmann::json patch = nlohmann::json::object();
  if (wanted.usage_location && !has_usage_location(user, *wanted.usage_location)) {
    patch["usageLocation"] = *wanted.usage_location;
  }
  for (const auto& p : kStrings) {
    const auto& value = wanted.*p.wanted;
    if (value && user.*p.field != *value) patch[p.key] = *value;
  }
  if (wanted.account_enabled && user.account_enabled != *wanted.account_enabled) {
    patch["accountEnabled"] = *wanted.account_enabled;
  }
  return patch;
}

void apply_property_patch(User& user, const nlohmann::json& patch) {
  if (!patch.is_object()) return;
  if (auto it = patch.find("usageLocation"); it != patch.end()) {
    user.usage_location =
        it->is_string() ? std::optional<std::string>(it->get<std::string>()) : std::nullopt;
  }
  for (const auto& p : kStrings) {
    if (auto it = patch.find(p.key); it != patch.end() && it->is_string()) {
      user.*p.field = it->get<std::string>();
    }
  }
  if (auto it = patch.find("accountEnabled"); it != patch.end() && it->is_boolean()) {
    user.account_enabled = it->get<bool>();
  }
}

bool property_patch_in_effect(const User& user, const nlohmann::json& patch) {
  if (!patch.is_object()) return false;
  User after = user;
  apply_property_patch(after, patch);
  if (after.usage_location && user.usage_location &&
      iequals(*after.usage_location, *user.usage_location)) {
    after.usage_location = user.usage_location;
  }
  return after == user;
}

std::string describe_property_patch(const nlohmann::json& patch) {
  if (!patch.is_object()) return "";
  std::string out;
  auto add = [&](const std::string& part) { out += (out.empty() ? "" : ", ") + part; };
  // nlohmann::json keeps keys sorted: say them in a fixed, readable order instead.
  if (auto it = patch.find("usageLocation"); it != patch.end()) {
    add("usageLocation " + (it->is_string() ? it->get<std::string>() : std::string("none")));
  }
  for (const auto& p : kStrings) {
    if (auto it = patch.find(p.key); it != patch.end() && it->is_string()) {
      add(std::string(p.key) + " \"" + it->get<std::string>() + "\"");
    }
  }
  if (auto it = patch.find("accountEnabled"); it != patch.end() && it->is_boolean()) {
    add(it->get<bool>() ? "sign-in allowed" : "sign-in blocked");
  }
  return out;
}

std::string describe_create(const nlohmann::json& body) {
  if (!body.is_object()) return "";
  std::string out;
  if (auto name = body.find("displayName"); name != body.end() && name->is_string()) {
    out = "\"" + name->get<std::string>() + "\"";
  }
  nlohmann::json rest = body;
  for (const char* key : {"displayName", "userPrincipalName", "mailNickname"}) rest.erase(key);
  if (rest.value("accountEnabled", true)) rest.erase("accountEnabled");
  std::string properties = describe_property_patch(rest);
  if (!properties.empty()) out += (out.empty() ? "(" : " (") + properties + ")";
  return out;
}

bool blocks_sign_in(const Operation& op) {
  if (op.op != OpKind::SetProperties || !op.details || !op.details->is_object()) return false;
  auto it = op.details->find("accountEnabled");
  return it != op.details->end() && it->is_boolean() && !it->get<bool>();
}

bool sets_usage_location(const Operation& op) {
  return op.op == OpKind::SetProperties && op.details && op.details->is_object() &&
         op.details->contains("usageLocation");
}

}  // namespace tenantsync
