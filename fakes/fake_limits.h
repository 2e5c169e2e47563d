// Service limits (POST /_fake/limits): write and read budgets per app and tenant, like the
// directory's throttling. Off by default. Sliding windows on the fake clock: a request
// over budget is refused with the exact time until the window has room for it, so a
// client that waits the Retry-After it was given then succeeds. Refused requests cost
// nothing. Thread-safe.
#pragma once

#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include <nlohmann/json.hpp>

namespace tenantsync::fake {

struct LimitConfig {
  int writes_per_window = 0;  // 0 = unlimited
  double window_seconds = 150;
  int read_units_per_10s = 0;  // 0 = unlimited
};

class Limits {
 public:
  static constexpr double kReadWindowSeconds = 10;

  // Replaces the configuration and forgets past usage. Throws nlohmann::json::exception
  // on wrongly typed fields.
  void configure(const nlohmann::json& body);
  nlohmann::json to_json() const;

  // Charges `cost` read units or one write to (app, tenant) at `now`. Returns nullopt when
  // admitted, else the seconds to wait before the same request would be admitted.
  std::optional<double> charge_read(const std::string& app, const std::string& tenant, int cost,
                                    double now);
  std::optional<double> charge_write(const std::string& app, const std::string& tenant, double now);

 private:
  struct Window {
    std::deque<std::pair<double, int>> events;  // (time, cost), oldest first
    long total = 0;
  };
  static std::optional<double> charge(Window& w, int cost, int budget, double window, double now);

  mutable std::mutex mu_;
  LimitConfig config_;                              // guarded by mu_
  std::unordered_map<std::string, Window> reads_;   // guarded by mu_; key app|tenant
  std::unordered_map<std::string, Window> writes_;  // guarded by mu_
};

}  // namespace tenantsync::fake
