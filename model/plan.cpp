#include "model/plan.h"

#include <algorithm>
#include <initializer_list>
#include <limits>
#include <set>
#include <utility>

#include "model/json_source.h"

namespace tenantsync {

const char* to_string(OpKind kind) {
  switch (kind) {
    case OpKind::Assign:
      return "assign";
    case OpKind::Revoke:
      return "revoke";
    case OpKind::Update:
      return "update";
    case OpKind::Restore:
      return "restore";
    case OpKind::Delete:
      return "delete";
    case OpKind::Create:
      return "create";
    case OpKind::ResetPassword:
      return "reset-password";
    case OpKind::AddRole:
      return "add-role";
    case OpKind::RemoveRole:
      return "remove-role";
    case OpKind::SetProperties:
      return "set";
  }
  return "assign";
}

const char* to_string(OpStatus status) {
  switch (status) {
    case OpStatus::Ready:
      return "ready";
    case OpStatus::Blocked:
      return "blocked";
    case OpStatus::Applied:
      return "applied";
    case OpStatus::Failed:
      return "failed";
    case OpStatus::Skipped:
      return "skipped";
  }
  return "ready";
}

std::optional<OpKind> parse_op_kind(std::string_view text) {
  for (OpKind kind : {OpKind::Assign, OpKind::Revoke, OpKind::Update, OpKind::Restore,
                      OpKind::Delete, OpKind::Create, OpKind::ResetPassword, OpKind::AddRole,
                      OpKind::RemoveRole, OpKind::SetProperties}) {
    if (text == to_string(kind)) return kind;
  }
  return std::nullopt;
}

std::optional<OpStatus> parse_op_status(std::string_view text) {
  for (OpStatus status : {OpStatus::Ready, OpStatus::Blocked, OpStatus::Applied, OpStatus::Failed,
                          OpStatus::Skipped}) {
    if (text == to_string(status)) return status;
  }
  return std::nullopt;
}

bool Operation::operator==(const Operation& o) const {
  return op == o.op && user == o.user && user_id == o.user_id && sku == o.sku &&
         sku_id == o.sku_id && disabled_plans == o.disabled_plans &&
         newly_disabled_plans == o.newly_disabled_plans && status == o.status &&
         reason == o.reason && error == o.error && details == o.details;
}

std::string role_name(const Operation& op) {
  if (!op.details || !op.details->is_object()) return "";
  for (const char* key : {"role", "roleDefinitionId"}) {
    auto it = op.details->find(key);
    if (it != op.details->end() && it->is_string() && !it->get<std::string>().empty()) {
      return it->get<std::string>();
    }
  }
  return "";
}

PlanSummary Plan::summary() const {
  PlanSummary s;
  for (const auto& tenant : tenants) {
    if (!tenant.not_planned.empty()) ++s.tenants_not_planned;
    if (!tenant.stale.empty()) ++s.tenants_stale;
    std::set<std::string> users;
    for (const auto& op : tenant.operations)
      users.insert(op.user_id.empty() ? op.user : op.user_id);
    s.users += static_cast<int>(users.size());
    s.operations += static_cast<int>(tenant.operations.size());
    for (const auto& op : tenant.operations) {
      switch (op.status) {
        case OpStatus::Ready:
          break;
        case OpStatus::Applied:
          ++s.applied;
          break;
        case OpStatus::Blocked:
          ++s.blocked;
          continue;
        case OpStatus::Failed:
          ++s.failed;
          continue;
        case OpStatus::Skipped:
          ++s.skipped;
          continue;
      }
      switch (op.op) {
        case OpKind::Assign:
          ++s.assign;
          break;
        case OpKind::Revoke:
          ++s.revoke;
          break;
        case OpKind::Update:
          ++s.update;
          break;
        case OpKind::Restore:
          ++s.restore;
          break;
        case OpKind::Delete:
          ++s.del;
          break;
        case OpKind::Create:
          ++s.create;
          break;
        case OpKind::AddRole:
        case OpKind::RemoveRole:
          ++s.roles;
          break;
        case OpKind::SetProperties:
          ++s.set;
          break;
        case OpKind::ResetPassword:
          break;
      }
    }
  }
  return s;
}

bool Plan::has_ready_operations() const {
  for (const auto& tenant : tenants) {
    for (const auto& op : tenant.operations) {
      if (op.status == OpStatus::Ready) return true;
    }
  }
  return false;
}

bool Plan::has_operations_to_send() const {
  for (const auto& tenant : tenants) {
    if (tenant.mode == TenantMode::Report) continue;
    for (const auto& op : tenant.operations) {
      if (op.status == OpStatus::Ready) return true;
    }
  }
  return false;
}

bool Plan::has_enforce_tenant_unknown() const {
  return std::any_of(tenants.begin(), tenants.end(), [](const TenantPlan& t) {
    return t.mode == TenantMode::Enforce && (!t.not_planned.empty() || !t.stale.empty());
  });
}

void to_json(nlohmann::json& j, const Operation& op) {
  j = {{"op", to_string(op.op)},
       {"user", op.user},
       {"userId", op.user_id},
       {"sku", op.sku},
       {"skuId", op.sku_id},
       {"disabledPlans", op.disabled_plans},
       {"status", to_string(op.status)}};
  if (!op.newly_disabled_plans.empty()) j["newlyDisabledPlans"] = op.newly_disabled_plans;
  if (!op.reason.empty()) j["reason"] = op.reason;
  if (op.error) j["error"] = {{"code", op.error->code}, {"message", op.error->message}};
  if (op.details) j["details"] = *op.details;
}

void to_json(nlohmann::json& j, const SeatLine& s) {
  j = {{"sku", s.sku},           {"skuId", s.sku_id},         {"enabled", s.enabled},
       {"consumed", s.consumed}, {"afterPlan", s.after_plan}, {"shortfall", s.shortfall}};
  if (s.grace > 0) {
    j["grace"] = s.grace;
    j["graceCounted"] = s.grace_counted;
  }
}

void to_json(nlohmann::json& j, const TenantPlan& t) {
  j = {{"tenant", t.tenant},         {"tenantId", t.tenant_id}, {"mode", to_string(t.mode)},
       {"operations", t.operations}, {"seats", t.seats},        {"notes", t.notes}};
  if (!t.not_planned.empty()) j["notPlanned"] = t.not_planned;
  if (!t.desired_fingerprint.empty()) j["desiredFingerprint"] = t.desired_fingerprint;
  if (!t.stale.empty()) j["stale"] = t.stale;
  if (t.over_limit) {
    const OverLimit& o = *t.over_limit;
    j["overLimit"] = {{"lossesOfAccess", o.losses_of_access},
                      {"revocations", o.revocations},
                      {"updatesDisablingPlans", o.updates_disabling_plans},
                      {"deletions", o.deletions},
                      {"signInBlocks", o.sign_in_blocks},
                      {"limits", o.limits},
                      {"message", o.message}};
  }
}

void to_json(nlohmann::json& j, const PlanSummary& s) {
  j = {{"assign", s.assign},         {"revoke", s.revoke}, {"update", s.update},
       {"restore", s.restore},       {"delete", s.del},    {"create", s.create},
       {"roles", s.roles},           {"set", s.set},       {"blocked", s.blocked},
       {"applied", s.applied},       {"failed", s.failed}, {"skipped", s.skipped},
       {"operations", s.operations}, {"users", s.users}};
  j["tenantsNotPlanned"] = s.tenants_not_planned;
  j["tenantsStale"] = s.tenants_stale;
}

void to_json(nlohmann::json& j, const Plan& p) {
  j = {{"version", p.version},
       {"fingerprint", p.fingerprint},
       {"tenants", p.tenants},
       {"summary", p.summary()}};
}

namespace {

using nlohmann::json;
using Keys = std::initializer_list<std::string_view>;

// Reads a plan document, collecting every problem with its field path.
class PlanReader {
 public:
  Plan read(const json& root) {
    Plan plan;
    if (!object_with_keys(root, "", {"version", "fingerprint", "tenants", "summary"})) return plan;
    if (const json* version = required(root, "", "version")) {
      if (!version->is_number_integer() || *version != 1) {
        problem("version", "unsupported plan version " + describe_json_value(*version) +
                               "; this tenantsync reads version 1");
      }
    }
    plan.fingerprint = string_field(root, "", "fingerprint", true);
    if (const json* tenants = required(root, "", "tenants")) {
      if (expect(*tenants, "tenants", json::value_t::array)) {
        for (size_t i = 0; i < tenants->size(); ++i) {
          plan.tenants.push_back(read_tenant((*tenants)[i], path_index("tenants", i)));
        }
      }
    }
    return plan;
  }

