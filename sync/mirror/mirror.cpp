#include "sync/mirror/mirror.h"

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <exception>
#include <mutex>
#include <optional>
#include <set>
#include <system_error>
#include <thread>
#include <unordered_map>
#include <utility>

#include "sync/ascii_case.h"
#include "sync/log.h"
#include "sync/mirror/prepare_ahead.h"

namespace tenantsync {

namespace {

// Serializes progress callbacks from the workers.
class ProgressReporter {
 public:
  explicit ProgressReporter(const MirrorProgressFn& fn) : fn_(fn) {}
  void report(const std::string& tenant, MirrorProgress::Phase phase, std::int64_t changes) {
    if (!fn_) return;
    std::lock_guard<std::mutex> lock(mu_);
    fn_(MirrorProgress{tenant, phase, changes});
  }

 private:
  const MirrorProgressFn& fn_;
  std::mutex mu_;  // guards calls of fn_
};

// The deleted users' first page, read with the tenant's lists (before its users) to save
// a request. It is used only while a delta round read after it says it is current: a
// user it lists that the round shows active or purged, or a user the round shows deleted
// that it does not list, changed in between, and then the deleted users are read again
// after the users, as a full read always does.
class PrefetchedDeletedUsers {
 public:
  explicit PrefetchedDeletedUsers(std::optional<Result<DeletedUsersPage>> page)
      : page_(std::move(page)) {
    if (page_ && page_->ok()) {
      for (const User& u : page_->value().users) listed_.insert(u.id);
    }
  }

  void outdate() { outdated_ = true; }

  void check(const UserPage& delta_page) {
    auto listed = [&](const std::string& id) { return listed_.count(id) > 0; };
    for (const User& u : delta_page.users) outdated_ = outdated_ || listed(u.id);
    for (const auto& id : delta_page.removed_hard) outdated_ = outdated_ || listed(id);
    for (const auto& id : delta_page.removed_soft) outdated_ = outdated_ || !listed(id);
  }

  // The page, when it was read, is still current and lists every deleted user; else null.
  const DeletedUsersPage* whole() const {
    if (!page_ || !page_->ok() || outdated_ || !page_->value().next_link.empty()) return nullptr;
    return &page_->value();
  }

  // The page, when it was read and is still current; nullopt otherwise.
  std::optional<Result<DeletedUsersPage>> take() {
    if (!page_ || !page_->ok() || outdated_) return std::nullopt;
    return std::exchange(page_, std::nullopt);
  }

 private:
  std::optional<Result<DeletedUsersPage>> page_;
  std::set<std::string> listed_;
  bool outdated_ = false;
};

constexpr const char* kInterruptedRead =
    "a delta read of this tenant was under way or cut short; the next mirror reads it again";

class TenantMirror {
 public:
  TenantMirror(Directory& directory, Cache& cache, ProgressReporter& progress, bool full,
               bool roles)
      : dir_(directory), cache_(cache), progress_(progress), full_(full), roles_(roles) {}

  // `state`: the tenant's sync state as the cache held it when the mirror began.
  void run(TenantMirrorResult& r, const SyncState& state) {
    auto start = std::chrono::steady_clock::now();
    const Tenant& t = r.tenant;
    progress_.report(t.default_domain_name, MirrorProgress::Phase::Started, 0);
    Status s = mirror(r, state);
    if (!s.ok()) {
      r.error = s.error();
      Status marked = cache_.mark_stale(t.id, s.error().describe());
      if (marked.ok() && refused_) marked = mark_refused(r);
      if (!marked.ok()) {
        log_error("cannot mark tenant stale",
                  {{"tenant", t.default_domain_name}, {"error", marked.error().describe()}});
      }
      log_warn(r.never_whole ? "mirror of tenant failed; no read of it was ever whole, so "
                               "nothing is planned for it until one is"
                             : "mirror of tenant failed; it keeps its last complete state and "
                               "is marked stale",
               {{"tenant", t.default_domain_name}, {"error", s.error().describe()}});
    }
    // As the round's last write left them, or (after a failure) as the cache holds them.
    auto counts = counted_ ? Result<TenantCounts>(*counted_) : cache_.counts(t.id);
    if (counts.ok()) {
      r.users = counts->users;
      r.deleted_users = counts->deleted_users;
      r.skus = counts->skus;
    }
    r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (r.ok()) {
      log_info("mirrored tenant", {{"tenant", t.default_domain_name},
                                   {"read", to_string(r.kind)},
                                   {"users", std::to_string(r.users)},
                                   {"deleted_users", std::to_string(r.deleted_users)},
                                   {"skus", std::to_string(r.skus)},
                                   {"seconds", std::to_string(r.seconds)}});
    }
    progress_.report(t.default_domain_name,
                     r.ok() ? MirrorProgress::Phase::Done : MirrorProgress::Phase::Failed,
                     r.changes_read);
  }

