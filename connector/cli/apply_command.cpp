// `tenantsync apply`: settle what an interrupted apply left unfinished, then plan (or
// load a saved plan, refused when the mirror moved past it) and carry it out.
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "connector/cli/apply_progress.h"
#include "connector/cli/cache_wait.h"
#include "connector/cli/command_context.h"
#include "connector/cli/commands.h"
#include "connector/cli/engine_session.h"
#include "connector/cli/exit_codes.h"
#include "connector/cli/interrupted_apply.h"
#include "connector/cli/plan_session.h"
#include "connector/cli/stop_signal.h"
#include "model/json_text.h"
#include "sync/apply/executor.h"
#include "sync/apply/run_passwords.h"
#include "sync/plan/desired_fingerprint.h"
#include "sync/report/apply_text.h"
#include "sync/report/plan_text.h"

namespace tenantsync {

namespace {

Result<Plan> load_saved_plan(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error(ErrorKind::Io, "cannot read plan " + path);
  std::stringstream text;
  text << in.rdbuf();
  try {
    auto plan = plan_from_json(nlohmann::json::parse(text.str()));
    if (!plan.ok()) return make_error(ErrorKind::Invalid, path + ": " + plan.error().message);
    return plan;
  } catch (const nlohmann::json::exception& e) {
    return make_error(ErrorKind::Invalid, path + ": not a plan: " + e.what());
  }
}

// Asks on a terminal, after showing the whole plan as `plan` prints it (on stderr: stdout
// stays the report, JSON or text); anywhere else the answer is no (scripts pass --yes).
bool confirmed(const Plan& plan, const ServicePlanNames& names) {
  if (!isatty(STDIN_FILENO)) {
    std::fprintf(stderr,
                 "tenantsync apply: not a terminal, so not asking: pass --yes (or "
                 "--auto-approve) to apply\n");
    return false;
  }
  std::fputs(render_plan_text(plan, isatty(STDERR_FILENO), &names).c_str(), stderr);
  std::fprintf(stderr, "Apply these operations? [y/N] ");
  std::string answer;
  std::getline(std::cin, answer);
  return answer == "y" || answer == "Y" || answer == "yes";
}

// The outcome, as the plan's JSON shape or as text for people.
void print_report(const ApplyReport& report, const std::string& format,
                  const ServicePlanNames& names) {
  if (format == "json") {
    std::printf("%s\n", dump_json(nlohmann::json(report.plan), 2).c_str());
    return;
  }
  ApplyTextOptions text;
  text.color = isatty(STDOUT_FILENO);
  text.names = &names;
  std::fputs(render_apply_text(report, text).c_str(), stdout);
}

}  // namespace

int run_apply(const GlobalFlags& g, const ApplyFlags& o) {
  StopSignal& stop = StopSignal::install();
  auto config = load_command_config(g);
  if (!config.ok()) return report_failure("apply", config.error());
  std::optional<Plan> saved;
  if (!o.plan_file.empty()) {
    auto plan = load_saved_plan(o.plan_file);
    if (!plan.ok()) return report_failure("apply", plan.error());
    saved = std::move(*plan);
  }
  // The intent is always the current desired state: a saved plan is carried out only
  // while it is still the plan of that state (a tenant switched to report mode, or a user
  // taken out of the file, since it was made must not be acted on).
  auto desired = load_desired_for(*config, o.desired);
  if (!desired.ok()) {
    if (!saved) return report_failure("apply", desired.error());
    return report_failure("apply", make_error(desired.error().kind,
                                              "--plan is checked against the current desired "
                                              "state: " +
                                                  desired.error().message));
  }
  if (saved) {
    std::string why = why_plan_is_not_current(*saved, *desired);
    if (!why.empty()) {
      std::fprintf(stderr,
                   "tenantsync apply: plan is stale: %s; nothing of the saved plan was sent: "
                   "re-run plan\n",
                   why.c_str());
      return kExitRefused;
    }
  }
  auto session = EngineSession::open(*config, /*need_remote=*/true, "apply",
                                     command_lock_wait("apply", o.wait));
  if (!session.ok()) return report_failure("apply", session.error());
  EngineSession& s = **session;

  // An earlier apply that was interrupted: settle its entries first (nothing of it is sent
  // again), then plan afresh from the current desired state. Only the tenants this apply
  // works on (a saved plan's, or --tenant's; else every tenant): another tenant's entries
  // neither hold it up nor make it wait. A tenant whose interrupted operations could not
  // be settled gets nothing new (it is not planned, below); the others go on. The line
  // goes to stderr when stdout is JSON.
  std::vector<std::string> scope = o.tenants;
  if (saved) {
    scope.clear();
    for (const auto& t : saved->tenants)
      scope.push_back(t.tenant_id.empty() ? t.tenant : t.tenant_id);
  }
  auto settled = settle_interrupted_apply(s, scope, o.format == "json" ? stderr : stdout);
  if (!settled.ok()) return report_failure("apply", settled.error());
  if (saved && !settled->nothing_to_do()) {
    // The saved plan was made before that run's effects were known: it is not current.
    const char* what = settled->unresolved == 0
                           ? "an interrupted run was settled since it was made"
                           : "an interrupted run left operations that could not be settled "
                             "yet (see above)";
    std::fprintf(stderr,
                 "tenantsync apply: plan is stale: %s; nothing of the saved plan was sent: "
                 "re-run plan\n",
                 what);
    return kExitRefused;
  }

  // Where the passwords of created users go, checked before anything is sent; without
  // one, the plan blocks its creates with the reason.
  PasswordsDestination passwords_to{o.passwords_out, config->passwords_dir};
  if (Status st = check_passwords_destination(passwords_to); !st.ok()) {
    return report_failure("apply", st.error());
  }
  PlanOptions plan_options;
  plan_options.creates_blocked = creates_blocked_reason(passwords_to);
  plan_options.allow_privileged_roles = o.allow_privileged;

  Plan plan;
  ServicePlanNames names;
  if (saved) {
    std::vector<std::string> tenants;
    for (const auto& t : saved->tenants) tenants.push_back(t.tenant_id);
    auto mirrored = s.mirror(tenants, /*full=*/false, !g.no_progress);
    if (!mirrored.ok()) print_mirror_result(mirrored, /*to_stdout=*/false);
    plan = std::move(*saved);
  } else {
    auto built =
        plan_desired(s, *desired, o.tenants, /*refresh=*/true, !g.no_progress, plan_options);
    if (!built.ok()) return report_failure("apply", built.error());
    plan = std::move(built->plan);
    names = std::move(built->plan_names);
  }
  hold_back_unsettled(plan, *settled);
  if (!plan.has_ready_operations()) {
    // Nothing to send, but blocked operations still keep an enforced tenant from the
    // desired state: list them and exit 3, in the format asked for, as any apply does.
    ApplyReport nothing_sent;
    nothing_sent.plan = std::move(plan);
    print_report(nothing_sent, o.format, names);
    return nothing_sent.exit_code();
  }
  // Only report-mode tenants differ: nothing will be sent, so nothing to ask; the run
  // records them as skipped.
  if (!o.yes && plan.has_operations_to_send() && !confirmed(plan, names)) return kExitFailed;
  stop.sending_starts();

  ExecuteOptions options;
  options.limits.max_revocations = o.max_revocations.value_or(config->max_revocations);
  options.limits.max_deletions = o.max_deletions.value_or(config->max_deletions);
  options.concurrency = tenant_concurrency(*config);
  options.refuse_stale_plan = saved.has_value();
  options.interrupt = &stop.stopping();
  auto passwords = RunPasswords::open(plan, passwords_to, s.clock().now());
  if (!passwords.ok()) return report_failure("apply", passwords.error());
  options.passwords = (*passwords)->callbacks();
  ApplyProgressBar progress(!g.no_progress && isatty(STDERR_FILENO), plan, s.graph());
  options.progress = progress.callback();
  auto report = execute_plan(plan, s.directory(), s.cache(), s.clock(), options);
  progress.finish();
  // The passwords file is closed (or removed when nobody was created) whatever happened.
  auto passwords_written = (*passwords)->finish();
  if (!report.ok()) return report_failure("apply", report.error());
  if (!report->stale.empty()) {
    std::fprintf(stderr, "tenantsync apply: plan is stale: re-run plan (%s)\n",
                 report->stale.c_str());
    return kExitRefused;
  }
  print_report(*report, o.format, names);
  if (!passwords_written.ok()) return report_failure("apply", passwords_written.error());
  if (!passwords_written->empty()) {
    std::fprintf(stderr, "tenantsync apply: %s\n", passwords_written->c_str());
  }
  if (int code = stop.exit_code()) {
    report_interrupted("apply", *report);
    return code;
  }
  return report->exit_code();
}

}  // namespace tenantsync