  bool failed() const { return !problems_.empty(); }
  Error error() const {
    std::string text;
    for (const auto& p : problems_) text += (text.empty() ? "" : "\n") + p;
    return make_error(ErrorKind::Invalid, std::move(text), "InvalidPlan");
  }

 private:
  void problem(const std::string& path, const std::string& message) {
    problems_.push_back(path.empty() ? message : path + ": " + message);
  }

  bool expect(const json& j, const std::string& path, json::value_t type) {
    if (j.type() == type) return true;
    problem(path, std::string("expected ") + json(type).type_name() + ", got " + j.type_name());
    return false;
  }

  bool object_with_keys(const json& j, const std::string& path, Keys allowed) {
    if (!expect(j, path, json::value_t::object)) return false;
    for (const auto& [key, value] : j.items()) {
      if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
        problem(path, "unknown key " + json_quote(key));
      }
    }
    return true;
  }

  const json* required(const json& object, const std::string& path, const char* key) {
    auto it = object.find(key);
    if (it == object.end()) {
      problem(path, std::string("missing required key \"") + key + "\"");
      return nullptr;
    }
    return &*it;
  }

  // A string field; null reads as "" (ids the planner could not know yet).
  std::string string_field(const json& object, const std::string& path, const char* key,
                           bool is_required) {
    auto it = object.find(key);
    if (it == object.end()) {
      if (is_required) problem(path, std::string("missing required key \"") + key + "\"");
      return {};
    }
    if (it->is_null() && !is_required) return {};
    if (!expect(*it, path_key(path, key), json::value_t::string)) return {};
    return it->get<std::string>();
  }