 private:
  Status mirror(TenantMirrorResult& r, const SyncState& state) {
    const std::string& id = r.tenant.id;
    const std::string& name = r.tenant.default_domain_name;

    r.returned = !state.gone_since.empty();
    r.never_whole = !state.ever_complete();
    std::string link = full_ ? std::string() : state.delta_link;
    const std::string& host = cache_.graph_host();
    if (!state.graph_host.empty() && !host.empty() && state.graph_host != host) {
      // Its delta link belongs to the other remote; its data may not describe this one.
      log_info(
          "remote.graphUrl changed since this tenant was read; dropping its delta link "
          "and reading all users",
          {{"tenant", name}, {"from", state.graph_host}, {"to", host}});
      r.host_changed = true;
      link.clear();
      if (!state.delta_link.empty()) {
        Status dropped = cache_.set_delta_link(id, "");
        if (!dropped.ok()) return dropped;
      }
    }

    progress_.report(name, MirrorProgress::Phase::Skus, 0);
    // Role definitions change rarely (built-in ones never), so they are read only until
    // cached, or on --full; who holds them on every read. Only when the caller asks
    // (MirrorOptions::roles).
    bool read_definitions = roles_ && full_;
    if (roles_ && !full_) {
      auto known = cache_.role_definitions_known(id);
      if (!known.ok()) return known.error();
      read_definitions = !*known;
    }
    // A delta round takes its first page and the deleted users' first page with the lists,
    // a full read its "sync from now" delta link (a request fewer each).
    ListsRequest want;
    want.role_definitions = read_definitions;
    want.role_assignments = roles_;
    want.deleted_users = !link.empty();
    want.latest_delta_link = link.empty();
    want.delta_link = link;
    TenantLists lists = dir_.tenant_lists(id, want);
    PrefetchedDeletedUsers deleted(std::move(lists.deleted_users));
    const auto& skus = lists.skus;
    if (!skus.ok()) {
      // The tenant's first read refused as a whole: the partner cannot see it any more.
      refused_ =
          skus.error().kind == ErrorKind::Forbidden || skus.error().kind == ErrorKind::NotFound;
      return skus.error();
    }
    if (!link.empty()) {
      if (std::optional<Status> whole = mirror_whole_round(r, lists, deleted)) return *whole;
    }
    // The SKUs and domains go with the read's first write (a delta round's stale mark, a
    // full read's start), the roles with its completion: a few transactions a tenant.
    ListRows before_users{.skus = &*skus, .domains = readable_domains(r, lists.domains)};
    Status s;

    std::optional<std::string> round_link;  // where a delta round ended
    if (!link.empty()) {
      r.kind = ReadKind::Delta;
      // A delta round applies its pages as they come, so until its last page is in, the
      // cache must not claim a complete state: if tenantsync dies part way, the tenant
      // stays stale (plans block revocations) and the next mirror reads the round again
      // from the delta link, which only moves once the tenant's read is whole.
      s = cache_.mark_stale(id, kInterruptedRead, std::exchange(before_users, {}));
      if (!s.ok()) return s;
      auto next = delta_round(r, link, std::move(lists.delta_page), deleted);
      if (!next.ok() && next.error().kind == ErrorKind::ResyncNeeded) {
        log_info("delta link expired; reading all users",
                 {{"tenant", name}, {"error", next.error().describe()}});
        r.resynced = true;
        link.clear();
      } else if (!next.ok()) {
        return next.error();
      } else {
        // Stored with the completeness at the end: should the rest of the read fail, the
        // next mirror reads this round again (its changes apply again as no-ops).
        round_link = std::move(next).value();
      }
    }
    if (link.empty()) {
      r.kind = ReadKind::Full;
      deleted.outdate();  // after an expired link: a full read reads them after the users
      // The link read with the lists, before the users; after an expired link, or when it
      // could not be read, the read asks for one of its own.
      std::string latest;
      if (lists.latest_delta_link && lists.latest_delta_link->ok()) {
        latest = **lists.latest_delta_link;
      }
      s = full_read(r, latest, before_users);
      if (!s.ok()) return s;
    }
    // The deleted users' first page, when the lists' is not current (a full read reads
    // them after the users), comes on its own or with the group names, where the directory
    // can: a list that fits it is then written with the completion.
    std::vector<std::string> groups = group_names_wanted(r);
    std::optional<Result<DeletedUsersPage>> first_deleted = deleted.take();
    if (!first_deleted) {
      DeletedUsersAndGroups read = dir_.deleted_users_and_groups(id, groups);
      if (!groups.empty()) store_group_names(r, groups, read.groups);
      first_deleted = std::move(read.deleted_users);
      if (first_deleted && !first_deleted->ok()) return first_deleted->error();
    } else if (!groups.empty()) {
      store_group_names(r, groups, dir_.groups(id, groups));
    }

    auto whole_deleted = mirror_deleted_users(r, std::move(first_deleted));
    if (!whole_deleted.ok()) return whole_deleted.error();
    ReadableRoles roles = readable_roles(r, lists);
    auto completed = cache_.mark_complete(
        id, r.kind, round_link,
        ListRows{.role_definitions = roles.definitions, .role_assignments = roles.assignments},
        *whole_deleted ? &**whole_deleted : nullptr);
    if (!completed.ok()) return completed.error();
    counted_ = *completed;
    return Status();
  }

