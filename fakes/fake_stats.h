// Exact request counters for GET /_fake/stats. Routes are folded ("POST
// /v1.0/users/{id}/assignLicense"); $batch items count under their own route as well as
// the batch under "POST /v1.0/$batch". A dropped response counts under the status key
// "dropped" (the client never saw a status); the writes that took effect behind a dropped
// response (a batch's items included) are counted as unanswered, so a test can tell how
// many resends the client could not have avoided. Control endpoints are not counted.
// Writes that took effect are also counted per tenant, user and route, so a test can see
// that no operation was applied twice. Thread-safe.
#pragma once

#include <map>
#include <mutex>
#include <string>

#include <nlohmann/json.hpp>

namespace tenantsync::fake {

class Stats {
 public:
  // One response on `route`: `status` is a number as text, or "dropped".
  void count(const std::string& route, const std::string& status);
  // A write that took effect on `user` (its object id, or the id the request named).
  void add_write(const std::string& tenant, const std::string& user, const std::string& route);
  void add_batch();
  // `n` writes took effect but their response (or their batch's) was dropped.
  void add_unanswered_writes(long n);
  // A request arrived and waits out the injected latency (+1), or its wait ended (-1):
  // "held" tells a test that a request it wants in flight has reached the service. Not
  // zeroed by reset().
  void add_held(int delta);

  nlohmann::json to_json() const;
  // {tenant id: {user: {route: n}}} of the writes that took effect.
  nlohmann::json writes_by_user() const;
  void reset();

 private:
  mutable std::mutex mu_;
  std::map<std::string, std::map<std::string, long>> requests_;  // guarded by mu_
  long writes_ = 0;                                              // guarded by mu_
  std::map<std::string, std::map<std::string, std::map<std::string, long>>>
      writes_by_user_;  // guarded by mu_
  long batches_ = 0;
  long throttled_ = 0;
  long dropped_ = 0;
  long unanswered_writes_ = 0;
  long errors_ = 0;
  long held_ = 0;  // guarded by mu_
};

}  // namespace tenantsync::fake
