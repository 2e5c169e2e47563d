#include "sync/report/apply_text.h"

#include "sync/plan/property_change.h"
#include "sync/plural.h"
#include "sync/report/plan_text.h"
#include "sync/terminal_colors.h"

namespace tenantsync {

namespace {

using namespace ansi;

class ApplyWriter {
 public:
  explicit ApplyWriter(const ApplyTextOptions& options) : options_(options) {}

  void stale(const std::string& why) {
    out_ += paint(kRed, "Refused: the plan is stale: " + why + "; nothing was sent.") + "\n\n";
  }

  void tenant(const TenantPlan& t, const TenantRefusal* refusal) {
    if (t.operations.empty() && !refusal && t.not_planned.empty() && t.stale.empty()) return;
    out_ += paint(kBold, t.tenant);
    if (t.mode == TenantMode::Report) out_ += " (report mode: not changed)";
    out_ += "\n";
    if (!t.not_planned.empty()) {
      out_ += "  " + paint(kYellow, "Not planned: " + t.not_planned + "; nothing was sent.") + "\n";
    }
    if (!t.stale.empty()) out_ += "  " + paint(kYellow, stale_line(t)) + "\n";
    if (refusal) {
      out_ += "  " + paint(kRed, "Refused: " + refusal->reason + "; nothing was sent.") + "\n";
    }
    write_by_user(out_, t.operations, [&](const Operation& op) { operation(op); });
  }

  void local_error(const Error& e) { out_ += paint(kRed, "Error: " + e.message) + "\n"; }
  void line(const std::string& text) { out_ += text + "\n"; }
  std::string take() { return std::move(out_); }

 private:
  std::string paint(const char* code, const std::string& text) const {
    return options_.color ? code + text + kReset : text;
  }

  void operation(const Operation& op) {
    std::string line = "    ";
    switch (op.status) {
      case OpStatus::Applied:
        line += paint(kGreen, std::string(options_.ascii ? "+ " : "\u2713 ") +
                                  describe_operation(op, true, options_.names));
        if (!op.reason.empty()) line += " (" + op.reason + ")";
        break;
      case OpStatus::Failed: {
        std::string detail = op.error ? op.error->code + ": " + op.error->message : op.reason;
        line +=
            paint(kRed, std::string(options_.ascii ? "x " : "\u2717 ") +
                            describe_operation(op, false, options_.names) + " failed: " + detail);
        break;
      }
      case OpStatus::Blocked:
        line += paint(kYellow, "! " + describe_operation(op, false, options_.names) +
                                   " blocked: " + op.reason);
        break;
      case OpStatus::Skipped:
        line += paint(kYellow, "- " + describe_operation(op, false, options_.names) +
                                   " skipped: " + op.reason);
        break;
      case OpStatus::Ready:
        line += "? " + describe_operation(op, false, options_.names) + " not sent";
        break;
    }
    out_ += line + "\n";
  }

  const ApplyTextOptions& options_;
  std::string out_;
};

}  // namespace

std::string describe_operation(const Operation& op, bool done, const ServicePlanNames* names) {
  auto plans = [&](const std::vector<std::string>& ids) {
    std::string out;
    for (const auto& id : ids) {
      if (!out.empty()) out += ", ";
      out += names ? names->name_or_id(id) : id;
    }
    return out;
  };
  switch (op.op) {
    case OpKind::Assign:
      return std::string(done ? "assigned " : "assign ") + op.sku +
             (op.disabled_plans.empty() ? "" : " (disable " + plans(op.disabled_plans) + ")");
    case OpKind::Revoke:
      return std::string(done ? "revoked " : "revoke ") + op.sku;
    case OpKind::Update:
      return std::string(done ? "updated " : "update ") + op.sku +
             (op.disabled_plans.empty() ? " (enable all plans)"
                                        : " (disable " + plans(op.disabled_plans) + ")");
    case OpKind::Restore:
      return done ? "restored" : "restore";
    case OpKind::ResetPassword:
      return done ? "password reset" : "reset password";
    case OpKind::SetProperties:
      return "set " + describe_property_patch(op.details.value_or(nlohmann::json()));
    case OpKind::Delete:
      return done ? "deleted" : "delete";
    case OpKind::AddRole:
      return std::string(done ? "given role " : "give role ") + role_name(op);
    case OpKind::RemoveRole:
      return std::string(done ? "removed role " : "remove role ") + role_name(op);
    case OpKind::Create: {
      std::string what = op.details ? describe_create(*op.details) : "";
      return std::string(done ? "created" : "create") + (what.empty() ? "" : " " + what);
    }
  }
  return "";
}

std::string apply_summary_line(const ApplyReport& report) {
  PlanSummary s = report.summary();
  // A tenant not planned, or planned from a stale mirror, is never said to match: its
  // state is unknown.
  std::string unknown = tenants_unknown_sentence(s);
  if (!unknown.empty()) unknown = " " + unknown;
  if (s.operations == 0 && unknown.empty())
    return "Nothing to apply. The tenants match the desired state.";
  if (s.operations == 0) return "Nothing to apply." + unknown;
  return "Applied " + std::to_string(s.applied) + " of " + std::to_string(s.operations) +
         " operations for " + plural(s.users, "user", "users") + ": " + std::to_string(s.failed) +
         " failed, " + std::to_string(s.blocked) + " blocked, " + std::to_string(s.skipped) +
         " skipped." + unknown;
}

std::string render_apply_text(const ApplyReport& report, const ApplyTextOptions& options) {
  ApplyWriter writer(options);
  if (!report.stale.empty()) writer.stale(report.stale);
  for (const auto& tenant : report.plan.tenants) {
    const TenantRefusal* refusal = nullptr;
    for (const auto& r : report.refusals) {
      if (r.tenant_id == tenant.tenant_id && r.tenant == tenant.tenant) refusal = &r;
    }
    writer.tenant(tenant, refusal);
  }
  std::string out = writer.take();
  if (!out.empty() && out.back() == '\n' && (out.size() < 2 || out[out.size() - 2] != '\n')) {
    out += "\n";
  }
  ApplyWriter tail(options);
  for (const auto& e : report.local_errors) tail.local_error(e);
  tail.line(apply_summary_line(report));
  return out + tail.take();
}

}  // namespace tenantsync
