// Fuzzes parse_desired_state(): any text gives a DesiredState or an error, never a crash,
// and whatever parses survives the canonical round trip that `export` relies on.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "model/desired_state.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto parsed = tenantsync::parse_desired_state(text, "fuzz.json");
  if (!parsed.ok()) return 0;
  const std::string canonical = tenantsync::desired_state_to_text(*parsed);
  auto again = tenantsync::parse_desired_state(canonical, "canonical.json");
  if (!again.ok() || !(*again == *parsed)) std::abort();  // export would write a broken file
  return 0;
}
