// Turns the service's error responses into Error values (docs/graph.md "Errors").
//
// The service's code and message are kept verbatim in Error::code and Error::message so
// users see what the service said; `kind` and `refusal` are tenantsync's reading of them
// (retry? resync? which license rule refused?). Pure functions, thread-safe.
#pragma once

#include <optional>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

#include "connector/http_transport.h"
#include "model/result.h"

namespace tenantsync {

// Classifies a Graph error from its status, headers (for Retry-After) and raw body. A
// body that is not a Graph error object still yields an Error with http_status set.
Error classify_graph_error(int http_status, const HttpHeaders& headers, std::string_view body);

// Same, for an already parsed body (a $batch item's body), which may be null.
Error classify_parsed_graph_error(int http_status, const HttpHeaders& headers,
                                  const nlohmann::json& body);

// Which license or user rule a 400 message names; Refusal::None when it names none.
Refusal classify_refusal(std::string_view message);

// Retry-After in seconds: decimal seconds ("2", "2.128"). An HTTP-date or anything else
// gives nullopt (the caller then backs off on its own).
std::optional<double> parse_retry_after(std::string_view value);

// Token endpoint errors ({error, error_description: "AADSTS7000215: ...", error_codes}):
// kind Auth (Throttled/Transient for 429/5xx) with code "AADSTS7000215" and the
// description after the code as message. `body` never holds our secret (it is the
// service's answer), but callers scrub it anyway.
Error classify_token_error(int http_status, const HttpHeaders& headers, std::string_view body);

}  // namespace tenantsync
