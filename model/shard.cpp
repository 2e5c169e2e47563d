#include "model/shard.h"

#include <charconv>

namespace tenantsync {

namespace {

constexpr int kMaxShards = 1024;

// FNV-1a over the lower-cased id and the shard number, then splitmix64's finalizer: a
// fixed function (the partition must not change between builds or machines) whose
// scores are independent per shard, which rendezvous hashing needs.
std::uint64_t score(std::string_view tenant_id, int shard) {
  std::uint64_t h = 14695981039346656037ull;
  auto mix = [&h](unsigned char c) {
    h ^= c;
    h *= 1099511628211ull;
  };
  for (char c : tenant_id) mix(static_cast<unsigned char>(c >= 'A' && c <= 'Z' ? c + 32 : c));
  mix('#');
  for (int i = 0; i < 4; ++i) mix(static_cast<unsigned char>(shard >> (8 * i)));
  h += 0x9e3779b97f4a7c15ull;
  h = (h ^ (h >> 30)) * 0xbf58476d1ce4e5b9ull;
  h = (h ^ (h >> 27)) * 0x94d049bb133111ebull;
  return h ^ (h >> 31);
}

bool parse_int(std::string_view text, int& out) {
  if (text.empty()) return false;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size();
}

}  // namespace

std::string Shard::spec() const { return std::to_string(index) + "/" + std::to_string(count); }

int Shard::owner_of(std::string_view tenant_id) const {
  int best = 0;
  std::uint64_t best_score = 0;
  for (int i = 0; i < count; ++i) {
    std::uint64_t s = score(tenant_id, i);
    if (i == 0 || s > best_score) {
      best = i;
      best_score = s;
    }
  }
  return best;
}

std::optional<Shard> parse_shard(std::string_view text, std::string* why) {
  auto fail = [&](std::string message) -> std::optional<Shard> {
    if (why) *why = std::move(message);
    return std::nullopt;
  };
  auto slash = text.find('/');
  Shard s;
  if (slash == std::string_view::npos || !parse_int(text.substr(0, slash), s.index) ||
      !parse_int(text.substr(slash + 1), s.count)) {
    return fail("\"" + std::string(text) + "\" is not a shard: write k/N, e.g. 0/4");
  }
  if (s.count < 1 || s.count > kMaxShards) {
    return fail("shard count " + std::to_string(s.count) + " is not between 1 and " +
                std::to_string(kMaxShards));
  }
  if (s.index < 0 || s.index >= s.count) {
    return fail("shard " + std::string(text) + ": k counts from 0 and must be below N (0.." +
                std::to_string(s.count - 1) + ")");
  }
  return s;
}

}  // namespace tenantsync
