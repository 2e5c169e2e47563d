#include "sync/report/plan_text.h"

#include <algorithm>
#include <cstdio>
#include "sync/plan/property_change.h"
#include "sync/plural.h"
#include "sync/product_names.h"
#include "sync/terminal_colors.h"

namespace tenantsync {

namespace {

using namespace ansi;

class PlanWriter {
 public:
  PlanWriter(bool color, const ServicePlanNames* names) : color_(color), names_(names) {}

  void tenant(const TenantPlan& t) {
    std::vector<const SeatLine*> seats;
    for (const auto& s : t.seats) {
      if (s.after_plan != s.consumed || s.shortfall > 0) seats.push_back(&s);
    }
    std::vector<const std::string*> notes;  // the not-planned reason is said on its own
    for (const auto& note : t.notes) {
      if (note != t.not_planned) notes.push_back(&note);
    }
    if (t.operations.empty() && notes.empty() && t.ignored_users.empty() && seats.empty() &&
        t.not_planned.empty() && t.stale.empty()) {
      return;
    }
    out_ += paint(kBold, t.tenant);
    if (t.mode == TenantMode::Report) out_ += " (report mode: apply leaves it alone)";
    out_ += "\n";
    if (!t.not_planned.empty())
      out_ += "  " + paint(kYellow, "Not planned: " + t.not_planned) + "\n";
    if (!t.stale.empty()) out_ += "  " + paint(kYellow, stale_line(t)) + "\n";
    write_by_user(out_, t.operations, [&](const Operation& op) { operation(op); });
    if (!notes.empty()) {
      out_ += "  Notes:\n";
      for (const auto* note : notes) out_ += "    " + *note + "\n";
    }
    if (!t.ignored_users.empty()) {
      out_ += "  Ignored (accepted deviations):";
      for (size_t i = 0; i < t.ignored_users.size(); ++i) {
        out_ += (i == 0 ? " " : ", ") + t.ignored_users[i];
      }
      out_ += "\n";
    }
    if (!seats.empty()) seat_table(seats);
  }

  std::string take() { return std::move(out_); }

 private:
  std::string paint(const char* code, const std::string& text) const {
    return color_ ? code + text + kReset : text;
  }

  std::string plans(const std::vector<std::string>& ids) const {
    std::string out;
    for (const auto& id : ids) {
      if (!out.empty()) out += ", ";
      out += names_ ? names_->name_or_id(id) : id;
    }
    return out;
  }

  void operation(const Operation& op) {
    std::string text;
    const char* code = kReset;
    switch (op.op) {
      case OpKind::Assign:
        code = kGreen;
        text = "+ " + product_names().label(op.sku);
        if (!op.disabled_plans.empty()) text += " (disable " + plans(op.disabled_plans) + ")";
        break;
      case OpKind::Revoke:
        code = kRed;
        text = "- " + product_names().label(op.sku);
        break;
      case OpKind::Update:
        code = kYellow;
        text = "~ " + product_names().label(op.sku) +
               (op.disabled_plans.empty() ? " (enable all plans)"
                                          : " (disable " + plans(op.disabled_plans) + ")");
        break;
      case OpKind::Restore:
        code = kCyan;
        text = "restore";
        break;
      case OpKind::ResetPassword:  // journal-only, never planned
        text = "reset password";
        break;
      case OpKind::SetProperties:
        code = kYellow;
        text = "set " + describe_property_patch(op.details.value_or(nlohmann::json()));
        break;
      case OpKind::Delete:
        code = kRed;
        text = "delete";
        break;
      case OpKind::AddRole:
        code = kGreen;
        text = "+ role " + role_name(op);
        break;
      case OpKind::RemoveRole:
        code = kRed;
        text = "- role " + role_name(op);
        break;
      case OpKind::Create: {
        code = kGreen;
        text = "create";
        if (op.details) {
          std::string what = describe_create(*op.details);
          if (!what.empty()) text += " " + what;
        }
        break;
      }
    }
    std::string line = "    ";
    switch (op.status) {
      case OpStatus::Blocked:
        line += paint(kBoldRed, "! ") + paint(code, text) + "  " + paint(kBoldRed, "blocked:") +
                " " + op.reason;
        break;
      case OpStatus::Failed:
        line += paint(kBoldRed, "! ") + paint(code, text) + "  " + paint(kBoldRed, "failed:") +
                " " + (op.error ? op.error->code + ": " + op.error->message : op.reason);
        break;
      default:
        line += "  " + paint(code, text);
        if (op.status == OpStatus::Applied) line += "  [applied]";
        if (op.status == OpStatus::Skipped) line += "  [skipped]";
        if (!op.reason.empty()) line += "  (" + op.reason + ")";
        break;
    }
    out_ += line + "\n";
  }

