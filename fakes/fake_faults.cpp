#include "fakes/fake_faults.h"

namespace tenantsync::fake {

void Faults::configure(const nlohmann::json& body) {
  FaultConfig c;
  c.latency_ms = body.value("latencyMs", 0);
  c.throttle_rate = body.value("throttleRate", 0.0);
  c.retry_after_seconds = body.value("retryAfterSeconds", 1.0);
  c.error_rate = body.value("errorRate", 0.0);
  c.drop_rate = body.value("dropRate", 0.0);
  c.seed = body.value("seed", static_cast<uint64_t>(0));
  std::lock_guard<std::mutex> lock(mu_);
  config_ = c;
  rng_ = SplitMix64(c.seed);
}

FaultConfig Faults::config() const {
  std::lock_guard<std::mutex> lock(mu_);
  return config_;
}

nlohmann::json Faults::to_json() const {
  FaultConfig c = config();
  return {{"latencyMs", c.latency_ms},
          {"throttleRate", c.throttle_rate},
          {"retryAfterSeconds", c.retry_after_seconds},
          {"errorRate", c.error_rate},
          {"dropRate", c.drop_rate},
          {"seed", c.seed}};
}

Fault Faults::roll(bool throttle_and_error, bool drops) {
  std::lock_guard<std::mutex> lock(mu_);
  if (config_.throttle_rate <= 0 && config_.error_rate <= 0 && config_.drop_rate <= 0) {
    return Fault::kNone;  // no draw: switching faults off keeps sequences comparable
  }
  double u = rng_.uniform();
  double t = config_.throttle_rate;
  double e = t + config_.error_rate;
  double d = e + config_.drop_rate;
  if (u < t) return throttle_and_error ? Fault::kThrottle : Fault::kNone;
  if (u < e) return throttle_and_error ? Fault::kError : Fault::kNone;
  if (u < d && drops) return rng_.uniform() < 0.5 ? Fault::kDropBefore : Fault::kDropAfter;
  return Fault::kNone;
}

Fault Faults::roll_request() { return roll(true, true); }
Fault Faults::roll_batch_item() { return roll(true, false); }
Fault Faults::roll_batch_envelope() { return roll(false, true); }

}  // namespace tenantsync::fake
