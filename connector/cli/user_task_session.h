// The shared body of the imperative user commands (assign, revoke, users add / import /
// reset-password / delete / restore): open the engine, settle an interrupted run, mirror
// the tenant so everything is decided from the truth, then (except reset-password, which
// changes no license) turn the request into a task (sync/tasks/user_task.h), plan it with the
// planner, and either print that plan (--dry-run: nothing is sent) or carry it out with
// the executor (journal, batching, safety limits) and print a result per user
// (sync/tasks/user_task_report.h). Exit codes are docs/cli.md's.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "connector/cli/engine_session.h"
#include "connector/cli/options.h"
#include "model/config.h"
#include "model/result.h"
#include "sync/store/tenant_snapshot.h"
#include "sync/tasks/user_task.h"

namespace tenantsync {

// A session with one tenant freshly mirrored.
struct MirroredTenant {
  std::unique_ptr<EngineSession> session;
  std::optional<TenantSnapshot> before;  // the cache before the mirror, when it knew the tenant
  TenantSnapshot now;                    // after the mirror
};

// Opens the session (taking the cache lock as `command`, waiting up to `wait` for another
// writer), settles what an interrupted run
// left in `tenant`, mirrors it (a failure is printed on stderr and the tenant stays stale:
// the planner then refuses what a stale mirror cannot justify) and loads its snapshot.
// Fails when the tenant is not one of the partner's customers.
Result<MirroredTenant> open_and_mirror(const Config& config, const std::string& command,
                                       const std::string& tenant, bool progress,
                                       std::chrono::seconds wait);

struct UserTaskCommand {
  std::string name;  // "assign", "users delete", ... (messages, the cache lock, the journal)
  std::string tenant;
  std::chrono::seconds wait = kDefaultCacheWait;  // --wait: for another writer's lock
  bool dry_run = false;
  std::string format = "text";  // text | json
  bool ask = false;             // on a terminal, ask before sending unless `yes`
  bool yes = false;
  // The task, from the snapshot after the mirror and the one before (null when the cache
  // did not know the tenant). An error stops the command before anything is sent.
  std::function<Result<UserTask>(const TenantSnapshot& now, const TenantSnapshot* before)> build;
  // Where the temporary passwords of created users go (checked by the caller before).
  // Empty: the task creates nobody.
  std::string passwords_out;
  bool allow_privileged_roles = false;  // --allow-privileged
};

// A command that asks before sending on a terminal (assign, revoke, users set / roles),
// from its flags.
UserTaskCommand asking_command(std::string name, std::string tenant, std::chrono::seconds wait,
                               bool dry_run, std::string format, bool yes);

// Runs the command as above; returns its exit code.
int run_user_task(const GlobalFlags& g, const Config& config, const UserTaskCommand& command);

// One line on stderr when a filter matched users whose sign-in is blocked and left them
// out (each is listed in the output too), so nobody misses it in a long output.
void warn_of_skipped_blocked_users(const std::string& command,
                                   const std::vector<UserTaskTarget>& targets);

// For confirmations: on a terminal (and without --yes) asks `question` [y/N] on stderr.
// Anywhere else the command line was the confirmation: true.
bool confirmed_on_terminal(const std::string& question, bool yes);

// Commands that create passwords refuse to run without a file for them (docs/cli.md): says so
// with a hint and returns 64 (usage).
int refuse_without_passwords_out(const std::string& command);

// "assign-2026-11-20T10:00:00Z-1a2b3c4d": the journal's name for one run of `command`.
std::string journal_run_id(const std::string& command, Clock& clock);

}  // namespace tenantsync
