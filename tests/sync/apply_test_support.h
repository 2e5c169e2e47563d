// Shared setup of the apply tests (executor, crash and settle): an in-memory remote with the
// service's license rules on, a FaultyDirectory in front of it, a cache in a temp dir,
// a fake clock, and the steps of one reconcile (mirror, plan, apply, settle) as one-liners.
//
// Test data: SKUs with real service-plan names (so the built-in rules, e.g. exclusive
// Exchange plans, apply), users built with make_user(). Single-threaded setup; the
// executor under test may use threads.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "model/plan.h"
#include "sync/apply/executor.h"
#include "sync/apply/journal_settle.h"
#include "sync/clock.h"
#include "sync/store/cache.h"
#include "tests/sync/faulty_directory.h"
#include "tests/sync/memory_directory.h"

namespace tenantsync {

// Sku ids of the test catalogue, and its plans' ids ("plan-" + name).
inline const std::string kE3 = "sku-e3";          // SPE_E3
inline const std::string kEms = "sku-ems";        // EMS
inline const std::string kExs = "sku-exs";        // EXCHANGESTANDARD
inline const std::string kVisio = "sku-visio";    // VISIOCLIENT
std::string plan_id_of(const std::string& name);  // "plan-" + name

// The catalogue, each SKU with `seats` enabled seats (consumed counted by the remote).
std::vector<Sku> test_skus(int e3_seats = 100, int ems_seats = 100, int exs_seats = 100,
                           int visio_seats = 100);

// A user's licenses as "SPE_E3", "EMS -INTUNE_A" (disabled plans by name), sorted; for
// comparing end states.
using LicenseView = std::vector<std::string>;

// What a remote (or the cache) holds: active users by lower-case UPN -> licenses, and
// the soft-deleted users' UPNs as "deleted:" + UPN -> licenses.
using StateView = std::map<std::string, LicenseView>;

// The reconcile scenario shared by the executor and crash tests, in tenant `domain`:
// alice E3 -> EMS (swap), bob EXCHANGESTANDARD -> E3 (exclusive swap), carol E3 -> none
// (frees a seat), dave none -> E3, gina deleted, ivan E3 -> E3 without YAMMER_ENTERPRISE
// (update), erin restored (E3 comes back), frank restored (EMS comes back, swapped for
// E3), hank created with E3. SPE_E3 has 7 seats: exactly enough when seats are freed
// before they are taken. Fault-free, it takes 11 requests.
std::vector<User> scenario_users(const std::string& domain);
std::vector<User> scenario_deleted_users(const std::string& domain);
std::string scenario_desired(const std::string& domain);
// The remote's end state after the scenario applied.
StateView scenario_end_state(const std::string& domain);
inline constexpr int kScenarioE3Seats = 7;
inline constexpr int kScenarioRequests = 11;

class ApplyHarness {
 public:
  ApplyHarness();

  // add_tenant() with the scenario's users and seats.
  void add_scenario_tenant(const std::string& domain);
  // Adds tenant `domain` (id "id-" + domain) with the catalogue and these users.
  void add_tenant(const std::string& domain, std::vector<User> users,
                  std::vector<User> deleted = {}, std::vector<Sku> skus = test_skus());
  // Full mirror of every tenant into the cache (from the remote, not through `faulty`).
  void mirror();
  // Plans every tenant of `desired_json` against the cache.
  Plan plan(const std::string& desired_json);
  // Applies through `faulty`, with a password generator recording into `passwords`.
  ApplyReport apply(const Plan& plan, ExecuteOptions options = {});
  // Settles what an interrupted apply left (journal_settle.h), on the fake clock.
  SettleReport settle(SettleOptions options = {});

  StateView remote_state(const std::string& domain) const;
  StateView cache_state(const std::string& domain);
  std::string tenant_id(const std::string& domain) const { return "id-" + domain; }

  TempDir dir;
  FakeClock clock;
  MemoryDirectory remote;
  FaultyDirectory faulty{remote};
  std::unique_ptr<Cache> cache;
  std::map<std::string, std::string> passwords;  // upn -> temporary password, as `created` gave
  int applies = 0;
};

}  // namespace tenantsync
