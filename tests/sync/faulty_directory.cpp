#include "tests/sync/faulty_directory.h"

#include <algorithm>

#include "sync/ascii_case.h"

namespace tenantsync {

namespace {

std::string plan_list(std::vector<std::string> plans) {
  std::sort(plans.begin(), plans.end());
  std::string out = "[";
  for (size_t i = 0; i < plans.size(); ++i) out += (i ? "," : "") + plans[i];
  return out + "]";
}

}  // namespace

void FaultyDirectory::refuse(Match match, Error error, int times) {
  std::lock_guard<std::mutex> lock(mu_);
  rules_.push_back({std::move(match), std::move(error), times});
}

void FaultyDirectory::crash_after_requests(int k) {
  std::lock_guard<std::mutex> lock(mu_);
  crash_after_ = applied_ + k;
}

void FaultyDirectory::fail_get_user(Error error, int times) {
  std::lock_guard<std::mutex> lock(mu_);
  get_user_fault_ = std::move(error);
  get_user_faults_ = times;
}

void FaultyDirectory::on_write(WriteObserver observer) {
  std::lock_guard<std::mutex> lock(mu_);
  observer_ = std::move(observer);
}

void FaultyDirectory::return_users_without_licenses(bool on) {
  std::lock_guard<std::mutex> lock(mu_);
  strip_licenses_ = on;
}

int FaultyDirectory::write_calls() const {
  std::lock_guard<std::mutex> lock(mu_);
  return write_calls_;
}

int FaultyDirectory::requests() const {
  std::lock_guard<std::mutex> lock(mu_);
  return requests_;
}

int FaultyDirectory::applied_requests() const {
  std::lock_guard<std::mutex> lock(mu_);
  return applied_;
}

int FaultyDirectory::get_user_calls() const {
  std::lock_guard<std::mutex> lock(mu_);
  return get_user_calls_;
}

int FaultyDirectory::max_concurrent_calls() const {
  std::lock_guard<std::mutex> lock(mu_);
  return max_in_flight_;
}

std::map<std::string, int> FaultyDirectory::effects() const {
  std::lock_guard<std::mutex> lock(mu_);
  return effects_;
}

std::vector<FaultyDirectory::RecordedRequest> FaultyDirectory::recorded() const {
  std::lock_guard<std::mutex> lock(mu_);
  return recorded_;
}

void FaultyDirectory::reset_counts() {
  std::lock_guard<std::mutex> lock(mu_);
  write_calls_ = requests_ = applied_ = get_user_calls_ = max_in_flight_ = 0;
  effects_.clear();
  recorded_.clear();
}

Result<std::vector<Tenant>> FaultyDirectory::customer_tenants() {
  return backend_.customer_tenants();
}

Result<std::vector<Domain>> FaultyDirectory::domains(const std::string& tenant) {
  return backend_.domains(tenant);
}

Result<std::vector<Sku>> FaultyDirectory::subscribed_skus(const std::string& tenant) {
  return backend_.subscribed_skus(tenant);
}

Result<std::string> FaultyDirectory::read_users(const std::string& tenant,
                                                const std::string& delta_link,
                                                const UserPageSink& sink) {
  return backend_.read_users(tenant, delta_link, sink);
}

Status FaultyDirectory::read_deleted_users(const std::string& tenant, const DeletedUserSink& sink) {
  return backend_.read_deleted_users(tenant, sink);
}

Result<User> FaultyDirectory::get_user(const std::string& tenant, const std::string& id_or_upn) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    ++get_user_calls_;
    if (get_user_faults_ > 0 && get_user_fault_) {
      --get_user_faults_;
      return *get_user_fault_;
    }
  }
  return backend_.get_user(tenant, id_or_upn);
}

