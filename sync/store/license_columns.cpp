#include "sync/store/license_columns.h"

#include <algorithm>
#include <cstdio>

#include <nlohmann/json.hpp>

#include "model/plain_json_text.h"
#include "sync/store/cache_codec.h"

namespace tenantsync {

namespace {

// ---- writing ----

bool needs_escape(char c) {
  auto u = static_cast<unsigned char>(c);
  return u == '"' || u == '\\' || u < 0x20;
}

void put_string(std::string& out, std::string_view s) {
  out += '"';
  if (is_plain_json_text(s)) {  // every id and state, as a rule
    out += s;
    out += '"';
    return;
  }
  // Runs without an escape go in one append.
  for (auto run = s.begin(); run != s.end();) {
    auto stop = std::find_if(run, s.end(), needs_escape);
    out.append(run, stop);
    if (stop == s.end()) break;
    auto u = static_cast<unsigned char>(*stop);
    if (u == '"' || u == '\\') {
      out += '\\';
      out += *stop;
    } else {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\u%04x", u);
      out += escaped;
    }
    run = stop + 1;
  }
  out += '"';
}

void put_list(std::string& out, const std::vector<std::string>& items) {
  out += '[';
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) out += ',';
    put_string(out, items[i]);
  }
  out += ']';
}

// ---- reading plain text in place ----

// The JSON this file writes when no string holds an escape or a byte outside printable
// ASCII, and no whitespace separates anything. Every method returns false at the first
// byte it does not expect; the caller then hands the text to the JSON parser.
class PlainReader {
 public:
  explicit PlainReader(std::string_view text) : text_(text) {}

  bool eat(char c) {
    if (at_ >= text_.size() || text_[at_] != c) return false;
    ++at_;
    return true;
  }
  bool string(std::string& out) {
    if (!eat('"')) return false;
    const size_t end = text_.find('"', at_);
    if (end == std::string_view::npos) return false;
    // A backslash before `end` (an escaped quote, say) makes the run not plain.
    const std::string_view run = text_.substr(at_, end - at_);
    if (!is_plain_json_text(run)) return false;
    out.assign(run);
    at_ = end + 1;
    return true;
  }
  bool optional_string(std::optional<std::string>& out) {
    if (text_.substr(at_, 4) == "null") {
      at_ += 4;
      out.reset();
      return true;
    }
    return string(out.emplace());
  }
  // [item,item,...], each read into a new element of `out` by `item`.
  template <typename T, typename ReadItem>
  bool list(std::vector<T>& out, ReadItem item) {
    if (!eat('[')) return false;
    if (eat(']')) return true;
    do {
      if (!item(out.emplace_back())) return false;
    } while (eat(','));
    return eat(']');
  }
  bool string_list(std::vector<std::string>& out) {
    return list(out, [&](std::string& s) { return string(s); });
  }
  bool done() const { return at_ == text_.size(); }

 private:
  std::string_view text_;
  size_t at_ = 0;
};

std::optional<std::vector<AssignedLicense>> plain_assigned(std::string_view text) {
  PlainReader r(text);
  std::vector<AssignedLicense> out;
  out.reserve(4);  // users hold one to four licenses as a rule
  bool read = r.list(out, [&](AssignedLicense& l) {
    return r.eat('[') && r.string(l.sku_id) && r.eat(',') && r.string_list(l.disabled_plans) &&
           r.eat(']');
  });
  if (!read || !r.done()) return std::nullopt;
  return out;
}

std::optional<std::vector<LicenseAssignmentState>> plain_states(std::string_view text) {
  PlainReader r(text);
  std::vector<LicenseAssignmentState> out;
  out.reserve(4);
  bool read = r.list(out, [&](LicenseAssignmentState& s) {
    return r.eat('[') && r.string(s.sku_id) && r.eat(',') &&
           r.optional_string(s.assigned_by_group) && r.eat(',') &&
           r.string_list(s.disabled_plans) && r.eat(',') && r.string(s.state) && r.eat(',') &&
           r.string(s.error) && r.eat(']');
  });
  if (!read || !r.done()) return std::nullopt;
  return out;
}

// ---- reading anything else: the JSON parser ----

bool string_list_of(const nlohmann::json& j, std::vector<std::string>& out) {
  if (!j.is_array()) return false;
  for (const auto& e : j) {
    if (!e.is_string()) return false;
    out.push_back(e.get<std::string>());
  }
  return true;
}

// The column as an array of arrays of `width` elements, or nullopt.
std::optional<nlohmann::json> rows_of(std::string_view text, size_t width) {
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_array()) return std::nullopt;
  for (const auto& row : j) {
    if (!row.is_array() || row.size() != width) return std::nullopt;
  }
  return j;
}

