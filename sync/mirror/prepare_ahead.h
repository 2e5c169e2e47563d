// Prepares work items ahead of the workers that take them, on threads of its own: the
// mirror fetches the access tokens of the next tenants while the workers read the
// current ones, so a tenant's read starts with its token at hand instead of one more
// round trip. Items are prepared in order, never more than `lead` items past the last one
// a worker took (what is prepared stays fresh, and nothing is fetched for a run that is
// stopping); an item a worker took already is skipped. Preparing is only ever ahead
// of time: a worker must work correctly whether its item was prepared, is being
// prepared, or failed to be.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace tenantsync {

class PrepareAhead {
 public:
  // Starts `threads` threads (none when `count`, `lead` or `threads` is 0) that call
  // `prepare(i)` for i in 0..count-1.
  PrepareAhead(std::size_t count, std::size_t lead, std::size_t threads,
               std::function<void(std::size_t)> prepare);
  // Stops: a prepare() under way ends first.
  ~PrepareAhead();

  PrepareAhead(const PrepareAhead&) = delete;
  PrepareAhead& operator=(const PrepareAhead&) = delete;

  // A worker took item `i`: the threads may now prepare up to item i + lead.
  void taken(std::size_t i);

 private:
  void run();

  const std::size_t count_;
  const std::size_t lead_;
  const std::function<void(std::size_t)> prepare_;
  std::mutex mu_;
  std::condition_variable moved_;
  std::size_t taken_ = 0;  // guarded by mu_: items 0..taken_-1 were taken by workers
  std::size_t next_ = 0;   // guarded by mu_: the next item to prepare
  bool stopping_ = false;  // guarded by mu_
  std::vector<std::thread> threads_;
};

}  // namespace tenantsync
