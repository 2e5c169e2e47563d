// `licenses --plans`: which service plans a SKU has and who has each on, so an admin can
// pick --disable-plan / --enable-only names without reading an error message.
#include <algorithm>
#include <cstdio>

#include <nlohmann/json.hpp>

#include "connector/cli/csv_writer.h"
#include "connector/cli/exit_codes.h"
#include "connector/cli/licenses_views.h"
#include "connector/cli/text_table.h"
#include "model/json_text.h"
#include "sync/ascii_case.h"
#include "sync/plural.h"
#include "sync/product_names.h"

namespace tenantsync {

namespace {

struct PlanLine {
  const ServicePlan* plan = nullptr;
  int on = 0;
  std::vector<std::string> off;  // holders with the plan disabled, by UPN
};

struct SkuPlans {
  const Sku* sku = nullptr;
  int holders = 0;
  std::vector<PlanLine> plans;
};

SkuPlans plans_of(const Sku& sku, const std::vector<const User*>& users) {
  SkuPlans out;
  out.sku = &sku;
  for (const auto& p : sku.service_plans) out.plans.push_back({&p, 0, {}});
  for (const User* u : users) {
    const AssignedLicense* l = u->find_license(sku.sku_id);
    if (!l) continue;
    ++out.holders;
    for (auto& line : out.plans) {
      bool disabled = std::any_of(
          l->disabled_plans.begin(), l->disabled_plans.end(),
          [&](const std::string& id) { return iequals(id, line.plan->service_plan_id); });
      if (disabled) {
        line.off.push_back(u->user_principal_name);
      } else {
        ++line.on;
      }
    }
  }
  std::sort(out.plans.begin(), out.plans.end(), [](const PlanLine& a, const PlanLine& b) {
    return iless(a.plan->service_plan_name, b.plan->service_plan_name);
  });
  return out;
}

std::string joined(const std::vector<std::string>& items, size_t max) {
  std::string out;
  for (size_t i = 0; i < items.size() && i < max; ++i) out += (i ? ", " : "") + items[i];
  if (items.size() > max) out += ", ... (" + std::to_string(items.size() - max) + " more)";
  return out;
}

}  // namespace

int print_license_plans(const TenantSnapshot& snapshot, const std::vector<const User*>& selected,
                        const std::string& sku_name, const std::string& format) {
  std::vector<SkuPlans> skus;
  for (const auto& sku : snapshot.skus) {
    if (sku.applies_to != "User") continue;
    if (!sku_name.empty() && !iequals(sku.sku_part_number, sku_name) &&
        !iequals(sku.sku_id, sku_name))
      continue;
    skus.push_back(plans_of(sku, selected));
  }
  if (skus.empty()) {
    std::vector<std::string> names;
    for (const auto& s : snapshot.skus) {
      if (s.applies_to == "User") names.push_back(s.sku_part_number);
    }
    std::sort(names.begin(), names.end());
    std::fprintf(stderr, "tenantsync licenses: --plans: no SKU %s in %s; its SKUs are %s\n",
                 sku_name.c_str(), snapshot.tenant.default_domain_name.c_str(),
                 joined(names, names.size()).c_str());
    return kExitFailed;
  }
  std::sort(skus.begin(), skus.end(), [](const SkuPlans& a, const SkuPlans& b) {
    return iless(a.sku->sku_part_number, b.sku->sku_part_number);
  });

  if (format == "json") {
    nlohmann::json products = nlohmann::json::array();
    for (const auto& s : skus) {
      nlohmann::json plans = nlohmann::json::array();
      for (const auto& p : s.plans) {
        plans.push_back({{"servicePlanName", p.plan->service_plan_name},
                         {"servicePlanId", p.plan->service_plan_id},
                         {"appliesTo", p.plan->applies_to},
                         {"provisioningStatus", p.plan->provisioning_status},
                         {"enabledFor", p.on},
                         {"disabledFor", p.off}});
      }
      products.push_back({{"sku", s.sku->sku_part_number},
                          {"productName", product_names().name_of(s.sku->sku_part_number)},
                          {"skuId", s.sku->sku_id},
                          {"holders", s.holders},
                          {"servicePlans", std::move(plans)}});
    }
    nlohmann::json out{{"tenant", snapshot.tenant.default_domain_name},
                       {"products", std::move(products)}};
    std::printf("%s\n", dump_json(out, 2).c_str());
    return kExitOk;
  }
  if (format == "csv") {
    CsvWriter csv(stdout);
    csv.row({"sku", "servicePlanName", "servicePlanId", "appliesTo", "provisioningStatus",
             "holders", "enabledFor", "disabledFor"});
    for (const auto& s : skus) {
      for (const auto& p : s.plans) {
        std::string off;
        for (const auto& u : p.off) off += (off.empty() ? "" : ";") + u;
        csv.row({s.sku->sku_part_number, p.plan->service_plan_name, p.plan->service_plan_id,
                 p.plan->applies_to, p.plan->provisioning_status, std::to_string(s.holders),
                 std::to_string(p.on), off});
      }
    }
    return kExitOk;
  }
  bool first = true;
  for (const auto& s : skus) {
    std::printf("%s%s: %s; %s\n", first ? "" : "\n",
                cell(product_names().label(s.sku->sku_part_number), 80).c_str(),
                plural(static_cast<int>(s.plans.size()), "service plan", "service plans").c_str(),
                plural(s.holders, "user holds it", "users hold it").c_str());
    first = false;
    std::vector<std::vector<std::string>> table = {{"  PLAN", "ID", "ON FOR", "OFF FOR"}};
    for (const auto& p : s.plans) {
      std::string status =
          p.plan->provisioning_status == "Success" ? "" : " (" + p.plan->provisioning_status + ")";
      table.push_back(
          {"  " + cell(p.plan->service_plan_name, 40) + status, cell(p.plan->service_plan_id, 36),
           std::to_string(p.on) + " of " + std::to_string(s.holders), cell(joined(p.off, 3), 100)});
    }
    std::printf("%s", render_table(table).c_str());
  }
  return kExitOk;
}

}  // namespace tenantsync
