// The user resource's documented maximum lengths of its free-text properties: longer values
// the service refuses (400 "Invalid value specified for property ..."). Lengths count
// characters (Unicode code points), not bytes. Shared by the checks of `users add`,
// `users import`, `users set` and the desired state's `create`.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace tenantsync {

constexpr size_t kMaxDisplayNameLength = 256;
constexpr size_t kMaxGivenNameLength = 64;
constexpr size_t kMaxSurnameLength = 64;
constexpr size_t kMaxDepartmentLength = 64;
constexpr size_t kMaxJobTitleLength = 128;

// "is 300 characters long; the service allows at most 256" when `utf8` has more than
// `max_length` characters, else "".
std::string text_length_problem(std::string_view utf8, size_t max_length);

}  // namespace tenantsync
