// Over 500 lines: every route fake-graph serves, one handler each, sharing the request
// checks (roles, locks, bodies) of the top of this file; docs/fake-graph.md lists them.
#include "fakes/fake_graph_api.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <map>
#include <string_view>

#include "fakes/fake_cursor.h"
#include "fakes/fake_encoding.h"
#include "fakes/fake_errors.h"
#include "fakes/fake_paging.h"
#include "fakes/fake_projection.h"
#include "fakes/fake_roles.h"
#include "fakes/fake_rules.h"
#include "fakes/fake_user_rules.h"

namespace tenantsync::fake {

namespace {

using nlohmann::json;

void require_read(const Caller& c) {
  if (!c.client->has_any_role()) fail(403, msg::kDenied, msg::kDeniedText);
}

void require(const Caller& c, std::initializer_list<std::string_view> roles) {
  if (!c.client->has_role(roles)) fail(403, msg::kDenied, msg::kDeniedText);
}

json parse_body(const std::string& body, bool optional = false) {
  if (optional && trim(body).empty()) return json::object();
  json j = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) {
    fail(400, msg::kBadRequest,
         "Unable to read JSON request payload. Please ensure Content-Type header is set and "
         "payload is of valid JSON format.");
  }
  return j;
}

[[noreturn]] void invalid_property(const std::string& name) {
  fail(400, msg::kBadRequest,
       "Invalid value specified for property '" + name + "' of resource 'User'.");
}

[[noreturn]] void invalid_assignment_property(const std::string& name) {
  fail(400, msg::kBadRequest,
       "Invalid value specified for property '" + name + "' of resource 'UnifiedRoleAssignment'.");
}

std::string string_field(const json& body, const char* name) {
  auto it = body.find(name);
  if (it == body.end() || it->is_null()) return "";
  if (!it->is_string()) invalid_property(name);
  return it->get<std::string>();
}

bool matches(const UserRecord& u, const std::vector<FilterClause>& filter) {
  for (const auto& clause : filter) {
    const std::string& actual = clause.property == "id"                  ? u.id
                                : clause.property == "userPrincipalName" ? u.user_principal_name
                                                                         : u.department;
    if (clause.in) {
      bool any = std::any_of(clause.values.begin(), clause.values.end(),
                             [&](const std::string& v) { return iequals(actual, v); });
      if (!any) return false;
    } else if (!iequals(actual, clause.value)) {
      return false;
    }
  }
  return true;
}

// Domain part of a UPN, or "" when it is not local@domain.
std::string upn_domain(const std::string& upn) {
  auto at = upn.find('@');
  if (at == std::string::npos || at == 0 || at + 1 >= upn.size() ||
      upn.find('@', at + 1) != std::string::npos) {
    return "";
  }
  return upn.substr(at + 1);
}

void check_upn_domain(const TenantDirectory& tenant, const std::string& upn) {
  std::string domain = upn_domain(upn);
  if (domain.empty() || !tenant.has_verified_domain(domain)) {
    fail(400, msg::kBadRequest,
         "The domain portion of the userPrincipalName property is invalid. You must use one of "
         "the verified domain names in your organization.");
  }
}

[[noreturn]] void duplicate_upn() {
  throw GraphError(400, msg::kBadRequest, msg::kDuplicateUpn,
                   json::array({{{"code", "ObjectConflict"},
                                 {"message", msg::kDuplicateUpn},
                                 {"target", "userPrincipalName"}}}));
}

std::optional<std::string> usage_location_field(const json& body) {
  auto it = body.find("usageLocation");
  if (it == body.end() || it->is_null()) return std::nullopt;
  if (!it->is_string() || !is_usage_location(it->get<std::string>())) {
    invalid_property("usageLocation");
  }
  std::string loc = it->get<std::string>();
  for (char& ch : loc) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  return loc;
}

std::string password_field(const json& body) {
  auto profile = body.find("passwordProfile");
  if (profile == body.end() || !profile->is_object()) invalid_property("passwordProfile");
  auto password = profile->find("password");
  if (password == profile->end() || !password->is_string()) invalid_property("passwordProfile");
  std::string text = password->get<std::string>();
  if (!password_is_complex(text)) fail(400, msg::kBadRequest, msg::kPasswordComplexity);
  return text;
}

json collection(const std::string& context, json value) {
  return {{"@odata.context", context}, {"value", std::move(value)}};
}

// Walks ids in order after `after`, calling `visit` until it returns false.
template <typename Visit>
void walk_users(const std::map<std::string, UserRecord>& users, const std::string& after,
                Visit&& visit) {
  for (auto it = users.upper_bound(after); it != users.end(); ++it) {
    if (!visit(it->second)) return;
  }
}

// "users" -> "users(id,displayName)" under a $select, as the service names the context of
// what it returns; the entity set alone without one.
std::string selected_set(const std::string& set, const std::string& selection) {
  return selection.empty() ? set : set + "(" + selection + ")";
}

// One page of a users or deleted-users list: the query it answers ($filter, $select,
// $top), where it starts (the $skiptoken's cursor, which must come from the same list
// and query and not have expired) and the users it holds.
class UserPage {
 public:
  UserPage(const std::string& list, const QueryParams& q, const Signer& signer,
           const std::string& tenant_id, double now)
      : sel_(parse_select(q.get("$select"))),
        filter_text_(q.get("$filter")),
        paging_(list, q, filter_text_.value_or("") + "|" + sel_.to_string(), tenant_id, signer,
                now) {
    if (filter_text_) filter_ = parse_user_filter(*filter_text_);
  }

