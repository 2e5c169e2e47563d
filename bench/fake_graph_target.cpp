#include "bench/fake_graph_target.h"

#include <cctype>
#include <cstdlib>
#include <stdexcept>

#include "tests/support/fake_graph_process.h"
#include "tests/support/test_http.h"

namespace tenantsync::bench {

namespace {

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

std::unique_ptr<FakeGraphTarget> FakeGraphTarget::start(std::vector<std::string> args) {
  std::unique_ptr<FakeGraphTarget> t(new FakeGraphTarget());
  t->process_ = std::make_unique<test::FakeGraphProcess>(std::move(args));
  t->url_ = t->process_->url();
  return t;
}

std::unique_ptr<FakeGraphTarget> FakeGraphTarget::attach(const std::string& url) {
  std::unique_ptr<FakeGraphTarget> t(new FakeGraphTarget());
  t->url_ = url;
  while (!t->url_.empty() && t->url_.back() == '/') t->url_.pop_back();
  t->control("GET", "/_fake/clock");  // fails early when nothing answers there
  return t;
}

FakeGraphTarget::~FakeGraphTarget() = default;

pid_t FakeGraphTarget::pid() const { return process_ ? process_->pid() : -1; }

nlohmann::json FakeGraphTarget::control(const std::string& method, const std::string& path,
                                        const std::string& body) {
  test::HttpReply r =
      test::http_request(method, url_ + path, body, {{"Content-Type", "application/json"}});
  if (r.status < 200 || r.status >= 300) {
    throw std::runtime_error(method + " " + path + " -> " + std::to_string(r.status) + " " +
                             r.body);
  }
  return r.body.empty() ? nlohmann::json() : nlohmann::json::parse(r.body);
}

void FakeGraphTarget::set_licenses(const std::string& tenant, const std::string& user,
                                   const nlohmann::json& licenses) {
  control("POST", "/_fake/tenants/" + tenant + "/users/" + form_encode(user) + "/assignedLicenses",
          licenses.dump());
}

std::string FakeGraphTarget::token(const std::string& tenant, const std::string& client_id,
                                   const std::string& secret) {
  std::string body =
      "client_id=" + form_encode(client_id) + "&client_secret=" + form_encode(secret) +
      "&grant_type=client_credentials&scope=" + form_encode("https://graph.microsoft.com/.default");
  test::HttpReply r = test::http_request("POST", url_ + "/" + tenant + "/oauth2/v2.0/token", body,
                                         {{"Content-Type", "application/x-www-form-urlencoded"}});
  if (r.status != 200) {
    throw std::runtime_error("token for " + tenant + ": HTTP " + std::to_string(r.status));
  }
  return nlohmann::json::parse(r.body).at("access_token").get<std::string>();
}

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
