#include "sync/product_names.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <utility>

#include "sync/ascii_case.h"

namespace tenantsync {

namespace {

struct ProductEntry {
  std::string_view part_number;
  std::string_view name;
};

// Product_Display_Name by String_Id, from Microsoft's published licensing reference (see
// the header). Sorted by upper-cased part number: lookups are a binary search, and a test
// keeps it sorted.
constexpr std::array kBuiltinProducts = {
    ProductEntry{"AAD_BASIC", "Microsoft Entra Basic"},
    ProductEntry{"AAD_PREMIUM", "Microsoft Entra ID P1"},
    ProductEntry{"AAD_PREMIUM_P2", "Microsoft Entra ID P2"},
    ProductEntry{"ADALLOM_STANDALONE", "Microsoft Defender for Cloud Apps"},
    ProductEntry{"ATA", "Microsoft Defender for Identity"},
    ProductEntry{"ATP_ENTERPRISE", "Microsoft Defender for Office 365 (Plan 1)"},
    ProductEntry{"DEFENDER_ENDPOINT_P1", "Microsoft Defender for Endpoint P1"},
    ProductEntry{"DESKLESSPACK", "Office 365 F3"},
    ProductEntry{"DEVELOPERPACK_E5",
                 "Microsoft 365 E5 Developer (without Windows and Audio Conferencing)"},
    ProductEntry{"EMS", "Enterprise Mobility + Security E3"},
    ProductEntry{"EMSPREMIUM", "Enterprise Mobility + Security E5"},
    ProductEntry{"ENTERPRISEPACK", "Office 365 E3"},
    ProductEntry{"ENTERPRISEPREMIUM", "Office 365 E5"},
    ProductEntry{"ENTERPRISEPREMIUM_NOPSTNCONF", "Office 365 E5 without Audio Conferencing"},
    ProductEntry{"EOP_ENTERPRISE", "Exchange Online Protection"},
    ProductEntry{"EXCHANGEARCHIVE", "Exchange Online Archiving for Exchange Server"},
    ProductEntry{"EXCHANGEARCHIVE_ADDON", "Exchange Online Archiving for Exchange Online"},
    ProductEntry{"EXCHANGEDESKLESS", "Exchange Online Kiosk"},
    ProductEntry{"EXCHANGEENTERPRISE", "Exchange Online (Plan 2)"},
    ProductEntry{"EXCHANGEESSENTIALS", "Exchange Online Essentials (ExO P1 Based)"},
    ProductEntry{"EXCHANGESTANDARD", "Exchange Online (Plan 1)"},
    ProductEntry{"FLOW_FREE", "Microsoft Power Automate Free"},
    ProductEntry{"FLOW_PER_USER", "Power Automate per user plan"},
    ProductEntry{"IDENTITY_THREAT_PROTECTION", "Microsoft 365 E5 Security"},
    ProductEntry{"INFORMATION_PROTECTION_COMPLIANCE", "Microsoft 365 E5 Compliance"},
    ProductEntry{"INTUNE_A", "Intune"},
    ProductEntry{"M365EDU_A3_FACULTY", "Microsoft 365 A3 for faculty"},
    ProductEntry{"M365EDU_A3_STUDENT", "Microsoft 365 A3 for students"},
    ProductEntry{"M365EDU_A5_FACULTY", "Microsoft 365 A5 for faculty"},
    ProductEntry{"M365EDU_A5_STUDENT", "Microsoft 365 A5 for students"},
    ProductEntry{"M365_F1", "Microsoft 365 F1"},
    ProductEntry{"MCOCAP", "Microsoft Teams Shared Devices"},
    ProductEntry{"MCOEV", "Microsoft Teams Phone Standard"},
    ProductEntry{"MCOMEETADV", "Microsoft 365 Audio Conferencing"},
    ProductEntry{"MCOPSTN1", "Skype for Business PSTN Domestic Calling"},
    ProductEntry{"MCOPSTN2", "Skype for Business PSTN Domestic and International Calling"},
    ProductEntry{"MCOPSTN5", "Skype for Business PSTN Domestic Calling (120 Minutes)"},
    ProductEntry{"MCOPSTNC", "Communications Credits"},
    ProductEntry{"MCOSTANDARD", "Skype for Business Online (Plan 2)"},
    ProductEntry{"MDATP_XPLAT", "Microsoft Defender for Endpoint P2_XPLAT"},
    ProductEntry{"MFA_STANDALONE", "Microsoft Azure Multi-Factor Authentication"},
    ProductEntry{"Microsoft_365_Copilot", "Copilot for Microsoft 365"},
    ProductEntry{"Microsoft_Teams_Premium", "Microsoft Teams Premium Introductory Pricing"},
    ProductEntry{"Microsoft_Teams_Rooms_Pro", "Microsoft Teams Rooms Pro"},
    ProductEntry{"O365_BUSINESS", "Microsoft 365 Apps for business"},
    ProductEntry{"O365_BUSINESS_ESSENTIALS", "Microsoft 365 Business Basic"},
    ProductEntry{"O365_BUSINESS_PREMIUM", "Microsoft 365 Business Standard"},
    ProductEntry{"OFFICEBASIC", "Basic Collaboration"},
    ProductEntry{"OFFICESUBSCRIPTION", "Microsoft 365 Apps for enterprise"},
    ProductEntry{"PBI_PREMIUM_PER_USER", "Power BI Premium Per User"},
    ProductEntry{"PHONESYSTEM_VIRTUALUSER", "Microsoft Teams Phone Resource Account"},
    ProductEntry{"POWERAPPS_PER_USER", "Power Apps Premium"},
    ProductEntry{"POWERAPPS_VIRAL", "Microsoft Power Apps Plan 2 Trial"},
    ProductEntry{"POWER_BI_PRO", "Power BI Pro"},
    ProductEntry{"POWER_BI_STANDARD", "Microsoft Fabric (Free)"},
    ProductEntry{"PROJECTESSENTIALS", "Project Online Essentials"},
    ProductEntry{"PROJECTPREMIUM", "Project Plan 5"},
    ProductEntry{"PROJECTPROFESSIONAL", "Project Plan 3"},
    ProductEntry{"PROJECT_P1", "Project Plan 1"},
    ProductEntry{"RIGHTSMANAGEMENT", "Azure Information Protection Plan 1"},
    ProductEntry{"RIGHTSMANAGEMENT_ADHOC", "Rights Management Adhoc"},
    ProductEntry{"RMSBASIC", "Rights Management Service Basic Content Protection"},
    ProductEntry{"SHAREPOINTENTERPRISE", "SharePoint Online (Plan 2)"},
    ProductEntry{"SHAREPOINTSTANDARD", "SharePoint Online (Plan 1)"},
    ProductEntry{"SHAREPOINTSTORAGE", "Office 365 Extra File Storage"},
    ProductEntry{"SMB_APPS", "Business Apps (free)"},
    ProductEntry{"SPB", "Microsoft 365 Business Premium"},
    ProductEntry{"SPE_E3", "Microsoft 365 E3"},
    ProductEntry{"SPE_E5", "Microsoft 365 E5"},
    ProductEntry{"SPE_F1", "Microsoft 365 F3"},
    ProductEntry{"STANDARDPACK", "Office 365 E1"},
    ProductEntry{"STANDARDWOFFPACK_FACULTY", "Office 365 A1 for faculty"},
    ProductEntry{"STANDARDWOFFPACK_STUDENT", "Office 365 A1 for students"},
    ProductEntry{"STREAM", "Microsoft Stream"},
    ProductEntry{"TEAMS_EXPLORATORY", "Microsoft Teams Exploratory"},
    ProductEntry{"TEAMS_FREE", "Microsoft Teams (Free)"},
    ProductEntry{"THREAT_INTELLIGENCE", "Microsoft Defender for Office 365 (Plan 2)"},
    ProductEntry{"VISIOCLIENT", "Visio Plan 2"},
    ProductEntry{"VISIOONLINE_PLAN1", "Visio Plan 1"},
    ProductEntry{"WIN10_VDA_E3", "Windows 10/11 Enterprise E3"},
    ProductEntry{"WIN10_VDA_E5", "Windows 10/11 Enterprise E5"},
    ProductEntry{"WINDOWS_STORE", "Windows Store for Business"},
    ProductEntry{"WIN_DEF_ATP", "Microsoft Defender for Endpoint"},
};

// Byte order of the upper-cased strings.
bool less_ignoring_case(std::string_view a, std::string_view b) {
  return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    return std::toupper(static_cast<unsigned char>(x)) <
           std::toupper(static_cast<unsigned char>(y));
  });
}

