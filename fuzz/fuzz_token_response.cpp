// Fuzzes AadTokenProvider's reading of the token endpoint's answer: byte 0 picks the
// status, the rest is the body. A 200 must give a token or an Invalid error; any other
// status an error; never a crash, and the client secret never in the error.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "connector/retry_policy.h"
#include "connector/token_provider.h"
#include "fuzz/fuzz_transport.h"
#include "sync/clock.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace tenantsync;
  if (size < 1) return 0;
  std::string body(reinterpret_cast<const char*>(data + 1), size - 1);

  // Every attempt gets the same answer.
  fuzz::FuzzTransport transport(fuzz::status_for(data[0]), {body, body});
  FakeClock clock;
  RetrySettings settings;
  settings.max_attempts = 2;
  settings.seed = 1;
  RetryPolicy retry(clock, settings);
  ClientCredential credential;
  credential.client_id = "11111111-1111-1111-1111-111111111111";
  credential.secret = "fuzz-client-secret";
  AadTokenProvider provider("https://login.test", credential, transport, retry, clock);

  auto token = provider.token("contoso");
  if (!token.ok()) {
    const Error& e = token.error();
    if (e.message.find(credential.secret) != std::string::npos ||
        e.code.find(credential.secret) != std::string::npos) {
      std::abort();
    }
    return 0;
  }
  // A cached token is handed out again; an expired one is fetched anew.
  (void)provider.token("contoso");
  clock.advance(std::chrono::hours(24 * 400));
  (void)provider.token("contoso");
  return 0;
}