std::string FaultyDirectory::who(const std::string& tenant, const WriteRequest& request) {
  if (request.kind == WriteRequest::Kind::CreateUser) {
    auto upn = request.body.find("userPrincipalName");
    if (upn != request.body.end() && upn->is_string()) return ascii_lower(upn->get<std::string>());
    return ascii_lower(request.user);
  }
  auto user = backend_.get_user(tenant, request.user);
  if (user.ok()) return ascii_lower(user->user_principal_name);
  return request.user;
}

void FaultyDirectory::count_effects(const WriteRequest& request, const std::string& who) {
  switch (request.kind) {
    case WriteRequest::Kind::AssignLicense:
      for (const auto& sku : request.remove_licenses) ++effects_["revoke " + who + " " + sku];
      for (const auto& add : request.add_licenses) {
        ++effects_["assign " + who + " " + add.sku_id + " " + plan_list(add.disabled_plans)];
      }
      break;
    case WriteRequest::Kind::CreateUser:
      ++effects_["create " + who];
      break;
    case WriteRequest::Kind::UpdateUser:
      ++effects_["update " + who];
      break;
    case WriteRequest::Kind::DeleteUser:
      ++effects_["delete " + who];
      break;
    case WriteRequest::Kind::RestoreUser:
      ++effects_["restore " + who];
      break;
    case WriteRequest::Kind::AddRole:
      ++effects_["add-role " + who + " " + request.role_definition_id];
      break;
    case WriteRequest::Kind::RemoveRole:
      ++effects_["remove-role " + request.role_assignment_id];
      break;
  }
}

std::vector<WriteResult> FaultyDirectory::write(const std::string& tenant,
                                                const std::vector<WriteRequest>& requests) {
  WriteObserver observer;
  {
    std::lock_guard<std::mutex> lock(mu_);
    int call = write_calls_++;
    requests_ += static_cast<int>(requests.size());
    for (const auto& r : requests) recorded_.push_back({tenant, call, r});
    if (crash_after_ && applied_ >= *crash_after_) {
      crash_after_.reset();
      throw SimulatedCrash();
    }
    observer = observer_;
    max_in_flight_ = std::max(max_in_flight_, ++in_flight_);
  }
  struct Leave {
    FaultyDirectory& d;
    ~Leave() {
      std::lock_guard<std::mutex> lock(d.mu_);
      --d.in_flight_;
    }
  } leave{*this};
  if (observer) observer(tenant, requests);

  std::vector<WriteResult> results;
  std::lock_guard<std::mutex> forward(forward_mu_);
  for (const auto& request : requests) {
    std::optional<Error> refusal;
    {
      std::lock_guard<std::mutex> lock(mu_);
      for (auto& rule : rules_) {
        if (rule.times == 0 || !rule.match(tenant, request)) continue;
        if (rule.times > 0) --rule.times;
        refusal = rule.error;
        break;
      }
    }
    if (refusal) {
      results.push_back(failed_write(*refusal));
      continue;
    }
    // Deletions and restores: name the user before it moves.
    std::string name = request.kind == WriteRequest::Kind::AssignLicense ||
                               request.kind == WriteRequest::Kind::UpdateUser
                           ? ""
                           : who(tenant, request);
    auto forwarded = backend_.write(tenant, {request});
    WriteResult result = forwarded.empty()
                             ? failed_write(make_error(ErrorKind::Internal, "no result"))
                             : std::move(forwarded.front());
    if (result.status.ok()) {
      if (name.empty()) {
        name = result.user ? ascii_lower(result.user->user_principal_name) : who(tenant, request);
      }
      std::lock_guard<std::mutex> lock(mu_);
      if (strip_licenses_ && result.user) {
        result.user->assigned_licenses.clear();
        result.user->license_states.clear();
      }
      ++applied_;
      count_effects(request, name);
      if (crash_after_ && applied_ >= *crash_after_) {
        crash_after_.reset();
        throw SimulatedCrash();
      }
    }
    results.push_back(std::move(result));
  }
  return results;
}

}  // namespace tenantsync
