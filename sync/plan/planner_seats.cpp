// Who gets the seats there are: seat demands by class (restores, explicit entries,
// rules), revocations freeing seats first, and the seat lines the plan reports.
#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "sync/plan/planner_work.h"

namespace tenantsync::planning {

void Planner::allocate_seats() {
  seats_open_ = true;
  for (Work& w : ops_) {
    if (w.op.op == OpKind::Revoke && w.frees && !w.restored && w.op.status == OpStatus::Ready) {
      w.releases = true;
      ledger_.release(w.sku);
    }
  }
  for (size_t i = 0; i < users_.size(); ++i) {
    const UserWork& u = users_[i];
    if (u.restore_op != kNone) {
      for (const Held& h : u.held) {
        size_t revoke = license_op(u, h.sku);
        bool revoked = revoke != kNone && ops_[revoke].op.op == OpKind::Revoke;
        if (h.group || (revoked && !is_ready(revoke))) {
          ledger_.force(h.sku);  // comes back and stays, seat or not
        } else if (!revoked) {
          demands_.push_back({SeatClass::Restore, u.key, u.upn, h.sku, i, kNone});
        }
      }
    }
    for (size_t op : u.ops) {
      if (ops_[op].op.op == OpKind::Assign && is_ready(op)) {
        demands_.push_back({u.seat_class, u.key, u.upn, ops_[op].sku, i, op});
      }
    }
  }
  order_by_seat_priority(demands_);
  for (size_t d = 0; d < demands_.size(); ++d) {
    const SeatDemand& demand = demands_[d];
    if (demand.op != kNone && !is_ready(demand.op)) continue;
    if (!ledger_.take(demand.sku, d)) lose(d);
  }
}

// Demand `d` gets no seat: its assignment is blocked, or the restored license goes again.
void Planner::lose(size_t d) {
  const SeatDemand& demand = demands_[d];
  const Sku& sku = skus_[demand.sku];
  if (demand.op != kNone) {
    if (!is_ready(demand.op)) return;  // blocked meanwhile for another reason
    if (!options_.use_grace_seats && sku.prepaid_units.warning > 0) {
      // The service would take a grace unit: the refusal is this tool's, not the service's.
      block(demand.op, "no paid seat of " + sku.sku_part_number + " left; its " +
                           std::to_string(sku.prepaid_units.warning) +
                           " grace units are not handed out (safety.useGraceSeats is off)");
    } else {
      block(demand.op, "no free seat of " + sku.sku_part_number + " (Subscription with SKU " +
                           sku.sku_id + " does not have any available licenses.)");
    }
  } else {
    size_t revoke = license_op(users_[demand.user], demand.sku);
    if (revoke != kNone && ops_[revoke].forced && is_ready(revoke)) {
      // It goes already (what depends on a license that cannot come back): the seat it
      // was granted is taken back, so the revocation frees none any more.
      if (ops_[revoke].releases) {
        ops_[revoke].releases = false;
        ledger_.unrelease(demand.sku);
      }
      return;
    }
    cannot_come_back(demand.user, demand.sku,
                     "cannot come back: no free seat of " + sku.sku_part_number,
                     /*holds_seat=*/false);
  }
  ++shortfall_[demand.sku];
  worklist_.push_back(demand.user);
}

// A license the restore of `user` brings back goes again, in the user's one assignLicense
// call. `holds_seat`: its restore was granted a seat, which the revocation frees again.
void Planner::cannot_come_back(size_t user, int sku, std::string reason, bool holds_seat) {
  size_t update = license_op(users_[user], sku);
  if (update != kNone) block(update, reason);  // an update of a license that goes again
  size_t op = add_license_op(user, OpKind::Revoke, sku);
  Work& w = ops_[op];
  w.frees = true;  // cancels the seat the restore takes
  w.restored = true;
  w.forced = true;
  w.seatless = !holds_seat;
  w.op.reason = std::move(reason);
  if (holds_seat) {
    w.releases = true;
    ledger_.release(sku);
  }
}

// Re-checks users whose operations changed and takes back seats that no longer fit,
// until nothing changes. Every step blocks or adds an operation, so this ends.
void Planner::settle() {
  while (!worklist_.empty() || !dirty_.empty()) {
    if (!worklist_.empty()) {
      size_t user = worklist_.back();
      worklist_.pop_back();
      validate(user);
      continue;
    }
    int sku = dirty_.back();
    dirty_.pop_back();
    for (size_t d : ledger_.overflow(sku)) lose(d);
  }
}

std::vector<SeatLine> Planner::seat_lines() const {
  std::vector<int> delta(skus_.size(), 0);
  for (const Work& w : ops_) {
    if (w.op.status != OpStatus::Ready) continue;
    if (w.op.op == OpKind::Assign) ++delta[w.sku];
    if (w.op.op == OpKind::Revoke && w.frees) --delta[w.sku];
    if (w.op.op == OpKind::Restore) {
      for (const Held& h : users_[w.user].held) ++delta[h.sku];
    }
  }
  std::vector<SeatLine> out;
  for (size_t s = 0; s < skus_.size(); ++s) {
    if (!targets_.managed(static_cast<int>(s)) && !touched_[s]) continue;
    const Sku& sku = skus_[s];
    SeatLine line;
    line.sku = sku.sku_part_number;
    line.sku_id = sku.sku_id;
    line.grace = sku.prepaid_units.warning;
    line.grace_counted = options_.use_grace_seats && line.grace > 0;
    line.enabled = sku.counted_seats(options_.use_grace_seats);
    line.consumed = sku.consumed_units;
    line.after_plan = sku.consumed_units + delta[s];
    line.shortfall = shortfall_[s];
    out.push_back(std::move(line));
  }
  return out;
}

}  // namespace tenantsync::planning
