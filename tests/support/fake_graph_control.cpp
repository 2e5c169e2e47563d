#include "tests/support/fake_graph_control.h"

#include <stdexcept>

#include "connector/url.h"
#include "tests/support/test_http.h"

namespace tenantsync::test {

FakeGraphControl::FakeGraphControl(std::string url) : url_(std::move(url)) {
  while (!url_.empty() && url_.back() == '/') url_.pop_back();
}

nlohmann::json FakeGraphControl::control(const std::string& method, const std::string& path,
                                         const std::string& body) {
  HttpReply r = http_request(method, url_ + path, body, {{"Content-Type", "application/json"}});
  if (r.status < 200 || r.status >= 300) {
    throw std::runtime_error(method + " " + path + " -> " + std::to_string(r.status) + " " +
                             r.body);
  }
  return r.body.empty() ? nlohmann::json() : nlohmann::json::parse(r.body);
}

nlohmann::json FakeGraphControl::state(const std::string& tenant) {
  return control("GET", "/_fake/state/" + tenant);
}
nlohmann::json FakeGraphControl::stats() { return control("GET", "/_fake/stats"); }
void FakeGraphControl::reset_stats() { control("POST", "/_fake/stats/reset"); }
void FakeGraphControl::set_faults(const nlohmann::json& faults) {
  control("POST", "/_fake/faults", faults.dump());
}
void FakeGraphControl::set_limits(const nlohmann::json& limits) {
  control("POST", "/_fake/limits", limits.dump());
}
void FakeGraphControl::advance_clock(long seconds) {
  control("POST", "/_fake/clock", nlohmann::json{{"advanceSeconds", seconds}}.dump());
}
void FakeGraphControl::set_licenses(const std::string& tenant, const std::string& user,
                                    const nlohmann::json& licenses) {
  control("POST", "/_fake/tenants/" + tenant + "/users/" + url_encode(user) + "/assignedLicenses",
          licenses.dump());
}

long write_requests(const nlohmann::json& stats) {
  long n = 0;
  for (const auto& [route, by_status] : stats["requests"].items()) {
    // A $batch's items count under their own routes: a batch of reads writes nothing.
    bool graph_write = (route.rfind("POST /v1.0/", 0) == 0 && route != "POST /v1.0/$batch") ||
                       route.rfind("PATCH /v1.0/", 0) == 0 || route.rfind("DELETE /v1.0/", 0) == 0;
    if (!graph_write) continue;
    for (const auto& [status, count] : by_status.items()) n += count.get<long>();
  }
  return n;
}

void FakeGraphControl::set_contract(const std::string& tenant, bool active) {
  control("POST", "/_fake/contracts/" + tenant, nlohmann::json{{"active", active}}.dump());
}

std::string FakeGraphControl::token(const std::string& tenant, const std::string& client_id,
                                    const std::string& secret) {
  std::string body =
      "client_id=" + url_encode(client_id) + "&client_secret=" + url_encode(secret) +
      "&grant_type=client_credentials&scope=" + url_encode("https://graph.microsoft.com/.default");
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

}  // namespace tenantsync::test
