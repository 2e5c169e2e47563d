#include "bench/apply_workload.h"

#include <cstdio>

namespace tenantsync {

namespace {

const char* kE3 = "05e9a617-0261-4cee-bb44-138d3ef5d965";
const char* kEms = "efccb6f7-5641-4e0e-bd10-b4976e1bf68e";
const char* kExs = "4b9405b0-7788-4568-add1-99614e613b69";
const char* kVisio = "c5928f49-12ba-48f7-ada3-0d743a3601d5";
const char* kYammer = "7547a3fe-08ee-4ccb-b430-5077c5041653";

Sku sku(const std::string& id, const std::string& part, int seats, std::vector<ServicePlan> plans) {
  Sku s;
  s.id = id;
  s.sku_id = id;
  s.sku_part_number = part;
  s.prepaid_units.enabled = seats;
  s.service_plans = std::move(plans);
  return s;
}

Operation license_op(OpKind kind, const User& u, const char* part, const char* sku_id,
                     std::vector<std::string> disabled = {}) {
  Operation o;
  o.op = kind;
  o.user = u.user_principal_name;
  o.user_id = u.id;
  o.sku = part;
  o.sku_id = sku_id;
  o.disabled_plans = std::move(disabled);
  return o;
}

}  // namespace

ApplyWorkload make_apply_workload(const ApplyWorkloadSpec& spec) {
  ApplyWorkload w;
  for (int t = 0; t < spec.tenants; ++t) {
    char id[64], domain[64];
    std::snprintf(id, sizeof id, "%08x-0000-4000-8000-%012d", t + 1, t + 1);
    std::snprintf(domain, sizeof domain, "tenant%04d.onmicrosoft.com", t + 1);
    WorkloadTenant wt;
    wt.tenant = {id, domain, domain};
    int n = spec.users_per_tenant;
    wt.skus = {
        sku(kE3, "SPE_E3", n,
            {{"efb87545-963c-4e0d-99df-69c6916d9eb0", "EXCHANGE_S_ENTERPRISE", "Success", "User"},
             {kYammer, "YAMMER_ENTERPRISE", "Success", "User"}}),
        sku(kEms, "EMS", n,
            {{"c1ec4a95-1f05-45b3-a911-aa3fa01094f5", "INTUNE_A", "Success", "User"}}),
        sku(kExs, "EXCHANGESTANDARD", n,
            {{"9aaf7827-d63c-4b61-89c3-182f06f82e5c", "EXCHANGE_S_STANDARD", "Success", "User"}}),
        sku(kVisio, "VISIOCLIENT", n,
            {{"663a804f-1c30-4ff0-9915-9db84f0d1cea", "VISIO_CLIENT_SUBSCRIPTION", "Success",
              "User"}})};
    TenantPlan tp;
    tp.tenant = domain;
    tp.tenant_id = id;
    for (int i = 0; i < n; ++i) {
      User u;
      char uid[64];
      std::snprintf(uid, sizeof uid, "%08x-%04x-4000-8000-%012d", t + 1, i % 65536, i);
      u.id = uid;
      u.user_principal_name = "user" + std::to_string(i) + "@" + domain;
      u.display_name = "User " + std::to_string(i);
      u.usage_location = "US";
      auto hold = [&](const char* s) {
        u.assigned_licenses.push_back({s, {}});
        u.license_states.push_back({s, std::nullopt, {}, "Active", "None"});
      };
      switch (i % 4) {
        case 0:
          hold(kExs);
          tp.operations.push_back(license_op(OpKind::Revoke, u, "EXCHANGESTANDARD", kExs));
          tp.operations.push_back(license_op(OpKind::Assign, u, "SPE_E3", kE3));
          break;
        case 1:
          tp.operations.push_back(license_op(OpKind::Assign, u, "SPE_E3", kE3));
          tp.operations.push_back(license_op(OpKind::Assign, u, "EMS", kEms));
          break;
        case 2:
          hold(kE3);
          hold(kEms);
          tp.operations.push_back(license_op(OpKind::Revoke, u, "SPE_E3", kE3));
          tp.operations.push_back(license_op(OpKind::Revoke, u, "EMS", kEms));
          break;
        case 3:
          hold(kE3);
          tp.operations.push_back(license_op(OpKind::Update, u, "SPE_E3", kE3, {kYammer}));
          tp.operations.push_back(license_op(OpKind::Assign, u, "VISIOCLIENT", kVisio));
          break;
      }
      wt.users.push_back(std::move(u));
    }
    w.operations += static_cast<int>(tp.operations.size());
    w.plan.tenants.push_back(std::move(tp));
    w.tenants.push_back(std::move(wt));
  }
  return w;
}

std::vector<std::pair<std::string, WriteRequest>> naive_requests(const Plan& plan) {
  std::vector<std::pair<std::string, WriteRequest>> out;
  for (const auto& t : plan.tenants) {
    for (const auto& o : t.operations) {
      WriteRequest r;
      r.kind = WriteRequest::Kind::AssignLicense;
      r.user = o.user_id;
      if (o.op == OpKind::Revoke) {
        r.remove_licenses.push_back(o.sku_id);
      } else {
        r.add_licenses.push_back({o.sku_id, o.disabled_plans});
      }
      out.emplace_back(t.tenant_id, std::move(r));
    }
  }
  return out;
}

}  // namespace tenantsync
