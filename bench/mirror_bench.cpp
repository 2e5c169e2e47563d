// mirror_bench: what mirroring costs beyond the raw work of parsing Graph JSON pages and
// inserting rows into SQLite.
//
// In-process (default): it generates tenants in memory (default 1,000 tenants x 1,000
// users, 3 SKUs each, ~70% licensed, a ninth of those through one of 3 licensing groups,
// 1% soft-deleted) as pre-serialized Graph JSON pages, served by a Directory that reads
// them as the Graph adapter does (each page through its decoder; the lists, a delta
// round's first page and the deleted users' first page in one call), then measures:
//   (a) baseline: parse each page (nlohmann) and insert its users and licenses with one
//       prepared INSERT per row, one transaction per page, into a plain schema: the raw cost;
//   (b) the first mirror through Cache, via that Directory;
//   (c) a delta mirror with 1% of the users changed (licenses; the tenants' SKU pages
//       change with them, as the service's consumed units do);
//   (d) a delta mirror with nothing changed;
//   (c) and (d) are medians of --delta-rounds rounds each (in (c), rounds that make the
//   change and rounds that undo it alternate, so each round changes the same users);
//   (e) a --full re-read with nothing changed (the staged full-read path).
// For each: wall time, users/s, peak RSS during the phase (VmHWM, reset per phase) and the
// ratio to the baseline. Numbers depend on the disk: the cache is written under --dir.
//
// Over HTTP (--graph, or --graph-url URL for a fake already running): fake-graph
// --generate tenants=N,users=M,skus=K,seed=S is the remote and (b)-(e) go through the
// connector's Graph adapter (make_graph_directory). The pages of (a) are the ones the
// adapter reads, fetched once over HTTP before it (timed apart, as (a0)); the 1% of (c)
// are changed out of band through the fake's control endpoint. Each phase also reports
// the HTTP requests the adapter sent (GraphDirectory::stats()) and the fake counted
// (/_fake/stats), and the fake's CPU time: it shares the machine.
//
// Against Microsoft's Graph SDK (--peer, issue #19): the tenantsync program itself
// (`mirror --full`) and bench/peers/graph-sdk-mirror (Node.js) as child processes against
// one fake-graph, N runs each; see bench/mirror_peer.h.
#include <malloc.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <random>
#include <stdexcept>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include <CLI/CLI.hpp>

#include <nlohmann/json.hpp>
#include "bench/bench_options.h"

#include "bench/bench_measure.h"
#include "bench/fake_graph_target.h"
#include "bench/mirror_peer.h"
#include "bench/raw_graph_pages.h"
#include "connector/graph_directory.h"
#include "connector/json_tree.h"
#include "connector/sku_page_decoder.h"
#include "connector/user_page_decoder.h"
#include "sync/allocator_tuning.h"
#include "sync/clock.h"
#include "sync/directory.h"
#include "sync/log.h"
#include "sync/mirror/mirror.h"
#include "sync/store/cache.h"
#include "sync/store/sqlite.h"