  // The delta round from `link`, each page applied as it comes: from the first page the
  // lists brought (then the rest from its next link), or all of it from the directory. The
  // lists' read already asked alone for a page their batch could not answer, so a failed
  // first page is the round's failure. Returns the link that ends the round.
  Result<std::string> delta_round(TenantMirrorResult& r, const std::string& link,
                                  std::optional<Result<DeltaPage>> first_page,
                                  PrefetchedDeletedUsers& deleted) {
    const std::string& id = r.tenant.id;
    auto apply = [&](UserPage&& page) -> Status {
      count(r, page);
      deleted.check(page);
      return cache_.apply_user_page(id, page);
    };
    if (!first_page) return dir_.read_users(id, link, apply);
    if (!first_page->ok()) return first_page->error();
    DeltaPage& first = first_page->value();
    Status s = apply(std::move(first.page));
    if (!s.ok()) return s.error();
    if (first.next_link.empty()) return std::move(first.delta_link);
    return dir_.read_delta_after(id, first.next_link, apply);
  }

  // The soft-deleted users. All of them in the first page the lists brought: handed back, to
  // be written with the tenant's completion. Otherwise one staged read, from that page
  // (then the rest by its next link) or all from the directory; nullopt then.
  Result<std::optional<std::vector<User>>> mirror_deleted_users(
      TenantMirrorResult& r, std::optional<Result<DeletedUsersPage>> first_page) {
    const std::string& id = r.tenant.id;
    progress_.report(r.tenant.default_domain_name, MirrorProgress::Phase::DeletedUsers,
                     r.changes_read);
    auto stage = [&](std::vector<User>&& users) -> Status {
      r.changes_read += static_cast<std::int64_t>(users.size());
      return cache_.stage_page(id, ReadScope::Deleted, users);
    };
    if (first_page && first_page->value().next_link.empty()) {
      std::vector<User>& users = first_page->value().users;
      r.changes_read += static_cast<std::int64_t>(users.size());
      return std::optional<std::vector<User>>(std::move(users));
    }
    Status s = cache_.begin_read(id, ReadScope::Deleted);
    if (!s.ok()) return s.error();
    if (first_page) {
      DeletedUsersPage& page = first_page->value();  // take() gives only a good page
      s = stage(std::move(page.users));
      if (s.ok() && !page.next_link.empty()) {
        s = dir_.read_deleted_users_after(id, page.next_link, stage);
      }
    } else {
      s = dir_.read_deleted_users(id, stage);
    }
    if (s.ok()) s = cache_.commit_read(id, ReadScope::Deleted);
    if (!s.ok()) {
      (void)cache_.abort_read(id, ReadScope::Deleted);
      return s.error();
    }
    return std::optional<std::vector<User>>();
  }

