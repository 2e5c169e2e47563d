#include "connector/cli/csv_writer.h"

namespace tenantsync {

void CsvWriter::row(const std::vector<std::string>& fields) {
  std::string line;
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) line += ',';
    line += csv_field(fields[i]);
  }
  line += "\r\n";
  std::fwrite(line.data(), 1, line.size(), out_);
}

}  // namespace tenantsync