ProductNames& installed() {
  static ProductNames names;
  return names;
}

}  // namespace

std::string_view builtin_product_name(std::string_view part_number) {
  auto it = std::lower_bound(kBuiltinProducts.begin(), kBuiltinProducts.end(), part_number,
                             [](const ProductEntry& e, std::string_view key) {
                               return less_ignoring_case(e.part_number, key);
                             });
  if (it == kBuiltinProducts.end() || less_ignoring_case(part_number, it->part_number)) return {};
  return it->name;
}

std::size_t builtin_product_count() { return kBuiltinProducts.size(); }

std::string_view builtin_product_part_number(std::size_t index) {
  return index < kBuiltinProducts.size() ? kBuiltinProducts[index].part_number : std::string_view();
}

void ProductNames::set(std::string_view part_number, std::string name) {
  if (part_number.empty() || name.empty()) return;
  overrides_[ascii_upper(part_number)] = std::move(name);
}

std::string ProductNames::name_of(std::string_view part_number) const {
  if (auto it = overrides_.find(ascii_upper(part_number)); it != overrides_.end())
    return it->second;
  return std::string(builtin_product_name(part_number));
}

std::string ProductNames::label(std::string_view part_number) const {
  std::string name = name_of(part_number);
  // A name that is the part number itself adds nothing.
  if (name.empty() || iequals(name, part_number)) return std::string(part_number);
  return name + " (" + std::string(part_number) + ")";
}

const ProductNames& product_names() { return installed(); }

void install_product_names(ProductNames names) { installed() = std::move(names); }

}  // namespace tenantsync