Error malformed(const char* column) {
  return make_error(ErrorKind::Io, std::string("cache holds a malformed ") + column + " column");
}

}  // namespace

std::string encode_assigned_licenses(const std::vector<AssignedLicense>& licenses) {
  std::string out = "[";
  out.reserve(2 + 48 * licenses.size());  // a SKU id and its brackets, as a rule
  for (const auto& l : licenses) {
    if (out.size() > 1) out += ',';
    out += '[';
    put_string(out, l.sku_id);
    out += ',';
    put_list(out, l.disabled_plans);
    out += ']';
  }
  return out += ']';
}

std::string encode_license_states(const std::vector<LicenseAssignmentState>& states) {
  std::string out = "[";
  out.reserve(2 + 64 * states.size());
  for (const auto& s : states) {
    if (out.size() > 1) out += ',';
    out += '[';
    put_string(out, s.sku_id);
    out += ',';
    if (s.assigned_by_group) {
      put_string(out, *s.assigned_by_group);
    } else {
      out += "null";
    }
    out += ',';
    put_list(out, s.disabled_plans);
    out += ',';
    put_string(out, s.state);
    out += ',';
    put_string(out, s.error);
    out += ']';
  }
  return out += ']';
}

bool states_are_assigned(const std::vector<LicenseAssignmentState>& states,
                         const std::vector<AssignedLicense>& assigned) {
  if (assigned.empty() || states.size() != assigned.size()) return false;
  for (size_t i = 0; i < states.size(); ++i) {
    const LicenseAssignmentState& s = states[i];
    if (s.sku_id != assigned[i].sku_id || s.assigned_by_group ||
        s.disabled_plans != assigned[i].disabled_plans || s.state != "Active" ||
        s.error != "None") {
      return false;
    }
  }
  return true;
}

std::vector<LicenseAssignmentState> states_of_assigned(
    const std::vector<AssignedLicense>& assigned) {
  std::vector<LicenseAssignmentState> out(assigned.size());
  for (size_t i = 0; i < assigned.size(); ++i) {
    out[i].sku_id = assigned[i].sku_id;
    out[i].disabled_plans = assigned[i].disabled_plans;
    out[i].state = "Active";
    out[i].error = "None";
  }
  return out;
}

std::vector<std::string> license_group_ids(const std::vector<LicenseAssignmentState>& states) {
  std::vector<std::string> groups;
  for (const auto& s : states) {
    if (s.assigned_by_group && !s.assigned_by_group->empty())
      groups.push_back(*s.assigned_by_group);
  }
  std::sort(groups.begin(), groups.end());
  groups.erase(std::unique(groups.begin(), groups.end()), groups.end());
  return groups;
}

std::optional<std::string> encode_license_groups(
    const std::vector<LicenseAssignmentState>& states) {
  std::vector<std::string> groups = license_group_ids(states);
  if (groups.empty()) return std::nullopt;
  return encode_plan_list(groups);  // a list of ids, read back by decode_plan_list
}

Result<std::vector<AssignedLicense>> decode_assigned_licenses(std::string_view text) {
  if (auto plain = plain_assigned(text)) return std::move(*plain);
  auto rows = rows_of(text, 2);
  if (!rows) return malformed("assigned_licenses");
  std::vector<AssignedLicense> out(rows->size());
  for (size_t i = 0; i < out.size(); ++i) {
    const auto& row = (*rows)[i];
    if (!row[0].is_string() || !string_list_of(row[1], out[i].disabled_plans)) {
      return malformed("assigned_licenses");
    }
    out[i].sku_id = row[0].get<std::string>();
  }
  return out;
}

Result<std::vector<LicenseAssignmentState>> decode_license_states(std::string_view text) {
  if (auto plain = plain_states(text)) return std::move(*plain);
  auto rows = rows_of(text, 5);
  if (!rows) return malformed("license_states");
  std::vector<LicenseAssignmentState> out(rows->size());
  for (size_t i = 0; i < out.size(); ++i) {
    const auto& row = (*rows)[i];
    auto& s = out[i];
    if (!row[0].is_string() || !(row[1].is_string() || row[1].is_null()) ||
        !string_list_of(row[2], s.disabled_plans) || !row[3].is_string() || !row[4].is_string()) {
      return malformed("license_states");
    }
    s.sku_id = row[0].get<std::string>();
    if (row[1].is_string()) s.assigned_by_group = row[1].get<std::string>();
    s.state = row[3].get<std::string>();
    s.error = row[4].get<std::string>();
  }
  return out;
}

}  // namespace tenantsync
