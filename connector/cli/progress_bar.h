// A one-line progress bar on stderr, shown only when stderr is a terminal and
// --no-progress was not given. Drawn as the log's status line (sync/log.h), so log lines
// go above it, never over it. An optional note is appended to the line at each draw
// (what throttling looks like now: throttle_note.h). Thread-safe: the mirror's and
// apply's workers tick it.
#pragma once

#include <functional>
#include <mutex>
#include <string>

namespace tenantsync {

class ProgressBar {
 public:
  ProgressBar(bool enabled, std::string label) : enabled_(enabled), label_(std::move(label)) {}
  ~ProgressBar() { finish(); }
  void add_total(int n);
  void tick(const std::string& item) { advance(1, item); }
  void advance(int n, const std::string& item);
  // Called at each draw; its text ends the line when not empty.
  void set_note(std::function<std::string()> note);
  void finish();

  // The line as drawn, without the terminal's control characters (for tests).
  std::string line(const std::string& item);

 private:
  void draw(const std::string& item);           // mu_ held
  std::string render(const std::string& item);  // mu_ held

  const bool enabled_;
  const std::string label_;
  std::mutex mu_;
  int total_ = 0;                      // guarded by mu_
  int done_ = 0;                       // guarded by mu_
  bool drawn_ = false;                 // guarded by mu_
  std::function<std::string()> note_;  // guarded by mu_
};

}  // namespace tenantsync
