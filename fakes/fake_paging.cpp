#include "fakes/fake_paging.h"

#include <cstdio>

#include "fakes/fake_cursor.h"
#include "fakes/fake_errors.h"

namespace tenantsync::fake {

namespace {

std::string hex64(uint64_t v) {
  char buf[20];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
  return buf;
}

}  // namespace

ListPaging::ListPaging(std::string list, const QueryParams& q, const std::string& query,
                       std::string tenant_id, const Signer& signer, double now)
    : list_(std::move(list)),
      tenant_id_(std::move(tenant_id)),
      signer_(signer),
      now_(now),
      top_(parse_top(q.get("$top"))),
      top_given_(q.get("$top").has_value()) {
  query_hash_ = hex64(stable_hash(list_ + "|" + query + "|" + std::to_string(top_)));
  if (auto token = q.get("$skiptoken")) {
    auto cursor = open_page(signer_, *token);
    if (!cursor || cursor->list != list_ || cursor->tenant_id != tenant_id_ ||
        cursor->query_hash != query_hash_ || cursor->expires_at < now_) {
      fail(400, "Directory_ExpiredPageToken",
           "The specified page token value has expired and can no longer be included in your "
           "request.");
    }
    after_ = cursor->after_id;
  }
}

std::string ListPaging::next_link(std::string link, const std::string& last_key) const {
  PageCursor next{list_, tenant_id_, last_key, query_hash_, now_ + kTokenLifetime};
  if (top_given_) link += "$top=" + std::to_string(top_) + "&";
  return link + "$skiptoken=" + seal_page(signer_, next);
}

}  // namespace tenantsync::fake
