// Response bodies' memory, handed back by the caller once a page is decoded and written
// into again by a later response.
//
// A page of 999 users is about 570 KiB as text, past the 512 KiB from which
// tune_allocator() has glibc map a block apart. Each body was therefore mapped, faulted
// in page by page as it arrived, and unmapped when freed (a TLB shootdown on every core):
// a tenth of a full mirror's CPU (issue #19). Kept here, a few such strings serve every
// page. Blocks stay mapped apart, so they leave no holes in the heap (the reason for the
// threshold), and at most `max_kept` of them, kMaxKeptBytes in all, are held: memory a
// long `run` keeps between cycles.
//
// Thread-safe.
#pragma once

#include <cstddef>
#include <mutex>
#include <string>
#include <vector>

namespace tenantsync {

class BodyPool {
 public:
  // Strings kept: below this capacity malloc serves them from its heap anyway ...
  static constexpr std::size_t kMinKeptCapacity = 256 << 10;
  // ... and past this one a body is too rare to be worth holding on to.
  static constexpr std::size_t kMaxKeptCapacity = 4 << 20;
  // The capacity of all the strings held, at most.
  static constexpr std::size_t kMaxKeptBytes = 16 << 20;

  explicit BodyPool(std::size_t max_kept) : max_kept_(max_kept) {}

  // An empty string, with the capacity of one handed back if there is one.
  std::string take();
  // Keeps `body`'s memory for a later take() when it is worth keeping and there is room.
  void give_back(std::string&& body);
  // Strings held (for tests).
  std::size_t kept() const;

 private:
  const std::size_t max_kept_;
  mutable std::mutex mu_;
  std::vector<std::string> kept_;  // guarded by mu_
  std::size_t kept_bytes_ = 0;     // their capacities, guarded by mu_
};

}  // namespace tenantsync
