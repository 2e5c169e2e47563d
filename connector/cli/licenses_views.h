// The views of `tenantsync licenses` besides its per-tenant seat table: the service plans
// of a tenant's SKUs (--plans) and the seats of every cached tenant (--all-tenants).
#pragma once

#include <string>
#include <vector>

#include "connector/cli/options.h"
#include "model/config.h"
#include "sync/store/tenant_snapshot.h"

namespace tenantsync {

// "over its paid count by 1: runs on grace units" when the SKU consumes more than it paid
// for, else "": both seat views say it so.
std::string over_paid_note(const Sku& sku);

// `licenses --tenant T --plans [SKU]`: per SKU (the one named, else every SKU for users)
// its service plans with names and ids and, of the holders among `selected` (every user
// when there is no selection), how many have each plan on and who has it off.
int print_license_plans(const TenantSnapshot& snapshot, const std::vector<const User*>& selected,
                        const std::string& sku, const std::string& format);

// `licenses --all-tenants`: per cached tenant in scope and product, paid, grace, consumed
// and available seats and the shortfall the desired state implies; worst first.
int run_licenses_all_tenants(const Config& config, const LicensesFlags& flags);

}  // namespace tenantsync
