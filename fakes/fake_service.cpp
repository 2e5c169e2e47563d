#include "fakes/fake_service.h"

#include <algorithm>
#include <ctime>

#include "fakes/fake_batch.h"
#include "fakes/fake_encoding.h"
#include "fakes/fake_routes.h"

namespace tenantsync::fake {

namespace {

using nlohmann::json;

bool is_control(const std::string& path) {
  return path == "/_fake" || path.rfind("/_fake/", 0) == 0;
}

// /{tenant}/oauth2/v2.0/token
bool is_token_path(const std::vector<std::string>& seg) {
  return seg.size() == 4 && seg[1] == "oauth2" && seg[2] == "v2.0" && seg[3] == "token";
}

// The client's id for its request: the client-request-id header (the Graph SDKs), else
// the query string's or a form body's (MSAL sends it there to the token endpoint).
std::string client_request_id(const FakeRequest& request) {
  if (std::string header = request.header("client-request-id"); !header.empty()) return header;
  for (const auto& [key, value] : parse_query(request.query)) {
    if (key == "client-request-id") return value;
  }
  if (starts_with_icase(request.header("content-type"), "application/x-www-form-urlencoded")) {
    for (const auto& [key, value] : parse_query(request.body, /*form=*/true)) {
      if (key == "client-request-id") return value;
    }
  }
  return {};
}

// An HTTP date (RFC 9110 IMF-fixdate) of the real time: the wire's clock, not the fixture's.
std::string http_date() {
  std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char buf[64];
  std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &utc);
  return buf;
}

bool has_header(const FakeResponse& r, const std::string& name) {
  return std::any_of(r.headers.begin(), r.headers.end(), [&](const auto& h) {
    return starts_with_icase(h.first, name) && h.first.size() == name.size();
  });
}

// What makes a resend the same request, for Faults' maxFaultsInARow. The tenant is part
// of it: the same path means another directory under another tenant's token.
std::string request_key(const std::string& method, const std::string& path,
                        const std::string& query, const std::string& body,
                        const std::string& tenant) {
  return tenant + ' ' + method + ' ' + path + '?' + query + '\n' + body;
}

bool took_effect(const ResolvedRoute& route, const ApiResponse& r) {
  return route.write && r.status >= 200 && r.status < 300;
}

}  // namespace

FakeService::FakeService(std::unique_ptr<Estate> estate, std::string base_url)
    : estate_(std::move(estate)),
      base_url_(std::move(base_url)),
      clock_(estate_->start_time),
      tokens_(signer_),
      graph_(*estate_, clock_, signer_, base_url_),
      token_endpoint_(*estate_, clock_, tokens_, base_url_),
      authority_(*estate_, base_url_),
      control_(*estate_, clock_, faults_, limits_, stats_),
      request_prefix_(stable_hash(random_guid())) {}

int FakeService::latency_ms(const FakeRequest& request) const {
  return is_control(request.path) ? 0 : faults_.config().latency_ms;
}

RequestContext FakeService::new_context(const FakeRequest& request) {
  RequestContext ctx;
  ctx.request_id = guid_from(request_prefix_, ++request_counter_);
  ctx.client_request_id = client_request_id(request);
  if (ctx.client_request_id.empty()) ctx.client_request_id = ctx.request_id;
  ctx.now = clock_.now();
  return ctx;
}

FakeResponse FakeService::render(ApiResponse r, const RequestContext& ctx) const {
  FakeResponse out;
  out.status = r.status;
  if (r.has_body()) {
    out.body = r.text.empty() ? wire_json(r.body) : std::move(r.text);
    out.content_type =
        "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;"
        "charset=utf-8";
  }
  out.headers = r.headers;
  out.set_header("request-id", ctx.request_id);
  out.set_header("client-request-id", ctx.client_request_id);
  return out;
}

FakeResponse FakeService::dropped(FakeResponse r) const {
  // Something must be cut short: a bodiless response becomes a 200 with a body.
  if (r.body.size() < 2) {
    r.status = 200;
    r.body = R"({"@odata.context":")" + base_url_ + R"(/v1.0/$metadata#directoryObjects"})";
    r.content_type = "application/json";
  }
  r.drop = true;
  return r;
}

