#include "connector/http_transport.h"

#include <strings.h>

namespace tenantsync {

const std::string* HttpResponse::header(std::string_view name) const {
  auto it = headers.find(std::string(name));
  return it == headers.end() ? nullptr : &it->second;
}

void TransportStats::record_response(int status) {
  requests_ += 1;
  if (status == 429) throttled_ += 1;
  std::lock_guard<std::mutex> lock(mu_);
  by_status_[status] += 1;
}

void TransportStats::record_dropped() {
  requests_ += 1;
  dropped_ += 1;
}

TransportStats::Snapshot& TransportStats::Snapshot::operator+=(const Snapshot& other) {
  for (const auto& [status, count] : other.responses_by_status)
    responses_by_status[status] += count;
  requests += other.requests;
  throttled += other.throttled;
  retries += other.retries;
  dropped += other.dropped;
  return *this;
}

TransportStats::Snapshot TransportStats::snapshot() const {
  Snapshot s;
  {
    std::lock_guard<std::mutex> lock(mu_);
    s.responses_by_status = by_status_;
  }
  s.requests = requests_.load();
  s.throttled = throttled_.load();
  s.retries = retries_.load();
  s.dropped = dropped_.load();
  return s;
}

const std::string* find_request_header(const HttpRequest& request, std::string_view name) {
  for (const auto& [k, v] : request.headers) {
    if (k.size() == name.size() && strncasecmp(k.data(), name.data(), k.size()) == 0) return &v;
  }
  return nullptr;
}

}  // namespace tenantsync