namespace tenantsync {
namespace {

struct Options {
  int tenants = 1000;
  int users = 1000;
  int page_size = 999;  // Graph's largest $top
  int concurrency = 4;
  double changed_percent = 1.0;
  int delta_rounds = 9;  // in-process: (c) and (d) are the median of this many rounds
  std::string dir;       // where the SQLite files go; default a fresh temp folder
  bool keep = false;
  // Over HTTP: start fake-graph (graph) or use the one at graph_url.
  bool graph = false;
  std::string graph_url;
  int skus = 4;
  int seed = 1;
  int http_concurrency = 8;  // remote.concurrency: connections of the adapter
  // Against the Graph SDK peer (--peer): whole programs, `runs` times each.
  bool peer = false;
  bool peer_narrow = false;
  int runs = 5;
  double wait_load = 0;
  int wait_max_seconds = 600;
};

void add_options(CLI::App& app, Options& o) {
  bench::count_option(app, "--tenants", o.tenants, "customer tenants");
  bench::count_option(app, "--users", o.users, "users per tenant", bench::kNonNegative);
  bench::count_option(app, "--page-size", o.page_size,
                      "users per page (in-process; over HTTP the service's)");
  bench::count_option(app, "--concurrency", o.concurrency, "tenants mirrored at once");
  app.add_option("--changed-percent", o.changed_percent, "users changed before the delta mirror")
      ->check(CLI::Range(0.0, 100.0))
      ->capture_default_str();
  bench::count_option(app, "--delta-rounds", o.delta_rounds,
                      "in-process: rounds of (c) and of (d), their medians reported");
  app.add_option("--dir", o.dir, "where the SQLite files go (default: a fresh temp folder)");
  app.add_flag("--keep", o.keep, "keep the SQLite files");
  app.add_flag("--graph", o.graph,
               "against fake-graph --generate tenants=N,users=M,skus=K,seed=S started here");
  app.add_option("--graph-url", o.graph_url, "against a fake-graph already running with that spec");
  bench::count_option(app, "--skus", o.skus, "SKUs per tenant (over HTTP)");
  app.add_option("--seed", o.seed, "fake-graph's seed (over HTTP)")->capture_default_str();
  bench::count_option(app, "--http-concurrency", o.http_concurrency,
                      "connections of the Graph adapter (--peer: tenantsync's "
                      "remote.concurrency and the peer's tenants at once)");
  app.add_flag("--peer", o.peer,
               "tenantsync mirror --full against the Graph SDK peer (bench/peers/"
               "graph-sdk-mirror) on fake-graph --generate, as child processes");
  app.add_flag("--peer-narrow", o.peer_narrow,
               "with --peer: also run the peer issue #19's goals were set against, which reads "
               "only SKUs, users and deleted users (the peer itself reads all that "
               "tenantsync's full mirror reads)");
  bench::count_option(app, "--runs", o.runs, "runs of each program (--peer)");
  app.add_option("--wait-load", o.wait_load,
                 "before measuring, wait for the 1-minute load to drop below this (--peer)")
      ->check(CLI::Range(0.0, 1000.0))
      ->capture_default_str();
  bench::count_option(app, "--wait-max", o.wait_max_seconds, "longest wait for the load, seconds",
                      bench::kNonNegative);
}

// ---- generated estate, as Graph JSON ----

std::string guid(std::mt19937_64& rng) {
  char buf[40];
  std::uint64_t a = rng(), b = rng();
  std::snprintf(buf, sizeof buf, "%08x-%04x-4%03x-a%03x-%012llx", static_cast<unsigned>(a >> 32),
                static_cast<unsigned>((a >> 16) & 0xffff), static_cast<unsigned>(a & 0xfff),
                static_cast<unsigned>(b >> 52),
                static_cast<unsigned long long>(b & 0xffffffffffffULL));
  return buf;
}

struct GeneratedTenant {
  Tenant tenant;
  std::string skus_json;                   // subscribedSkus response
  std::string changed_skus_json;           // and after the change: other consumed units
  std::vector<std::string> user_pages;     // /users pages
  std::vector<std::string> deleted_pages;  // deletedItems pages
  std::vector<std::string> delta_pages;    // /users/delta pages after the change
  std::vector<std::string> undo_pages;     // and the ones that change them back
  int users = 0;
  int deleted = 0;
  int changed = 0;
};

const char* const kDepartments[] = {"Sales", "IT", "Finance", "Marketing", "Support", "HR"};
const char* const kLocations[] = {"US", "GB", "DE", "FR", "NL", "SE"};

// One user; a ninth of the licensed inherit theirs from the SKU's licensing group
// (`groups[i]` for skus[i]), as tenants license through a few groups.
nlohmann::json user_json(std::mt19937_64& rng, const std::string& domain, int n,
                         const std::vector<std::string>& skus,
                         const std::vector<std::string>& groups, bool change) {
  nlohmann::json u;
  std::string name = "user" + std::to_string(n);
  u["id"] = guid(rng);
  u["userPrincipalName"] = name + "@" + domain;
  u["displayName"] = "User " + std::to_string(n);
  u["mail"] = name + "@" + domain;
  u["givenName"] = "User";
  u["surname"] = std::to_string(n);
  u["jobTitle"] = n % 10 == 0 ? "Manager" : "Staff";
  u["department"] = kDepartments[n % 6];
  u["accountEnabled"] = true;
  u["usageLocation"] = n % 50 == 7 ? nlohmann::json(nullptr) : nlohmann::json(kLocations[n % 6]);
  nlohmann::json assigned = nlohmann::json::array(), states = nlohmann::json::array();
  int licensed = (n * 7919) % 10;  // 0..6 licensed (~70%)
  if (licensed < 7 || change) {
    size_t first =
        change ? (static_cast<size_t>(n) + 1) % skus.size() : static_cast<size_t>(n) % skus.size();
    std::vector<std::string> held = {skus[first]};
    if (n % 4 == 0) held.push_back(skus[(first + 1) % skus.size()]);
    for (size_t h = 0; h < held.size(); ++h) {
      const std::string& sku = held[h];
      size_t group = (first + h) % skus.size();
      assigned.push_back({{"skuId", sku}, {"disabledPlans", nlohmann::json::array()}});
      states.push_back({{"skuId", sku},
                        {"assignedByGroup",
                         n % 9 == 0 ? nlohmann::json(groups[group]) : nlohmann::json(nullptr)},
                        {"disabledPlans", nlohmann::json::array()},
                        {"state", "Active"},
                        {"error", "None"}});
    }
  }
  u["assignedLicenses"] = assigned;
  u["licenseAssignmentStates"] = states;
  return u;
}

std::vector<std::string> paginate(const std::vector<nlohmann::json>& users, int page_size,
                                  const std::string& tenant, const char* kind) {
  std::vector<std::string> pages;
  for (size_t i = 0; i < users.size() || (i == 0 && pages.empty()); i += page_size) {
    nlohmann::json page;
    page["value"] = nlohmann::json::array();
    for (size_t j = i; j < std::min(users.size(), i + static_cast<size_t>(page_size)); ++j) {
      page["value"].push_back(users[j]);
    }
    if (i + page_size < users.size()) {
      page["@odata.nextLink"] =
          "bench:" + std::string(kind) + "/" + tenant + "/" + std::to_string(i + page_size);
    } else {
      page["@odata.deltaLink"] = "bench:delta/" + tenant;
    }
    pages.push_back(page.dump());
    if (users.empty()) break;
  }
  return pages;
}

GeneratedTenant generate_tenant(int index, const Options& o) {
  std::mt19937_64 rng(static_cast<std::uint64_t>(index) * 1000003u + 17u);
  GeneratedTenant g;
  char domain[64];
  std::snprintf(domain, sizeof domain, "tenant%04d.onmicrosoft.com", index);
  g.tenant = {guid(rng), domain, "Tenant " + std::to_string(index)};

  std::vector<std::string> skus = {guid(rng), guid(rng), guid(rng)};
  std::vector<std::string> groups = {guid(rng), guid(rng), guid(rng)};
  const char* names[] = {"SPE_E3", "EMS", "POWER_BI_PRO"};
  nlohmann::json sku_list = nlohmann::json::array();
  for (size_t i = 0; i < skus.size(); ++i) {
    nlohmann::json plans = nlohmann::json::array();
    for (int p = 0; p < 8; ++p) {
      plans.push_back({{"servicePlanId", guid(rng)},
                       {"servicePlanName", std::string(names[i]) + "_PLAN_" + std::to_string(p)},
                       {"provisioningStatus", "Success"},
                       {"appliesTo", "User"}});
    }
    sku_list.push_back(
        {{"id", g.tenant.id + "_" + skus[i]},
         {"skuId", skus[i]},
         {"skuPartNumber", names[i]},
         {"appliesTo", "User"},
         {"capabilityStatus", "Enabled"},
         {"consumedUnits", 0},
         {"prepaidUnits",
          {{"enabled", o.users}, {"suspended", 0}, {"warning", 0}, {"lockedOut", 0}}},
         {"servicePlans", plans}});
  }

  int deleted = o.users / 100;
  std::vector<nlohmann::json> active, gone, changed, unchanged;
  int change_every =
      o.changed_percent > 0 ? std::max(1, static_cast<int>(100.0 / o.changed_percent)) : 0;
  for (int n = 0; n < o.users + deleted; ++n) {
    nlohmann::json u = user_json(rng, g.tenant.default_domain_name, n, skus, groups, false);
    if (n >= o.users) {
      u["deletedDateTime"] = "2026-11-1" + std::to_string(n % 10) + "T00:00:00Z";
      gone.push_back(std::move(u));
      continue;
    }
    if (change_every && n % change_every == 3) {
      std::mt19937_64 same = rng;
      nlohmann::json c = user_json(same, g.tenant.default_domain_name, n, skus, groups, true);
      c["id"] = u["id"];
      changed.push_back(std::move(c));
      unchanged.push_back(u);
    }
    active.push_back(std::move(u));
  }
  // Each SKU's consumed units count the active users holding it, as the service counts
  // them: a round that changes licenses changes them too, and so the tenant's SKU page.
  auto skus_page = [&](const std::vector<nlohmann::json>& users) {
    for (auto& sku : sku_list) {
      int consumed = 0;
      for (const auto& u : users) {
        for (const auto& l : u["assignedLicenses"]) consumed += l["skuId"] == sku["skuId"];
      }
      sku["consumedUnits"] = consumed;
    }
    return nlohmann::json{{"value", sku_list}}.dump();
  };
  g.skus_json = skus_page(active);
  std::vector<nlohmann::json> after_change = active;
  for (size_t i = 0, c = 0; i < after_change.size() && c < changed.size(); ++i) {
    if (after_change[i]["id"] == changed[c]["id"]) after_change[i] = changed[c++];
  }
  g.changed_skus_json = skus_page(after_change);
  g.users = static_cast<int>(active.size());
  g.deleted = static_cast<int>(gone.size());
  g.changed = static_cast<int>(changed.size());
  g.user_pages = paginate(active, o.page_size, g.tenant.id, "users");
  g.deleted_pages = paginate(gone, o.page_size, g.tenant.id, "deleted");
  g.delta_pages = paginate(changed, o.page_size, g.tenant.id, "delta");
  g.undo_pages = paginate(unchanged, o.page_size, g.tenant.id, "delta");
  return g;
}

// ---- the Directory under test: pre-serialized pages, parsed per page ----

class JsonPageDirectory final : public Directory {
 public:
  JsonPageDirectory(const std::vector<GeneratedTenant>& tenants, int page_size)
      : tenants_(tenants), page_size_(page_size) {
    for (size_t i = 0; i < tenants_.size(); ++i) index_[tenants_[i].tenant.id] = i;
  }

