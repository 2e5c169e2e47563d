// The progress bar's note about throttling during one command: the 429s since the note
// was made and the tenants slowed down now (ThrottleStatus::note()). Empty without a
// Graph directory.
#pragma once

#include <functional>
#include <string>

namespace tenantsync {

class GraphDirectory;

std::function<std::string()> throttle_note(const GraphDirectory* graph);

}  // namespace tenantsync