FakeResponse FakeService::handle(const FakeRequest& request) {
  RequestContext ctx = new_context(request);
  FakeResponse r = route(request, ctx);
  // What every answer of the service carries: its date, and for Graph the OData version;
  // the identity platform names its request x-ms-request-id and echoes the client's id.
  r.set_header("Date", http_date());
  if (request.path.rfind("/v1.0", 0) == 0) {
    r.set_header("OData-Version", "4.0");
  } else if (!is_control(request.path)) {
    r.set_header("x-ms-request-id", ctx.request_id);
    if (!has_header(r, "client-request-id"))
      r.set_header("client-request-id", ctx.client_request_id);
  }
  return r;
}

FakeResponse FakeService::route(const FakeRequest& request, const RequestContext& ctx) {
  if (is_control(request.path)) {
    auto seg = path_segments(request.path);
    seg.erase(seg.begin());
    FakeResponse r = control_.handle(request, seg, ctx);
    r.set_header("request-id", ctx.request_id);
    return r;
  }
  if (request.path.rfind("/v1.0/", 0) == 0 || request.path == "/v1.0") {
    return handle_graph(request, ctx);
  }
  auto seg = path_segments(request.path);
  if (is_token_path(seg)) {
    std::string folded = request.method + " /{tenant}/oauth2/v2.0/token";
    Fault fault = faults_.roll_request(
        request_key(request.method, request.path, request.query, request.body, ""));
    if (fault == Fault::kThrottle || fault == Fault::kError) {
      int status = fault == Fault::kThrottle ? 429 : 503;
      std::string retry_after =
          status == 429 ? format_retry_after(faults_.config().retry_after_seconds) : "";
      stats_.count(folded, std::to_string(status));
      return TokenEndpoint::fault(status, retry_after, ctx);
    }
    if (fault == Fault::kDropBefore) {
      stats_.count(folded, "dropped");
      return dropped(FakeResponse{});
    }
    FakeResponse r = token_endpoint_.handle(request, seg[0], ctx);
    if (fault == Fault::kDropAfter) {
      stats_.count(folded, "dropped");
      return dropped(std::move(r));
    }
    stats_.count(folded, std::to_string(r.status));
    return r;
  }
  if (auto key = AuthorityDocuments::route_of(seg)) {
    FakeResponse r = authority_.handle(request, seg, ctx);
    stats_.count(*key, std::to_string(r.status));
    return r;
  }
  return graph_error_response(
      GraphError(404, msg::kNotFound, "No such endpoint: " + request.method + " " + request.path),
      ctx);
}

Caller FakeService::authenticate(const FakeRequest& request) const {
  AccessClaims claims;
  TokenCheck check = tokens_.verify(request.header("authorization"), clock_.now(), &claims);
  auto unauthorized = [](const std::string& message) {
    return GraphError(401, msg::kInvalidToken, message);
  };
  switch (check) {
    case TokenCheck::kOk:
      break;
    case TokenCheck::kMissing:
      throw unauthorized("Access token is empty.");
    case TokenCheck::kMalformed:
      throw unauthorized("IDX14100: JWT is not well formed, there are no dots (.).");
    case TokenCheck::kBadSignature:
      throw unauthorized("Access token validation failure. Invalid audience.");
    case TokenCheck::kExpired:
      throw unauthorized("Lifetime validation failed, the token is expired.");
  }
  Caller caller{estate_->find_tenant(claims.tenant_id), estate_->find_client(claims.client_id)};
  if (caller.tenant == nullptr || caller.client == nullptr) {
    throw unauthorized("Access token validation failure.");
  }
  return caller;
}

