// `tenantsync drift` and `tenantsync export` as a user sees them: the drift report in each
// format (the report-mode tenant fabrikam shows its drift), written with --out, exit 2
// with --detailed-exitcode; an export that plans to no changes.
#include <algorithm>
#include <set>

#include <gtest/gtest.h>

#include "tests/e2e/cli_fixture.h"

namespace tenantsync::test {
namespace reports_cli_test {

const char* kFabrikam = "fabrikam.onmicrosoft.com";

// The drift items of the examples, from the JSON report: "tenant user kind sku status".
std::vector<std::string> items_of(const nlohmann::json& report) {
  std::vector<std::string> items;
  for (const auto& t : report["tenants"]) {
    for (const auto& i : t["items"]) {
      items.push_back(t["tenant"].get<std::string>() + " " + i["user"].get<std::string>() + " " +
                      i["kind"].get<std::string>() + " " + i["sku"].get<std::string>() + " " +
                      i["status"].get<std::string>());
    }
  }
  return items;
}

class DriftCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto r = f.run({"drift", "--desired", examples_desired_path(), "--format", "json"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    ASSERT_NO_THROW(report = nlohmann::json::parse(r.out)) << r.out;
    items = items_of(report);
  }

  ProgramResult drift(const std::string& format) {
    return f.run(
        {"drift", "--desired", examples_desired_path(), "--no-refresh", "--format", format});
  }

  CliFixture f;
  nlohmann::json report;
  std::vector<std::string> items;
};

TEST_F(DriftCliTest, JsonReportsTheReportModeTenantsDrift) {
  EXPECT_EQ(report["version"], 1);
  const nlohmann::json* fabrikam = nullptr;
  for (const auto& t : report["tenants"]) {
    if (t["tenant"] == kFabrikam) fabrikam = &t;
  }
  ASSERT_NE(fabrikam, nullptr) << report.dump(2);
  EXPECT_EQ((*fabrikam)["mode"], "report");
  // Its rule gives Engineering SPE_E3 and EMS: every engineer lacking one is drift.
  auto state = f.fake().state(kFabrikam);
  int missing = 0;
  for (const auto& u : state["users"]) {
    if (u["department"] != "Engineering") continue;
    std::vector<std::string> held;
    for (const char* list : {"assignedLicenses", "groupLicenses"}) {
      for (const auto& l : u[list]) held.push_back(l["skuId"]);
    }
    for (const char* sku : {"SPE_E3", "EMS"}) {
      if (std::find(held.begin(), held.end(), sku_id_of(state, sku)) != held.end()) continue;
      ++missing;
      // Fabrikam runs on grace units of SPE_E3 (10 paid, 11 consumed): no paid seat is left,
      // and safety.useGraceSeats is off.
      std::string status = std::string(sku) == "SPE_E3" ? "blocked" : "ready";
      std::string item = std::string(kFabrikam) + " " + u["userPrincipalName"].get<std::string>() +
                         " missing-license " + sku + " " + status;
      EXPECT_NE(std::find(items.begin(), items.end(), item), items.end()) << item;
    }
  }
  EXPECT_GT(missing, 0);
  EXPECT_EQ((*fabrikam)["totals"]["items"], missing);
  // Ignored users are listed, not counted.
  EXPECT_EQ(report["tenants"][0]["ignored"],
            nlohmann::json::array({"debra.berger@contoso.onmicrosoft.com"}));
  EXPECT_EQ(report["totals"]["items"], static_cast<int>(items.size()));
}

TEST_F(DriftCliTest, TextListsEachItemUnderItsTenant) {
  auto r = drift("text");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_FALSE(lines_with(r.out, {"fabrikam.onmicrosoft.com (report)", "drift item"}).empty())
      << r.out;
  for (const auto& t : report["tenants"]) {
    for (const auto& i : t["items"]) {
      EXPECT_EQ(lines_with(r.out, {i["user"], i["sku"], i["status"]}).size(), 1u) << i << "\n"
                                                                                  << r.out;
    }
  }
  EXPECT_FALSE(lines_with(r.out, {"ignored (accepted deviation)", "debra.berger"}).empty());
  EXPECT_EQ(
      lines_of(r.out).back().rfind("Totals: " + std::to_string(items.size()) + " drift items", 0),
      0u)
      << r.out;
}

TEST_F(DriftCliTest, CsvHasAHeaderAndOneRowPerItem) {
  auto r = drift("csv");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto lines = lines_of(r.out);
  ASSERT_FALSE(lines.empty());
  EXPECT_EQ(lines[0], "tenant,user,kind,sku,detail,status,reason,productName");
  EXPECT_EQ(lines.size(), items.size() + 1) << r.out;
  for (const auto& t : report["tenants"]) {
    for (const auto& i : t["items"]) {
      std::string start = t["tenant"].get<std::string>() + "," + i["user"].get<std::string>() +
                          "," + i["kind"].get<std::string>() + "," + i["sku"].get<std::string>() +
                          ",";
      EXPECT_EQ(lines_with(r.out, {start}).size(), 1u) << start << "\n" << r.out;
    }
  }
}

TEST_F(DriftCliTest, MarkdownHasATableRowPerItem) {
  auto r = drift("md");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(lines_of(r.out).front(), "# Drift report");
  EXPECT_FALSE(lines_with(r.out, {"## fabrikam.onmicrosoft.com (report)"}).empty()) << r.out;
  for (const auto& t : report["tenants"]) {
    for (const auto& i : t["items"]) {
      EXPECT_EQ(lines_with(r.out, {"| " + i["user"].get<std::string>() + " |"}).size(),
                static_cast<size_t>(std::count_if(
                    t["items"].begin(), t["items"].end(),
                    [&](const nlohmann::json& other) { return other["user"] == i["user"]; })))
          << i["user"] << "\n"
          << r.out;
    }
  }
}

TEST_F(DriftCliTest, HtmlOutIsOneSelfContainedPage) {
  auto out = f.dir().file("drift.html");
  auto r = f.run({"drift", "--desired", examples_desired_path(), "--no-refresh", "--format", "html",
                  "--out", out});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("Wrote the drift report to " + out + " (" + std::to_string(items.size()) +
                       " drift items in 2 of 2 tenants)."),
            std::string::npos)
      << r.out;
  std::string html = read_file(out);
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_NE(html.find("Content-Security-Policy"), std::string::npos);
  for (const char* external : {"<script src", "<link", "http://", "https://"}) {
    EXPECT_EQ(html.find(external), std::string::npos) << external;
  }
  for (const auto& t : report["tenants"]) {
    EXPECT_NE(html.find(t["tenant"].get<std::string>()), std::string::npos);
    for (const auto& i : t["items"]) {
      EXPECT_NE(html.find(i["user"].get<std::string>()), std::string::npos) << i["user"];
    }
  }
}

TEST_F(DriftCliTest, OutWritesTheSameReportAsStdout) {
  for (const char* format : {"text", "json", "csv", "md"}) {
    auto out = f.dir().file(std::string("drift.") + format);
    auto r = f.run({"drift", "--desired", examples_desired_path(), "--no-refresh", "--format",
                    format, "--out", out});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto printed = drift(format);
    // The reports carry their generation time; everything else is the same.
    auto without_time = [](const std::string& text) {
      std::string kept;
      for (const auto& line : lines_of(text)) {
        if (line.find("enerated") == std::string::npos) kept += line + "\n";
      }
      return kept;
    };
    EXPECT_EQ(without_time(read_file(out)), without_time(printed.out)) << format;
  }
}

TEST_F(DriftCliTest, DetailedExitcodeIs2WhenThereIsDrift) {
  auto r =
      f.run({"drift", "--desired", examples_desired_path(), "--no-refresh", "--detailed-exitcode"});
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  auto out = f.run({"drift", "--desired", examples_desired_path(), "--no-refresh",
                    "--detailed-exitcode", "--format", "csv", "--out", f.dir().file("d.csv")});
  EXPECT_EQ(out.exit_code, 2) << out.out << out.err;
}

TEST(ExportCliTest, AnExportPlansToNoChangesAndShowsNoDrift) {
  CliFixture f;
  auto file = f.dir().file("export.json");
  auto r = f.run({"export", "--out", file});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("Exported 3 tenants to " + file), std::string::npos) << r.out;
  nlohmann::json exported;
  ASSERT_NO_THROW(exported = nlohmann::json::parse(read_file(file)));
  ASSERT_EQ(exported["tenants"].size(), 3u);
  for (const auto& t : exported["tenants"]) {
    EXPECT_EQ(t["mode"], "report") << "adopting an export changes nothing by itself";
    // Every user holding a managed SKU directly has an entry.
    auto state = f.fake().state(t["tenant"]);
    std::set<std::string> listed;
    for (const auto& u : t["users"]) listed.insert(u["upn"]);
    for (const auto& u : state["users"]) {
      if (!u["assignedLicenses"].empty()) {
        EXPECT_TRUE(listed.count(u["userPrincipalName"])) << u["userPrincipalName"];
      }
    }
  }

