#include "connector/batch_answer.h"

#include <simdjson.h>

#include <mutex>
#include <string_view>

#include "connector/json_tree.h"

namespace tenantsync {

namespace {

using simdjson::dom::element;
using Type = simdjson::dom::element_type;

// A small value (a status, the headers) as the tree it is.
nlohmann::json tree(element value) { return parse_json_tree(simdjson::to_string(value)); }

// Splits the parsed answer; nullopt when its shape is not a batch answer's.
std::optional<std::vector<BatchAnswer>> split(element root) {
  if (root.type() != Type::OBJECT) return std::nullopt;
  std::optional<element> responses;
  for (simdjson::dom::key_value_pair field : simdjson::dom::object(root)) {
    if (field.key == "responses") responses = field.value;  // the last, as a tree keeps
  }
  if (!responses || responses->type() != Type::ARRAY) return std::nullopt;
  std::vector<BatchAnswer> out;
  for (element response : simdjson::dom::array(*responses)) {
    if (response.type() != Type::OBJECT) continue;
    std::optional<element> id, status, headers, body;
    for (simdjson::dom::key_value_pair field : simdjson::dom::object(response)) {
      if (field.key == "id") id = field.value;
      if (field.key == "status") status = field.value;
      if (field.key == "headers") headers = field.value;
      if (field.key == "body") body = field.value;
    }
    if (!id || id->type() != Type::STRING) continue;
    BatchAnswer& answer = out.emplace_back();
    answer.id = std::string_view(*id);
    if (status) answer.status = tree(*status);
    if (headers) answer.headers = tree(*headers);
    if (body) answer.body = simdjson::to_string(*body);
  }
  return out;
}

// The same split from nlohmann's tree, for what simdjson refuses.
std::optional<std::vector<BatchAnswer>> split(const nlohmann::json& root) {
  auto responses = root.is_object() ? root.find("responses") : root.end();
  if (responses == root.end() || !responses->is_array()) return std::nullopt;
  std::vector<BatchAnswer> out;
  for (const auto& response : *responses) {
    if (!response.is_object()) continue;
    auto id = response.find("id");
    if (id == response.end() || !id->is_string()) continue;
    BatchAnswer& answer = out.emplace_back();
    answer.id = id->get<std::string>();
    answer.status = response.value("status", nlohmann::json());
    answer.headers = response.value("headers", nlohmann::json());
    if (auto body = response.find("body"); body != response.end()) answer.body = body->dump();
  }
  return out;
}

}  // namespace

std::optional<std::vector<BatchAnswer>> split_batch_answer(const std::string& text) {
  {
    // One parser for the process, its buffers reused: batches take turns, as pages do.
    static std::mutex mutex;
    static simdjson::dom::parser parser;
    std::lock_guard lock(mutex);
    element root;
    if (parser.parse(text).get(root) == simdjson::SUCCESS) return split(root);
  }
  nlohmann::json root = parse_json_tree(text);
  if (root.is_discarded()) return std::nullopt;
  return split(root);
}

}  // namespace tenantsync
