// Over 500 lines: one typed call per Graph operation of docs/graph.md, each short, all on
// the paging, $batch and retry helpers at the top; the transport and tokens are apart.
#include "connector/graph_client.h"

#include <algorithm>
#include <atomic>
#include <cctype>
#include <map>
#include <set>
#include <thread>
#include <type_traits>

#include <nlohmann/json.hpp>

#include "connector/batch_answer.h"
#include "connector/domain_page_decoder.h"
#include "connector/graph_errors.h"
#include "connector/json_tree.h"
#include "connector/role_page_decoder.h"
#include "connector/sku_page_decoder.h"
#include "connector/url.h"
#include "connector/user_page_decoder.h"
#include "sync/ascii_case.h"
#include "sync/log.h"

namespace tenantsync {

namespace {

Error invalid(std::string message) { return make_error(ErrorKind::Invalid, std::move(message)); }

// A body too large to parse safely.
std::optional<Error> too_large(const HttpResponse& response, const std::string& what,
                               std::size_t max_bytes) {
  if (response.body.size() <= max_bytes) return std::nullopt;
  return invalid(what + ": the response is " + std::to_string(response.body.size()) +
                 " bytes, more than the " + std::to_string(max_bytes) +
                 " bytes tenantsync reads in one answer");
}

// Names what was being read when the answer is not JSON (a proxy's HTML login page with
// 200, a truncated body).
Error not_json(const HttpResponse& response, const std::string& what) {
  const std::string* type = response.header("content-type");
  return invalid(what + ": the response is not valid JSON (HTTP " +
                 std::to_string(response.status) + ", content-type " +
                 (type ? *type : std::string("none")) + ", " +
                 std::to_string(response.body.size()) + " bytes)");
}

Error no_value_array(const std::string& what) {
  return invalid(what + ": the response has no \"value\" array");
}

Error round_without_delta_link(const std::string& tenant) {
  return invalid("tenant " + tenant + ": the users delta round ended without a deltaLink");
}

// What a page decoder's failure says about the page `what` (the user and SKU page
// decoders fail alike).
template <class Failure>
Error page_failure(const HttpResponse& response, const std::string& what, const Failure& failure) {
  switch (failure.kind) {
    case Failure::Kind::NotJson:
      return not_json(response, what);
    case Failure::Kind::NoValueArray:
      return no_value_array(what);
    case Failure::Kind::BadItem:
      break;
  }
  return invalid(what + ": unexpected data in item " + std::to_string(failure.item) + ": " +
                 failure.detail);
}

// A page of users (user_page_decoder.h), or what was wrong with it.
Result<DecodedUserPage> decode_users(const HttpResponse& response, bool delta,
                                     const std::string& what) {
  DecodedUserPage decoded;
  UserPageFailure failure;
  if (decode_user_page(response.body, delta, decoded, failure)) return decoded;
  return page_failure(response, what, failure);
}

// A page of admin roles (role_page_decoder.h), or what was wrong with it.
template <class T>
Result<DecodedRolePage<T>> decode_roles(const HttpResponse& response, const std::string& what) {
  DecodedRolePage<T> decoded;
  ListPageFailure failure;
  if (decode_role_page(response.body, decoded, failure)) return decoded;
  return page_failure(response, what, failure);
}

// A page of domains (domain_page_decoder.h), or what was wrong with it.
Result<DecodedDomainPage> decode_domains(const HttpResponse& response, const std::string& what) {
  DecodedDomainPage decoded;
  ListPageFailure failure;
  if (decode_domain_page(response.body, decoded, failure)) return decoded;
  return page_failure(response, what, failure);
}

// A page of SKUs (sku_page_decoder.h), or what was wrong with it.
Result<DecodedSkuPage> decode_skus(const HttpResponse& response, const std::string& what) {
  DecodedSkuPage decoded;
  SkuPageFailure failure;
  if (decode_sku_page(response.body, decoded, failure)) return decoded;
  return page_failure(response, what, failure);
}

// An answer's body as JSON text, decoded by its reader (a $batch item's, split out by
// split_batch_answer, or an answer read alone).
struct JsonText {
  std::string text;
};

// The body as an answer of its own, for the decoders that read one (the page decoders).
HttpResponse answer_alone(JsonText&& body) {
  HttpResponse alone;
  alone.status = 200;
  alone.body = std::move(body.text);
  return alone;
}

// Parses a response body as a JSON tree.
Result<nlohmann::json> parse_json(const HttpResponse& response, const std::string& what,
                                  std::size_t max_bytes) {
  if (auto error = too_large(response, what, max_bytes)) return *error;
  nlohmann::json j = parse_json_tree(response.body);
  if (j.is_discarded()) return not_json(response, what);
  return j;
}

template <class T>
Result<std::vector<T>> decode_array(const nlohmann::json& items, const std::string& what) {
  std::vector<T> out;
  out.reserve(items.size());
  std::size_t index = 0;
  try {
    for (const auto& item : items) {
      out.push_back(item.template get<T>());
      ++index;
    }
  } catch (const nlohmann::json::exception& e) {
    return invalid(what + ": unexpected data in item " + std::to_string(index) + ": " + e.what());
  }
  return out;
}

// A first page of deleted users read in a $batch, decoded as that page read alone: its
// users and its next link.
Result<DeletedUsersPage> deleted_first_page(Result<JsonText>&& read, const std::string& what) {
  if (!read.ok()) return read.error();
  auto decoded = decode_users(answer_alone(std::move(*read)), /*delta=*/false, what);
  if (!decoded) return decoded.error();
  return DeletedUsersPage{std::move(decoded->page.users), std::move(decoded->next_link)};
}

HttpHeaders lower_case_headers(const nlohmann::json& headers) {
  HttpHeaders out;
  if (!headers.is_object()) return out;
  for (const auto& [name, value] : headers.items()) {
    std::string key = name;
    std::transform(key.begin(), key.end(), key.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (value.is_string()) {
      out[key] = value.get<std::string>();
    } else if (value.is_number()) {
      out[key] = value.dump();
    }
  }
  return out;
}

// An HTTP status as a $batch item carries it: an integer from 100 to 599 (a larger one
// must not wrap into a 2xx).
bool is_http_status(const nlohmann::json& status) {
  if (status.is_number_unsigned()) {
    std::uint64_t value = status.get<std::uint64_t>();
    return value >= 100 && value <= 599;
  }
  return status.is_number_integer() && status.get<std::int64_t>() >= 100 &&
         status.get<std::int64_t>() <= 599;
}

std::set<std::string> as_set(const std::vector<std::string>& v) { return {v.begin(), v.end()}; }

// The user holds what an assignLicense asked for: every added SKU with exactly its
// disabled plans, no removed SKU directly.
bool holds_assignment(const User& user, const GraphWrite& write) {
  for (const auto& add : write.add_licenses) {
    const AssignedLicense* held = user.find_license(add.sku_id);
    if (!held || as_set(held->disabled_plans) != as_set(add.disabled_plans)) return false;
  }
  for (const auto& sku : write.remove_licenses) {
    if (user.has_direct_license(sku)) return false;
  }
  return true;
}

// Not a single request was sent: the run was stopping.
Error stopping_error(const std::string& tenant) {
  return make_error(ErrorKind::Transient,
                    "tenant " + tenant + ": not sent: tenantsync was stopping", "Stopping");
}

// Why an operation ends with a retryable failure: the count, the deadline or a stop.
void log_gave_up(const std::string& tenant, const std::string& what, const RetryBudget& budget,
                 const Error& error) {
  if (!RetryPolicy::is_retryable(error)) return;
  log_warn("giving up a Graph request: " + std::string(budget.gave_up_because()),
           {{"tenant", tenant},
            {"request", what},
            {"transientFailures", std::to_string(budget.transient_failures())},
            {"throttled", std::to_string(budget.throttled())},
            {"error", error.describe()}});
}

}  // namespace

struct GraphClient::Call {
  std::string method = "GET";
  std::string url;  // absolute
  std::optional<std::string> body;
  int write_cost = 0;  // booked with the pacer before each attempt
  bool resend_after_ambiguous = true;
  bool fresh_connection = false;

