// A catalogue of realistic Microsoft 365 SKUs and service plans (real part numbers, plan
// names and GUIDs as published), with the rules between their plans. The generator draws
// tenants' SKUs from it; fixtures/demo.json uses the same ids.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "fakes/fake_directory.h"

namespace tenantsync::fake {

struct CatalogueSku {
  const char* part_number;
  const char* sku_id;
  const char* applies_to;
  std::vector<const char*> plan_names;
};

// In the order the generator adds them: SPE_E3 first, then EMS, SPE_E5, EXCHANGESTANDARD,
// MCOEV, MCOPSTN1, POWER_BI_PRO, ...
const std::vector<CatalogueSku>& sku_catalogue();
// Service plan id by name ("" when unknown).
std::string plan_id(const std::string& plan_name);

// Rules among plans, by name: EXCHANGE_S_STANDARD vs EXCHANGE_S_ENTERPRISE are mutually
// exclusive; MCOEV requires MCOSTANDARD; MCOPSTN1 requires MCOEV.
const std::vector<std::pair<const char*, const char*>>& exclusive_plan_names();
const std::vector<std::pair<const char*, std::vector<const char*>>>& plan_dependency_names();

// A SkuRecord for a catalogue entry with the given seats.
SkuRecord make_sku(const CatalogueSku& entry, int enabled, int warning = 0);

}  // namespace tenantsync::fake