  const std::vector<FilterClause>& filter() const { return filter_; }
  const Selection& selection() const { return sel_; }
  // The id the page starts after ("" for the first page).
  const std::string& after() const { return paging_.after(); }

  // Takes `u` when it matches the filter; false once the page is full.
  bool visit(const UserRecord& u) {
    if (!matches(u, filter_)) return true;
    if (users_.size() == static_cast<size_t>(paging_.top())) {
      more_ = true;
      return false;
    }
    users_.push_back(&u);
    return true;
  }

  // The collection, with a nextLink (`link_base` plus the query) when more users follow.
  ApiResponse render(UserView view, const std::string& context, std::string link_base) const {
    ApiResponse r;
    JsonText w(r.text);
    w.begin_object();
    w.key("@odata.context");
    w.string(context);
    if (more_) {
      if (filter_text_) link_base += "$filter=" + percent_encode(*filter_text_) + "&";
      if (!sel_.defaults) link_base += "$select=" + percent_encode(sel_.to_string(), ",") + "&";
      w.key("@odata.nextLink");
      w.string(paging_.next_link(std::move(link_base), users_.back()->id));
    }
    w.key("value");
    w.begin_array();
    UserShape shape(sel_, view);
    for (const UserRecord* u : users_) write_user(w, *u, shape);
    w.end_array();
    w.end_object();
    return r;
  }

 private:
  Selection sel_;
  std::optional<std::string> filter_text_;
  ListPaging paging_;  // list "users" | "deleted": one list's tokens are refused by the other
  std::vector<FilterClause> filter_;
  std::vector<const UserRecord*> users_;
  bool more_ = false;
};

[[noreturn]] void required_property(const std::string& name) {
  fail(400, msg::kBadRequest, "Property " + name + " value is required but is empty or missing.");
}

// mailNickname: required; at most 64 characters, none of @ ( ) \ [ ] " ; : < > , or
// whitespace (the directory's rule).
void check_mail_nickname(const json& body) {
  auto it = body.find("mailNickname");
  if (it == body.end() || it->is_null() || (it->is_string() && it->get<std::string>().empty())) {
    required_property("mailNickname");
  }
  bool valid = it->is_string() && it->get<std::string>().size() <= 64;
  if (valid) {
    for (unsigned char ch : it->get<std::string>()) {
      if (std::isspace(ch) || std::string_view("@()\\[]\";:<>,").find(static_cast<char>(ch)) !=
                                  std::string_view::npos) {
        valid = false;
      }
    }
  }
  if (!valid) {
    const std::string message =
        "Invalid value specified for property 'mailNickname' of resource 'User'.";
    throw GraphError(400, msg::kBadRequest, message,
                     json::array({{{"code", "InvalidValue"}, {"target", "mailNickname"}}}));
  }
}

// A required string property of a role assignment: absent or empty is 400 "required",
// another type 400 "invalid value".
std::string assignment_field(const json& body, const char* name) {
  auto it = body.find(name);
  if (it == body.end() || it->is_null() || (it->is_string() && it->get<std::string>().empty())) {
    required_property(name);
  }
  if (!it->is_string()) invalid_assignment_property(name);
  return it->get<std::string>();
}

// $select on an entity of `type` (microsoft.graph.…): the named properties only; an
// unknown name is 400.
json select_properties(json entity, const std::optional<std::string>& select, const char* type) {
  if (!select) return entity;
  json out = json::object();
  for (const std::string& part : split(*select, ',')) {
    std::string name = trim(part);
    if (name.empty()) continue;
    bool found = false;
    for (const auto& [key, value] : entity.items()) {
      if (iequals(key, name)) {
        out[key] = value;
        found = true;
      }
    }
    if (!found) {
      fail(400, msg::kBadRequest,
           "Could not find a property named '" + name + "' on type '" + type + "'.");
    }
  }
  return out;
}

json select_role_properties(json role, const std::optional<std::string>& select) {
  return select_properties(std::move(role), select, "microsoft.graph.unifiedRoleDefinition");
}

// A security group as Graph shows it by default (the fake keeps only names).
json project_group(const std::string& id, const std::string& display_name) {
  return {{"id", id},
          {"deletedDateTime", nullptr},
          {"description", nullptr},
          {"displayName", display_name},
          {"groupTypes", json::array()},
          {"mail", nullptr},
          {"mailEnabled", false},
          {"mailNickname", id.substr(0, 8)},
          {"securityEnabled", true},
          {"visibility", nullptr}};
}

json project_assignment(const RoleAssignmentRecord& a) {
  return {{"id", a.id},
          {"principalId", a.principal_id},
          {"roleDefinitionId", a.role_definition_id},
          {"directoryScopeId", a.directory_scope_id}};
}

}  // namespace

