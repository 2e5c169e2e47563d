#include "connector/cli/engine_session.h"

#include <unistd.h>

#include <cstdio>
#include <set>

#include "connector/cli/progress_bar.h"
#include "connector/cli/throttle_note.h"
#include "connector/graph_directory.h"
#include "connector/url.h"
#include "sync/log.h"
#include "sync/plan/desired_loader.h"

namespace tenantsync {

namespace {

// The remote's identity in the cache: scheme://host:port of remote.graphUrl (the part a
// delta link must share to be followed), or the text as given when it does not parse.
std::string graph_origin(const std::string& graph_url) {
  auto url = parse_url(graph_url);
  return url ? url->origin() : graph_url;
}

}  // namespace

EngineSession::EngineSession(Config config) : config_(std::move(config)) {}
EngineSession::~EngineSession() = default;

Result<std::unique_ptr<EngineSession>> EngineSession::open(const Config& config, bool need_remote,
                                                           const std::string& command,
                                                           const LockWait& wait) {
  std::unique_ptr<EngineSession> s(new EngineSession(config));
  if (need_remote) {
    auto lock = CacheLock::acquire(config.cache, command, wait);
    if (!lock.ok()) return lock.error();
    s->lock_ = std::move(*lock);
    if (long pid = s->lock_->taken_over_from(); pid > 0) {
      log_info("took over the cache lock left by process " + std::to_string(pid) +
               ", which is no longer running");
    }
  }
  auto cache = s->open_cache(need_remote);
  if (!cache.ok()) return cache.error();
  s->cache_ = std::move(*cache);
  if (s->lock_) {
    // A new cache, or a damaged one rebuilt, is a file the lock did not hold yet.
    if (Status held = s->lock_->hold_cache_file(); !held.ok()) return held.error();
  }
  if (!s->cache_->moved_aside_to().empty()) {
    std::fprintf(stderr,
                 "tenantsync: the cache %s could not be read; it was moved to %s and is rebuilt "
                 "from the remote\n",
                 config.cache.c_str(), s->cache_->moved_aside_to().c_str());
  }
  if (Status st = s->check_shard(command, need_remote); !st.ok()) return st.error();
  if (need_remote) {
    if (Status st = check_credentials(config); !st.ok()) return st.error();
    auto graph = make_graph_directory(config.remote, s->clock_);
    if (!graph.ok()) return graph.error();
    s->graph_ = std::move(*graph);
    s->directory_ = s->graph_.get();
  }
  return s;
}

Status EngineSession::check_shard(const std::string& command, bool writer) {
  // The commands that take --shard work on the shard they are told, or on every tenant;
  // the others (assign, users ...) work in whatever shard the cache is.
  static const std::set<std::string> kSharded = {"mirror", "plan",   "apply",
                                                 "drift",  "export", "run"};
  if (config_.shard || kSharded.count(command) > 0) {
    return writer ? cache_->shards().claim(config_.shard) : cache_->shards().check(config_.shard);
  }
  auto held = cache_->shards().claimed();
  if (!held.ok()) return held.error();
  if (*held && !(*held)->empty()) config_.shard = parse_shard(**held);
  return {};
}

Result<std::unique_ptr<Cache>> EngineSession::open_cache(bool writer) {
  // Commands that change nothing skip the integrity check (it reads every page: seconds
  // on a large cache); the writers run it, so a damaged cache is still caught and rebuilt.
  // Only a writer, holding the lock, may move a damaged cache aside: a reader says so.
  CacheOpenOptions options;
  options.verify = writer;
  options.repair = writer;
  auto cache = Cache::open(config_.cache, clock_, options);
  if (cache.ok()) (*cache)->set_graph_host(graph_origin(config_.remote.graph_url));
  return cache;
}

void EngineSession::release_lock() {
  if (lock_) lock_->release();
}

Status EngineSession::retake_lock(const LockWait& wait) {
  if (!lock_) return make_error(ErrorKind::Internal, "a session without the remote has no lock");
  if (Status taken = lock_->retake(wait); !taken.ok()) return taken;
  if (!lock_->cache_file_replaced()) return {};
  log_info("the cache " + config_.cache + " was replaced since the last cycle; reopening it");
  auto fresh = open_cache(/*writer=*/true);
  if (!fresh.ok()) {
    lock_->release();
    return fresh.error();
  }
  // The old connection is on a file moved aside: SQLite neither checkpoints nor deletes
  // the WAL of a database file that has moved, so closing it leaves the new one alone.
  cache_ = std::move(*fresh);
  if (Status held = lock_->hold_cache_file(); !held.ok()) {
    lock_->release();
    return held;
  }
  if (Status claimed = cache_->shards().claim(config_.shard); !claimed.ok()) {
    lock_->release();
    return claimed;
  }
  return {};
}

MirrorResult EngineSession::mirror(const std::vector<std::string>& tenants, bool full,
                                   bool progress, bool roles) {
  MirrorOptions options;
  options.tenants = tenants;
  options.full = full;
  options.roles = roles;
  options.concurrency = tenant_concurrency(config_);
  options.shard = config_.shard;
  ProgressBar bar(progress && isatty(STDERR_FILENO), "mirror");
  bar.set_note(throttle_note(graph_.get()));
  auto result = mirror_tenants(*directory_, *cache_, options, [&](const MirrorProgress& p) {
    if (p.phase == MirrorProgress::Phase::Done || p.phase == MirrorProgress::Phase::Failed) {
      bar.tick(p.tenant);
    } else if (p.phase == MirrorProgress::Phase::Counted) {
      bar.add_total(static_cast<int>(p.changes_read));
    }
  });
  bar.finish();
  return result;
}

int tenant_concurrency(const Config& config) {
  return std::max(1, std::min(config.remote.concurrency, 8));
}

std::vector<std::string> tenants_in_scope(const Config& config,
                                          const std::vector<std::string>& flags) {
  if (!flags.empty()) return flags;
  if (config.tenants) return *config.tenants;
  return {};
}

Result<DesiredState> load_desired_for(const Config& config, const std::string& flag) {
  std::string path = flag.empty() ? config.desired : flag;
  if (path.empty()) {
    return make_error(ErrorKind::Invalid,
                      "no desired state: pass --desired PATH or set \"desired\" in the config");
  }
  return load_desired_state(path);
}

void print_mirror_result(const MirrorResult& result, bool to_stdout) {
  FILE* out = to_stdout ? stdout : stderr;
  if (result.error) {
    // Io comes from the cache (locked, full, read-only); the rest from the remote.
    std::fprintf(stderr, "tenantsync mirror: %s: %s\n",
                 result.error->kind == ErrorKind::Io ? "cannot write the cache"
                                                     : "cannot list the customer tenants",
                 redact_secrets(result.error->describe()).c_str());
  }
  for (const auto& t : result.tenants) {
    std::string name =
        t.tenant.default_domain_name.empty() ? t.requested : t.tenant.default_domain_name;
    if (t.ok() && t.gone()) {
      std::fprintf(out, "%-40s GONE since %s: the tenant %s; nothing is planned for it\n",
                   name.c_str(), t.gone_since.c_str(), t.gone_reason.c_str());
    } else if (t.ok()) {
      const char* why_full = t.returned       ? " (back after being gone: full read)"
                             : t.host_changed ? " (remote.graphUrl changed: full read)"
                             : t.resynced     ? " (delta link expired: full read)"
                                              : "";
      // Words padded to their plural's width: the columns stay aligned.
      std::fprintf(out, "%-40s %6d %-5s %5d deleted %3d %-4s  %-5s%s %6.2fs\n", name.c_str(),
                   t.users, t.users == 1 ? "user" : "users", t.deleted_users, t.skus,
                   t.skus == 1 ? "SKU" : "SKUs", to_string(t.kind), why_full, t.seconds);
    } else if (t.gone()) {
      std::fprintf(out,
                   "%-40s FAILED: %s (marked gone: nothing is planned for it until a read "
                   "succeeds)\n",
                   name.c_str(), redact_secrets(t.error->describe()).c_str());
    } else {
      std::fprintf(out, "%-40s FAILED: %s (%s)\n", name.c_str(),
                   redact_secrets(t.error->describe()).c_str(),
                   t.never_whole ? "no read of it was ever whole: nothing is planned for it "
                                   "until one is"
                                 : "kept the last complete state; marked stale");
    }
  }
}

}  // namespace tenantsync
