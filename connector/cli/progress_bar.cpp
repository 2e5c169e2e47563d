#include "connector/cli/progress_bar.h"

#include <algorithm>
#include <cstdio>

#include "sync/log.h"

namespace tenantsync {

void ProgressBar::add_total(int n) {
  std::lock_guard<std::mutex> lock(mu_);
  total_ += n;
}

void ProgressBar::advance(int n, const std::string& item) {
  std::lock_guard<std::mutex> lock(mu_);
  done_ += n;
  if (enabled_) draw(item);
}

void ProgressBar::set_note(std::function<std::string()> note) {
  std::lock_guard<std::mutex> lock(mu_);
  note_ = std::move(note);
}

void ProgressBar::finish() {
  if (!enabled_) return;
  std::lock_guard<std::mutex> lock(mu_);
  if (drawn_) clear_status_line();
  drawn_ = false;
}

std::string ProgressBar::line(const std::string& item) {
  std::lock_guard<std::mutex> lock(mu_);
  return render(item);
}

std::string ProgressBar::render(const std::string& item) {
  constexpr int kWidth = 30;
  int total = total_ > 0 ? total_ : 1;
  int filled = std::min(kWidth, done_ * kWidth / total);
  std::string bar(static_cast<size_t>(std::max(0, filled)), '#');
  bar.resize(kWidth, '.');
  std::string out = label_ + " [" + bar + "] " + std::to_string(done_) + "/" +
                    std::to_string(total_) + " " + item;
  std::string note = note_ ? note_() : std::string();
  if (!note.empty()) out += "  " + note;
  return out;
}

void ProgressBar::draw(const std::string& item) {
  set_status_line(render(item));  // through the log, which writes its lines above it
  drawn_ = true;
}

}  // namespace tenantsync
