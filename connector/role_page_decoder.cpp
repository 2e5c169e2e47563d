#include "connector/role_page_decoder.h"

#include <array>
#include <optional>
#include <string_view>

#include "connector/list_page_decoding.h"

namespace tenantsync {

namespace {

using list_page::element;
using list_page::last_values;
using list_page::Type;

// One item into a RoleDefinition or a RoleAssignment, as from_json would take it.
class RoleReader : public list_page::ItemReader {
 public:
  using ItemReader::ItemReader;

  bool item(element item, RoleDefinition& out) {
    if (!is_object(item)) return false;
    static constexpr std::array<std::string_view, 4> kNames = {"id", "displayName", "isBuiltIn",
                                                               "isPrivileged"};
    auto [id, name, built_in, privileged] = last_values(simdjson::dom::object(item), kNames);
    out.is_built_in = flag(built_in);
    out.is_privileged = flag(privileged);
    return text(id, "id", true, out.id) && text(name, "displayName", false, out.display_name);
  }

  bool item(element item, RoleAssignment& out) {
    if (!is_object(item)) return false;
    static constexpr std::array<std::string_view, 4> kNames = {
        "id", "principalId", "roleDefinitionId", "directoryScopeId"};
    auto [id, principal, role, scope] = last_values(simdjson::dom::object(item), kNames);
    return text(id, "id", true, out.id) && text(principal, "principalId", true, out.principal_id) &&
           text(role, "roleDefinitionId", true, out.role_definition_id) &&
           text(scope, "directoryScopeId", false, out.directory_scope_id);
  }
};

template <class T>
bool decode_roles(const std::string& text, DecodedRolePage<T>& out, ListPageFailure& failure) {
  return list_page::decode(text, out.items, out.next_link, failure,
                           [](std::string& detail) { return RoleReader(detail); });
}

}  // namespace

bool decode_role_page(const std::string& text, DecodedRolePage<RoleDefinition>& out,
                      ListPageFailure& failure) {
  return decode_roles(text, out, failure);
}

bool decode_role_page(const std::string& text, DecodedRolePage<RoleAssignment>& out,
                      ListPageFailure& failure) {
  return decode_roles(text, out, failure);
}

}  // namespace tenantsync
