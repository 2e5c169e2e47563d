#include "fakes/fake_limits.h"

namespace tenantsync::fake {

void Limits::configure(const nlohmann::json& body) {
  LimitConfig c;
  c.writes_per_window = body.value("writesPerWindow", 0);
  c.window_seconds = body.value("windowSeconds", 150.0);
  c.read_units_per_10s = body.value("readUnitsPer10s", 0);
  if (c.window_seconds <= 0) c.window_seconds = 150;
  std::lock_guard<std::mutex> lock(mu_);
  config_ = c;
  reads_.clear();
  writes_.clear();
}

nlohmann::json Limits::to_json() const {
  std::lock_guard<std::mutex> lock(mu_);
  return {{"writesPerWindow", config_.writes_per_window},
          {"windowSeconds", config_.window_seconds},
          {"readUnitsPer10s", config_.read_units_per_10s}};
}

std::optional<double> Limits::charge(Window& w, int cost, int budget, double window, double now) {
  // Events leave the window `window` seconds after they happened.
  while (!w.events.empty() && w.events.front().first + window <= now) {
    w.total -= w.events.front().second;
    w.events.pop_front();
  }
  if (w.total + cost <= budget) {
    w.events.emplace_back(now, cost);
    w.total += cost;
    return std::nullopt;
  }
  if (cost > budget) return window;  // can never fit; say "a whole window"
  // Wait until enough of the oldest events have left the window.
  long excess = w.total + cost - budget;
  for (const auto& [time, c] : w.events) {
    excess -= c;
    if (excess <= 0) return time + window - now;
  }
  return window;
}

std::optional<double> Limits::charge_read(const std::string& app, const std::string& tenant,
                                          int cost, double now) {
  std::lock_guard<std::mutex> lock(mu_);
  if (config_.read_units_per_10s <= 0) return std::nullopt;
  return charge(reads_[app + "|" + tenant], cost, config_.read_units_per_10s, kReadWindowSeconds,
                now);
}

std::optional<double> Limits::charge_write(const std::string& app, const std::string& tenant,
                                           double now) {
  std::lock_guard<std::mutex> lock(mu_);
  if (config_.writes_per_window <= 0) return std::nullopt;
  return charge(writes_[app + "|" + tenant], 1, config_.writes_per_window, config_.window_seconds,
                now);
}

}  // namespace tenantsync::fake
