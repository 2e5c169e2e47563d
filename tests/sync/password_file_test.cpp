// The passwords file: created 0600 whatever the umask, never overwriting anything, checked
// before any remote call, removed when a write fails.
#include "sync/apply/password_file.h"

#include "sync/csv_field.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <csignal>
#include <fstream>
#include <sstream>

namespace tenantsync {
namespace password_file_test {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;

class PasswordFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = testing::TempDir() + "/password_file_test.XXXXXX";
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override {
    std::error_code ec;
    fs::permissions(dir_, fs::perms::owner_all, ec);
    fs::remove_all(dir_, ec);
  }

  static std::string read(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }
  static mode_t mode_of(const fs::path& path) {
    struct stat st {};
    EXPECT_EQ(::stat(path.c_str(), &st), 0);
    return st.st_mode & 07777;
  }

  fs::path dir_;
};

// Sets the umask for one scope.
class ScopedUmask {
 public:
  explicit ScopedUmask(mode_t mask) : old_(::umask(mask)) {}
  ~ScopedUmask() { ::umask(old_); }

 private:
  mode_t old_;
};

TEST_F(PasswordFileTest, WritesHeaderAndRowsWithLfLineEnds) {
  fs::path path = dir_ / "passwords.csv";
  ASSERT_TRUE(write_passwords_file(path, {{"ann@contoso.com", "Ab3%defghJKL2mn+"},
                                          {"bob@contoso.com", "Xy7=pqrsTUVW8z.@"}})
                  .ok());
  EXPECT_EQ(read(path),
            "userPrincipalName,temporaryPassword\n"
            "ann@contoso.com,Ab3%defghJKL2mn+\n"
            "bob@contoso.com,Xy7=pqrsTUVW8z.@\n");
}

TEST_F(PasswordFileTest, ModeIs0600EvenWithUmask000) {
  ScopedUmask mask(0);
  fs::path a = dir_ / "a.csv";
  ASSERT_TRUE(write_passwords_file(a, {{"ann@contoso.com", "pw"}}).ok());
  EXPECT_EQ(mode_of(a), 0600u);
  fs::path b = dir_ / "b.csv";
  Result<PasswordFile> f = PasswordFile::create(b);
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(mode_of(b), 0600u);
}

TEST_F(PasswordFileTest, ModeIs0600WithARestrictiveUmaskToo) {
  ScopedUmask mask(0277);  // would leave 0400
  fs::path a = dir_ / "a.csv";
  ASSERT_TRUE(write_passwords_file(a, {{"ann@contoso.com", "pw"}}).ok());
  EXPECT_EQ(mode_of(a), 0600u);
}

TEST_F(PasswordFileTest, ExistingFileIsRefusedAndLeftUntouched) {
  fs::path path = dir_ / "passwords.csv";
  {
    std::ofstream out(path);
    out << "precious\n";
  }
  ::chmod(path.c_str(), 0644);
  Status s = write_passwords_file(path, {{"ann@contoso.com", "Secret123!"}});
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().kind, ErrorKind::Conflict);
  EXPECT_EQ(s.error().code, "PasswordsFileExists");
  EXPECT_EQ(s.error().message, "passwords file " + path.string() +
                                   " already exists; choose a new name (tenantsync never "
                                   "overwrites one)");
  EXPECT_EQ(read(path), "precious\n");
  EXPECT_EQ(mode_of(path), 0644u);

  Result<PasswordFile> f = PasswordFile::create(path);
  ASSERT_FALSE(f.ok());
  EXPECT_EQ(f.error().kind, ErrorKind::Conflict);
  EXPECT_EQ(read(path), "precious\n");
}

TEST_F(PasswordFileTest, SymlinksAreNeverFollowed) {
  fs::path target = dir_ / "target.txt";
  fs::path dangling = dir_ / "dangling.csv";
  fs::create_symlink(target, dangling);
  Status s = write_passwords_file(dangling, {{"ann@contoso.com", "pw"}});
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().kind, ErrorKind::Conflict);
  EXPECT_FALSE(fs::exists(target));
  EXPECT_EQ(check_passwords_path(dangling).error().kind, ErrorKind::Conflict);
}

TEST_F(PasswordFileTest, PreflightAcceptsANewFileInAWritableFolder) {
  EXPECT_TRUE(check_passwords_path(dir_ / "new.csv").ok());
  EXPECT_FALSE(fs::exists(dir_ / "new.csv"));  // the check creates nothing
}

TEST_F(PasswordFileTest, PreflightAcceptsARelativeNameInTheCurrentFolder) {
  fs::path old = fs::current_path();
  fs::current_path(dir_);
  Status s = check_passwords_path("passwords.csv");
  fs::current_path(old);
  EXPECT_TRUE(s.ok()) << s.error().message;
}

