#include "connector/daemon_metrics.h"

#include <algorithm>
#include <cstdio>

#include "sync/run/cycle_outcome.h"

namespace tenantsync {

namespace {

// Label values escape backslash, double quote and newline (exposition format 0.0.4).
std::string label(const std::string& value) {
  std::string out;
  for (char c : value) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

double unix_seconds(Clock::time_point t) {
  return std::chrono::duration<double>(t.time_since_epoch()).count();
}

// 15 significant digits: a Unix time keeps its milliseconds ("%g" printed 1.7648e+09, off
// by up to ~5,000 s) and 0.1 still prints as 0.1.
std::string number(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.15g", v);
  return buf;
}

void header(std::string& out, const char* name, const char* type, const char* help) {
  out += std::string("# HELP tenantsync_") + name + " " + help + "\n";
  out += std::string("# TYPE tenantsync_") + name + " " + type + "\n";
}

// Every sample line of `text` with shard="spec" as its first label.
std::string with_shard_label(const std::string& text, const std::string& spec) {
  std::string out;
  out.reserve(text.size() + text.size() / 4);
  const std::string shard = "shard=\"" + label(spec) + "\"";
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string_view line(text.data() + start, end - start);
    size_t cut = line.find_first_of("{ ");
    if (line.empty() || line[0] == '#' || cut == std::string_view::npos) {
      out += line;
    } else if (line[cut] == '{') {
      out.append(line.substr(0, cut + 1)).append(shard).append(",").append(line.substr(cut + 1));
    } else {
      out.append(line.substr(0, cut)).append("{" + shard + "}").append(line.substr(cut));
    }
    out += '\n';
    start = end + 1;
  }
  return out;
}

}  // namespace

void DaemonMetrics::set_shard(std::string spec) {
  std::lock_guard<std::mutex> lock(mu_);
  shard_ = std::move(spec);
}

DaemonMetrics::DaemonMetrics(std::chrono::seconds every, Clock::time_point started,
                             int failed_cycles_before_unhealthy)
    : every_(every),
      started_(started),
      failed_cycles_before_unhealthy_(std::max(1, failed_cycles_before_unhealthy)) {}

void DaemonMetrics::set_interval(std::chrono::seconds every) {
  std::lock_guard<std::mutex> lock(mu_);
  every_ = every;
}

void DaemonMetrics::cycle_finished(const CycleResult& cycle, const CycleOutcome& outcome,
                                   Clock::time_point finished,
                                   const std::vector<SeatGauge>& seats) {
  std::lock_guard<std::mutex> lock(mu_);
  last_finished_ = finished;
  last_status_ = to_string(outcome.status);
  cycles_by_status_[last_status_] += 1;
  cycle_seconds_sum_ += cycle.seconds;
  last_cycle_seconds_ = cycle.seconds;
  cycle_count_ += 1;
  cache_problem_.clear();
  if (cycle.error && cycle.error->kind == ErrorKind::Io) cache_problem_ = cycle.error->message;
  if (outcome.status == CycleStatus::Ok || outcome.status == CycleStatus::Drift) {
    last_success_ = finished;
  }
  if (outcome.status == CycleStatus::Failed || outcome.status == CycleStatus::Refused) {
    failing_in_a_row_ += 1;
    failing_reason_ = outcome.status == CycleStatus::Failed ? "failed: " + outcome.error : "";
    for (const auto* t : outcome.with(TenantStatus::Refused)) {
      failing_reason_ +=
          (failing_reason_.empty() ? "refused: " : "; ") + t->tenant + ": " + t->detail;
    }
  } else {
    failing_in_a_row_ = 0;
    failing_reason_.clear();
  }
  drift_items_.clear();
  for (const auto& t : cycle.left.tenants) drift_items_[t.name()] = t.totals.items;
  tenant_status_.clear();
  for (const auto& t : outcome.tenants) {
    tenant_status_[t.tenant] = to_string(t.status);
    if (!t.refused) continue;
    for (const auto& limit : t.refused->limits) refusals_[{t.tenant, limit}] += 1;
  }
  if (cycle.apply) {
    for (const auto& t : cycle.apply->plan.tenants) {
      for (const auto& o : t.operations) operations_[{to_string(o.op), to_string(o.status)}] += 1;
    }
  }
  seats_free_.clear();
  for (const auto& s : seats) seats_free_[{s.tenant, s.sku}] = s.free;
}

void DaemonMetrics::http(const TransportStats::Snapshot& snapshot) {
  std::lock_guard<std::mutex> lock(mu_);
  http_ = snapshot;
}

StatusReply DaemonMetrics::health(Clock::time_point now) const {
  std::lock_guard<std::mutex> lock(mu_);
  StatusReply r;
  auto since = last_finished_.value_or(started_);
  auto allowed = 2 * every_ + std::chrono::seconds(60);
  long age =
      static_cast<long>(std::chrono::duration_cast<std::chrono::seconds>(now - since).count());
  std::string last = last_finished_ ? "last cycle finished " + format_iso8601(*last_finished_) +
                                          " (" + last_status_ + ")"
                                    : "no cycle finished yet";
  if (!cache_problem_.empty()) {
    r.status = 503;
    r.body = "unhealthy: the cache is unusable: " + cache_problem_ + "; " + last + "\n";
  } else if (failing_in_a_row_ >= failed_cycles_before_unhealthy_) {
    r.status = 503;
    r.body = "unhealthy: " + std::to_string(failing_in_a_row_) +
             (failing_in_a_row_ == 1 ? " cycle" : " cycles in a row") + " " + failing_reason_ +
             "; " + last + "\n";
  } else if (now - since > allowed) {
    r.status = 503;
    r.body = "unhealthy: late: " + last + ", " + std::to_string(age) + " s ago; cycles run every " +
             std::to_string(every_.count()) + " s\n";
  } else {
    r.body = "ok: " + last + "\n";
  }
  return r;
}

StatusReply DaemonMetrics::prometheus(Clock::time_point now) const {
  std::lock_guard<std::mutex> lock(mu_);
  StatusReply r;
  r.content_type = "text/plain; version=0.0.4; charset=utf-8";
  std::string& out = r.body;
  header(out, "up", "gauge", "1 while the scheduler runs.");
  out += "tenantsync_up 1\n";
  header(out, "cycles_total", "counter", "Reconcile cycles finished, by status.");
  for (const char* s : {"ok", "drift", "partial", "refused", "failed"}) {
    auto it = cycles_by_status_.find(s);
    out += std::string("tenantsync_cycles_total{status=\"") + s + "\"} " +
           std::to_string(it == cycles_by_status_.end() ? 0 : it->second) + "\n";
  }
  header(out, "cycle_duration_seconds", "summary", "Wall time of the reconcile cycles.");
  out += "tenantsync_cycle_duration_seconds_sum " + number(cycle_seconds_sum_) + "\n";
  out += "tenantsync_cycle_duration_seconds_count " + std::to_string(cycle_count_) + "\n";
  header(out, "last_cycle_duration_seconds", "gauge", "Wall time of the last cycle.");
  out += "tenantsync_last_cycle_duration_seconds " + number(last_cycle_seconds_) + "\n";
  header(out, "last_success_timestamp_seconds", "gauge",
         "Unix time of the last ok or drift cycle (0: none yet).");
  out += "tenantsync_last_success_timestamp_seconds " +
         number(last_success_ ? unix_seconds(*last_success_) : 0) + "\n";
  header(out, "seconds_since_last_cycle", "gauge", "Age of the last finished cycle (or start).");
  out += "tenantsync_seconds_since_last_cycle " +
         number(std::chrono::duration<double>(now - last_finished_.value_or(started_)).count()) +
         "\n";
  header(out, "drift_items", "gauge", "Drift items left after the last cycle, per tenant.");
  for (const auto& [tenant, n] : drift_items_) {
    out += "tenantsync_drift_items{tenant=\"" + label(tenant) + "\"} " + std::to_string(n) + "\n";
  }
  header(out, "tenant_status", "gauge",
         "1 for each tenant's status in the last cycle (ok, drift, partial, refused, stale, "
         "gone, failed).");
  for (const auto& [tenant, status] : tenant_status_) {
    out +=
        "tenantsync_tenant_status{tenant=\"" + label(tenant) + "\",status=\"" + status + "\"} 1\n";
  }
  header(out, "safety_refusals_total", "counter",
         "Cycles in which a tenant was over a safety limit, by tenant and config key.");
  for (const auto& [key, n] : refusals_) {
    out += "tenantsync_safety_refusals_total{tenant=\"" + label(key.first) + "\",limit=\"" +
           label(key.second) + "\"} " + std::to_string(n) + "\n";
  }
  header(out, "operations_total", "counter",
         "Operations the cycles carried out, by kind and outcome.");
  for (const auto& [key, n] : operations_) {
    out += "tenantsync_operations_total{op=\"" + label(key.first) + "\",outcome=\"" +
           label(key.second) + "\"} " + std::to_string(n) + "\n";
  }
  header(out, "http_requests_total", "counter", "HTTP responses from the remote, by status.");
  for (const auto& [status, n] : http_.responses_by_status) {
    out += "tenantsync_http_requests_total{status=\"" + std::to_string(status) + "\"} " +
           std::to_string(n) + "\n";
  }
  header(out, "http_throttled_total", "counter",
         "Throttled responses (429), $batch items included.");
  out += "tenantsync_http_throttled_total " + std::to_string(http_.throttled) + "\n";
  header(out, "http_retries_total", "counter", "Requests sent again after a throttle or failure.");
  out += "tenantsync_http_retries_total " + std::to_string(http_.retries) + "\n";
  header(out, "http_dropped_total", "counter", "Requests without a complete response.");
  out += "tenantsync_http_dropped_total " + std::to_string(http_.dropped) + "\n";
  header(out, "seats_free", "gauge", "Free seats per tenant and SKU after the last cycle.");
  for (const auto& [key, n] : seats_free_) {
    out += "tenantsync_seats_free{tenant=\"" + label(key.first) + "\",sku=\"" + label(key.second) +
           "\"} " + std::to_string(n) + "\n";
  }
  if (!shard_.empty()) out = with_shard_label(out, shard_);
  return r;
}

}  // namespace tenantsync
