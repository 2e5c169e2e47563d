// Loading desired state from a file or a folder of *.json files.
#include "sync/plan/desired_loader.h"

#include <filesystem>
#include <fstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace tenantsync {
namespace desired_loader_test {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

class DesiredLoaderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ =
        fs::temp_directory_path() /
        ("tenantsync-desired-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
         "-" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  fs::path write(const std::string& name, const std::string& text) {
    fs::path p = dir_ / name;
    fs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << text;
    return p;
  }

  static std::string tenant_file(const std::string& tenant, const std::string& upn) {
    return "{\n"
           "  \"version\": 1,\n"
           "  \"tenants\": [\n"
           "    {\n"
           "      \"tenant\": \"" +
           tenant +
           "\",\n"
           "      \"managedSkus\": [\"SPE_E3\"],\n"
           "      \"users\": [ { \"upn\": \"" +
           upn +
           "\", \"licenses\": [\"SPE_E3\"] } ]\n"
           "    }\n"
           "  ]\n"
           "}\n";
  }

  fs::path dir_;
};

TEST_F(DesiredLoaderTest, LoadsOneFile) {
  fs::path file = write("one.json", tenant_file("contoso.onmicrosoft.com", "a@contoso.com"));
  auto state = load_desired_state(file);
  ASSERT_TRUE(state.ok()) << state.error().message;
  ASSERT_EQ(state->tenants.size(), 1u);
  EXPECT_EQ(state->tenants[0].tenant, "contoso.onmicrosoft.com");
  EXPECT_EQ(state->tenants[0].location.file, file.string());
  EXPECT_EQ(state->tenants[0].location.line, 4);
}

TEST_F(DesiredLoaderTest, MergesAFoldersJsonFilesInNameOrder) {
  write("b.json", tenant_file("fabrikam.onmicrosoft.com", "b@fabrikam.com"));
  write("a.json", tenant_file("contoso.onmicrosoft.com", "a@contoso.com"));
  write("10-c.json", tenant_file("tailspin.onmicrosoft.com", "c@tailspin.com"));
  write("notes.txt", "not json");
  write("nested/d.json", tenant_file("nested.onmicrosoft.com", "d@nested.com"));
  write("e.json.bak", "{");
  auto state = load_desired_state(dir_);
  ASSERT_TRUE(state.ok()) << state.error().message;
  ASSERT_EQ(state->tenants.size(), 3u);
  EXPECT_EQ(state->tenants[0].tenant, "tailspin.onmicrosoft.com");
  EXPECT_EQ(state->tenants[1].tenant, "contoso.onmicrosoft.com");
  EXPECT_EQ(state->tenants[2].tenant, "fabrikam.onmicrosoft.com");
  EXPECT_EQ(state->tenants[2].users[0].location.file, (dir_ / "b.json").string());
}

TEST_F(DesiredLoaderTest, SameTenantInTwoFilesNamesBothFilesAndLines) {
  write("a.json", tenant_file("contoso.onmicrosoft.com", "a@contoso.com"));
  write("b.json", tenant_file("Contoso.OnMicrosoft.com", "b@contoso.com"));
  auto state = load_desired_state(dir_);
  ASSERT_FALSE(state.ok());
  EXPECT_EQ(state.error().kind, ErrorKind::Invalid);
  EXPECT_EQ(state.error().message,
            (dir_ / "b.json").string() +
                ":4:5: tenants[0].tenant: tenant \"Contoso.OnMicrosoft.com\" is already declared "
                "at " +
                (dir_ / "a.json").string() + ":4:5; a tenant belongs in one file only");
}

TEST_F(DesiredLoaderTest, ReportsTheProblemsOfEveryFileNamingEach) {
  write("a.json", "{ \"version\": 1, \"tenants\": [ { \"tenant\": 5 } ] }");
  write("b.json", "{ \"version\": 1,\n  \"tenants\": [ }");
  write("c.json", tenant_file("contoso.onmicrosoft.com", "a@contoso.com"));
  auto state = load_desired_state(dir_);
  ASSERT_FALSE(state.ok());
  EXPECT_EQ(state.error().kind, ErrorKind::Invalid);
  EXPECT_THAT(state.error().message, HasSubstr((dir_ / "a.json").string() + ":1:"));
  EXPECT_THAT(state.error().message, HasSubstr((dir_ / "b.json").string() + ":2:"));
  EXPECT_THAT(state.error().message, ::testing::Not(HasSubstr("c.json")));
}

TEST_F(DesiredLoaderTest, MissingPathAndEmptyFolderAreErrors) {
  auto missing = load_desired_state(dir_ / "nope.json");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().kind, ErrorKind::Io);
  EXPECT_EQ(missing.error().message, (dir_ / "nope.json").string() + ": no such file or folder");

  auto empty = load_desired_state(dir_);
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.error().message, dir_.string() + ": no *.json files in this folder");
}

TEST_F(DesiredLoaderTest, FileThatCannotBeReadIsNamed) {
  fs::create_symlink(dir_ / "gone.json", dir_ / "link.json");
  auto state = load_desired_state(dir_ / "link.json");
  ASSERT_FALSE(state.ok());
  EXPECT_EQ(state.error().kind, ErrorKind::Io);
  EXPECT_THAT(state.error().message, HasSubstr((dir_ / "link.json").string()));
}

TEST(DesiredMergeTest, KeepsOrderAndRefusesDuplicates) {
  DesiredState a, b;
  a.tenants.resize(1);
  a.tenants[0].tenant = "x.onmicrosoft.com";
  a.tenants[0].location = {"a.json", 3, 5, "tenants[0]"};
  b.tenants.resize(2);
  b.tenants[0].tenant = "y.onmicrosoft.com";
  b.tenants[1].tenant = "X.onmicrosoft.com";
  b.tenants[1].location = {"b.json", 9, 5, "tenants[1]"};
  auto merged = merge_desired_states({a, b});
  ASSERT_FALSE(merged.ok());
  EXPECT_EQ(merged.error().message,
            "b.json:9:5: tenants[1].tenant: tenant \"X.onmicrosoft.com\" is already declared at "
            "a.json:3:5; a tenant belongs in one file only");
  b.tenants.pop_back();
  merged = merge_desired_states({a, b});
  ASSERT_TRUE(merged.ok());
  ASSERT_EQ(merged->tenants.size(), 2u);
  EXPECT_EQ(merged->tenants[1].tenant, "y.onmicrosoft.com");
}

}  // namespace desired_loader_test
}  // namespace tenantsync
