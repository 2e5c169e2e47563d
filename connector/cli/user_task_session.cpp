#include "connector/cli/user_task_session.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <iostream>
#include <random>

#include "connector/cli/apply_progress.h"
#include "connector/cli/cache_wait.h"
#include "connector/cli/command_context.h"
#include "connector/cli/exit_codes.h"
#include "connector/cli/interrupted_apply.h"
#include "connector/cli/stop_signal.h"
#include "model/json_text.h"
#include "sync/apply/created_passwords.h"
#include "sync/apply/executor.h"
#include "sync/apply/password_file.h"
#include "sync/ascii_case.h"
#include "sync/plan/plan_builder.h"
#include "sync/plan/service_rules.h"
#include "sync/report/plan_text.h"
#include "sync/tasks/user_task_report.h"

namespace tenantsync {

namespace {

void print_report(const UserTaskReport& report, const std::string& format,
                  const ServicePlanNames& names) {
  if (format == "json") {
    std::printf("%s\n", dump_json(user_task_json(report), 2).c_str());
    return;
  }
  UserTaskTextOptions text;
  text.color = isatty(STDOUT_FILENO);
  text.names = &names;
  std::fputs(render_user_task_text(report, text).c_str(), stdout);
}

// Refuses a hand task on a tenant another shard owns (docs/cli.md "Shards"): its cache
// would never hold the tenant, and its writes belong to the owner.
Status owned_by_this_shard(EngineSession& s, const std::string& tenant) {
  const auto& shard = s.config().shard;
  if (!shard) return {};
  auto found = shard_owner(*shard, s.cache().shards(), tenant);
  if (!found.ok()) return found.error();
  const int owner = *found;
  if (owner == shard->index) return {};
  return make_error(ErrorKind::Invalid,
                    "tenant " + tenant + " belongs to shard " + std::to_string(owner) + "/" +
                        std::to_string(shard->count) + ", and the cache " + s.config().cache +
                        " holds shard " + shard->spec() +
                        ": run the task with that shard's cache (its config's `cache`)",
                    "wrong-shard");
}

}  // namespace

void warn_of_skipped_blocked_users(const std::string& name,
                                   const std::vector<UserTaskTarget>& targets) {
  auto skipped = std::count_if(targets.begin(), targets.end(),
                               [](const UserTaskTarget& t) { return t.skipped_sign_in_blocked; });
  if (skipped == 0) return;
  std::fprintf(stderr,
               "tenantsync %s: warning: skipped %ld user%s the filter matched whose sign-in is "
               "blocked (--include-disabled to include them)\n",
               name.c_str(), static_cast<long>(skipped), skipped == 1 ? "" : "s");
}

bool confirmed_on_terminal(const std::string& question, bool yes) {
  if (yes || !isatty(STDIN_FILENO)) return true;
  std::fprintf(stderr, "%s [y/N] ", question.c_str());
  std::string answer;
  std::getline(std::cin, answer);
  return answer == "y" || answer == "Y" || answer == "yes";
}

int refuse_without_passwords_out(const std::string& command) {
  std::fprintf(stderr,
               "tenantsync: %s needs --passwords-out F: temporary passwords are written to that "
               "file and nowhere else\nRun 'tenantsync %s --help' for usage.\n",
               command.c_str(), command.c_str());
  return kExitUsage;
}

std::string journal_run_id(const std::string& command, Clock& clock) {
  std::string name;
  for (char c : command) name += c == ' ' ? '-' : c;
  std::random_device rd;
  char suffix[9];
  std::snprintf(suffix, sizeof suffix, "%08x", static_cast<unsigned>(rd()));
  return name + "-" + format_iso8601(clock.now()) + "-" + suffix;
}

Result<MirroredTenant> open_and_mirror(const Config& config, const std::string& command,
                                       const std::string& tenant, bool progress,
                                       std::chrono::seconds wait) {
  auto session =
      EngineSession::open(config, /*need_remote=*/true, command, command_lock_wait(command, wait));
  if (!session.ok()) return session.error();
  MirroredTenant m;
  m.session = std::move(*session);
  EngineSession& s = *m.session;
  if (auto known = s.cache().find_tenant(tenant); known.ok()) {
    auto before = s.cache().load_snapshot(known->id);
    if (before.ok() && before->mirror != MirrorState::Never) m.before = std::move(*before);
  }
  auto settled = settle_interrupted_apply(s, {tenant}, stderr);
  if (!settled.ok()) return settled.error();
  if (Status st = require_settled(*settled, command); !st.ok()) return st.error();
  MirrorResult mirrored = s.mirror({tenant}, /*full=*/false, progress, /*roles=*/true);
  if (mirrored.error) return *mirrored.error;
  for (const auto& t : mirrored.tenants) {
    if (t.error && t.error->code == "unknown-tenant") return *t.error;
  }
  if (Status mine = owned_by_this_shard(s, tenant); !mine.ok()) return mine.error();
  if (!mirrored.ok()) print_mirror_result(mirrored, /*to_stdout=*/false);
  auto found = s.cache().find_tenant(tenant);
  if (!found.ok()) return found.error();
  auto now = s.cache().load_snapshot(found->id);
  if (!now.ok()) return now.error();
  if (now->rows_fail_checksum()) {
    return make_error(ErrorKind::Stale,
                      checksum_failure_message(found->default_domain_name) + "; nothing was sent");
  }
  m.now = std::move(*now);
  return m;
}

UserTaskCommand asking_command(std::string name, std::string tenant, std::chrono::seconds wait,
                               bool dry_run, std::string format, bool yes) {
  UserTaskCommand command;
  command.name = std::move(name);
  command.tenant = std::move(tenant);
  command.wait = wait;
  command.dry_run = dry_run;
  command.format = std::move(format);
  command.ask = true;
  command.yes = yes;
  return command;
}

int run_user_task(const GlobalFlags& g, const Config& config, const UserTaskCommand& command) {
  const std::string& name = command.name;
  StopSignal& stop = StopSignal::install();
  auto mirrored = open_and_mirror(config, name, command.tenant, !g.no_progress, command.wait);
  if (!mirrored.ok()) return report_failure(name, mirrored.error());
  EngineSession& s = *mirrored->session;

  auto task = command.build(mirrored->now, mirrored->before ? &*mirrored->before : nullptr);
  if (!task.ok()) return report_failure(name, task.error());
  warn_of_skipped_blocked_users(name, task->targets);
  PlanOptions plan_options;
  plan_options.allow_privileged_roles = command.allow_privileged_roles;
  plan_options.use_grace_seats = config.use_grace_seats;
  auto built = build_tenant_plan(s.cache(), mirrored->now, task->desired, ServiceRules::builtin(),
                                 s.clock().now(), plan_options);
  if (!built.ok()) return report_failure(name, built.error());
  const TenantPlan& planned = built->plan.tenants.front();

  SafetyLimits limits;
  limits.max_revocations = config.max_revocations;
  limits.max_deletions = config.max_deletions;
  limits.flags = false;  // these commands have no --max-* flags: the config says

  if (command.dry_run) {
    UserTaskReport report = planned_user_task(name, *task, planned, limits);
    print_report(report, command.format, built->plan_names);
    return report.exit_code;
  }

  CreatedPasswords passwords;
  if (Status drawn = passwords.draw(planned); !drawn.ok())
    return report_failure(name, drawn.error());
  std::optional<PasswordFile> file;
  if (!passwords.empty() && !command.passwords_out.empty()) {
    // Taken now, refused if it exists, so the passwords have a place before any user does.
    auto created = PasswordFile::create(command.passwords_out);
    if (!created.ok()) return report_failure(name, created.error());
    file = std::move(*created);
  }
  if (command.ask && built->plan.has_ready_operations() && !command.yes && isatty(STDIN_FILENO)) {
    // On a terminal: show what would be sent, then ask.
    print_report(planned_user_task(name, *task, planned, limits), "text", built->plan_names);
    if (!confirmed_on_terminal(plan_summary_line(built->plan) + " Send these changes?", false)) {
      if (file) file->discard();
      std::fprintf(stderr, "tenantsync %s: nothing was sent\n", name.c_str());
      return kExitFailed;
    }
  }

  ExecuteOptions options;
  options.plan_id = journal_run_id(name, s.clock());
  options.limits = limits;
  options.concurrency = 1;
  options.interrupt = &stop.stopping();
  if (file) options.passwords = passwords.callbacks();
  // A 100-row import under latency takes a while: say how far it is, on a terminal.
  ApplyProgressBar progress(!g.no_progress && isatty(STDERR_FILENO), built->plan, s.graph(), name);
  options.progress = progress.callback();
  stop.sending_starts();
  auto applied = execute_plan(built->plan, s.directory(), s.cache(), s.clock(), options);
  progress.finish();
  if (!applied.ok()) {
    if (file) file->discard();
    return report_failure(name, applied.error());
  }
  UserTaskReport report = applied_user_task(name, *task, *applied);
  print_report(report, command.format, built->plan_names);
  if (stop.exit_code()) {
    report_interrupted(name, *applied);
    report.exit_code = stop.exit_code();
  }

  if (!file) return report.exit_code;
  if (passwords.created().empty()) {
    file->discard();
    std::fprintf(stderr, "tenantsync %s: no user was created, so %s was not written\n",
                 name.c_str(), command.passwords_out.c_str());
    return report.exit_code;
  }
  Status written = file->append_all(passwords.created());
  if (written.ok()) written = file->close();
  if (!written.ok()) {
    return report_failure(
        name, make_error(ErrorKind::Io, written.error().message +
                                            "; the users created need new passwords: run "
                                            "tenantsync users reset-password"));
  }
  std::fprintf(stderr, "tenantsync %s: the temporary passwords of %zu created user%s are in %s\n",
               name.c_str(), passwords.created().size(), passwords.created().size() == 1 ? "" : "s",
               command.passwords_out.c_str());
  return report.exit_code;
}

}  // namespace tenantsync