  auto plan = f.run({"plan", "--desired", file, "--detailed-exitcode"});
  EXPECT_EQ(plan.exit_code, 0) << plan.out << plan.err;
  EXPECT_NE(plan.out.find("No changes. The tenants match the desired state."), std::string::npos)
      << plan.out;
  auto drift = f.run({"drift", "--desired", file, "--no-refresh", "--detailed-exitcode"});
  EXPECT_EQ(drift.exit_code, 0) << drift.out << drift.err;

  // An export is the present, not a file that plans clean whatever it says: after Nancy
  // loses her licenses in the admin center, the old export puts them back and a new one
  // plans clean again.
  f.fake().set_licenses("northwind.onmicrosoft.com", "nancy.davolio@northwind.onmicrosoft.com",
                        nlohmann::json::array());
  // Exports are in report mode: the change is drift, and the plan shows it, but apply
  // would send nothing, so plan's detailed exit code stays 0.
  auto old_drift = f.run({"drift", "--desired", file, "--detailed-exitcode"});
  EXPECT_EQ(old_drift.exit_code, 2) << old_drift.out << old_drift.err;
  auto old_plan = f.run({"plan", "--desired", file, "--detailed-exitcode"});
  EXPECT_EQ(old_plan.exit_code, 0) << old_plan.out << old_plan.err;
  EXPECT_NE(old_plan.out.find(
                "nancy.davolio@northwind.onmicrosoft.com\n      + Microsoft 365 E3 (SPE_E3)"),
            std::string::npos)
      << old_plan.out;
  auto fresh = f.dir().file("fresh.json");
  ASSERT_EQ(f.run({"export", "--tenant", "northwind.onmicrosoft.com", "--out", fresh}).exit_code,
            0);
  EXPECT_EQ(f.run({"drift", "--desired", fresh, "--detailed-exitcode"}).exit_code, 0);
}

}  // namespace reports_cli_test
}  // namespace tenantsync::test
