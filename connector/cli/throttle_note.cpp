#include "connector/cli/throttle_note.h"

#include "connector/graph_directory.h"

namespace tenantsync {

std::function<std::string()> throttle_note(const GraphDirectory* graph) {
  if (!graph) return {};
  ThrottleStatus start = graph->throttle_status();
  return [graph, start] { return graph->throttle_status().since(start).note(); };
}

}  // namespace tenantsync
