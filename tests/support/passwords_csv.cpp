#include "tests/support/passwords_csv.h"

#include <sstream>

#include <gtest/gtest.h>

#include "tests/support/run_program.h"

namespace tenantsync::test {

std::map<std::string, std::string> password_rows(const std::string& path) {
  std::istringstream in(read_file(path));
  std::string line;
  std::getline(in, line);
  EXPECT_EQ(line, "userPrincipalName,temporaryPassword") << path;
  std::map<std::string, std::string> rows;
  while (std::getline(in, line)) {
    auto comma = line.find(',');
    EXPECT_NE(comma, std::string::npos) << line;
    rows[line.substr(0, comma)] = line.substr(comma + 1);
  }
  return rows;
}

}  // namespace tenantsync::test