ApiResponse GraphApi::handle(const Caller& c, const ResolvedRoute& route, const QueryParams& q,
                             const std::string& body) const {
  // The relationship ended: the partner's roles in the tenant are gone with it.
  if (c.tenant != estate_.partner() && !c.tenant->under_contract()) {
    fail(403, msg::kDenied, msg::kDeniedText);
  }
  switch (route.route) {
    case Route::kContracts:
      return contracts(c, q);
    case Route::kSubscribedSkus:
      return subscribed_skus(c);
    case Route::kDomains:
      return domains(c);
    case Route::kListUsers:
      return list_users(c, q);
    case Route::kCreateUser:
      return create_user(c, body);
    case Route::kUsersDelta:
      return users_delta(c, q);
    case Route::kGetUser:
      return get_user(c, route.id, q);
    case Route::kPatchUser:
      return patch_user(c, route.id, body);
    case Route::kDeleteUser:
      return delete_user(c, route.id);
    case Route::kAssignLicense:
      return assign_license(c, route.id, body);
    case Route::kListDeleted:
      return list_deleted(c, q);
    case Route::kGetDeleted:
      return get_deleted(c, route.id, q);
    case Route::kRestore:
      return restore_user(c, route.id, body);
    case Route::kListRoleDefinitions:
      return list_role_definitions(c, q);
    case Route::kGetRoleDefinition:
      return get_role_definition(c, route.id, q);
    case Route::kGetGroup:
      return get_group(c, route.id, q);
    case Route::kListRoleAssignments:
      return list_role_assignments(c, q);
    case Route::kCreateRoleAssignment:
      return create_role_assignment(c, body);
    case Route::kGetRoleAssignment:
      return get_role_assignment(c, route.id);
    case Route::kDeleteRoleAssignment:
      return delete_role_assignment(c, route.id);
    case Route::kMethodNotAllowed:
      fail(405, msg::kBadRequest, "Specified HTTP method is not allowed for the request target.");
    case Route::kBatch:
      fail(400, "BadRequest", "Nested $batch requests are not supported.");
    case Route::kUnknown:
      break;
  }
  fail(400, "BadRequest", "Resource not found for the segment '" + route.folded + "'.");
}

ApiResponse GraphApi::contracts(const Caller& c, const QueryParams& q) const {
  require_read(c);
  if (c.tenant != estate_.partner()) fail(403, msg::kDenied, msg::kDeniedText);
  ListPaging paging("contracts", q, "", c.tenant->id(), signer_, clock_.now());
  size_t start = paging.after().empty() ? 0 : std::stoul(paging.after()) + 1;
  const auto& customers = estate_.customers();
  json value = json::array();
  size_t i = start;
  for (; i < customers.size() && value.size() < static_cast<size_t>(paging.top()); ++i) {
    const TenantDirectory* t = customers[i];
    if (!t->under_contract()) continue;
    value.push_back({{"id", guid_from(stable_hash("contract:" + t->id()), stable_hash(t->id()))},
                     {"contractType", "ResellerPartner"},
                     {"customerId", t->id()},
                     {"defaultDomainName", t->default_domain()},
                     {"displayName", t->display_name()}});
  }
  json out = collection(graph_url("$metadata#contracts"), std::move(value));
  if (i < customers.size()) {
    out["@odata.nextLink"] = paging.next_link(graph_url("contracts?"), std::to_string(i - 1));
  }
  return {200, std::move(out), {}};
}

ApiResponse GraphApi::subscribed_skus(const Caller& c) const {
  require_read(c);
  auto lock = c.tenant->acquire(clock_.now());
  json value = json::array();
  for (const SkuRecord& sku : c.tenant->skus()) value.push_back(project_sku(*c.tenant, sku));
  return {200, collection(graph_url("$metadata#subscribedSkus"), std::move(value)), {}};
}

// The tenant's domains as Graph's domain objects. The fake knows verified domains only
// (the fixture's verifiedDomains); the initial one is the first *.onmicrosoft.com domain.
ApiResponse GraphApi::domains(const Caller& c) const {
  require_read(c);
  auto lock = c.tenant->acquire(clock_.now());
  const TenantDirectory& t = *c.tenant;
  const std::string initial = t.initial_domain();
  json value = json::array();
  for (const std::string& name : t.verified_domains()) {
    value.push_back({{"id", name},
                     {"authenticationType", "Managed"},
                     {"availabilityStatus", nullptr},
                     {"isAdminManaged", true},
                     {"isDefault", iequals(name, t.default_domain())},
                     {"isInitial", iequals(name, initial)},
                     {"isRoot", true},
                     {"isVerified", true},
                     {"supportedServices", json::array({"Email", "OfficeCommunicationsOnline"})},
                     {"passwordNotificationWindowInDays", nullptr},
                     {"passwordValidityPeriodInDays", nullptr},
                     {"state", nullptr}});
  }
  return {200, collection(graph_url("$metadata#domains"), std::move(value)), {}};
}

