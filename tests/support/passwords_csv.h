// Reads a passwords file as tenantsync writes it (sync/apply/password_file.h): the header
// `userPrincipalName,temporaryPassword`, then one row per user.
#pragma once

#include <map>
#include <string>

namespace tenantsync::test {

// UPN -> password; a wrong header or a row without a comma is a test failure.
std::map<std::string, std::string> password_rows(const std::string& path);

}  // namespace tenantsync::test
