#include "model/country_code.h"

namespace tenantsync {

namespace {

// Assigned ISO 3166-1 alpha-2 codes, plus XK (Kosovo), which the service lists too.
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

// The code as the message shows it: quoted, cut after 60 bytes.
std::string quoted(std::string_view code) {
  if (code.size() > 60) return "\"" + std::string(code.substr(0, 60)) + "...\"";
  return "\"" + std::string(code) + "\"";
}

}  // namespace

bool is_country_code(std::string_view code) {
  if (code.size() != 2) return false;
  for (size_t i = 0; i + 1 < kCountryCodes.size(); i += 3) {
    if (kCountryCodes.substr(i, 2) == code) return true;
  }
  return false;
}

std::string country_code_problem(std::string_view code) {
  if (code == "UK") return "\"UK\" is not an ISO 3166 code; the United Kingdom is GB";
  if (!is_country_code(code)) {
    return quoted(code) + " is not an ISO 3166 two-letter country code (such as US, GB or DE)";
  }
  return "";
}

}  // namespace tenantsync
