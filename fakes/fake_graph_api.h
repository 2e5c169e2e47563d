// The Graph v1.0 operations of docs/fake-graph.md, for one authenticated caller: reads
// (contracts, SKUs, users, delta, deleted users, role definitions and assignments) and
// writes (create, patch, delete, restore, assignLicense, role assignments) with the
// service's rules and role checks. Each call locks only
// the caller's tenant. $batch, faults, limits and statistics wrap this in FakeService.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "fakes/fake_clock.h"
#include "fakes/fake_crypto.h"
#include "fakes/fake_estate.h"
#include "fakes/fake_query.h"
#include "fakes/fake_routes.h"

namespace tenantsync::fake {

// Who calls: the tenant the token is bound to and the client application.
struct Caller {
  TenantDirectory* tenant = nullptr;
  const ClientApp* client = nullptr;
};

struct ApiResponse {
  ApiResponse() = default;
  ApiResponse(int status, nlohmann::json body,
              std::vector<std::pair<std::string, std::string>> headers)
      : status(status), body(std::move(body)), headers(std::move(headers)) {}

  int status = 200;
  nlohmann::json body;  // null = no body (204), unless `text` holds it
  std::vector<std::pair<std::string, std::string>> headers;
  std::string text;  // the body already as JSON (pages of users are written without a tree)

  bool has_body() const { return !text.empty() || !body.is_null(); }
  // The body as a tree, whichever way it was made.
  nlohmann::json body_tree() const { return text.empty() ? body : nlohmann::json::parse(text); }
};

class GraphApi {
 public:
  static constexpr double kDeltaTokenLifetime = 7.0 * 24 * 3600;

  GraphApi(const Estate& estate, const FakeClock& clock, const Signer& signer, std::string base_url)
      : estate_(estate), clock_(clock), signer_(signer), base_url_(std::move(base_url)) {}

  // Runs one operation. Throws GraphError for every refusal (status, code, message).
  ApiResponse handle(const Caller& caller, const ResolvedRoute& route, const QueryParams& query,
                     const std::string& body) const;

 private:
  ApiResponse contracts(const Caller& c, const QueryParams& q) const;
  ApiResponse subscribed_skus(const Caller& c) const;
  ApiResponse domains(const Caller& c) const;
  ApiResponse list_users(const Caller& c, const QueryParams& q) const;
  ApiResponse list_deleted(const Caller& c, const QueryParams& q) const;
  ApiResponse get_user(const Caller& c, const std::string& id, const QueryParams& q) const;
  ApiResponse get_deleted(const Caller& c, const std::string& id, const QueryParams& q) const;
  ApiResponse users_delta(const Caller& c, const QueryParams& q) const;
  ApiResponse create_user(const Caller& c, const std::string& body) const;
  ApiResponse patch_user(const Caller& c, const std::string& id, const std::string& body) const;
  ApiResponse delete_user(const Caller& c, const std::string& id) const;
  ApiResponse restore_user(const Caller& c, const std::string& id, const std::string& body) const;
  ApiResponse assign_license(const Caller& c, const std::string& id, const std::string& body) const;
  ApiResponse list_role_definitions(const Caller& c, const QueryParams& q) const;
  ApiResponse get_group(const Caller& c, const std::string& id, const QueryParams& q) const;
  ApiResponse get_role_definition(const Caller& c, const std::string& id,
                                  const QueryParams& q) const;
  ApiResponse list_role_assignments(const Caller& c, const QueryParams& q) const;
  ApiResponse create_role_assignment(const Caller& c, const std::string& body) const;
  ApiResponse get_role_assignment(const Caller& c, const std::string& id) const;
  ApiResponse delete_role_assignment(const Caller& c, const std::string& id) const;

  std::string graph_url(const std::string& path) const { return base_url_ + "/v1.0/" + path; }

  const Estate& estate_;
  const FakeClock& clock_;
  const Signer& signer_;
  std::string base_url_;
};

}  // namespace tenantsync::fake