  static Call get(std::string url) {
    Call call;
    call.url = std::move(url);
    return call;
  }
};

struct GraphClient::Sent {
  Result<HttpResponse> response = make_error(ErrorKind::Internal, "not sent");
  bool ambiguous = false;       // an attempt may have taken effect without a clear answer
  bool last_ambiguous = false;  // ... and it was the last attempt
  int attempts = 0;
  Clock::time_point sent_at{};  // when the last attempt went out
};

GraphClient::GraphClient(GraphClientOptions options, HttpTransport& transport,
                         TokenProvider& tokens, RetryPolicy& retry, WritePacer* pacer)
    : options_(std::move(options)),
      transport_(transport),
      tokens_(tokens),
      retry_(retry),
      pacer_(pacer) {
  options_.graph_url = trim_trailing_slash(options_.graph_url);
  options_.page_size = std::clamp(options_.page_size, 1, 999);
  options_.batch_size = std::clamp<std::size_t>(options_.batch_size, 1, 20);
  origin_ = parse_url(options_.graph_url);
}

GraphClient::Sent GraphClient::send(const std::string& tenant, const Call& call,
                                    RetryBudget& budget) {
  Sent out;
  auto target = parse_url(call.url);
  if (!origin_) {
    out.response = invalid("remote.graphUrl is not a valid http(s) URL: " + options_.graph_url);
    return out;
  }
  if (!target) {
    out.response = invalid("not a valid http(s) URL for " + origin_->host);
    return out;
  }
  if (!same_origin(*target, *origin_)) {
    // The link came from the service's answer; following it would hand our token to
    // whoever it names.
    out.response = invalid("tenant " + tenant + ": refusing to follow nextLink to another host (" +
                           target->origin() + "); tokens are only sent to " + origin_->origin());
    return out;
  }
  bool refreshed = false;
  std::optional<Error> last_error;  // the service's last answer, for a wait cut short
  for (;;) {
    if (pacer_ && call.write_cost > 0 &&
        !pacer_->acquire(tenant, call.write_cost, retry_.stop_signal())) {
      out.response = last_error ? *last_error : stopping_error(tenant);
      return out;
    }
    const Clock::time_point sent_at = retry_.clock().now();
    out.sent_at = sent_at;
    auto token = tokens_.token(tenant);
    if (!token) {
      out.response = token.error();
      return out;
    }
    HttpRequest request;
    request.method = call.method;
    request.url = call.url;
    request.timeout = options_.timeout;
    request.reuse_connection = !call.fresh_connection;
    request.headers = {{"Authorization", "Bearer " + *token}, {"Accept", "application/json"}};
    if (call.body) {
      request.headers.emplace_back("Content-Type", "application/json");
      request.body = *call.body;
    }
    ++out.attempts;
    auto response = transport_.send(request);

    Error error;
    bool ambiguous_now = false;
    if (!response) {
      error = response.error();
      if (error.kind != ErrorKind::Transient) {
        out.response = error;
        return out;
      }
      ambiguous_now = true;  // the request may have reached the service
    } else if (response->status >= 200 && response->status < 300) {
      out.last_ambiguous = false;
      out.response = std::move(response);
      return out;
    } else if (response->status == 401 && !refreshed) {
      // Expired or revoked early: one fresh token, then the call again (not an attempt).
      log_debug("401 from Graph; refreshing the token", {{"tenant", tenant}});
      tokens_.invalidate(tenant, *token);
      refreshed = true;
      continue;
    } else if (response->status >= 300 && response->status < 400) {
      const std::string* location = response->header("location");
      auto to = location ? parse_url(*location) : std::nullopt;
      out.response = invalid("unexpected redirect (HTTP " + std::to_string(response->status) +
                             (to ? " to " + to->origin() : std::string()) + ") from " +
                             origin_->origin() + "; redirects are not followed");
      return out;
    } else {
      error = classify_graph_error(response->status, response->headers, response->body);
      ambiguous_now = response->status >= 500;
    }
    out.ambiguous = out.ambiguous || ambiguous_now;
    out.last_ambiguous = ambiguous_now;
    if (ambiguous_now && !call.resend_after_ambiguous) {
      out.response = error;  // the caller looks before it sends again
      return out;
    }
    auto delay = budget.next_delay(error);
    if (!delay) {
      log_gave_up(tenant, call.method + " " + call.url.substr(0, call.url.find('?')), budget,
                  error);
      out.response = error;
      return out;
    }
    if (error.kind == ErrorKind::Throttled && pacer_ && call.write_cost > 0) {
      pacer_->throttled(tenant, *delay, sent_at);
    }
    transport_.stats().record_retry();
    log_debug("retrying Graph request", {{"tenant", tenant},
                                         {"method", call.method},
                                         {"attempt", std::to_string(out.attempts)},
                                         {"error", error.describe()},
                                         {"delayMs", std::to_string(delay->count())}});
    last_error = error;
    if (!retry_.wait(*delay)) {
      out.response = error;
      return out;
    }
  }
}

Status GraphClient::read_pages(const std::string& tenant, const std::string& first_url,
                               const std::string& what, const PageReader& read,
                               std::string* delta_link, int first_page) {
  std::string next = first_url;
  for (int page = first_page;; ++page) {
    const std::string page_what =
        "tenant " + tenant + ": " + what + " page " + std::to_string(page);
    RetryBudget budget(retry_);
    Sent sent = send(tenant, Call::get(next), budget);
    if (!sent.response) return sent.response.error();
    if (auto error = too_large(*sent.response, page_what, options_.max_response_bytes)) {
      return *error;
    }
    auto links = read(*sent.response, page_what, page);
    transport_.recycle(std::move(sent.response->body));  // decoded and written: done with
    if (!links) return links.error();
    if (!links->next.empty()) {
      next = std::move(links->next);  // verbatim: the skip token is opaque
      continue;
    }
    if (delta_link) *delta_link = std::move(links->delta);
    return Status();
  }
}

Status GraphClient::for_each_page(const std::string& tenant, const std::string& first_url,
                                  const std::string& what, const PageHandler& on_page,
                                  std::string* delta_link) {
  auto read = [&](const HttpResponse& response, const std::string& page_what,
                  int page) -> Result<PageLinks> {
    auto json = parse_json(response, page_what, options_.max_response_bytes);
    if (!json) return json.error();
    auto value = json->is_object() ? json->find("value") : json->end();
    if (!json->is_object() || value == json->end() || !value->is_array()) {
      return no_value_array(page_what);
    }
    Status st = on_page(*json, page);
    if (!st.ok()) return st.error();
    PageLinks links;
    auto next_link = json->find("@odata.nextLink");
    if (next_link != json->end() && next_link->is_string()) links.next = *next_link;
    auto link = json->find("@odata.deltaLink");
    if (link != json->end() && link->is_string()) links.delta = *link;
    return links;
  };
  return read_pages(tenant, first_url, what, read, delta_link);
}

Status GraphClient::for_each_user_page(const std::string& tenant, const std::string& first_url,
                                       const std::string& what, bool delta,
                                       const UserPageSink& sink, std::string* delta_link,
                                       int first_page) {
  auto read = [&](const HttpResponse& response, const std::string& page_what,
                  int) -> Result<PageLinks> {
    auto decoded = decode_users(response, delta, page_what);
    if (!decoded) return decoded.error();
    Status st = sink(std::move(decoded->page));
    if (!st.ok()) return st.error();
    return PageLinks{std::move(decoded->next_link), std::move(decoded->delta_link)};
  };
  return read_pages(tenant, first_url, what, read, delta_link, first_page);
}

Result<std::vector<Tenant>> GraphClient::contracts(const std::string& partner_tenant) {
  if (partner_tenant.empty()) return invalid("remote.partnerTenant is not set");
  std::vector<Tenant> tenants;
  Status st = for_each_page(
      partner_tenant, url("/contracts"), "contracts",
      [&](const nlohmann::json& page, int n) -> Status {
        auto decoded = decode_array<Tenant>(
            page["value"], "tenant " + partner_tenant + ": contracts page " + std::to_string(n));
        if (!decoded) return decoded.error();
        for (auto& t : *decoded) tenants.push_back(std::move(t));
        return Status();
      },
      nullptr);
  if (!st.ok()) return st;
  return tenants;
}

Result<std::vector<Sku>> GraphClient::subscribed_skus(const std::string& tenant) {
  return subscribed_skus_from(tenant, url("/subscribedSkus"), {}, 1);
}

Result<std::vector<Sku>> GraphClient::subscribed_skus_from(const std::string& tenant,
                                                           const std::string& first_url,
                                                           std::vector<Sku> skus, int first_page) {
  auto read = [&](const HttpResponse& response, const std::string& what, int) -> Result<PageLinks> {
    auto decoded = decode_skus(response, what);
    if (!decoded) return decoded.error();
    for (auto& s : decoded->skus) skus.push_back(std::move(s));
    return PageLinks{std::move(decoded->next_link), ""};
  };
  Status st = read_pages(tenant, first_url, "subscribedSkus", read, nullptr, first_page);
  if (!st.ok()) return st;
  return skus;
}

// Every page of a list, each item decoded as T.
template <typename T>
Result<std::vector<T>> GraphClient::list_all(const std::string& tenant, const std::string& first,
                                             const char* what) {
  std::vector<T> out;
  Status st = for_each_page(
      tenant, first, what,
      [&](const nlohmann::json& page, int n) -> Status {
        auto decoded = decode_array<T>(
            page["value"], "tenant " + tenant + ": " + what + " page " + std::to_string(n));
        if (!decoded) return decoded.error();
        for (auto& item : *decoded) out.push_back(std::move(item));
        return Status();
      },
      nullptr);
  if (!st.ok()) return st;
  return out;
}

namespace {

constexpr char kSkusPath[] = "/subscribedSkus";
constexpr char kDomainsPath[] = "/domains";
constexpr char kRoleDefinitionsPath[] = "/roleManagement/directory/roleDefinitions";
constexpr char kRoleAssignmentsPath[] = "/roleManagement/directory/roleAssignments";

// Assignments scoped to an administrative unit or an app are not tenant-wide admin roles.
Result<std::vector<RoleAssignment>> tenant_wide(Result<std::vector<RoleAssignment>> all) {
  if (all.ok()) {
    std::erase_if(*all, [](const RoleAssignment& a) { return a.directory_scope_id != "/"; });
  }
  return all;
}

}  // namespace

Result<std::vector<Domain>> GraphClient::domains(const std::string& tenant) {
  return list_all<Domain>(tenant, url(kDomainsPath), "domains");
}

Result<std::vector<RoleDefinition>> GraphClient::role_definitions(const std::string& tenant) {
  return list_all<RoleDefinition>(tenant, url(kRoleDefinitionsPath), "roleDefinitions");
}

Result<std::vector<RoleAssignment>> GraphClient::role_assignments(const std::string& tenant,
                                                                  const std::string& principal_id) {
  std::string path = kRoleAssignmentsPath;
  if (!principal_id.empty()) {
    path += "?$filter=" + url_encode("principalId eq '" + principal_id + "'");
  }
  return tenant_wide(list_all<RoleAssignment>(tenant, url(path), "roleAssignments"));
}

TenantLists GraphClient::tenant_lists(const std::string& tenant, const ListsRequest& want) {
  std::vector<std::string> paths = {kSkusPath, kDomainsPath};
  std::vector<std::string> whats = {"subscribedSkus", "domains"};
  if (want.latest_delta_link) {
    paths.push_back(latest_delta_path());
    whats.push_back("users delta ($deltatoken=latest)");
  }
  std::map<std::size_t, std::size_t> after;
  if (want.deleted_users) {
    paths.push_back(deleted_users_path());
    whats.push_back("deleted users");
  }
  // A $batch item's URL is relative to the version root: the stored link's own path
  // (its token is opaque, kept verbatim). The round runs after the deleted users' listing
  // (dependsOn; the service runs other items in any order), as it would read alone: a
  // user restored or deleted in between then shows in the round, and the mirror reads
  // the listing again (it is outdated), rather than missing from both.
  const std::string root = options_.graph_url + "/";
  const bool delta_round = want.delta_link.starts_with(root) && paths.size() < options_.batch_size;
  if (delta_round) {
    if (want.deleted_users) after[paths.size()] = paths.size() - 1;
    paths.push_back(want.delta_link.substr(root.size() - 1));
    whats.push_back("users delta");
  }
  if (want.role_definitions) {
    paths.push_back(kRoleDefinitionsPath);
    whats.push_back("roleDefinitions");
  }
  if (want.role_assignments) {
    paths.push_back(kRoleAssignmentsPath);
    whats.push_back("roleAssignments");
  }
  auto page_one = [&](std::size_t i) { return "tenant " + tenant + ": " + whats[i] + " page 1"; };
  // Each list's first page, in one $batch; one the batch could not answer (throttled, 5xx,
  // malformed) is asked for again on its own.
  // Each answer's body comes as text, decoded below as that page read alone would be.
  std::vector<Result<JsonText>> first = get_many<JsonText>(
      tenant, paths, "the tenant's lists",
      [&](std::size_t i) { return get_one<JsonText>(tenant, paths[i], page_one(i)); }, after);
  // The answer's tree, for the lists that are small or read once.
  auto tree = [&](std::size_t i) -> Result<nlohmann::json> {
    if (!first[i].ok()) return first[i].error();
    return parse_json_tree(first[i]->text);  // JSON: split from a parsed answer, or checked
  };
  // The SKUs straight from the text, the rest of their pages by their nextLink.
  auto skus = [&](std::size_t i) -> Result<std::vector<Sku>> {
    if (!first[i].ok()) return first[i].error();
    auto decoded = decode_skus(answer_alone(std::move(*first[i])), page_one(i));
    if (!decoded) return decoded.error();
    if (decoded->next_link.empty()) return std::move(decoded->skus);
    return subscribed_skus_from(tenant, decoded->next_link, std::move(decoded->skus), 2);
  };
  // A list's first page's `items`, then the rest of its pages from `next_link` (none when
  // empty), as list_all reads them.
  auto with_rest = [&]<class T>(std::size_t i, std::vector<T> items,
                                const std::string& next_link) -> Result<std::vector<T>> {
    if (next_link.empty()) return items;
    auto rest = list_all<T>(tenant, next_link, whats[i].c_str());
    if (!rest.ok()) return rest;
    for (auto& item : *rest) items.push_back(std::move(item));
    return items;
  };
  // The domains straight from the text, then the rest of their pages.
  auto domains = [&](std::size_t i) -> Result<std::vector<Domain>> {
    if (!first[i].ok()) return first[i].error();
    auto page = decode_domains(answer_alone(std::move(*first[i])), page_one(i));
    if (!page) return page.error();
    return with_rest(i, std::move(page->domains), page->next_link);
  };
  // A whole list of admin roles: its first page decoded straight from the text, then the
  // rest.
  auto whole_roles = [&]<class T>(std::size_t i, std::type_identity<T>) -> Result<std::vector<T>> {
    if (!first[i].ok()) return first[i].error();
    auto page = decode_roles<T>(answer_alone(std::move(*first[i])), page_one(i));
    if (!page) return page.error();
    return with_rest(i, std::move(page->items), page->next_link);
  };
  // The deleted users' first page only, decoded straight into users: the mirror reads the
  // rest page by page.
  auto deleted_users = [&](std::size_t i) {
    return deleted_first_page(std::move(first[i]), page_one(i));
  };
  // The delta link of the "sync from now" answer: no users, a deltaLink, no nextLink.
  auto latest_link = [&](std::size_t i) -> Result<std::string> {
    auto parsed = tree(i);
    if (!parsed.ok()) return parsed.error();
    const nlohmann::json& page = *parsed;
    auto link = page.is_object() ? page.find("@odata.deltaLink") : page.end();
    if (link == page.end() || !link->is_string() || link->get<std::string>().empty()) {
      return invalid(page_one(i) + ": no deltaLink");
    }
    return link->get<std::string>();
  };
  // The delta round's first page, decoded as the same page read alone would be.
  auto delta_first_page = [&](std::size_t i) -> Result<DeltaPage> {
    if (!first[i].ok()) return first[i].error();
    auto decoded = decode_users(answer_alone(std::move(*first[i])), /*delta=*/true, page_one(i));
    if (!decoded) return decoded.error();
    if (decoded->next_link.empty() && decoded->delta_link.empty()) {
      return round_without_delta_link(tenant);
    }
    return DeltaPage{std::move(decoded->page), std::move(decoded->next_link),
                     std::move(decoded->delta_link)};
  };
  TenantLists out;
  out.skus = skus(0);
  out.domains = domains(1);
  std::size_t i = 2;
  if (want.latest_delta_link) out.latest_delta_link = latest_link(i++);
  if (want.deleted_users) out.deleted_users = deleted_users(i++);
  if (delta_round) out.delta_page = delta_first_page(i++);
  if (want.role_definitions) {
    out.role_definitions = whole_roles(i++, std::type_identity<RoleDefinition>());
  }
  if (want.role_assignments) {
    out.role_assignments = tenant_wide(whole_roles(i, std::type_identity<RoleAssignment>()));
  }
  return out;
}

Status GraphClient::list_users(const std::string& tenant, const UsersSink& sink) {
  std::string first = url(std::string("/users?$select=") + kUserSelect +
                          "&$top=" + std::to_string(options_.page_size));
  return for_each_user_page(
      tenant, first, "users", /*delta=*/false,
      [&](UserPage&& page) { return sink(std::move(page.users)); }, nullptr);
}

Result<std::string> GraphClient::users_delta(const std::string& tenant,
                                             const std::string& delta_link,
                                             const UserPageSink& sink) {
  if (delta_link.empty()) return users_full_read(tenant, sink);
  return delta_pages(tenant, delta_link, sink, 1);
}

Result<std::string> GraphClient::users_delta_after(const std::string& tenant,
                                                   const std::string& next_link,
                                                   const UserPageSink& sink) {
  return delta_pages(tenant, next_link, sink, 2);
}

Result<std::string> GraphClient::delta_pages(const std::string& tenant, const std::string& from,
                                             const UserPageSink& sink, int first_page) {
  std::string new_delta_link;
  Status st = for_each_user_page(tenant, from, "users delta", /*delta=*/true, sink, &new_delta_link,
                                 first_page);
  if (!st.ok()) return st;
  if (new_delta_link.empty()) return round_without_delta_link(tenant);
  return new_delta_link;
}

std::string GraphClient::latest_delta_path() const {
  return std::string("/users/delta?$select=") + kUserSelect + "&$deltatoken=latest";
}

Result<std::string> GraphClient::users_full_read(const std::string& tenant,
                                                 const UserPageSink& sink,
                                                 const std::string& latest_delta_link) {
  // "Sync from now" first: a deltaLink with no data. Then every user through /users in
  // pages of $top (999, where a delta round's pages hold 100): about a fifth of the
  // requests. A change made during the read is in the link's next round as well: replayed,
  // which is harmless, never lost.
  std::string link = latest_delta_link;
  if (link.empty()) {
    Status st = for_each_user_page(
        tenant, url(latest_delta_path()), "users delta",
        /*delta=*/true, [](UserPage&&) { return Status(); }, &link);
    if (!st.ok()) return st;
  }
  if (link.empty()) {
    return invalid("tenant " + tenant + ": the users delta ($deltatoken=latest) gave no deltaLink");
  }
  Status st = list_users(tenant, [&](std::vector<User>&& users) {
    UserPage page;
    page.users = std::move(users);
    return sink(std::move(page));
  });
  if (!st.ok()) return st;
  return link;
}

std::string GraphClient::deleted_users_path() const {
  return std::string("/directory/deletedItems/microsoft.graph.user?$select=") + kDeletedUserSelect +
         "&$top=" + std::to_string(options_.page_size);
}

Status GraphClient::deleted_users(const std::string& tenant, const UsersSink& sink) {
  return for_each_user_page(
      tenant, url(deleted_users_path()), "deleted users", /*delta=*/false,
      [&](UserPage&& page) { return sink(std::move(page.users)); }, nullptr);
}

Status GraphClient::deleted_users_after(const std::string& tenant, const std::string& next_link,
                                        const UsersSink& sink) {
  // Errors count pages from here: say so, since page 1 came in the lists' $batch.
  return for_each_user_page(
      tenant, next_link, "deleted users after the first page", /*delta=*/false,
      [&](UserPage&& page) { return sink(std::move(page.users)); }, nullptr);
}

template <typename T>
Result<T> GraphClient::get_one(const std::string& tenant, const std::string& relative_url,
                               const std::string& what) {
  RetryBudget budget(retry_);
  Sent sent = send(tenant, Call::get(url(relative_url)), budget);
  if (!sent.response) return sent.response.error();
  auto json = parse_json(*sent.response, what, options_.max_response_bytes);
  if (!json) return json.error();
  if constexpr (std::is_same_v<T, JsonText>) {
    return JsonText{std::move(sent.response->body)};  // JSON, as the parse found
  } else {
    try {
      return json->get<T>();
    } catch (const nlohmann::json::exception& e) {
      return invalid(what + ": unexpected data: " + e.what());
    }
  }
}

template <typename T>
std::vector<Result<T>> GraphClient::get_many(const std::string& tenant,
                                             const std::vector<std::string>& relative_urls,
                                             const std::string& what,
                                             const std::function<Result<T>(std::size_t)>& read_one,
                                             const std::map<std::size_t, std::size_t>& after) {
  std::vector<std::optional<Result<T>>> read(relative_urls.size());
  // One $batch of GETs; each answer lands in its own slot of `read`.
  auto read_batch = [&](std::size_t start, std::size_t end) {
    nlohmann::json requests = nlohmann::json::array();
    for (std::size_t i = start; i < end; ++i) {
      nlohmann::json item = {
          {"id", std::to_string(i)}, {"method", "GET"}, {"url", relative_urls[i]}};
      if (auto first = after.find(i); first != after.end()) {
        item["dependsOn"] = {std::to_string(first->second)};
      }
      requests.push_back(std::move(item));
    }
    Call call;
    call.method = "POST";
    call.url = url("/$batch");
    call.body = nlohmann::json{{"requests", std::move(requests)}}.dump();
    RetryBudget budget(retry_);
    Sent sent = send(tenant, call, budget);
    // Split without a tree of the whole answer: each body is decoded by its own reader.
    std::optional<std::vector<BatchAnswer>> answers;
    if (sent.response && !too_large(*sent.response, what, options_.max_response_bytes)) {
      answers = split_batch_answer(sent.response->body);
    }
    std::map<std::string, BatchAnswer*> by_id;
    if (answers) {
      for (auto& answer : *answers) by_id.emplace(answer.id, &answer);
    }
    for (std::size_t i = start; i < end; ++i) {
      auto found = by_id.find(std::to_string(i));
      BatchAnswer* item = found == by_id.end() ? nullptr : found->second;
      int status = item && is_http_status(item->status) ? item->status.get<int>() : 0;
      if (status == 200 && item->body) {
        if constexpr (std::is_same_v<T, JsonText>) {
          read[i] = JsonText{std::move(*item->body)};  // each answer is taken once: no copy
          continue;
        } else {
          try {
            nlohmann::json body = parse_json_tree(*item->body);
            if constexpr (std::is_same_v<T, nlohmann::json>) {
              read[i] = std::move(body);
            } else {
              read[i] = body.get<T>();
            }
            continue;
          } catch (const nlohmann::json::exception&) {
            // Read it again on its own below: that path reports what was wrong.
          }
        }
      }
      if (status == 404) {
        read[i] = classify_parsed_graph_error(
            status, lower_case_headers(item->headers),
            item->body ? parse_json_tree(*item->body) : nlohmann::json());
        continue;
      }
      read[i] = read_one(i);  // throttled, 5xx or malformed
    }
  };
  // A few batches at once, as the service allows per app and tenant.
  const std::size_t batches =
      (relative_urls.size() + options_.batch_size - 1) / options_.batch_size;
  std::atomic<std::size_t> next{0};
  auto worker = [&] {
    for (std::size_t b = next++; b < batches; b = next++) {
      std::size_t start = b * options_.batch_size;
      read_batch(start, std::min(relative_urls.size(), start + options_.batch_size));
    }
  };
  std::vector<std::thread> pool;
  for (std::size_t t = 1; t < std::min<std::size_t>(batches, kReadBatchesInFlight); ++t)
    pool.emplace_back(worker);
  worker();
  for (auto& t : pool) t.join();

  std::vector<Result<T>> out;
  out.reserve(read.size());
  for (auto& r : read) out.push_back(std::move(*r));
  return out;
}

namespace {

std::string user_url(const std::string& id_or_upn) {
  return "/users/" + encode_path_segment(id_or_upn) + "?$select=" + GraphClient::kUserSelect;
}

// The most values Graph takes in one `in (...)` of a $filter by default (Microsoft Graph
// known issues, query parameters); more is refused with 400.
constexpr std::size_t kFilterInLimit = 15;

// An OData string literal: quoted, a quote inside doubled ('o''brien@contoso.com').
std::string odata_literal(const std::string& text) {
  std::string out = "'";
  for (char c : text) {
    out += c;
    if (c == '\'') out += '\'';
  }
  return out + "'";
}

// GET /users?$filter=<property> in ('a','b',...)&$select=..., the filter percent-encoded.
std::string users_in_url(const std::string& property, const std::vector<std::string>& names) {
  std::string filter = property + " in (";
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i > 0) filter += ',';
    filter += odata_literal(names[i]);
  }
  filter += ')';
  return "/users?$filter=" + url_encode(filter) + "&$select=" + GraphClient::kUserSelect;
}

// What GET /users/{name} answers when no active user has that name: the 404 a name absent
// from a filtered list stands for.
Error user_not_found(const std::string& name) {
  Error e = make_error(ErrorKind::NotFound,
                       "Resource '" + name +
                           "' does not exist or one of its queried reference-property objects "
                           "are not present.",
                       "Request_ResourceNotFound");
  e.http_status = 404;
  return e;
}

// One page of a filtered /users list: {"value": [users], "@odata.nextLink"?}. Another
// shape throws, as decoding any other answer as T does (get_many then reads it again).
struct FilteredUsersPage {
  std::vector<User> users;
  std::string next_link;
};

void from_json(const nlohmann::json& j, FilteredUsersPage& page) {
  page.users = j.at("value").get<std::vector<User>>();
  auto next = j.find("@odata.nextLink");
  if (next != j.end() && next->is_string()) page.next_link = next->get<std::string>();
}

std::string group_url(const std::string& id) {
  return "/groups/" + encode_path_segment(id) + "?$select=id,displayName";
}

}  // namespace

