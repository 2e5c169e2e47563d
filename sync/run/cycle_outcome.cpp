#include "sync/run/cycle_outcome.h"

#include <algorithm>
#include <iterator>

#include "sync/ascii_case.h"
#include "sync/log.h"

namespace tenantsync {

namespace {

TenantStatus status_of(const TenantOutcome& t, bool mirror_failed, bool gone, bool stale,
                       bool operations_not_done) {
  if (mirror_failed) return TenantStatus::Failed;
  if (gone) return TenantStatus::Gone;
  if (stale) return TenantStatus::Stale;
  if (t.refused) return TenantStatus::Refused;
  if (operations_not_done) return TenantStatus::Partial;
  if (t.found > 0 || t.left > 0) return TenantStatus::Drift;
  return TenantStatus::Ok;
}

}  // namespace

const char* to_string(CycleStatus status) {
  switch (status) {
    case CycleStatus::Ok:
      return "ok";
    case CycleStatus::Drift:
      return "drift";
    case CycleStatus::Partial:
      return "partial";
    case CycleStatus::Refused:
      return "refused";
    case CycleStatus::Failed:
      return "failed";
  }
  return "failed";
}

const char* to_string(TenantStatus status) {
  switch (status) {
    case TenantStatus::Ok:
      return "ok";
    case TenantStatus::Drift:
      return "drift";
    case TenantStatus::Partial:
      return "partial";
    case TenantStatus::Refused:
      return "refused";
    case TenantStatus::Stale:
      return "stale";
    case TenantStatus::Gone:
      return "gone";
    case TenantStatus::Failed:
      return "failed";
  }
  return "failed";
}

int CycleOutcome::exit_code() const {
  switch (status) {
    case CycleStatus::Failed:
      return 1;
    case CycleStatus::Refused:
      return applied == 0 ? 4 : 3;
    case CycleStatus::Partial:
      return 3;
    case CycleStatus::Drift:
    case CycleStatus::Ok:
      return 0;
  }
  return 1;
}

std::vector<const TenantOutcome*> CycleOutcome::with(TenantStatus status) const {
  std::vector<const TenantOutcome*> out;
  for (const auto& t : tenants) {
    if (t.status == status) out.push_back(&t);
  }
  return out;
}

CycleOutcome cycle_outcome(const CycleResult& c) {
  CycleOutcome out;
  if (c.error || c.mirror.error) {
    out.status = CycleStatus::Failed;
    out.error = redact_secrets((c.error ? *c.error : *c.mirror.error).describe());
  }

  struct Facts {
    std::string id;
    TenantOutcome outcome;
    bool mirror_failed = false, gone = false, stale = false, not_done = false;
  };
  // A tenant meets itself under its id, or under its name when one side has no id (a
  // mirror that failed before the tenant was resolved knows only the name asked for).
  std::vector<Facts> all;
  auto facts = [&](const std::string& id, const std::string& name) -> Facts& {
    auto it = std::find_if(all.begin(), all.end(), [&](const Facts& f) {
      if (!id.empty() && !f.id.empty()) return id == f.id;
      return iequals(name, f.outcome.tenant);
    });
    if (it == all.end()) {
      all.emplace_back();
      it = std::prev(all.end());
    }
    if (it->id.empty()) it->id = id;
    if (it->outcome.tenant.empty()) it->outcome.tenant = name;
    return *it;
  };

  for (const auto& t : c.found.tenants) {
    Facts& f = facts(t.tenant_id, t.name());
    f.outcome.mode = t.mode;
    f.outcome.found = t.totals.items;
    f.outcome.refused = t.over_limit;
    if (!t.not_planned.empty()) {
      f.stale = true;
      f.outcome.detail = t.not_planned;
    }
  }
  for (const auto& t : c.left.tenants) {
    Facts& f = facts(t.tenant_id, t.name());
    f.outcome.left = t.totals.items;
    f.outcome.blocked = t.totals.blocked;
    f.outcome.seats_to_buy = t.totals.seats_to_buy;
    if (t.mode == TenantMode::Enforce && (t.totals.blocked > 0 || t.totals.failed > 0)) {
      f.not_done = true;
    }
  }
  if (c.apply) {
    for (const auto& t : c.apply->plan.tenants) {
      Facts& f = facts(t.tenant_id, t.tenant.empty() ? t.tenant_id : t.tenant);
      if (t.over_limit) f.outcome.refused = t.over_limit;
      for (const auto& o : t.operations) {
        if (o.status == OpStatus::Applied) ++f.outcome.applied;
        if (o.status == OpStatus::Failed) ++f.outcome.failed;
        if (o.status != OpStatus::Applied) f.not_done = true;
      }
      out.applied += f.outcome.applied;
    }
  }
  for (const auto& name : c.unsettled) {
    // Its operations were left out of this cycle's apply (see reconcile_cycle.h).
    for (auto& f : all) {
      if (iequals(f.outcome.tenant, name) || f.id == name) f.not_done = true;
    }
  }
  for (const auto& m : c.mirror.tenants) {
    std::string name =
        m.tenant.default_domain_name.empty() ? m.requested : m.tenant.default_domain_name;
    Facts& f = facts(m.tenant.id, name);
    if (!m.ok()) {
      f.mirror_failed = true;
      f.outcome.detail = redact_secrets(m.error->describe());
    } else if (m.gone()) {
      f.gone = true;
      f.outcome.detail = "gone since " + m.gone_since + ": " + m.gone_reason;
    }
  }

  bool any_read = c.mirror.tenants.empty();
  for (auto& f : all) {
    TenantOutcome& t = f.outcome;
    t.status = status_of(t, f.mirror_failed, f.gone, f.stale, f.not_done);
    if (t.status == TenantStatus::Refused) t.detail = t.refused->message;
    if (!f.mirror_failed) any_read = true;
    out.tenants.push_back(std::move(t));
  }
  std::stable_sort(
      out.tenants.begin(), out.tenants.end(),
      [](const TenantOutcome& a, const TenantOutcome& b) { return iless(a.tenant, b.tenant); });

  if (out.status == CycleStatus::Failed) return out;
  if (!any_read) {
    // Not one tenant could be read: nothing this cycle says about the estate is current.
    out.status = CycleStatus::Failed;
    out.error = "no tenant could be read: " + out.with(TenantStatus::Failed).front()->detail;
    return out;
  }
  auto any = [&](std::initializer_list<TenantStatus> statuses) {
    return std::any_of(out.tenants.begin(), out.tenants.end(), [&](const TenantOutcome& t) {
      return std::find(statuses.begin(), statuses.end(), t.status) != statuses.end();
    });
  };
  if (any({TenantStatus::Refused})) {
    out.status = CycleStatus::Refused;
  } else if (any({TenantStatus::Partial, TenantStatus::Failed, TenantStatus::Gone,
                  TenantStatus::Stale})) {
    out.status = CycleStatus::Partial;
  } else if (any({TenantStatus::Drift})) {
    out.status = CycleStatus::Drift;
  }
  return out;
}

}  // namespace tenantsync
