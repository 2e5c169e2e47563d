#include "connector/cli/stop_signal.h"

#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>

#include "sync/apply/executor.h"

namespace tenantsync {

namespace {

// Only lock-free atomics and write()/_exit() in the handler: they are async-signal-safe.
std::atomic<bool> g_sending{false};
std::atomic<bool> g_stopping{false};
std::atomic<int> g_signal{0};

void say(const char* text) {
  ssize_t ignored = ::write(STDERR_FILENO, text, std::strlen(text));
  (void)ignored;
}

void on_signal(int sig) {
  if (!g_sending.load()) {
    say("\ntenantsync: interrupted; nothing was sent\n");
    ::_exit(128 + sig);
  }
  if (g_stopping.load()) {
    say("\ntenantsync: stopped at once; the next apply settles what was in flight\n");
    ::_exit(128 + sig);
  }
  g_signal.store(sig);
  g_stopping.store(true);
  say("\ntenantsync: stopping: finishing the requests in flight, sending nothing more "
      "(press Ctrl-C again to quit at once)\n");
}

}  // namespace

StopSignal& StopSignal::install() {
  static StopSignal instance;
  static const bool installed = [] {
    struct sigaction action {};
    action.sa_handler = on_signal;
    sigemptyset(&action.sa_mask);
    sigaction(SIGINT, &action, nullptr);
    sigaction(SIGTERM, &action, nullptr);
    return true;
  }();
  (void)installed;
  return instance;
}

void StopSignal::sending_starts() { g_sending.store(true); }
const std::atomic<bool>& StopSignal::stopping() const { return g_stopping; }
int StopSignal::signal_number() const { return g_signal.load(); }
int StopSignal::exit_code() const {
  int sig = g_signal.load();
  return sig == 0 ? 0 : 128 + sig;
}

void report_interrupted(const std::string& command, const ApplyReport& report) {
  int sent = 0;
  int not_sent = 0;
  for (const auto& t : report.plan.tenants) {
    for (const auto& op : t.operations) {
      if (op.status == OpStatus::Applied || op.status == OpStatus::Failed) ++sent;
      if (op.status == OpStatus::Skipped && op.reason == kStoppedBeforeSending) ++not_sent;
    }
  }
  std::fprintf(stderr,
               "tenantsync %s: interrupted: %d operation%s carried out before the signal, %d not "
               "sent (journalled as skipped); run %s again to plan afresh\n",
               command.c_str(), sent, sent == 1 ? "" : "s", not_sent, command.c_str());
}

}  // namespace tenantsync