Result<User> GraphClient::get_user(const std::string& tenant, const std::string& id_or_upn) {
  return get_one<User>(tenant, user_url(id_or_upn), "tenant " + tenant + ": user " + id_or_upn);
}

std::vector<Result<User>> GraphClient::get_users(const std::string& tenant,
                                                 const std::vector<std::string>& ids_or_upns) {
  // One name needs no list: the plain GET.
  if (ids_or_upns.size() == 1) return {get_user(tenant, ids_or_upns[0])};
  if (ids_or_upns.empty()) return {};

  // Each name once (ignoring ASCII case), by kind: a name with '@' is a UPN, any other an
  // object id (GET /users/{name} takes both).
  std::vector<std::string> unique;        // the names, each once
  std::vector<std::size_t> slot_of;       // input index -> index in `unique`
  IMap<std::size_t> seen_ids, seen_upns;  // name -> index in `unique`
  std::vector<std::size_t> ids, upns;     // indexes in `unique`
  slot_of.reserve(ids_or_upns.size());
  for (const std::string& name : ids_or_upns) {
    const bool upn = name.find('@') != std::string::npos;
    auto [it, inserted] = (upn ? seen_upns : seen_ids).emplace(name, unique.size());
    if (inserted) {
      (upn ? upns : ids).push_back(unique.size());
      unique.push_back(name);
    }
    slot_of.push_back(it->second);
  }

  // Lists of at most kFilterInLimit names of one kind: `id in (...)`, then
  // `userPrincipalName in (...)`.
  struct Chunk {
    std::string property;
    std::vector<std::size_t> names;  // indexes in `unique`
  };
  std::vector<Chunk> chunks;
  auto add_chunks = [&chunks](const char* property, const std::vector<std::size_t>& kind) {
    for (std::size_t start = 0; start < kind.size(); start += kFilterInLimit) {
      std::size_t end = std::min(kind.size(), start + kFilterInLimit);
      chunks.push_back({property,
                        {kind.begin() + static_cast<std::ptrdiff_t>(start),
                         kind.begin() + static_cast<std::ptrdiff_t>(end)}});
    }
  };
  add_chunks("id", ids);
  add_chunks("userPrincipalName", upns);
  std::vector<std::string> urls;
  urls.reserve(chunks.size());
  for (const Chunk& chunk : chunks) {
    std::vector<std::string> names;
    names.reserve(chunk.names.size());
    for (std::size_t u : chunk.names) names.push_back(unique[u]);
    urls.push_back(users_in_url(chunk.property, names));
  }
  auto list_what = [&](std::size_t c) {
    return "tenant " + tenant + ": users by " + chunks[c].property + " (" +
           std::to_string(chunks[c].names.size()) + ")";
  };
  auto read_alone = [&](std::size_t c) {
    return get_one<FilteredUsersPage>(tenant, urls[c], list_what(c));
  };
  // The lists in $batch requests (a list the batch could not answer read again on its
  // own); a single list needs no $batch.
  std::vector<Result<FilteredUsersPage>> pages;
  if (chunks.size() == 1) {
    pages.push_back(read_alone(0));
  } else {
    pages = get_many<FilteredUsersPage>(tenant, urls, "users", read_alone);
  }

  std::vector<std::optional<Result<User>>> found(unique.size());
  for (std::size_t c = 0; c < chunks.size(); ++c) {
    const Chunk& chunk = chunks[c];
    Result<FilteredUsersPage>& page = pages[c];
    if (page.ok() && !page->next_link.empty()) {
      // At most 15 users match, fewer than a page holds; should the service page them
      // anyway, the rest comes by the nextLink.
      std::string next = std::move(page->next_link);
      std::vector<User>& users = page->users;
      Status rest = for_each_user_page(
          tenant, next, "users by " + chunk.property, /*delta=*/false,
          [&users](UserPage&& more) {
            for (User& u : more.users) users.push_back(std::move(u));
            return Status();
          },
          nullptr);
      if (!rest.ok()) page = rest.error();
    }
    if (!page.ok()) {
      const Error& error = page.error();
      if (error.kind == ErrorKind::NotFound || error.http_status == 400) {
        // The service refused the list (a name it cannot take in a filter, say): each
        // name on its own, as get_user reads it.
        for (std::size_t u : chunk.names) found[u] = get_user(tenant, unique[u]);
      } else {
        for (std::size_t u : chunk.names) found[u] = error;
      }
      continue;
    }
    // Match the answer to the names: ids ignoring case, as GUIDs compare; UPNs ignoring
    // ASCII case, as the service compares them.
    const bool by_id = chunk.property == "id";
    IMap<const User*> by_name;
    for (const User& user : page->users) {
      by_name.emplace(by_id ? user.id : user.user_principal_name, &user);
    }
    std::size_t matched = 0;
    for (std::size_t u : chunk.names) {
      auto hit = by_name.find(unique[u]);
      if (hit == by_name.end()) continue;
      found[u] = *hit->second;
      ++matched;
    }
    // A user in the answer that matches no name was found by a rule other than ours (a
    // case the service folds and ASCII does not): the names left are read on their own.
    const bool unmatched_users = matched < by_name.size();
    for (std::size_t u : chunk.names) {
      if (found[u]) continue;
      found[u] =
          unmatched_users ? get_user(tenant, unique[u]) : Result<User>(user_not_found(unique[u]));
    }
  }

  std::vector<Result<User>> out;
  out.reserve(ids_or_upns.size());
  for (std::size_t slot : slot_of) out.push_back(*found[slot]);
  return out;
}

