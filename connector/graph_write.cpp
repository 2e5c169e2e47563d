#include "connector/graph_write.h"

#include <cctype>

namespace tenantsync {

GraphWrite GraphWrite::assign_license(std::string user, std::vector<AssignedLicense> add,
                                      std::vector<std::string> remove) {
  GraphWrite w;
  w.kind = Kind::AssignLicense;
  w.user = std::move(user);
  w.add_licenses = std::move(add);
  w.remove_licenses = std::move(remove);
  return w;
}

GraphWrite GraphWrite::create(nlohmann::json body) {
  GraphWrite w;
  w.kind = Kind::Create;
  auto upn = body.find("userPrincipalName");
  if (upn != body.end() && upn->is_string()) w.user = upn->get<std::string>();
  w.body = std::move(body);
  return w;
}

GraphWrite GraphWrite::update(std::string user, nlohmann::json patch) {
  GraphWrite w;
  w.kind = Kind::Update;
  w.user = std::move(user);
  w.body = std::move(patch);
  return w;
}

GraphWrite GraphWrite::remove(std::string user) {
  GraphWrite w;
  w.kind = Kind::Delete;
  w.user = std::move(user);
  return w;
}

GraphWrite GraphWrite::restore(std::string user, std::optional<std::string> new_upn) {
  GraphWrite w;
  w.kind = Kind::Restore;
  w.user = std::move(user);
  w.new_user_principal_name = std::move(new_upn);
  return w;
}

GraphWrite GraphWrite::add_role(std::string user_id, std::string role_definition_id) {
  GraphWrite w;
  w.kind = Kind::AddRole;
  w.user = std::move(user_id);
  w.role_definition_id = std::move(role_definition_id);
  return w;
}

GraphWrite GraphWrite::remove_role(std::string assignment_id) {
  GraphWrite w;
  w.kind = Kind::RemoveRole;
  w.role_assignment_id = std::move(assignment_id);
  return w;
}

const char* GraphWrite::method() const {
  switch (kind) {
    case Kind::AssignLicense:
    case Kind::Create:
    case Kind::Restore:
    case Kind::AddRole:
      return "POST";
    case Kind::Update:
      return "PATCH";
    case Kind::Delete:
    case Kind::RemoveRole:
      return "DELETE";
  }
  return "POST";
}

std::string GraphWrite::path() const {
  switch (kind) {
    case Kind::AssignLicense:
      return "/users/" + encode_path_segment(user) + "/assignLicense";
    case Kind::Create:
      return "/users";
    case Kind::Update:
    case Kind::Delete:
      return "/users/" + encode_path_segment(user);
    case Kind::Restore:
      return "/directory/deletedItems/" + encode_path_segment(user) + "/restore";
    case Kind::AddRole:
      return "/roleManagement/directory/roleAssignments";
    case Kind::RemoveRole:
      return "/roleManagement/directory/roleAssignments/" + encode_path_segment(role_assignment_id);
  }
  return "/";
}

std::optional<nlohmann::json> GraphWrite::request_body() const {
  switch (kind) {
    case Kind::AssignLicense: {
      nlohmann::json add = nlohmann::json::array();
      for (const auto& l : add_licenses) {
        add.push_back({{"skuId", l.sku_id}, {"disabledPlans", l.disabled_plans}});
      }
      return nlohmann::json{{"addLicenses", std::move(add)}, {"removeLicenses", remove_licenses}};
    }
    case Kind::Create:
    case Kind::Update:
      return body.is_null() ? nlohmann::json::object() : body;
    case Kind::Delete:
    case Kind::RemoveRole:
      return std::nullopt;
    case Kind::AddRole:
      return nlohmann::json{{"principalId", user},
                            {"roleDefinitionId", role_definition_id},
                            {"directoryScopeId", "/"}};
    case Kind::Restore:
      if (!new_user_principal_name) return std::nullopt;
      return nlohmann::json{{"newUserPrincipalName", *new_user_principal_name}};
  }
  return std::nullopt;
}

bool GraphWrite::returns_user() const {
  return kind == Kind::AssignLicense || kind == Kind::Create || kind == Kind::Restore;
}

const char* to_string(GraphWrite::Kind kind) {
  switch (kind) {
    case GraphWrite::Kind::AssignLicense:
      return "assignLicense";
    case GraphWrite::Kind::Create:
      return "create";
    case GraphWrite::Kind::Update:
      return "update";
    case GraphWrite::Kind::Delete:
      return "delete";
    case GraphWrite::Kind::Restore:
      return "restore";
    case GraphWrite::Kind::AddRole:
      return "addRole";
    case GraphWrite::Kind::RemoveRole:
      return "removeRole";
  }
  return "write";
}

std::string encode_path_segment(std::string_view segment) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : segment) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~' || c == '@') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

}  // namespace tenantsync
