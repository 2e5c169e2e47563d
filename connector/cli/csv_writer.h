// RFC 4180 CSV output for the CLI's --format csv: CRLF line ends, fields quoted when they
// hold a separator, quote or line break, and a leading apostrophe on fields that a
// spreadsheet would run as a formula (= + - @).
#pragma once

#include <cstdio>
#include <string>
#include <vector>

#include "sync/csv_field.h"

namespace tenantsync {

class CsvWriter {
 public:
  explicit CsvWriter(std::FILE* out) : out_(out) {}
  void row(const std::vector<std::string>& fields);

 private:
  std::FILE* out_;
};

}  // namespace tenantsync
