// The progress bar of apply and the user tasks: one step per operation carried out
// (applied, failed, blocked or skipped), its total the plan's ready operations (known
// before anything is sent), fed by the executor's per-tenant progress, with the
// throttling note. Shown only where ProgressBar shows (stderr a terminal, no
// --no-progress).
#pragma once

#include <functional>
#include <map>
#include <string>

#include "connector/cli/progress_bar.h"
#include "model/plan.h"
#include "sync/apply/executor.h"

namespace tenantsync {

class GraphDirectory;

class ApplyProgressBar {
 public:
  ApplyProgressBar(bool enabled, const Plan& plan, const GraphDirectory* graph,
                   std::string label = "apply");

  // For ExecuteOptions::progress (the executor calls it one call at a time).
  std::function<void(const ApplyProgress&)> callback();
  void finish() { bar_.finish(); }

 private:
  ProgressBar bar_;
  std::map<std::string, int> done_;  // per tenant, as last reported
};

}  // namespace tenantsync