TEST_F(PasswordFileTest, PreflightErrors) {
  { std::ofstream out(dir_ / "exists.csv"); }
  { std::ofstream out(dir_ / "plain-file"); }
  struct Case {
    fs::path path;
    ErrorKind kind;
    std::string message;
  };
  for (const Case& c : std::vector<Case>{
           {dir_ / "exists.csv", ErrorKind::Conflict,
            "passwords file " + (dir_ / "exists.csv").string() +
                " already exists; choose a new name (tenantsync never overwrites one)"},
           {dir_, ErrorKind::Conflict, "already exists"},
           {dir_ / "missing" / "p.csv", ErrorKind::Io,
            "cannot create passwords file " + (dir_ / "missing" / "p.csv").string() + ": folder " +
                (dir_ / "missing").string() + " does not exist"},
           {dir_ / "plain-file" / "p.csv", ErrorKind::Io, "plain-file"},
           {"", ErrorKind::Invalid, "the passwords file needs a name"},
           {dir_ / "sub" / "", ErrorKind::Invalid, "names a folder; give a file name"},
       }) {
    Status s = check_passwords_path(c.path);
    ASSERT_FALSE(s.ok()) << c.path;
    EXPECT_EQ(s.error().kind, c.kind) << c.path;
    EXPECT_THAT(s.error().message, HasSubstr(c.message)) << c.path;
  }
}

TEST_F(PasswordFileTest, PreflightRefusesAFolderWithoutWritePermission) {
  if (::geteuid() == 0) GTEST_SKIP() << "root may write anywhere";
  fs::path locked = dir_ / "locked";
  fs::create_directory(locked);
  fs::permissions(locked, fs::perms::owner_read | fs::perms::owner_exec);
  Status s = check_passwords_path(locked / "p.csv");
  fs::permissions(locked, fs::perms::owner_all);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().kind, ErrorKind::Io);
  EXPECT_THAT(s.error().message, HasSubstr("no permission to write in folder"));
}

TEST_F(PasswordFileTest, AppendsRowByRow) {
  fs::path path = dir_ / "p.csv";
  Result<PasswordFile> f = PasswordFile::create(path);
  ASSERT_TRUE(f.ok()) << f.error().message;
  EXPECT_EQ(read(path), "userPrincipalName,temporaryPassword\n");
  ASSERT_TRUE(f->append("ann@contoso.com", "pw1").ok());
  EXPECT_EQ(read(path), "userPrincipalName,temporaryPassword\nann@contoso.com,pw1\n");
  ASSERT_TRUE(f->append_all({{"bob@contoso.com", "pw2"}, {"cy@contoso.com", "p,w\"3"}}).ok());
  ASSERT_TRUE(f->close().ok());
  ASSERT_TRUE(f->close().ok());  // idempotent
  EXPECT_FALSE(f->append("dan@contoso.com", "pw4").ok());
  EXPECT_EQ(read(path),
            "userPrincipalName,temporaryPassword\nann@contoso.com,pw1\nbob@contoso.com,pw2\n"
            "cy@contoso.com,\"p,w\"\"3\"\n");
}

TEST_F(PasswordFileTest, MovedFromFileKeepsOneOwner) {
  fs::path path = dir_ / "p.csv";
  Result<PasswordFile> f = PasswordFile::create(path);
  ASSERT_TRUE(f.ok());
  PasswordFile moved = std::move(f).value();
  ASSERT_TRUE(moved.append("ann@contoso.com", "pw").ok());
  ASSERT_TRUE(moved.close().ok());
  EXPECT_THAT(read(path), HasSubstr("ann@contoso.com,pw\n"));
}

TEST_F(PasswordFileTest, DiscardRemovesTheFile) {
  fs::path path = dir_ / "p.csv";
  Result<PasswordFile> f = PasswordFile::create(path);
  ASSERT_TRUE(f.ok());
  f->discard();
  EXPECT_FALSE(fs::exists(path));
}

TEST_F(PasswordFileTest, WriteFailureRemovesThePartialFile) {
  // A file-size limit makes write() fail with EFBIG after the first bytes.
  struct rlimit old {};
  ASSERT_EQ(::getrlimit(RLIMIT_FSIZE, &old), 0);
  auto old_handler = std::signal(SIGXFSZ, SIG_IGN);
  struct rlimit small = old;
  small.rlim_cur = 64;
  ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &small), 0);
  std::vector<PasswordEntry> entries;
  for (int i = 0; i < 20; ++i) {
    entries.push_back(
        {"user" + std::to_string(i) + "@contoso.com", "Secret-Passw0rd-" + std::to_string(i)});
  }
  fs::path path = dir_ / "p.csv";
  Status s = write_passwords_file(path, entries);
  ::setrlimit(RLIMIT_FSIZE, &old);
  std::signal(SIGXFSZ, old_handler);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().kind, ErrorKind::Io);
  EXPECT_THAT(s.error().message, HasSubstr("cannot write passwords file " + path.string()));
  EXPECT_THAT(s.error().message, Not(HasSubstr("Secret")));
  EXPECT_FALSE(fs::exists(path));
}

TEST(PasswordFileCsvTest, FieldsAreQuotedOnlyWhenNeeded) {
  struct Case {
    const char* value;
    const char* field;
  };
  for (const Case& c : std::vector<Case>{
           {"ann@contoso.com", "ann@contoso.com"},
           {"Ab3%de:f=g+h.i@_-", "Ab3%de:f=g+h.i@_-"},
           {"", ""},
           {"a,b", "\"a,b\""},
           {"a;b", "\"a;b\""},
           {"say \"hi\"", "\"say \"\"hi\"\"\""},
           {"two\nlines", "\"two\nlines\""},
           {" padded", "\" padded\""},
           {"padded ", "\"padded \""},
           {"in side", "in side"},
       }) {
    EXPECT_EQ(csv_field(c.value, SpreadsheetFormulas::Keep), c.field) << c.value;
  }
}

}  // namespace password_file_test
}  // namespace tenantsync
