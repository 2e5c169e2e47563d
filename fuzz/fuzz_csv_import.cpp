// Fuzzes the `users import --csv` path: parse_csv() (separator detection, quoting, line
// ends, UTF-8 checks, limits) and then import_users() on whatever table it yields. The
// first byte picks the separator option and small limits, so the limit paths are reached.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "sync/csv_reader.h"
#include "sync/user_import.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::uint8_t mode = data[0];
  std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);

  tenantsync::CsvOptions options;
  options.source_name = "fuzz.csv";
  if (mode & 1) options.separator = (mode & 2) ? ';' : ',';
  if (mode & 4) {
    options.max_field_bytes = 64;
    options.max_rows = 8;
    options.max_columns = 8;
    options.max_cells = 32;
    options.max_reported_problems = 3;
  }
  auto table = tenantsync::parse_csv(text, options);
  if (!table.ok()) return 0;

  tenantsync::UserImportOptions import_options;
  import_options.source_name = "fuzz.csv";
  if (mode & 8) import_options.tenant_domains = {"contoso.onmicrosoft.com", "contoso.com"};
  if (mode & 16) import_options.max_reported_problems = 2;
  (void)tenantsync::import_users(*table, import_options);
  return 0;
}