  int int_field(const json& object, const std::string& path, const char* key) {
    auto it = object.find(key);
    if (it == object.end()) return 0;
    std::string child = path_key(path, key);
    if (!it->is_number_integer()) {
      problem(child, std::string("expected an integer, got ") + it->type_name());
      return 0;
    }
    if (it->is_number_unsigned()) {
      auto value = it->get<uint64_t>();
      if (value <= static_cast<uint64_t>(std::numeric_limits<int>::max())) {
        return static_cast<int>(value);
      }
    } else {
      auto value = it->get<int64_t>();
      if (value >= std::numeric_limits<int>::min() && value <= std::numeric_limits<int>::max()) {
        return static_cast<int>(value);
      }
    }
    problem(child, "integer out of range: " + describe_json_value(*it));
    return 0;
  }

  std::vector<std::string> string_array(const json& object, const std::string& path,
                                        const char* key) {
    std::vector<std::string> out;
    auto it = object.find(key);
    if (it == object.end()) return out;
    std::string child = path_key(path, key);
    if (!expect(*it, child, json::value_t::array)) return out;
    for (size_t i = 0; i < it->size(); ++i) {
      if (expect((*it)[i], path_index(child, i), json::value_t::string)) {
        out.push_back((*it)[i].get<std::string>());
      }
    }
    return out;
  }

  TenantPlan read_tenant(const json& j, const std::string& path) {
    TenantPlan tenant;
    if (!object_with_keys(j, path,
                          {"tenant", "tenantId", "mode", "operations", "seats", "notes",
                           "notPlanned", "stale", "overLimit", "desiredFingerprint"})) {
      return tenant;
    }
    tenant.tenant = string_field(j, path, "tenant", true);
    tenant.tenant_id = string_field(j, path, "tenantId", false);
    if (auto it = j.find("mode"); it != j.end()) {
      std::optional<TenantMode> mode;
      if (it->is_string()) mode = parse_tenant_mode(it->get_ref<const std::string&>());
      if (mode) {
        tenant.mode = *mode;
      } else {
        problem(path_key(path, "mode"),
                "expected \"enforce\" or \"report\", got " + describe_json_value(*it));
      }
    }
    if (const json* ops = required(j, path, "operations")) {
      std::string ops_path = path_key(path, "operations");
      if (expect(*ops, ops_path, json::value_t::array)) {
        for (size_t i = 0; i < ops->size(); ++i) {
          tenant.operations.push_back(read_operation((*ops)[i], path_index(ops_path, i)));
        }
      }
    }
    if (auto it = j.find("seats"); it != j.end()) {
      std::string seats_path = path_key(path, "seats");
      if (expect(*it, seats_path, json::value_t::array)) {
        for (size_t i = 0; i < it->size(); ++i) {
          tenant.seats.push_back(read_seat((*it)[i], path_index(seats_path, i)));
        }
      }
    }
    tenant.notes = string_array(j, path, "notes");
    tenant.not_planned = string_field(j, path, "notPlanned", false);
    tenant.desired_fingerprint = string_field(j, path, "desiredFingerprint", false);
    tenant.stale = string_field(j, path, "stale", false);
    if (auto it = j.find("overLimit"); it != j.end() && !it->is_null()) {
      tenant.over_limit = read_over_limit(*it, path_key(path, "overLimit"));
    }
    return tenant;
  }