Result<Group> GraphClient::get_group(const std::string& tenant, const std::string& id) {
  return get_one<Group>(tenant, group_url(id), "tenant " + tenant + ": group " + id);
}

std::vector<Result<Group>> GraphClient::get_groups(const std::string& tenant,
                                                   const std::vector<std::string>& ids) {
  // One group (the usual case: a tenant licenses through a group or two) needs no $batch.
  if (ids.size() == 1) return {get_group(tenant, ids[0])};
  std::vector<std::string> urls;
  urls.reserve(ids.size());
  for (const auto& id : ids) urls.push_back(group_url(id));
  return get_many<Group>(tenant, urls, "groups",
                         [&](std::size_t i) { return get_group(tenant, ids[i]); });
}

Result<DeletedUsersPage> GraphClient::deleted_users_first_page(const std::string& tenant) {
  DeletedUsersPage first;
  auto read = [&](const HttpResponse& response, const std::string& what, int) -> Result<PageLinks> {
    auto decoded = decode_users(response, /*delta=*/false, what);
    if (!decoded) return decoded.error();
    first = DeletedUsersPage{std::move(decoded->page.users), std::move(decoded->next_link)};
    return PageLinks{};  // this page only: the rest comes by its next link
  };
  Status st = read_pages(tenant, url(deleted_users_path()), "deleted users", read, nullptr, 1);
  if (!st.ok()) return st.error();
  return first;
}

