#include "fakes/fake_stats.h"

namespace tenantsync::fake {

void Stats::count(const std::string& route, const std::string& status) {
  std::lock_guard<std::mutex> lock(mu_);
  ++requests_[route][status];
  if (status == "429") {
    ++throttled_;
  } else if (status == "dropped") {
    ++dropped_;
  } else if (!status.empty() && status[0] == '5') {
    ++errors_;
  }
}

void Stats::add_write(const std::string& tenant, const std::string& user,
                      const std::string& route) {
  std::lock_guard<std::mutex> lock(mu_);
  ++writes_;
  ++writes_by_user_[tenant][user][route];
}

void Stats::add_held(int delta) {
  std::lock_guard<std::mutex> lock(mu_);
  held_ += delta;
}

void Stats::add_batch() {
  std::lock_guard<std::mutex> lock(mu_);
  ++batches_;
}

void Stats::add_unanswered_writes(long n) {
  std::lock_guard<std::mutex> lock(mu_);
  unanswered_writes_ += n;
}

nlohmann::json Stats::to_json() const {
  std::lock_guard<std::mutex> lock(mu_);
  nlohmann::json requests = nlohmann::json::object();
  for (const auto& [route, statuses] : requests_) {
    nlohmann::json counts = nlohmann::json::object();
    for (const auto& [status, n] : statuses) counts[status] = n;
    requests[route] = std::move(counts);
  }
  return {{"requests", std::move(requests)},
          {"writes", writes_},
          {"batches", batches_},
          {"throttled", throttled_},
          {"dropped", dropped_},
          {"unansweredWrites", unanswered_writes_},
          {"errors", errors_},
          {"held", held_}};
}

nlohmann::json Stats::writes_by_user() const {
  std::lock_guard<std::mutex> lock(mu_);
  return writes_by_user_;
}

void Stats::reset() {
  std::lock_guard<std::mutex> lock(mu_);
  requests_.clear();
  writes_by_user_.clear();
  writes_ = batches_ = throttled_ = dropped_ = unanswered_writes_ = errors_ = 0;
}

}  // namespace tenantsync::fake
