// The $top / $skiptoken paging every list fake-graph serves shares (users, deleted users,
// contracts, role assignments): the page size asked for, where a page starts (the sealed
// cursor of a $skiptoken, which must come from the same list, tenant and query and must
// not have expired, else 400 Directory_ExpiredPageToken as the service answers), and the
// nextLink that continues a page. Lists go in a stable order by a key (an id, an index),
// and a cursor holds the last key of the page before.
#pragma once

#include <string>

#include "fakes/fake_crypto.h"
#include "fakes/fake_query.h"

namespace tenantsync::fake {

class ListPaging {
 public:
  // A skip token lives this long (seconds of the fake clock).
  static constexpr double kTokenLifetime = 3600;

  // `list` names the list: a token of one list is refused by another. `query` is what
  // else shapes the listing ($filter, $select), so a token is refused under another one.
  // Fails (400) on a skip token that is forged, expired or from another listing.
  ListPaging(std::string list, const QueryParams& q, const std::string& query,
             std::string tenant_id, const Signer& signer, double now);

  int top() const { return top_; }
  // The key the page starts after; "" for the first page.
  const std::string& after() const { return after_; }

  // The nextLink after a page that ended at `last_key`: `link` (up to and including its
  // '?' or '&', with the listing's own $filter/$select) plus the $top asked for and a new
  // $skiptoken.
  std::string next_link(std::string link, const std::string& last_key) const;

 private:
  std::string list_;
  std::string tenant_id_;
  const Signer& signer_;
  double now_;
  int top_;
  bool top_given_;
  std::string query_hash_;
  std::string after_;
};

}  // namespace tenantsync::fake
