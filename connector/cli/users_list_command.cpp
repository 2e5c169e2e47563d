// `tenantsync users list`: users from the cache, filtered and paged. --page is first, last
// or a number; a page past the end is a usage error naming the last page (an empty result
// is page 1 of 1). Text: a table sized to the page shown with a STATUS column (sign-in
// enabled / disabled), then the commands that show the other pages.
#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstring>
#include <optional>

#include <nlohmann/json.hpp>

#include "connector/cli/command_context.h"
#include "connector/cli/commands.h"
#include "connector/cli/csv_writer.h"
#include "connector/cli/engine_session.h"
#include "connector/cli/exit_codes.h"
#include "connector/cli/not_current_warning.h"
#include "connector/cli/text_table.h"
#include "model/json_text.h"
#include "sync/plural.h"
#include "sync/product_names.h"
#include "sync/tasks/user_task.h"

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

// --page: "first", "last" or a number from 1; nullopt when it is none of them.
struct PageChoice {
  int number = 1;
  bool last = false;
};
std::optional<PageChoice> parse_page(const std::string& text) {
  if (text == "first") return PageChoice{1, false};
  if (text == "last") return PageChoice{1, true};
  if (text.empty() || text.size() > 9 ||
      !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return std::nullopt;
  }
  int n = std::stoi(text);
  if (n < 1) return std::nullopt;
  return PageChoice{n, false};
}

// `value` as one shell word: as is when it holds only safe characters, else in single
// quotes, so a hint can be pasted back into a shell.
std::string shell_word(const std::string& value) {
  bool safe = !value.empty() && std::all_of(value.begin(), value.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || std::strchr("@%+=:,./_-", c) != nullptr;
  });
  if (safe) return value;
  std::string out = "'";
  for (char c : value) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// The command that shows another page of this listing: every flag that chose the rows
// (config, tenant, filter, deleted, page size) is repeated, so the hint can be pasted.
std::string page_command(const GlobalFlags& g, const UsersListFlags& o, const std::string& page) {
  std::string out = "tenantsync";
  if (!g.config.empty()) out += " --config " + shell_word(g.config);
  out += " users list --tenant " + shell_word(o.tenant);
  if (!o.filter.empty()) out += " --filter " + shell_word(o.filter);
  if (o.deleted) out += " --deleted";
  out += " --page-size " + std::to_string(o.page_size) + " --page " + page;
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
  std::optional<PageChoice> page_choice = parse_page(o.page);
  if (!page_choice) {
    return usage_error("users list",
                       "--page " + o.page + ": expected first, last or a page number from 1");
  }
  auto config = load_command_config(g);
  if (!config.ok()) return report_failure("users list", config.error());
  auto filter = parse_user_filter(o.filter);
  if (!filter.ok()) return usage_error("users list", "--filter: " + filter.error().message);

  auto session = EngineSession::open(*config, /*need_remote=*/false);
  if (!session.ok()) return report_failure("users list", session.error());
  Cache& cache = (*session)->cache();
  auto tenant = cache.find_tenant(o.tenant);
  if (!tenant.ok()) return report_failure("users list", tenant_not_cached(o.tenant));
  UserListQuery query;
  query.filter = *filter;
  query.deleted = o.deleted;
  query.page = page_choice->number;
  query.last_page = page_choice->last;
  query.page_size = o.page_size;
  auto page = cache.list_users(tenant->id, query);
  if (!page.ok()) return report_failure("users list", page.error());
  if (page->page > page->page_count) {
    // Past the end is a mistake (a script would loop on empty pages), not an empty page.
    return usage_error(
        "users list",
        "--page " + o.page + ": there " +
            (page->page_count == 1 ? "is 1 page"
                                   : "are " + std::to_string(page->page_count) + " pages") +
            " (--page last)");
  }
  auto loaded = cache.load_snapshot(tenant->id);
  TenantSnapshot snapshot = loaded.ok() ? std::move(*loaded) : TenantSnapshot{};
  std::string warning = loaded.ok() ? not_current_warning("users list", snapshot, "users") : "";
  if (!warning.empty()) std::fprintf(stderr, "%s\n", warning.c_str());
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
  // Columns as wide as this page needs; long names are cut with "..." so they cannot
  // push the next column out of line.
  std::vector<TextTable::Column> columns = {
      {"USER", 48}, {"DISPLAY NAME", 32}, {"DEPARTMENT", 32}, {"LOC", 4}, {"STATUS", 8}};
  if (o.deleted) columns.push_back({"DAYS LEFT", 9});
  columns.push_back({"LICENSES", 0});
  TextTable table(std::move(columns));
  for (const auto& row : page->users) {
    const User& u = row.user;
    std::vector<std::string> cells = {u.user_principal_name, u.display_name, u.department,
                                      u.usage_location.value_or("-"),
                                      u.account_enabled ? "enabled" : "disabled"};
    if (o.deleted) cells.push_back(std::to_string(row.days_left.value_or(0)));
    std::string roles = role_text(u);
    cells.push_back(license_names(u, skus) + (roles.empty() ? "" : "  roles: " + roles));
    table.add_row(std::move(cells));
  }
  std::fputs(table.render().c_str(), stdout);
  std::printf("\npage %d of %d (%s", page->page, page->page_count,
              (o.deleted ? plural(page->total, "deleted user", "deleted users")
                         : plural(page->total, "user", "users"))
                  .c_str());
  if (!o.filter.empty()) std::printf(" matching %s", o.filter.c_str());
  std::printf(")\n");
  // Every hint is a whole command: paste it to get that page.
  auto hint = [&](const char* label, const std::string& which) {
    std::printf("  %-9s %s\n", label, page_command(g, o, which).c_str());
  };
  if (page->page > 1) {
    hint("first:", "first");
    if (page->page > 2) hint("previous:", std::to_string(page->page - 1));
  }
  if (page->page < page->page_count) {
    hint("next:", std::to_string(page->page + 1));
    hint("last:", "last");
  }
  return kExitOk;
}

}  // namespace tenantsync