  Operation read_operation(const json& j, const std::string& path) {
    Operation op;
    if (!object_with_keys(j, path,
                          {"op", "user", "userId", "sku", "skuId", "disabledPlans",
                           "newlyDisabledPlans", "status", "reason", "error", "details"})) {
      return op;
    }
    if (const json* kind = required(j, path, "op")) {
      std::optional<OpKind> parsed;
      if (kind->is_string()) parsed = parse_op_kind(kind->get_ref<const std::string&>());
      if (parsed == OpKind::ResetPassword) parsed.reset();  // a journal entry, not a plan's
      if (parsed) {
        op.op = *parsed;
      } else {
        problem(path_key(path, "op"), "unknown operation " + describe_json_value(*kind));
      }
    }
    op.user = string_field(j, path, "user", true);
    op.user_id = string_field(j, path, "userId", false);
    op.sku = string_field(j, path, "sku", false);
    op.sku_id = string_field(j, path, "skuId", false);
    op.disabled_plans = string_array(j, path, "disabledPlans");
    op.newly_disabled_plans = string_array(j, path, "newlyDisabledPlans");
    if (const json* status = required(j, path, "status")) {
      std::optional<OpStatus> parsed;
      if (status->is_string()) parsed = parse_op_status(status->get_ref<const std::string&>());
      if (parsed) {
        op.status = *parsed;
      } else {
        problem(path_key(path, "status"), "unknown status " + describe_json_value(*status));
      }
    }
    op.reason = string_field(j, path, "reason", false);
    if (auto it = j.find("error"); it != j.end() && !it->is_null()) {
      std::string error_path = path_key(path, "error");
      if (object_with_keys(*it, error_path, {"code", "message"})) {
        op.error = OperationError{string_field(*it, error_path, "code", false),
                                  string_field(*it, error_path, "message", false)};
      }
    }
    if (auto it = j.find("details"); it != j.end() && !it->is_null()) op.details = *it;
    return op;
  }

  OverLimit read_over_limit(const json& j, const std::string& path) {
    OverLimit o;
    if (!object_with_keys(j, path,
                          {"lossesOfAccess", "revocations", "updatesDisablingPlans", "deletions",
                           "signInBlocks", "limits", "message"})) {
      return o;
    }
    o.losses_of_access = int_field(j, path, "lossesOfAccess");
    o.revocations = int_field(j, path, "revocations");
    o.updates_disabling_plans = int_field(j, path, "updatesDisablingPlans");
    o.deletions = int_field(j, path, "deletions");
    o.sign_in_blocks = int_field(j, path, "signInBlocks");
    o.message = string_field(j, path, "message", false);
    if (auto it = j.find("limits"); it != j.end()) {
      if (!it->is_array()) {
        problem(path_key(path, "limits"), "expected a list of config keys");
      } else {
        for (const auto& key : *it) {
          if (key.is_string()) o.limits.push_back(key.get<std::string>());
        }
      }
    }
    return o;
  }

  SeatLine read_seat(const json& j, const std::string& path) {
    SeatLine seat;
    if (!object_with_keys(j, path,
                          {"sku", "skuId", "enabled", "consumed", "afterPlan", "shortfall", "grace",
                           "graceCounted"})) {
      return seat;
    }
    seat.sku = string_field(j, path, "sku", true);
    seat.sku_id = string_field(j, path, "skuId", false);
    seat.enabled = int_field(j, path, "enabled");
    seat.consumed = int_field(j, path, "consumed");
    seat.after_plan = int_field(j, path, "afterPlan");
    seat.shortfall = int_field(j, path, "shortfall");
    seat.grace = int_field(j, path, "grace");
    if (auto it = j.find("graceCounted"); it != j.end()) {
      if (it->is_boolean()) {
        seat.grace_counted = it->get<bool>();
      } else {
        problem(path_key(path, "graceCounted"), "expected true or false");
      }
    }
    return seat;
  }

  std::vector<std::string> problems_;
};

}  // namespace

Result<Plan> plan_from_json(const nlohmann::json& j) {
  PlanReader reader;
  Plan plan = reader.read(j);
  if (reader.failed()) return reader.error();
  return plan;
}

}  // namespace tenantsync
