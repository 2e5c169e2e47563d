// Shared bits of the fake-graph integration tests: a fixture that runs a fresh fake-graph
// per test (from the demo fixture unless a test says otherwise), small HTTP helpers, and
// the demo fixture's well-known ids (written out here, not taken from fakes/, so the
// tests check the fake rather than repeat it).
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/support/fake_graph_process.h"
#include "tests/support/test_http.h"

namespace tenantsync::test {

using nlohmann::json;

inline const std::string kAdminClient = "11111111-1111-1111-1111-111111111111";
inline const std::string kAdminSecret = "demo-secret";
inline const std::string kReaderClient = "22222222-2222-2222-2222-222222222222";
inline const std::string kReaderSecret = "reader-secret";
inline const std::string kContoso = "contoso.onmicrosoft.com";
inline const std::string kFabrikam = "fabrikam.onmicrosoft.com";
inline const std::string kNorthwind = "northwind.onmicrosoft.com";
inline const std::string kPartner = "partner.onmicrosoft.com";

// SKU and plan ids of the demo fixture.
inline const std::string kSpeE3 = "05e9a617-0261-4cee-bb44-138d3ef5d965";
inline const std::string kSpeE5 = "06ebc4ee-1bb5-47dd-8120-11324bc54e06";
inline const std::string kEms = "efccb6f7-5641-4e0e-bd10-b4976e1bf68e";
inline const std::string kExchangeStandard = "4b9405b0-7788-4568-add1-99614e613b69";
inline const std::string kTeamsPhone = "e43b5b99-8dfb-405f-9987-dc307f34bcbd";    // MCOEV
inline const std::string kCallingPlan = "0dab259f-bf13-4952-b7f8-7db8f131b28d";   // MCOPSTN1
inline const std::string kCommsCredits = "47794cd0-f0e5-45c5-9033-2eb6b5fc84e0";  // Company
inline const std::string kPlanExchangeStandard = "9aaf7827-d63c-4b61-89c3-182f06f82e5c";
inline const std::string kPlanExchangeEnterprise = "efb87545-963c-4e0d-99df-69c6916d9eb0";
inline const std::string kPlanMcoev = "4828c8ec-dc2e-4779-b502-87ac9ce28ab7";
inline const std::string kPlanMcoStandard = "0feaeb32-d00e-4d66-bd5a-43b5b83db82c";
inline const std::string kPlanYammer = "7547a3fe-08ee-4ccb-b430-5077c5041653";

inline std::string contoso_upn(const std::string& local) { return local + "@" + kContoso; }

// Percent-encodes a query value or path segment.
std::string enc(const std::string& s);
json body_of(const HttpReply& reply);
// The error code and message of a Graph error reply.
std::string error_code(const HttpReply& reply);
std::string error_message(const HttpReply& reply);

// Writes `fixture` to a temporary file that lives as long as the object.
class TempFile {
 public:
  explicit TempFile(const std::string& content);
  ~TempFile();
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

json load_demo_fixture();

class FakeGraphTest : public ::testing::Test {
 protected:
  void SetUp() override { start({"--fixture", demo_fixture_path()}); }
  void start(std::vector<std::string> args) {
    fake_.reset();
    fake_ = std::make_unique<FakeGraphProcess>(std::move(args));
    tokens_.clear();
  }

  // A cached client-secret token (demo admin client unless said otherwise).
  std::string token(const std::string& tenant = kContoso, const std::string& client = kAdminClient,
                    const std::string& secret = kAdminSecret);

  // `path` is relative to /v1.0, e.g. "/users?$top=3".
  HttpReply get(const std::string& path, const std::string& tok);
  HttpReply get(const std::string& path) { return get(path, token()); }
  HttpReply send(const std::string& method, const std::string& path, const json& body,
                 const std::string& tok);
  HttpReply send(const std::string& method, const std::string& path, const json& body = nullptr) {
    return send(method, path, body, token());
  }
  HttpReply assign(const std::string& user, const json& add, const json& remove,
                   const std::string& tenant = kContoso);

  // The user's direct licenses in the fake's state dump (skuId -> disabledPlans).
  json state_user(const std::string& tenant, const std::string& upn);
  int consumed(const std::string& tenant, const std::string& sku_id);

  std::unique_ptr<FakeGraphProcess> fake_;
  std::map<std::string, std::string> tokens_;
};

}  // namespace tenantsync::test
