// A one-line progress bar on stderr, shown only when stderr is a terminal and
// --no-progress was not given. Thread-safe: the mirror's workers tick it.
#pragma once

#include <mutex>
#include <string>

namespace tenantsync {

class ProgressBar {
 public:
  ProgressBar(bool enabled, std::string label) : enabled_(enabled), label_(std::move(label)) {}
  ~ProgressBar() { finish(); }
  void add_total(int n);
  void tick(const std::string& item);
  void finish();

 private:
  void draw(const std::string& item);  // mu_ held

  const bool enabled_;
  const std::string label_;
  std::mutex mu_;
  int total_ = 0;       // guarded by mu_
  int done_ = 0;        // guarded by mu_
  bool drawn_ = false;  // guarded by mu_
};

}  // namespace tenantsync
