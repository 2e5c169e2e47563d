// Injected faults (POST /_fake/faults): latency, throttling (429 + Retry-After), 503
// errors, and connections dropped mid-response. One seeded generator draws for every
// request in arrival order, so a sequential client sees the same faults on every run.
//
// A drop is decided before the request runs and is of one of two kinds, chosen by a
// second draw, half and half: dropped before the request takes effect, or after (the
// write happened, only the response is lost, which is why a client must check whether a
// create took effect before resending it).
//
// maxFaultsInARow (0: no cap) bounds how many times in a row the same request (method,
// path, query and body alike) may get a 503 or a drop: a client that resends that many
// times and once more always gets through, so a test under heavy faults can rely on a
// retry policy's attempts instead of on luck. 429s are not counted (they use up no
// attempt). Thread-safe.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "fakes/fake_crypto.h"

namespace tenantsync::fake {

struct FaultConfig {
  int latency_ms = 0;
  double throttle_rate = 0;
  double retry_after_seconds = 1;
  double error_rate = 0;
  double drop_rate = 0;
  int max_faults_in_a_row = 0;
  uint64_t seed = 0;
};

enum class Fault { kNone, kThrottle, kError, kDropBefore, kDropAfter };

class Faults {
 public:
  Faults() : rng_(0) {}

  // Replaces the configuration (absent fields = 0, retryAfterSeconds defaults to 1) and
  // reseeds the generator. Throws nlohmann::json::exception on wrongly typed fields.
  void configure(const nlohmann::json& body);
  FaultConfig config() const;
  nlohmann::json to_json() const;

  // `request` identifies the request for maxFaultsInARow: its method, path, query and
  // body (for a $batch item, the item's), concatenated.
  // For a top-level request: throttle, error or drop.
  Fault roll_request(const std::string& request);
  // For a $batch item: throttle or error (items are not dropped on their own).
  Fault roll_batch_item(const std::string& request);
  // For the $batch request itself: only drops (its items roll their own throttling).
  Fault roll_batch_envelope(const std::string& request);

 private:
  Fault roll(const std::string& request, bool throttle_and_error, bool drops);

  mutable std::mutex mu_;
  FaultConfig config_;  // guarded by mu_
  SplitMix64 rng_;      // guarded by mu_
  // 503s and drops each request has had in a row, while it has any: guarded by mu_
  std::unordered_map<std::string, int> faults_in_a_row_;
};

}  // namespace tenantsync::fake
