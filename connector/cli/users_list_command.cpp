// `tenantsync users list`: users from the cache, filtered and paged.
#include <cstdio>

#include <nlohmann/json.hpp>

#include "connector/cli/command_context.h"
#include "connector/cli/commands.h"
#include "connector/cli/csv_writer.h"
#include "connector/cli/engine_session.h"
#include "connector/cli/exit_codes.h"
#include "model/json_text.h"
#include "sync/product_names.h"
#include "sync/user_task.h"

namespace tenantsync {

namespace {

// Part numbers of a user's licenses, "(group)" marking inherited-only ones.
std::string license_names(const User& u, const std::vector<Sku>& skus) {
  std::string out;
  for (const auto& l : u.assigned_licenses) {
    std::string name = l.sku_id;
    for (const auto& s : skus) {
      if (s.sku_id == l.sku_id) name = s.sku_part_number;
    }
    if (!u.has_direct_license(l.sku_id)) name += "(group)";
    out += (out.empty() ? "" : " ") + name;
  }
  return out;
}

// A user's licenses for scripts, with what people call them: part number, product name
// ("" when unknown) and, for inherited ones, the groups they come from with their names.
nlohmann::json license_details(const User& u, const TenantSnapshot& snapshot) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& l : u.assigned_licenses) {
    std::string part;
    for (const auto& s : snapshot.skus) {
      if (s.sku_id == l.sku_id) part = s.sku_part_number;
    }
    nlohmann::json groups = nlohmann::json::array();
    for (const auto& state : u.license_states) {
      if (state.sku_id != l.sku_id || !state.assigned_by_group) continue;
      auto name = snapshot.group_names.find(*state.assigned_by_group);
      groups.push_back({{"id", *state.assigned_by_group},
                        {"displayName", name == snapshot.group_names.end() ? "" : name->second}});
    }
    out.push_back({{"skuId", l.sku_id},
                   {"skuPartNumber", part},
                   {"productName", part.empty() ? "" : product_names().name_of(part)},
                   {"direct", u.has_direct_license(l.sku_id)},
                   {"groups", std::move(groups)}});
  }
  return out;
}

}  // namespace

int run_users_list(const GlobalFlags& g, const UsersListFlags& o) {
  auto config = load_command_config(g);
  if (!config.ok()) return report_failure("users list", config.error());
  auto filter = parse_user_filter(o.filter);
  if (!filter.ok()) {
    std::fprintf(stderr, "tenantsync users list: --filter: %s\n", filter.error().message.c_str());
    return kExitUsage;
  }
  auto session = EngineSession::open(*config, /*need_remote=*/false);
  if (!session.ok()) return report_failure("users list", session.error());
  Cache& cache = (*session)->cache();
  auto tenant = cache.find_tenant(o.tenant);
  if (!tenant.ok()) {
    return report_failure("users list",
                          make_error(ErrorKind::NotFound, "tenant " + o.tenant +
                                                              " is not in the cache: run "
                                                              "`tenantsync mirror --tenant " +
                                                              o.tenant + "` first"));
  }
  UserListQuery query{*filter, o.deleted, o.page, o.page_size};
  auto page = cache.list_users(tenant->id, query);
  if (!page.ok()) return report_failure("users list", page.error());
  auto loaded = cache.load_snapshot(tenant->id);
  TenantSnapshot snapshot = loaded.ok() ? std::move(*loaded) : TenantSnapshot{};
  const std::vector<Sku>& skus = snapshot.skus;
  auto role_text = [&](const User& u) {
    std::string out;
    for (const auto& r : roles_of(snapshot, u.id)) out += (out.empty() ? "" : "+") + r;
    return out;
  };

  if (o.format == "json") {
    nlohmann::json users = nlohmann::json::array();
    for (const auto& row : page->users) {
      nlohmann::json u = row.user;
      u["roles"] = roles_of(snapshot, row.user.id);
      u["licenses"] = license_details(row.user, snapshot);
      if (row.days_left) u["daysLeftToRestore"] = *row.days_left;
      users.push_back(std::move(u));
    }
    nlohmann::json out = {{"tenant", tenant->default_domain_name},
                          {"page", page->page},
                          {"pageSize", page->page_size},
                          {"pageCount", page->page_count},
                          {"total", page->total},
                          {"users", users}};
    std::printf("%s\n", dump_json(out, 2).c_str());
    return kExitOk;
  }
  if (o.format == "csv") {
    CsvWriter csv(stdout);
    csv.row({"userPrincipalName", "displayName", "department", "jobTitle", "usageLocation",
             "accountEnabled", "licenses", "roles", o.deleted ? "daysLeftToRestore" : "id"});
    for (const auto& row : page->users) {
      const User& u = row.user;
      csv.row({u.user_principal_name, u.display_name, u.department, u.job_title,
               u.usage_location.value_or(""), u.account_enabled ? "true" : "false",
               license_names(u, skus), role_text(u),
               o.deleted ? std::to_string(row.days_left.value_or(0)) : u.id});
    }
    return kExitOk;
  }
  std::printf("%-40s %-28s %-14s %-4s %s\n", "USER", "DISPLAY NAME", "DEPARTMENT", "LOC",
              o.deleted ? "DAYS LEFT  LICENSES" : "LICENSES");
  for (const auto& row : page->users) {
    const User& u = row.user;
    std::printf("%-40s %-28s %-14s %-4s ", u.user_principal_name.c_str(), u.display_name.c_str(),
                u.department.c_str(), u.usage_location.value_or("-").c_str());
    if (o.deleted) std::printf("%-10d ", row.days_left.value_or(0));
    std::string roles = role_text(u);
    std::printf("%s%s%s\n", license_names(u, skus).c_str(),
                roles.empty() ? "" : "  roles: ", roles.c_str());
  }
  std::printf("\npage %d of %d (%d %susers", page->page, page->page_count, page->total,
              o.deleted ? "deleted " : "");
  if (!o.filter.empty()) std::printf(" matching %s", o.filter.c_str());
  std::printf(")");
  if (page->page > 1) std::printf("  first: --page 1  previous: --page %d", page->page - 1);
  if (page->page < page->page_count) {
    std::printf("  next: --page %d  last: --page %d", page->page + 1, page->page_count);
  }
  std::printf("\n");
  return kExitOk;
}

}  // namespace tenantsync
