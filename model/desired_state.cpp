// Over 500 lines on purpose: the whole desired-state format, key by key with its checks
// and messages, in one place, in the order docs/desired-state.md describes it.
#include "model/desired_state.h"

#include <algorithm>
#include <initializer_list>
#include <map>
#include <set>
#include <utility>

#include <nlohmann/json.hpp>

#include "model/country_code.h"
#include "model/json_source.h"
#include "model/json_text.h"
#include "model/user_text_limits.h"

namespace tenantsync {

const char* to_string(TenantMode mode) {
  switch (mode) {
    case TenantMode::Enforce:
      return "enforce";
    case TenantMode::Report:
      return "report";
  }
  return "enforce";
}

const char* to_string(UnlistedPolicy policy) {
  switch (policy) {
    case UnlistedPolicy::Keep:
      return "keep";
    case UnlistedPolicy::Revoke:
      return "revoke";
  }
  return "keep";
}

const char* to_string(DesiredUserState state) {
  switch (state) {
    case DesiredUserState::Unspecified:
      return "unspecified";
    case DesiredUserState::Active:
      return "active";
    case DesiredUserState::Deleted:
      return "deleted";
  }
  return "unspecified";
}

std::optional<TenantMode> parse_tenant_mode(std::string_view text) {
  if (text == "enforce") return TenantMode::Enforce;
  if (text == "report") return TenantMode::Report;
  return std::nullopt;
}

namespace {

using nlohmann::json;
using Keys = std::initializer_list<std::string_view>;

// A file with thousands of bad lines helps nobody past the first screenful.
constexpr size_t kMaxReportedProblems = 100;

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

bool is_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// Levenshtein distance, case-insensitive; callers only compare short names.
size_t edit_distance(std::string_view a, std::string_view b) {
  std::string x = lower(a), y = lower(b);
  std::vector<size_t> row(y.size() + 1);
  for (size_t j = 0; j <= y.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= x.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= y.size(); ++j) {
      size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (x[i - 1] == y[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[y.size()];
}

// The closest of `options` within two edits of `got`, for a "did you mean".
std::optional<std::string_view> closest(std::string_view got, Keys options) {
  std::optional<std::string_view> best;
  size_t best_distance = 3;
  for (std::string_view option : options) {
    size_t length_gap =
        got.size() > option.size() ? got.size() - option.size() : option.size() - got.size();
    if (length_gap >= best_distance) continue;
    size_t d = edit_distance(got, option);
    if (d < best_distance) {
      best = option;
      best_distance = d;
    }
  }
  return best;
}

std::string list_quoted(Keys options) {
  std::string out;
  for (std::string_view option : options) {
    if (!out.empty()) out += ", ";
    out += json_quote(option);
  }
  return out;
}

const json* find(const json& object, std::string_view key) {
  auto it = object.find(std::string(key));
  return it == object.end() ? nullptr : &*it;
}

struct Problem {
  int line = 0;
  int column = 0;
  std::string text;
};

// The managedSkus of the tenant being read, to check each license against.
struct ManagedSkus {
  bool known = false;           // false when managedSkus itself was broken: then skip the check
  std::set<std::string> names;  // lower-cased
};

// Walks the parsed document once, building the DesiredState and collecting every
// problem with its position instead of stopping at the first.
class DesiredStateReader {
 public:
  explicit DesiredStateReader(const JsonSource& source) : source_(source) {}

  DesiredState read() {
    DesiredState state;
    const json& root = source_.root();
    if (!object_with_keys(root, "", {"version", "tenants"})) return state;
    if (const json* version = find(root, "version")) {
      if (!version->is_number_integer() || *version != 1) {
        problem("version", "unsupported version " + describe_json_value(*version) +
                               "; this tenantsync reads version 1");
      }
    } else {
      missing("", "version");
    }
    const json* tenants = find(root, "tenants");
    if (!tenants) {
      missing("", "tenants");
      return state;
    }
    if (!expect_type(*tenants, "tenants", json::value_t::array)) return state;
    std::map<std::string, SourceLocation> seen;
    for (size_t i = 0; i < tenants->size(); ++i) {
      std::string path = path_index("tenants", i);
      DesiredTenant tenant = read_tenant((*tenants)[i], path);
      if (!tenant.tenant.empty()) {
        auto [it, fresh] = seen.emplace(lower(tenant.tenant), tenant.location);
        if (!fresh) {
          problem(path_key(path, "tenant"), path,
                  "duplicate tenant " + json_quote(tenant.tenant) + first_at(it->second));
        }
      }
      state.tenants.push_back(std::move(tenant));
    }
    return state;
  }

  bool failed() const { return !problems_.empty(); }

  Error error() {
    std::stable_sort(problems_.begin(), problems_.end(), [](const Problem& a, const Problem& b) {
      return std::pair(a.line, a.column) < std::pair(b.line, b.column);
    });
    std::string text;
    size_t shown = std::min(problems_.size(), kMaxReportedProblems);
    for (size_t i = 0; i < shown; ++i) {
      if (i > 0) text += '\n';
      text += problems_[i].text;
    }
    if (problems_.size() > shown) {
      text += "\n... and " + std::to_string(problems_.size() - shown) + " more problems";
    }
    return make_error(ErrorKind::Invalid, std::move(text), "InvalidDesiredState");
  }

 private:
  // A problem positioned at `at` and reported under the path `shown` (they differ for
  // an unknown key: positioned at the key, reported under the object holding it).
  void problem(const std::string& at, const std::string& shown, const std::string& message) {
    SourceLocation location = source_.locate(at);
    location.path = shown;
    problems_.push_back({location.line, location.column, location.prefix() + message});
  }
  void problem(const std::string& path, const std::string& message) {
    problem(path, path, message);
  }

  void missing(const std::string& path, std::string_view key) {
    // "unknown key "skuu"; did you mean "sku"?" already says it.
    if (suggested_.count(path_key(path, std::string(key))) > 0) return;
    problem(path, "missing required key " + json_quote(key));
  }

  static std::string first_at(const SourceLocation& first) {
    if (first.line == 0) return {};
    return " (first at " + std::to_string(first.line) + ":" + std::to_string(first.column) + ")";
  }

  bool expect_type(const json& j, const std::string& path, json::value_t type) {
    if (j.type() == type) return true;
    problem(path, std::string("expected ") + json(type).type_name() + ", got " + j.type_name());
    return false;
  }

  // An object whose keys are all among `allowed`; reports each unknown key.
  bool object_with_keys(const json& j, const std::string& path, Keys allowed) {
    if (!expect_type(j, path, json::value_t::object)) return false;
    for (const auto& [key, value] : j.items()) {
      if (std::find(allowed.begin(), allowed.end(), key) != allowed.end()) continue;
      std::string message = "unknown key " + json_quote(key);
      if (auto guess = closest(key, allowed)) {
        message += "; did you mean " + json_quote(*guess) + "?";
        if (!j.contains(std::string(*guess)))
          suggested_.insert(path_key(path, std::string(*guess)));
      } else {
        message += "; expected one of " + list_quoted(allowed);
      }
      problem(path_key(path, key), path, message);
    }
    return true;
  }

  // A non-empty string value.
  std::optional<std::string> string_value(const json& j, const std::string& path) {
    if (!expect_type(j, path, json::value_t::string)) return std::nullopt;
    std::string s = j.get<std::string>();
    if (s.empty()) {
      problem(path, "must not be empty");
      return std::nullopt;
    }
    return s;
  }

  std::optional<std::string> string_field(const json& object, const std::string& path,
                                          std::string_view key, bool required) {
    const json* value = find(object, key);
    if (!value) {
      if (required) missing(path, key);
      return std::nullopt;
    }
    return string_value(*value, path_key(path, std::string(key)));
  }

  // A user property the service stores as text, at most `max_length` characters.
  std::optional<std::string> text_field(const json& object, const std::string& path,
                                        std::string_view key, bool required, size_t max_length) {
    auto text = string_field(object, path, key, required);
    if (!text) return std::nullopt;
    if (std::string why = text_length_problem(*text, max_length); !why.empty()) {
      problem(path_key(path, std::string(key)), why);
      return std::nullopt;
    }
    return text;
  }

  // A usage location the service takes: an assigned ISO 3166 alpha-2 code.
  std::optional<std::string> usage_location_field(const json& object, const std::string& path,
                                                  std::string_view key) {
    auto code = country_field(object, path, key);
    if (!code) return std::nullopt;
    if (std::string why = country_code_problem(*code); !why.empty()) {
      problem(path_key(path, std::string(key)), why);
      return std::nullopt;
    }
    return code;
  }

  // ISO 3166 alpha-2, stored upper-case as the service reports it.
  std::optional<std::string> country_field(const json& object, const std::string& path,
                                           std::string_view key) {
    std::string child = path_key(path, std::string(key));
    auto value = string_field(object, path, key, false);
    if (!value) return std::nullopt;
    if (value->size() != 2 || !is_letter((*value)[0]) || !is_letter((*value)[1])) {
      problem(child, "expected a two-letter country code like \"US\", got " + json_quote(*value));
      return std::nullopt;
    }
    for (char& c : *value) c = static_cast<char>(c >= 'a' ? c - 'a' + 'A' : c);
    return value;
  }

  template <class Enum>
  std::optional<Enum> enum_field(const json& object, const std::string& path, std::string_view key,
                                 std::initializer_list<std::pair<std::string_view, Enum>> values) {
    const json* value = find(object, key);
    if (!value) return std::nullopt;
    if (value->is_string()) {
      for (const auto& [name, e] : values) {
        if (value->get_ref<const std::string&>() == name) return e;
      }
    }
    std::string expected;
    for (const auto& [name, e] : values) {
      expected += (expected.empty() ? "" : ", ") + json_quote(name);
    }
    problem(path_key(path, std::string(key)),
            "expected one of " + expected + ", got " + describe_json_value(*value));
    return std::nullopt;
  }

  std::vector<std::string> string_array(const json& j, const std::string& path) {
    std::vector<std::string> out;
    if (!expect_type(j, path, json::value_t::array)) return out;
    for (size_t i = 0; i < j.size(); ++i) {
      if (auto s = string_value(j[i], path_index(path, i))) out.push_back(std::move(*s));
    }
    return out;
  }

  DesiredTenant read_tenant(const json& j, const std::string& path) {
    DesiredTenant tenant;
    tenant.location = source_.locate(path);
    if (!object_with_keys(j, path,
                          {"tenant", "mode", "managedSkus", "unlisted", "defaultUsageLocation",
                           "rules", "users"})) {
      return tenant;
    }
    tenant.default_usage_location = usage_location_field(j, path, "defaultUsageLocation");
    if (auto name = string_field(j, path, "tenant", true)) tenant.tenant = *name;
    if (auto mode = enum_field<TenantMode>(
            j, path, "mode", {{"enforce", TenantMode::Enforce}, {"report", TenantMode::Report}})) {
      tenant.mode = *mode;
    }
    if (auto unlisted = enum_field<UnlistedPolicy>(
            j, path, "unlisted",
            {{"keep", UnlistedPolicy::Keep}, {"revoke", UnlistedPolicy::Revoke}})) {
      tenant.unlisted = *unlisted;
    }
    ManagedSkus managed = read_managed_skus(j, path, tenant);
    if (const json* rules = find(j, "rules")) {
      std::string rules_path = path_key(path, "rules");
      if (expect_type(*rules, rules_path, json::value_t::array)) {
        for (size_t i = 0; i < rules->size(); ++i) {
          tenant.rules.push_back(read_rule((*rules)[i], path_index(rules_path, i), managed));
        }
      }
    }
    if (const json* users = find(j, "users")) {
      std::string users_path = path_key(path, "users");
      if (expect_type(*users, users_path, json::value_t::array)) {
        std::map<std::string, SourceLocation> seen;
        for (size_t i = 0; i < users->size(); ++i) {
          std::string user_path = path_index(users_path, i);
          DesiredUser user = read_user((*users)[i], user_path, managed);
          if (!user.upn.empty()) {
            auto [it, fresh] = seen.emplace(lower(user.upn), user.location);
            if (!fresh) {
              problem(path_key(user_path, "upn"), user_path,
                      "duplicate user " + json_quote(user.upn) + first_at(it->second));
            }
          }
          tenant.users.push_back(std::move(user));
        }
      }
    }
    return tenant;
  }

  ManagedSkus read_managed_skus(const json& j, const std::string& path, DesiredTenant& tenant) {
    ManagedSkus managed;
    const json* skus = find(j, "managedSkus");
    if (!skus) {
      missing(path, "managedSkus");
      return managed;
    }
    std::string skus_path = path_key(path, "managedSkus");
    if (!expect_type(*skus, skus_path, json::value_t::array)) return managed;
    if (skus->empty()) {
      problem(skus_path, "must list at least one SKU (the SKUs this file governs)");
      return managed;
    }
    managed.known = true;
    for (size_t i = 0; i < skus->size(); ++i) {
      std::string sku_path = path_index(skus_path, i);
      auto sku = string_value((*skus)[i], sku_path);
      if (!sku) continue;
      if (!managed.names.insert(lower(*sku)).second) {
        problem(sku_path, "duplicate SKU " + json_quote(*sku));
        continue;
      }
      tenant.managed_skus.push_back(*sku);
      tenant.managed_sku_locations.push_back(source_.locate(sku_path));
    }
    return managed;
  }

  LicenseRule read_rule(const json& j, const std::string& path, const ManagedSkus& managed) {
    LicenseRule rule;
    rule.location = source_.locate(path);
    if (!object_with_keys(j, path, {"where", "licenses"})) return rule;
    if (const json* where = find(j, "where")) {
      std::string where_path = path_key(path, "where");
      Keys keys = {"department", "jobTitle", "usageLocation", "upnSuffix"};
      if (object_with_keys(*where, where_path, keys)) {
        if (where->empty()) {
          problem(where_path, "needs at least one of " + list_quoted(keys));
        }
        rule.where.department = string_field(*where, where_path, "department", false);
        rule.where.job_title = string_field(*where, where_path, "jobTitle", false);
        rule.where.usage_location = country_field(*where, where_path, "usageLocation");
        rule.where.upn_suffix = string_field(*where, where_path, "upnSuffix", false);
      }
    } else {
      missing(path, "where");
    }
    if (const json* licenses = find(j, "licenses")) {
      rule.licenses = read_licenses(*licenses, path_key(path, "licenses"), managed);
    } else {
      missing(path, "licenses");
    }
    return rule;
  }

  DesiredUser read_user(const json& j, const std::string& path, const ManagedSkus& managed) {
    DesiredUser user;
    user.location = source_.locate(path);
    if (!object_with_keys(j, path,
                          {"upn", "licenses", "state", "ignore", "usageLocation", "create"})) {
      return user;
    }
    if (auto upn = string_field(j, path, "upn", true)) {
      if (upn->find('@') == std::string::npos) {
        problem(path_key(path, "upn"),
                "expected a user principal name like name@domain, got " + json_quote(*upn));
      }
      user.upn = *upn;
    }
    if (const json* licenses = find(j, "licenses")) {
      user.licenses = read_licenses(*licenses, path_key(path, "licenses"), managed);
    }
    if (auto state = enum_field<DesiredUserState>(
            j, path, "state",
            {{"active", DesiredUserState::Active}, {"deleted", DesiredUserState::Deleted}})) {
      user.state = *state;
    }
    if (const json* ignore = find(j, "ignore")) {
      if (expect_type(*ignore, path_key(path, "ignore"), json::value_t::boolean)) {
        user.ignore = ignore->get<bool>();
      }
    }
    if (const json* create = find(j, "create")) {
      user.create = read_create(*create, path_key(path, "create"));
    }
    user.properties.usage_location = usage_location_field(j, path, "usageLocation");
    // Combinations that cannot mean anything sensible.
    if (user.ignore) {
      for (const char* key : {"licenses", "state", "usageLocation", "create"}) {
        if (j.contains(key)) {
          problem(path_key(path, key), std::string("\"ignore\": true cannot be combined with \"") +
                                           key + "\" (an ignored user is left alone)");
        }
      }
    }
    if (user.state == DesiredUserState::Deleted) {
      if (user.licenses && !user.licenses->empty()) {
        problem(path_key(path, "licenses"),
                "a user with \"state\": \"deleted\" cannot have licenses");
      }
      for (const char* key : {"create", "usageLocation"}) {
        if (j.contains(key)) {
          problem(path_key(path, key),
                  std::string("\"") + key + "\" cannot be combined with \"state\": \"deleted\"");
        }
      }
    }
    return user;
  }

  CreateSpec read_create(const json& j, const std::string& path) {
    CreateSpec spec;
    if (!object_with_keys(j, path,
                          {"displayName", "usageLocation", "givenName", "surname", "department",
                           "jobTitle", "roles"})) {
      return spec;
    }
    if (auto name = text_field(j, path, "displayName", true, kMaxDisplayNameLength)) {
      spec.display_name = *name;
    }
    spec.usage_location = usage_location_field(j, path, "usageLocation");
    spec.given_name = text_field(j, path, "givenName", false, kMaxGivenNameLength);
    spec.surname = text_field(j, path, "surname", false, kMaxSurnameLength);
    spec.department = text_field(j, path, "department", false, kMaxDepartmentLength);
    spec.job_title = text_field(j, path, "jobTitle", false, kMaxJobTitleLength);
    if (const json* roles = find(j, "roles")) {
      spec.roles = string_array(*roles, path_key(path, "roles"));
      for (size_t i = 0; i < spec.roles.size(); ++i) {
        if (spec.roles[i].empty())
          problem(path_index(path_key(path, "roles"), i), "empty role name");
      }
    }
    return spec;
  }

  // Each entry is "SKU" or {"sku": "SKU", "disabledPlans": [...]}.
  std::vector<DesiredLicense> read_licenses(const json& j, const std::string& path,
                                            const ManagedSkus& managed) {
    std::vector<DesiredLicense> out;
    if (!expect_type(j, path, json::value_t::array)) return out;
    std::map<std::string, SourceLocation> seen;
    for (size_t i = 0; i < j.size(); ++i) {
      std::string entry_path = path_index(path, i);
      const json& entry = j[i];
      DesiredLicense license;
      std::string sku_path;
      if (entry.is_string()) {
        sku_path = entry_path;
        if (auto sku = string_value(entry, sku_path)) license.sku = *sku;
      } else if (entry.is_object()) {
        sku_path = path_key(entry_path, "sku");
        if (!object_with_keys(entry, entry_path, {"sku", "disabledPlans"})) continue;
        if (auto sku = string_field(entry, entry_path, "sku", true)) license.sku = *sku;
        if (const json* plans = find(entry, "disabledPlans")) {
          license.disabled_plans = string_array(*plans, path_key(entry_path, "disabledPlans"));
        }
      } else {
        problem(entry_path, std::string("expected a SKU name or an object with \"sku\", got ") +
                                entry.type_name());
        continue;
      }
      if (license.sku.empty()) continue;
      license.where = source_.locate(sku_path);
      if (managed.known && managed.names.count(lower(license.sku)) == 0) {
        problem(sku_path, "SKU " + json_quote(license.sku) +
                              " is not in managedSkus; add it there or remove it here");
      }
      auto [it, fresh] = seen.emplace(lower(license.sku), license.where);
      if (!fresh) {
        problem(sku_path, "duplicate license " + json_quote(license.sku) + first_at(it->second));
      }
      out.push_back(std::move(license));
    }
    return out;
  }

  const JsonSource& source_;
  std::vector<Problem> problems_;
  std::set<std::string> suggested_;  // paths of keys a "did you mean" proposed
};

// One builder for both the sorted (nlohmann::json) and the ordered form.
template <class Json>
Json license_form(const DesiredLicense& license) {
  if (license.disabled_plans.empty()) return Json(license.sku);
  Json j = Json::object();
  j["sku"] = license.sku;
  j["disabledPlans"] = license.disabled_plans;
  return j;
}

template <class Json>
Json licenses_form(const std::vector<DesiredLicense>& licenses) {
  Json j = Json::array();
  for (const auto& l : licenses) j.push_back(license_form<Json>(l));
  return j;
}

template <class Json>
void put_optional(Json& j, const char* key, const std::optional<std::string>& value) {
  if (value) j[key] = *value;
}

template <class Json>
Json user_form(const DesiredUser& user) {
  Json j = Json::object();
  j["upn"] = user.upn;
  if (user.state != DesiredUserState::Unspecified) j["state"] = to_string(user.state);
  if (user.ignore) j["ignore"] = true;
  put_optional(j, "usageLocation", user.properties.usage_location);
  if (user.licenses) j["licenses"] = licenses_form<Json>(*user.licenses);
  if (user.create) {
    Json c = Json::object();
    c["displayName"] = user.create->display_name;
    put_optional(c, "usageLocation", user.create->usage_location);
    put_optional(c, "givenName", user.create->given_name);
    put_optional(c, "surname", user.create->surname);
    put_optional(c, "department", user.create->department);
    put_optional(c, "jobTitle", user.create->job_title);
    if (!user.create->roles.empty()) c["roles"] = user.create->roles;
    j["create"] = std::move(c);
  }
  return j;
}

template <class Json>
Json rule_form(const LicenseRule& rule) {
  Json where = Json::object();
  put_optional(where, "department", rule.where.department);
  put_optional(where, "jobTitle", rule.where.job_title);
  put_optional(where, "usageLocation", rule.where.usage_location);
  put_optional(where, "upnSuffix", rule.where.upn_suffix);
  Json j = Json::object();
  j["where"] = std::move(where);
  j["licenses"] = licenses_form<Json>(rule.licenses);
  return j;
}

template <class Json>
Json state_form(const DesiredState& state) {
  Json tenants = Json::array();
  for (const auto& t : state.tenants) {
    Json j = Json::object();
    j["tenant"] = t.tenant;
    j["mode"] = to_string(t.mode);
    j["managedSkus"] = t.managed_skus;
    j["unlisted"] = to_string(t.unlisted);
    put_optional(j, "defaultUsageLocation", t.default_usage_location);
    if (!t.rules.empty()) {
      Json rules = Json::array();
      for (const auto& r : t.rules) rules.push_back(rule_form<Json>(r));
      j["rules"] = std::move(rules);
    }
    if (!t.users.empty()) {
      Json users = Json::array();
      for (const auto& u : t.users) users.push_back(user_form<Json>(u));
      j["users"] = std::move(users);
    }
    tenants.push_back(std::move(j));
  }
  Json root = Json::object();
  root["version"] = state.version;
  root["tenants"] = std::move(tenants);
  return root;
}

}  // namespace

Result<DesiredState> parse_desired_state(std::string_view text, const std::string& file) {
  auto source = parse_json_source(text, file);
  if (!source) return source.error();
  DesiredStateReader reader(*source);
  DesiredState state = reader.read();
  if (reader.failed()) return reader.error();
  return state;
}

nlohmann::json desired_state_to_json(const DesiredState& state) {
  return state_form<nlohmann::json>(state);
}

bool creates_with_roles(const DesiredState& state) {
  for (const auto& tenant : state.tenants) {
    for (const auto& user : tenant.users) {
      if (user.create && !user.create->roles.empty()) return true;
    }
  }
  return false;
}

std::string desired_state_to_text(const DesiredState& state) {
  return dump_json(state_form<nlohmann::ordered_json>(state), 2) + "\n";
}

}  // namespace tenantsync
