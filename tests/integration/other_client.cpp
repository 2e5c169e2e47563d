#include "tests/integration/other_client.h"

#include <stdexcept>

namespace tenantsync::test {

OtherClient::OtherClient(EngineHarness& harness, const std::string& tenant)
    : graph_url_(harness.fake().graph_url()), token_(harness.token(tenant)) {}

HttpReply OtherClient::send(const std::string& method, const std::string& path,
                            const nlohmann::json& body) {
  std::map<std::string, std::string> headers = {{"Authorization", "Bearer " + token_}};
  std::string text;
  if (!body.is_null()) {
    headers["Content-Type"] = "application/json";
    text = body.dump();
  }
  return http_request(method, graph_url_ + path, text, headers);
}

HttpReply OtherClient::expect_success(const std::string& method, const std::string& path,
                                      const nlohmann::json& body) {
  HttpReply r = send(method, path, body);
  if (r.status < 200 || r.status >= 300) {
    throw std::runtime_error(method + " " + path + " -> " + std::to_string(r.status) + " " +
                             r.body);
  }
  return r;
}

void OtherClient::delete_user(const std::string& id) {
  expect_success("DELETE", "/users/" + id, nullptr);
}

void OtherClient::restore_user(const std::string& id) {
  expect_success("POST", "/directory/deletedItems/" + id + "/restore", nlohmann::json::object());
}

void OtherClient::assign_license(const std::string& id, const nlohmann::json& add,
                                 const nlohmann::json& remove) {
  expect_success("POST", "/users/" + id + "/assignLicense",
                 {{"addLicenses", add}, {"removeLicenses", remove}});
}

void OtherClient::update_user(const std::string& id, const nlohmann::json& patch) {
  expect_success("PATCH", "/users/" + id, patch);
}

}  // namespace tenantsync::test