ApiResponse GraphApi::list_users(const Caller& c, const QueryParams& q) const {
  require_read(c);
  double now = clock_.now();
  auto lock = c.tenant->acquire(now);
  const TenantDirectory& t = *c.tenant;
  UserPage page("users", q, signer_, t.id(), now);
  auto visit = [&](const UserRecord& u) { return page.visit(u); };

  // Use an index when the filter names one: id or UPN (one user, or each of an `in`'s
  // values), or department.
  const auto& filter = page.filter();
  auto by_key = std::find_if(filter.begin(), filter.end(), [](const FilterClause& f) {
    return f.property == "id" || f.property == "userPrincipalName";
  });
  auto by_department = std::find_if(filter.begin(), filter.end(), [](const FilterClause& f) {
    return f.property == "department";
  });
  if (by_key != filter.end()) {
    // The users the names find, each once and in id order as every list is; visit()
    // checks the property (find_active knows both ids and UPNs) and the other clauses.
    std::map<std::string, const UserRecord*> named;
    const std::vector<std::string> one = {by_key->value};
    for (const std::string& name : by_key->in ? by_key->values : one) {
      const UserRecord* u = t.find_active(name);
      if (u != nullptr && u->id > page.after()) named.emplace(u->id, u);
    }
    for (const auto& entry : named) {
      if (!visit(*entry.second)) break;
    }
  } else if (by_department != filter.end()) {
    if (const auto* ids = t.department_members(by_department->value)) {
      for (auto it = ids->upper_bound(page.after()); it != ids->end(); ++it) {
        if (!visit(t.active_users().at(*it))) break;
      }
    }
  } else {
    walk_users(t.active_users(), page.after(), visit);
  }
  return page.render(UserView::kActive,
                     graph_url("$metadata#" + selected_set("users", page.selection().to_string())),
                     graph_url("users?"));
}

ApiResponse GraphApi::list_deleted(const Caller& c, const QueryParams& q) const {
  require_read(c);
  double now = clock_.now();
  auto lock = c.tenant->acquire(now);
  const TenantDirectory& t = *c.tenant;
  UserPage page("deleted", q, signer_, t.id(), now);
  // Soft-deleted users are few (30 days' worth); a filtered walk is fine here.
  walk_users(t.deleted_users(), page.after(), [&](const UserRecord& u) { return page.visit(u); });
  return page.render(UserView::kDeleted,
                     graph_url("$metadata#directoryObjects/microsoft.graph.user"),
                     graph_url("directory/deletedItems/microsoft.graph.user?"));
}

ApiResponse GraphApi::get_user(const Caller& c, const std::string& id, const QueryParams& q) const {
  require_read(c);
  Selection sel = parse_select(q.get("$select"));
  auto lock = c.tenant->acquire(clock_.now());
  const UserRecord* u = c.tenant->find_active(id);
  if (u == nullptr) throw not_found(id);
  json out = project_user(*c.tenant, *u, sel, UserView::kActive);
  out["@odata.context"] =
      graph_url("$metadata#" + selected_set("users", sel.to_string()) + "/$entity");
  return {200, std::move(out), {}};
}

ApiResponse GraphApi::get_deleted(const Caller& c, const std::string& id,
                                  const QueryParams& q) const {
  require_read(c);
  Selection sel = parse_select(q.get("$select"));
  auto lock = c.tenant->acquire(clock_.now());
  const UserRecord* u = c.tenant->find_deleted(id);
  if (u == nullptr) throw not_found(id);
  json out = project_user(*c.tenant, *u, sel, UserView::kDeleted);
  out["@odata.type"] = "#microsoft.graph.user";
  return {200, std::move(out), {}};
}