  // Which user pages a delta read serves: none, the changed users, or the same users as
  // they were before the change.
  enum class DeltaPages { None, Changes, Undo };
  // The SKU pages follow the users: as changed after Changes, as generated after Undo.
  void set_delta_pages(DeltaPages pages) {
    delta_pages_ = pages;
    if (pages != DeltaPages::None) changed_ = pages == DeltaPages::Changes;
  }

  Result<std::vector<Tenant>> customer_tenants() override {
    std::vector<Tenant> out;
    for (const auto& t : tenants_) out.push_back(t.tenant);
    return out;
  }

  Result<std::vector<Sku>> subscribed_skus(const std::string& tenant) override {
    const GeneratedTenant* t = find(tenant);
    if (!t) return make_error(ErrorKind::NotFound, "no tenant " + tenant);
    // Decoded as the Graph adapter decodes an answer of its lists' $batch.
    DecodedSkuPage page;
    SkuPageFailure failure;
    if (!decode_sku_page(changed_ ? t->changed_skus_json : t->skus_json, page, failure)) {
      return make_error(ErrorKind::Invalid, "SKU page: " + failure.detail);
    }
    return std::move(page.skus);
  }

  Result<std::vector<Domain>> domains(const std::string& tenant) override {
    const GeneratedTenant* t = find(tenant);
    if (!t) return make_error(ErrorKind::NotFound, "no tenant " + tenant);
    return std::vector<Domain>{{t->tenant.default_domain_name, true, true, true}};
  }

  // As the Graph adapter reads them (one $batch): with the lists, a full read's "sync
  // from now" link, or a delta round's first page and the deleted users' first page.
  TenantLists tenant_lists(const std::string& tenant, const ListsRequest& want) override {
    TenantLists out = Directory::tenant_lists(tenant, want);
    const GeneratedTenant* t = find(tenant);
    if (!t) return out;
    if (want.latest_delta_link) out.latest_delta_link = delta_link(*t);
    if (!want.delta_link.empty()) {
      const auto& pages = delta_pages(*t);
      if (pages.empty()) {
        out.delta_page = DeltaPage{{}, "", delta_link(*t)};
      } else if (auto first = decode(pages.front(), true); !first.ok()) {
        out.delta_page = first.error();
      } else {
        out.delta_page = DeltaPage{std::move(first->page), std::move(first->next_link),
                                   std::move(first->delta_link)};
      }
    }
    if (want.deleted_users) {
      if (auto first = decode(t->deleted_pages.front(), false); !first.ok()) {
        out.deleted_users = first.error();
      } else {
        out.deleted_users =
            DeletedUsersPage{std::move(first->page.users), std::move(first->next_link)};
      }
    }
    return out;
  }

