#include "tests/e2e/cli_fixture.h"

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace tenantsync::test {

namespace {

const char* kClientId = "11111111-1111-1111-1111-111111111111";
const char* kSecretVariable = "TENANTSYNC_CLIENT_SECRET";

}  // namespace

CliFixture::CliFixture() : CliFixture({"--fixture", demo_fixture_path()}, "demo-secret") {}

CliFixture::CliFixture(std::vector<std::string> fake_args, std::string secret)
    : fake_(std::move(fake_args)), secret_(std::move(secret)) {
  config_path_ = dir_.file("tenantsync.json");
  write_config(nlohmann::json::object());
}

void CliFixture::write_config(const nlohmann::json& patch) {
  nlohmann::json config = {{"cache", "tenantsync.db"},
                           {"remote",
                            {{"graphUrl", fake_.graph_url()},
                             {"authorityUrl", fake_.url()},
                             {"partnerTenant", "partner.onmicrosoft.com"},
                             {"clientId", kClientId},
                             {"clientSecretEnv", kSecretVariable}}},
                           {"tenants", "all"}};
  config.merge_patch(patch);
  dir_.write("tenantsync.json", config.dump(2));
}

std::map<std::string, std::string> CliFixture::environment() const {
  return {{kSecretVariable, secret_}, {"TENANTSYNC_CONFIG", "\x01unset"}};
}

ProgramResult CliFixture::run(const std::vector<std::string>& args,
                              const std::string& input) const {
  std::vector<std::string> all = {"--config", config_path_};
  all.insert(all.end(), args.begin(), args.end());
  return run_tenantsync(all, environment(), input);
}

int CliFixture::writes() { return fake_.stats().at("writes").get<int>(); }

std::string contoso_changes_desired(const std::string& mode) {
  return R"({
  "version": 1,
  "tenants": [
    { "tenant": "contoso.onmicrosoft.com", "mode": ")" +
         mode + R"(",
      "managedSkus": ["SPE_E3", "EMS"], "unlisted": "keep",
      "users": [
        { "upn": "allan.deyoung@contoso.onmicrosoft.com", "licenses": ["SPE_E3"] },
        { "upn": "alex.wilber@contoso.onmicrosoft.com", "licenses": ["SPE_E3"] },
        { "upn": "isaiah.langer@contoso.onmicrosoft.com", "licenses": ["SPE_E3", "EMS"] },
        { "upn": "enrico.cattaneo@sales.contoso.com", "licenses": ["SPE_E3", "EMS"] },
        { "upn": "adele.vance@contoso.onmicrosoft.com", "licenses": ["SPE_E3"] }
      ] }
  ]
}
)";
}

std::string examples_desired_path() {
  return std::string(TENANTSYNC_SOURCE_DIR) + "/examples/desired";
}

std::string edited_demo_fixture(const TempDir& dir, const std::string& name,
                                const std::function<void(nlohmann::json&)>& edit) {
  nlohmann::json fixture = nlohmann::json::parse(read_file(demo_fixture_path()));
  edit(fixture);
  return dir.write(name, fixture.dump(2));
}

const nlohmann::json& find_user(const nlohmann::json& state, const std::string& upn) {
  for (const char* list : {"users", "deletedUsers"}) {
    for (const auto& u : state.at(list)) {
      if (u.at("userPrincipalName") == upn) return u;
    }
  }
  throw std::runtime_error("no user " + upn + " in the fake's state");
}

std::string sku_id_of(const nlohmann::json& state, const std::string& part_number) {
  for (const auto& s : state.at("skus")) {
    if (s.at("skuPartNumber") == part_number) return s.at("skuId").get<std::string>();
  }
  throw std::runtime_error("no SKU " + part_number + " in the fake's state");
}

std::vector<std::string> direct_sku_ids(const nlohmann::json& user) {
  std::vector<std::string> ids;
  for (const auto& l : user.at("assignedLicenses")) ids.push_back(l.at("skuId"));
  return ids;
}

int free_seats(const nlohmann::json& state, const std::string& part_number) {
  for (const auto& s : state.at("skus")) {
    if (s.at("skuPartNumber") != part_number) continue;
    return s.at("enabled").get<int>() + s.value("warning", 0) - s.at("consumedUnits").get<int>();
  }
  throw std::runtime_error("no SKU " + part_number + " in the fake's state");
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    lines.push_back(line);
  }
  return lines;
}

std::vector<std::string> lines_with(const std::string& text,
                                    const std::vector<std::string>& parts) {
  std::vector<std::string> found;
  for (const auto& line : lines_of(text)) {
    bool all = true;
    for (const auto& p : parts) all = all && line.find(p) != std::string::npos;
    if (all) found.push_back(line);
  }
  return found;
}

bool eventually(const std::function<bool()>& done, std::chrono::seconds limit) {
  auto until = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < until) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return done();
}

}  // namespace tenantsync::test