ApiResponse GraphApi::users_delta(const Caller& c, const QueryParams& q) const {
  require_read(c);
  double now = clock_.now();
  auto lock = c.tenant->acquire(now);
  const TenantDirectory& t = *c.tenant;
  auto sync_state_gone = [] {
    fail(410, "syncStateNotFound",
         "The sync state is no longer available: the delta token is invalid or has expired. "
         "Start over with a full synchronization.");
  };

  DeltaCursor cursor;
  if (auto token = q.get("$deltatoken"); token && *token == "latest") {
    // "Sync from now" (users and groups support it): no data, only a deltaLink at the
    // current state, whose round returns the changes made after this request.
    Selection requested = parse_select(q.get("$select"));
    DeltaCursor link;
    link.phase = DeltaCursor::Phase::kLink;
    link.tenant_id = t.id();
    link.after_seq = t.current_sequence();
    link.select = requested.defaults ? "" : requested.to_string();
    link.page_size = parse_top(q.get("$top"));
    link.issued_at = now;
    json out = collection(graph_url("$metadata#users"), json::array());
    out["@odata.deltaLink"] = graph_url("users/delta?$deltatoken=") + seal_delta(signer_, link);
    return {200, std::move(out), {}};
  }
  if (auto token = q.get("$deltatoken")) {
    auto opened = open_delta(signer_, *token);
    if (!opened || opened->phase != DeltaCursor::Phase::kLink || opened->tenant_id != t.id() ||
        opened->issued_at + kDeltaTokenLifetime < now) {
      sync_state_gone();
    }
    cursor = *opened;
    cursor.phase = DeltaCursor::Phase::kChanges;
    cursor.end_seq = t.current_sequence();
  } else if (auto skip = q.get("$skiptoken")) {
    auto opened = open_delta(signer_, *skip);
    if (!opened || opened->phase == DeltaCursor::Phase::kLink || opened->tenant_id != t.id() ||
        opened->issued_at + kDeltaTokenLifetime < now) {
      sync_state_gone();
    }
    cursor = *opened;
  } else {
    Selection requested = parse_select(q.get("$select"));
    cursor.phase = DeltaCursor::Phase::kInitial;
    cursor.tenant_id = t.id();
    cursor.end_seq = t.current_sequence();
    cursor.select = requested.defaults ? "" : requested.to_string();
    cursor.page_size = parse_top(q.get("$top"));
  }
  Selection sel = parse_select(cursor.select.empty() ? std::nullopt
                                                     : std::optional<std::string>(cursor.select));
  size_t page_size = static_cast<size_t>(cursor.page_size);

  // The users first (whether more follow decides the link, which is written before them).
  std::string value;
  JsonText items(value);
  items.begin_array();
  UserShape shape(sel, UserView::kDelta);
  auto removed = [&](const std::string& id, const char* reason) {
    items.begin_object();
    items.key("@removed");
    items.begin_object();
    items.key("reason");
    items.string(reason);
    items.end_object();
    items.key("id");
    items.string(id);
    items.end_object();
  };
  DeltaCursor next = cursor;
  next.issued_at = now;
  bool more = false;
  if (cursor.phase == DeltaCursor::Phase::kInitial) {
    std::string last;
    size_t written = 0;
    walk_users(t.active_users(), cursor.after_id, [&](const UserRecord& u) {
      if (written == page_size) {
        more = true;
        return false;
      }
      write_user(items, u, shape);
      ++written;
      last = u.id;
      return true;
    });
    next.after_id = last;
  } else {
    auto changes = t.changes(cursor.after_seq, cursor.end_seq, page_size + 1);
    more = changes.size() > page_size;
    if (more) changes.resize(page_size);
    for (const auto& [seq, id] : changes) {
      switch (t.fate(id)) {
        case UserFate::kActive:
          write_user(items, t.active_users().at(id), shape);
          break;
        case UserFate::kSoftDeleted:
          removed(id, "changed");
          break;
        case UserFate::kPurged:
          removed(id, "deleted");
          break;
      }
      next.after_seq = seq;
    }
  }
  items.end_array();

  ApiResponse r;
  JsonText w(r.text);
  w.begin_object();
  w.key("@odata.context");
  w.string(graph_url("$metadata#" + selected_set("users", cursor.select)));
  if (more) {
    w.key("@odata.nextLink");
    w.string(graph_url("users/delta?$skiptoken=") + seal_delta(signer_, next));
  } else {
    DeltaCursor link = next;
    link.phase = DeltaCursor::Phase::kLink;
    link.after_seq = cursor.end_seq;
    link.after_id.clear();
    w.key("@odata.deltaLink");
    w.string(graph_url("users/delta?$deltatoken=") + seal_delta(signer_, link));
  }
  w.key("value");
  w.raw(value);
  w.end_object();
  return r;
}

ApiResponse GraphApi::create_user(const Caller& c, const std::string& body_text) const {
  json body = parse_body(body_text);
  require(c, {"UserAdministrator"});
  std::string upn = string_field(body, "userPrincipalName");
  std::string display_name = string_field(body, "displayName");
  if (upn.empty()) invalid_property("userPrincipalName");
  if (display_name.empty()) invalid_property("displayName");
  check_mail_nickname(body);  // checked; the fake derives it from the UPN when asked
  password_field(body);       // checked, never stored
  auto enabled = body.find("accountEnabled");
  if (enabled == body.end() || enabled->is_null()) required_property("accountEnabled");
  if (!enabled->is_boolean()) invalid_property("accountEnabled");
  if (auto refused = refused_text_property(body)) invalid_property(*refused);
  std::optional<std::string> location = usage_location_field(body);

  auto lock = c.tenant->acquire(clock_.now());
  TenantDirectory& t = *c.tenant;
  check_upn_domain(t, upn);
  // Only an active user blocks the name: a soft-deleted user's may be taken (restoring
  // that user then conflicts until it gets a new name).
  if (t.upn_in_use(upn, /*include_deleted=*/false)) duplicate_upn();

  UserRecord u;
  u.id = t.new_user_id();
  u.user_principal_name = upn;
  u.display_name = display_name;
  u.given_name = string_field(body, "givenName");
  u.surname = string_field(body, "surname");
  u.job_title = string_field(body, "jobTitle");
  u.department = string_field(body, "department");
  u.mail = string_field(body, "mail");
  u.account_enabled = enabled->get<bool>();
  u.usage_location = location;
  const UserRecord& created = t.create_user(std::move(u));
  json out = project_user(t, created, Selection{}, UserView::kActive);
  out["@odata.context"] = graph_url("$metadata#users/$entity");
  return {201, std::move(out), {{"Location", graph_url("users/" + created.id)}}};
}

