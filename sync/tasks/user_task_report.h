// What an imperative user task (user_task.h) did, per user the command named, like a
// confirmation page: every success and every error, the service's message verbatim, the
// seats that ran short, and a summary (docs/cli.md: assign, revoke, users add / import /
// set / delete / restore).
//
// A user's result: `notFound` when the name names no user (nothing could be asked for it);
// `failed` when an operation failed or the user is gone (purged); else `blocked` when an
// operation was blocked (the planner's reason, e.g.
// "no free seat of SPE_E3 ...") or the request could not be planned for it (a license
// from a group, a name a deleted user holds); else
// `skipped` (a safety limit, report mode ...); else `done` when every operation was
// applied, `ready` in a dry run, `unchanged` when nothing needed sending.
//
// Text, one block per user in the task's order:
//   alice@contoso.onmicrosoft.com
//     ✓ assigned SPE_E3
//     ! assign SPE_E3 blocked: no free seat of SPE_E3 (Subscription with SKU ...)
//     ✗ assign EMS failed: Request_BadRequest: <the service's message>
//     = already holds EMS
//     ! EMS comes from group 1234: remove the user from that group to take it away
//     ✗ no user bob@contoso.com in contoso.onmicrosoft.com
//     note: sign-in is blocked (named explicitly, so not skipped)
//   (dry run: "> would assign SPE_E3"), then the seats the task changes or runs short of
// with "buy N more seats of X", a safety-limit refusal, local errors, and the summary
// "4 users, 7 operations: 4 done, 3 blocked, 0 failed, 0 skipped; 1 user unchanged." (dry run: "...
// 150 ready ...; nothing was sent."). JSON: see user_task_json().
// Pure functions; deterministic.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "model/plan.h"
#include "sync/apply/apply_result.h"
#include "sync/plan/safety_limits.h"
#include "sync/report/drift.h"
#include "sync/tasks/user_task.h"

namespace tenantsync {

struct UserTaskLine {
  UserTaskTarget target;
  std::vector<Operation> operations;  // planned (dry run) or with outcomes; a create first
  std::string result;                 // done|ready|unchanged|blocked|failed|skipped|notFound
};

// Users by result, and the operations (each change asked for one user) by outcome: a
// change refused before planning (a license from a group) counts as a blocked operation,
// an operation a real run did not send as skipped.
struct UserTaskSummary {
  // Each user once, by its result: users = done + ready + ... + not_found.
  int users = 0, done = 0, ready = 0, unchanged = 0, blocked = 0, failed = 0, skipped = 0;
  int not_found = 0;  // names that name no user (result notFound)
  struct Operations {
    int total = 0, done = 0, ready = 0, blocked = 0, failed = 0, skipped = 0;
  } operations;
};

struct UserTaskReport {
  std::string command;  // "assign", "users restore", ...
  std::string tenant;   // default domain
  std::string tenant_id;
  bool dry_run = false;
  std::vector<UserTaskLine> users;
  std::vector<SeatLine> seats;
  std::vector<std::string> notes;  // the planner's notes
  std::string refusal;             // a safety limit refused the task: why (nothing sent)
  std::vector<Error> local_errors;
  int exit_code = 0;  // docs/cli.md

  UserTaskSummary summary() const;
};

// A dry run: the plan of the task; `limits` says whether apply would refuse it (exit 4).
UserTaskReport planned_user_task(const std::string& command, const UserTask& task,
                                 const TenantPlan& plan, const SafetyLimits& limits);

// After the executor: its annotated plan, refusals and local errors.
UserTaskReport applied_user_task(const std::string& command, const UserTask& task,
                                 const ApplyReport& report);

struct UserTaskTextOptions {
  bool color = false;
  const ServicePlanNames* names = nullptr;
};

std::string render_user_task_text(const UserTaskReport& report,
                                  const UserTaskTextOptions& options = {});

// The summary line, as above.
std::string user_task_summary_line(const UserTaskReport& report);

// {"command", "tenant", "tenantId", "dryRun", "users": [{"user", "userId", "result",
//  "operations": [<plan operation>...], "unchanged": [...], "blocked": [...],
//  "problems": [...], "notes": [...]}],
//  "seats": [<plan seat line>...], "notes", "refusal" (when refused), "errors": [...],
//  "summary": {"users", "done", "ready", "unchanged", "blocked", "failed", "skipped",
//  "notFound", "operations": {"total", "done", "ready", "blocked", "failed", "skipped"}}};
//  "result" is one of done, ready, unchanged, blocked, failed, skipped, notFound.
nlohmann::json user_task_json(const UserTaskReport& report);

}  // namespace tenantsync
