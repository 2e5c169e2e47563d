// Parses JSON text into an nlohmann tree with simdjson doing the parsing: nlohmann's
// lexer (one heap string per token) was half the cost of reading a tenant's lists $batch,
// the bulk of a quiet delta round (issue #19). The tree is built from simdjson's tape with
// nlohmann's own typing (a non-negative integer is unsigned, a negative one signed, the
// rest floating; a repeated key keeps its last value), and text simdjson refuses (not
// JSON, integers beyond 64 bits, nesting deeper than 1,024) goes to nlohmann's parser,
// whose verdict stands: the result is what nlohmann::json::parse would have given (but
// for "-0": unsigned 0 here, signed 0 there; equal, and the same text when dumped).
#pragma once

#include <string_view>

#include <nlohmann/json.hpp>

namespace tenantsync {

// The tree of `text`, or a discarded value (is_discarded()) when it is not JSON.
nlohmann::json parse_json_tree(std::string_view text);

}  // namespace tenantsync
