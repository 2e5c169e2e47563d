#include "sync/mirror/prepare_ahead.h"

#include <algorithm>
#include <system_error>
#include <utility>

#include "sync/log.h"

namespace tenantsync {

PrepareAhead::PrepareAhead(std::size_t count, std::size_t lead, std::size_t threads,
                           std::function<void(std::size_t)> prepare)
    : count_(count), lead_(lead), prepare_(std::move(prepare)) {
  if (count_ == 0 || lead_ == 0) return;
  for (std::size_t t = 0; t < threads; ++t) {
    try {
      threads_.emplace_back([this] { run(); });
    } catch (const std::system_error& e) {  // fewer helpers: the workers do the rest
      log_warn("cannot start another thread to prepare tenants ahead", {{"error", e.what()}});
      break;
    }
  }
}

PrepareAhead::~PrepareAhead() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  moved_.notify_all();
  for (auto& t : threads_) t.join();
}

void PrepareAhead::taken(std::size_t i) {
  {
    std::lock_guard lock(mu_);
    taken_ = std::max(taken_, i + 1);
  }
  // Each item taken lets one more be prepared, so one helper is woken: waking them all
  // had every tenant wake each helper, most only to sleep again (3% of a mirror's CPU
  // per tenant). A helper that finishes an item takes the next one unwoken.
  moved_.notify_one();
}

void PrepareAhead::run() {
  std::unique_lock lock(mu_);
  for (;;) {
    moved_.wait(lock, [&] { return stopping_ || next_ >= count_ || next_ < taken_ + lead_; });
    if (stopping_ || next_ >= count_) return;
    std::size_t i = next_++;
    if (i < taken_) continue;  // a worker has it already, and fetches what it needs itself
    lock.unlock();
    try {
      prepare_(i);
    } catch (const std::exception& e) {  // ahead of time only: the worker meets it again
      log_warn("preparing a tenant ahead failed", {{"error", e.what()}});
    }
    lock.lock();
  }
}

}  // namespace tenantsync
