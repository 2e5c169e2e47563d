#include "fakes/fake_cursor.h"

#include <nlohmann/json.hpp>

namespace tenantsync::fake {

using nlohmann::json;

std::string seal_page(const Signer& signer, const PageCursor& c) {
  json j = {{"l", c.list},
            {"t", c.tenant_id},
            {"a", c.after_id},
            {"q", c.query_hash},
            {"x", c.expires_at}};
  return signer.seal(j.dump());
}

std::optional<PageCursor> open_page(const Signer& signer, const std::string& token) {
  auto payload = signer.open(token);
  if (!payload) return std::nullopt;
  try {
    json j = json::parse(*payload);
    PageCursor c;
    c.list = j.at("l").get<std::string>();
    c.tenant_id = j.at("t").get<std::string>();
    c.after_id = j.at("a").get<std::string>();
    c.query_hash = j.at("q").get<std::string>();
    c.expires_at = j.at("x").get<double>();
    return c;
  } catch (const json::exception&) {
    return std::nullopt;
  }
}

std::string seal_delta(const Signer& signer, const DeltaCursor& c) {
  const char* phase = c.phase == DeltaCursor::Phase::kInitial   ? "i"
                      : c.phase == DeltaCursor::Phase::kChanges ? "c"
                                                                : "l";
  json j = {{"p", phase},     {"t", c.tenant_id}, {"a", c.after_id},  {"s", c.after_seq},
            {"e", c.end_seq}, {"sel", c.select},  {"n", c.page_size}, {"iat", c.issued_at}};
  return signer.seal(j.dump());
}

std::optional<DeltaCursor> open_delta(const Signer& signer, const std::string& token) {
  auto payload = signer.open(token);
  if (!payload) return std::nullopt;
  try {
    json j = json::parse(*payload);
    DeltaCursor c;
    std::string phase = j.at("p").get<std::string>();
    c.phase = phase == "i"   ? DeltaCursor::Phase::kInitial
              : phase == "c" ? DeltaCursor::Phase::kChanges
                             : DeltaCursor::Phase::kLink;
    c.tenant_id = j.at("t").get<std::string>();
    c.after_id = j.at("a").get<std::string>();
    c.after_seq = j.at("s").get<uint64_t>();
    c.end_seq = j.at("e").get<uint64_t>();
    c.select = j.at("sel").get<std::string>();
    c.page_size = j.at("n").get<int>();
    c.issued_at = j.at("iat").get<double>();
    return c;
  } catch (const json::exception&) {
    return std::nullopt;
  }
}

}  // namespace tenantsync::fake
