// JSON batching (POST /$batch): up to 20 requests run one by one, each with its own status,
// headers and body; `dependsOn` orders them and an item whose dependency failed gets 424
// without running. Responses come back deliberately NOT in request order (clients must
// match them by id), as the service allows.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "fakes/fake_errors.h"
#include "fakes/fake_graph_api.h"

namespace tenantsync::fake {

inline constexpr size_t kMaxBatchRequests = 20;

struct BatchItem {
  std::string id;
  std::string method;  // upper case
  std::string url;     // relative to the version: "/users/{id}/assignLicense?..."
  std::map<std::string, std::string> headers;  // lower-case names
  bool has_body = false;
  std::string body;  // JSON text
  std::vector<std::string> depends_on;
};

using BatchExecutor = std::function<ApiResponse(const BatchItem&)>;

// Validates the batch (throws GraphError 400 when malformed or over 20 requests) and runs
// every item through `execute`. `order_seed` varies the (never identical) response order.
ApiResponse run_batch(const std::string& body, const BatchExecutor& execute, uint64_t order_seed,
                      const RequestContext& ctx);

}  // namespace tenantsync::fake