ApiResponse GraphApi::patch_user(const Caller& c, const std::string& id,
                                 const std::string& body_text) const {
  json body = parse_body(body_text);
  bool password = false, location = false, other = false;
  static const std::vector<std::string> kEditable = {
      "usageLocation",  "passwordProfile", "department", "jobTitle",          "displayName",
      "accountEnabled", "givenName",       "surname",    "userPrincipalName", "mail"};
  for (const auto& [key, value] : body.items()) {
    if (std::find(kEditable.begin(), kEditable.end(), key) == kEditable.end()) {
      if (key == "id" || key == "assignedLicenses" || key == "licenseAssignmentStates" ||
          key == "deletedDateTime") {
        fail(400, msg::kBadRequest, "Property '" + key + "' is read-only and cannot be set.");
      }
      fail(400, msg::kBadRequest, "Invalid property '" + key + "'.");
    }
    if (key == "passwordProfile") {
      password = true;
    } else if (key == "usageLocation") {
      location = true;
    } else {
      other = true;
    }
  }
  // Password resets: User or Privileged Authentication Administrator. Usage location (a
  // prerequisite of licensing): License or User Administrator. Anything else: User
  // Administrator. GlobalAdministrator may do all.
  if (password) require(c, {"UserAdministrator", "PrivilegedAuthenticationAdministrator"});
  if (location) require(c, {"LicenseAdministrator", "UserAdministrator"});
  if (other || body.empty()) require(c, {"UserAdministrator"});

  auto lock = c.tenant->acquire(clock_.now());
  TenantDirectory& t = *c.tenant;
  const UserRecord* existing = t.find_active(id);
  if (existing == nullptr) throw not_found(id);

  if (password) password_field(body);
  std::optional<std::string> new_location;
  if (location) new_location = usage_location_field(body);
  auto enabled = body.find("accountEnabled");
  if (enabled != body.end() && !enabled->is_boolean()) invalid_property("accountEnabled");
  std::string new_upn;
  if (body.contains("userPrincipalName")) {
    new_upn = string_field(body, "userPrincipalName");
    if (new_upn.empty()) invalid_property("userPrincipalName");
    check_upn_domain(t, new_upn);
    if (!iequals(new_upn, existing->user_principal_name) &&
        t.upn_in_use(new_upn, /*include_deleted=*/false)) {
      duplicate_upn();
    }
  }
  string_field(body, "mail");  // type check before any change
  if (auto refused = refused_text_property(body)) invalid_property(*refused);
  if (!location && !other) return {204, nullptr, {}};  // only the password changed

  t.update_user(existing->id, [&](UserRecord& u) {
    if (location) u.usage_location = new_location;
    if (!new_upn.empty()) u.user_principal_name = new_upn;
    if (enabled != body.end()) u.account_enabled = enabled->get<bool>();
    if (body.contains("department")) u.department = string_field(body, "department");
    if (body.contains("jobTitle")) u.job_title = string_field(body, "jobTitle");
    if (body.contains("displayName")) u.display_name = string_field(body, "displayName");
    if (body.contains("givenName")) u.given_name = string_field(body, "givenName");
    if (body.contains("surname")) u.surname = string_field(body, "surname");
    if (body.contains("mail")) u.mail = string_field(body, "mail");
  });
  return {204, nullptr, {}};
}

ApiResponse GraphApi::delete_user(const Caller& c, const std::string& id) const {
  require(c, {"UserAdministrator"});
  double now = clock_.now();
  auto lock = c.tenant->acquire(now);
  const UserRecord* u = c.tenant->find_active(id);
  if (u == nullptr) throw not_found(id);
  c.tenant->soft_delete(u->id, now);
  return {204, nullptr, {}};
}

ApiResponse GraphApi::restore_user(const Caller& c, const std::string& id,
                                   const std::string& body_text) const {
  json body = parse_body(body_text, /*optional=*/true);
  require(c, {"UserAdministrator"});
  auto lock = c.tenant->acquire(clock_.now());
  TenantDirectory& t = *c.tenant;
  const UserRecord* u = t.find_deleted(id);
  if (u == nullptr) throw not_found(id);
  std::optional<std::string> new_upn;
  if (body.contains("newUserPrincipalName") && !body["newUserPrincipalName"].is_null()) {
    new_upn = string_field(body, "newUserPrincipalName");
    check_upn_domain(t, *new_upn);
  }
  // Only an active user blocks the name: the deleted user itself holds it already.
  if (t.upn_in_use(new_upn.value_or(u->user_principal_name), /*include_deleted=*/false)) {
    duplicate_upn();
  }
  const UserRecord& restored = t.restore(u->id, new_upn);
  json out = project_user(t, restored, Selection{}, UserView::kActive);
  out["@odata.context"] = graph_url("$metadata#directoryObjects/$entity");
  out["@odata.type"] = "#microsoft.graph.user";
  return {200, std::move(out), {}};
}