  Result<std::string> read_users(const std::string& tenant, const std::string& link,
                                 const UserPageSink& sink) override {
    const GeneratedTenant* t = find(tenant);
    if (!t) return make_error(ErrorKind::NotFound, "no tenant " + tenant);
    return link.empty() ? read(*t, t->user_pages, 0, false, sink)
                        : read(*t, delta_pages(*t), 0, true, sink);
  }

  Result<std::string> read_delta_after(const std::string& tenant, const std::string& next_link,
                                       const UserPageSink& sink) override {
    const GeneratedTenant* t = find(tenant);
    if (!t) return make_error(ErrorKind::NotFound, "no tenant " + tenant);
    return read(*t, delta_pages(*t), page_of(next_link), true, sink);
  }

  Status read_deleted_users(const std::string& tenant, const DeletedUserSink& sink) override {
    return read_deleted_users_after(tenant, "", sink);
  }

  Status read_deleted_users_after(const std::string& tenant, const std::string& next_link,
                                  const DeletedUserSink& sink) override {
    const GeneratedTenant* t = find(tenant);
    if (!t) return make_error(ErrorKind::NotFound, "no tenant " + tenant);
    auto users = [&](UserPage&& page) { return sink(std::move(page.users)); };
    return read(*t, t->deleted_pages, page_of(next_link), false, users).status();
  }

  // Named like a directory that can read groups: once cached, a delta round asks for none
  // (the default's refusals were asked again, and logged, every round).
  std::vector<Result<Group>> groups(const std::string&,
                                    const std::vector<std::string>& ids) override {
    std::vector<Result<Group>> out;
    for (const auto& id : ids) out.push_back(Group{id, "Licensing group " + id.substr(0, 8)});
    return out;
  }

  Result<User> get_user(const std::string&, const std::string&) override {
    return make_error(ErrorKind::NotFound, "not in the benchmark");
  }
  std::vector<WriteResult> write(const std::string&, const std::vector<WriteRequest>& r) override {
    return std::vector<WriteResult>(r.size(),
                                    failed_write(make_error(ErrorKind::Invalid, "read-only")));
  }

 private:
  // Pages decoded as the Graph adapter decodes them, so that the mirror's phases cost
  // what they cost in the product.
  static Result<DecodedUserPage> decode(const std::string& text, bool delta) {
    DecodedUserPage out;
    UserPageFailure failure;
    if (!decode_user_page(text, delta, out, failure)) {
      return make_error(ErrorKind::Invalid, "generated page refused: " + failure.detail);
    }
    return out;
  }

  // pages[from...] into `sink`; returns the link that ends them.
  Result<std::string> read(const GeneratedTenant& t, const std::vector<std::string>& pages,
                           size_t from, bool delta, const UserPageSink& sink) const {
    std::string link = delta_link(t);
    for (size_t i = from; i < pages.size(); ++i) {
      auto decoded = decode(pages[i], delta);
      if (!decoded.ok()) return decoded.error();
      if (!decoded->delta_link.empty()) link = std::move(decoded->delta_link);
      Status s = sink(std::move(decoded->page));
      if (!s.ok()) return s.error();
    }
    return link;
  }

  const std::vector<std::string>& delta_pages(const GeneratedTenant& t) const {
    static const std::vector<std::string> kNone;
    switch (delta_pages_.load()) {
      case DeltaPages::Changes:
        return t.delta_pages;
      case DeltaPages::Undo:
        return t.undo_pages;
      case DeltaPages::None:
        break;
    }
    return kNone;
  }

  static std::string delta_link(const GeneratedTenant& t) { return "bench:delta/" + t.tenant.id; }

  // A next link of paginate() ends with the offset of its page's first user; "": page 0.
  size_t page_of(const std::string& next_link) const {
    if (next_link.empty()) return 0;
    return std::stoul(next_link.substr(next_link.rfind('/') + 1)) / page_size_;
  }

  const GeneratedTenant* find(const std::string& id) const {
    auto it = index_.find(id);
    return it == index_.end() ? nullptr : &tenants_[it->second];
  }

