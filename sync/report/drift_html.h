// The drift report as one self-contained HTML page (`drift --format html`).
//
// The page loads nothing: CSS and a small script are inline, there are no fonts, images
// or links outside the page, and a Content-Security-Policy meta tag allows only that
// exact style and script (by SHA-256 hash), so even a string that slipped past escaping
// could not load or run anything. Every string from the directory is entity-escaped
// (display names and service messages are untrusted).
//
// Landmarks a browser test or a script can rely on:
//   #summary           the summary section at the top
//   #totals            the overall totals sentence, with data-items, data-blocked,
//                      data-failed, data-ignored, data-seats-to-buy, data-tenants and
//                      data-tenants-with-drift attributes
//   table.summary      one row per tenant (link, mode, items, blocked, ignored, seats)
//   #tenant-<domain>   one section per tenant (<section class="tenant">), holding a
//                      table.drift (always present; one "No drift" row when clean) whose
//                      rows are tr.item with data-kind and data-status, then ignored users
//                      (ul.ignored), seats (table.seats) and notes (ul.notes) when any
//   #no-drift          the "No drift: every tenant matches the desired state." line, only
//                      when clean
//
// Tables are readable without script; with it, clicking (or Enter on) a column header
// sorts by that column, again to reverse. A print stylesheet drops colours and repeats
// table headers on every page.
#pragma once

#include <string>

#include "sync/report/drift.h"

namespace tenantsync {

std::string render_drift_html(const DriftReport& report);

// & < > " ' as entities: safe in element text and in quoted attribute values.
std::string html_escape(std::string_view text);

}  // namespace tenantsync
