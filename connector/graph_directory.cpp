#include "connector/graph_directory.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <nlohmann/json.hpp>

#include "connector/cpprest_transport.h"
#include "connector/url.h"

namespace tenantsync {

namespace {

GraphClientOptions client_options(const RemoteConfig& config) {
  GraphClientOptions o;
  o.graph_url = config.graph_url;
  o.timeout = std::chrono::seconds(std::max(1, config.timeout_seconds));
  return o;
}

// Fails early, at wiring time, on URLs every request would be refused for.
Status check_url(const std::string& url, const char* key, bool allow_insecure_http) {
  auto parsed = parse_url(url);
  if (!parsed) {
    return make_error(ErrorKind::Invalid, std::string(key) + " is not an http(s) URL: " + url);
  }
  if (parsed->scheme == "http" && !parsed->is_loopback() && !allow_insecure_http) {
    return make_error(ErrorKind::Invalid, std::string(key) + " uses plain http:// to " +
                                              parsed->host +
                                              ": only loopback addresses may use http unless "
                                              "remote.allowInsecureHttp is true");
  }
  return Status();
}

}  // namespace

GraphWrite to_graph_write(const WriteRequest& request) {
  switch (request.kind) {
    case WriteRequest::Kind::AssignLicense:
      return GraphWrite::assign_license(request.user, request.add_licenses,
                                        request.remove_licenses);
    case WriteRequest::Kind::CreateUser:
      return GraphWrite::create(request.body);
    case WriteRequest::Kind::UpdateUser:
      return GraphWrite::update(request.user, request.body);
    case WriteRequest::Kind::DeleteUser:
      return GraphWrite::remove(request.user);
    case WriteRequest::Kind::RestoreUser:
      return GraphWrite::restore(request.user, request.new_user_principal_name);
    case WriteRequest::Kind::AddRole:
      return GraphWrite::add_role(request.user, request.role_definition_id);
    case WriteRequest::Kind::RemoveRole:
      return GraphWrite::remove_role(request.role_assignment_id);
  }
  return GraphWrite::remove(request.user);  // unreachable
}

GraphDirectory::GraphDirectory(const RemoteConfig& config, Parts parts)
    : config_(config),
      parts_(std::move(parts)),
      client_(client_options(config_), *parts_.transport, *parts_.tokens, *parts_.retry,
              parts_.pacer.get()) {}

Result<std::vector<Tenant>> GraphDirectory::customer_tenants() {
  return client_.contracts(config_.partner_tenant);
}

Result<std::vector<Sku>> GraphDirectory::subscribed_skus(const std::string& tenant) {
  return client_.subscribed_skus(tenant);
}

Result<std::vector<Domain>> GraphDirectory::domains(const std::string& tenant) {
  return client_.domains(tenant);
}

Result<std::vector<RoleDefinition>> GraphDirectory::role_definitions(const std::string& tenant) {
  return client_.role_definitions(tenant);
}

Result<std::vector<RoleAssignment>> GraphDirectory::role_assignments(const std::string& tenant) {
  return client_.role_assignments(tenant);
}

TenantLists GraphDirectory::tenant_lists(const std::string& tenant, const ListsRequest& want) {
  return client_.tenant_lists(tenant, want);
}

Result<std::string> GraphDirectory::read_users(const std::string& tenant,
                                               const std::string& delta_link,
                                               const UserPageSink& sink) {
  return client_.users_delta(tenant, delta_link, sink);
}

Result<std::string> GraphDirectory::read_delta_after(const std::string& tenant,
                                                     const std::string& next_link,
                                                     const UserPageSink& sink) {
  return client_.users_delta_after(tenant, next_link, sink);
}

Result<std::string> GraphDirectory::read_users_after_latest(const std::string& tenant,
                                                            const std::string& latest_delta_link,
                                                            const UserPageSink& sink) {
  return client_.users_full_read(tenant, sink, latest_delta_link);
}

Status GraphDirectory::read_deleted_users(const std::string& tenant, const DeletedUserSink& sink) {
  return client_.deleted_users(tenant, sink);
}

Status GraphDirectory::read_deleted_users_after(const std::string& tenant,
                                                const std::string& next_link,
                                                const DeletedUserSink& sink) {
  return client_.deleted_users_after(tenant, next_link, sink);
}

Result<User> GraphDirectory::get_user(const std::string& tenant, const std::string& id_or_upn) {
  return client_.get_user(tenant, id_or_upn);
}

std::vector<Result<User>> GraphDirectory::get_users(const std::string& tenant,
                                                    const std::vector<std::string>& ids_or_upns) {
  return client_.get_users(tenant, ids_or_upns);
}

DeletedUsersAndGroups GraphDirectory::deleted_users_and_groups(
    const std::string& tenant, const std::vector<std::string>& ids) {
  return client_.deleted_users_and_groups(tenant, ids);
}

std::vector<Result<Group>> GraphDirectory::groups(const std::string& tenant,
                                                  const std::vector<std::string>& ids) {
  return client_.get_groups(tenant, ids);
}

std::vector<WriteResult> GraphDirectory::write(const std::string& tenant,
                                               const std::vector<WriteRequest>& requests) {
  std::vector<GraphWrite> writes;
  writes.reserve(requests.size());
  for (const auto& r : requests) writes.push_back(to_graph_write(r));
  auto done = client_.write_batch(tenant, writes);
  std::vector<WriteResult> results;
  results.reserve(done.size());
  for (auto& d : done) {
    results.push_back(
        WriteResult{std::move(d.status), std::move(d.user), std::move(d.role_assignment)});
  }
  return results;
}

void GraphDirectory::set_stop_signal(const std::atomic<bool>* stop) {
  stop_ = stop;
  parts_.retry->set_stop_signal(stop);
}

TransportStats::Snapshot GraphDirectory::stats() const {
  TransportStats::Snapshot s = parts_.transport->stats().snapshot();
  if (parts_.token_transport) s += parts_.token_transport->stats().snapshot();
  return s;
}

ThrottleStatus GraphDirectory::throttle_status() const {
  ThrottleStatus status;
  status.throttled = stats().throttled;
  if (parts_.pacer) status.slowed_tenants = parts_.pacer->slowed_tenants();
  return status;
}

void GraphDirectory::prepare(const std::string& tenant) {
  const std::atomic<bool>* stop = stop_;
  if (stop != nullptr && *stop) return;  // the run is stopping: nothing more to fetch
  (void)parts_.tokens->token(tenant);    // cached for the read; a failure is the read's
}

Result<std::unique_ptr<GraphDirectory>> make_graph_directory(const RemoteConfig& config,
                                                             Clock& clock) {
  for (auto [url, key] : {std::pair{&config.graph_url, "remote.graphUrl"},
                          std::pair{&config.authority_url, "remote.authorityUrl"}}) {
    Status st = check_url(*url, key, config.allow_insecure_http);
    if (!st.ok()) return st.error();
  }
  if (!config.ca_file.empty() && ::access(config.ca_file.c_str(), R_OK) != 0) {
    return make_error(ErrorKind::Invalid,
                      "remote.caFile: cannot read " + config.ca_file + ": " + std::strerror(errno));
  }
  auto credential = load_client_credential(config);
  if (!credential) return credential.error();
  CpprestTransport::Options transport_options;
  transport_options.concurrency = config.concurrency;
  transport_options.allow_insecure_http = config.allow_insecure_http;
  transport_options.ca_file = config.ca_file;
  RetrySettings retry;
  retry.max_attempts = config.max_attempts;
  retry.throttle_deadline = config.throttle_deadline;

  GraphDirectory::Parts parts;
  parts.transport = std::make_unique<CpprestTransport>(transport_options);
  parts.retry = std::make_unique<RetryPolicy>(clock, retry);
  parts.pacer = std::make_unique<WritePacer>(clock);
  parts.token_transport = std::make_unique<CpprestTransport>(transport_options);
  parts.tokens = std::make_unique<AadTokenProvider>(
      config.authority_url, std::move(credential).value(), *parts.token_transport, *parts.retry,
      clock, std::chrono::seconds(std::max(1, config.timeout_seconds)));
  return std::make_unique<GraphDirectory>(config, std::move(parts));
}

Result<std::unique_ptr<GraphDirectory>> make_graph_directory(const Config& config) {
  static SystemClock clock;
  return make_graph_directory(config.remote, clock);
}

}  // namespace tenantsync