DeletedUsersAndGroups GraphClient::deleted_users_and_groups(const std::string& tenant,
                                                            const std::vector<std::string>& ids) {
  if (ids.empty()) return {deleted_users_first_page(tenant), {}};  // a GET, not a $batch
  std::vector<std::string> paths = {deleted_users_path()};
  for (const auto& id : ids) paths.push_back(group_url(id));
  auto what = [&](std::size_t i) {
    return "tenant " + tenant + ": " + (i == 0 ? "deleted users page 1" : "group " + ids[i - 1]);
  };
  // Each answer as text: the deleted users straight into users, the groups as trees.
  auto read = get_many<JsonText>(tenant, paths, "deleted users and groups", [&](std::size_t i) {
    return get_one<JsonText>(tenant, paths[i], what(i));
  });
  DeletedUsersAndGroups out;
  out.deleted_users = deleted_first_page(std::move(read[0]), what(0));
  for (std::size_t i = 1; i < read.size(); ++i) {
    if (!read[i].ok()) {
      out.groups.push_back(read[i].error());
      continue;
    }
    try {
      out.groups.push_back(parse_json_tree(read[i]->text).get<Group>());
    } catch (const nlohmann::json::exception& e) {
      out.groups.push_back(invalid(what(i) + ": unexpected data: " + e.what()));
    }
  }
  return out;
}

