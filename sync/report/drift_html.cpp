#include "sync/report/drift_html.h"

#include <openssl/evp.h>

#include <algorithm>
#include <string_view>
#include <vector>

#include "sync/product_names.h"

namespace tenantsync {

namespace {

constexpr std::string_view kStyle = R"css(
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;margin:2rem auto;max-width:75rem;padding:0 1rem;color:#1f2328;background:#fff}
h1{font-size:1.6rem;margin:0 0 .25rem}
h2{font-size:1.2rem;margin:2.5rem 0 .5rem;padding-bottom:.25rem;border-bottom:1px solid #d0d7de}
h3{font-size:1rem;margin:1rem 0 .25rem}
.meta{color:#59636e;margin:0 0 1rem}
#totals{font-size:1.1rem;margin:0 0 1rem;padding:.75rem 1rem;border:1px solid #d0d7de;border-left:6px solid #bf8700;border-radius:6px;background:#f6f8fa}
#totals.clean{border-left-color:#1a7f37}
#no-drift{font-weight:600;color:#1a7f37}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1rem}
th,td{text-align:left;padding:.35rem .6rem;border-bottom:1px solid #d0d7de;vertical-align:top;overflow-wrap:anywhere}
th{background:#f6f8fa;white-space:nowrap}
th.num,td.num{text-align:right}
table.sortable th{cursor:pointer;user-select:none}
table.sortable th:focus{outline:2px solid #0969da;outline-offset:-2px}
th[aria-sort=ascending]::after{content:" \25B2"}
th[aria-sort=descending]::after{content:" \25BC"}
tr.blocked td,tr.manual td{background:#fff8c5}
tr.failed td{background:#ffebe9}
td.empty{color:#1a7f37;font-style:italic}
.mode{display:inline-block;font-size:.75rem;font-weight:600;margin-left:.5rem;padding:.05rem .45rem;border-radius:1rem;background:#ddf4ff;color:#0969da;vertical-align:middle}
.mode.report{background:#eaeef2;color:#59636e}
code{font:12px ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
@media print{
body{margin:0;max-width:none;padding:0;font-size:9.5pt;color:#000}
a{color:inherit;text-decoration:none}
#totals,th,tr.blocked td,tr.manual td,tr.failed td,.mode{background:none}
#totals{border:1px solid #000}
thead{display:table-header-group}
tr{break-inside:avoid}
h2,h3{break-after:avoid}
th[aria-sort]::after{content:""}
}
)css";

constexpr std::string_view kScript = R"js(
(function () {
  'use strict';
  function text(row, index) {
    var cell = row.cells[index];
    return cell ? cell.textContent.trim() : '';
  }
  function sortBy(table, th) {
    var body = table.tBodies[0];
    if (!body || body.rows.length < 2) return;
    var index = th.cellIndex;
    var numeric = th.classList.contains('num');
    var ascending = th.getAttribute('aria-sort') !== 'ascending';
    var headers = th.parentNode.cells;
    for (var i = 0; i < headers.length; i++) headers[i].removeAttribute('aria-sort');
    th.setAttribute('aria-sort', ascending ? 'ascending' : 'descending');
    var rows = Array.prototype.slice.call(body.rows);
    var order = rows.map(function (row, i) { return { row: row, i: i, key: text(row, index) }; });
    order.sort(function (a, b) {
      var c = numeric ? (parseFloat(a.key) || 0) - (parseFloat(b.key) || 0)
                      : a.key.localeCompare(b.key, undefined, { numeric: true, sensitivity: 'base' });
      if (!ascending) c = -c;
      return c || a.i - b.i;
    });
    order.forEach(function (entry) { body.appendChild(entry.row); });
  }
  var tables = document.querySelectorAll('table.sortable');
  Array.prototype.forEach.call(tables, function (table) {
    if (!table.tHead) return;
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th) {
      th.tabIndex = 0;
      th.title = 'Sort by this column';
      th.addEventListener('click', function () { sortBy(table, th); });
      th.addEventListener('keydown', function (event) {
        if (event.key === 'Enter' || event.key === ' ') {
          event.preventDefault();
          sortBy(table, th);
        }
      });
    });
  });
})();
)js";

// "'sha256-<base64>'" for a Content-Security-Policy source list.
std::string csp_hash(std::string_view content) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_Digest(content.data(), content.size(), digest, &length, EVP_sha256(), nullptr) != 1) {
    return "'none'";
  }
  std::vector<unsigned char> encoded(4 * ((length + 2) / 3) + 1);
  const int n = EVP_EncodeBlock(encoded.data(), digest, static_cast<int>(length));
  return "'sha256-" + std::string(reinterpret_cast<const char*>(encoded.data()), n) + "'";
}

const std::string& content_security_policy() {
  static const std::string policy = "default-src 'none'; style-src " + csp_hash(kStyle) +
                                    "; script-src " + csp_hash(kScript) +
                                    "; base-uri 'none'; form-action 'none'";
  return policy;
}

std::string td(std::string_view text, std::string_view cls = {}) {
  std::string out = cls.empty() ? "<td>" : "<td class=\"" + std::string(cls) + "\">";
  return out + html_escape(text) + "</td>";
}

std::string num(int n) { return td(std::to_string(n), "num"); }

void append_summary(std::string& out, const DriftReport& report) {
  const DriftCounts& c = report.totals;
  const bool clean = !has_drift(report);
  const int tenants = static_cast<int>(report.tenants.size());
  out += "<section id=\"summary\">\n";
  out += "<p id=\"totals\" class=\"" + std::string(clean ? "clean" : "drift") + "\"";
  out += " data-items=\"" + std::to_string(c.items) + "\"";
  out += " data-blocked=\"" + std::to_string(c.blocked) + "\"";
  out += " data-failed=\"" + std::to_string(c.failed) + "\"";
  out += " data-ignored=\"" + std::to_string(c.ignored) + "\"";
  out += " data-seats-to-buy=\"" + std::to_string(c.seats_to_buy) + "\"";
  out += " data-tenants=\"" + std::to_string(tenants) + "\"";
  out += " data-tenants-with-drift=\"" + std::to_string(report.tenants_with_drift) + "\">";
  // "<strong>4 drift items</strong> in 1 of 3 tenants: ..." / "<strong>No drift</strong> in ..."
  std::string sentence = describe_totals(report);
  const size_t head = sentence.find(" in ");
  if (!sentence.empty() && sentence[0] == 'n') sentence[0] = 'N';  // "no drift ..."
  out += "<strong>" + html_escape(sentence.substr(0, head)) + "</strong>" +
         html_escape(sentence.substr(head)) + ".</p>\n";
  if (clean) {
    out += "<p id=\"no-drift\">No drift: every tenant matches the desired state.</p>\n";
  }
  if (!report.tenants.empty()) {
    out +=
        "<table class=\"summary sortable\">\n<thead><tr><th>Tenant</th><th>Mode</th>"
        "<th class=\"num\">Drift items</th><th class=\"num\">Blocked</th>"
        "<th class=\"num\">Ignored users</th><th class=\"num\">Seats to buy</th></tr></thead>\n"
        "<tbody>\n";
    for (const auto& t : report.tenants) {
      const std::string name = t.name();
      out += "<tr><td><a href=\"#tenant-" + html_escape(name) + "\">" + html_escape(name) +
             "</a></td>" + td(to_string(t.mode)) + num(t.totals.items) + num(t.totals.blocked) +
             num(t.totals.ignored) + num(t.totals.seats_to_buy) + "</tr>\n";
    }
    out += "</tbody>\n</table>\n";
  }
  out += "</section>\n";
}

void append_tenant(std::string& out, const TenantDrift& t) {
  const std::string name = t.name();
  const char* mode = to_string(t.mode);
  out += "<section class=\"tenant\" id=\"tenant-" + html_escape(name) + "\">\n";
  out += "<h2>" + html_escape(name) + "<span class=\"mode " + std::string(mode) + "\">" + mode +
         "</span></h2>\n";
  if (!t.not_planned.empty()) {  // its drift is unknown: no table that could read "No drift"
    out += "<p class=\"tenant-totals not-planned\">Not planned, drift unknown: " +
           html_escape(t.not_planned) + "</p>\n</section>\n";
    return;
  }
  out += "<p class=\"tenant-totals\" data-items=\"" + std::to_string(t.totals.items) +
         "\" data-blocked=\"" + std::to_string(t.totals.blocked) + "\">" +
         html_escape(describe_counts(t.totals)) + ".";
  if (!t.tenant_id.empty() && t.tenant_id != name) {
    out += " Tenant id <code>" + html_escape(t.tenant_id) + "</code>.";
  }
  out += "</p>\n";
  out +=
      "<table class=\"drift sortable\">\n<thead><tr><th>User</th><th>Kind</th><th>SKU</th>"
      "<th>Status</th><th>Detail</th><th>Reason</th></tr></thead>\n<tbody>\n";
  if (t.items.empty()) {
    out += "<tr><td class=\"empty\" colspan=\"6\">No drift</td></tr>\n";
  }
  for (const auto& item : t.items) {
    const char* status = to_string(item.status);
    out += "<tr class=\"item " + std::string(status) + "\" data-kind=\"" + to_string(item.kind) +
           "\" data-status=\"" + status + "\">" + td(item.user) + td(drift_kind_label(item.kind)) +
           td(product_names().label(item.sku)) + td(status) + td(item.detail) + td(item.reason) +
           "</tr>\n";
  }
  out += "</tbody>\n</table>\n";
  if (!t.ignored_users.empty()) {
    out += "<h3>Ignored users (accepted deviations, not drift)</h3>\n<ul class=\"ignored\">\n";
    for (const auto& upn : t.ignored_users) out += "<li>" + html_escape(upn) + "</li>\n";
    out += "</ul>\n";
  }
  if (!t.seats.empty()) {
    out +=
        "<h3>Seats</h3>\n<table class=\"seats sortable\">\n<thead><tr><th>SKU</th>"
        "<th class=\"num\">Enabled</th><th class=\"num\">Consumed</th>"
        "<th class=\"num\">After plan</th><th class=\"num\">Shortfall</th><th>Advice</th>"
        "</tr></thead>\n<tbody>\n";
    for (const auto& seat : t.seats) {
      out += "<tr" + std::string(seat.shortfall > 0 ? " class=\"blocked\"" : "") + ">" +
             td(product_names().label(seat.sku)) + num(seat.enabled) + num(seat.consumed) +
             num(seat.after_plan) + num(seat.shortfall) + td(seat_advice(seat)) + "</tr>\n";
    }
    out += "</tbody>\n</table>\n";
  }
  if (!t.notes.empty()) {
    out += "<h3>Notes</h3>\n<ul class=\"notes\">\n";
    for (const auto& note : t.notes) out += "<li>" + html_escape(note) + "</li>\n";
    out += "</ul>\n";
  }
  out += "</section>\n";
}

}  // namespace

std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string render_drift_html(const DriftReport& report) {
  const std::string generated = format_iso8601(report.generated_at);
  std::string out;
  out += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  // The policy is ours alone (keywords and base64): nothing in it needs escaping.
  out += "<meta http-equiv=\"Content-Security-Policy\" content=\"" + content_security_policy() +
         "\">\n";
  out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  out += "<meta name=\"generator\" content=\"tenantsync\">\n";
  out += "<title>Drift report " + html_escape(generated) + "</title>\n";
  out += "<style>" + std::string(kStyle) + "</style>\n</head>\n<body>\n";
  out += "<header>\n<h1>Drift report</h1>\n<p class=\"meta\">Generated <time datetime=\"" +
         html_escape(generated) + "\">" + html_escape(generated) + "</time>";
  if (!report.fingerprint.empty()) {
    out += " from mirror state <code>" + html_escape(report.fingerprint) + "</code>";
  }
  out += ".</p>\n</header>\n<main>\n";
  append_summary(out, report);
  for (const auto& tenant : report.tenants) append_tenant(out, tenant);
  out += "</main>\n<script>" + std::string(kScript) + "</script>\n</body>\n</html>\n";
  return out;
}

}  // namespace tenantsync
