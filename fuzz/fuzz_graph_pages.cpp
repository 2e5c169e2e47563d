// Fuzzes GraphClient's paged reads (users, users delta, deleted users, subscribed SKUs,
// contracts), a tenant's lists in one $batch (split per answer, each decoded as read
// alone) and the single-user read, with the service's answers taken from the input:
// byte 0 picks the read, byte 1 the first answer's status, the rest is the bodies of
// successive pages separated by "\n#next\n". Every answer must give data or an error,
// never a crash, and no request may go to another origin than graph_url.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "connector/graph_client.h"
#include "connector/retry_policy.h"
#include "fuzz/fuzz_transport.h"
#include "sync/clock.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace tenantsync;
  if (size < 2) return 0;
  const std::uint8_t read = data[0];
  std::string_view text(reinterpret_cast<const char*>(data + 2), size - 2);

  fuzz::FuzzTransport transport(fuzz::status_for(data[1]), fuzz::split_bodies(text));
  FakeClock clock;
  RetrySettings settings;
  settings.max_attempts = 2;
  settings.seed = 1;
  RetryPolicy retry(clock, settings);
  fuzz::FixedTokens tokens;
  GraphClientOptions options;
  options.graph_url = fuzz::FuzzTransport::kGraphUrl;
  GraphClient client(options, transport, tokens, retry, nullptr);

  auto keep_users = [](std::vector<User>&&) { return Status(); };
  auto keep_page = [](UserPage&&) { return Status(); };
  switch (read % 8) {
    case 0:
      (void)client.list_users("contoso", keep_users);
      break;
    case 1:
      (void)client.users_delta("contoso", "", keep_page);
      break;
    case 2:
      (void)client.users_delta("contoso", "https://graph.test/v1.0/users/delta?t=1", keep_page);
      break;
    case 3:
      (void)client.deleted_users("contoso", keep_users);
      break;
    case 4:
      (void)client.subscribed_skus("contoso");
      break;
    case 5:
      (void)client.contracts("partner");
      break;
    case 6:
      (void)client.get_user("contoso", "adele@contoso.com");
      break;
    case 7: {
      ListsRequest want;
      want.role_definitions = want.role_assignments = want.deleted_users = true;
      want.delta_link = "https://graph.test/v1.0/users/delta?t=1";
      (void)client.tenant_lists("contoso", want);
      break;
    }
  }
  if (transport.foreign_requests() != 0) std::abort();  // a token went to another host
  return 0;
}
