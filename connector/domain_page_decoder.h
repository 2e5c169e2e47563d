// Decodes one page of a tenant's domains (GET /domains) straight from simdjson's parse,
// without an nlohmann tree: the domains come with the lists of every round, and were the
// last of them a round still read through a tree (issue #19).
//
// It accepts and refuses exactly what decoding the tree with model/domain.cpp's from_json
// does (list_page_decoding.h has the page's rules): id is a required string, and
// isDefault, isInitial and isVerified are true only when they are the boolean true, so an
// unknown domain is never taken as verified. Null is not a string. Unknown properties
// (supportedServices, authenticationType ...) are skipped.
#pragma once

#include <string>
#include <vector>

#include "connector/list_page_failure.h"
#include "model/domain.h"

namespace tenantsync {

struct DecodedDomainPage {
  std::vector<Domain> domains;
  std::string next_link;  // @odata.nextLink when it is a string; "" otherwise
};

// False, with `failure` filled, when the page cannot be used.
bool decode_domain_page(const std::string& text, DecodedDomainPage& out, ListPageFailure& failure);

}  // namespace tenantsync
