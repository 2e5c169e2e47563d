// Files that list users are private whatever the umask (issue 15, item 11).
#include "sync/private_file.h"

#include <sys/stat.h>

#include <fstream>
#include <iterator>

#include <gtest/gtest.h>

#include "tests/sync/memory_directory.h"

namespace tenantsync {
namespace private_file_test {

int mode_of(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return -1;
  return static_cast<int>(st.st_mode & 07777);
}

std::string content(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// Runs the test body under umask 000, the most permissive, and puts the old one back.
class PrivateFileTest : public ::testing::Test {
 protected:
  void SetUp() override { old_ = ::umask(0); }
  void TearDown() override { ::umask(old_); }

  mode_t old_ = 0;
  TempDir dir_;
};

TEST_F(PrivateFileTest, ANewFileIs0600) {
  std::string path = dir_.file("plan.json");
  ASSERT_TRUE(write_private_file(path, "{}\n").ok());
  EXPECT_EQ(mode_of(path), 0600);
  EXPECT_EQ(content(path), "{}\n");
}

TEST_F(PrivateFileTest, AnExistingWiderFileIsNarrowedAndReplaced) {
  std::string path = dir_.file("plan.json");
  std::ofstream(path) << "an older, longer plan";
  ASSERT_EQ(::chmod(path.c_str(), 0666), 0);
  ASSERT_TRUE(write_private_file(path, "new").ok());
  EXPECT_EQ(mode_of(path), 0600);
  EXPECT_EQ(content(path), "new");
}

TEST_F(PrivateFileTest, AFileInAMissingFolderIsAnErrorNamingIt) {
  Status s = write_private_file(dir_.file("nowhere/plan.json"), "{}");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().kind, ErrorKind::Io);
  EXPECT_NE(s.error().message.find(dir_.file("nowhere/plan.json")), std::string::npos);
}

TEST_F(PrivateFileTest, ANewFolderIs0700AndAnExistingOneIsLeftAlone) {
  std::string reports = dir_.file("a/reports");
  ASSERT_TRUE(create_private_folder(reports).ok());
  EXPECT_EQ(mode_of(reports), 0700);

  std::string shared = dir_.file("shared");
  ASSERT_EQ(::mkdir(shared.c_str(), 0755), 0);
  ASSERT_TRUE(create_private_folder(shared).ok());
  EXPECT_EQ(mode_of(shared), 0755);
}

}  // namespace private_file_test
}  // namespace tenantsync
