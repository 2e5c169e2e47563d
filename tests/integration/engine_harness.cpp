#include "tests/integration/engine_harness.h"

#include <cstdlib>
#include <stdexcept>

#include "connector/graph_directory.h"
#include "sync/apply/temporary_password.h"
#include "sync/log.h"
#include "sync/plan/service_rules.h"
#include "tests/support/test_http.h"

namespace tenantsync::test {

namespace {

const char kAdminClient[] = "11111111-1111-1111-1111-111111111111";
const char kSecretVariable[] = "TENANTSYNC_INTEGRATION_SECRET";

bool is_generated(const std::vector<std::string>& args) {
  for (const auto& a : args) {
    if (a == "--generate") return true;
  }
  return false;
}

}  // namespace

std::vector<std::string> demo_estate() { return {"--fixture", demo_fixture_path()}; }

std::vector<std::string> generated_estate(int tenants, int users, int skus, int seed) {
  return {"--generate", "tenants=" + std::to_string(tenants) + ",users=" + std::to_string(users) +
                            ",skus=" + std::to_string(skus) + ",seed=" + std::to_string(seed)};
}

EngineHarness::EngineHarness(std::vector<std::string> fake_args, HarnessOptions options)
    : options_(options) {
  configure_logging(LogLevel::Error, false);
  secret_ = is_generated(fake_args) ? "generated-secret" : "demo-secret";
  fake_ = std::make_unique<FakeGraphProcess>(std::move(fake_args));

  // The config a user writes for the fake (scripts/demo.sh): loopback http, the partner
  // tenant, the admin client, its secret in an environment variable.
  remote_.graph_url = fake_->graph_url();
  remote_.authority_url = fake_->url();
  remote_.partner_tenant = "partner.onmicrosoft.com";
  remote_.client_id = kAdminClient;
  remote_.client_secret_env = kSecretVariable;
  remote_.concurrency = options_.concurrency;
  remote_.max_attempts = options_.max_attempts;
  remote_.throttle_deadline = options_.throttle_deadline;
  remote_.timeout_seconds = 30;
  setenv(kSecretVariable, secret_.c_str(), 1);
  auto graph = make_graph_directory(remote_, clock_);
  unsetenv(kSecretVariable);
  if (!graph.ok()) throw std::runtime_error("make_graph_directory: " + graph.error().describe());
  directory_ = std::move(graph).value();

  auto cache = Cache::open(dir_.file("tenantsync.db"), clock_);
  if (!cache.ok()) throw std::runtime_error("Cache::open: " + cache.error().describe());
  cache_ = std::move(cache).value();
}

EngineHarness::~EngineHarness() = default;

MirrorResult EngineHarness::mirror(const std::vector<std::string>& tenants, bool full) {
  MirrorOptions options;
  options.tenants = tenants;
  options.full = full;
  options.concurrency = std::max(1, std::min(remote_.concurrency, 8));
  return mirror_tenants(*directory_, *cache_, options);
}

Result<BuiltPlan> EngineHarness::plan(const DesiredState& desired, const PlanOptions& options) {
  return build_plan(*cache_, desired, {}, ServiceRules::builtin(), fake_now(), options);
}

Result<ApplyReport> EngineHarness::apply(const Plan& plan, ExecuteOptions options) {
  options.concurrency = std::max(1, std::min(remote_.concurrency, 8));
  if (!options.passwords.generate) {
    options.passwords.generate = [](const Operation&) {
      auto password = generate_temporary_password();
      if (!password.ok()) throw std::runtime_error(password.error().describe());
      return *password;
    };
  }
  return execute_plan(plan, *directory_, *cache_, clock_, options);
}

TenantSnapshot EngineHarness::snapshot(const std::string& tenant) {
  auto s = cache_->load_snapshot(tenant);
  if (!s.ok()) throw std::runtime_error("load_snapshot " + tenant + ": " + s.error().describe());
  return std::move(s).value();
}

Clock::time_point EngineHarness::fake_now() {
  HttpReply r = http_request("GET", fake_->url() + "/_fake/clock");
  Clock::time_point now;
  if (r.status != 200 ||
      !parse_iso8601(nlohmann::json::parse(r.body).at("now").get<std::string>(), now)) {
    throw std::runtime_error("GET /_fake/clock -> " + std::to_string(r.status) + " " + r.body);
  }
  return now;
}

nlohmann::json EngineHarness::writes_by_user() {
  HttpReply r = http_request("GET", fake_->url() + "/_fake/stats/writes");
  if (r.status != 200) {
    throw std::runtime_error("GET /_fake/stats/writes -> " + std::to_string(r.status));
  }
  return nlohmann::json::parse(r.body);
}

TransportStats::Snapshot EngineHarness::transport_stats() const {
  // make_graph_directory() built it (the constructor).
  return static_cast<const GraphDirectory&>(*directory_).stats();
}

std::string EngineHarness::token(const std::string& tenant) {
  return fake_->token(tenant, kAdminClient, secret_);
}

DesiredState parse_desired(const std::string& text) {
  auto parsed = parse_desired_state(text, "test-desired.json");
  if (!parsed.ok()) throw std::runtime_error(parsed.error().describe());
  return std::move(parsed).value();
}

}  // namespace tenantsync::test
