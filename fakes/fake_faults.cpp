#include "fakes/fake_faults.h"

namespace tenantsync::fake {

void Faults::configure(const nlohmann::json& body) {
  FaultConfig c;
  c.latency_ms = body.value("latencyMs", 0);
  c.throttle_rate = body.value("throttleRate", 0.0);
  c.retry_after_seconds = body.value("retryAfterSeconds", 1.0);
  c.error_rate = body.value("errorRate", 0.0);
  c.drop_rate = body.value("dropRate", 0.0);
  c.max_faults_in_a_row = body.value("maxFaultsInARow", 0);
  c.seed = body.value("seed", static_cast<uint64_t>(0));
  std::lock_guard<std::mutex> lock(mu_);
  config_ = c;
  rng_ = SplitMix64(c.seed);
  faults_in_a_row_.clear();
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
          {"maxFaultsInARow", c.max_faults_in_a_row},
          {"seed", c.seed}};
}

Fault Faults::roll(const std::string& request, bool throttle_and_error, bool drops) {
  std::lock_guard<std::mutex> lock(mu_);
  if (config_.throttle_rate <= 0 && config_.error_rate <= 0 && config_.drop_rate <= 0) {
    return Fault::kNone;  // no draw: switching faults off keeps sequences comparable
  }
  double u = rng_.uniform();
  double t = config_.throttle_rate;
  double e = t + config_.error_rate;
  double d = e + config_.drop_rate;
  Fault fault = Fault::kNone;
  if (u < t) {
    return throttle_and_error ? Fault::kThrottle : Fault::kNone;
  } else if (u < e) {
    fault = throttle_and_error ? Fault::kError : Fault::kNone;
  } else if (u < d && drops) {
    fault = rng_.uniform() < 0.5 ? Fault::kDropBefore : Fault::kDropAfter;
  }
  if (config_.max_faults_in_a_row <= 0) return fault;
  if (fault == Fault::kNone) {
    faults_in_a_row_.erase(request);
    return fault;
  }
  int& in_a_row = faults_in_a_row_[request];
  if (in_a_row >= config_.max_faults_in_a_row) {
    faults_in_a_row_.erase(request);
    return Fault::kNone;
  }
  ++in_a_row;
  return fault;
}

Fault Faults::roll_request(const std::string& request) { return roll(request, true, true); }
Fault Faults::roll_batch_item(const std::string& request) { return roll(request, true, false); }
Fault Faults::roll_batch_envelope(const std::string& request) { return roll(request, false, true); }

}  // namespace tenantsync::fake
