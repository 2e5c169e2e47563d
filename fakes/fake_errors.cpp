#include "fakes/fake_errors.h"

#include <cmath>
#include <cstdio>

#include "fakes/fake_clock.h"

namespace tenantsync::fake {

void fail(int status, const std::string& code, const std::string& message) {
  throw GraphError(status, code, message);
}

GraphError not_found(const std::string& id) {
  return GraphError(404, msg::kNotFound,
                    "Resource '" + id +
                        "' does not exist or one of its queried reference-property objects "
                        "are not present.");
}

nlohmann::json graph_error_body(const GraphError& error, const RequestContext& ctx) {
  nlohmann::json inner = {{"code", error.code}, {"message", error.message}};
  if (!error.details.is_null()) inner["details"] = error.details;
  inner["innerError"] = {{"date", format_iso8601(ctx.now)},
                         {"request-id", ctx.request_id},
                         {"client-request-id", ctx.client_request_id}};
  return {{"error", std::move(inner)}};
}

FakeResponse graph_error_response(const GraphError& error, const RequestContext& ctx) {
  FakeResponse r;
  r.status = error.status;
  r.body = wire_json(graph_error_body(error, ctx));
  if (!error.retry_after.empty()) r.set_header("Retry-After", error.retry_after);
  return r;
}

std::string wire_json(const nlohmann::json& value) {
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string format_retry_after(double seconds) {
  if (seconds < 0) seconds = 0;
  long long ms = static_cast<long long>(std::ceil(seconds * 1000.0));
  char buf[32];
  if (ms % 1000 == 0) {
    std::snprintf(buf, sizeof buf, "%lld", ms / 1000);
  } else {
    std::snprintf(buf, sizeof buf, "%lld.%03lld", ms / 1000, ms % 1000);
    // Trim trailing zeros: "2.120" -> "2.12".
    std::string s(buf);
    while (s.back() == '0') s.pop_back();
    return s;
  }
  return buf;
}

}  // namespace tenantsync::fake
