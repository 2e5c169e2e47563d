#include "sync/report/drift_render.h"

#include <algorithm>
#include <array>
#include <utility>
#include <vector>

#include "model/json_text.h"
#include "sync/csv_field.h"
#include "sync/display_width.h"
#include "sync/plural.h"
#include "sync/product_names.h"
#include "sync/report/drift_html.h"

namespace tenantsync {

const char* to_string(DriftFormat format) {
  switch (format) {
    case DriftFormat::Text:
      return "text";
    case DriftFormat::Json:
      return "json";
    case DriftFormat::Csv:
      return "csv";
    case DriftFormat::Markdown:
      return "md";
    case DriftFormat::Html:
      return "html";
  }
  return "text";
}

std::optional<DriftFormat> parse_drift_format(std::string_view text) {
  for (DriftFormat format : {DriftFormat::Text, DriftFormat::Json, DriftFormat::Csv,
                             DriftFormat::Markdown, DriftFormat::Html}) {
    if (text == to_string(format)) return format;
  }
  return std::nullopt;
}

namespace {

using Json = nlohmann::ordered_json;

// ---- JSON ----

// Adds the counts' keys to `j`, an object.
void put_counts(Json& j, const DriftCounts& c) {
  Json by_kind = Json::object();
  for (DriftKind kind : kAllDriftKinds) by_kind[to_string(kind)] = c.of(kind);
  j["items"] = c.items;
  j["blocked"] = c.blocked;
  j["failed"] = c.failed;
  j["ignored"] = c.ignored;
  j["seatsToBuy"] = c.seats_to_buy;
  j["byKind"] = std::move(by_kind);
}

Json item_json(const DriftItem& item) {
  Json j = Json::object();
  j["kind"] = to_string(item.kind);
  j["user"] = item.user;
  j["userId"] = item.user_id;
  j["sku"] = item.sku;
  j["productName"] = product_names().name_of(item.sku);
  j["disabledPlans"] = item.disabled_plans;
  j["detail"] = item.detail;
  j["status"] = to_string(item.status);
  j["blocked"] = item.blocked();
  j["reason"] = item.reason;
  return j;
}

Json seat_json(const SeatLine& s) {
  Json j = Json::object();
  j["sku"] = s.sku;
  j["productName"] = product_names().name_of(s.sku);
  j["skuId"] = s.sku_id;
  j["enabled"] = s.enabled;
  j["consumed"] = s.consumed;
  j["afterPlan"] = s.after_plan;
  j["shortfall"] = s.shortfall;
  j["grace"] = s.grace;
  j["graceCounted"] = s.grace_counted;
  j["advice"] = seat_advice(s);
  return j;
}

Json tenant_json(const TenantDrift& t) {
  Json items = Json::array();
  for (const auto& item : t.items) items.push_back(item_json(item));
  Json seats = Json::array();
  for (const auto& seat : t.seats) seats.push_back(seat_json(seat));
  Json j = Json::object();
  j["tenant"] = t.tenant;
  j["tenantId"] = t.tenant_id;
  j["mode"] = to_string(t.mode);
  j["items"] = std::move(items);
  j["ignored"] = t.ignored_users;
  j["seats"] = std::move(seats);
  j["notes"] = t.notes;
  j["notPlanned"] = t.not_planned;
  Json totals = Json::object();
  put_counts(totals, t.totals);
  j["totals"] = std::move(totals);
  return j;
}

// ---- text ----

// Terminal-safe: control characters (an ANSI escape in a display name) become '?'.
std::string terminal_safe(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    out += (u < 0x20 || u == 0x7f) ? '?' : c;
  }
  return out;
}

void append_row(std::string& out, const std::vector<std::string>& cells,
                const std::vector<size_t>& widths) {
  std::string line = "  ";
  for (size_t i = 0; i < cells.size(); ++i) {
    line += cells[i];
    if (i + 1 < cells.size()) line += std::string(widths[i] - display_width(cells[i]) + 2, ' ');
  }
  while (!line.empty() && line.back() == ' ') line.pop_back();
  out += line + "\n";
}

std::string render_text(const DriftReport& report) {
  std::string out = "Drift report, generated " + format_iso8601(report.generated_at) + ", " +
                    plural(static_cast<int>(report.tenants.size()), "tenant", "tenants") + "\n";
  for (const auto& t : report.tenants) {
    bool shortfall = std::any_of(t.seats.begin(), t.seats.end(),
                                 [](const SeatLine& s) { return s.shortfall > 0; });
    if (!t.has_drift() && t.not_planned.empty() && t.ignored_users.empty() && t.notes.empty() &&
        !shortfall) {
      continue;
    }
    if (!t.not_planned.empty()) {  // its drift is unknown: said apart, never "no drift"
      out += "\n" + terminal_safe(t.name()) + " (" + to_string(t.mode) +
             "): NOT PLANNED, drift unknown: " + terminal_safe(t.not_planned) + "\n";
      continue;
    }
    out += "\n" + terminal_safe(t.name()) + " (" + to_string(t.mode) +
           "): " + describe_counts(t.totals) + "\n";
    if (t.has_drift()) {
      std::vector<std::vector<std::string>> rows;
      rows.push_back({"USER", "KIND", "SKU", "STATUS", "DETAIL"});
      for (const auto& item : t.items) {
        std::string detail = item.detail;
        if (!item.reason.empty()) detail += " (" + item.reason + ")";
        rows.push_back({terminal_safe(item.user), drift_kind_label(item.kind),
                        terminal_safe(item.sku.empty() ? "-" : product_names().label(item.sku)),
                        to_string(item.status), terminal_safe(detail)});
      }
      std::vector<size_t> widths(rows.front().size(), 0);
      for (const auto& row : rows) {
        for (size_t i = 0; i < row.size(); ++i) {
          widths[i] = std::max(widths[i], display_width(row[i]));
        }
      }
      for (const auto& row : rows) append_row(out, row, widths);
    }
    for (const auto& upn : t.ignored_users) {
      out += "  ignored (accepted deviation): " + terminal_safe(upn) + "\n";
    }
    for (const auto& seat : t.seats) {
      if (seat.shortfall <= 0) continue;
      out += "  seats: " + terminal_safe(seat_advice(seat)) + " (" + std::to_string(seat.enabled) +
             " enabled, " + std::to_string(seat.consumed) + " consumed, " +
             std::to_string(seat.after_plan) + " after plan)\n";
    }
    for (const auto& note : t.notes) out += "  note: " + terminal_safe(note) + "\n";
  }
  out += "\n";
  if (!has_drift(report)) {
    out += "No drift: every tenant matches the desired state.\n";
    if (report.totals.ignored > 0 || report.totals.seats_to_buy > 0) {
      out += "Totals: " + describe_totals(report) + "\n";
    }
  } else {
    out += "Totals: " + describe_totals(report) + "\n";
  }
  return out;
}

// ---- CSV ----

std::string render_csv(const DriftReport& report) {
  // productName last: scripts that read columns by position keep working.
  std::string out = "tenant,user,kind,sku,detail,status,reason,productName\r\n";
  for (const auto& t : report.tenants) {
    const std::string& tenant = t.name();
    for (const auto& item : t.items) {
      const std::string product = product_names().name_of(item.sku);
      const std::array<std::string_view, 8> fields = {
          tenant,      item.user,   to_string(item.kind),
          item.sku,    item.detail, to_string(item.status),
          item.reason, product};
      for (size_t i = 0; i < fields.size(); ++i) {
        if (i > 0) out += ',';
        out += csv_field(fields[i]);
      }
      out += "\r\n";
    }
    if (!t.not_planned.empty()) {
      const std::array<std::string_view, 8> fields = {
          tenant, "", "not-planned", "", t.not_planned, "unknown", "", ""};
      for (size_t i = 0; i < fields.size(); ++i) {
        if (i > 0) out += ',';
        out += csv_field(fields[i]);
      }
      out += "\r\n";
    }
  }
  return out;
}

// ---- Markdown ----

// Safe inside a table cell and in running text: Markdown punctuation is backslash-escaped,
// HTML-significant characters become entities, line breaks become spaces.
std::string md(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '\\':
      case '`':
      case '*':
      case '_':
      case '[':
      case ']':
      case '|':
      case '~':
      case '#':
      case '!':
        out += '\\';
        out += c;
        break;
      case '<':
      case '>':
      case '&':
        out += html_escape(std::string_view(&c, 1));
        break;
      case '\r':
      case '\n':
      case '\t':
        out += ' ';
        break;
      default:
        out += c;
    }
  }
  return out;
}

