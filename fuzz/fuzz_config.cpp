// Fuzzes parse_config(): any text gives a Config or an error pointing into the file,
// never a crash. Relative paths resolve against a fixed folder.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "model/config.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)tenantsync::parse_config(text, "/etc/tenantsync/config.json");
  return 0;
}
