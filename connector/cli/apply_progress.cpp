#include "connector/cli/apply_progress.h"

#include <utility>

#include "connector/cli/throttle_note.h"

namespace tenantsync {

ApplyProgressBar::ApplyProgressBar(bool enabled, const Plan& plan, const GraphDirectory* graph,
                                   std::string label)
    : bar_(enabled, std::move(label)) {
  int ready = 0;
  for (const auto& tenant : plan.tenants) {
    for (const auto& op : tenant.operations) ready += op.status == OpStatus::Ready ? 1 : 0;
  }
  bar_.add_total(ready);
  bar_.set_note(throttle_note(graph));
}

std::function<void(const ApplyProgress&)> ApplyProgressBar::callback() {
  return [this](const ApplyProgress& p) {
    int& done = done_[p.tenant];
    int step = p.done - done;
    done = p.done;
    bar_.advance(step, p.tenant);
  };
}

}  // namespace tenantsync
