// The report folder of `tenantsync run`: each cycle's HTML and JSON, the newest `keep`
// kept, other files left alone.
#include "sync/run/report_store.h"

#include <filesystem>
#include <fstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/sync/memory_directory.h"

namespace tenantsync {
namespace report_store_test {

namespace fs = std::filesystem;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::vector<std::string> names_in(const std::string& dir) {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(dir)) out.push_back(e.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

Clock::time_point at_time(const std::string& iso) {
  Clock::time_point t;
  EXPECT_TRUE(parse_iso8601(iso, t)) << iso;
  return t;
}

DriftReport report_at(Clock::time_point at) {
  DriftReport r;
  r.generated_at = at;
  TenantDrift t;
  t.tenant = "contoso.onmicrosoft.com";
  r.tenants.push_back(t);
  return r;
}

TEST(ReportStoreTest, WritesHtmlAndJsonNamedByTheCycleTime) {
  TempDir dir;
  auto at = at_time("2026-11-20T10:15:00Z");

  auto files = write_cycle_reports(dir.file("reports"), report_at(at), at, 30);

  ASSERT_TRUE(files.ok()) << files.error().message;
  EXPECT_EQ(files->html, dir.file("reports") + "/drift-20261120T101500Z.html");
  EXPECT_EQ(files->json, dir.file("reports") + "/drift-20261120T101500Z.json");
  std::ifstream json(files->json);
  std::string text((std::istreambuf_iterator<char>(json)), {});
  EXPECT_THAT(text, HasSubstr("contoso.onmicrosoft.com"));
  EXPECT_THAT(names_in(dir.file("reports")),
              ElementsAre("drift-20261120T101500Z.html", "drift-20261120T101500Z.json"));
}

TEST(ReportStoreTest, KeepsTheNewestCyclesAndNothingElseIsTouched) {
  TempDir dir;
  fs::create_directories(dir.file("reports"));
  std::ofstream(dir.file("reports/notes.txt")) << "mine";
  auto t0 = at_time("2026-11-20T10:00:00Z");
  for (int i = 0; i < 4; ++i) {
    auto at = t0 + std::chrono::minutes(i);
    ASSERT_TRUE(write_cycle_reports(dir.file("reports"), report_at(at), at, 2).ok());
  }
  EXPECT_THAT(
      names_in(dir.file("reports")),
      ElementsAre("drift-20261120T100200Z.html", "drift-20261120T100200Z.json",
                  "drift-20261120T100300Z.html", "drift-20261120T100300Z.json", "notes.txt"));
}

TEST(ReportStoreTest, TwoCyclesInOneSecondDoNotOverwriteEachOther) {
  TempDir dir;
  auto at = at_time("2026-11-20T10:15:00Z");
  auto a = write_cycle_reports(dir.file("r"), report_at(at), at, 30);
  auto b = write_cycle_reports(dir.file("r"), report_at(at), at, 30);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(a->html, b->html);
  EXPECT_EQ(names_in(dir.file("r")).size(), 4u);
}

TEST(ReportStoreTest, AnUnwritableFolderIsAClearError) {
  TempDir dir;
  std::ofstream(dir.file("file")) << "x";
  auto at = at_time("2026-11-20T10:15:00Z");
  auto r = write_cycle_reports(dir.file("file/reports"), report_at(at), at, 30);
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.error().message, HasSubstr("cannot create the report folder"));
}

}  // namespace report_store_test
}  // namespace tenantsync
