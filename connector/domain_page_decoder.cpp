#include "connector/domain_page_decoder.h"

#include <array>
#include <string_view>

#include "connector/list_page_decoding.h"

namespace tenantsync {

namespace {

using list_page::element;
using list_page::last_values;

// One item into a Domain, as from_json would take it.
class DomainReader : public list_page::ItemReader {
 public:
  using ItemReader::ItemReader;

  bool item(element item, Domain& out) {
    if (!is_object(item)) return false;
    static constexpr std::array<std::string_view, 4> kNames = {"id", "isDefault", "isInitial",
                                                               "isVerified"};
    auto [id, is_default, is_initial, is_verified] =
        last_values(simdjson::dom::object(item), kNames);
    out.is_default = flag(is_default);
    out.is_initial = flag(is_initial);
    out.is_verified = flag(is_verified);
    return text(id, "id", true, out.id);
  }
};

}  // namespace

bool decode_domain_page(const std::string& text, DecodedDomainPage& out, ListPageFailure& failure) {
  return list_page::decode(text, out.domains, out.next_link, failure,
                           [](std::string& detail) { return DomainReader(detail); });
}

}  // namespace tenantsync
