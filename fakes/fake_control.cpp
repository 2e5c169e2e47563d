#include "fakes/fake_control.h"

#include <nlohmann/json.hpp>

#include "fakes/fake_encoding.h"
#include "fakes/fake_fixture.h"

namespace tenantsync::fake {

namespace {

using nlohmann::json;

FakeResponse json_response(int status, const json& body) {
  FakeResponse r;
  r.status = status;
  r.body = wire_json(body);
  return r;
}

FakeResponse control_error(int status, const std::string& code, const std::string& message,
                           const RequestContext& ctx) {
  return graph_error_response(GraphError(status, code, message), ctx);
}

}  // namespace

FakeResponse ControlApi::handle(const FakeRequest& req, const std::vector<std::string>& seg,
                                const RequestContext& ctx) {
  const std::string& m = req.method;
  size_t n = seg.size();
  auto body_json = [&]() {
    json j = json::parse(req.body.empty() ? "{}" : req.body, nullptr, false);
    if (j.is_discarded()) throw GraphError(400, "BadRequest", "The body is not valid JSON.");
    return j;
  };
  try {
    if (n == 2 && seg[0] == "state" && m == "GET") {
      TenantDirectory* t = estate_.find_tenant(seg[1]);
      if (t == nullptr)
        return control_error(404, "Request_ResourceNotFound", "Unknown tenant '" + seg[1] + "'.",
                             ctx);
      auto lock = t->acquire(clock_.now());
      return json_response(200, dump_tenant(*t));
    }
    if (n == 5 && seg[0] == "tenants" && seg[2] == "users" && seg[4] == "assignedLicenses" &&
        m == "POST") {
      return set_licenses(seg[1], seg[3], req.body, ctx);
    }
    if (n == 2 && seg[0] == "contracts") {  // end or restore the partner's relationship
      TenantDirectory* t = estate_.find_tenant(seg[1]);
      if (t == nullptr || t == estate_.partner())
        return control_error(404, "Request_ResourceNotFound",
                             "Unknown customer tenant '" + seg[1] + "'.", ctx);
      if (m == "POST") {
        json body = body_json();
        if (!body.contains("active") || !body["active"].is_boolean()) {
          return control_error(400, "BadRequest", "The body must be {\"active\": true|false}.",
                               ctx);
        }
        t->set_under_contract(body["active"].get<bool>());
      }
      return json_response(200, {{"tenant", t->default_domain()}, {"active", t->under_contract()}});
    }
    if (n == 1 && seg[0] == "faults") {
      if (m == "POST") faults_.configure(body_json());
      return json_response(200, faults_.to_json());
    }
    if (n == 1 && seg[0] == "limits") {
      if (m == "POST") limits_.configure(body_json());
      return json_response(200, limits_.to_json());
    }
    if (n == 1 && seg[0] == "clock") {
      if (m == "POST") {
        json body = body_json();
        double seconds = body.value("advanceSeconds", 0.0);
        if (seconds < 0) {
          return control_error(400, "BadRequest", "advanceSeconds must not be negative.", ctx);
        }
        clock_.advance(seconds);
      }
      double now = clock_.now();
      return json_response(200, {{"now", format_iso8601(now)}, {"epochSeconds", now}});
    }
    if (n == 1 && seg[0] == "stats" && m == "GET") return json_response(200, stats_.to_json());
    if (n == 2 && seg[0] == "stats" && seg[1] == "writes" && m == "GET") {
      return json_response(200, stats_.writes_by_user());
    }
    if (n == 2 && seg[0] == "stats" && seg[1] == "reset" && m == "POST") {
      stats_.reset();
      return json_response(200, stats_.to_json());
    }
  } catch (const GraphError& e) {
    return graph_error_response(e, ctx);
  } catch (const json::exception& e) {
    return control_error(400, "BadRequest", std::string("Invalid control request: ") + e.what(),
                         ctx);
  }
  return control_error(404, "Request_ResourceNotFound", "Unknown control endpoint.", ctx);
}

FakeResponse ControlApi::set_licenses(const std::string& tenant_name, const std::string& user_id,
                                      const std::string& body_text, const RequestContext& ctx) {
  TenantDirectory* t = estate_.find_tenant(tenant_name);
  if (t == nullptr)
    return control_error(404, "Request_ResourceNotFound", "Unknown tenant '" + tenant_name + "'.",
                         ctx);
  json body = json::parse(body_text, nullptr, false);
  if (body.is_discarded() || !body.is_array()) {
    return control_error(400, "BadRequest", "The body must be an array of {skuId, disabledPlans}.",
                         ctx);
  }
  auto lock = t->acquire(clock_.now());
  const UserRecord* u = t->find_active(user_id);
  if (u == nullptr)
    return control_error(404, "Request_ResourceNotFound", "Unknown user '" + user_id + "'.", ctx);
  std::vector<LicenseRecord> licenses;
  for (const auto& l : body) {
    if (!l.is_object() || !l.contains("skuId") || !l["skuId"].is_string()) {
      return control_error(400, "BadRequest", "Each license needs a skuId.", ctx);
    }
    LicenseRecord r{to_lower(l["skuId"].get<std::string>()), {}};
    if (t->find_sku(r.sku_id) == nullptr) {
      return control_error(400, "BadRequest", "Unknown SKU '" + r.sku_id + "' in this tenant.",
                           ctx);
    }
    for (const auto& p : l.value("disabledPlans", json::array())) {
      r.disabled_plans.push_back(to_lower(p.get<std::string>()));
    }
    licenses.push_back(std::move(r));
  }
  // Drift made by someone else: no rule checks, but it is a change the delta reports.
  const UserRecord& updated =
      t->update_user(u->id, [&](UserRecord& user) { user.licenses = std::move(licenses); });
  return json_response(200, user_to_fixture(updated));
}

}  // namespace tenantsync::fake
