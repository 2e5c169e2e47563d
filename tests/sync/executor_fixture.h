// The executor tests' fixture: an ApplyHarness (in-memory remote with the service's
// license rules, a fault-injecting wrapper, a cache, a fake clock), desired states and
// users built in code, and requests and reports described in one line each. Shared by
// executor_test (execute_plan: tenants, modes, limits, stale plans), tenant_run_test (a
// tenant's phases and calls) and tenant_run_results_test (answers folded into the plan,
// the cache and the journal).
#pragma once

#include <algorithm>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "sync/apply/executor.h"
#include "sync/apply/license_change.h"
#include "sync/ascii_case.h"
#include "sync/plan/safety_limits.h"
#include "tests/sync/apply_test_support.h"

namespace tenantsync::executor_fixture {

using ::testing::AllOf;
using ::testing::Each;
using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::SizeIs;

inline const std::string kContoso = "contoso.onmicrosoft.com";
inline const std::string kFabrikam = "fabrikam.onmicrosoft.com";
inline const char* kSeatMessage =
    "Subscription with SKU sku-e3 does not have any available licenses.";

inline Error service_error(const std::string& code, const std::string& message, int http = 400,
                           ErrorKind kind = ErrorKind::Rejected) {
  Error e = make_error(kind, message, code);
  e.http_status = http;
  return e;
}

// Requests of `kind` whose user (an id: "id-<name>-<domain>") starts with `prefix`.
inline FaultyDirectory::Match user_is(const std::string& prefix, WriteRequest::Kind kind) {
  return [=](const std::string&, const WriteRequest& r) {
    return r.kind == kind && r.user.rfind(prefix, 0) == 0;
  };
}

inline std::string desired(const std::string& tenant, const std::string& users,
                           const std::string& extra = "") {
  return R"({"version": 1, "tenants": [{"tenant": ")" + tenant +
         R"(", "managedSkus": ["SPE_E3", "EMS", "EXCHANGESTANDARD"])" + extra + R"(, "users": [)" +
         users + "]}]}";
}

inline std::string entry(const std::string& name, const std::string& domain,
                         const std::string& licenses) {
  return R"({"upn": ")" + name + "@" + domain + R"(", "licenses": [)" + licenses + "]}";
}

inline User user(const std::string& name, const std::string& domain,
                 std::vector<std::string> skus) {
  return make_user("id-" + name + "-" + domain, name + "@" + domain, skus);
}

inline std::vector<const Operation*> ops_of(const ApplyReport& r, const std::string& upn_prefix) {
  std::vector<const Operation*> out;
  for (const auto& t : r.plan.tenants) {
    for (const auto& o : t.operations) {
      if (o.user.rfind(upn_prefix, 0) == 0) out.push_back(&o);
    }
  }
  return out;
}

inline std::vector<OpStatus> statuses(const ApplyReport& r) {
  std::vector<OpStatus> out;
  for (const auto& t : r.plan.tenants) {
    for (const auto& o : t.operations) out.push_back(o.status);
  }
  return out;
}

// A request as one short line: "assign alice -sku-e3 +sku-ems", "restore id-erin-...".
inline std::string describe(const WriteRequest& r) {
  switch (r.kind) {
    case WriteRequest::Kind::AssignLicense: {
      std::string out = "assign " + r.user.substr(0, r.user.find('@'));
      for (const auto& s : r.remove_licenses) out += " -" + s;
      for (const auto& a : r.add_licenses) out += " +" + a.sku_id;
      return out;
    }
    case WriteRequest::Kind::CreateUser:
      return "create";
    case WriteRequest::Kind::RestoreUser:
      return "restore";
    case WriteRequest::Kind::DeleteUser:
      return "delete";
    case WriteRequest::Kind::UpdateUser:
      return "update";
    case WriteRequest::Kind::AddRole:
      return "add-role " + r.user + " " + r.role_definition_id;
    case WriteRequest::Kind::RemoveRole:
      return "remove-role " + r.role_assignment_id;
  }
  return "";
}

class ExecutorFixture : public ::testing::Test {
 protected:
  // Alice gives up her SPE_E3 and bob takes one, out of `seats` in all.
  Plan plan_alice_frees_a_seat_for_bob(int seats) {
    h.add_tenant(kContoso, {user("alice", kContoso, {kE3}), user("bob", kContoso, {})}, {},
                 test_skus(seats));
    h.mirror();
    return h.plan(desired(
        kContoso, entry("alice", kContoso, "") + "," + entry("bob", kContoso, R"("SPE_E3")")));
  }

  ApplyHarness h;
};

// Alice and bob have no usage location; the tenant's default gives them one.
inline Plan plan_locations_then_licenses(ApplyHarness& h) {
  User alice = user("alice", kContoso, {});
  alice.usage_location.reset();
  User bob = user("bob", kContoso, {});
  bob.usage_location.reset();
  h.add_tenant(kContoso, {alice, bob});
  h.mirror();
  return h.plan(desired(
      kContoso, entry("alice", kContoso, R"("SPE_E3")") + "," + entry("bob", kContoso, R"("EMS")"),
      R"(, "defaultUsageLocation": "US")"));
}

}  // namespace tenantsync::executor_fixture
