#include "connector/body_pool.h"

#include <utility>

namespace tenantsync {

std::string BodyPool::take() {
  std::lock_guard lock(mu_);
  if (kept_.empty()) return {};
  std::string body = std::move(kept_.back());
  kept_.pop_back();
  kept_bytes_ -= body.capacity();
  return body;
}

void BodyPool::give_back(std::string&& body) {
  const std::size_t capacity = body.capacity();
  if (capacity < kMinKeptCapacity || capacity > kMaxKeptCapacity) return;
  body.clear();  // keeps the capacity
  std::lock_guard lock(mu_);
  if (kept_.size() >= max_kept_ || kept_bytes_ + capacity > kMaxKeptBytes) return;
  kept_bytes_ += capacity;
  kept_.push_back(std::move(body));
}

std::size_t BodyPool::kept() const {
  std::lock_guard lock(mu_);
  return kept_.size();
}

}  // namespace tenantsync