  // A delta round that came whole with the lists (its only page of changes, and the
  // deleted users' only page, still current after it), written in one transaction with
  // the lists and the completion: no stale mark is needed, as no moment holds half of it.
  // nullopt when it did not come whole; then the round is read and written step by step.
  std::optional<Status> mirror_whole_round(TenantMirrorResult& r, const TenantLists& lists,
                                           PrefetchedDeletedUsers& deleted) {
    if (!lists.delta_page || !lists.delta_page->ok()) return std::nullopt;
    const DeltaPage& round = lists.delta_page->value();
    if (!round.next_link.empty()) return std::nullopt;
    deleted.check(round.page);
    const DeletedUsersPage* deleted_users = deleted.whole();
    if (!deleted_users) return std::nullopt;

    const std::string& id = r.tenant.id;
    r.kind = ReadKind::Delta;
    count(r, round.page);
    progress_.report(r.tenant.default_domain_name, MirrorProgress::Phase::DeletedUsers,
                     r.changes_read);
    r.changes_read += static_cast<std::int64_t>(deleted_users->users.size());
    ReadableRoles roles = readable_roles(r, lists);
    auto written = cache_.write_whole_delta_round(
        id, WholeDeltaRound{.lists = {.skus = &lists.skus.value(),
                                      .domains = readable_domains(r, lists.domains),
                                      .role_definitions = roles.definitions,
                                      .role_assignments = roles.assignments},
                            .changes = round.page,
                            .deleted_users = deleted_users->users,
                            .delta_link = round.delta_link});
    if (!written.ok()) return written.error();
    counted_ = written->counts;
    // Labels only: read after the round, and never a reason to fail it.
    std::vector<std::string> groups = readable_group_ids(r, std::move(written->unnamed_group_ids));
    if (!groups.empty()) store_group_names(r, groups, dir_.groups(id, groups));
    return Status();
  }

  // The tenant's domains decide only where users may be created, so a failed read of them
  // (an app without Domain.Read.All, say) does not fail the tenant: the cache keeps what it
  // knew, and creates stay blocked until the domains are known (cache errors still fail it).
  // Returns the domains to store, or null (warned) when their read failed.
  const std::vector<Domain>* readable_domains(const TenantMirrorResult& r,
                                              const Result<std::vector<Domain>>& domains) {
    if (domains.ok()) return &domains.value();
    log_warn("cannot read the tenant's domains; users cannot be created in it until they are read",
             {{"tenant", r.tenant.default_domain_name}, {"error", domains.error().describe()}});
    return nullptr;
  }

  // Admin roles, the same way: a failed read (an app without RoleManagement.Read.Directory)
  // keeps what the cache knew, and role changes wait for a read. Null: not read, or failed
  // (warned); assignments are not taken when the definitions failed.
  struct ReadableRoles {
    const std::vector<RoleDefinition>* definitions = nullptr;
    const std::vector<RoleAssignment>* assignments = nullptr;
  };
  ReadableRoles readable_roles(const TenantMirrorResult& r, const TenantLists& lists) {
    ReadableRoles out;
    auto warn = [&](const Error& e) {
      log_warn(
          "cannot read the tenant's admin roles; roles cannot be changed in it until they "
          "are read",
          {{"tenant", r.tenant.default_domain_name}, {"error", e.describe()}});
      return out;
    };
    if (const auto& roles = lists.role_definitions) {
      if (!roles->ok()) return warn(roles->error());
      out.definitions = &roles->value();
    }
    if (const auto& assignments = lists.role_assignments) {
      if (!assignments->ok()) return warn(assignments->error());
      out.assignments = &assignments->value();
    }
    return out;
  }

