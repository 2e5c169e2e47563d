// One end-to-end setting for a test: a fake-graph of its own, a temp folder holding a
// config that points at it (cache beside it), and a way to run the built tenantsync
// with that config and the client secret in the environment, as a user's shell would.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/support/fake_graph_process.h"
#include "tests/support/run_program.h"

namespace tenantsync::test {

class CliFixture {
 public:
  // The demo fixture (tenants contoso, fabrikam, northwind).
  CliFixture();
  // Any fake-graph arguments, e.g. {"--generate", "tenants=1,users=300"}; `secret` is the
  // fake client's secret ("generated-secret" for generated estates).
  CliFixture(std::vector<std::string> fake_args, std::string secret);

  FakeGraphProcess& fake() { return fake_; }
  const TempDir& dir() const { return dir_; }
  const std::string& config_path() const { return config_path_; }

  // Rewrites the config: the base one (cache, remote pointing at the fake, tenants "all")
  // with `patch` applied as a JSON merge patch (RFC 7386).
  void write_config(const nlohmann::json& patch);

  // tenantsync --config <ours> args...; stdin is `input` (never a terminal).
  ProgramResult run(const std::vector<std::string>& args, const std::string& input = "") const;

  // The environment run() adds: the client secret; no $TENANTSYNC_CONFIG.
  std::map<std::string, std::string> environment() const;

  // Writes `text` into the temp folder and returns its path.
  std::string write(const std::string& name, const std::string& text) const {
    return dir_.write(name, text);
  }

  // The fake's `writes` counter (writes that took effect since the last reset).
  int writes();

 private:
  FakeGraphProcess fake_;
  std::string secret_;
  TempDir dir_;
  std::string config_path_;
};

// A desired state for contoso alone whose plan against the demo fixture has one of each
// license change: allan.deyoung + SPE_E3 (the last free seat), alex.wilber - EMS,
// isaiah.langer and enrico.cattaneo + EMS, adele.vance ~ SPE_E3 (enable all plans).
// `mode`: the tenant's mode, "enforce" or "report".
std::string contoso_changes_desired(const std::string& mode = "enforce");

// The repository's example desired state: contoso enforced, fabrikam in report mode.
std::string examples_desired_path();

// The demo fixture with `edit` applied to its JSON, written into `dir` as `name`; for a
// test that needs the demo estate with one thing changed.
std::string edited_demo_fixture(const TempDir& dir, const std::string& name,
                                const std::function<void(nlohmann::json&)>& edit);

// A tenant's object from the fake's /_fake/state, and helpers to read it.
const nlohmann::json& find_user(const nlohmann::json& state, const std::string& upn);
std::string sku_id_of(const nlohmann::json& state, const std::string& part_number);
// SKU ids a user holds directly (assignedLicenses).
std::vector<std::string> direct_sku_ids(const nlohmann::json& user);
// Free seats as the service counts them: enabled + warning - consumedUnits.
int free_seats(const nlohmann::json& state, const std::string& part_number);

// Polls `done` every 20 ms for up to `limit`; true when it held.
bool eventually(const std::function<bool()>& done,
                std::chrono::seconds limit = std::chrono::seconds(30));

// The lines of `text`, without their line ends.
std::vector<std::string> lines_of(const std::string& text);
// Lines of `text` containing every one of `parts`.
std::vector<std::string> lines_with(const std::string& text, const std::vector<std::string>& parts);

}  // namespace tenantsync::test
