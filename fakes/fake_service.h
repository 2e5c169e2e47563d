// The whole fake behind one call: FakeRequest in, FakeResponse out. Routes control
// endpoints, the token endpoint and its discovery documents (fake_authority.h), and Graph
// v1.0; around every Graph operation (top-level or $batch item) it authenticates, rolls
// injected faults, charges service limits and counts statistics. Thread-safe: many server
// threads call handle() at once; tenants lock individually, the shared counters briefly.
#pragma once

#include <atomic>
#include <memory>
#include <string>

#include "fakes/fake_authority.h"
#include "fakes/fake_clock.h"
#include "fakes/fake_control.h"
#include "fakes/fake_crypto.h"
#include "fakes/fake_estate.h"
#include "fakes/fake_faults.h"
#include "fakes/fake_graph_api.h"
#include "fakes/fake_http.h"
#include "fakes/fake_limits.h"
#include "fakes/fake_stats.h"
#include "fakes/fake_token_endpoint.h"
#include "fakes/fake_tokens.h"

namespace tenantsync::fake {

class FakeService {
 public:
  // `base_url` is the fake's own address ("http://127.0.0.1:N"): links and token
  // audiences are built from it.
  FakeService(std::unique_ptr<Estate> estate, std::string base_url);

  FakeResponse handle(const FakeRequest& request);
  // Injected latency to wait before handling `request` (0 for control endpoints). The
  // server waits without blocking a thread.
  int latency_ms(const FakeRequest& request) const;
  // A request began (+1) or ended (-1) its wait for that latency (Stats::add_held).
  void held(int delta) { stats_.add_held(delta); }

  FakeClock& clock() { return clock_; }

 private:
  FakeResponse route(const FakeRequest& request, const RequestContext& ctx);
  FakeResponse handle_graph(const FakeRequest& request, const RequestContext& ctx);
  FakeResponse handle_batch(const FakeRequest& request, const Caller& caller,
                            const ResolvedRoute& route, const RequestContext& ctx);
  Caller authenticate(const FakeRequest& request) const;
  // One Graph operation after authentication, with its fault already rolled.
  ApiResponse perform(const Caller& caller, const ResolvedRoute& route, const QueryParams& query,
                      const std::string& body, const RequestContext& ctx, Fault fault);
  RequestContext new_context(const FakeRequest& request);
  FakeResponse render(ApiResponse response, const RequestContext& ctx) const;
  FakeResponse dropped(FakeResponse response) const;

  std::unique_ptr<Estate> estate_;
  std::string base_url_;
  FakeClock clock_;
  Signer signer_;
  AccessTokens tokens_;
  Faults faults_;
  Limits limits_;
  Stats stats_;
  GraphApi graph_;
  TokenEndpoint token_endpoint_;
  AuthorityDocuments authority_;
  ControlApi control_;
  uint64_t request_prefix_;
  std::atomic<uint64_t> request_counter_{0};
};

}  // namespace tenantsync::fake
