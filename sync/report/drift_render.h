// Drift report formats: what `drift --format text|json|csv|md|html` prints or writes.
//
// Every format is deterministic for a given report except the generated timestamp, and
// lists tenants by domain and items by user, kind and SKU (the report's order). Strings
// from the directory (user names, display names, service messages) are untrusted and
// escaped for each format. Pure functions; safe from any thread.
//
// text: for a terminal. One block per tenant that has something to say (drift, ignored
//   users, seats to buy, notes), with aligned columns USER KIND SKU STATUS DETAIL (SKU as
//   "Microsoft 365 E3 (SPE_E3)" where the product's name is known), then a
//   totals line ("Totals: ..."), or "No drift: every tenant matches the desired state."
//   A tenant not planned is one line "<tenant> (mode): NOT PLANNED, drift unknown: why".
//
// json: a stable shape for scripts; every key is always present (empty string, empty
//   array or 0 rather than absent), keys in this order, new keys only ever added:
//   {
//     "version": 1,
//     "generatedAt": "2026-11-20T00:00:00Z",
//     "fingerprint": "sha256:...",           // of the mirror state behind the plan
//     "tenants": [
//       { "tenant": "contoso.onmicrosoft.com", "tenantId": "...", "mode": "enforce|report",
//         "items": [
//           { "kind": "missing-license|extra-license|disabled-plans-differ|"
//                     "should-be-restored|should-be-deleted|should-be-created|"
//                     "user-not-found|properties-differ",
//             "user": "alice@contoso.onmicrosoft.com", "userId": "...",
//             "sku": "SPE_E3",                   // "" for user-level kinds
//             "productName": "Microsoft 365 E3", // "" when unknown (sync/product_names.h)
//             "disabledPlans": ["YAMMER_ENTERPRISE"],  // names where known, else ids
//             "detail": "should hold SPE_E3 ...", // one sentence for people
//             "status": "ready|blocked|failed|skipped|manual",
//             "blocked": false,                  // status == "blocked"
//             "reason": "" } ],                  // why blocked / service error / note
//         "ignored": ["ceo@contoso.onmicrosoft.com"],   // accepted deviations, not drift
//         "seats": [ { "sku": "SPE_E3", "productName": "Microsoft 365 E3", "skuId": "...",
//         "enabled": 25, "consumed": 24,
//                      "afterPlan": 26, "shortfall": 1,
//                      "advice": "buy 1 more seat of SPE_E3" } ],  // "" when no shortfall
//         "notes": ["..."],
//         "notPlanned": "",                   // why the tenant was not planned at all
//                                             // (gone, never read whole); drift unknown
//         "totals": { "items": 3, "blocked": 1, "failed": 0, "ignored": 1, "seatsToBuy": 1,
//                     "byKind": { "missing-license": 1, "extra-license": 1,
//                                 "disabled-plans-differ": 0, "should-be-restored": 0,
//                                 "should-be-deleted": 0, "should-be-created": 0,
//                                 "user-not-found": 1, "properties-differ": 0 } } } ],
//     "totals": { "tenants": 2, "tenantsWithDrift": 1, "tenantsNotPlanned": 0,
//                 "items": 3, "blocked": 1,
//                 "failed": 0, "ignored": 1, "seatsToBuy": 1, "byKind": { ...all seven } },
//     "drift": true                             // has_drift(): what --detailed-exitcode uses
//   }
//
// csv: RFC 4180 (CRLF line ends; a field holding a comma, quote, CR or LF is quoted, with
//   quotes doubled), UTF-8 without BOM. Header
//   `tenant,user,kind,sku,detail,status,reason,productName`,
//   then one row per drift item; kind and status as in JSON, and per tenant not planned
//   one row with kind "not-planned", status "unknown" and the reason as detail. Ignored
//   users and totals are not rows. A field that would start with = + - @ (a spreadsheet
//   formula) gets a leading apostrophe.
//
// md: Markdown (CommonMark + GitHub tables): a heading, the totals, a summary table of
//   tenants, then a "## <tenant>" section per tenant with its table, ignored users, seats
//   to buy and notes. Table cells escape Markdown punctuation, `|` and HTML.
//
// html: one self-contained page (sync/report/drift_html.h).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "sync/report/drift.h"

namespace tenantsync {

enum class DriftFormat { Text, Json, Csv, Markdown, Html };

const char* to_string(DriftFormat format);  // "text" | "json" | "csv" | "md" | "html"
std::optional<DriftFormat> parse_drift_format(std::string_view text);

// The report in `format`, ending in a newline.
std::string render_drift(const DriftReport& report, DriftFormat format);

// The JSON shape above, as a value (e.g. for a webhook body).
nlohmann::ordered_json drift_report_to_json(const DriftReport& report);

}  // namespace tenantsync
