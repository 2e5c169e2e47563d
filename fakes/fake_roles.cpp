#include "fakes/fake_roles.h"

#include <cctype>

#include "fakes/fake_encoding.h"

namespace tenantsync::fake {

const std::vector<RoleDefinition>& builtin_roles() {
  // Ids and the privileged marker from Microsoft's "Microsoft Entra built-in roles"
  // reference (permissions-reference.md); descriptions are short summaries.
  static const std::vector<RoleDefinition> kRoles = {
      {"9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3", "Application Administrator",
       "Manages app registrations and enterprise apps.", true},
      {"cf1c38e5-3621-4004-a7cb-879624dced7c", "Application Developer",
       "Creates app registrations whatever the user setting says.", true},
      {"c4e39bd9-1100-46d3-8c65-fb160da0071f", "Authentication Administrator",
       "Views, sets and resets authentication methods of non-admin users.", true},
      {"0526716b-113d-4c15-b2c8-68e3c22b9f80", "Authentication Policy Administrator",
       "Manages the authentication methods policy and tenant-wide MFA settings.", false},
      {"b0f54661-2d74-4c50-afa3-1ec803f12efe", "Billing Administrator",
       "Does billing tasks such as updating payment information.", false},
      {"158c047a-c907-4556-b7ef-446551a6b5f7", "Cloud Application Administrator",
       "Manages app registrations and enterprise apps, except App Proxy.", true},
      {"7698a772-787b-4ac8-901f-60d6b08affd2", "Cloud Device Administrator",
       "Manages devices in the directory, with limits.", true},
      {"17315797-102d-40b4-93e0-432062caca18", "Compliance Administrator",
       "Reads and manages compliance configuration and reports.", false},
      {"b1be1c3e-b65d-4f19-8427-f6fa0d97feb9", "Conditional Access Administrator",
       "Manages Conditional Access.", true},
      {"88d8e3e3-8f55-4a1e-953a-9b9898b8876b", "Directory Readers",
       "Reads basic directory information.", false},
      {"9360feb5-f418-4baa-8175-e2a00bac4301", "Directory Writers",
       "Reads and writes basic directory information; meant for applications.", true},
      {"8329153b-31d0-4727-b945-745eb3bc5f31", "Domain Name Administrator", "Manages domain names.",
       true},
      {"44367163-eba1-44c3-98af-f5787879f96a", "Dynamics 365 Administrator",
       "Manages Dynamics 365.", false},
      {"29232cdf-9323-42fd-ade2-1d097af3e4de", "Exchange Administrator", "Manages Exchange.",
       false},
      {"31392ffb-586c-42d1-9346-e59415a2cc4e", "Exchange Recipient Administrator",
       "Creates and updates Exchange Online recipients.", false},
      {"be2f45a1-457d-42af-a067-6ec1fa63bc45", "External Identity Provider Administrator",
       "Configures identity providers for direct federation.", true},
      {"a9ea8996-122f-4c74-9520-8edcd192826c", "Fabric Administrator",
       "Manages Fabric and Power BI.", false},
      {"62e90394-69f5-4237-9190-012177145e10", "Global Administrator",
       "Manages everything in the directory and the services that use its identities.", true},
      {"f2ef992c-3afb-46b9-b7cf-a126ee74c451", "Global Reader",
       "Reads everything a Global Administrator can, changes nothing.", true},
      {"fdd7a751-b60b-444a-984c-02652fe8fa1c", "Groups Administrator",
       "Manages groups and their settings.", false},
      {"95e79109-95c0-4d8e-aee3-d01accf2d47b", "Guest Inviter",
       "Invites guest users whatever the member setting says.", false},
      {"729827e3-9c14-49f7-bb1b-9608f156bbb8", "Helpdesk Administrator",
       "Resets passwords of non-administrators and Helpdesk Administrators.", true},
      {"8ac3fc64-6eca-42ea-9e69-59f4c7b60eb2", "Hybrid Identity Administrator",
       "Manages cloud provisioning, Connect, pass-through authentication and federation.", true},
      {"45d8d3c5-c802-45c6-b32a-1d70b5e1e86e", "Identity Governance Administrator",
       "Manages access for identity governance.", false},
      {"3a2c62db-5318-420d-8d74-23affee5d9d5", "Intune Administrator", "Manages Intune.", true},
      {"b5a8dcf3-09d5-43a9-a639-8e29ef291470", "Knowledge Administrator",
       "Configures knowledge, learning and intelligent features.", false},
      {"4d6ac14f-3453-41d0-bef9-a3e0c569773a", "License Administrator",
       "Manages product licenses on users and groups.", false},
      {"790c1fb9-7f7d-4f88-86a1-ef1f95c05c1b", "Message Center Reader",
       "Reads Message Center posts.", false},
      {"2b745bdf-0803-4d80-aa65-822c4493daac", "Office Apps Administrator",
       "Manages Office apps cloud services and policies.", false},
      {"966707d0-3269-4727-9be2-8c3a10f19b9d", "Password Administrator",
       "Resets passwords of non-administrators and Password Administrators.", true},
      {"11648597-926c-4cf3-9c36-bcebb0ba8dcc", "Power Platform Administrator",
       "Manages Dynamics 365, Power Apps and Power Automate.", false},
      {"7be44c8a-adaf-4e2a-84d6-ab2649e08a13", "Privileged Authentication Administrator",
       "Views, sets and resets authentication methods of any user, admins included.", true},
      {"e8611ab8-c189-46e8-94e1-60213ab1f814", "Privileged Role Administrator",
       "Manages role assignments and Privileged Identity Management.", true},
      {"4a5d8f65-41da-4de4-8968-e035b65339cf", "Reports Reader", "Reads sign-in and audit reports.",
       false},
      {"194ae4cb-b126-40b2-bd5b-6091b380977d", "Security Administrator",
       "Reads security information and reports and manages security configuration.", true},
      {"5f2222b1-57c3-48ba-8ad5-d4759f1fde6f", "Security Operator",
       "Creates and manages security events.", true},
      {"5d6b6bb7-de71-4623-b4af-96380a352509", "Security Reader",
       "Reads security information and reports.", true},
      {"f023fd81-a637-4b56-95fd-791ac0226033", "Service Support Administrator",
       "Reads service health and manages support tickets.", false},
      {"f28a1f50-f6e7-4571-818b-6a12f2af6b6c", "SharePoint Administrator", "Manages SharePoint.",
       false},
      {"69091246-20e8-4a56-aa4d-066075b2a7a8", "Teams Administrator", "Manages Microsoft Teams.",
       false},
      {"baf37b3a-610e-45da-9e62-d9d1e5e8914b", "Teams Communications Administrator",
       "Manages calling and meetings in Teams.", false},
      {"75934031-6c7e-415a-99d7-48dbd49e875e", "Usage Summary Reports Reader",
       "Reads usage reports and Adoption Score without user details.", false},
      {"fe930be7-5e62-47db-91af-98c3a49a38b1", "User Administrator",
       "Manages users and groups, including password resets for limited admins.", true},
      {"11451d60-acb2-45eb-a7d6-43d0f0125c13", "Windows 365 Administrator",
       "Provisions and manages Cloud PCs.", false},
  };
  return kRoles;
}

const RoleDefinition* find_role(std::string_view template_id) {
  for (const RoleDefinition& role : builtin_roles()) {
    if (iequals(role.template_id, template_id)) return &role;
  }
  return nullptr;
}

const RoleDefinition* find_role_by_id_or_name(std::string_view id_or_name) {
  if (const RoleDefinition* role = find_role(id_or_name)) return role;
  for (const RoleDefinition& role : builtin_roles()) {
    if (iequals(role.display_name, id_or_name)) return &role;
  }
  return nullptr;
}

nlohmann::json project_role_definition(const RoleDefinition& role) {
  return {{"id", role.template_id},
          {"description", role.description},
          {"displayName", role.display_name},
          {"isBuiltIn", true},
          {"isEnabled", true},
          {"isPrivileged", role.privileged},
          {"resourceScopes", nlohmann::json::array({"/"})},
          {"templateId", role.template_id}};
}

namespace {

// The 16 bytes of a GUID as .NET's Guid.ToByteArray gives them (the first three fields
// little-endian); "" when `guid` is not one.
std::string guid_bytes(const std::string& guid) {
  std::string hex;
  for (char c : guid) {
    if (c == '-') continue;
    if (!std::isxdigit(static_cast<unsigned char>(c))) return "";
    hex.push_back(c);
  }
  if (hex.size() != 32) return "";
  std::string bytes;
  for (size_t i = 0; i < 32; i += 2) {
    bytes.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  }
  auto swap = [&](size_t a, size_t b) { std::swap(bytes[a], bytes[b]); };
  swap(0, 3);
  swap(1, 2);
  swap(4, 5);
  swap(6, 7);
  return bytes;
}

}  // namespace

std::string role_assignment_id(const std::string& role_definition_id,
                               const std::string& principal_id) {
  std::string role = guid_bytes(role_definition_id);
  std::string principal = guid_bytes(principal_id);
  if (role.empty() || principal.empty()) {
    // Not GUIDs (fixtures may use other ids): still unique per pair.
    return base64url_encode(role_definition_id + "|" + principal_id) + "-1";
  }
  return base64url_encode(role + principal) + "-1";
}

}  // namespace tenantsync::fake
