// `tenantsync users reset-password`: a new temporary password for each user, to be
// changed at the next sign-in (sync/tasks/password_reset.h), written to --passwords-out once the
// service took them. The command refuses to run without that file and before anything
// is sent when the file exists. A result per user; exit 0 when every reset took, 3 when
// some did not.
#include <unistd.h>

#include <cstdio>

#include "connector/cli/command_context.h"
#include "connector/cli/commands.h"
#include "connector/cli/exit_codes.h"
#include "connector/cli/stop_signal.h"
#include "connector/cli/user_selection.h"
#include "connector/cli/user_task_session.h"
#include "sync/apply/password_file.h"
#include "sync/apply/temporary_password.h"
#include "sync/plural.h"
#include "sync/tasks/password_reset.h"

namespace tenantsync {

int run_users_reset_password(const GlobalFlags& g, const UsersTargetFlags& o) {
  const char* name = "users reset-password";
  auto config = load_command_config(g);
  if (!config.ok()) return report_failure(name, config.error());
  if (o.passwords_out.empty()) return refuse_without_passwords_out(name);
  auto selection = selection_filter(o.selection);
  if (!selection.ok()) return report_selection_failure(name, selection.error());
  if (Status st = check_passwords_path(o.passwords_out); !st.ok()) {
    return report_failure(name, st.error());
  }
  StopSignal& stop = StopSignal::install();
  auto mirrored = open_and_mirror(*config, name, o.tenant, !g.no_progress, o.wait);
  if (!mirrored.ok()) return report_failure(name, mirrored.error());
  const TenantSnapshot& tenant = mirrored->now;
  auto selected = selected_names(tenant, *selection);
  if (!selected.ok()) return report_failure(name, selected.error());
  std::vector<UserTaskTarget> targets = active_targets(tenant, selected->names);
  warn_of_skipped_blocked_users(name, selected->skipped);
  for (auto& t : selected->skipped) targets.push_back(std::move(t));

  std::vector<PasswordReset> resets;
  for (const auto& t : targets) {
    if (!t.problems.empty() || t.skipped_sign_in_blocked) continue;
    auto password = generate_temporary_password();
    if (!password.ok()) return report_failure(name, password.error());
    resets.push_back({t.upn, t.user_id, std::move(*password)});
  }
  std::vector<PasswordResetResult> results;
  std::vector<PasswordEntry> set;
  if (!resets.empty()) {
    auto file = PasswordFile::create(o.passwords_out);
    if (!file.ok()) return report_failure(name, file.error());
    EngineSession& session = *mirrored->session;
    PasswordResetJournal journal{session.cache().journal(), journal_run_id(name, session.clock()),
                                 tenant.tenant};
    stop.sending_starts();
    auto sent = reset_passwords(session.directory(), journal, resets, kChunkBetweenStopChecks,
                                &stop.stopping());
    if (!sent.ok()) {
      file->discard();
      return report_failure(name, sent.error());
    }
    results = std::move(sent).value();
    for (size_t i = 0; i < results.size(); ++i) {
      if (results[i].status.ok()) set.push_back({resets[i].upn, resets[i].password});
    }
    for (auto& r : resets) r.password.assign(r.password.size(), '\0');
    Status written = set.empty() ? Status() : file->append_all(set);
    if (written.ok() && !set.empty()) written = file->close();
    for (auto& e : set) e.password.assign(e.password.size(), '\0');
    if (set.empty()) file->discard();
    if (!written.ok()) {
      return report_failure(name,
                            make_error(ErrorKind::Io, written.error().message +
                                                          "; the passwords just set are lost: run "
                                                          "users reset-password again"));
    }
  }

  // A result per user, in the targets' order.
  bool tty = isatty(STDOUT_FILENO);
  auto paint = [&](const char* code, const std::string& text) {
    return tty ? code + text + "\x1b[0m" : text;
  };
  int done = 0, failed = 0, not_found = 0, skipped = 0;
  std::string out = tenant.tenant.default_domain_name + "\n";
  size_t next = 0;
  for (const auto& t : targets) {
    out += "  " + t.upn + "\n";
    for (const auto& p : t.problems) out += "    " + paint("\x1b[31m", "\u2717 " + p) + "\n";
    for (const auto& n : t.notes) out += "    " + paint("\x1b[33m", "note: " + n) + "\n";
    if (t.skipped_sign_in_blocked) {
      ++skipped;
      for (const auto& u : t.unchanged) out += "    = " + u + "\n";
      continue;
    }
    if (!t.problems.empty()) {
      ++not_found;
      continue;
    }
    const PasswordResetResult& r = results[next++];
    if (r.status.ok()) {
      ++done;
      out += "    " +
             paint("\x1b[32m", "\u2713 password reset (to be changed at the next sign-in)") + "\n";
    } else {
      ++failed;
      const Error& e = r.status.error();
      out += "    " +
             paint("\x1b[31m", "\u2717 reset password failed: " +
                                   (e.code.empty() ? std::string(to_string(e.kind)) : e.code) +
                                   ": " + e.message) +
             "\n";
    }
  }
  out += plural(static_cast<int>(targets.size()), "user", "users") + ", " +
         plural(done + failed, "operation", "operations") + ": " + std::to_string(done) +
         " done, " + std::to_string(failed) + " failed";
  if (not_found > 0) out += "; " + std::to_string(not_found) + " not found";
  if (skipped > 0) out += "; " + std::to_string(skipped) + " not selected (sign-in blocked)";
  out += ".\n";
  std::fputs(out.c_str(), stdout);
  if (!set.empty() || done > 0) {
    std::fprintf(stderr, "tenantsync %s: the temporary passwords of %d user%s are in %s\n", name,
                 done, done == 1 ? "" : "s", o.passwords_out.c_str());
  }
  if (int code = stop.exit_code()) {
    std::fprintf(stderr,
                 "tenantsync %s: interrupted: the resets not sent are listed as failed "
                 "with \"not sent: interrupted\"; run it again for those users\n",
                 name);
    return code;
  }
  return failed + not_found > 0 ? kExitPartial : kExitOk;
}

}  // namespace tenantsync
