#include "fakes/fake_batch.h"

#include <algorithm>
#include <map>
#include <set>

#include "fakes/fake_encoding.h"
#include "fakes/fake_errors.h"
#include "fakes/fake_json_text.h"

namespace tenantsync::fake {

namespace {

using nlohmann::json;

[[noreturn]] void bad_batch(const std::string& message) { fail(400, "BadRequest", message); }

BatchItem parse_item(const json& j) {
  if (!j.is_object()) bad_batch("Invalid batch payload format.");
  BatchItem item;
  auto text = [&](const char* name) {
    auto it = j.find(name);
    if (it == j.end() || !it->is_string() || it->get<std::string>().empty()) {
      bad_batch(std::string("Batch request is missing the required property '") + name + "'.");
    }
    return it->get<std::string>();
  };
  item.id = text("id");
  item.method = text("method");
  for (char& c : item.method) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  item.url = text("url");
  if (auto it = j.find("headers"); it != j.end() && it->is_object()) {
    for (const auto& [name, value] : it->items()) {
      item.headers[to_lower(name)] = value.is_string() ? value.get<std::string>() : value.dump();
    }
  }
  if (auto it = j.find("body"); it != j.end() && !it->is_null()) {
    item.has_body = true;
    item.body = it->is_string() ? it->get<std::string>() : it->dump();
  }
  if (auto it = j.find("dependsOn"); it != j.end() && !it->is_null()) {
    if (!it->is_array()) bad_batch("Invalid batch payload format.");
    for (const auto& d : *it) {
      if (!d.is_string()) bad_batch("Invalid batch payload format.");
      item.depends_on.push_back(d.get<std::string>());
    }
  }
  return item;
}

// One item of the answer, written as text: a body the operation already wrote as text
// (pages of users) goes in as it is, not parsed into a tree and serialized again. Members
// in nlohmann's order (sorted), as everywhere in the fake's text.
void write_item(JsonText& w, const std::string& id, const ApiResponse& r) {
  std::map<std::string, std::string> headers;
  if (r.has_body()) headers["Content-Type"] = "application/json";
  for (const auto& [name, value] : r.headers) headers[name] = value;
  w.begin_object();
  if (r.has_body()) {
    w.key("body");
    w.raw(r.text.empty() ? wire_json(r.body) : r.text);
  }
  w.key("headers");
  w.begin_object();
  for (const auto& [name, value] : headers) {
    w.key(name);
    w.string(value);
  }
  w.end_object();
  w.key("id");
  w.string(id);
  w.key("status");
  w.raw(std::to_string(r.status));
  w.end_object();
}

}  // namespace

ApiResponse run_batch(const std::string& body_text, const BatchExecutor& execute,
                      uint64_t order_seed, const RequestContext& ctx) {
  json body = json::parse(body_text, nullptr, false);
  if (body.is_discarded() || !body.is_object() || !body.contains("requests") ||
      !body["requests"].is_array()) {
    bad_batch("Invalid batch payload format.");
  }
  const json& requests = body["requests"];
  if (requests.empty()) bad_batch("Batch request must contain at least one request.");
  if (requests.size() > kMaxBatchRequests) {
    bad_batch("Number of requests in the batch exceeds the limit of " +
              std::to_string(kMaxBatchRequests) + ".");
  }
  std::vector<BatchItem> items;
  std::set<std::string> ids;
  for (const auto& r : requests) {
    items.push_back(parse_item(r));
    if (!ids.insert(items.back().id).second) {
      bad_batch("Batch request contains duplicate request id '" + items.back().id + "'.");
    }
  }
  for (const auto& item : items) {
    for (const auto& dep : item.depends_on) {
      if (ids.count(dep) == 0 || dep == item.id) {
        bad_batch("Request '" + item.id + "' depends on an unknown request id '" + dep + "'.");
      }
    }
  }

  // Run in request order, except that an item waits for its dependencies.
  std::map<std::string, int> status_of;
  std::vector<std::pair<std::string, ApiResponse>> done;
  std::vector<bool> ran(items.size(), false);
  while (done.size() < items.size()) {
    bool progressed = false;
    for (size_t i = 0; i < items.size(); ++i) {
      if (ran[i]) continue;
      const BatchItem& item = items[i];
      bool ready = std::all_of(item.depends_on.begin(), item.depends_on.end(),
                               [&](const std::string& d) { return status_of.count(d) != 0; });
      if (!ready) continue;
      ran[i] = true;
      progressed = true;
      ApiResponse r;
      bool dependency_failed =
          std::any_of(item.depends_on.begin(), item.depends_on.end(),
                      [&](const std::string& d) { return status_of[d] >= 400; });
      if (dependency_failed) {
        GraphError e(424, "FailedDependency",
                     "The request could not be completed because a request it depends on "
                     "failed.");
        r = {424, graph_error_body(e, ctx), {}};
      } else if (item.url.find("://") != std::string::npos) {
        GraphError e(400, "BadRequest", "Invalid request URL: it must be relative to the version.");
        r = {400, graph_error_body(e, ctx), {}};
      } else if (item.has_body && item.headers.count("content-type") == 0) {
        GraphError e(
            400, "BadRequest",
            "Write request id : " + item.id + " does not contain Content-Type header or body.");
        r = {400, graph_error_body(e, ctx), {}};
      } else {
        r = execute(item);
      }
      status_of[item.id] = r.status;
      done.emplace_back(item.id, std::move(r));
    }
    if (!progressed) bad_batch("Batch requests have circular dependencies.");
  }

  // Request order, rotated by 1..n-1 places: never the request order when n > 1.
  std::map<std::string, ApiResponse> by_id;
  for (auto& [id, r] : done) by_id[id] = std::move(r);
  done.clear();
  for (const auto& item : items) done.emplace_back(item.id, std::move(by_id[item.id]));
  if (done.size() > 1) {
    size_t shift = 1 + order_seed % (done.size() - 1);
    std::rotate(done.begin(), done.begin() + static_cast<long>(shift), done.end());
  }
  ApiResponse answer;
  JsonText w(answer.text);
  w.begin_object();
  w.key("responses");
  w.begin_array();
  for (const auto& [id, r] : done) write_item(w, id, r);
  w.end_array();
  w.end_object();
  return answer;
}

}  // namespace tenantsync::fake
