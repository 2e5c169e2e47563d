// The commands that read the cache only, as a user sees them: `users list` (filters,
// deleted users with the days left, paging, JSON and CSV), `licenses` (seats, coverage of
// a selection, seats to buy) and `journal` (every operation apply sent, with outcome).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <set>
#include <sstream>

#include <gtest/gtest.h>

#include "sync/display_width.h"
#include "sync/store/sqlite.h"
#include "tests/e2e/cli_fixture.h"

namespace tenantsync::test {
namespace cache_views_cli_test {

const char* kContoso = "contoso.onmicrosoft.com";

// Mirrored demo estate; the tests then read the cache (and the fake's state to know the
// truth).
class CacheViewsCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto r = f.run({"mirror"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    contoso = f.fake().state(kContoso);
  }

  CliFixture f;
  nlohmann::json contoso;
};

// UPNs of the first column of `users list` text (the header and the paging line aside).
std::vector<std::string> listed_users(const std::string& out) {
  std::vector<std::string> users;
  for (const auto& line : lines_of(out)) {
    if (line.find('@') == std::string::npos || line.rfind("page ", 0) == 0 || line[0] == ' ') {
      continue;  // the paging line and the hints under it
    }
    users.push_back(line.substr(0, line.find(' ')));
  }
  return users;
}

TEST_F(CacheViewsCliTest, UsersListFiltersAsTheRemoteWouldAnswer) {
  std::vector<std::string> unlicensed, sales;
  for (const auto& u : contoso["users"]) {
    if (u["assignedLicenses"].empty() && u["groupLicenses"].empty()) {
      unlicensed.push_back(u["userPrincipalName"]);
    }
    if (u["department"] == "Sales") sales.push_back(u["userPrincipalName"]);
  }
  std::sort(unlicensed.begin(), unlicensed.end());
  std::sort(sales.begin(), sales.end());
  ASSERT_FALSE(unlicensed.empty());

  auto r = f.run({"users", "list", "--tenant", kContoso, "--filter", "unlicensed"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto got = listed_users(r.out);
  std::sort(got.begin(), got.end());
  EXPECT_EQ(got, unlicensed) << r.out;
  EXPECT_NE(r.out.find("page 1 of 1 (" + std::to_string(unlicensed.size()) +
                       " users matching unlicensed)"),
            std::string::npos)
      << r.out;

  auto by_department =
      f.run({"users", "list", "--tenant", kContoso, "--filter", "department:sales"});
  got = listed_users(by_department.out);
  std::sort(got.begin(), got.end());
  EXPECT_EQ(got, sales) << by_department.out;

  auto bad = f.run({"users", "list", "--tenant", kContoso, "--filter", "skew:E3"});
  EXPECT_EQ(bad.exit_code, 64) << bad.err;
  EXPECT_NE(bad.err.find("skew:E3"), std::string::npos) << bad.err;
}

// Names in any script line up: a CJK character takes two columns of the terminal, an
// accented letter one, so every row's DEPARTMENT starts in the header's column.
TEST_F(CacheViewsCliTest, UsersListLinesUpNamesInAnyScript) {
  const std::string adele = "adele.vance@contoso.onmicrosoft.com";
  const std::string alex = "alex.wilber@contoso.onmicrosoft.com";
  for (const auto& [user, name] :
       {std::pair{adele, std::string("山田太郎")}, std::pair{alex, std::string("Zoë Müller")}}) {
    auto set = f.run(
        {"users", "set", "--tenant", kContoso, "--user", user, "--display-name", name, "--yes"});
    ASSERT_EQ(set.exit_code, 0) << set.out << set.err;
  }
  auto r = f.run({"users", "list", "--tenant", kContoso, "--page-size", "5"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto lines = lines_of(r.out);
  ASSERT_FALSE(lines.empty());
  const std::string& header = lines[0];
  ASSERT_NE(header.find("DEPARTMENT"), std::string::npos) << r.out;
  const size_t column = display_width(header.substr(0, header.find("DEPARTMENT")));
  int rows = 0;
  for (const auto& line : lines) {
    if (line.find("@contoso") == std::string::npos || line[0] == ' ') continue;
    ++rows;
    const size_t at = display_prefix(line, column);
    ASSERT_LT(at, line.size()) << line;
    EXPECT_EQ(line[at - 1], ' ') << "column " << column << " of\n" << r.out;
    EXPECT_NE(line[at], ' ') << "column " << column << " of\n" << r.out;
  }
  EXPECT_EQ(rows, 5) << r.out;
  EXPECT_NE(r.out.find("山田太郎"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Zoë Müller"), std::string::npos) << r.out;
}

TEST_F(CacheViewsCliTest, UsersListPagesSayPageNOfMWithTheFlagsToMove) {
  const int total = static_cast<int>(contoso["users"].size());
  const int size = 5;
  const int pages = (total + size - 1) / size;
  ASSERT_GT(pages, 2);
  std::set<std::string> seen;
  for (int page = 1; page <= pages; ++page) {
    auto r = f.run({"users", "list", "--tenant", kContoso, "--page-size", std::to_string(size),
                    "--page", std::to_string(page)});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto users = listed_users(r.out);
    EXPECT_EQ(static_cast<int>(users.size()), page < pages ? size : total - size * (pages - 1));
    seen.insert(users.begin(), users.end());
    auto paging = lines_with(r.out, {"page " + std::to_string(page) + " of "});
    ASSERT_EQ(paging.size(), 1u) << r.out;
    EXPECT_EQ(paging[0], "page " + std::to_string(page) + " of " + std::to_string(pages) + " (" +
                             std::to_string(total) + " users)")
        << r.out;
    // Under it, the commands for the other pages, with the page size that made these.
    const std::string list = " users list --tenant " + std::string(kContoso) + " --page-size 5";
    if (page == 3) {
      EXPECT_EQ(lines_with(r.out, {"  first:", list + " --page first"}).size(), 1u) << r.out;
      EXPECT_EQ(lines_with(r.out, {"  previous:", list + " --page 2"}).size(), 1u) << r.out;
      EXPECT_EQ(lines_with(r.out, {"  next:", list + " --page 4"}).size(), 1u) << r.out;
    }
    if (page < pages) {
      EXPECT_EQ(lines_with(r.out, {"  last:", list + " --page last"}).size(), 1u) << r.out;
    } else {
      EXPECT_TRUE(lines_with(r.out, {"next:"}).empty()) << r.out;
    }
  }
  EXPECT_EQ(static_cast<int>(seen.size()), total) << "every user on exactly one page";
}

TEST_F(CacheViewsCliTest, UsersListDeletedShowsTheDaysLeftToRestore) {
  ASSERT_FALSE(contoso["deletedUsers"].empty());
  auto r = f.run({"users", "list", "--tenant", kContoso, "--deleted", "--format", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto listed = nlohmann::json::parse(r.out);
  ASSERT_EQ(listed["users"].size(), contoso["deletedUsers"].size()) << r.out;
  auto text = f.run({"users", "list", "--tenant", kContoso, "--deleted"});
  EXPECT_NE(text.out.find("DAYS LEFT"), std::string::npos) << text.out;
  for (const auto& u : listed["users"]) {
    // Restorable for 30 days after deletion, counted on this machine's clock.
    std::tm tm{};
    strptime(u["deletedDateTime"].get<std::string>().c_str(), "%Y-%m-%dT%H:%M:%SZ", &tm);
    double left = std::difftime(timegm(&tm) + 30 * 86400, std::time(nullptr)) / 86400.0;
    int days = u["daysLeftToRestore"];
    EXPECT_LE(std::abs(days - std::max(0.0, left)), 1.0) << u["userPrincipalName"] << " " << left;
    EXPECT_EQ(
        lines_with(text.out, {u["userPrincipalName"], " " + std::to_string(days) + " "}).size(), 1u)
        << text.out;
  }
}

TEST_F(CacheViewsCliTest, UsersListJsonAndCsvCarryTheSameUsers) {
  auto json =
      f.run({"users", "list", "--tenant", kContoso, "--format", "json", "--page-size", "100"});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  auto listed = nlohmann::json::parse(json.out);
  EXPECT_EQ(listed["tenant"], kContoso);
  EXPECT_EQ(listed["total"], contoso["users"].size());
  EXPECT_EQ(listed["page"], 1);
  EXPECT_EQ(listed["pageCount"], 1);
  ASSERT_EQ(listed["users"].size(), contoso["users"].size());

  auto csv =
      f.run({"users", "list", "--tenant", kContoso, "--format", "csv", "--page-size", "100"});
  ASSERT_EQ(csv.exit_code, 0) << csv.err;
  auto rows = lines_of(csv.out);
  ASSERT_EQ(rows.size(), contoso["users"].size() + 1);
  EXPECT_EQ(rows[0],
            "userPrincipalName,displayName,department,jobTitle,usageLocation,"
            "accountEnabled,licenses,roles,id");
  for (const auto& u : listed["users"]) {
    auto row = lines_with(csv.out, {u["userPrincipalName"].get<std::string>() + ","});
    ASSERT_EQ(row.size(), 1u) << u["userPrincipalName"];
    EXPECT_EQ(row[0].substr(row[0].rfind(',') + 1), u["id"]) << row[0];
  }
}

// The `licenses` row of a product.
std::string product_row(const std::string& out, const std::string& sku) {
  for (const auto& line : lines_of(out)) {
    // "SPE_E3 ..." or, with a known product name, "Microsoft 365 E3 (SPE_E3) ...".
    if (line.rfind(sku + " ", 0) == 0 || line.find("(" + sku + ") ") != std::string::npos) {
      return line;
    }
  }
  return "(no row for " + sku + ")";
}

TEST_F(CacheViewsCliTest, LicensesShowsSeatsAndWhetherAllSomeOrNoneOfASelectionHoldIt) {
  auto all = f.run({"licenses", "--tenant", kContoso});
  ASSERT_EQ(all.exit_code, 0) << all.err;
  for (const auto& s : contoso["skus"]) {
    if (s["appliesTo"] != "User") continue;
    // PRODUCT TOTAL GRACE CONSUMED AVAILABLE: paid seats, grace apart, grace not available.
    const int paid = s["enabled"], grace = s["warning"], consumed = s["consumedUnits"];
    const std::string sku = s["skuPartNumber"], line = product_row(all.out, sku);
    size_t label_end = line.find("(" + sku + ")");
    label_end = label_end == std::string::npos ? sku.size() : label_end + sku.size() + 2;
    std::istringstream row(line.substr(std::min(label_end, line.size())));
    int total = -1, grace_shown = -1, consumed_shown = -1, available = -1;
    row >> total >> grace_shown >> consumed_shown >> available;
    EXPECT_EQ(std::vector<int>({total, grace_shown, consumed_shown, available}),
              std::vector<int>({paid, grace, consumed, std::max(0, paid - consumed)}))
        << s["skuPartNumber"] << "\n"
        << all.out;
  }

  // Alex holds EMS directly, Adele does not; both hold SPE_E3; neither holds SPE_E5.
  const std::string alex = "alex.wilber@contoso.onmicrosoft.com";
  const std::string adele = "adele.vance@contoso.onmicrosoft.com";
  auto holds = [&](const std::string& upn, const std::string& sku) {
    auto ids = direct_sku_ids(find_user(contoso, upn));
    return std::find(ids.begin(), ids.end(), sku_id_of(contoso, sku)) != ids.end();
  };
  ASSERT_TRUE(holds(alex, "EMS") && !holds(adele, "EMS"));
  ASSERT_TRUE(holds(alex, "SPE_E3") && holds(adele, "SPE_E3"));
  ASSERT_TRUE(!holds(alex, "SPE_E5") && !holds(adele, "SPE_E5"));
  auto r = f.run({"licenses", "--tenant", kContoso, "--users", alex + "," + adele});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(product_row(r.out, "SPE_E3").find("all (2 of 2)"), std::string::npos) << r.out;
  EXPECT_NE(product_row(r.out, "EMS").find("some (1 of 2)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("EMS"), std::string::npos);
  EXPECT_EQ(lines_with(r.out, {"holds it: " + alex}).size(), 1u) << "the holder of EMS\n" << r.out;
  EXPECT_NE(product_row(r.out, "SPE_E5").find("none (0 of 2)"), std::string::npos) << r.out;

  auto json =
      f.run({"licenses", "--tenant", kContoso, "--users", alex + "," + adele, "--format", "json"});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  const nlohmann::json seats = nlohmann::json::parse(json.out);  // outlives the loop
  for (const auto& p : seats["products"]) {
    if (p["sku"] == "EMS") {
      EXPECT_EQ(p["coverage"], "some");
      EXPECT_EQ(p["holders"], nlohmann::json::array({alex}));
    }
  }
}

TEST_F(CacheViewsCliTest, LicensesSaysHowManySeatsToBuyForAProductWithoutRoom) {
  // SPE_E5 has no free seat in the demo; the unlicensed users hold nothing.
  ASSERT_EQ(free_seats(contoso, "SPE_E5"), 0);
  auto r = f.run({"licenses", "--tenant", kContoso, "--filter", "unlicensed"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  int selected = 0;
  for (const auto& u : contoso["users"]) {
    selected += u["assignedLicenses"].empty() && u["groupLicenses"].empty() ? 1 : 0;
  }
  ASSERT_GT(selected, 1);
  std::string row = product_row(r.out, "SPE_E5");
  EXPECT_NE(row.find("none (0 of " + std::to_string(selected) + ")"), std::string::npos) << row;
  EXPECT_NE(row.find("buy " + std::to_string(selected) + " more seats"), std::string::npos) << row;

  // A product with room for part of the selection: buy only what is missing.
  int free_e3 = free_seats(contoso, "SPE_E3");
  ASSERT_GT(free_e3, 0);
  ASSERT_LT(free_e3, selected);
  std::string e3 = product_row(r.out, "SPE_E3");
  int buy = selected - free_e3;
  EXPECT_NE(e3.find("buy " + std::to_string(buy) + " more seat" + (buy == 1 ? " " : "s ")),
            std::string::npos)
      << e3;
}

TEST_F(CacheViewsCliTest, LicensesRefusesAUserItDoesNotKnow) {
  auto r = f.run({"licenses", "--tenant", kContoso, "--users",
                  "alex.wilber@contoso.onmicrosoft.com,nobody@contoso.onmicrosoft.com"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.err.find("nobody@contoso.onmicrosoft.com"), std::string::npos) << r.err;
}

// A count of one is said in the singular (sync/plural.h) wherever the CLI prints a count:
// "1 user", "1 entry", "1 drift item in 1 of 1 tenant", never "1 users".
TEST_F(CacheViewsCliTest, CountsOfOneAreSingular) {
  const std::string ben = "ben.walters@contoso.onmicrosoft.com";  // the one blocked sign-in
  auto disabled = f.run({"users", "list", "--tenant", kContoso, "--filter", "disabled"});
  ASSERT_EQ(disabled.exit_code, 0) << disabled.err;
  EXPECT_NE(disabled.out.find("page 1 of 1 (1 user matching disabled)"), std::string::npos)
      << disabled.out;
  ASSERT_EQ(contoso["deletedUsers"].size(), 1u);
  auto deleted = f.run({"users", "list", "--tenant", kContoso, "--deleted"});
  EXPECT_NE(deleted.out.find("page 1 of 1 (1 deleted user)"), std::string::npos) << deleted.out;
  auto selected = f.run({"licenses", "--tenant", kContoso, "--users", ben});
  ASSERT_EQ(selected.exit_code, 0) << selected.err;
  EXPECT_NE(selected.out.find("SELECTED (1 user)"), std::string::npos) << selected.out;

  const std::string exported = f.dir().file("contoso.json");
  auto exporting = f.run({"export", "--tenant", kContoso, "--out", exported});
  ASSERT_EQ(exporting.exit_code, 0) << exporting.err;
  EXPECT_EQ(exporting.out.rfind("Exported 1 tenant to " + exported, 0), 0u) << exporting.out;

  auto set = f.run({"users", "set", "--tenant", kContoso, "--user", ben, "--department", "Ops"});
  ASSERT_EQ(set.exit_code, 0) << set.out << set.err;
  auto journal = f.run({"journal"});
  ASSERT_EQ(journal.exit_code, 0) << journal.err;
  EXPECT_EQ(lines_of(journal.out).back(), "1 entry.") << journal.out;

  // One drift item: a user to create, blocked without passwords.dir.
  nlohmann::json one_create = {
      {"version", 1},
      {"tenants",
       {{{"tenant", kContoso},
         {"managedSkus", {"EMS"}},
         {"users",
          {{{"upn", "nina.new@contoso.onmicrosoft.com"},
            {"create", {{"displayName", "Nina"}, {"usageLocation", "US"}}}}}}}}}};
  std::string desired = f.write("one.json", one_create.dump());
  const std::string report = f.dir().file("drift.csv");
  auto drift =
      f.run({"drift", "--desired", desired, "--no-refresh", "--format", "csv", "--out", report});
  ASSERT_EQ(drift.exit_code, 0) << drift.err;
  EXPECT_EQ(drift.out,
            "Wrote the drift report to " + report + " (1 drift item in 1 of 1 tenant).\n");
  f.write_config({{"desired", desired}, {"reports", {{"dir", f.dir().file("r")}}}});
  auto cycle = f.run({"run", "--once"});
  EXPECT_EQ(cycle.exit_code, 3) << cycle.out << cycle.err;
  EXPECT_NE(cycle.out.find(": 1 drift found, 1 left in 1 tenant;"), std::string::npos) << cycle.out;
}

TEST_F(CacheViewsCliTest, TheCacheViewsWorkWithoutTheRemote) {
  f.fake().reset_stats();
  for (const auto& args :
       std::vector<std::vector<std::string>>{{"users", "list", "--tenant", kContoso},
                                             {"licenses", "--tenant", kContoso},
                                             {"journal"}}) {
    auto r = f.run(args);
    EXPECT_EQ(r.exit_code, 0) << args[0] << "\n" << r.err;
  }
  EXPECT_TRUE(f.fake().stats()["requests"].empty()) << f.fake().stats().dump();
}

TEST(JournalCliTest, ListsEveryOperationApplySentWithItsOutcome) {
  CliFixture f;
  auto empty = f.run({"journal"});
  EXPECT_EQ(empty.exit_code, 0) << empty.err;
  EXPECT_EQ(empty.out, "The journal is empty.\n");

  auto applied =
      f.run({"apply", "--desired", examples_desired_path(), "--yes", "--format", "json"});
  ASSERT_EQ(applied.exit_code, 3) << applied.err;
  auto plan = nlohmann::json::parse(applied.out);
  std::vector<nlohmann::json> ops;
  for (const auto& t : plan["tenants"]) {
    for (auto op : t["operations"]) {
      op["tenant"] = t["tenant"];
      ops.push_back(op);
    }
  }

  auto text = f.run({"journal"});
  ASSERT_EQ(text.exit_code, 0) << text.err;
  for (const auto& op : ops) {
    EXPECT_EQ(
        lines_with(text.out, {op["status"], op["op"], op["tenant"], op["user"], op["sku"]}).size(),
        1u)
        << op << "\n"
        << text.out;
  }
  EXPECT_EQ(lines_of(text.out).back(), std::to_string(ops.size()) + " entries.");
  EXPECT_TRUE(lines_with(text.out, {"  : "}).empty()) << "a reason without a code\n" << text.out;
  EXPECT_EQ(lines_with(text.out, {"skipped", "tenant is in report mode"}).size(),
            static_cast<size_t>(std::count_if(
                ops.begin(), ops.end(), [](const auto& op) { return op["status"] == "skipped"; })));

  auto json = f.run({"journal", "--format", "json"});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  auto entries = nlohmann::json::parse(json.out);
  ASSERT_EQ(entries.size(), ops.size());
  for (size_t i = 0; i < ops.size(); ++i) {
    EXPECT_EQ(entries[i]["user"], ops[i]["user"]);
    EXPECT_EQ(entries[i]["op"], ops[i]["op"]);
    EXPECT_EQ(entries[i]["state"], ops[i]["status"]);
    EXPECT_EQ(entries[i]["tenant"], ops[i]["tenant"]);
    EXPECT_TRUE(entries[i]["request"].is_object()) << entries[i];
  }

  // --since: the day of the first entry keeps them all, the day after the last none.
  auto since =
      f.run({"journal", "--since", entries.front()["time"].get<std::string>().substr(0, 10)});
  EXPECT_EQ(lines_of(since.out).back(), std::to_string(ops.size()) + " entries.") << since.out;
  std::tm tm{};
  strptime(entries.back()["time"].get<std::string>().c_str(), "%Y-%m-%d", &tm);
  std::time_t next = timegm(&tm) + 86400;
  char next_day[16];
  std::strftime(next_day, sizeof next_day, "%Y-%m-%d", std::gmtime(&next));
  auto later = f.run({"journal", "--since", next_day});
  EXPECT_EQ(later.exit_code, 0) << later.err;
  EXPECT_EQ(later.out, "The journal is empty for this selection.\n");

  auto fabrikam = f.run({"journal", "--tenant", "fabrikam.onmicrosoft.com", "--format", "json"});
  for (const auto& e : nlohmann::json::parse(fabrikam.out)) {
    EXPECT_EQ(e["tenant"], "fabrikam.onmicrosoft.com");
  }
}

// Trust rule: a view of a tenant the cache does not hold as current says so, in every
// format, on stderr; a current one is shown without a word.
TEST_F(CacheViewsCliTest, ViewsOfAGoneOrStaleTenantSaySoAndACurrentOneDoesNot) {
  const char* kNorthwind = "northwind.onmicrosoft.com";
  f.fake().set_contract(kContoso, false);
  ASSERT_EQ(f.run({"mirror"}).exit_code, 0);
  f.write_config({{"remote", {{"maxAttempts", 1}, {"throttleDeadline", "1s"}}}});
  f.fake().set_limits({{"readUnitsPer10s", 3}});
  ASSERT_NE(f.run({"mirror", "--tenant", kNorthwind}).exit_code, 0);
  f.fake().set_limits(nlohmann::json::object());

  for (const char* format : {"text", "json", "csv"}) {
    auto gone = f.run({"users", "list", "--tenant", kContoso, "--format", format});
    EXPECT_EQ(gone.exit_code, 0) << gone.err;
    EXPECT_NE(gone.err.find("tenantsync users list: warning: contoso.onmicrosoft.com is gone "
                            "since "),
              std::string::npos)
        << format << ": " << gone.err;
    EXPECT_NE(gone.err.find("the users shown are those of its last mirror"), std::string::npos)
        << gone.err;
  }
  auto stale = f.run({"licenses", "--tenant", kNorthwind});
  EXPECT_EQ(stale.exit_code, 0) << stale.err;
  EXPECT_NE(stale.err.find("tenantsync licenses: warning: northwind.onmicrosoft.com is stale: "),
            std::string::npos)
      << stale.err;
  EXPECT_NE(stale.err.find("the seats and holders shown are those of its last complete read ("),
            std::string::npos)
      << stale.err;
  auto stale_users = f.run({"users", "list", "--tenant", kNorthwind});
  EXPECT_NE(stale_users.err.find("northwind.onmicrosoft.com is stale: "), std::string::npos)
      << stale_users.err;

  auto current = f.run({"users", "list", "--tenant", "fabrikam.onmicrosoft.com"});
  EXPECT_EQ(current.exit_code, 0) << current.err;
  EXPECT_EQ(current.err.find("warning"), std::string::npos) << current.err;
  auto current_seats = f.run({"licenses", "--tenant", "fabrikam.onmicrosoft.com"});
  EXPECT_EQ(current_seats.err.find("warning"), std::string::npos) << current_seats.err;
}

// `time` moved by `seconds` and written in the zone `offset` ("+01:00", "-05:30").
std::string in_zone(const std::string& utc, long seconds, const std::string& offset) {
  std::tm tm{};
  strptime(utc.c_str(), "%Y-%m-%dT%H:%M:%SZ", &tm);
  long offset_seconds = (std::stol(offset.substr(1, 2)) * 60 + std::stol(offset.substr(4, 2))) *
                        60 * (offset[0] == '-' ? -1 : 1);
  std::time_t local = timegm(&tm) + seconds + offset_seconds;
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", std::gmtime(&local));
  return text + offset;
}

// --since is a date or a full ISO 8601 time with Z or an offset, converted to UTC; anything
// else is a usage error naming the flag and the value (compared as text, 2026-13-45 or
// 25:00 would select entries silently and wrongly).
TEST(JournalCliTest, SinceTakesADateOrAFullTimeWithItsZoneAndRefusesTheRest) {
  CliFixture f;
  for (const std::string bad :
       {"2026-13-45", "2026-02-30", "2026-11-20T25:00:00Z", "2026-11-20T08:00:00", "yesterday"}) {
    auto r = f.run({"journal", "--since", bad});
    EXPECT_EQ(r.exit_code, 64) << bad << "\n" << r.out << r.err;
    EXPECT_NE(r.err.find("tenantsync journal: --since " + bad +
                         ": expected a date (2026-11-20) or a full ISO 8601 time with Z or an "
                         "offset"),
              std::string::npos)
        << r.err;
    EXPECT_EQ(r.out, "");
  }

  auto applied = f.run({"apply", "--desired", examples_desired_path(), "--yes"});
  ASSERT_EQ(applied.exit_code, 3) << applied.err;
  auto all = nlohmann::json::parse(f.run({"journal", "--format", "json"}).out);
  ASSERT_FALSE(all.empty());
  const std::string first = all.front()["time"], last = all.back()["time"];
  // The first entry's time, written an hour ahead with its offset, keeps every entry.
  auto ahead = f.run({"journal", "--since", in_zone(first, 0, "+01:00"), "--format", "json"});
  ASSERT_EQ(ahead.exit_code, 0) << ahead.err;
  EXPECT_EQ(nlohmann::json::parse(ahead.out).size(), all.size()) << in_zone(first, 0, "+01:00");
  // A second after the last one, written behind UTC, keeps none.
  auto after = f.run({"journal", "--since", in_zone(last, 1, "-05:30")});
  EXPECT_EQ(after.exit_code, 0) << after.err;
  EXPECT_EQ(after.out, "The journal is empty for this selection.\n") << in_zone(last, 1, "-05:30");
}

// Changes the cache file behind tenantsync's back, as another tool would.
void tamper(const std::string& cache, const std::string& sql) {
  auto db = Database::open(cache, /*create=*/false);
  ASSERT_TRUE(db.ok()) << db.error().describe();
  Status s = (*db)->exec(sql, "tamper");
  ASSERT_TRUE(s.ok()) << s.error().describe();
}

// --tenant goes through the cache, as in the other views: a name it does not know fails
// (exit 1) instead of reading as an empty journal. The cache never forgets a tenant, but an
// entry keeps the default domain it was written under, so the journal also answers to a
// tenant's former domain, and its current one lists the entries written under either.
TEST(JournalCliTest, TenantIsOneTheCacheOrTheJournalKnows) {
  CliFixture f;
  ASSERT_EQ(f.run({"mirror"}).exit_code, 0);
  auto applied = f.run({"apply", "--desired", examples_desired_path(), "--yes"});
  ASSERT_EQ(applied.exit_code, 3) << applied.err;

  auto typo = f.run({"journal", "--tenant", "typo.onmicrosoft.com"});
  EXPECT_EQ(typo.exit_code, 1) << typo.out << typo.err;
  EXPECT_EQ(typo.err,
            "tenantsync journal: tenant typo.onmicrosoft.com is not in the cache: run `tenantsync "
            "mirror --tenant typo.onmicrosoft.com` first\n");
  EXPECT_EQ(typo.out, "");

  // Known, with no entry: an empty selection, not an error.
  auto northwind = f.run({"journal", "--tenant", "northwind.onmicrosoft.com"});
  EXPECT_EQ(northwind.exit_code, 0) << northwind.err;
  EXPECT_EQ(northwind.out, "The journal is empty for this selection.\n");

  auto contoso =
      nlohmann::json::parse(f.run({"journal", "--tenant", kContoso, "--format", "json"}).out);
  ASSERT_FALSE(contoso.empty());
  // Contoso's entries were written before its default domain changed to the current one.
  tamper(f.dir().file("tenantsync.db"),
         "UPDATE journal SET tenant = 'contoso-old.onmicrosoft.com' WHERE tenant = '" +
             std::string(kContoso) + "'");
  for (const char* name : {kContoso, "CONTOSO-OLD.onmicrosoft.com"}) {
    auto r = f.run({"journal", "--tenant", name, "--format", "json"});
    ASSERT_EQ(r.exit_code, 0) << name << "\n" << r.err;
    auto entries = nlohmann::json::parse(r.out);
    EXPECT_EQ(entries.size(), contoso.size()) << name;
    for (const auto& e : entries) EXPECT_EQ(e["tenantId"], contoso.front()["tenantId"]) << e;
  }
}

}  // namespace cache_views_cli_test
}  // namespace tenantsync::test
