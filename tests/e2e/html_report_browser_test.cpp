// The drift report as an admin sees it: rendered by headless Chromium (Debian's
// `chromium`, which .ci/run installs), read back as the page's visible text
// (innerText, so hidden or unrendered content does not count), and sorted by clicking a
// column header as a reader would. Skipped, saying so, where Chromium is not installed.
#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/e2e/cli_fixture.h"

namespace tenantsync::test {
namespace html_report_browser_test {

using ::testing::HasSubstr;

std::string chromium_binary() {
  for (const char* path : {"/usr/bin/chromium", "/usr/bin/chromium-browser"}) {
    if (access(path, X_OK) == 0) return path;
  }
  return "";
}

// Loads report.html in a frame; when it is loaded, writes into <pre id="out"> a JSON
// object: the frame's visible text, then the first user of Fabrikam's drift table after
// one and after two clicks on its "User" header.
const char* kReader = R"(<!doctype html><html><body>
<iframe id="f" src="report.html" style="width:1280px;height:4000px"></iframe><pre id="out"></pre>
<script>
document.getElementById('f').onload = function () {
  var d = document.getElementById('f').contentDocument;
  var result = {text: d.body.innerText, clicks: []};
  var section = d.getElementById('tenant-fabrikam.onmicrosoft.com');
  var header = section.querySelector('table.drift th');
  for (var i = 0; i < 2; i++) {
    header.click();
    result.clicks.push(section.querySelector('table.drift tbody tr td').innerText);
  }
  document.getElementById('out').textContent = JSON.stringify(result);
};
</script></body></html>)";

std::string unescape_html(std::string s) {
  const std::pair<const char*, const char*> entities[] = {
      {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&#39;", "'"}, {"&amp;", "&"}};
  for (const auto& [from, to] : entities) {
    for (size_t at; (at = s.find(from)) != std::string::npos;) s.replace(at, strlen(from), to);
  }
  return s;
}

TEST(HtmlReportBrowserTest, AReaderSeesTheTotalsAndEachTenantsTableAndCanSortIt) {
  std::string chromium = chromium_binary();
  if (chromium.empty()) GTEST_SKIP() << "chromium is not installed (.ci/run installs it)";
  CliFixture f;
  f.write_config({{"desired", examples_desired_path()}});
  ProgramResult html = f.run({"drift", "--format", "html", "--out", f.dir().file("report.html")});
  ASSERT_EQ(html.exit_code, 0) << html.err;
  ProgramResult json = f.run({"drift", "--no-refresh", "--format", "json"});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  auto report = nlohmann::json::parse(json.out);
  std::string reader = f.write("reader.html", kReader);

  ProgramResult shown = run_program(
      chromium, {"--headless", "--no-sandbox", "--disable-gpu", "--allow-file-access-from-files",
                 "--virtual-time-budget=5000", "--dump-dom", "file://" + reader});

  ASSERT_EQ(shown.exit_code, 0) << shown.err;
  auto open = shown.out.find("<pre id=\"out\">");
  auto close = shown.out.find("</pre>", open);
  ASSERT_NE(open, std::string::npos) << shown.out;
  auto seen = nlohmann::json::parse(unescape_html(shown.out.substr(open + 14, close - open - 14)));
  std::string text = seen["text"];

  int items = report["totals"]["items"];
  int with_drift = report["totals"]["tenantsWithDrift"];
  EXPECT_THAT(text,
              HasSubstr(std::to_string(items) + " drift items in " + std::to_string(with_drift) +
                        " of " + std::to_string(report["tenants"].size()) + " tenants"));
  // The summary table, one row per tenant, as the reader sees its cells.
  for (const auto& t : report["tenants"]) {
    EXPECT_THAT(text,
                HasSubstr(t["tenant"].get<std::string>() + "\t" + t["mode"].get<std::string>() +
                          "\t" + std::to_string(t["totals"]["items"].get<int>())));
  }
  // Fabrikam's table: a row per drift item, user, kind and SKU in visible cells.
  // Products show by name with the part number; Kenji's E3 waits for a paid seat
  // (Fabrikam's two grace units are not handed out by default).
  EXPECT_THAT(text, HasSubstr("aisha.bello@fabrikam.onmicrosoft.com\tmissing license\t"
                              "Enterprise Mobility + Security E3 (EMS)\tready"));
  EXPECT_THAT(text, HasSubstr("kenji.sato@fabrikam.onmicrosoft.com\tmissing license\t"
                              "Microsoft 365 E3 (SPE_E3)\tblocked"));
  // Clicking "User" sorts ascending, clicking again descending.
  EXPECT_EQ(seen["clicks"][0], "aisha.bello@fabrikam.onmicrosoft.com");
  EXPECT_EQ(seen["clicks"][1], "kenji.sato@fabrikam.onmicrosoft.com");
}

}  // namespace html_report_browser_test
}  // namespace tenantsync::test
