// What the list decoders share (sku_page_decoder.h, role_page_decoder.h): they read one
// page of a Graph list, {"value": [items], "@odata.nextLink": "..."}, straight from
// simdjson's parse into the model's rows, without an nlohmann tree, and accept and refuse
// exactly what decoding the tree with the model's from_json does. This file holds the
// page's half: the value array, the next link (used only when a string), a repeated key
// keeping its last value as a tree keeps it, and text simdjson refuses (not JSON, integers
// beyond 64 bits, nesting deeper than 1,024) decoded through the tree instead, so the
// verdict on those is nlohmann's. Each decoder brings a reader for its items.
#pragma once

#include <simdjson.h>

#include <array>
#include <cstddef>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "connector/json_tree.h"
#include "connector/list_page_failure.h"

namespace tenantsync {

namespace list_page {

using simdjson::dom::element;
using Type = simdjson::dom::element_type;

// "an object", "a string", ...: what a value is, for a failure's detail.
std::string kind_of(element value);

// The last value of each of `names` in `object`: a tree keeps a repeated key's last value.
template <std::size_t N>
std::array<std::optional<element>, N> last_values(simdjson::dom::object object,
                                                  const std::array<std::string_view, N>& names) {
  std::array<std::optional<element>, N> out;
  for (simdjson::dom::key_value_pair field : object) {
    for (std::size_t i = 0; i < N; ++i) {
      if (field.key == names[i]) {
        out[i] = field.value;
        break;
      }
    }
  }
  return out;
}

// The steps an item's reader takes, each false (with `detail` saying why) when the item
// is not what from_json takes.
class ItemReader {
 public:
  explicit ItemReader(std::string& detail) : detail_(detail) {}

 protected:
  bool is_object(element item) {
    return item.type() == Type::OBJECT || fail("the item is " + kind_of(item) + ", not an object");
  }

  // A string property; when absent, `out` keeps its default unless the property is
  // required. Present, it must be a string (null is refused, as from_json refuses it).
  bool text(const std::optional<element>& value, std::string_view name, bool required,
            std::string& out) {
    if (!value) return !required || fail(std::string(name) + " is missing");
    if (value->type() != Type::STRING) {
      return fail(std::string(name) + " is " + kind_of(*value) + ", not a string");
    }
    out = std::string_view(*value);
    return true;
  }

  bool fail(std::string detail) {
    detail_ = std::move(detail);
    return false;
  }

  // A flag: true only for the boolean true; anything else, absent included, is false.
  static bool flag(const std::optional<element>& value) {
    return value && value->type() == Type::BOOL && bool(*value);
  }

  std::string& detail_;
};

inline bool refuse(ListPageFailure& failure, ListPageFailure::Kind kind, std::size_t item = 0,
                   std::string detail = {}) {
  failure = {kind, item, std::move(detail)};
  return false;
}

// The parser for a page of `size` bytes. Up to kSharedParserBytes, the process's one,
// held while this lives (pages take turns, as user pages do): a parser of its own for
// each page of a few KB allocated and freed buffers sized for it every time, a third of
// decoding a tenant's SKUs. A larger page gets a parser of its own, so the shared one
// never holds more than about 14 times the bound.
class PageParser {
 public:
  static constexpr std::size_t kSharedParserBytes = 64 << 10;

  explicit PageParser(std::size_t size);
  PageParser(const PageParser&) = delete;
  PageParser& operator=(const PageParser&) = delete;
  simdjson::dom::parser& get() { return *parser_; }

 private:
  std::unique_lock<std::mutex> lock_;  // the shared parser's, when this uses it
  std::optional<simdjson::dom::parser> own_;
  simdjson::dom::parser* parser_;
};

// The page through simdjson's parse; `parsed` false when simdjson refuses the text.
// `read(item, row)` is the item reader's step; its detail lands in `detail`.
template <class T, class Read>
bool decode_fast(const std::string& text, std::vector<T>& items, std::string& next_link,
                 ListPageFailure& failure, std::string& detail, Read&& read, bool& parsed) {
  PageParser parser(text.size());
  element root;
  parsed = parser.get().parse(text).get(root) == simdjson::SUCCESS;
  if (!parsed) return false;
  if (root.type() != Type::OBJECT) return refuse(failure, ListPageFailure::Kind::NoValueArray);
  static constexpr std::array<std::string_view, 2> kNames = {"value", "@odata.nextLink"};
  auto [value, next] = last_values(simdjson::dom::object(root), kNames);
  if (!value || value->type() != Type::ARRAY) {
    return refuse(failure, ListPageFailure::Kind::NoValueArray);
  }
  if (next && next->type() == Type::STRING) next_link = std::string_view(*next);
  items.reserve(items.size() + simdjson::dom::array(*value).size());  // no moves as it grows
  std::size_t index = 0;
  for (element item : simdjson::dom::array(*value)) {
    if (!read(item, items.emplace_back())) {
      return refuse(failure, ListPageFailure::Kind::BadItem, index, std::move(detail));
    }
    ++index;
  }
  return true;
}

// What simdjson refuses, decoded through the tree (whose parse falls back to nlohmann's)
// with the model's from_json.
template <class T>
bool decode_through_tree(const std::string& text, std::vector<T>& items, std::string& next_link,
                         ListPageFailure& failure) {
  nlohmann::json page = parse_json_tree(text);
  if (page.is_discarded()) return refuse(failure, ListPageFailure::Kind::NotJson);
  auto value = page.is_object() ? page.find("value") : page.end();
  if (value == page.end() || !value->is_array()) {
    return refuse(failure, ListPageFailure::Kind::NoValueArray);
  }
  auto next = page.find("@odata.nextLink");
  if (next != page.end() && next->is_string()) next_link = next->get<std::string>();
  std::size_t index = 0;
  try {
    for (const auto& item : *value) {
      items.push_back(item.get<T>());
      ++index;
    }
  } catch (const nlohmann::json::exception& e) {
    return refuse(failure, ListPageFailure::Kind::BadItem, index, e.what());
  }
  return true;
}

// Decodes the page `text` into `items` and `next_link` ("" when absent); false, with
// `failure` filled, when the page cannot be used. `make_reader(detail)` gives the item
// reader, whose `item(element, T&)` reads one item.
template <class T, class MakeReader>
bool decode(const std::string& text, std::vector<T>& items, std::string& next_link,
            ListPageFailure& failure, MakeReader&& make_reader) {
  std::string detail;
  auto reader = make_reader(detail);
  bool parsed = false;
  auto read = [&](element item, T& row) { return reader.item(item, row); };
  if (decode_fast(text, items, next_link, failure, detail, read, parsed)) return true;
  if (parsed) return false;
  items.clear();
  next_link.clear();
  return decode_through_tree(text, items, next_link, failure);
}

}  // namespace list_page
}  // namespace tenantsync
