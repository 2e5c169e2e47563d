// fake-graph's control endpoints (docs/fake-graph.md) and its token endpoint, spoken to
// over plain HTTP at a base URL: what the tests and the benchmarks ask of a running fake.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace tenantsync::test {

class FakeGraphControl {
 public:
  explicit FakeGraphControl(std::string url = "");

  const std::string& url() const { return url_; }  // "http://127.0.0.1:N"
  std::string graph_url() const { return url_ + "/v1.0"; }

  // Each throws std::runtime_error on a non-2xx answer.
  nlohmann::json control(const std::string& method, const std::string& path,
                         const std::string& body = "");
  nlohmann::json state(const std::string& tenant);  // GET /_fake/state/{tenant}
  nlohmann::json stats();                           // GET /_fake/stats
  void reset_stats();
  void set_faults(const nlohmann::json& faults);  // POST /_fake/faults
  void set_limits(const nlohmann::json& limits);
  void advance_clock(long seconds);
  // Someone else sets a user's direct licenses (a change the delta reports).
  void set_licenses(const std::string& tenant, const std::string& user,
                    const nlohmann::json& licenses);
  // Ends (false) or restores (true) the partner's contract with a customer tenant.
  void set_contract(const std::string& tenant, bool active);
  // A client-credentials token; throws std::runtime_error (without the secret) on failure.
  std::string token(const std::string& tenant, const std::string& client_id,
                    const std::string& secret);

 protected:
  void set_url(std::string url) { url_ = std::move(url); }

 private:
  std::string url_;
};

// Requests in GET /_fake/stats that could change something: every Graph POST, PATCH and
// DELETE, whatever their answer, $batch items included (they count under their own routes;
// the batch itself is not counted, so a batch of reads is none); token requests are not
// Graph requests.
long write_requests(const nlohmann::json& stats);

}  // namespace tenantsync::test
