// Changes made behind tenantsync's back: another client calling Graph itself (its own
// token, plain HTTP), as an admin in the portal or another tool would.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "tests/integration/engine_harness.h"
#include "tests/support/test_http.h"

namespace tenantsync::test {

class OtherClient {
 public:
  OtherClient(EngineHarness& harness, const std::string& tenant);

  // Each throws std::runtime_error on an answer that is not 2xx.
  void delete_user(const std::string& id);
  void restore_user(const std::string& id);
  void assign_license(const std::string& id, const nlohmann::json& add,
                      const nlohmann::json& remove = nlohmann::json::array());
  void update_user(const std::string& id, const nlohmann::json& patch);

  // Any Graph request (`path` below /v1.0); the answer whatever its status.
  HttpReply send(const std::string& method, const std::string& path,
                 const nlohmann::json& body = nullptr);

 private:
  HttpReply expect_success(const std::string& method, const std::string& path,
                           const nlohmann::json& body);

  std::string graph_url_;
  std::string token_;
};

}  // namespace tenantsync::test
