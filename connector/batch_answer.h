// The answers of a $batch of GETs, split without building a tree of the whole answer:
// each answer's id, status and headers, and its body as JSON text of its own, which its
// reader decodes as that answer read alone would be (a page of users straight into
// users, SKUs straight into Skus). The tree of a tenant's lists $batch was half of what a
// quiet delta round costs over HTTP (issue #19).
//
// The shape read is the service's: {"responses": [{"id", "status", "headers", "body"}]},
// a repeated key keeping its last value as a tree would. Text simdjson refuses (integers
// beyond 64 bits, nesting deeper than 1,024) is split from nlohmann's tree instead.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace tenantsync {

struct BatchAnswer {
  std::string id;
  nlohmann::json status;            // as given; null when absent
  nlohmann::json headers;           // as given; null when absent
  std::optional<std::string> body;  // the body's JSON text; none when absent
};

// The answers with a string id, in the order given; nullopt when `text` is not JSON or
// has no "responses" array.
std::optional<std::vector<BatchAnswer>> split_batch_answer(const std::string& text);

}  // namespace tenantsync
