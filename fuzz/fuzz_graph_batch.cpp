// Fuzzes GraphClient's $batch decoding and the write paths that read an answer: byte 0
// picks the status of the first answer, the rest is the bodies of successive answers
// (separated by "\n#next\n"). The writes are one create (sent alone, its answer decoded
// as a user) and an assignLicense, an update, a delete and a restore in one $batch whose
// answer is matched by id. Every answer must give one result per write, never a crash.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include <nlohmann/json.hpp>

#include "connector/graph_client.h"
#include "connector/retry_policy.h"
#include "fuzz/fuzz_transport.h"
#include "sync/clock.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace tenantsync;
  if (size < 1) return 0;
  std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);

  fuzz::FuzzTransport transport(fuzz::status_for(data[0]), fuzz::split_bodies(text));
  FakeClock clock;
  RetrySettings settings;
  settings.max_attempts = 3;
  settings.seed = 1;
  RetryPolicy retry(clock, settings);
  fuzz::FixedTokens tokens;
  GraphClientOptions options;
  options.graph_url = fuzz::FuzzTransport::kGraphUrl;
  GraphClient client(options, transport, tokens, retry, nullptr);

  std::vector<GraphWrite> writes = {
      GraphWrite::create({{"userPrincipalName", "new@contoso.com"}, {"displayName", "New"}}),
      GraphWrite::assign_license("u1", {{"sku-1", {"plan-1"}}}, {"sku-2"}),
      GraphWrite::update("u2", {{"usageLocation", "DE"}}),
      GraphWrite::remove("u3"),
      GraphWrite::restore("u4", std::nullopt),
  };
  auto results = client.write_batch("contoso", writes);
  if (results.size() != writes.size()) std::abort();
  if (transport.foreign_requests() != 0) std::abort();
  return 0;
}
