// JSON text for the list decoders' tests (sku_page_decoder_test, role_page_decoder_test):
// objects spliced from raw members exactly as written (so 1e300, -0.0 and
// 18446744073709551615 reach the parsers literally, and a key may repeat), the odd values
// every property is tried with, and random objects built from a list of members.
#pragma once

#include <algorithm>
#include <optional>
#include <random>
#include <string>
#include <utility>
#include <vector>

namespace tenantsync::json_page_text {

using Members = std::vector<std::pair<std::string, std::string>>;

inline std::string object_text(const Members& members) {
  std::string out = "{";
  for (const auto& [key, value] : members) {
    out += (out.size() > 1 ? ",\"" : "\"") + key + "\":" + value;
  }
  return out + "}";
}

inline std::string array_text(const std::vector<std::string>& values) {
  std::string out = "[";
  for (const auto& value : values) out += (out.size() > 1 ? "," : "") + value;
  return out + "]";
}

inline std::string page_text(const std::vector<std::string>& items, const std::string& tail = "") {
  return "{\"value\":" + array_text(items) + tail + "}";
}

// `members` with `key`'s value replaced by `value`, or without `key` (nullopt).
inline Members with(Members members, const std::string& key,
                    const std::optional<std::string>& value) {
  auto it = std::find_if(members.begin(), members.end(), [&](auto& m) { return m.first == key; });
  if (value) {
    it->second = *value;
  } else {
    members.erase(it);
  }
  return members;
}

inline const std::vector<std::string> kOddValues = {
    "null",     "true",  "0",    "7",          "-1",         "2.5",
    "3.0",      "1e300", "-0.0", "1000000000", "1000000001", "18446744073709551615",
    "\"text\"", "\"\"",  "[]",   "[1]",        "{}",         "{\"a\":1}"};

// Absent (nullopt), then each odd value.
inline std::vector<std::optional<std::string>> variants() {
  std::vector<std::optional<std::string>> out = {std::nullopt};
  out.insert(out.end(), kOddValues.begin(), kOddValues.end());
  return out;
}

inline std::string odd_value(std::mt19937& rng) { return kOddValues[rng() % kOddValues.size()]; }

// A member's value: usually `valid`, sometimes an odd value, sometimes absent.
inline std::optional<std::string> maybe(std::mt19937& rng, const std::string& valid) {
  const unsigned r = rng() % 100;
  if (r < 2) return std::nullopt;
  if (r < 4) return odd_value(rng);
  return valid;
}

inline std::string pick(std::mt19937& rng, const std::vector<std::string>& values) {
  return values[rng() % values.size()];
}

// Members in random order, with now and then an unknown one or a key repeated.
inline std::string random_object(std::mt19937& rng, Members members) {
  if (rng() % 4 == 0) members.push_back({"unknown", odd_value(rng)});
  if (rng() % 8 == 0 && !members.empty()) members.push_back(members[rng() % members.size()]);
  std::shuffle(members.begin(), members.end(), rng);
  if (rng() % 32 == 0 && !members.empty()) members.push_back({members[0].first, odd_value(rng)});
  return object_text(members);
}

}  // namespace tenantsync::json_page_text
