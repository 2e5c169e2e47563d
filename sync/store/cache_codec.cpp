#include "sync/store/cache_codec.h"

#include <cstring>

#include <nlohmann/json.hpp>

#include "model/json_text.h"
#include "model/plain_json_text.h"

namespace tenantsync {

namespace {

// Little-endian on every machine, so a cache file hashes the same wherever it is read.
std::uint64_t load_le64(const char* p) {
  std::uint64_t w = 0;
  std::memcpy(&w, p, sizeof w);
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
  w = __builtin_bswap64(w);
#endif
  return w;
}

// Eight bytes per step. Each step is a bijection of the state for a given word, and of the
// word for a given state, so two texts that differ in one word always hash apart.
class WordHash {
 public:
  void add(std::string_view text) {
    add_u64(text.size());  // length first, so ("ab","c") and ("a","bc") differ
    size_t i = 0;
    for (; i + 8 <= text.size(); i += 8) add_u64(load_le64(text.data() + i));
    if (i < text.size()) {
      char tail[8] = {};
      std::memcpy(tail, text.data() + i, text.size() - i);
      add_u64(load_le64(tail));
    }
  }
  void add(const std::optional<std::string>& text) {
    add_u64(text ? 1 : 0);
    if (text) add(std::string_view(*text));
  }
  void add(bool b) { add_u64(b ? 1 : 0); }
  void add(const std::vector<std::string>& list) {
    add_u64(list.size());
    for (const auto& s : list) add(std::string_view(s));
  }
  void add_u64(std::uint64_t w) {
    h_ = (h_ ^ w) * 0x9e3779b97f4a7c15ULL;
    h_ ^= h_ >> 29;
  }
  std::uint64_t value() const { return h_; }

 private:
  std::uint64_t h_ = 0x6a09e667f3bcc909ULL;
};

// The hash rows written before WordHash hold (they keep it until they change): one byte
// a step, eight times WordHash's work.
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

// Every field in a fixed order, through either hash.
template <typename Hash>
std::int64_t content_hash(const User& u) {
  Hash h;
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

}  // namespace

std::int64_t user_content_hash(const User& u) { return content_hash<WordHash>(u); }

namespace {

// The list's hash, each SKU's own fields from `fields_of(i)`, its plans from skus[i].
template <class FieldsOf>
std::int64_t hash_sku_list(const std::vector<Sku>& skus, FieldsOf fields_of) {
  WordHash h;
  h.add_u64(skus.size());
  for (std::size_t i = 0; i < skus.size(); ++i) {
    const Sku& k = fields_of(i);
    h.add(std::string_view(k.sku_id));
    h.add(std::string_view(k.id));
    h.add(std::string_view(k.sku_part_number));
    h.add(std::string_view(k.applies_to));
    h.add(std::string_view(k.capability_status));
    for (int units : {k.consumed_units, k.prepaid_units.enabled, k.prepaid_units.suspended,
                      k.prepaid_units.warning, k.prepaid_units.locked_out}) {
      h.add_u64(static_cast<std::uint64_t>(static_cast<std::int64_t>(units)));
    }
    h.add_u64(skus[i].service_plans.size());
    for (const ServicePlan& p : skus[i].service_plans) {
      h.add(std::string_view(p.service_plan_id));
      h.add(std::string_view(p.service_plan_name));
      h.add(std::string_view(p.provisioning_status));
      h.add(std::string_view(p.applies_to));
    }
  }
  std::int64_t v = static_cast<std::int64_t>(h.value());
  return v == 0 ? 1 : v;
}

}  // namespace

std::int64_t sku_list_hash(const std::vector<Sku>& skus) {
  return hash_sku_list(skus, [&](std::size_t i) -> const Sku& { return skus[i]; });
}

std::int64_t sku_list_hash(const std::vector<Sku>& skus, const std::vector<Sku>& rows) {
  return hash_sku_list(skus, [&](std::size_t i) -> const Sku& { return rows[i]; });
}

bool content_hash_matches(std::int64_t stored, std::int64_t current, const User& u) {
  if (stored == 0) return false;
  return stored == current || stored == content_hash<Fnv1a>(u);
}

bool content_hash_matches(std::int64_t stored, const User& u) {
  return content_hash_matches(stored, user_content_hash(u), u);
}

std::string encode_plan_list(const std::vector<std::string>& plans) {
  if (plans.empty()) return "[]";
  return dump_json(nlohmann::json(plans));
}

namespace {

// ["a","b"] as encode_plan_list writes ids of printable ASCII with no quote or backslash
// (every service plan id): read without building a JSON tree. Anything else, escapes and
// UTF-8 included, is left to the JSON parser, whose rules stay the only ones.
std::optional<std::vector<std::string>> plain_plan_list(std::string_view text) {
  if (text.size() < 4 || text.front() != '[' || text.back() != ']') return std::nullopt;
  std::vector<std::string> out;
  size_t i = 1;
  while (true) {
    if (text[i] != '"') return std::nullopt;
    size_t end = text.find('"', i + 1);
    if (end == std::string_view::npos) return std::nullopt;
    const std::string_view id = text.substr(i + 1, end - i - 1);
    if (!is_plain_json_text(id)) return std::nullopt;  // a backslash, say
    out.emplace_back(id);
    i = end + 1;
    if (text[i] == ']') return i + 1 == text.size() ? std::optional(std::move(out)) : std::nullopt;
    if (text[i] != ',') return std::nullopt;
    ++i;
  }
}

}  // namespace

Result<std::vector<std::string>> decode_plan_list(std::string_view text) {
  if (text.empty() || text == "[]") return std::vector<std::string>{};
  if (auto plain = plain_plan_list(text)) return std::move(*plain);
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
