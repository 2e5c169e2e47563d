// Fuzzes the JSON codecs of what Graph returns: a user, a subscribed SKU, a contract.
// Decoding may throw nlohmann::json::exception (the client turns that into an Invalid
// error) but must not crash; whatever decodes must encode and decode back to itself.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include <nlohmann/json.hpp>

#include "model/sku.h"
#include "model/tenant.h"
#include "model/user.h"

namespace {

template <class T>
void round_trip(const nlohmann::json& j) {
  T value;
  try {
    value = j.get<T>();
  } catch (const nlohmann::json::exception&) {
    return;  // refused: GraphClient reports it as unexpected data
  }
  nlohmann::json encoded = value;
  T again;
  try {
    again = encoded.get<T>();
  } catch (const nlohmann::json::exception&) {
    std::abort();  // our own encoding must always decode
  }
  if (!(again == value)) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  nlohmann::json j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return 0;
  round_trip<tenantsync::User>(j);
  round_trip<tenantsync::Sku>(j);
  round_trip<tenantsync::Tenant>(j);
  return 0;
}
