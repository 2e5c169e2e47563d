#include "fakes/fake_user_rules.h"

#include <cctype>
#include <string_view>

#include <nlohmann/json.hpp>

namespace tenantsync::fake {

namespace {

// Assigned ISO 3166-1 alpha-2 codes, plus XK.
constexpr std::string_view kCountryCodes =
    "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ "
    "BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ "
    "CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ "
    "DE DJ DK DM DO DZ "
    "EC EE EG EH ER ES ET "
    "FI FJ FK FM FO FR "
    "GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY "
    "HK HM HN HR HT HU "
    "ID IE IL IM IN IO IQ IR IS IT "
    "JE JM JO JP "
    "KE KG KH KI KM KN KP KR KW KY KZ "
    "LA LB LC LI LK LR LS LT LU LV LY "
    "MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ "
    "NA NC NE NF NG NI NL NO NP NR NU NZ "
    "OM "
    "PA PE PF PG PH PK PL PM PN PR PS PT PW PY "
    "QA "
    "RE RO RS RU RW "
    "SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ "
    "TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ "
    "UA UG UM US UY UZ "
    "VA VC VE VG VI VN VU "
    "WF WS "
    "XK "
    "YE YT "
    "ZA ZM ZW";

struct TextLimit {
  const char* property;
  size_t max_characters;
};

// The user resource's documented maximum lengths.
constexpr TextLimit kTextLimits[] = {
    {"displayName", 256}, {"givenName", 64}, {"surname", 64}, {"department", 64}, {"jobTitle", 128},
};

size_t characters(const std::string& utf8) {
  size_t n = 0;
  for (char c : utf8) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

}  // namespace

bool is_usage_location(const std::string& value) {
  if (value.size() != 2) return false;
  std::string code;
  for (char c : value) code += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  for (size_t i = 0; i + 1 < kCountryCodes.size(); i += 3) {
    if (kCountryCodes.substr(i, 2) == code) return true;
  }
  return false;
}

std::optional<std::string> refused_text_property(const nlohmann::json& body) {
  for (const TextLimit& limit : kTextLimits) {
    auto it = body.find(limit.property);
    if (it == body.end()) continue;
    if (it->is_null()) {
      if (std::string_view(limit.property) == "displayName") return limit.property;
      continue;
    }
    if (!it->is_string()) return limit.property;
    const std::string& value = it->get_ref<const std::string&>();
    if (value.empty() || characters(value) > limit.max_characters) return limit.property;
  }
  return std::nullopt;
}

}  // namespace tenantsync::fake
