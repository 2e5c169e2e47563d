// Opaque, unforgeable paging and delta tokens: the cursor is JSON sealed with the
// process's HMAC key (fake_crypto.h), so a client can neither forge nor alter one, and a
// token from an earlier run of the fake is rejected. Tokens are bound to one tenant.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "fakes/fake_crypto.h"

namespace tenantsync::fake {

// A skip token for /users or /directory/deletedItems/microsoft.graph.user.
struct PageCursor {
  std::string list;  // "users" | "deleted"
  std::string tenant_id;
  std::string after_id;    // last id of the previous page (pages go in id order)
  std::string query_hash;  // $filter/$select/$top the listing was started with
  double expires_at = 0;   // fake clock
};

// A position in a delta round (skip token) or the end of one (delta token).
struct DeltaCursor {
  enum class Phase { kInitial, kChanges, kLink };
  Phase phase = Phase::kLink;
  std::string tenant_id;
  std::string after_id;    // kInitial: last id delivered
  uint64_t after_seq = 0;  // kChanges: last change delivered; kLink: changes seen up to
  uint64_t end_seq = 0;    // kInitial/kChanges: the round's snapshot
  std::string select;      // Selection::to_string()
  int page_size = 100;
  double issued_at = 0;  // fake clock, for the 7-day expiry
};

std::string seal_page(const Signer& signer, const PageCursor& cursor);
std::optional<PageCursor> open_page(const Signer& signer, const std::string& token);
std::string seal_delta(const Signer& signer, const DeltaCursor& cursor);
std::optional<DeltaCursor> open_delta(const Signer& signer, const std::string& token);

}  // namespace tenantsync::fake
