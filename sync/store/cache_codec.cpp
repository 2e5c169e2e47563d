#include "sync/store/cache_codec.h"

#include <nlohmann/json.hpp>

#include "model/json_text.h"

namespace tenantsync {

namespace {

class Fnv1a {
 public:
  void add(std::string_view text) {
    // Length first, so ("ab","c") and ("a","bc") differ.
    add_u64(text.size());
    for (unsigned char c : text) mix(c);
  }
  void add(const std::optional<std::string>& text) {
    mix(text ? 1 : 0);
    if (text) add(std::string_view(*text));
  }
  void add(bool b) { mix(b ? 1 : 0); }
  void add_u64(std::uint64_t v) {
    for (int i = 0; i < 8; ++i) mix(static_cast<unsigned char>(v >> (8 * i)));
  }
  void add(const std::vector<std::string>& list) {
    add_u64(list.size());
    for (const auto& s : list) add(std::string_view(s));
  }
  std::uint64_t value() const { return h_; }

 private:
  void mix(unsigned char c) {
    h_ ^= c;
    h_ *= 0x100000001b3ULL;
  }
  std::uint64_t h_ = 0xcbf29ce484222325ULL;
};

}  // namespace

std::int64_t user_content_hash(const User& u) {
  Fnv1a h;
  h.add(std::string_view(u.id));
  h.add(std::string_view(u.user_principal_name));
  h.add(std::string_view(u.display_name));
  h.add(std::string_view(u.mail));
  h.add(std::string_view(u.given_name));
  h.add(std::string_view(u.surname));
  h.add(std::string_view(u.job_title));
  h.add(std::string_view(u.department));
  h.add(u.account_enabled);
  h.add(u.usage_location);
  h.add_u64(u.assigned_licenses.size());
  for (const auto& l : u.assigned_licenses) {
    h.add(std::string_view(l.sku_id));
    h.add(l.disabled_plans);
  }
  h.add_u64(u.license_states.size());
  for (const auto& s : u.license_states) {
    h.add(std::string_view(s.sku_id));
    h.add(s.assigned_by_group);
    h.add(s.disabled_plans);
    h.add(std::string_view(s.state));
    h.add(std::string_view(s.error));
  }
  h.add(u.deleted_date_time);
  std::int64_t v = static_cast<std::int64_t>(h.value());
  return v == 0 ? 1 : v;
}

std::string encode_plan_list(const std::vector<std::string>& plans) {
  if (plans.empty()) return "[]";
  return dump_json(nlohmann::json(plans));
}

Result<std::vector<std::string>> decode_plan_list(std::string_view text) {
  if (text.empty() || text == "[]") return std::vector<std::string>{};
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_array()) {
    return make_error(ErrorKind::Io, "cache holds a malformed plan list: " + std::string(text));
  }
  std::vector<std::string> out;
  out.reserve(j.size());
  for (const auto& e : j) {
    if (!e.is_string()) {
      return make_error(ErrorKind::Io, "cache holds a malformed plan list: " + std::string(text));
    }
    out.push_back(e.get<std::string>());
  }
  return out;
}

std::string encode_staged_user(const User& user) { return dump_json(nlohmann::json(user)); }

Result<User> decode_staged_user(std::string_view text) {
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    return make_error(ErrorKind::Io, "cache holds a malformed staged user");
  }
  try {
    return j.get<User>();
  } catch (const nlohmann::json::exception& e) {
    return make_error(ErrorKind::Io,
                      std::string("cache holds a malformed staged user: ") + e.what());
  }
}

}  // namespace tenantsync