GraphWriteResult GraphClient::success(const GraphWrite& write, const nlohmann::json& body,
                                      int attempts) {
  GraphWriteResult r;
  r.attempts = attempts;
  if (write.kind == GraphWrite::Kind::AddRole && body.is_object()) {
    try {
      r.role_assignment = body.get<RoleAssignment>();
    } catch (const nlohmann::json::exception& e) {
      log_debug("could not decode the role assignment a write returned", {{"error", e.what()}});
    }
  }
  if (write.returns_user() && body.is_object() && body.contains("id")) {
    try {
      r.user = body.get<User>();
    } catch (const nlohmann::json::exception& e) {
      // The write took effect; an odd echo of the user must not turn it into a failure.
      log_debug("could not decode the user a write returned",
                {{"op", to_string(write.kind)}, {"error", e.what()}});
    }
  }
  return r;
}

GraphWriteResult GraphClient::resolve_failure(const std::string& tenant, const GraphWrite& write,
                                              Error error, bool ambiguous, int attempts) {
  GraphWriteResult r;
  r.attempts = attempts;
  if (ambiguous) {
    switch (write.kind) {
      case GraphWrite::Kind::Delete:
        if (error.kind == ErrorKind::NotFound) {
          log_info("delete: an earlier attempt took effect (its answer was lost)",
                   {{"tenant", tenant}, {"user", write.user}});
          return r;
        }
        break;
      case GraphWrite::Kind::Restore:
        if (error.kind == ErrorKind::NotFound) {
          auto user = get_user(tenant, write.user);
          if (user && !user->deleted_date_time) {
            log_info("restore: an earlier attempt took effect (its answer was lost)",
                     {{"tenant", tenant}, {"user", write.user}});
            r.user = std::move(user).value();
            return r;
          }
        }
        break;
      case GraphWrite::Kind::AssignLicense:
        if (error.refusal == Refusal::NoSuchLicense) {
          auto user = get_user(tenant, write.user);
          if (user && holds_assignment(*user, write)) {
            log_info("assignLicense: an earlier attempt took effect (its answer was lost)",
                     {{"tenant", tenant}, {"user", write.user}});
            r.user = std::move(user).value();
            return r;
          }
        }
        break;
      case GraphWrite::Kind::Create:
        if (error.kind == ErrorKind::Conflict && !write.user.empty()) {
          auto user = get_user(tenant, write.user);
          if (user) {
            log_warn(
                "create: the UPN exists after an attempt whose answer was lost; "
                "taking it as ours",
                {{"tenant", tenant}, {"user", write.user}});
            r.user = std::move(user).value();
            return r;
          }
        }
        break;
      case GraphWrite::Kind::AddRole: {
        // The resend may be refused as a duplicate, or fail otherwise: look whether it holds.
        auto held = role_assignments(tenant, write.user);
        if (!held) break;
        for (const RoleAssignment& a : *held) {
          if (a.role_definition_id != write.role_definition_id) continue;
          log_info("addRole: an earlier attempt took effect (its answer was lost)",
                   {{"tenant", tenant}, {"user", write.user}});
          r.role_assignment = a;
          return r;
        }
        break;
      }
      case GraphWrite::Kind::RemoveRole:
        if (error.kind == ErrorKind::NotFound) {
          log_info("removeRole: an earlier attempt took effect (its answer was lost)",
                   {{"tenant", tenant}, {"assignment", write.role_assignment_id}});
          return r;
        }
        break;
      case GraphWrite::Kind::Update:
        break;
    }
  }
  r.status = std::move(error);
  return r;
}

