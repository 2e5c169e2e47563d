// The reference the list decoders are tested against (sku_page_decoder_test,
// role_page_decoder_test, domain_page_decoder_test): what the Graph adapter did before
// them, parse_json_tree() and then the model's from_json item by item.
// expect_same_as_tree() checks that a decoder and the reference both accept or both refuse
// a page, with the same kind of failure and the same first failing item, and that an
// accepted page gives the same rows and link.
#pragma once

#include <gtest/gtest.h>

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "connector/json_tree.h"
#include "connector/list_page_failure.h"

namespace tenantsync::list_page_reference {

template <class T>
struct Outcome {
  bool ok = false;
  ListPageFailure failure;
  std::vector<T> items;
  std::string next_link;
};

template <class T>
Outcome<T> decode_with_tree(const std::string& text) {
  using json = nlohmann::json;
  using Kind = ListPageFailure::Kind;
  Outcome<T> out;
  const json tree = parse_json_tree(text);
  if (tree.is_discarded()) {
    out.failure.kind = Kind::NotJson;
    return out;
  }
  if (!tree.is_object() || !tree.contains("value") || !tree.at("value").is_array()) {
    out.failure.kind = Kind::NoValueArray;
    return out;
  }
  const json& items = tree.at("value");
  for (std::size_t i = 0; i < items.size(); ++i) {
    try {
      out.items.push_back(items[i].get<T>());
    } catch (const json::exception& e) {
      out.failure = {Kind::BadItem, i, e.what()};
      return out;
    }
  }
  auto link = tree.find("@odata.nextLink");
  if (link != tree.end() && link->is_string()) out.next_link = link->get<std::string>();
  out.ok = true;
  return out;
}

// A decoder's Outcome: `decode_page(text, page, failure)`, its items from `page.*items`.
template <class Page, class T, class DecodePage>
Outcome<T> outcome_of(const std::string& text, DecodePage&& decode_page,
                      std::vector<T> Page::*items) {
  Outcome<T> out;
  Page page;
  out.ok = decode_page(text, page, out.failure);
  out.items = std::move(page.*items);
  out.next_link = std::move(page.next_link);
  return out;
}

// `decode(text)` gives the decoder's Outcome<T>.
template <class T, class Decode>
void expect_same_as_tree(const std::string& text, Decode&& decode) {
  const std::string shown = text.size() > 400 ? text.substr(0, 400) + "..." : text;
  const Outcome<T> decoded = decode(text);
  const Outcome<T> tree = decode_with_tree<T>(text);
  ASSERT_EQ(decoded.ok, tree.ok) << shown << "\ndecoder: " << decoded.failure.detail
                                 << "\ntree: " << tree.failure.detail;
  if (!decoded.ok) {
    EXPECT_EQ(decoded.failure.kind, tree.failure.kind) << shown;
    if (tree.failure.kind == ListPageFailure::Kind::BadItem) {
      EXPECT_EQ(decoded.failure.item, tree.failure.item)
          << shown << "\ntree: " << tree.failure.detail;
    }
    return;
  }
  EXPECT_EQ(decoded.items, tree.items)
      << shown << "\ndecoder: " << nlohmann::json(decoded.items).dump()
      << "\ntree: " << nlohmann::json(tree.items).dump();
  EXPECT_EQ(decoded.next_link, tree.next_link) << shown;
}

}  // namespace tenantsync::list_page_reference