  // The names of the groups users inherit licenses from, for reports: read for groups
  // whose name is not cached yet (all of them on --full), in $batch reads where the
  // directory can. They only label ids, so nothing about them fails the tenant: a group
  // that cannot be read is a warning and keeps showing as its id (or its last known name).
  std::vector<std::string> group_names_wanted(const TenantMirrorResult& r) {
    const std::string& id = r.tenant.id;
    return readable_group_ids(
        r, full_ ? cache_.inheriting_group_ids(id) : cache_.unnamed_group_ids(id));
  }

  // The group ids read from the cache, or none (warned) when that read failed.
  std::vector<std::string> readable_group_ids(const TenantMirrorResult& r,
                                              Result<std::vector<std::string>> ids) {
    if (ids.ok()) return std::move(ids).value();
    log_warn("cannot list the groups users inherit licenses from",
             {{"tenant", r.tenant.default_domain_name}, {"error", ids.error().describe()}});
    return {};
  }

  // Stores the names of the groups `wanted` read (one result each, in order).
  void store_group_names(const TenantMirrorResult& r, const std::vector<std::string>& wanted,
                         std::vector<Result<Group>> read) {
    const std::string& id = r.tenant.id;
    std::vector<Group> found;
    for (size_t i = 0; i < read.size() && i < wanted.size(); ++i) {
      if (read[i].ok()) {
        found.push_back(std::move(read[i]).value());
        if (found.back().id.empty()) found.back().id = wanted[i];
        continue;
      }
      log_warn("cannot read the name of a group users inherit licenses from; reports show its id",
               {{"tenant", r.tenant.default_domain_name},
                {"group", wanted[i]},
                {"error", read[i].error().describe()}});
    }
    if (found.empty()) return;
    Status s = cache_.store_group_names(id, found);
    if (!s.ok()) {
      log_warn("cannot record group names in the cache",
               {{"tenant", r.tenant.default_domain_name}, {"error", s.error().describe()}});
    }
  }

  // All the tenant's users, staged; `lists` written with the read's start.
  Status full_read(TenantMirrorResult& r, const std::string& latest_delta_link,
                   const ListRows& lists) {
    const std::string& id = r.tenant.id;
    Status s = cache_.begin_read(id, ReadScope::Active, lists);
    if (!s.ok()) return s;
    // Removals cannot occur in a full read; users it does not list are removed at commit.
    auto stage = [&](UserPage&& page) -> Status {
      count(r, page);
      return cache_.stage_page(id, ReadScope::Active, page.users);
    };
    auto link = latest_delta_link.empty()
                    ? dir_.read_users(id, "", stage)
                    : dir_.read_users_after_latest(id, latest_delta_link, stage);
    if (link.ok()) {
      s = cache_.commit_read(id, ReadScope::Active, *link);
    } else {
      s = link.status();
    }
    if (!s.ok()) (void)cache_.abort_read(id, ReadScope::Active);
    return s;
  }

  Status mark_refused(TenantMirrorResult& r) {
    const std::string& id = r.tenant.id;
    Status s =
        cache_.mark_gone(id, "has refused the partner's reads (" + r.error->describe() + ")");
    if (!s.ok()) return s;
    auto state = cache_.sync_state(id);
    if (!state.ok()) return state.error();
    r.gone_since = state->gone_since;
    r.gone_reason = state->gone_reason;
    return {};
  }

  void count(TenantMirrorResult& r, const UserPage& page) {
    r.changes_read += static_cast<std::int64_t>(page.users.size() + page.removed_soft.size() +
                                                page.removed_hard.size());
    progress_.report(r.tenant.default_domain_name, MirrorProgress::Phase::Users, r.changes_read);
  }

