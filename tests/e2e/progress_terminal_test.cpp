// The mirror's progress bar on a real terminal (issue #18): a long `mirror` runs in tmux
// with info logging on, and every screen the pane shows while it runs is checked: a log
// line never lands on the bar's line (written over it or after it), and the bar's total
// is the number of tenants from its first draw on. Skipped where tmux is not installed
// (scripts/bootstrap.sh installs it for CI).
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <regex>
#include <set>
#include <thread>

#include <gtest/gtest.h>

#include "tests/e2e/cli_fixture.h"

namespace tenantsync::test {
namespace progress_terminal_test {

bool have_tmux() { return std::system("tmux -V >/dev/null 2>&1") == 0; }

// Runs `command` through the shell and returns what it printed.
std::string shell_output(const std::string& command) {
  std::string out;
  FILE* p = popen(command.c_str(), "r");
  if (!p) return out;
  char buf[4096];
  for (size_t n; (n = fread(buf, 1, sizeof buf, p)) > 0;) out.append(buf, n);
  pclose(p);
  return out;
}

std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

TEST(ProgressTerminalTest, LogLinesGoAboveTheMirrorBarAndNeverIntoIt) {
  if (!have_tmux()) GTEST_SKIP() << "tmux is not installed";
  const int kTenants = 8;
  CliFixture f({"--generate", "tenants=" + std::to_string(kTenants) + ",users=120,seed=3"},
               "generated-secret");
  f.write_config({{"remote", {{"concurrency", 2}}}});
  f.fake().set_faults({{"latencyMs", 60}});

  const std::string socket = f.dir().file("tmux.sock");
  const std::string done = f.dir().file("done");
  std::string command;
  for (const auto& [key, value] : f.environment()) {
    if (value != "\x01unset") command += key + "=" + shell_quote(value) + " ";
  }
  command += "env -u TENANTSYNC_CONFIG " + shell_quote(TENANTSYNC_BIN) + " --config " +
             shell_quote(f.config_path()) + " --log-level info mirror; echo $? > " +
             shell_quote(done) + "; sleep 600";
  std::string tmux = "tmux -S " + shell_quote(socket) + " ";
  ASSERT_EQ(
      std::system((tmux + "new-session -d -x 220 -y 60 -s mirror " + shell_quote(command)).c_str()),
      0);

  const std::regex log_line(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z (info|warn|error|debug) )");
  const std::regex bar(R"(mirror \[[#.]{30}\] (\d+)/(\d+))");
  std::set<std::string> screens;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(3);
  while (access(done.c_str(), F_OK) != 0 && std::chrono::steady_clock::now() < deadline) {
    screens.insert(shell_output(tmux + "capture-pane -p -t mirror"));
    std::this_thread::sleep_for(std::chrono::milliseconds(30));
  }
  const std::string history = shell_output(tmux + "capture-pane -p -S - -t mirror");
  screens.insert(history);
  std::system((tmux + "kill-server >/dev/null 2>&1").c_str());
  ASSERT_EQ(access(done.c_str(), F_OK), 0) << "the mirror did not finish in 3 minutes";
  EXPECT_EQ(read_file(done), "0\n");

  int bars = 0, screens_with_both = 0;
  for (const auto& screen : screens) {
    bool bar_seen = false, log_seen = false;
    for (const auto& line : lines_of(screen)) {
      std::smatch m;
      if (std::regex_search(line, m, bar)) {
        ++bars;
        bar_seen = true;
        EXPECT_EQ(m[2].str(), std::to_string(kTenants))
            << "the total is known from the start: " << line;
        EXPECT_FALSE(std::regex_search(line, log_line)) << "a log line on the bar's line:\n"
                                                        << screen;
      }
      std::smatch l;
      if (std::regex_search(line, l, log_line)) {
        EXPECT_EQ(l.position(0), 0) << "a log line starts after other text:\n" << screen;
        log_seen = true;
      }
    }
    screens_with_both += bar_seen && log_seen ? 1 : 0;
  }
  // The test says something only if log lines were printed while the bar was up.
  EXPECT_GT(bars, 0) << "no screen showed the bar";
  EXPECT_GT(screens_with_both, 0) << "no screen showed log lines and the bar together:\n"
                                  << history;
}

}  // namespace progress_terminal_test
}  // namespace tenantsync::test
