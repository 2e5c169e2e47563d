#include "sync/password_reset.h"

#include <algorithm>

namespace tenantsync {

nlohmann::json password_reset_body(std::string_view password) {
  return {{"passwordProfile",
           {{"forceChangePasswordNextSignIn", true}, {"password", std::string(password)}}}};
}

std::vector<PasswordResetResult> reset_passwords(Directory& directory, const std::string& tenant,
                                                 const std::vector<PasswordReset>& resets,
                                                 size_t chunk) {
  chunk = std::max<size_t>(1, chunk);
  std::vector<PasswordResetResult> results;
  results.reserve(resets.size());
  for (size_t start = 0; start < resets.size(); start += chunk) {
    size_t end = std::min(resets.size(), start + chunk);
    std::vector<WriteRequest> requests;
    for (size_t i = start; i < end; ++i) {
      WriteRequest r;
      r.kind = WriteRequest::Kind::UpdateUser;
      r.user = resets[i].user_id.empty() ? resets[i].upn : resets[i].user_id;
      r.body = password_reset_body(resets[i].password);
      requests.push_back(std::move(r));
    }
    std::vector<WriteResult> written = directory.write(tenant, requests);
    for (auto& r : requests) r.body = nullptr;  // drop the passwords
    for (size_t i = start; i < end; ++i) {
      size_t k = i - start;
      Status status = k < written.size()
                          ? written[k].status
                          : Status(make_error(ErrorKind::Internal,
                                              "the directory returned no result for this request"));
      results.push_back({resets[i].upn, resets[i].user_id, std::move(status)});
    }
  }
  return results;
}

}  // namespace tenantsync