GraphWriteResult GraphClient::write(const std::string& tenant, const GraphWrite& write) {
  if (write.kind == GraphWrite::Kind::Create) return create(tenant, write);
  Call call;
  call.method = write.method();
  call.url = url(write.path());
  if (auto body = write.request_body()) call.body = body->dump();
  call.write_cost = 1;
  call.fresh_connection = true;
  RetryBudget budget(retry_);
  Sent sent = send(tenant, call, budget);
  if (!sent.response) {
    return resolve_failure(tenant, write, sent.response.error(), sent.ambiguous, sent.attempts);
  }
  auto body = nlohmann::json::parse(sent.response->body, nullptr, false);
  return success(write, body.is_discarded() ? nlohmann::json() : body, sent.attempts);
}

GraphWriteResult GraphClient::create(const std::string& tenant, const GraphWrite& write) {
  RetryBudget budget(retry_);  // one operation, however many looks and resends
  int used = 0;
  bool ambiguous = false;
  for (;;) {
    Call call;
    call.method = "POST";
    call.url = url("/users");
    call.body = write.request_body().value_or(nlohmann::json::object()).dump();
    call.write_cost = 1;
    call.fresh_connection = true;
    call.resend_after_ambiguous = false;
    Sent sent = send(tenant, call, budget);
    used += sent.attempts;
    ambiguous = ambiguous || sent.ambiguous;
    if (sent.response) {
      auto body = nlohmann::json::parse(sent.response->body, nullptr, false);
      return success(write, body.is_discarded() ? nlohmann::json() : body, used);
    }
    Error error = sent.response.error();
    if (!sent.last_ambiguous || !RetryPolicy::is_retryable(error) || write.user.empty()) {
      return resolve_failure(tenant, write, std::move(error), ambiguous, used);
    }
    // The create may or may not have happened. Let the service settle, then look before
    // sending it again: a second create would fail as a duplicate or, worse, succeed.
    auto delay = budget.next_delay(error);
    if (!delay) {
      log_gave_up(tenant, "POST /users", budget, error);
      return resolve_failure(tenant, write, std::move(error), ambiguous, used);
    }
    if (!retry_.wait(*delay)) {
      return resolve_failure(tenant, write, std::move(error), ambiguous, used);
    }
    auto existing = get_user(tenant, write.user);
    if (existing) {
      log_info("create: the answer was lost but the user exists; treating it as created",
               {{"tenant", tenant}, {"user", write.user}});
      GraphWriteResult r;
      r.user = std::move(existing).value();
      r.attempts = used;
      return r;
    }
    if (existing.error().kind != ErrorKind::NotFound) {
      return resolve_failure(tenant, write, std::move(error), ambiguous, used);
    }
    transport_.stats().record_retry();
  }
}

std::vector<GraphWriteResult> GraphClient::write_batch(const std::string& tenant,
                                                       const std::vector<GraphWrite>& writes) {
  std::vector<GraphWriteResult> results(writes.size());
  std::vector<std::size_t> batchable;
  for (std::size_t i = 0; i < writes.size(); ++i) {
    if (writes[i].kind == GraphWrite::Kind::Create) {
      results[i] = create(tenant, writes[i]);  // never batched: see the header comment
    } else {
      batchable.push_back(i);
    }
  }
  for (std::size_t start = 0; start < batchable.size(); start += options_.batch_size) {
    std::size_t end = std::min(batchable.size(), start + options_.batch_size);
    std::vector<std::size_t> chunk(batchable.begin() + static_cast<std::ptrdiff_t>(start),
                                   batchable.begin() + static_cast<std::ptrdiff_t>(end));
    run_batch(tenant, writes, chunk, results);
  }
  return results;
}