ApiResponse GraphApi::assign_license(const Caller& c, const std::string& id,
                                     const std::string& body_text) const {
  json body = parse_body(body_text);
  require(c, {"LicenseAdministrator", "UserAdministrator"});
  std::vector<std::string> missing;
  if (!body.contains("addLicenses") || !body["addLicenses"].is_array())
    missing.push_back("addLicenses");
  if (!body.contains("removeLicenses") || !body["removeLicenses"].is_array()) {
    missing.push_back("removeLicenses");
  }
  if (!missing.empty()) {
    std::string names = missing[0] + (missing.size() > 1 ? ", " + missing[1] : "");
    fail(400, msg::kBadRequest,
         "One or more parameters of the function import 'assignLicense' are missing from the "
         "request payload. The missing parameters are: " +
             names + ".");
  }
  std::vector<LicenseRecord> add;
  for (const auto& l : body["addLicenses"]) {
    if (!l.is_object() || !l.contains("skuId") || !l["skuId"].is_string()) {
      fail(400, msg::kBadRequest, "Invalid value specified for property 'addLicenses'.");
    }
    LicenseRecord r{to_lower(l["skuId"].get<std::string>()), {}};
    if (l.contains("disabledPlans") && l["disabledPlans"].is_array()) {
      for (const auto& p : l["disabledPlans"]) {
        if (!p.is_string())
          fail(400, msg::kBadRequest, "Invalid value specified for property 'disabledPlans'.");
        r.disabled_plans.push_back(to_lower(p.get<std::string>()));
      }
    }
    add.push_back(std::move(r));
  }
  std::vector<std::string> remove;
  for (const auto& s : body["removeLicenses"]) {
    if (!s.is_string())
      fail(400, msg::kBadRequest, "Invalid value specified for property 'removeLicenses'.");
    remove.push_back(to_lower(s.get<std::string>()));
  }

  auto lock = c.tenant->acquire(clock_.now());
  TenantDirectory& t = *c.tenant;
  const UserRecord* u = t.find_active(id);
  if (u == nullptr) throw not_found(id);
  LicenseChange change = check_license_change(t, *u, add, remove);
  if (auto* refusal = std::get_if<std::string>(&change)) fail(400, msg::kBadRequest, *refusal);
  auto licenses = std::get<std::vector<LicenseRecord>>(std::move(change));
  const UserRecord& updated =
      t.update_user(u->id, [&](UserRecord& user) { user.licenses = std::move(licenses); });
  Selection sel;
  json out = project_user(t, updated, sel, UserView::kActive);
  out["assignedLicenses"] = project_user(t, updated, parse_select("assignedLicenses"),
                                         UserView::kActive)["assignedLicenses"];
  out["@odata.context"] = graph_url("$metadata#users/$entity");
  return {200, std::move(out), {}};
}

// Built-in roles only (the fake has no custom roles); any read role may list them.
ApiResponse GraphApi::list_role_definitions(const Caller& c, const QueryParams& q) const {
  require_read(c);
  std::vector<FilterClause> filter;
  if (auto text = q.get("$filter")) filter = parse_eq_filter(*text, {"displayName", "id"});
  auto select = q.get("$select");
  json value = json::array();
  for (const RoleDefinition& role : builtin_roles()) {
    bool keep = std::all_of(filter.begin(), filter.end(), [&](const FilterClause& f) {
      return iequals(f.property == "id" ? role.template_id : role.display_name, f.value);
    });
    if (keep) value.push_back(select_role_properties(project_role_definition(role), select));
  }
  return {
      200,
      collection(graph_url("$metadata#roleManagement/directory/roleDefinitions"), std::move(value)),
      {}};
}

// Groups are known by id only (no names in the path, as Graph).
ApiResponse GraphApi::get_group(const Caller& c, const std::string& id,
                                const QueryParams& q) const {
  require_read(c);
  auto select = q.get("$select");
  auto lock = c.tenant->acquire(clock_.now());  // fills a generated tenant on first use
  const std::string* name = c.tenant->group_name(id);
  if (name == nullptr) throw not_found(id);
  json out = select_properties(project_group(to_lower(id), *name), select, "microsoft.graph.group");
  out["@odata.context"] =
      graph_url(select ? "$metadata#groups(" + *select + ")/$entity" : "$metadata#groups/$entity");
  return {200, std::move(out), {}};
}

ApiResponse GraphApi::get_role_definition(const Caller& c, const std::string& id,
                                          const QueryParams& q) const {
  require_read(c);
  const RoleDefinition* role = find_role(id);
  if (role == nullptr) throw not_found(id);
  json out = select_role_properties(project_role_definition(*role), q.get("$select"));
  out["@odata.context"] = graph_url("$metadata#roleManagement/directory/roleDefinitions/$entity");
  return {200, std::move(out), {}};
}