// "no drift" -> "No drift", to start a sentence.
std::string sentence_case(std::string text) {
  if (!text.empty() && text[0] >= 'a' && text[0] <= 'z') text[0] = static_cast<char>(text[0] - 32);
  return text;
}

std::string md_row(const std::vector<std::string>& cells) {
  std::string row = "|";
  for (const auto& cell : cells) row += " " + cell + " |";
  return row + "\n";
}

std::string render_markdown(const DriftReport& report) {
  std::string out = "# Drift report\n\n";
  out += "Generated " + format_iso8601(report.generated_at) + ". **" +
         md(sentence_case(describe_totals(report))) + ".**\n\n";
  if (!has_drift(report)) out += "No drift: every tenant matches the desired state.\n\n";
  if (!report.tenants.empty()) {
    out += "| Tenant | Mode | Drift items | Blocked | Ignored | Seats to buy |\n";
    out += "| --- | --- | ---: | ---: | ---: | ---: |\n";
    for (const auto& t : report.tenants) {
      out += md_row({md(t.name()), to_string(t.mode), std::to_string(t.totals.items),
                     std::to_string(t.totals.blocked), std::to_string(t.totals.ignored),
                     std::to_string(t.totals.seats_to_buy)});
    }
  }
  for (const auto& t : report.tenants) {
    out += "\n## " + md(t.name()) + " (" + to_string(t.mode) + ")\n\n";
    if (!t.not_planned.empty()) {
      out += "**Not planned, drift unknown:** " + md(t.not_planned) + "\n";
      continue;
    }
    out += md(sentence_case(describe_counts(t.totals))) + ".\n";
    if (t.has_drift()) {
      out += "\n| User | Kind | SKU | Status | Detail | Reason |\n";
      out += "| --- | --- | --- | --- | --- | --- |\n";
      for (const auto& item : t.items) {
        out +=
            md_row({md(item.user), drift_kind_label(item.kind), md(product_names().label(item.sku)),
                    to_string(item.status), md(item.detail), md(item.reason)});
      }
    }
    if (!t.ignored_users.empty()) {
      out += "\nIgnored users (accepted deviations, not drift):\n\n";
      for (const auto& upn : t.ignored_users) out += "- " + md(upn) + "\n";
    }
    bool first_seat = true;
    for (const auto& seat : t.seats) {
      if (seat.shortfall <= 0) continue;
      if (first_seat) out += "\nSeats:\n\n";
      first_seat = false;
      out += "- " + md(seat_advice(seat)) + " (" + std::to_string(seat.enabled) + " enabled, " +
             std::to_string(seat.consumed) + " consumed, " + std::to_string(seat.after_plan) +
             " after plan)\n";
    }
    if (!t.notes.empty()) {
      out += "\nNotes:\n\n";
      for (const auto& note : t.notes) out += "- " + md(note) + "\n";
    }
  }
  return out;
}

}  // namespace

nlohmann::ordered_json drift_report_to_json(const DriftReport& report) {
  Json tenants = Json::array();
  for (const auto& t : report.tenants) tenants.push_back(tenant_json(t));
  Json totals = Json::object();
  totals["tenants"] = static_cast<int>(report.tenants.size());
  totals["tenantsWithDrift"] = report.tenants_with_drift;
  totals["tenantsNotPlanned"] = report.tenants_not_planned;
  put_counts(totals, report.totals);
  Json j = Json::object();
  j["version"] = 1;
  j["generatedAt"] = format_iso8601(report.generated_at);
  j["fingerprint"] = report.fingerprint;
  j["tenants"] = std::move(tenants);
  j["totals"] = std::move(totals);
  j["drift"] = has_drift(report);
  return j;
}

std::string render_drift(const DriftReport& report, DriftFormat format) {
  switch (format) {
    case DriftFormat::Text:
      return render_text(report);
    case DriftFormat::Json:
      return dump_json(drift_report_to_json(report), 2) + "\n";
    case DriftFormat::Csv:
      return render_csv(report);
    case DriftFormat::Markdown:
      return render_markdown(report);
    case DriftFormat::Html:
      return render_drift_html(report);
  }
  return render_text(report);
}

}  // namespace tenantsync