  const std::vector<GeneratedTenant>& tenants_;
  size_t page_size_;
  std::atomic<DeltaPages> delta_pages_{DeltaPages::None};
  std::atomic<bool> changed_{false};               // the users as the change left them
  std::unordered_map<std::string, size_t> index_;  // by tenant id; read-only once built
};

// ---- measuring ----

using bench::current_rss_kb;
using bench::peak_rss_kb;
using bench::reset_peak_rss;
using bench::Stopwatch;

struct Phase {
  std::string name;
  double seconds = 0;
  double cpu_seconds = 0;  // user + system, all threads: steadier than wall time on a busy host
  std::int64_t users = 0;
  long rss_before_kb = 0;
  long peak_kb = 0;
  double load_before = 0, load_after = 0;  // 1-minute load average of the machine
};

void print(const Phase& p, const Phase& baseline) {
  std::printf(
      "%-44s %8.3f s wall %8.3f s cpu %9.0f users/s  peak RSS %7.1f MiB (+%6.1f)  "
      "x%.2f wall x%.2f cpu  load %.2f-%.2f\n",
      p.name.c_str(), p.seconds, p.cpu_seconds, p.seconds > 0 ? p.users / p.seconds : 0.0,
      p.peak_kb / 1024.0, (p.peak_kb - p.rss_before_kb) / 1024.0,
      baseline.seconds > 0 ? p.seconds / baseline.seconds : 0.0,
      baseline.cpu_seconds > 0 ? p.cpu_seconds / baseline.cpu_seconds : 0.0, p.load_before,
      p.load_after);
  std::fflush(stdout);
}

int fail(const Status& s) {
  std::fprintf(stderr, "mirror_bench: %s\n", s.error().describe().c_str());
  return 1;
}

// (a): parse + one INSERT per row, one transaction per page, no indexes beyond keys.
// `users` (may be null) counts the user rows inserted.
Status run_baseline(const std::vector<GeneratedTenant>& tenants, const std::string& path,
                    std::int64_t* users = nullptr) {
  auto db = Database::open(path, true);
  if (!db.ok()) return db.error();
  Database& d = **db;
  Status s = d.exec(
      "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;"
      "CREATE TABLE users (key INTEGER PRIMARY KEY, tenant TEXT, id TEXT, upn TEXT, "
      "display_name TEXT, mail TEXT, given_name TEXT, surname TEXT, job_title TEXT, "
      "department TEXT, account_enabled INTEGER, usage_location TEXT);"
      "CREATE TABLE assigned_licenses (user_key INTEGER, sku_id TEXT, disabled_plans TEXT);"
      "CREATE TABLE license_states (user_key INTEGER, sku_id TEXT, assigned_by_group TEXT, "
      "disabled_plans TEXT, state TEXT, error TEXT);",
      "baseline schema");
  if (!s.ok()) return s;
  auto insert_user = d.prepare(
      "INSERT INTO users (tenant, id, upn, display_name, mail, given_name, surname, job_title, "
      "department, account_enabled, usage_location) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, "
      "?10, ?11) RETURNING key");
  auto insert_license = d.prepare(
      "INSERT INTO assigned_licenses (user_key, sku_id, disabled_plans) VALUES (?1, ?2, ?3)");
  auto insert_state = d.prepare(
      "INSERT INTO license_states (user_key, sku_id, assigned_by_group, disabled_plans, state, "
      "error) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
  if (!insert_user.ok()) return insert_user.error();
  if (!insert_license.ok()) return insert_license.error();
  if (!insert_state.ok()) return insert_state.error();
  auto str = [](const nlohmann::json& j, const char* k) -> std::string {
    auto it = j.find(k);
    return it == j.end() || it->is_null() ? std::string() : it->get<std::string>();
  };
  for (const auto& t : tenants) {
    for (const auto* pages : {&t.user_pages, &t.deleted_pages}) {
      for (const auto& text : *pages) {
        auto j = nlohmann::json::parse(text);
        auto tx = Transaction::begin(d);
        if (!tx.ok()) return tx.error();
        for (const auto& u : j.at("value")) {
          if (users) ++*users;
          Statement& iu = *insert_user;
          iu.reset();
          iu.bind_all(t.tenant.id, str(u, "id"), str(u, "userPrincipalName"), str(u, "displayName"),
                      str(u, "mail"), str(u, "givenName"), str(u, "surname"), str(u, "jobTitle"),
                      str(u, "department"), u.value("accountEnabled", true),
                      str(u, "usageLocation"));
          auto row = iu.step();
          if (!row.ok()) return row.error();
          std::int64_t key = iu.column_int64(0);
          s = iu.run();
          if (!s.ok()) return s;
          for (const auto& l : u.at("assignedLicenses")) {
            Statement& il = *insert_license;
            il.reset();
            il.bind_all(key, str(l, "skuId"), l.at("disabledPlans").dump());
            s = il.run();
            if (!s.ok()) return s;
          }
          for (const auto& l : u.at("licenseAssignmentStates")) {
            Statement& is = *insert_state;
            is.reset();
            is.bind_all(key, str(l, "skuId"), str(l, "assignedByGroup"),
                        l.at("disabledPlans").dump(), str(l, "state"), str(l, "error"));
            s = is.run();
            if (!s.ok()) return s;
          }
        }
        s = tx->commit();
        if (!s.ok()) return s;
      }
    }
  }
  return {};
}

Status mirror_phase(Directory& dir, Cache& cache, const Options& o, bool full,
                    std::int64_t& changes) {
  MirrorOptions options;
  options.full = full;
  options.concurrency = o.concurrency;
  MirrorResult r = mirror_tenants(dir, cache, options);
  if (r.error) return *r.error;
  changes = 0;
  for (const auto& t : r.tenants) {
    if (!t.ok()) return *t.error;
    changes += t.changes_read;
  }
  return {};
}

// The folder the SQLite files go to: --dir, or a fresh temp folder ("" on failure).
std::string work_dir(const Options& o) {
  std::string dir = o.dir;
  if (dir.empty()) {
    std::string pattern = (std::filesystem::temp_directory_path() / "mirror_bench-XXXXXX").string();
    std::vector<char> buf(pattern.begin(), pattern.end());
    buf.push_back('\0');
    if (!::mkdtemp(buf.data())) {
      std::perror("mkdtemp");
      return "";
    }
    dir = buf.data();
  } else {
    std::filesystem::create_directories(dir);
  }
  return dir;
}

// Times `body` (returning Status) as one phase: wall, CPU and its own peak RSS.
template <typename Body>
Result<Phase> measure(const std::string& name, std::int64_t users, Body&& body) {
  Phase p;
  p.name = name;
  p.users = users;
  reset_peak_rss();
  p.rss_before_kb = current_rss_kb();
  p.load_before = bench::load_average();
  Stopwatch w;
  double cpu = bench::cpu_seconds();
  Status s = body();
  p.seconds = w.seconds();
  p.cpu_seconds = bench::cpu_seconds() - cpu;
  p.peak_kb = peak_rss_kb();
  p.load_after = bench::load_average();
  if (!s.ok()) return s.error();
  return p;
}

// `rounds` rounds of `round(i)`, each measured as a phase: the median wall and CPU time
// (each on its own), the highest peak RSS.
template <typename Round>
Result<Phase> median_of(int rounds, const std::string& name, std::int64_t users, Round&& round) {
  std::vector<Phase> phases;
  for (int i = 0; i < rounds; ++i) {
    auto p = measure(name, users, [&] { return round(i); });
    if (!p.ok()) return p;
    phases.push_back(*p);
  }
  auto median = [&](double Phase::*field) {
    std::vector<double> values;
    for (const auto& p : phases) values.push_back(p.*field);
    std::nth_element(values.begin(), values.begin() + values.size() / 2, values.end());
    return values[values.size() / 2];
  };
  Phase out = phases.front();
  out.name = name + (rounds > 1 ? " (median of " + std::to_string(rounds) + ")" : "");
  out.seconds = median(&Phase::seconds);
  out.cpu_seconds = median(&Phase::cpu_seconds);
  for (const auto& p : phases) out.peak_kb = std::max(out.peak_kb, p.peak_kb);
  out.load_after = phases.back().load_after;
  return out;
}

void print_footer(const std::string& dir, Clock& clock, const std::string& cache_path);

int run_graph(const Options& o, const std::string& dir);

// Reopens the (closed) cache with its integrity check; prints the file sizes.
void print_footer(const std::string& dir, Clock& clock, const std::string& path) {
  Stopwatch w;
  auto verified = Cache::open(path, clock);
  if (verified.ok()) {
    std::printf("\nopening the cache again with PRAGMA quick_check: %.2f s\n", w.seconds());
  } else {
    std::printf("\nopening the cache again failed: %s\n", verified.error().describe().c_str());
  }
  std::error_code ec;
  std::printf("cache file %.1f MiB, baseline file %.1f MiB\n",
              std::filesystem::file_size(path, ec) / 1048576.0,
              std::filesystem::file_size(dir + "/baseline.db", ec) / 1048576.0);
}

int run(const Options& o) {
  configure_logging(LogLevel::Warn, false);
  std::string dir = work_dir(o);
  if (dir.empty()) return 1;
  if (o.peer) {
    bench::PeerOptions p{.tenants = o.tenants,
                         .users = o.users,
                         .skus = o.skus,
                         .seed = o.seed,
                         .runs = o.runs,
                         .concurrency = o.http_concurrency,
                         .wait_load = o.wait_load,
                         .wait_max_seconds = o.wait_max_seconds,
                         .narrow_peer = o.peer_narrow,
                         .dir = dir,
                         .keep = o.keep};
    int code = bench::run_peer_comparison(p);
    std::error_code ec;
    if (!o.keep && o.dir.empty()) std::filesystem::remove_all(dir, ec);
    return code;
  }
  if (o.graph) return run_graph(o, dir);

  long cores = sysconf(_SC_NPROCESSORS_ONLN);
  std::printf(
      "mirror_bench: %d tenants x %d users, pages of %d, concurrency %d, %ld cores, "
      "files in %s\n",
      o.tenants, o.users, o.page_size, o.concurrency, cores, dir.c_str());

  Stopwatch gen;
  std::vector<GeneratedTenant> tenants;
  tenants.reserve(static_cast<size_t>(o.tenants));
  std::int64_t total_users = 0, total_deleted = 0, total_changed = 0;
  size_t json_bytes = 0;
  for (int i = 1; i <= o.tenants; ++i) {
    tenants.push_back(generate_tenant(i, o));
    total_users += tenants.back().users;
    total_deleted += tenants.back().deleted;
    total_changed += tenants.back().changed;
    for (const auto& p : tenants.back().user_pages) json_bytes += p.size();
  }
  std::printf(
      "generated %lld users (+%lld deleted, %lld to change), %.1f MiB of page JSON in "
      "%.1f s; RSS now %.1f MiB\n\n",
      static_cast<long long>(total_users), static_cast<long long>(total_deleted),
      static_cast<long long>(total_changed), json_bytes / 1048576.0, gen.seconds(),
      current_rss_kb() / 1024.0);

  auto base = measure("(a) baseline: parse + INSERT per row", total_users + total_deleted,
                      [&] { return run_baseline(tenants, dir + "/baseline.db"); });
  if (!base.ok()) return fail(base.status());
  const Phase& baseline = *base;
  print(*base, baseline);

  FakeClock clock;
  auto cache = Cache::open(dir + "/tenantsync.db", clock, CacheOpenOptions{.verify = false});
  if (!cache.ok()) return fail(cache.status());
  auto directory = std::make_unique<JsonPageDirectory>(tenants, o.page_size);

  std::int64_t changes = 0;
  auto first = measure("(b) first mirror (full read) through Cache", total_users + total_deleted,
                       [&] { return mirror_phase(*directory, **cache, o, false, changes); });
  if (!first.ok()) return fail(first.status());
  print(*first, baseline);

  using DeltaPages = JsonPageDirectory::DeltaPages;
  auto delta_round = [&](DeltaPages pages) {
    // A round a minute after the last, as on a schedule: each one stamps its tenants'
    // sync times anew (with the clock standing still, SQLite would find the rows the same
    // and write nothing).
    clock.advance(std::chrono::minutes(1));
    directory->set_delta_pages(pages);
    return mirror_phase(*directory, **cache, o, false, changes);
  };
  auto delta = median_of(
      o.delta_rounds, "(c) delta, " + std::to_string(total_changed) + " users changed",
      total_changed,
      [&](int i) { return delta_round(i % 2 == 0 ? DeltaPages::Changes : DeltaPages::Undo); });
  if (!delta.ok()) return fail(delta.status());
  print(*delta, baseline);
  // Back to the users as generated (untimed), so that (e) reads what the cache holds.
  if (o.delta_rounds % 2 == 1) {
    if (Status s = delta_round(DeltaPages::Undo); !s.ok()) return fail(s);
  }

  auto idle = median_of(o.delta_rounds, "(d) delta, nothing changed", 0,
                        [&](int) { return delta_round(DeltaPages::None); });
  if (!idle.ok()) return fail(idle.status());
  print(*idle, baseline);

  auto reread = measure("(e) --full re-read, nothing changed", total_users + total_deleted,
                        [&] { return mirror_phase(*directory, **cache, o, true, changes); });
  if (!reread.ok()) return fail(reread.status());
  print(*reread, baseline);

  cache->reset();
  print_footer(dir, clock, dir + "/tenantsync.db");
  std::error_code ec;
  if (!o.keep && o.dir.empty()) std::filesystem::remove_all(dir, ec);
  return 0;
}

// ---- over HTTP against fake-graph ----

// What one phase cost on the wire: the adapter's counters and the fake's.
struct WireCost {
  std::uint64_t requests = 0;  // HTTP requests the adapter sent (tokens included)
  std::uint64_t throttled = 0;
  std::uint64_t retries = 0;
  bench::FakeStatsTotals fake;
  double fake_cpu_seconds = 0;  // -1: the fake was not started here
};

class WireMeter {
 public:
  WireMeter(GraphDirectory& directory, bench::FakeGraphTarget& fake)
      : directory_(directory), fake_(fake) {}

  void start() {
    fake_.reset_stats();
    before_ = directory_.stats();
    fake_cpu_ = fake_.pid() > 0 ? bench::process_cpu_seconds(fake_.pid()) : -1;
  }
  WireCost stop() {
    auto now = directory_.stats();
    WireCost c;
    c.requests = now.requests - before_.requests;
    c.throttled = now.throttled - before_.throttled;
    c.retries = now.retries - before_.retries;
    c.fake = bench::fake_stats_totals(fake_.stats());
    c.fake_cpu_seconds =
        fake_cpu_ >= 0 ? bench::process_cpu_seconds(fake_.pid()) - fake_cpu_ : -1.0;
    return c;
  }

 private:
  GraphDirectory& directory_;
  bench::FakeGraphTarget& fake_;
  TransportStats::Snapshot before_;
  double fake_cpu_ = -1;
};

void print_wire(const WireCost& c, long fake_rss_kb) {
  std::printf("    HTTP: %llu requests sent (%llu throttled, %llu retries); fake counted %lld",
              static_cast<unsigned long long>(c.requests),
              static_cast<unsigned long long>(c.throttled),
              static_cast<unsigned long long>(c.retries), c.fake.requests);
  if (c.fake_cpu_seconds >= 0) {
    std::printf(", fake CPU %.2f s, fake RSS %.0f MiB", c.fake_cpu_seconds, fake_rss_kb / 1024.0);
  }
  std::printf("\n");
  std::fflush(stdout);
}

// Changes the direct licenses of every (100 / percent)-th user of each tenant (in UPN
// order) through the fake's control endpoint, as an admin elsewhere would: the tenant's
// first SKU is taken away when held directly, else given. Returns how many users changed.
std::int64_t change_users_out_of_band(bench::FakeGraphTarget& fake, Cache& cache, double percent,
                                      int threads) {
  struct Change {
    std::string tenant, user;
    nlohmann::json licenses;
  };
  std::vector<Change> changes;
  if (percent <= 0) return 0;
  int every = std::max(1, static_cast<int>(100.0 / percent));
  auto tenants = cache.tenants();
  if (!tenants.ok()) throw std::runtime_error(tenants.error().describe());
  for (const auto& t : *tenants) {
    auto snapshot = cache.load_snapshot(t.tenant.id);
    if (!snapshot.ok()) throw std::runtime_error(snapshot.error().describe());
    if (snapshot->skus.empty()) continue;
    const std::string& toggled = snapshot->skus.front().sku_id;
    for (size_t i = every / 2; i < snapshot->users.size(); i += static_cast<size_t>(every)) {
      const User& u = snapshot->users[i];
      nlohmann::json licenses = nlohmann::json::array();
      bool held = false;
      for (const auto& l : u.assigned_licenses) {
        if (!u.has_direct_license(l.sku_id)) continue;
        if (l.sku_id == toggled) {
          held = true;
          continue;
        }
        licenses.push_back({{"skuId", l.sku_id}, {"disabledPlans", l.disabled_plans}});
      }
      if (!held)
        licenses.push_back({{"skuId", toggled}, {"disabledPlans", nlohmann::json::array()}});
      changes.push_back({t.tenant.id, u.id, std::move(licenses)});
    }
  }
  std::atomic<size_t> next{0};
  std::vector<std::thread> pool;
  std::atomic<bool> failed{false};
  for (int i = 0; i < std::max(1, threads); ++i) {
    pool.emplace_back([&] {
      for (size_t k = next++; k < changes.size() && !failed; k = next++) {
        try {
          fake.set_licenses(changes[k].tenant, changes[k].user, changes[k].licenses);
        } catch (const std::exception& e) {
          std::fprintf(stderr, "mirror_bench: %s\n", e.what());
          failed = true;
        }
      }
    });
  }
  for (auto& th : pool) th.join();
  if (failed) throw std::runtime_error("changing users out of band failed");
  return static_cast<std::int64_t>(changes.size());
}

int run_graph(const Options& o, const std::string& dir) {
  const std::string spec = "tenants=" + std::to_string(o.tenants) +
                           ",users=" + std::to_string(o.users) + ",skus=" + std::to_string(o.skus) +
                           ",seed=" + std::to_string(o.seed);
  std::unique_ptr<bench::FakeGraphTarget> fake =
      o.graph_url.empty() ? bench::FakeGraphTarget::start({"--generate", spec})
                          : bench::FakeGraphTarget::attach(o.graph_url);
  long cores = sysconf(_SC_NPROCESSORS_ONLN);
  std::printf(
      "mirror_bench --graph: fake-graph %s (--generate %s%s), mirror concurrency %d, "
      "%d HTTP connections, %ld cores, files in %s\n",
      fake->url().c_str(), spec.c_str(), o.graph_url.empty() ? ", started here" : "", o.concurrency,
      o.http_concurrency, cores, dir.c_str());

  // (a0) the pages the adapter will read, fetched once; this also fills the fake's
  // generated tenants (it builds each on first use), so (b) does not pay for that.
  bench::RawPages raw;
  {
    Stopwatch w;
    double fake_cpu = fake->pid() > 0 ? bench::process_cpu_seconds(fake->pid()) : 0;
    raw = bench::fetch_raw_pages(*fake, bench::kGeneratedPartner, bench::kBenchClientId,
                                 bench::kGeneratedSecret, o.concurrency);
    std::printf(
        "(a0) fetched the pages once over HTTP: %zu tenants, %lld requests, %.1f MiB in %.2f s "
        "(minimal client, %d at once; fake CPU %.2f s)  load %.2f\n\n",
        raw.tenants.size(), raw.requests, raw.bytes / 1048576.0, w.seconds(), o.concurrency,
        fake->pid() > 0 ? bench::process_cpu_seconds(fake->pid()) - fake_cpu : 0.0,
        bench::load_average());
  }
  std::vector<GeneratedTenant> pages;
  pages.reserve(raw.tenants.size());
  for (auto& t : raw.tenants) {
    GeneratedTenant g;
    g.tenant = t.tenant;
    g.user_pages = std::move(t.user_pages);
    g.deleted_pages = std::move(t.deleted_pages);
    pages.push_back(std::move(g));
  }
  raw.tenants.clear();

  std::int64_t rows = 0;
  auto base = measure("(a) baseline: parse + INSERT per row", 0,
                      [&] { return run_baseline(pages, dir + "/baseline.db", &rows); });
  if (!base.ok()) return fail(base.status());
  base->users = rows;
  const Phase& baseline = *base;
  print(*base, baseline);
  const std::int64_t total_users = rows;  // active and soft-deleted, as read
  pages.clear();
  pages.shrink_to_fit();
  malloc_trim(0);  // the pages are gone: later phases' RSS is their own

  SystemClock clock;  // tokens, Retry-After and backoff run on real time here
  auto cache = Cache::open(dir + "/tenantsync.db", clock, CacheOpenOptions{.verify = false});
  if (!cache.ok()) return fail(cache.status());
  RemoteConfig remote =
      bench::fake_remote_config(*fake, bench::kGeneratedPartner, "MIRROR_BENCH_CLIENT_SECRET",
                                bench::kGeneratedSecret, o.http_concurrency);
  auto directory = make_graph_directory(remote, clock);
  if (!directory.ok()) return fail(directory.status());
  WireMeter meter(**directory, *fake);
  std::int64_t changes = 0;

  auto graph_phase = [&](const std::string& name, std::int64_t users, bool full) {
    meter.start();
    auto p =
        measure(name, users, [&] { return mirror_phase(**directory, **cache, o, full, changes); });
    WireCost cost = meter.stop();
    if (p.ok()) {
      print(*p, baseline);
      print_wire(cost, fake->pid() > 0 ? bench::process_rss_kb(fake->pid()) : 0);
    }
    return p;
  };

  auto first = graph_phase("(b) first mirror (full read) over HTTP", total_users, false);
  if (!first.ok()) return fail(first.status());

  std::int64_t changed = 0;
  {
    Stopwatch w;
    changed = change_users_out_of_band(*fake, **cache, o.changed_percent, o.concurrency);
    std::printf(
        "    (changed %lld users out of band through /_fake/tenants/.../assignedLicenses "
        "in %.1f s, untimed)\n",
        static_cast<long long>(changed), w.seconds());
  }
  auto delta =
      graph_phase("(c) delta, " + std::to_string(changed) + " users changed", changed, false);
  if (!delta.ok()) return fail(delta.status());
  std::printf("    delta read %lld user changes (a change may come twice)\n",
              static_cast<long long>(changes));

  auto idle = graph_phase("(d) delta, nothing changed", 0, false);
  if (!idle.ok()) return fail(idle.status());
  std::printf("    delta read %lld user changes\n", static_cast<long long>(changes));

  auto reread = graph_phase("(e) --full re-read, nothing changed", total_users, true);
  if (!reread.ok()) return fail(reread.status());

  directory->reset();
  cache->reset();
  print_footer(dir, clock, dir + "/tenantsync.db");
  if (fake->pid() > 0) {
    std::printf("fake-graph peak RSS %.0f MiB\n", bench::process_peak_rss_kb(fake->pid()) / 1024.0);
  }
  std::error_code ec;
  if (!o.keep && o.dir.empty()) std::filesystem::remove_all(dir, ec);
  return 0;
}

}  // namespace
}  // namespace tenantsync

int main(int argc, char** argv) {
  tenantsync::tune_allocator();  // as tenantsync runs
  tenantsync::Options options;
  CLI::App app{"mirror_bench: mirror cost against parsing and inserting the same pages"};
  tenantsync::add_options(app, options);
  CLI11_PARSE(app, argc, argv);
  if (!options.graph_url.empty()) options.graph = true;
  try {
    return tenantsync::run(options);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "mirror_bench: %s\n", e.what());
    return 1;
  }
}
