#include "sync/report/drift.h"
#include "sync/plural.h"

#include <algorithm>
#include <tuple>
#include <utility>

#include "sync/ascii_case.h"
#include "sync/plan/property_change.h"
#include "sync/text_join.h"

namespace tenantsync {

const char* to_string(DriftKind kind) {
  switch (kind) {
    case DriftKind::MissingLicense:
      return "missing-license";
    case DriftKind::ExtraLicense:
      return "extra-license";
    case DriftKind::DisabledPlansDiffer:
      return "disabled-plans-differ";
    case DriftKind::ShouldBeRestored:
      return "should-be-restored";
    case DriftKind::ShouldBeDeleted:
      return "should-be-deleted";
    case DriftKind::ShouldBeCreated:
      return "should-be-created";
    case DriftKind::UserNotFound:
      return "user-not-found";
    case DriftKind::PropertiesDiffer:
      return "properties-differ";
  }
  return "missing-license";
}

const char* drift_kind_label(DriftKind kind) {
  switch (kind) {
    case DriftKind::MissingLicense:
      return "missing license";
    case DriftKind::ExtraLicense:
      return "extra license";
    case DriftKind::DisabledPlansDiffer:
      return "different disabled plans";
    case DriftKind::ShouldBeRestored:
      return "should be restored";
    case DriftKind::ShouldBeDeleted:
      return "should be deleted";
    case DriftKind::ShouldBeCreated:
      return "should be created";
    case DriftKind::UserNotFound:
      return "desired user does not exist";
    case DriftKind::PropertiesDiffer:
      return "different properties";
  }
  return "missing license";
}

const char* to_string(DriftStatus status) {
  switch (status) {
    case DriftStatus::Ready:
      return "ready";
    case DriftStatus::Blocked:
      return "blocked";
    case DriftStatus::Failed:
      return "failed";
    case DriftStatus::Skipped:
      return "skipped";
    case DriftStatus::Manual:
      return "manual";
  }
  return "ready";
}

void DriftCounts::add(const DriftItem& item) {
  ++by_kind[static_cast<size_t>(item.kind)];
  ++items;
  if (item.status == DriftStatus::Blocked) ++blocked;
  if (item.status == DriftStatus::Failed) ++failed;
}

DriftCounts& DriftCounts::operator+=(const DriftCounts& other) {
  for (size_t i = 0; i < by_kind.size(); ++i) by_kind[i] += other.by_kind[i];
  items += other.items;
  blocked += other.blocked;
  failed += other.failed;
  ignored += other.ignored;
  seats_to_buy += other.seats_to_buy;
  return *this;
}

namespace {

DriftKind kind_of(OpKind op) {
  switch (op) {
    case OpKind::Assign:
      return DriftKind::MissingLicense;
    case OpKind::Revoke:
      return DriftKind::ExtraLicense;
    case OpKind::Update:
      return DriftKind::DisabledPlansDiffer;
    case OpKind::Restore:
      return DriftKind::ShouldBeRestored;
    case OpKind::Delete:
      return DriftKind::ShouldBeDeleted;
    case OpKind::Create:
      return DriftKind::ShouldBeCreated;
    case OpKind::SetProperties:
      return DriftKind::PropertiesDiffer;
    case OpKind::ResetPassword:  // journal-only, never planned
    case OpKind::AddRole:        // part of a create: tenant_drift() leaves them out
    case OpKind::RemoveRole:
      break;
  }
  return DriftKind::MissingLicense;
}

DriftStatus status_of(OpStatus status) {
  switch (status) {
    case OpStatus::Ready:
      return DriftStatus::Ready;
    case OpStatus::Blocked:
      return DriftStatus::Blocked;
    case OpStatus::Failed:
      return DriftStatus::Failed;
    case OpStatus::Skipped:
      return DriftStatus::Skipped;
    case OpStatus::Applied:
      break;  // not drift; filtered out before
  }
  return DriftStatus::Ready;
}

std::string detail_of(const Operation& op, const std::vector<std::string>& disabled) {
  const std::string plans = join(disabled, ", ");
  switch (op.op) {
    case OpKind::Assign:
      return "should hold " + op.sku + (plans.empty() ? "" : " with " + plans + " disabled");
    case OpKind::Revoke:
      return "holds " + op.sku + ", which the desired state does not give";
    case OpKind::Update:
      return plans.empty() ? op.sku + " should have no plan disabled"
                           : op.sku + " should have disabled: " + plans;
    case OpKind::Restore:
      return "soft-deleted; the desired state wants it active";
    case OpKind::Delete:
      return "active; the desired state wants it deleted";
    case OpKind::ResetPassword:  // journal-only, never planned
    case OpKind::AddRole:
    case OpKind::RemoveRole:
      return "";
    case OpKind::SetProperties:
      return "should have " + describe_property_patch(op.details.value_or(nlohmann::json()));
    case OpKind::Create: {
      std::string detail = "does not exist; its entry says to create it";
      if (op.details && op.details->is_object()) {
        auto it = op.details->find("displayName");
        if (it != op.details->end() && it->is_string()) {
          detail += " as \"" + it->get<std::string>() + "\"";
        }
      }
      return detail;
    }
  }
  return {};
}

DriftItem item_of(const Operation& op, const ServicePlanNames* names) {
  DriftItem item;
  item.kind = kind_of(op.op);
  item.user = op.user;
  item.user_id = op.user_id;
  item.sku = op.sku;
  if (op.op == OpKind::Assign || op.op == OpKind::Update) {
    for (const auto& id : op.disabled_plans) {
      item.disabled_plans.push_back(names ? names->name_or_id(id) : id);
    }
    std::sort(item.disabled_plans.begin(), item.disabled_plans.end());
  }
  item.detail = detail_of(op, item.disabled_plans);
  item.status = status_of(op.status);
  item.reason = op.reason;
  if (op.status == OpStatus::Failed && op.error) {
    item.reason =
        op.error->code.empty() ? op.error->message : op.error->code + ": " + op.error->message;
  }
  return item;
}

bool item_before(const DriftItem& a, const DriftItem& b) {
  if (a.user != b.user) return iless(a.user, b.user);
  return std::tie(a.kind, a.sku) < std::tie(b.kind, b.sku);
}

// The tenant's drift is unknown: `why` says so, its items go (they came from a state that
// is not current) and its totals with them.
void set_drift_unknown(TenantDrift& t, const std::string& why) {
  t.not_planned = why;
  t.items.clear();
  t.totals = DriftCounts{};
  t.totals.ignored = static_cast<int>(t.ignored_users.size());
}

TenantDrift tenant_drift(const TenantPlan& plan, const ServicePlanNames* names) {
  TenantDrift t;
  t.tenant = plan.tenant;
  t.tenant_id = plan.tenant_id;
  t.mode = plan.mode;
  for (const auto& op : plan.operations) {
    if (op.status == OpStatus::Applied) continue;
    // Desired state gives roles only to users it creates: the create item stands for them.
    if (op.op == OpKind::AddRole || op.op == OpKind::RemoveRole) continue;
    t.items.push_back(item_of(op, names));
  }
  for (const auto& upn : plan.missing_users) {
    DriftItem item;
    item.kind = DriftKind::UserNotFound;
    item.user = upn;
    item.detail =
        "named in the desired state but not in the tenant; add \"create\" to its entry "
        "to have it created";
    item.status = DriftStatus::Manual;
    t.items.push_back(std::move(item));
  }
  std::stable_sort(t.items.begin(), t.items.end(), item_before);
  t.ignored_users = plan.ignored_users;
  std::sort(t.ignored_users.begin(), t.ignored_users.end(),
            [](const std::string& a, const std::string& b) { return iless(a, b); });
  t.ignored_users.erase(std::unique(t.ignored_users.begin(), t.ignored_users.end()),
                        t.ignored_users.end());
  t.seats = plan.seats;
  t.notes = plan.notes;
  t.not_planned = plan.not_planned;
  // Once for the tenant, not on each of its items (they say "not sent: ... over ...").
  if (plan.over_limit) t.notes.push_back(plan.over_limit->message);
  t.over_limit = plan.over_limit;
  // Planned from a stale mirror: as `run` says of a tenant it could not read this cycle.
  if (t.not_planned.empty() && !plan.stale.empty()) {
    set_drift_unknown(t, plan.stale);
  } else {
    count_tenant_totals(t);
  }
  return t;
}

bool tenant_before(const TenantDrift& a, const TenantDrift& b) {
  if (a.tenant != b.tenant) return iless(a.tenant, b.tenant);
  return a.tenant_id < b.tenant_id;
}

}  // namespace

void count_tenant_totals(TenantDrift& t) {
  t.totals = DriftCounts{};
  for (const auto& item : t.items) t.totals.add(item);
  t.totals.ignored = static_cast<int>(t.ignored_users.size());
  for (const auto& seat : t.seats) t.totals.seats_to_buy += std::max(0, seat.shortfall);
}

void count_drift_totals(DriftReport& report) {
  report.totals = DriftCounts{};
  report.tenants_with_drift = 0;
  report.tenants_not_planned = 0;
  for (const auto& tenant : report.tenants) {
    report.totals += tenant.totals;
    if (tenant.has_drift()) ++report.tenants_with_drift;
    if (!tenant.not_planned.empty()) ++report.tenants_not_planned;
  }
}

DriftReport build_drift_report(const Plan& plan, Clock::time_point generated_at,
                               const ServicePlanNames* names) {
  DriftReport report;
  report.generated_at = generated_at;
  report.fingerprint = plan.fingerprint;
  for (const auto& tenant : plan.tenants) report.tenants.push_back(tenant_drift(tenant, names));
  std::stable_sort(report.tenants.begin(), report.tenants.end(), tenant_before);
  count_drift_totals(report);
  return report;
}

Result<DriftReport> merge_drift_reports(const std::vector<DriftReport>& parts,
                                        const std::vector<std::string>& sources) {
  DriftReport merged;
  std::map<std::string, size_t> seen;  // tenant id (or name) -> part it came from
  std::string problems;
  for (size_t i = 0; i < parts.size(); ++i) {
    const DriftReport& part = parts[i];
    merged.generated_at = std::max(merged.generated_at, part.generated_at);
    if (!part.fingerprint.empty()) {
      merged.fingerprint += (merged.fingerprint.empty() ? "" : ",") + part.fingerprint;
    }
    for (const auto& t : part.tenants) {
      auto [at, fresh] = seen.emplace(ascii_lower(t.tenant_id.empty() ? t.name() : t.tenant_id), i);
      if (!fresh) {
        problems += (problems.empty() ? "" : "\n") +
                    ("tenant " + t.name() + " is in both " + sources.at(at->second) + " and " +
                     sources.at(i) +
                     ": reports to merge come from the shards of one --shard k/N, each once");
        continue;
      }
      merged.tenants.push_back(t);
    }
  }
  if (!problems.empty()) return make_error(ErrorKind::Invalid, problems, "overlapping-reports");
  std::stable_sort(merged.tenants.begin(), merged.tenants.end(), tenant_before);
  count_drift_totals(merged);
  return merged;
}

void mark_drift_unknown(DriftReport& report, const std::string& tenant, const std::string& why) {
  for (auto& t : report.tenants) {
    if (t.tenant_id != tenant && !iequals(t.name(), tenant)) continue;
    set_drift_unknown(t, why);
  }
  count_drift_totals(report);
}

bool has_drift(const DriftReport& report) {
  return std::any_of(report.tenants.begin(), report.tenants.end(),
                     [](const TenantDrift& t) { return t.has_drift() || !t.not_planned.empty(); });
}

std::string seat_advice(const SeatLine& seat) {
  if (seat.shortfall <= 0) return {};
  std::string advice =
      "buy " + plural(seat.shortfall, "more seat", "more seats") + " of " + seat.sku;
  if (seat.grace > 0 && !seat.grace_counted) {
    advice += " (its " + plural(seat.grace, "grace unit is", "grace units are") +
              " not counted: safety.useGraceSeats is off)";
  }
  return advice;
}

std::string grace_note(const SeatLine& seat) {
  return seat.sku + " has " + plural(seat.grace, "grace unit", "grace units") +
         " (an expired subscription's seats): " +
         (seat.grace_counted ? "counted as free seats (safety.useGraceSeats)"
                             : "not counted (safety.useGraceSeats is off)");
}

std::string describe_counts(const DriftCounts& counts) {
  std::string text;
  if (counts.items == 0) {
    text = "no drift";
  } else {
    text = plural(counts.items, "drift item", "drift items") + ":";
    bool first = true;
    for (DriftKind kind : kAllDriftKinds) {
      if (counts.of(kind) == 0) continue;
      text += (first ? " " : ", ") + std::to_string(counts.of(kind)) + " " + drift_kind_label(kind);
      first = false;
    }
    if (counts.blocked > 0) text += "; " + std::to_string(counts.blocked) + " blocked";
    if (counts.failed > 0) text += "; " + std::to_string(counts.failed) + " failed";
  }
  if (counts.ignored > 0) text += "; " + plural(counts.ignored, "ignored user", "ignored users");
  if (counts.seats_to_buy > 0) {
    text += "; " + plural(counts.seats_to_buy, "seat to buy", "seats to buy");
  }
  return text;
}

std::string describe_totals(const DriftReport& report) {
  const int tenants = static_cast<int>(report.tenants.size()) - report.tenants_not_planned;
  if (tenants == 0 && report.tenants_not_planned > 0) {
    // Not "no drift in 0 tenants": nothing is known.
    return "drift unknown: " + plural(report.tenants_not_planned, "tenant", "tenants") +
           " not planned";
  }
  std::string text = describe_counts(report.totals);
  if (report.totals.items > 0) {
    text.insert(text.find(':'), " in " + std::to_string(report.tenants_with_drift) + " of " +
                                    plural(tenants, "tenant", "tenants"));
  } else {
    text.insert(std::string_view("no drift").size(), " in " + plural(tenants, "tenant", "tenants"));
  }
  if (report.tenants_not_planned > 0) {
    text += "; " + plural(report.tenants_not_planned, "tenant", "tenants") +
            " not planned (drift unknown)";
  }
  return text;
}

}  // namespace tenantsync
