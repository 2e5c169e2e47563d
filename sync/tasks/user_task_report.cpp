#include "sync/tasks/user_task_report.h"

#include <algorithm>
#include <cstdio>
#include <unordered_map>

#include "sync/ascii_case.h"
#include "sync/plural.h"
#include "sync/report/apply_text.h"
#include "sync/terminal_colors.h"

namespace tenantsync {

namespace {

using namespace ansi;

std::string key_of(const std::string& user_id, const std::string& upn) {
  return user_id.empty() ? "upn:" + ascii_lower(upn) : ascii_lower(user_id);
}

// A name that names no user (or a deleted one where an active one was meant): nothing
// could be asked for it, so it is neither done nor failed.
bool names_nobody(const UserTaskTarget& target) {
  return target.user_id.empty() && !target.problems.empty();
}

std::string result_of(const UserTaskLine& line, bool dry_run) {
  if (names_nobody(line.target) && line.operations.empty()) return "notFound";
  bool failed = !line.target.problems.empty(), blocked = !line.target.blocked.empty();
  bool skipped = false;
  for (const auto& op : line.operations) {
    failed = failed || op.status == OpStatus::Failed;
    blocked = blocked || op.status == OpStatus::Blocked;
    // In a real run an operation still ready was never sent (the run stopped part way).
    skipped =
        skipped || op.status == OpStatus::Skipped || (!dry_run && op.status == OpStatus::Ready);
  }
  if (failed) return "failed";
  if (blocked) return "blocked";
  if (skipped) return "skipped";
  if (line.operations.empty()) return "unchanged";
  return dry_run ? "ready" : "done";
}

// The task's targets with the plan's operations, in the task's order; operations for
// users the task did not name (none expected) get lines of their own at the end.
UserTaskReport build(const std::string& command, const UserTask& task, const TenantPlan& plan,
                     bool dry_run) {
  UserTaskReport r;
  r.command = command;
  r.tenant = plan.tenant;
  r.tenant_id = plan.tenant_id;
  r.dry_run = dry_run;
  r.seats = plan.seats;
  r.notes = plan.notes;
  std::unordered_map<std::string, size_t> index;
  for (const auto& t : task.targets) {
    r.users.push_back({t, {}, ""});
    if (!t.user_id.empty() || t.problems.empty()) {
      index.emplace(key_of(t.user_id, t.upn), r.users.size() - 1);
    }
  }
  for (const auto& op : plan.operations) {
    std::string key = key_of(op.user_id, op.user);
    auto it = index.find(key);
    if (it == index.end()) {
      UserTaskTarget t;
      t.name = t.upn = op.user;
      t.user_id = op.user_id;
      r.users.push_back({t, {}, ""});
      it = index.emplace(key, r.users.size() - 1).first;
    }
    r.users[it->second].operations.push_back(op);
  }
  for (auto& line : r.users) {
    // In the order they happen: a user is created (or restored), then its properties are
    // set, before it gets licenses.
    auto rank = [](const Operation& o) {
      if (o.op == OpKind::Create || o.op == OpKind::Restore) return 0;
      return o.op == OpKind::SetProperties ? 1 : 2;
    };
    std::stable_sort(line.operations.begin(), line.operations.end(),
                     [&](const Operation& a, const Operation& b) { return rank(a) < rank(b); });
    line.result = result_of(line, dry_run);
  }
  return r;
}

bool any_not_done(const UserTaskReport& r) {
  for (const auto& line : r.users) {
    if (line.result == "failed" || line.result == "blocked" || line.result == "skipped" ||
        line.result == "notFound") {
      return true;
    }
  }
  return false;
}

}  // namespace

UserTaskSummary UserTaskReport::summary() const {
  UserTaskSummary s;
  for (const auto& line : users) {
    ++s.users;
    auto blocked_asks = static_cast<int>(line.target.blocked.size());
    s.operations.total += static_cast<int>(line.operations.size()) + blocked_asks;
    s.operations.blocked += blocked_asks;
    for (const auto& op : line.operations) {
      switch (op.status) {
        case OpStatus::Applied:
          ++s.operations.done;
          break;
        case OpStatus::Ready:
          ++(dry_run ? s.operations.ready : s.operations.skipped);
          break;
        case OpStatus::Blocked:
          ++s.operations.blocked;
          break;
        case OpStatus::Failed:
          ++s.operations.failed;
          break;
        case OpStatus::Skipped:
          ++s.operations.skipped;
          break;
      }
    }
    if (line.result == "done") ++s.done;
    if (line.result == "ready") ++s.ready;
    if (line.result == "unchanged") ++s.unchanged;
    if (line.result == "blocked") ++s.blocked;
    if (line.result == "failed") ++s.failed;
    if (line.result == "skipped") ++s.skipped;
    if (line.result == "notFound") ++s.not_found;
  }
  return s;
}

UserTaskReport planned_user_task(const std::string& command, const UserTask& task,
                                 const TenantPlan& plan, const SafetyLimits& limits) {
  UserTaskReport r = build(command, task, plan, /*dry_run=*/true);
  SafetyCheck check = check_safety_limits(plan, limits);
  if (check.refused()) {
    r.refusal = check.reason;
    r.exit_code = 4;
  } else {
    r.exit_code = any_not_done(r) ? 3 : 0;
  }
  return r;
}

UserTaskReport applied_user_task(const std::string& command, const UserTask& task,
                                 const ApplyReport& report) {
  TenantPlan empty;
  const TenantPlan& plan = report.plan.tenants.empty() ? empty : report.plan.tenants.front();
  UserTaskReport r = build(command, task, plan, /*dry_run=*/false);
  if (!report.refusals.empty()) r.refusal = report.refusals.front().reason;
  r.local_errors = report.local_errors;
  r.exit_code = report.exit_code();
  if (r.exit_code == 0 && any_not_done(r)) r.exit_code = 3;
  return r;
}

std::string user_task_summary_line(const UserTaskReport& report) {
  UserTaskSummary s = report.summary();
  const auto& o = s.operations;
  std::string line =
      plural(s.users, "user", "users") + ", " + plural(o.total, "operation", "operations") + ": ";
  line +=
      report.dry_run ? std::to_string(o.ready) + " ready, " : std::to_string(o.done) + " done, ";
  line += std::to_string(o.blocked) + " blocked, " + std::to_string(o.failed) + " failed, " +
          std::to_string(o.skipped) + " skipped; " +
          plural(s.unchanged, "user unchanged", "users unchanged");
  if (s.not_found > 0) line += ", " + std::to_string(s.not_found) + " not found";
  line += report.dry_run ? "; nothing was sent." : ".";
  return line;
}

std::string render_user_task_text(const UserTaskReport& report,
                                  const UserTaskTextOptions& options) {
  auto paint = [&](const char* code, const std::string& text) {
    return options.color ? code + text + kReset : text;
  };
  std::string out = paint(kBold, report.tenant.empty() ? report.tenant_id : report.tenant) + "\n";
  if (!report.refusal.empty()) {
    out += "  " + paint(kRed, "Refused: " + report.refusal + "; nothing was sent.") + "\n";
  }
  if (report.users.empty()) out += "  no user was selected\n";
  for (const auto& line : report.users) {
    out += "  " + line.target.upn + "\n";
    for (const auto& op : line.operations) {
      std::string text;
      switch (op.status) {
        case OpStatus::Applied:
          text = paint(kGreen, "\u2713 " + describe_operation(op, true, options.names));
          if (!op.reason.empty()) text += " (" + op.reason + ")";
          break;
        case OpStatus::Failed:
          text =
              paint(kRed, "\u2717 " + describe_operation(op, false, options.names) + " failed: " +
                              (op.error ? op.error->code + ": " + op.error->message : op.reason));
          break;
        case OpStatus::Blocked:
          text = paint(kYellow, "! " + describe_operation(op, false, options.names) +
                                    " blocked: " + op.reason);
          break;
        case OpStatus::Skipped:
          text = paint(kYellow, "- " + describe_operation(op, false, options.names) +
                                    " skipped: " + op.reason);
          break;
        case OpStatus::Ready:
          if (report.dry_run) {
            text = "> would " + describe_operation(op, false, options.names);
            if (!op.reason.empty()) text += " (" + op.reason + ")";
          } else {
            text = "? " + describe_operation(op, false, options.names) + " not sent";
          }
          break;
      }
      out += "    " + text + "\n";
    }
    for (const auto& u : line.target.unchanged) out += "    = " + u + "\n";
    for (const auto& b : line.target.blocked) out += "    " + paint(kYellow, "! " + b) + "\n";
    for (const auto& p : line.target.problems) out += "    " + paint(kRed, "\u2717 " + p) + "\n";
    for (const auto& n : line.target.notes) out += "    " + paint(kYellow, "note: " + n) + "\n";
  }
  bool header = false;
  for (const auto& seat : report.seats) {
    if (seat.after_plan == seat.consumed && seat.shortfall <= 0) continue;
    if (!header) out += "  Seats:\n";
    header = true;
    char buf[160];
    std::snprintf(buf, sizeof buf, "    %s: %s, %d consumed, %d after%s", seat.sku.c_str(),
                  plural(seat.enabled, "seat", "seats").c_str(), seat.consumed, seat.after_plan,
                  report.dry_run ? " the plan" : "");
    out += buf;
    std::string advice = seat_advice(seat);
    if (!advice.empty()) out += "; " + paint(kBold, advice);
    out += "\n";
  }
  for (const auto& e : report.local_errors) out += paint(kRed, "Error: " + e.message) + "\n";
  out += user_task_summary_line(report) + "\n";
  return out;
}

nlohmann::json user_task_json(const UserTaskReport& report) {
  nlohmann::json users = nlohmann::json::array();
  for (const auto& line : report.users) {
    users.push_back({{"user", line.target.upn},
                     {"userId", line.target.user_id},
                     {"result", line.result},
                     {"operations", line.operations},
                     {"unchanged", line.target.unchanged},
                     {"blocked", line.target.blocked},
                     {"problems", line.target.problems},
                     {"notes", line.target.notes}});
  }
  nlohmann::json errors = nlohmann::json::array();
  for (const auto& e : report.local_errors) errors.push_back(e.message);
  UserTaskSummary s = report.summary();
  nlohmann::json j = {{"command", report.command},
                      {"tenant", report.tenant},
                      {"tenantId", report.tenant_id},
                      {"dryRun", report.dry_run},
                      {"users", std::move(users)},
                      {"seats", report.seats},
                      {"notes", report.notes},
                      {"errors", std::move(errors)},
                      {"summary",
                       {{"users", s.users},
                        {"done", s.done},
                        {"ready", s.ready},
                        {"unchanged", s.unchanged},
                        {"blocked", s.blocked},
                        {"failed", s.failed},
                        {"skipped", s.skipped},
                        {"notFound", s.not_found},
                        {"operations",
                         {{"total", s.operations.total},
                          {"done", s.operations.done},
                          {"ready", s.operations.ready},
                          {"blocked", s.operations.blocked},
                          {"failed", s.operations.failed},
                          {"skipped", s.operations.skipped}}}}}};
  if (!report.refusal.empty()) j["refusal"] = report.refusal;
  return j;
}

}  // namespace tenantsync
