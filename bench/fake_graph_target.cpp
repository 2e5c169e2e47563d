#include "bench/fake_graph_target.h"

#include <cstdlib>
#include <stdexcept>

#include "tests/support/fake_graph_process.h"
#include "tests/support/test_http.h"

namespace tenantsync::bench {

std::unique_ptr<FakeGraphTarget> FakeGraphTarget::start(std::vector<std::string> args) {
  auto process = std::make_unique<test::FakeGraphProcess>(std::move(args));
  std::string url = process->url();
  return std::unique_ptr<FakeGraphTarget>(new FakeGraphTarget(url, std::move(process)));
}

std::unique_ptr<FakeGraphTarget> FakeGraphTarget::attach(const std::string& url) {
  std::unique_ptr<FakeGraphTarget> t(new FakeGraphTarget(url, nullptr));
  t->control("GET", "/_fake/clock");  // fails early when nothing answers there
  return t;
}

FakeGraphTarget::FakeGraphTarget(std::string url, std::unique_ptr<test::FakeGraphProcess> process)
    : FakeGraphControl(std::move(url)), process_(std::move(process)) {}

FakeGraphTarget::~FakeGraphTarget() = default;

pid_t FakeGraphTarget::pid() const { return process_ ? process_->pid() : -1; }

std::string FakeGraphTarget::get(const std::string& url, const std::string& token) {
  test::HttpReply r = test::http_request("GET", url, "", {{"Authorization", "Bearer " + token}});
  if (r.status != 200 || r.dropped) {
    throw std::runtime_error("GET " + url + ": HTTP " + std::to_string(r.status) + " " +
                             r.body.substr(0, 300));
  }
  return std::move(r.body);
}

RemoteConfig fake_remote_config(const FakeGraphTarget& fake, const std::string& partner_tenant,
                                const std::string& secret_env, const std::string& secret,
                                int http_concurrency) {
  ::setenv(secret_env.c_str(), secret.c_str(), 1);
  RemoteConfig c;
  c.graph_url = fake.graph_url();
  c.authority_url = fake.url();
  c.partner_tenant = partner_tenant;
  c.client_id = kBenchClientId;
  c.client_secret_env = secret_env;
  c.concurrency = http_concurrency;
  c.timeout_seconds = 120;
  return c;
}

FakeStatsTotals fake_stats_totals(const nlohmann::json& stats) {
  FakeStatsTotals t;
  t.batches = stats.value("batches", 0LL);
  t.writes = stats.value("writes", 0LL);
  t.throttled = stats.value("throttled", 0LL);
  t.errors = stats.value("errors", 0LL);
  t.dropped = stats.value("dropped", 0LL);
  const auto routes = stats.find("requests");
  if (routes == stats.end()) return t;
  for (const auto& [route, by_status] : routes->items()) {
    for (const auto& [status, count] : by_status.items()) {
      long long n = count.get<long long>();
      t.requests += n;
      if (route.find("/oauth2/") != std::string::npos) t.tokens += n;
      if (route == "POST /v1.0/$batch") t.batch_requests += n;
    }
  }
  return t;
}

}  // namespace tenantsync::bench