ApiResponse FakeService::perform(const Caller& caller, const ResolvedRoute& route,
                                 const QueryParams& query, const std::string& body,
                                 const RequestContext& ctx, Fault fault) {
  auto error = [&](GraphError e) {
    ApiResponse r{e.status, graph_error_body(e, ctx), {}};
    if (!e.retry_after.empty()) r.headers.emplace_back("Retry-After", e.retry_after);
    return r;
  };
  if (fault == Fault::kThrottle) {
    GraphError e(429, msg::kThrottled,
                 "Too many requests. Retry after the time given in the Retry-After header.");
    e.retry_after = format_retry_after(faults_.config().retry_after_seconds);
    return error(e);
  }
  if (fault == Fault::kError) {
    return error(GraphError(503, "serviceNotAvailable",
                            "The service is not available. Try the request again after a delay."));
  }

  // Service limits, per app and tenant: a GET costs 1 read unit with $select, 2 without;
  // each write costs one write.
  double now = clock_.now();
  std::optional<double> wait;
  const std::string& app = caller.client->client_id;
  const std::string& tenant = caller.tenant->id();
  if (route.write) {
    wait = limits_.charge_write(app, tenant, now);
  } else if (route.folded.rfind("GET ", 0) == 0) {
    wait = limits_.charge_read(app, tenant, query.get("$select") ? 1 : 2, now);
  }
  if (wait) {
    GraphError e(429, msg::kThrottled,
                 "Your application is over its request budget for this tenant. Retry after the "
                 "time given in the Retry-After header.");
    e.retry_after = format_retry_after(*wait);
    return error(e);
  }

  ApiResponse r;
  try {
    r = graph_.handle(caller, route, query, body);
  } catch (const GraphError& e) {
    r = error(e);
  } catch (const nlohmann::json::exception&) {
    // A body of an unexpected shape that no explicit check caught.
    r = error(GraphError(400, msg::kBadRequest, "Invalid request body."));
  }
  if (took_effect(route, r)) {
    // The user the write took effect on: the one the service returned (create, restore,
    // assign; a role assignment's principal), else the id the request named (patch,
    // delete; a deleted role assignment's id).
    std::string user = route.id;
    for (const char* key : {"principalId", "id"}) {
      if (r.body.is_object() && r.body.contains(key) && r.body[key].is_string()) {
        user = r.body[key].get<std::string>();
        break;
      }
    }
    stats_.add_write(caller.tenant->id(), user, route.folded);
  }
  return r;
}

FakeResponse FakeService::handle_graph(const FakeRequest& request, const RequestContext& ctx) {
  auto seg = path_segments(request.path);
  seg.erase(seg.begin());  // "v1.0"
  ResolvedRoute route = resolve_route(request.method, seg);
  Caller caller;
  try {
    caller = authenticate(request);
  } catch (const GraphError& e) {
    stats_.count(route.folded, "401");
    FakeResponse r = render({e.status, graph_error_body(e, ctx), {}}, ctx);
    r.set_header("WWW-Authenticate", "Bearer realm=\"\", error=\"invalid_token\"");
    return r;
  }
  if (route.route == Route::kBatch) return handle_batch(request, caller, route, ctx);

  Fault fault = faults_.roll_request(
      request_key(request.method, request.path, request.query, request.body, caller.tenant->id()));
  if (fault == Fault::kDropBefore) {
    stats_.count(route.folded, "dropped");
    return dropped(render({200, nullptr, {}}, ctx));
  }
  QueryParams query(parse_query(request.query));
  ApiResponse r = perform(caller, route, query, request.body, ctx, fault);
  if (fault == Fault::kDropAfter) {
    stats_.count(route.folded, "dropped");
    if (took_effect(route, r)) stats_.add_unanswered_writes(1);
    return dropped(render(std::move(r), ctx));
  }
  stats_.count(route.folded, std::to_string(r.status));
  return render(std::move(r), ctx);
}

FakeResponse FakeService::handle_batch(const FakeRequest& request, const Caller& caller,
                                       const ResolvedRoute& route, const RequestContext& ctx) {
  stats_.add_batch();  // every authorised $batch request, dropped ones included
  Fault fault = faults_.roll_batch_envelope(
      request_key(request.method, request.path, request.query, request.body, caller.tenant->id()));
  if (fault == Fault::kDropBefore) {
    stats_.count(route.folded, "dropped");
    return dropped(render({200, nullptr, {}}, ctx));
  }
  long writes_done = 0;
  auto execute = [&](const BatchItem& item) {
    auto q = item.url.find('?');
    std::string path = item.url.substr(0, q);
    std::string query = q == std::string::npos ? "" : item.url.substr(q + 1);
    ResolvedRoute item_route = resolve_route(item.method, path_segments(path));
    Fault item_fault = faults_.roll_batch_item(
        request_key(item.method, path, query, item.body, caller.tenant->id()));
    ApiResponse r = perform(caller, item_route, QueryParams(parse_query(query)),
                            item.has_body ? item.body : "", ctx, item_fault);
    stats_.count(item_route.folded, std::to_string(r.status));
    if (took_effect(item_route, r)) ++writes_done;
    return r;
  };
  ApiResponse r;
  try {
    r = run_batch(request.body, execute, request_counter_.load(), ctx);
  } catch (const GraphError& e) {
    r = {e.status, graph_error_body(e, ctx), {}};
  }
  if (fault == Fault::kDropAfter) {
    stats_.count(route.folded, "dropped");
    stats_.add_unanswered_writes(writes_done);
    return dropped(render(std::move(r), ctx));
  }
  stats_.count(route.folded, std::to_string(r.status));
  return render(std::move(r), ctx);
}

}  // namespace tenantsync::fake
