#include "connector/cli/progress_bar.h"

#include <cstdio>

namespace tenantsync {

void ProgressBar::add_total(int n) {
  if (!enabled_) return;
  std::lock_guard<std::mutex> lock(mu_);
  total_ += n;
}

void ProgressBar::tick(const std::string& item) {
  if (!enabled_) return;
  std::lock_guard<std::mutex> lock(mu_);
  ++done_;
  draw(item);
}

void ProgressBar::finish() {
  if (!enabled_) return;
  std::lock_guard<std::mutex> lock(mu_);
  if (drawn_) std::fputs("\r\033[K", stderr);
  drawn_ = false;
}

void ProgressBar::draw(const std::string& item) {
  constexpr int kWidth = 30;
  int total = total_ > 0 ? total_ : 1;
  int filled = done_ * kWidth / total;
  std::string bar(static_cast<size_t>(filled), '#');
  bar.resize(kWidth, '.');
  std::fprintf(stderr, "\r\033[K%s [%s] %d/%d %s", label_.c_str(), bar.c_str(), done_, total_,
               item.c_str());
  std::fflush(stderr);
  drawn_ = true;
}

}  // namespace tenantsync
