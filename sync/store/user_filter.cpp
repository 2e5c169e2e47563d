#include "sync/store/user_filter.h"

#include <algorithm>
#include <cctype>

#include "model/country_code.h"
#include "sync/ascii_case.h"
#include "sync/unicode_case.h"

namespace tenantsync {

namespace {

constexpr const char* kExpected =
    "expected unlicensed, enabled, disabled, sku:, no-sku:, department:, usage-location:, upn:";

Error bad_part(size_t index, std::string_view part, const std::string& why) {
  return make_error(ErrorKind::Invalid,
                    "filter part " + std::to_string(index) + " '" + std::string(part) + "': " + why,
                    "bad-filter");
}

bool holds(const User& user, const std::string& sku_id) {
  return !sku_id.empty() && user.find_license(sku_id) != nullptr;
}

}  // namespace

bool UserFilter::empty() const {
  return !unlicensed && skus.empty() && no_skus.empty() && departments.empty() &&
         !no_usage_location && usage_locations.empty() && upn_patterns.empty() &&
         !account_enabled && users.empty();
}

Result<UserFilter> parse_user_filter(std::string_view expr) {
  UserFilter f;
  if (trim_blanks(expr).empty()) return f;
  size_t index = 0;
  for (std::string_view part : split_trimmed(expr, ",")) {
    ++index;
    if (part.empty()) return bad_part(index, part, "empty part (two commas in a row?)");
    size_t colon = part.find(':');
    if (colon == std::string_view::npos) {
      if (iequals(part, "unlicensed")) {
        f.unlicensed = true;
        continue;
      }
      if (iequals(part, "enabled") || iequals(part, "disabled")) {
        bool enabled = iequals(part, "enabled");
        if (f.account_enabled && *f.account_enabled != enabled) {
          return bad_part(index, part, "'enabled' and 'disabled' together match nobody");
        }
        f.account_enabled = enabled;
        continue;
      }
      std::string problem = "unknown filter (";  // gcc 12: no -Warray-bounds false positive
      problem += kExpected;
      problem += ")";
      return bad_part(index, part, problem);
    }
    std::string key(trim_blanks(part.substr(0, colon)));
    std::string value(trim_blanks(part.substr(colon + 1)));
    std::transform(key.begin(), key.end(), key.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (key == "unlicensed" || key == "enabled" || key == "disabled") {
      return bad_part(index, part, "'" + key + "' takes no value");
    }
    bool known = key == "sku" || key == "no-sku" || key == "department" ||
                 key == "usage-location" || key == "upn";
    if (!known) {
      return bad_part(index, part, "unknown key '" + key + "' (" + kExpected + ")");
    }
    if (value.empty()) return bad_part(index, part, "'" + key + ":' needs a value");
    if (key == "sku") {
      f.skus.push_back(value);
    } else if (key == "no-sku") {
      f.no_skus.push_back(value);
    } else if (key == "department") {
      f.departments.push_back(value);
    } else if (key == "usage-location") {
      if (iequals(value, "none")) {
        f.no_usage_location = true;
      } else if (value.size() != 2 || !std::isalpha(static_cast<unsigned char>(value[0])) ||
                 !std::isalpha(static_cast<unsigned char>(value[1]))) {
        return bad_part(index, part, "usage location must be 'none' or a two-letter country code");
      } else if (std::string why = country_code_problem(ascii_upper(value)); !why.empty()) {
        // Checked as the desired state checks it: "UK" or "XX" would match nobody, silently.
        return bad_part(index, part, why);
      } else {
        f.usage_locations.push_back(value);
      }
    } else {
      f.upn_patterns.push_back(value);
    }
  }
  return f;
}

std::string to_string(const UserFilter& f) {
  std::vector<std::string> parts;
  if (f.unlicensed) parts.push_back("unlicensed");
  if (f.account_enabled) parts.push_back(*f.account_enabled ? "enabled" : "disabled");
  for (const auto& s : f.skus) parts.push_back("sku:" + s);
  for (const auto& s : f.no_skus) parts.push_back("no-sku:" + s);
  for (const auto& d : f.departments) parts.push_back("department:" + d);
  if (f.no_usage_location) parts.push_back("usage-location:none");
  for (const auto& l : f.usage_locations) parts.push_back("usage-location:" + l);
  for (const auto& p : f.upn_patterns) parts.push_back("upn:" + p);
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : ",") + p;
  return out;
}

bool matches_upn_glob(std::string_view pattern, std::string_view text) {
  // Iterative glob with single-star backtracking: linear in practice, no recursion.
  size_t p = 0, t = 0, star = std::string_view::npos, mark = 0;
  auto same = [](char a, char b) {
    return std::tolower(static_cast<unsigned char>(a)) ==
           std::tolower(static_cast<unsigned char>(b));
  };
  while (t < text.size()) {
    if (p < pattern.size() &&
        (pattern[p] == '?' || (pattern[p] != '*' && same(pattern[p], text[t])))) {
      ++p;
      ++t;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      mark = t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

std::string resolve_sku_id(std::string_view part_number_or_id, const std::vector<Sku>& skus) {
  for (const auto& s : skus) {
    if (iequals(s.sku_part_number, part_number_or_id) || iequals(s.sku_id, part_number_or_id)) {
      return s.sku_id;
    }
  }
  return {};
}

bool matches(const UserFilter& f, const User& user, const std::vector<Sku>& skus) {
  if (f.unlicensed && !user.assigned_licenses.empty()) return false;
  if (f.account_enabled && user.account_enabled != *f.account_enabled) return false;
  for (const auto& s : f.skus) {
    if (!holds(user, resolve_sku_id(s, skus))) return false;
  }
  for (const auto& s : f.no_skus) {
    if (holds(user, resolve_sku_id(s, skus))) return false;
  }
  for (const auto& d : f.departments) {
    if (!equal_ignoring_case(user.department, d)) return false;
  }
  bool has_location = user.usage_location && !user.usage_location->empty();
  if (f.no_usage_location && has_location) return false;
  for (const auto& l : f.usage_locations) {
    if (!has_location || !iequals(*user.usage_location, l)) return false;
  }
  for (const auto& p : f.upn_patterns) {
    if (!matches_upn_glob(p, user.user_principal_name)) return false;
  }
  if (!f.users.empty()) {
    bool listed = std::any_of(f.users.begin(), f.users.end(), [&](const std::string& u) {
      return u == user.id || iequals(u, user.user_principal_name);
    });
    if (!listed) return false;
  }
  return true;
}

}  // namespace tenantsync
