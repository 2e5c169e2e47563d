#include "tests/integration/planner_promise.h"

#include <algorithm>

namespace tenantsync::test {

namespace {

constexpr char kHeldBack[] = "kept until ";

std::string describe(const std::string& tenant, const Operation& op) {
  std::string out = tenant + ": " + to_string(op.op) + " " + op.user;
  if (!op.sku.empty()) out += " " + op.sku;
  return out;
}

// The request that carries `op` alone, as the executor would build it.
WriteRequest request_for(const Operation& op) {
  WriteRequest r;
  r.user = op.user_id.empty() ? op.user : op.user_id;
  switch (op.op) {
    case OpKind::Assign:
    case OpKind::Update:
      r.kind = WriteRequest::Kind::AssignLicense;
      r.add_licenses = {{op.sku_id, op.disabled_plans}};
      break;
    case OpKind::Revoke:
      r.kind = WriteRequest::Kind::AssignLicense;
      r.remove_licenses = {op.sku_id};
      break;
    case OpKind::Restore:
      r.kind = WriteRequest::Kind::RestoreUser;
      break;
    case OpKind::Delete:
      r.kind = WriteRequest::Kind::DeleteUser;
      break;
    case OpKind::Create:
      r.kind = WriteRequest::Kind::CreateUser;
      r.body = op.details.value_or(nlohmann::json::object());
      r.body["passwordProfile"] = {{"forceChangePasswordNextSignIn", true},
                                   {"password", "Probe-Passw0rd!"}};
      break;
    case OpKind::AddRole:
      r.kind = WriteRequest::Kind::AddRole;
      r.role_definition_id =
          op.details.value_or(nlohmann::json::object()).value("roleDefinitionId", "");
      break;
    case OpKind::RemoveRole:
      r.kind = WriteRequest::Kind::RemoveRole;
      r.role_assignment_id =
          op.details.value_or(nlohmann::json::object()).value("roleAssignmentId", "");
      break;
    case OpKind::SetProperties:
      r.kind = WriteRequest::Kind::UpdateUser;
      r.body = op.details.value_or(nlohmann::json::object());
      break;
    case OpKind::ResetPassword:  // journal-only, never planned
      break;
  }
  return r;
}

// "kept until SPE_E5 can be assigned" -> "SPE_E5".
std::string awaited_sku(const std::string& reason) {
  std::string rest = reason.substr(std::string(kHeldBack).size());
  return rest.substr(0, rest.find(' '));
}

// The plan's reason quotes the service's message. For an exclusive pair the order of the
// two plan ids is the service's own (the order its rule lists them in), which a client
// cannot know: either order quotes it.
bool quotes(const std::string& reason, const Error& e) {
  if (reason.find(e.message) != std::string::npos) return true;
  const std::string head = "License assignment failed because service plans ";
  const std::string tail = " are mutually exclusive.";
  if (e.refusal != Refusal::ExclusivePlans || e.message.rfind(head, 0) != 0) return false;
  std::string ids = e.message.substr(head.size(), e.message.size() - head.size() - tail.size());
  auto comma = ids.find(',');
  if (comma == std::string::npos) return false;
  std::string swapped = head + ids.substr(comma + 1) + "," + ids.substr(0, comma) + tail;
  return reason.find(swapped) != std::string::npos;
}

}  // namespace

std::vector<std::string> ready_operations_not_applied(const ApplyReport& report) {
  std::vector<std::string> out;
  for (const auto& t : report.plan.tenants) {
    if (t.mode == TenantMode::Report) continue;  // apply never changes those
    for (const auto& op : t.operations) {
      if (op.status == OpStatus::Applied || op.status == OpStatus::Blocked) continue;
      std::string line = describe(t.tenant, op) + ": " + to_string(op.status);
      if (op.error) line += ": " + op.error->code + ": " + op.error->message;
      if (!op.reason.empty()) line += " (" + op.reason + ")";
      out.push_back(line);
    }
  }
  return out;
}

std::vector<BlockedProbe> blocked_probes(const Plan& plan) {
  std::vector<BlockedProbe> probes;
  for (const auto& t : plan.tenants) {
    std::vector<const Operation*> held_back;
    size_t first = probes.size();
    for (const auto& op : t.operations) {
      if (op.status != OpStatus::Blocked) continue;
      if (op.reason.rfind(kHeldBack, 0) == 0) {
        held_back.push_back(&op);
        continue;
      }
      probes.push_back({t.tenant_id, op.user, request_for(op), {op}, op.reason});
    }
    for (const Operation* op : held_back) {
      std::string awaited = awaited_sku(op->reason);
      auto partner = std::find_if(probes.begin() + static_cast<long>(first), probes.end(),
                                  [&](const BlockedProbe& p) {
                                    const Operation& o = p.operations.front();
                                    return o.user == op->user && o.sku == awaited &&
                                           p.request.kind == WriteRequest::Kind::AssignLicense;
                                  });
      if (partner == probes.end()) {
        // Nothing to wait for: sent alone, which the service would accept.
        probes.push_back({t.tenant_id, op->user, request_for(*op), {*op}, op->reason});
        continue;
      }
      partner->request.remove_licenses.push_back(op->sku_id);
      partner->operations.push_back(*op);
    }
  }
  return probes;
}

ProbeOutcome send_blocked_probes(Directory& directory, const std::vector<BlockedProbe>& probes) {
  ProbeOutcome out;
  for (const auto& p : probes) {
    std::string what = describe(p.tenant_id, p.operations.front());
    if (p.operations.size() > 1) {
      what += " (with " + std::to_string(p.operations.size() - 1) + " held-back revocation)";
    }
    auto results = directory.write(p.tenant_id, {p.request});
    if (results.size() != 1) {
      out.problems.push_back(what + ": no result");
      continue;
    }
    const Status& status = results[0].status;
    if (status.ok()) {
      out.problems.push_back(what + ": the service accepted it; the plan said: " + p.reason);
      continue;
    }
    const Error& e = status.error();
    if (e.kind == ErrorKind::Throttled || e.kind == ErrorKind::Transient) {
      out.problems.push_back(what + ": not answered: " + e.describe());
      continue;
    }
    if (!quotes(p.reason, e)) {
      out.problems.push_back(what + ": refused with \"" + e.describe() +
                             "\" but the plan said: " + p.reason);
      continue;
    }
    ++out.refusals[e.refusal == Refusal::None ? e.code : to_string(e.refusal)];
  }
  return out;
}

int ready_operations(const TenantPlan& tenant) {
  int n = 0;
  for (const auto& op : tenant.operations) n += op.status == OpStatus::Ready ? 1 : 0;
  return n;
}

}  // namespace tenantsync::test