  void seat_table(const std::vector<const SeatLine*>& seats) {
    size_t width = 3;
    for (const auto* s : seats) width = std::max(width, s->sku.size());
    auto row = [&](const std::string& sku, const std::string& a, const std::string& b,
                   const std::string& c, const std::string& d) {
      char buf[128];
      std::snprintf(buf, sizeof buf, "%6s  %8s  %10s  %9s", a.c_str(), b.c_str(), c.c_str(),
                    d.c_str());
      out_ += "    " + sku + std::string(width - sku.size(), ' ') + "  " + buf + "\n";
    };
    out_ += "  Seats:\n";
    row("SKU", "seats", "consumed", "after plan", "shortfall");
    for (const auto* s : seats) {
      row(s->sku, std::to_string(s->enabled), std::to_string(s->consumed),
          std::to_string(s->after_plan), std::to_string(s->shortfall));
    }
    for (const auto* s : seats) {
      std::string advice = seat_advice(*s);
      if (!advice.empty()) out_ += "    " + paint(kBold, advice) + "\n";
      if (s->grace > 0 && (advice.empty() || s->grace_counted))
        out_ += "    " + grace_note(*s) + "\n";
    }
  }

  bool color_;
  const ServicePlanNames* names_;
  std::string out_;
};

}  // namespace

void write_by_user(std::string& out, const std::vector<Operation>& operations,
                   const std::function<void(const Operation&)>& write_operation) {
  const std::string* user = nullptr;
  for (const Operation& op : operations) {
    if (!user || *user != op.user) {
      user = &op.user;
      out += "  " + op.user + "\n";
    }
    write_operation(op);
  }
}

std::string stale_line(const TenantPlan& t) {
  return "Stale: nothing that takes access away is planned (" + t.stale + ")";
}

std::string tenants_unknown_sentence(const PlanSummary& s) {
  std::string out;
  if (s.tenants_not_planned > 0) {
    out = plural(s.tenants_not_planned, "tenant was", "tenants were") + " not planned";
  }
  if (s.tenants_stale > 0) {
    out += (out.empty() ? "" : "; ") + plural(s.tenants_stale, "tenant was", "tenants were") +
           " planned from a stale mirror";
  }
  return out.empty() ? out : out + " (see above).";
}

std::string plan_summary_line(const Plan& plan) {
  bool any = std::any_of(plan.tenants.begin(), plan.tenants.end(),
                         [](const TenantPlan& t) { return !t.operations.empty(); });
  PlanSummary s = plan.summary();
  std::string unknown = tenants_unknown_sentence(s);
  if (!any && !unknown.empty()) return "No changes planned. " + unknown;
  if (!any) return "No changes. The tenants match the desired state.";
  return "Plan: " + std::to_string(s.assign) + " to assign, " + std::to_string(s.revoke) +
         " to revoke, " + std::to_string(s.update) + " to update, " + std::to_string(s.restore) +
         " to restore, " + std::to_string(s.del) + " to delete, " + std::to_string(s.create) +
         " to create" + (s.set > 0 ? ", " + std::to_string(s.set) + " to set properties" : "") +
         (s.roles > 0 ? ", " + std::to_string(s.roles) + " role changes" : "") + "; " +
         std::to_string(s.blocked) + " blocked (" +
         plural(s.operations, "operation", "operations") + " for " +
         plural(s.users, "user", "users") + ")." + (unknown.empty() ? "" : " " + unknown);
}

std::string render_plan_text(const Plan& plan, bool color, const ServicePlanNames* names) {
  PlanWriter writer(color, names);
  for (const auto& tenant : plan.tenants) writer.tenant(tenant);
  std::string out = writer.take();
  if (!out.empty()) out += "\n";
  for (const auto& tenant : plan.tenants) {
    if (!tenant.over_limit) continue;
    std::string line = tenant.tenant + ": " + tenant.over_limit->message;
    out += (color ? ansi::kBoldRed + line + ansi::kReset : line) + "\n";
  }
  return out + plan_summary_line(plan) + "\n";
}

}  // namespace tenantsync
