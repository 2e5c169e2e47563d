#include "tests/support/fake_graph_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "tests/support/test_http.h"

namespace tenantsync::test {

namespace {

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string form_encode(const std::string& s) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

}  // namespace

FakeGraphProcess::FakeGraphProcess(std::vector<std::string> args) {
  char stderr_template[] = "/tmp/fake-graph-stderr-XXXXXX";
  int err_fd = mkostemp(stderr_template, O_CLOEXEC);
  if (err_fd < 0) throw std::runtime_error("mkstemp failed");
  stderr_path_ = stderr_template;
  int out_pipe[2];
  // Close-on-exec, so that fakes started later do not inherit this one's pipe.
  if (pipe2(out_pipe, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");

  args.insert(args.begin(), {FAKE_GRAPH_BIN, "--listen", "127.0.0.1:0"});
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);

  pid_ = fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    dup2(out_pipe[1], STDOUT_FILENO);
    dup2(err_fd, STDERR_FILENO);
    close(out_pipe[0]);
    close(out_pipe[1]);
    close(err_fd);
    execv(argv[0], argv.data());
    _exit(127);
  }
  close(out_pipe[1]);
  close(err_fd);
  stdout_fd_ = out_pipe[0];

  // Wait for the first line: "listening on http://127.0.0.1:N".
  std::string line;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (line.find('\n') == std::string::npos) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                    deadline - std::chrono::steady_clock::now())
                    .count();
    pollfd p{stdout_fd_, POLLIN, 0};
    if (left <= 0 || poll(&p, 1, static_cast<int>(left)) <= 0) break;
    char buf[256];
    ssize_t n = read(stdout_fd_, buf, sizeof buf);
    if (n <= 0) break;
    line.append(buf, static_cast<size_t>(n));
  }
  const std::string prefix = "listening on ";
  auto nl = line.find('\n');
  if (nl == std::string::npos || line.rfind(prefix, 0) != 0) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
    pid_ = -1;
    std::string err = read_file(stderr_path_);
    unlink(stderr_path_.c_str());
    throw std::runtime_error("fake-graph did not start: " + err);
  }
  url_ = line.substr(prefix.size(), nl - prefix.size());
}

FakeGraphProcess::~FakeGraphProcess() {
  if (pid_ > 0) {
    kill(pid_, SIGTERM);
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (true) {
      int status = 0;
      pid_t r = waitpid(pid_, &status, WNOHANG);
      if (r == pid_ || r < 0) break;
      if (std::chrono::steady_clock::now() > deadline) {
        kill(pid_, SIGKILL);
        waitpid(pid_, &status, 0);
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
  if (stdout_fd_ >= 0) close(stdout_fd_);
  if (!stderr_path_.empty()) unlink(stderr_path_.c_str());
}

const std::string& FakeGraphProcess::url() const { return url_; }
std::string FakeGraphProcess::graph_url() const { return url_ + "/v1.0"; }
pid_t FakeGraphProcess::pid() const { return pid_; }

nlohmann::json FakeGraphProcess::control(const std::string& method, const std::string& path,
                                         const std::string& body) {
  HttpReply r = http_request(method, url_ + path, body, {{"Content-Type", "application/json"}});
  if (r.status < 200 || r.status >= 300) {
    throw std::runtime_error(method + " " + path + " -> " + std::to_string(r.status) + " " +
                             r.body);
  }
  return r.body.empty() ? nlohmann::json() : nlohmann::json::parse(r.body);
}

nlohmann::json FakeGraphProcess::state(const std::string& tenant) {
  return control("GET", "/_fake/state/" + tenant);
}
nlohmann::json FakeGraphProcess::stats() { return control("GET", "/_fake/stats"); }
void FakeGraphProcess::reset_stats() { control("POST", "/_fake/stats/reset"); }
void FakeGraphProcess::set_faults(const nlohmann::json& faults) {
  control("POST", "/_fake/faults", faults.dump());
}
void FakeGraphProcess::set_limits(const nlohmann::json& limits) {
  control("POST", "/_fake/limits", limits.dump());
}
void FakeGraphProcess::advance_clock(long seconds) {
  control("POST", "/_fake/clock", nlohmann::json{{"advanceSeconds", seconds}}.dump());
}
void FakeGraphProcess::set_licenses(const std::string& tenant, const std::string& user,
                                    const nlohmann::json& licenses) {
  control("POST", "/_fake/tenants/" + tenant + "/users/" + form_encode(user) + "/assignedLicenses",
          licenses.dump());
}

std::string FakeGraphProcess::token(const std::string& tenant, const std::string& client_id,
                                    const std::string& secret) {
  std::string body =
      "client_id=" + form_encode(client_id) + "&client_secret=" + form_encode(secret) +
      "&grant_type=client_credentials&scope=" + form_encode("https://graph.microsoft.com/.default");
  HttpReply r = http_request("POST", url_ + "/" + tenant + "/oauth2/v2.0/token", body,
                             {{"Content-Type", "application/x-www-form-urlencoded"}});
  if (r.status != 200) {
    std::string reason = r.body;
    try {
      reason = nlohmann::json::parse(r.body).value("error_description", r.body);
    } catch (const std::exception&) {
    }
    throw std::runtime_error("token for " + tenant + " failed: " + std::to_string(r.status) + " " +
                             reason);
  }
  return nlohmann::json::parse(r.body).at("access_token").get<std::string>();
}

std::string demo_fixture_path() {
  return std::string(TENANTSYNC_SOURCE_DIR) + "/fakes/fixtures/demo.json";
}

}  // namespace tenantsync::test
