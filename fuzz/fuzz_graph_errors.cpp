// Fuzzes the error readers: classify_graph_error() (Graph error bodies), the $batch item
// form, classify_token_error() (token endpoint errors), parse_retry_after() and the wait
// RetryPolicy derives from it. Byte 0 picks the status; the input's first line is the
// Retry-After header, the rest the body.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "connector/graph_errors.h"
#include "connector/retry_policy.h"
#include "sync/clock.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace tenantsync;
  if (size < 1) return 0;
  static constexpr int kStatuses[] = {400, 401, 403, 404, 409, 410, 429, 500, 503, 504, 200, 302};
  const int status = kStatuses[data[0] % (sizeof kStatuses / sizeof kStatuses[0])];
  std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  std::size_t newline = text.find('\n');
  std::string_view retry_after = text.substr(0, newline);
  std::string_view body = newline == std::string_view::npos ? "" : text.substr(newline + 1);

  HttpHeaders headers{{"retry-after", std::string(retry_after)}};
  if (auto seconds = parse_retry_after(retry_after); seconds && *seconds < 0) std::abort();

  Error graph = classify_graph_error(status, headers, body);
  if (graph.http_status != status || graph.message.empty()) std::abort();
  // However long the service asks us to wait, the wait stays within the policy's cap.
  FakeClock clock;
  RetrySettings settings;
  settings.seed = 1;
  RetryPolicy retry(clock, settings);
  auto delay = retry.delay_after(1, graph);
  if (delay.count() < 0 || delay > std::max(settings.max_retry_after, settings.max_backoff)) {
    std::abort();
  }
  nlohmann::json parsed = nlohmann::json::parse(body, nullptr, false);
  if (!parsed.is_discarded()) (void)classify_parsed_graph_error(status, headers, parsed);
  Error token = classify_token_error(status, headers, body);
  if (token.message.empty()) std::abort();
  (void)classify_refusal(body);
  return 0;
}