  Directory& dir_;
  Cache& cache_;
  ProgressReporter& progress_;
  bool full_;
  bool roles_;                           // MirrorOptions::roles
  bool refused_ = false;                 // the tenant's reads were refused as a whole (403/404)
  std::optional<TenantCounts> counted_;  // the counts the round ended with
};

TenantMirrorResult gone_result(const CachedTenant& t) {
  TenantMirrorResult r;
  r.requested = t.tenant.default_domain_name;
  r.tenant = t.tenant;
  r.gone_since = t.state.gone_since;
  r.gone_reason = t.state.gone_reason;
  return r;
}

// The tenants in scope, in the order to report them; unknown names carry an error, and
// cached tenants gone from the contracts are reported gone.
std::vector<TenantMirrorResult> resolve_scope(const std::vector<Tenant>& customers,
                                              const std::vector<CachedTenant>& gone,
                                              const std::vector<std::string>& requested) {
  std::vector<TenantMirrorResult> out;
  if (requested.empty()) {
    for (const auto& t : customers) {
      TenantMirrorResult r;
      r.requested = t.default_domain_name;
      r.tenant = t;
      out.push_back(std::move(r));
    }
    for (const auto& t : gone) out.push_back(gone_result(t));
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
      return a.tenant.default_domain_name < b.tenant.default_domain_name;
    });
    return out;
  }
  std::set<std::string> seen;
  for (const auto& name : requested) {
    TenantMirrorResult r;
    r.requested = name;
    auto it = std::find_if(customers.begin(), customers.end(), [&](const Tenant& t) {
      return t.id == name || iequals(t.default_domain_name, name);
    });
    auto was = std::find_if(gone.begin(), gone.end(), [&](const CachedTenant& t) {
      return t.tenant.id == name || iequals(t.tenant.default_domain_name, name);
    });
    if (it == customers.end() && was != gone.end()) {
      if (!seen.insert(was->tenant.id).second) continue;
      out.push_back(gone_result(*was));
      continue;
    }
    if (it == customers.end()) {
      r.error = make_error(ErrorKind::NotFound,
                           "tenant " + name + " is not among the partner's customer tenants",
                           "unknown-tenant");
    } else {
      if (!seen.insert(it->id).second) continue;  // named twice (by id and by domain)
      r.tenant = *it;
    }
    out.push_back(std::move(r));
  }
  return out;
}

// The requested names that are `shard`'s: a name another shard's customer answers to is
// skipped with a note; one no customer answers to stays only with the shard that owns the
// name itself, so exactly one shard reports it unknown.
std::vector<std::string> names_this_shard_owns(const Shard& shard,
                                               const std::vector<Tenant>& customers,
                                               const std::vector<std::string>& requested) {
  std::vector<std::string> mine;
  for (const auto& name : requested) {
    auto it = std::find_if(customers.begin(), customers.end(), [&](const Tenant& t) {
      return iequals(t.id, name) || iequals(t.default_domain_name, name);
    });
    std::string owner_key = it == customers.end() ? name : it->id;
    if (shard.owns(owner_key)) {
      mine.push_back(name);
    } else if (it != customers.end()) {
      log_info("tenant belongs to another shard: skipped",
               {{"tenant", name},
                {"shard",
                 std::to_string(shard.owner_of(owner_key)) + "/" + std::to_string(shard.count)}});
    }
  }
  return mine;
}

}  // namespace

bool MirrorResult::ok() const { return !error && failed() == 0; }

int MirrorResult::failed() const {
  return static_cast<int>(std::count_if(tenants.begin(), tenants.end(),
                                        [](const TenantMirrorResult& t) { return !t.ok(); }));
}

