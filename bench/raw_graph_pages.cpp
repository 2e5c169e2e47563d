#include "bench/raw_graph_pages.h"

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <thread>

#include <nlohmann/json.hpp>

#include "connector/graph_client.h"

namespace tenantsync::bench {

namespace {

// Every page from `first`, following nextLink; returns how many GETs it took.
long long fetch_all(FakeGraphTarget& fake, const std::string& first, const std::string& token,
                    std::vector<std::string>& pages, long long& bytes) {
  long long requests = 0;
  std::string next = first;
  while (!next.empty()) {
    std::string body = fake.get(next, token);
    ++requests;
    bytes += static_cast<long long>(body.size());
    auto page = nlohmann::json::parse(body);
    auto link = page.find("@odata.nextLink");
    next = link != page.end() && link->is_string() ? link->get<std::string>() : "";
    pages.push_back(std::move(body));
  }
  return requests;
}

}  // namespace

RawPages fetch_raw_pages(FakeGraphTarget& fake, const std::string& partner_tenant,
                         const std::string& client_id, const std::string& secret, int threads) {
  RawPages out;
  const std::string partner_token = fake.token(partner_tenant, client_id, secret);
  ++out.requests;
  std::vector<std::string> contract_pages;
  out.requests +=
      fetch_all(fake, fake.graph_url() + "/contracts", partner_token, contract_pages, out.bytes);
  for (const auto& text : contract_pages) {
    const auto page = nlohmann::json::parse(text);
    for (const auto& c : page.at("value")) {
      out.tenants.push_back({c.get<Tenant>(), {}, {}});
    }
  }

  const std::string users_url =
      fake.graph_url() + "/users/delta?$select=" + GraphClient::kUserSelect;
  const std::string deleted_url =
      fake.graph_url() +
      "/directory/deletedItems/microsoft.graph.user?$select=" + GraphClient::kDeletedUserSelect +
      "&$top=999";
  std::atomic<size_t> next{0};
  std::mutex mu;
  std::exception_ptr failure;
  auto worker = [&] {
    long long requests = 0, bytes = 0;
    try {
      for (size_t i = next++; i < out.tenants.size(); i = next++) {
        RawTenantPages& t = out.tenants[i];
        std::string token = fake.token(t.tenant.id, client_id, secret);
        ++requests;
        requests += fetch_all(fake, users_url, token, t.user_pages, bytes);
        requests += fetch_all(fake, deleted_url, token, t.deleted_pages, bytes);
      }
    } catch (...) {
      std::lock_guard<std::mutex> lock(mu);
      if (!failure) failure = std::current_exception();
      next = out.tenants.size();
    }
    std::lock_guard<std::mutex> lock(mu);
    out.requests += requests;
    out.bytes += bytes;
  };
  std::vector<std::thread> pool;
  for (int i = 0; i < std::max(1, threads); ++i) pool.emplace_back(worker);
  for (auto& th : pool) th.join();
  if (failure) std::rethrow_exception(failure);
  return out;
}

}  // namespace tenantsync::bench