void GraphClient::run_batch(const std::string& tenant, const std::vector<GraphWrite>& writes,
                            const std::vector<std::size_t>& chunk,
                            std::vector<GraphWriteResult>& results) {
  // The chunk's items are one operation each, all started now: each counts its own
  // transient failures; their throttling shares the chunk's deadline.
  const Clock::time_point started = retry_.clock().now();
  std::map<std::size_t, RetryBudget> budgets;
  for (std::size_t idx : chunk) budgets.emplace(idx, RetryBudget(retry_, started));
  std::map<std::size_t, bool> ambiguous;
  std::vector<std::size_t> to_send = chunk;
  const std::string what = "tenant " + tenant + ": $batch";
  while (!to_send.empty()) {
    nlohmann::json requests = nlohmann::json::array();
    for (std::size_t idx : to_send) {
      const GraphWrite& w = writes[idx];
      // The index is the id: answers come back in any order and are matched by it.
      nlohmann::json item = {
          {"id", std::to_string(idx)}, {"method", w.method()}, {"url", w.path()}};
      if (auto body = w.request_body()) {
        item["headers"] = {{"Content-Type", "application/json"}};
        item["body"] = std::move(*body);
      }
      requests.push_back(std::move(item));
    }
    Call call;
    call.method = "POST";
    call.url = url("/$batch");
    call.body = nlohmann::json{{"requests", std::move(requests)}}.dump();
    call.write_cost = static_cast<int>(to_send.size());
    call.fresh_connection = true;
    // Every batched write tolerates a repeat (creates are never batched).
    call.resend_after_ambiguous = true;
    RetryBudget envelope(retry_, started);
    Sent sent = send(tenant, call, envelope);
    for (std::size_t idx : to_send) {
      results[idx].attempts += sent.attempts;
      if (sent.ambiguous) ambiguous[idx] = true;
    }
    auto fail_all = [&](const Error& error) {
      for (std::size_t idx : to_send) {
        int attempts = results[idx].attempts;
        results[idx] = resolve_failure(tenant, writes[idx], error, ambiguous[idx], attempts);
      }
    };
    if (!sent.response) return fail_all(sent.response.error());
    auto json = parse_json(*sent.response, what, options_.max_response_bytes);
    if (!json) return fail_all(json.error());
    auto responses = json->is_object() ? json->find("responses") : json->end();
    if (!json->is_object() || responses == json->end() || !responses->is_array()) {
      return fail_all(invalid(what + ": the response has no \"responses\" array"));
    }
    std::map<std::string, const nlohmann::json*> by_id;
    for (const auto& r : *responses) {
      if (r.is_object() && r.contains("id") && r["id"].is_string()) {
        by_id.emplace(r["id"].get<std::string>(), &r);
      }
    }

    std::vector<std::size_t> resend;
    std::map<std::size_t, Error> last_errors;  // of the items to resend
    std::chrono::milliseconds wait{0};
    std::optional<std::chrono::milliseconds> throttle_wait;  // the longest Retry-After

    for (std::size_t idx : to_send) {
      const GraphWrite& w = writes[idx];
      int attempts = results[idx].attempts;
      auto found = by_id.find(std::to_string(idx));
      if (found == by_id.end() ||
          !is_http_status(found->second->value("status", nlohmann::json()))) {
        results[idx].status = invalid(what + ": no answer for " + to_string(w.kind) + " of " +
                                      (w.user.empty() ? std::string("a user") : w.user));
        continue;
      }
      const nlohmann::json& item = *found->second;
      int status = item["status"].get<int>();
      nlohmann::json body = item.contains("body") ? item["body"] : nlohmann::json();
      if (status >= 200 && status < 300) {
        results[idx] = success(w, body, attempts);
        continue;
      }
      Error error = classify_parsed_graph_error(
          status, lower_case_headers(item.value("headers", nlohmann::json())), body);
      bool resendable = status == 429 || status == 503 || status == 504;
      RetryBudget& budget = budgets.at(idx);
      auto delay = resendable ? budget.next_delay(error) : std::nullopt;
      if (status == 429) {
        transport_.stats().record_throttled_item();
        throttle_wait = std::max(throttle_wait.value_or(std::chrono::milliseconds(0)),
                                 delay.value_or(std::chrono::milliseconds(0)));
      }
      if (delay) {
        if (status != 429) ambiguous[idx] = true;  // a 5xx item may have been applied
        resend.push_back(idx);
        wait = std::max(wait, *delay);
        last_errors.emplace(idx, std::move(error));
        continue;
      }
      if (resendable)
        log_gave_up(tenant, std::string(to_string(w.kind)) + " in $batch", budget, error);
      results[idx] = resolve_failure(tenant, w, std::move(error), ambiguous[idx], attempts);
    }
    // Throttled items are the service telling us this tenant's budget: slow it down.
    if (throttle_wait && pacer_) pacer_->throttled(tenant, *throttle_wait, sent.sent_at);
    if (!resend.empty()) {
      for (std::size_t i = 0; i < resend.size(); ++i) transport_.stats().record_retry();
      log_debug("resending throttled $batch items", {{"tenant", tenant},
                                                     {"items", std::to_string(resend.size())},
                                                     {"delayMs", std::to_string(wait.count())}});
      if (!retry_.wait(wait)) {
        // Stopping: each item ends with the service's last answer to it.
        for (std::size_t idx : resend) {
          results[idx] = resolve_failure(tenant, writes[idx], last_errors.at(idx), ambiguous[idx],
                                         results[idx].attempts);
        }
        return;
      }
    }
    to_send = std::move(resend);
  }
}

Result<User> GraphClient::create_user(const std::string& tenant, const nlohmann::json& body) {
  auto r = write(tenant, GraphWrite::create(body));
  if (!r.status.ok()) return r.status.error();
  if (!r.user) return invalid("tenant " + tenant + ": create succeeded but returned no user");
  return *r.user;
}

Status GraphClient::update_user(const std::string& tenant, const std::string& id,
                                const nlohmann::json& patch) {
  return write(tenant, GraphWrite::update(id, patch)).status;
}

Status GraphClient::delete_user(const std::string& tenant, const std::string& id) {
  return write(tenant, GraphWrite::remove(id)).status;
}

Result<User> GraphClient::restore_user(const std::string& tenant, const std::string& id,
                                       const std::optional<std::string>& new_upn) {
  auto r = write(tenant, GraphWrite::restore(id, new_upn));
  if (!r.status.ok()) return r.status.error();
  if (!r.user) return invalid("tenant " + tenant + ": restore succeeded but returned no user");
  return *r.user;
}

Result<User> GraphClient::assign_license(const std::string& tenant, const std::string& id,
                                         const std::vector<AssignedLicense>& add,
                                         const std::vector<std::string>& remove) {
  auto r = write(tenant, GraphWrite::assign_license(id, add, remove));
  if (!r.status.ok()) return r.status.error();
  if (!r.user)
    return invalid("tenant " + tenant + ": assignLicense succeeded but returned no user");
  return *r.user;
}

}  // namespace tenantsync
