// `tenantsync licenses`: per product the seats (total, consumed, available) and, for a
// selection of users, whether all, some or none of them hold it, and which do.
#include <algorithm>
#include <cstdio>

#include <nlohmann/json.hpp>

#include "connector/cli/command_context.h"
#include "connector/cli/commands.h"
#include "connector/cli/engine_session.h"
#include "connector/cli/exit_codes.h"
#include "connector/cli/user_selection.h"
#include "model/json_text.h"
#include "sync/ascii_case.h"
#include "sync/product_names.h"

namespace tenantsync {

namespace {

// A selected user who holds a product only through a group.
struct Inherited {
  std::string user;
  std::string group_id;
  std::string group_name;  // "" when the group's name is not cached
};

struct ProductLine {
  const Sku* sku = nullptr;
  std::string label;                 // "Microsoft 365 E3 (SPE_E3)", or the part number
  std::vector<std::string> holders;  // selected users holding it; "(group ...)" when inherited
  std::vector<Inherited> inherited;
  int selected = 0;
  int need = 0;  // seats missing to give it to every selected user who lacks it
};

const char* coverage(const ProductLine& p) {
  if (p.selected == 0) return "-";
  if (static_cast<int>(p.holders.size()) == p.selected) return "all";
  return p.holders.empty() ? "none" : "some";
}

}  // namespace

int run_licenses(const GlobalFlags& g, const LicensesFlags& o) {
  auto config = load_command_config(g);
  if (!config.ok()) return report_failure("licenses", config.error());
  auto selection = selection_filter(o.selection);
  if (!selection.ok()) return report_failure("licenses", selection.error());
  bool has_selection = !selection->empty();
  auto session = EngineSession::open(*config, /*need_remote=*/false);
  if (!session.ok()) return report_failure("licenses", session.error());
  Cache& cache = (*session)->cache();
  auto tenant = cache.find_tenant(o.tenant);
  if (!tenant.ok()) {
    return report_failure("licenses",
                          make_error(ErrorKind::NotFound, "tenant " + o.tenant +
                                                              " is not in the cache: "
                                                              "run `tenantsync mirror --tenant " +
                                                              o.tenant + "` first"));
  }
  auto snapshot = cache.load_snapshot(tenant->id);
  if (!snapshot.ok()) return report_failure("licenses", snapshot.error());
  if (!snapshot->failing_checksum.empty()) {
    std::fprintf(stderr, "tenantsync licenses: warning: %s; the holders shown may be wrong\n",
                 checksum_failure_message(tenant->default_domain_name).c_str());
  }

  // A name that matches nobody (a typo, a user not mirrored yet) would silently shrink
  // the selection and every count shown for it.
  std::string unknown;
  for (const auto& name : selection->users) {
    bool found = std::any_of(snapshot->users.begin(), snapshot->users.end(), [&](const User& u) {
      return u.id == name || iequals(u.user_principal_name, name);
    });
    if (!found) unknown += (unknown.empty() ? "" : ", ") + name;
  }
  if (!unknown.empty()) {
    return report_failure(
        "licenses", make_error(ErrorKind::NotFound,
                               "no active user " + unknown + " in " + tenant->default_domain_name +
                                   " (the cache as last mirrored; run mirror if just created)"));
  }

  std::vector<const User*> selected;
  if (has_selection) {
    for (const auto& u : snapshot->users) {
      if (matches(*selection, u, snapshot->skus)) selected.push_back(&u);
    }
  }
  std::vector<ProductLine> lines;
  for (const auto& sku : snapshot->skus) {
    if (sku.applies_to != "User") continue;
    ProductLine p;
    p.sku = &sku;
    p.label = product_names().label(sku.sku_part_number);
    p.selected = static_cast<int>(selected.size());
    for (const User* u : selected) {
      if (!u->find_license(sku.sku_id)) continue;
      if (u->has_direct_license(sku.sku_id)) {
        p.holders.push_back(u->user_principal_name);
        continue;
      }
      // Inherited: say from which group, by name where the mirror read it.
      std::string group = u->inheriting_group(sku.sku_id).value_or("");
      auto name = snapshot->group_names.find(group);
      p.inherited.push_back(
          {u->user_principal_name, group, name == snapshot->group_names.end() ? "" : name->second});
      p.holders.push_back(u->user_principal_name + " (group" +
                          (group.empty() ? "" : " " + snapshot->group_label(group)) + ")");
    }
    p.need = std::max(0, p.selected - static_cast<int>(p.holders.size()) - sku.free_seats());
    lines.push_back(std::move(p));
  }
  std::sort(lines.begin(), lines.end(), [](const ProductLine& a, const ProductLine& b) {
    return a.sku->sku_part_number < b.sku->sku_part_number;
  });

  if (o.format == "json") {
    nlohmann::json products = nlohmann::json::array();
    for (const auto& p : lines) {
      nlohmann::json j = {{"sku", p.sku->sku_part_number},
                          {"productName", product_names().name_of(p.sku->sku_part_number)},
                          {"skuId", p.sku->sku_id},
                          {"total", p.sku->usable_seats()},
                          {"consumed", p.sku->consumed_units},
                          {"available", p.sku->free_seats()}};
      if (has_selection) {
        j["selected"] = p.selected;
        j["holding"] = p.holders.size();
        j["coverage"] = coverage(p);
        j["holders"] = p.holders;
        nlohmann::json inherited = nlohmann::json::array();
        for (const auto& i : p.inherited) {
          inherited.push_back(
              {{"user", i.user}, {"groupId", i.group_id}, {"groupName", i.group_name}});
        }
        j["inherited"] = std::move(inherited);
        j["seatsNeeded"] = p.need;
      }
      products.push_back(std::move(j));
    }
    nlohmann::json out{{"tenant", tenant->default_domain_name}, {"products", products}};
    std::printf("%s\n", dump_json(out, 2).c_str());
    return kExitOk;
  }
  // The product column is as wide as its longest name (at least the old 28).
  int width = 28;
  for (const auto& p : lines) width = std::max(width, static_cast<int>(p.label.size()));
  std::printf("%-*s %7s %9s %10s", width, "PRODUCT", "TOTAL", "CONSUMED", "AVAILABLE");
  if (has_selection) std::printf("  SELECTED (%zu users)", selected.size());
  std::printf("\n");
  for (const auto& p : lines) {
    std::printf("%-*s %7d %9d %10d", width, p.label.c_str(), p.sku->usable_seats(),
                p.sku->consumed_units, p.sku->free_seats());
    if (has_selection) {
      std::printf("  %s (%zu of %d)", coverage(p), p.holders.size(), p.selected);
    }
    if (p.sku->free_seats() == 0 || p.need > 0) {
      int buy = has_selection ? p.need : 0;
      if (buy > 0) {
        std::printf("  no room: buy %d more seat%s for this selection", buy, buy == 1 ? "" : "s");
      } else if (p.sku->free_seats() == 0) {
        std::printf("  no free seat: buy more to assign it");
      }
    }
    std::printf("\n");
    if (has_selection && !p.holders.empty() && p.holders.size() < selected.size()) {
      for (const auto& h : p.holders) std::printf("    holds it: %s\n", h.c_str());
    }
  }
  return kExitOk;
}

}  // namespace tenantsync
