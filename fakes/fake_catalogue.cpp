#include "fakes/fake_catalogue.h"

#include <map>

namespace tenantsync::fake {

namespace {

const std::map<std::string, std::string>& plans() {
  static const std::map<std::string, std::string> kPlans = {
      {"EXCHANGE_S_STANDARD", "9aaf7827-d63c-4b61-89c3-182f06f82e5c"},
      {"EXCHANGE_S_ENTERPRISE", "efb87545-963c-4e0d-99df-69c6916d9eb0"},
      {"EXCHANGE_S_FOUNDATION", "113feb6c-3fe4-4440-bddc-54d774bf0318"},
      {"TEAMS1", "57ff2da0-773e-42df-b2af-ffb7a2317929"},
      {"MCOSTANDARD", "0feaeb32-d00e-4d66-bd5a-43b5b83db82c"},
      {"MCOEV", "4828c8ec-dc2e-4779-b502-87ac9ce28ab7"},
      {"MCOPSTN1", "4ed3ff63-69d7-4fb7-b984-5aec7f605ca8"},
      {"MCOMEETADV", "3e26ee1f-8a5f-4d52-aee2-b81ce45c8f40"},
      {"YAMMER_ENTERPRISE", "7547a3fe-08ee-4ccb-b430-5077c5041653"},
      {"SHAREPOINTENTERPRISE", "5dbe027f-2339-4123-9542-606e4d348a72"},
      {"SHAREPOINTWAC", "e95bec33-7c88-4a70-8e19-b10bd9d0c014"},
      {"OFFICESUBSCRIPTION", "43de0ff5-c92c-492b-9116-175376d08c38"},
      {"INTUNE_A", "c1ec4a95-1f05-45b3-a911-aa3fa01094f5"},
      {"AAD_PREMIUM", "41781fb2-bc02-4b7c-bd55-b576c07bb09d"},
      {"AAD_PREMIUM_P2", "eec0eb4f-6444-4f95-aba0-50c24d67f998"},
      {"MFA_PREMIUM", "8a256a2b-b617-496d-b51b-e76466e88db0"},
      {"RMS_S_ENTERPRISE", "bea4c11e-220a-4e6d-8eb8-8ea15d019f90"},
      {"RMS_S_PREMIUM", "6c57d4b6-3b23-47a5-9bc9-69f17b4947b3"},
      {"RMS_S_PREMIUM2", "5689bec4-755d-4753-8b61-40975025187c"},
      {"ATP_ENTERPRISE", "f20fedf3-f3c3-43c3-8267-2bfdd51c0939"},
      {"ADALLOM_S_STANDALONE", "2e2ddb96-6af9-4b1d-a3f0-d6ecfd22edb2"},
      {"BI_AZURE_P2", "70d33638-9c74-4d01-bfd3-562de28bd4ba"},
      {"FORMS_PLAN_E3", "2789c901-c14e-48ab-a76a-be334d9d793a"},
      {"FORMS_PLAN_E5", "e212cbc7-0961-4c40-9825-01117710dcb1"},
      {"SWAY", "a23b959c-7ce8-4e57-9140-b90eb88a9e97"},
      {"VISIO_CLIENT_SUBSCRIPTION", "663a804f-1c30-4ff0-9915-9db84f0d1cea"},
      {"PROJECT_PROFESSIONAL", "818523f5-016b-4355-9be8-ed6944946ea7"},
      {"FLOW_P2_VIRAL", "50e68c76-46c6-4674-81f9-75456511b170"},
      {"MCOPSTNC", "505e180f-f7e0-4b65-91d4-00d670bbd18c"},
  };
  return kPlans;
}

}  // namespace

const std::vector<CatalogueSku>& sku_catalogue() {
  static const std::vector<CatalogueSku> kSkus = {
      {"SPE_E3",
       "05e9a617-0261-4cee-bb44-138d3ef5d965",
       "User",
       {"EXCHANGE_S_ENTERPRISE", "TEAMS1", "MCOSTANDARD", "SHAREPOINTENTERPRISE", "SHAREPOINTWAC",
        "OFFICESUBSCRIPTION", "YAMMER_ENTERPRISE", "INTUNE_A", "AAD_PREMIUM", "MFA_PREMIUM",
        "RMS_S_ENTERPRISE", "FORMS_PLAN_E3", "SWAY"}},
      {"EMS",
       "efccb6f7-5641-4e0e-bd10-b4976e1bf68e",
       "User",
       {"INTUNE_A", "AAD_PREMIUM", "MFA_PREMIUM", "RMS_S_ENTERPRISE", "RMS_S_PREMIUM"}},
      {"SPE_E5",
       "06ebc4ee-1bb5-47dd-8120-11324bc54e06",
       "User",
       {"EXCHANGE_S_ENTERPRISE",
        "TEAMS1",
        "MCOSTANDARD",
        "MCOEV",
        "MCOMEETADV",
        "SHAREPOINTENTERPRISE",
        "SHAREPOINTWAC",
        "OFFICESUBSCRIPTION",
        "YAMMER_ENTERPRISE",
        "INTUNE_A",
        "AAD_PREMIUM",
        "AAD_PREMIUM_P2",
        "MFA_PREMIUM",
        "RMS_S_ENTERPRISE",
        "RMS_S_PREMIUM",
        "RMS_S_PREMIUM2",
        "ATP_ENTERPRISE",
        "ADALLOM_S_STANDALONE",
        "BI_AZURE_P2",
        "FORMS_PLAN_E5",
        "SWAY"}},
      {"EXCHANGESTANDARD", "4b9405b0-7788-4568-add1-99614e613b69", "User", {"EXCHANGE_S_STANDARD"}},
      {"MCOEV", "e43b5b99-8dfb-405f-9987-dc307f34bcbd", "User", {"MCOEV"}},
      {"MCOPSTN1", "0dab259f-bf13-4952-b7f8-7db8f131b28d", "User", {"MCOPSTN1"}},
      {"POWER_BI_PRO", "f8a1db68-be16-40ed-86d5-cb42ce701560", "User", {"BI_AZURE_P2"}},
      {"VISIOCLIENT",
       "c5928f49-12ba-48f7-ada3-0d743a3601d5",
       "User",
       {"VISIO_CLIENT_SUBSCRIPTION", "EXCHANGE_S_FOUNDATION"}},
      {"PROJECTPROFESSIONAL",
       "53818b1b-4a27-454b-8896-0dba576410e6",
       "User",
       {"PROJECT_PROFESSIONAL", "EXCHANGE_S_FOUNDATION"}},
      {"FLOW_FREE",
       "f30db892-07e9-47e9-837c-80727f46fd3d",
       "User",
       {"FLOW_P2_VIRAL", "EXCHANGE_S_FOUNDATION"}},
      {"AAD_PREMIUM_P2",
       "84a661c4-e949-4bd2-a560-ed7766fcaf2b",
       "User",
       {"AAD_PREMIUM", "AAD_PREMIUM_P2", "MFA_PREMIUM"}},
      {"MCOPSTNC", "47794cd0-f0e5-45c5-9033-2eb6b5fc84e0", "Company", {"MCOPSTNC"}},
  };
  return kSkus;
}

std::string plan_id(const std::string& plan_name) {
  auto it = plans().find(plan_name);
  return it == plans().end() ? "" : it->second;
}

const std::vector<std::pair<const char*, const char*>>& exclusive_plan_names() {
  static const std::vector<std::pair<const char*, const char*>> kPairs = {
      {"EXCHANGE_S_STANDARD", "EXCHANGE_S_ENTERPRISE"}};
  return kPairs;
}

const std::vector<std::pair<const char*, std::vector<const char*>>>& plan_dependency_names() {
  static const std::vector<std::pair<const char*, std::vector<const char*>>> kDeps = {
      {"MCOEV", {"MCOSTANDARD"}}, {"MCOPSTN1", {"MCOEV"}}};
  return kDeps;
}

SkuRecord make_sku(const CatalogueSku& entry, int enabled, int warning) {
  SkuRecord sku;
  sku.sku_id = entry.sku_id;
  sku.part_number = entry.part_number;
  sku.applies_to = entry.applies_to;
  sku.enabled = enabled;
  sku.warning = warning;
  for (const char* name : entry.plan_names) sku.plans.push_back({plan_id(name), name});
  return sku;
}

}  // namespace tenantsync::fake
