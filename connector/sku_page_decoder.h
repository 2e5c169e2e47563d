// Decodes one page of a tenant's subscribed SKUs (GET /subscribedSkus) straight from
// simdjson's parse into Skus, without an nlohmann tree: a page of four SKUs with their
// service plans is about 7.5 KB, the largest answer of a quiet delta round's $batch, and
// building its tree cost about 50 instructions a byte (issue #19).
//
// It accepts and refuses exactly what decoding the tree with model/sku.cpp's from_json
// does: skuId, skuPartNumber and servicePlanId are required strings; the other strings are
// optional but are strings when present (null is refused); consumedUnits and the
// prepaidUnits counts are absent, null or whole numbers from 0 to a billion; prepaidUnits
// is an object and servicePlans an array of objects when present; a repeated key keeps its
// last value; unknown properties are skipped. Text simdjson refuses (not JSON, integers
// beyond 64 bits, nesting deeper than 1,024) is decoded through the tree instead, so the
// verdict on those is nlohmann's.
#pragma once

#include <string>
#include <vector>

#include "connector/list_page_failure.h"
#include "model/sku.h"

namespace tenantsync {

struct DecodedSkuPage {
  std::vector<Sku> skus;
  std::string next_link;  // @odata.nextLink when it is a string; "" otherwise
};

using SkuPageFailure = ListPageFailure;

// Returns false and fills `failure` when the page cannot be used.
bool decode_sku_page(const std::string& text, DecodedSkuPage& out, SkuPageFailure& failure);

}  // namespace tenantsync