// In id order, paged like /users ($top, signed $skiptoken); $filter on principalId,
// roleDefinitionId, directoryScopeId or id (eq, joined by and). Other options are ignored.
ApiResponse GraphApi::list_role_assignments(const Caller& c, const QueryParams& q) const {
  require_read(c);
  static const std::vector<std::string> kFilterable = {"principalId", "roleDefinitionId",
                                                       "directoryScopeId", "id"};
  auto filter_text = q.get("$filter");
  std::vector<FilterClause> filter;
  if (filter_text) filter = parse_eq_filter(*filter_text, kFilterable);
  double now = clock_.now();
  ListPaging paging("roleAssignments", q, filter_text.value_or(""), c.tenant->id(), signer_, now);
  auto lock = c.tenant->acquire(now);
  const TenantDirectory& t = *c.tenant;
  auto matches_filter = [&](const RoleAssignmentRecord& a) {
    return std::all_of(filter.begin(), filter.end(), [&](const FilterClause& f) {
      const std::string& actual = f.property == "principalId"        ? a.principal_id
                                  : f.property == "roleDefinitionId" ? a.role_definition_id
                                  : f.property == "directoryScopeId" ? a.directory_scope_id
                                                                     : a.id;
      return f.property == "id" ? actual == f.value : iequals(actual, f.value);
    });
  };
  json value = json::array();
  std::string last;
  bool more = false;
  const auto& all = t.role_assignments();
  for (auto it = all.upper_bound(paging.after()); it != all.end(); ++it) {
    if (!matches_filter(it->second)) continue;
    if (value.size() == static_cast<size_t>(paging.top())) {
      more = true;
      break;
    }
    value.push_back(project_assignment(it->second));
    last = it->first;
  }
  json out =
      collection(graph_url("$metadata#roleManagement/directory/roleAssignments"), std::move(value));
  if (more) {
    std::string link = graph_url("roleManagement/directory/roleAssignments?");
    if (filter_text) link += "$filter=" + percent_encode(*filter_text) + "&";
    out["@odata.nextLink"] = paging.next_link(std::move(link), last);
  }
  return {200, std::move(out), {}};
}

// Tenant-wide ("/") assignments of a built-in role to an active user of the tenant, by
// Privileged Role Administrators (or Global Administrators).
ApiResponse GraphApi::create_role_assignment(const Caller& c, const std::string& body_text) const {
  json body = parse_body(body_text);
  require(c, {"PrivilegedRoleAdministrator"});
  std::string principal_id = assignment_field(body, "principalId");
  std::string role_id = assignment_field(body, "roleDefinitionId");
  std::string scope = assignment_field(body, "directoryScopeId");
  const RoleDefinition* role = find_role(role_id);
  if (role == nullptr) invalid_assignment_property("roleDefinitionId");
  // The fake models tenant-wide assignments only (no administrative units or app scopes).
  if (scope != "/") invalid_assignment_property("directoryScopeId");

  auto lock = c.tenant->acquire(clock_.now());
  TenantDirectory& t = *c.tenant;
  // By object id only, as the service: a user principal name is no principal id.
  auto principal = t.active_users().find(to_lower(principal_id));
  if (principal == t.active_users().end()) throw not_found(principal_id);
  const std::string& user_id = principal->first;
  RoleAssignmentRecord record{role_assignment_id(role->template_id, user_id), user_id,
                              role->template_id, scope};
  if (t.find_role_assignment(user_id, role->template_id, scope) != nullptr ||
      t.find_role_assignment(record.id) != nullptr) {
    fail(400, msg::kBadRequest, msg::kConflictingObject);
  }
  const RoleAssignmentRecord& created = t.add_role_assignment(std::move(record));
  json out = project_assignment(created);
  out["@odata.context"] = graph_url("$metadata#roleManagement/directory/roleAssignments/$entity");
  return {201,
          std::move(out),
          {{"Location",
            graph_url("roleManagement/directory/roleAssignments/" + percent_encode(created.id))}}};
}

ApiResponse GraphApi::get_role_assignment(const Caller& c, const std::string& id) const {
  require_read(c);
  auto lock = c.tenant->acquire(clock_.now());
  const RoleAssignmentRecord* a = c.tenant->find_role_assignment(id);
  if (a == nullptr) throw not_found(id);
  json out = project_assignment(*a);
  out["@odata.context"] = graph_url("$metadata#roleManagement/directory/roleAssignments/$entity");
  return {200, std::move(out), {}};
}

ApiResponse GraphApi::delete_role_assignment(const Caller& c, const std::string& id) const {
  require(c, {"PrivilegedRoleAdministrator"});
  auto lock = c.tenant->acquire(clock_.now());
  if (!c.tenant->remove_role_assignment(id)) throw not_found(id);
  return {204, nullptr, {}};
}

}  // namespace tenantsync::fake
