#include "connector/batch_answer.h"

#include <simdjson.h>

#include <mutex>
#include <optional>
#include <string_view>

#include "connector/json_tree.h"

namespace tenantsync {

namespace {

using simdjson::dom::element;
using Type = simdjson::dom::element_type;

// A small value (a status, the headers) as the tree it is.
nlohmann::json tree(element value) { return parse_json_tree(simdjson::to_string(value)); }

// Each answer's body as it is in `text`, by the answer's position in the last
// "responses": slices found by simdjson's on-demand parser. simdjson::to_string() wrote
// the bodies out again a character at a time, which cost twice the whole parse. Empty
// when the text does not give them (the caller then writes them out).
std::vector<std::optional<std::string_view>> body_slices(simdjson::padded_string_view text) {
  namespace od = simdjson::ondemand;
  static od::parser parser;  // under split_batch_answer's lock
  std::vector<std::optional<std::string_view>> out;
  auto raw = [](od::value value) -> std::optional<std::string_view> {
    od::json_type type;
    if (value.type().get(type)) return std::nullopt;
    std::string_view slice;
    simdjson::error_code error = simdjson::SUCCESS;
    if (type == od::json_type::object) {
      od::object object;
      error = value.get_object().get(object);
      if (!error) error = object.raw_json().get(slice);
    } else if (type == od::json_type::array) {
      od::array array;
      error = value.get_array().get(array);
      if (!error) error = array.raw_json().get(slice);
    } else {
      slice = value.raw_json_token();
    }
    if (error) return std::nullopt;
    return slice;
  };
  od::document doc;
  od::object root;
  if (parser.iterate(text).get(doc) || doc.get_object().get(root)) return {};
  for (auto field : root) {
    std::string_view key;
    if (field.unescaped_key().get(key)) return {};
    if (key != "responses") continue;
    out.clear();  // the last "responses" is the one a tree keeps
    od::array responses;
    if (field.value().get_array().get(responses)) continue;
    for (auto response : responses) {
      std::optional<std::string_view> body;
      od::object answer;
      if (!response.get_object().get(answer)) {
        for (auto part : answer) {
          std::string_view name;
          if (part.unescaped_key().get(name)) return {};
          if (name != "body") continue;
          od::value value;
          if (part.value().get(value)) return {};
          body = raw(value);  // the last "body", as a tree keeps
          if (!body) return {};
        }
      }
      out.push_back(body);
    }
  }
  return out;
}

// Splits the parsed answer; nullopt when its shape is not a batch answer's. Bodies come
// from `slices` (by position) when it has one per response, else are written out.
std::optional<std::vector<BatchAnswer>> split(
    element root, const std::vector<std::optional<std::string_view>>& slices) {
  if (root.type() != Type::OBJECT) return std::nullopt;
  std::optional<element> responses;
  for (simdjson::dom::key_value_pair field : simdjson::dom::object(root)) {
    if (field.key == "responses") responses = field.value;  // the last, as a tree keeps
  }
  if (!responses || responses->type() != Type::ARRAY) return std::nullopt;
  const bool sliced = slices.size() == simdjson::dom::array(*responses).size();
  std::vector<BatchAnswer> out;
  std::size_t position = 0;
  for (element response : simdjson::dom::array(*responses)) {
    const std::size_t at = position++;
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
    if (body && sliced && slices[at]) {
      answer.body = std::string(*slices[at]);
    } else if (body) {
      answer.body = simdjson::to_string(*body);
    }
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
    if (parser.parse(text).get(root) == simdjson::SUCCESS) {
      // Valid JSON, as the parse found: now where each body is in it.
      if (text.capacity() - text.size() >= simdjson::SIMDJSON_PADDING) {
        return split(root, body_slices(simdjson::padded_string_view(text)));
      }
      simdjson::padded_string padded(text);
      return split(root, body_slices(padded));
    }
  }
  nlohmann::json root = parse_json_tree(text);
  if (root.is_discarded()) return std::nullopt;
  return split(root);
}

}  // namespace tenantsync
