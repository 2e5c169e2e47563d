// `tenantsync licenses`: per product the seats (paid, grace, consumed, available) and, for
// a selection of users, whether all, some or none of them hold it, and which do. --plans
// and --all-tenants are other views (licenses_views.h).
#include <algorithm>
#include <cstdio>

#include <nlohmann/json.hpp>

#include "connector/cli/command_context.h"
#include "connector/cli/commands.h"
#include "connector/cli/csv_writer.h"
#include "connector/cli/engine_session.h"
#include "connector/cli/exit_codes.h"
#include "connector/cli/licenses_views.h"
#include "connector/cli/not_current_warning.h"
#include "connector/cli/text_table.h"
#include "connector/cli/user_selection.h"
#include "model/json_text.h"
#include "sync/ascii_case.h"
#include "sync/plural.h"
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

std::string over_paid_note(const Sku& sku) {
  if (sku.over_paid() == 0) return {};
  return "over its paid count by " + std::to_string(sku.over_paid()) + ": runs on grace units";
}

int run_licenses(const GlobalFlags& g, const LicensesFlags& o) {
  if (o.all_tenants && (o.plans || !o.selection.users.empty() || !o.selection.users_file.empty() ||
                        !o.selection.filter.empty()))
    return usage_error("licenses", "--all-tenants shows seats only: no --plans or selection");
  if (!o.all_tenants && o.tenant.empty())
    return usage_error("licenses", "give --tenant T, or --all-tenants");
  if (!o.all_tenants && !o.desired.empty())
    return usage_error("licenses", "--desired goes with --all-tenants");
  auto config = load_command_config(g);
  if (!config.ok()) return report_failure("licenses", config.error());
  if (o.all_tenants) return run_licenses_all_tenants(*config, o);
  auto selection = selection_filter(o.selection);
  if (!selection.ok()) return report_selection_failure("licenses", selection.error());
  bool has_selection = !selection->empty();
  auto session = EngineSession::open(*config, /*need_remote=*/false);
  if (!session.ok()) return report_failure("licenses", session.error());
  Cache& cache = (*session)->cache();
  auto tenant = cache.find_tenant(o.tenant);
  if (!tenant.ok()) return report_failure("licenses", tenant_not_cached(o.tenant));
  auto snapshot = cache.load_snapshot(tenant->id);
  if (!snapshot.ok()) return report_failure("licenses", snapshot.error());
  if (snapshot->rows_fail_checksum()) {
    std::fprintf(stderr, "tenantsync licenses: warning: %s; the holders shown may be wrong\n",
                 checksum_failure_message(tenant->default_domain_name).c_str());
  }
  if (std::string w = not_current_warning("licenses", *snapshot, "seats and holders"); !w.empty())
    std::fprintf(stderr, "%s\n", w.c_str());

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
  if (o.plans) {
    if (!has_selection) {
      for (const auto& u : snapshot->users) selected.push_back(&u);
    }
    return print_license_plans(*snapshot, selected, o.plans_sku, o.format);
  }
  const bool grace = config->use_grace_seats;
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
    p.need =
        std::max(0, p.selected - static_cast<int>(p.holders.size()) - sku.available_seats(grace));
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
                          {"total", p.sku->prepaid_units.enabled},
                          {"grace", p.sku->prepaid_units.warning},
                          {"consumed", p.sku->consumed_units},
                          {"available", p.sku->available_seats(grace)},
                          {"overPaidBy", p.sku->over_paid()}};
      if (has_selection) {
        j["selected"] = p.selected;
        j["holding"] = p.holders.size();
        j["coverage"] = coverage(p);
        j["holders"] = p.holders;
        j["seatsNeeded"] = p.need;
        nlohmann::json inherited = nlohmann::json::array();
        for (const auto& i : p.inherited) {
          inherited.push_back(
              {{"user", i.user}, {"groupId", i.group_id}, {"groupName", i.group_name}});
        }
        j["inherited"] = std::move(inherited);
      }
      products.push_back(std::move(j));
    }
    nlohmann::json out{
        {"tenant", tenant->default_domain_name}, {"graceCounted", grace}, {"products", products}};
    std::printf("%s\n", dump_json(out, 2).c_str());
    return kExitOk;
  }
  if (o.format == "csv") {
    CsvWriter csv(stdout);
    std::vector<std::string> header = {"sku",   "productName", "skuId",     "total",
                                       "grace", "consumed",    "available", "overPaidBy"};
    if (has_selection) header.insert(header.end(), {"selected", "holding", "seatsNeeded"});
    csv.row(header);
    for (const auto& p : lines) {
      std::vector<std::string> row = {p.sku->sku_part_number,
                                      product_names().name_of(p.sku->sku_part_number),
                                      p.sku->sku_id,
                                      std::to_string(p.sku->prepaid_units.enabled),
                                      std::to_string(p.sku->prepaid_units.warning),
                                      std::to_string(p.sku->consumed_units),
                                      std::to_string(p.sku->available_seats(grace)),
                                      std::to_string(p.sku->over_paid())};
      if (has_selection) {
        row.insert(row.end(), {std::to_string(p.selected), std::to_string(p.holders.size()),
                               std::to_string(p.need)});
      }
      csv.row(row);
    }
    return kExitOk;
  }
  std::vector<std::vector<std::string>> table = {
      {"PRODUCT", "TOTAL", "GRACE", "CONSUMED", "AVAILABLE"}};
  if (has_selection) {
    table[0].push_back("SELECTED (" + plural(static_cast<int>(selected.size()), "user", "users") +
                       ")");
  }
  table[0].push_back("");
  std::vector<std::vector<std::string>> holders(1);  // printed under each product's line
  for (const auto& p : lines) {
    const Sku& sku = *p.sku;
    std::vector<std::string> row = {cell(p.label, 60), std::to_string(sku.prepaid_units.enabled),
                                    std::to_string(sku.prepaid_units.warning),
                                    std::to_string(sku.consumed_units),
                                    std::to_string(sku.available_seats(grace))};
    if (has_selection) {
      row.push_back(std::string(coverage(p)) + " (" + std::to_string(p.holders.size()) + " of " +
                    std::to_string(p.selected) + ")");
    }
    std::vector<std::string> notes;
    if (std::string over = over_paid_note(sku); !over.empty()) notes.push_back(over);
    if (p.need > 0) {
      notes.push_back("no room: buy " + std::to_string(p.need) + " more seat" +
                      (p.need == 1 ? "" : "s") + " for this selection");
    } else if (sku.available_seats(grace) == 0) {
      notes.push_back("no free seat: buy more to assign it");
    }
    std::string note;
    for (const auto& n : notes) note += (note.empty() ? "" : "; ") + n;
    row.push_back(note);
    table.push_back(std::move(row));
    holders.emplace_back();
    if (has_selection && !p.holders.empty() && p.holders.size() < selected.size()) {
      holders.back() = p.holders;
    }
  }
  std::string text = render_table(table);
  size_t line = 0, start = 0;
  for (size_t end; (end = text.find('\n', start)) != std::string::npos; start = end + 1, ++line) {
    std::printf("%s\n", text.substr(start, end - start).c_str());
    for (const auto& h : holders[line]) std::printf("    holds it: %s\n", cell(h, 200).c_str());
  }
  bool any_grace = std::any_of(lines.begin(), lines.end(), [](const ProductLine& p) {
    return p.sku->prepaid_units.warning > 0;
  });
  if (any_grace) {
    std::printf("%s\n", grace ? "AVAILABLE counts grace units (safety.useGraceSeats)."
                              : "GRACE units (an expired subscription's seats) are not counted "
                                "as available (safety.useGraceSeats is off).");
  }
  return kExitOk;
}

}  // namespace tenantsync