MirrorResult mirror_tenants(Directory& directory, Cache& cache, const MirrorOptions& options,
                            const MirrorProgressFn& progress) {
  MirrorResult result;
  auto customers = directory.customer_tenants();
  if (!customers.ok()) {
    result.error = customers.error();  // the caller reports it
    return result;
  }
  if (Status s = cache.shards().record_contracts(*customers); !s.ok()) {
    result.error = s.error();  // the caller reports it
    return result;
  }
  std::vector<std::string> requested = options.tenants;
  if (options.shard) {
    requested = names_this_shard_owns(*options.shard, *customers, requested);
    if (requested.empty() && !options.tenants.empty()) return result;  // all another's
    std::erase_if(*customers, [&](const Tenant& t) { return !options.shard->owns(t.id); });
  }
  // Membership is data: whoever left the contracts is marked gone before anything is read.
  auto gone = cache.mark_missing_from_contracts(*customers);
  if (!gone.ok()) {
    result.error = gone.error();  // the caller reports it
    return result;
  }
  result.tenants = resolve_scope(*customers, *gone, requested);

  std::vector<Tenant> in_scope;
  std::vector<size_t> work;
  for (size_t i = 0; i < result.tenants.size(); ++i) {
    if (!result.tenants[i].ok()) {  // not a customer: its outcome is logged like any other's
      log_warn("mirror of tenant failed", {{"tenant", result.tenants[i].requested},
                                           {"error", result.tenants[i].error->describe()}});
      continue;
    }
    if (result.tenants[i].gone()) {
      log_warn(
          "tenant is gone from the partner's contracts: it is not read and nothing is "
          "planned for it until it is back",
          {{"tenant", result.tenants[i].tenant.default_domain_name},
           {"since", result.tenants[i].gone_since}});
      continue;
    }
    in_scope.push_back(result.tenants[i].tenant);
    work.push_back(i);
  }
  // Every customer (of this shard) gets its row, read or not: one never read is listed
  // as such (tenants, plan, drift), not taken for a tenant the partner does not have.
  if (Status s = cache.upsert_tenants(*customers); !s.ok()) {
    // Nothing was mirrored: no tenant may look done (locked, full or read-only cache).
    result.tenants.clear();
    result.error = s.error();  // the caller reports it
    return result;
  }

  // Every tenant's sync state in one read rather than a read transaction each: from here
  // on only the tenant's own worker changes it (the cache lock keeps other writers out).
  auto cached = cache.tenants();
  if (!cached.ok()) {
    result.tenants.clear();
    result.error = cached.error();  // the caller reports it
    return result;
  }
  std::unordered_map<std::string, SyncState> states;
  for (CachedTenant& t : *cached) states.emplace(t.tenant.id, std::move(t.state));

  ProgressReporter reporter(progress);
  reporter.report("", MirrorProgress::Phase::Counted, static_cast<std::int64_t>(work.size()));
  size_t threads = std::clamp<size_t>(static_cast<size_t>(std::max(1, options.concurrency)), 1,
                                      std::max<size_t>(1, work.size()));
  // The next tenants' tokens are fetched while the workers read the current ones.
  std::optional<PrepareAhead> ahead;
  if (directory.prepares_ahead()) {
    ahead.emplace(work.size(), threads, threads,
                  [&](size_t w) { directory.prepare(in_scope[w].id); });
  }
  std::atomic<size_t> next{0};
  auto worker = [&] {
    for (size_t w = next++; w < work.size(); w = next++) {
      if (ahead) ahead->taken(w);
      TenantMirrorResult& r = result.tenants[work[w]];
      try {
        auto state = states.find(r.tenant.id);  // every customer's row was just upserted
        TenantMirror(directory, cache, reporter, options.full, options.roles)
            .run(r, state != states.end() ? state->second : SyncState{});
      } catch (const std::exception& e) {  // never let a worker take the process down
        r.error = make_error(ErrorKind::Internal, std::string("mirror failed: ") + e.what());
        (void)cache.mark_stale(r.tenant.id, r.error->describe());
      }
    }
  };
  std::vector<std::thread> pool;
  for (size_t i = 1; i < threads; ++i) {
    try {
      pool.emplace_back(worker);
    } catch (const std::system_error& e) {
      log_warn("cannot start another mirror thread", {{"error", e.what()}});
      break;
    }
  }
  worker();  // the calling thread works too
  for (auto& t : pool) t.join();
  ahead.reset();  // its threads read in_scope
  return result;
}

}  // namespace tenantsync
