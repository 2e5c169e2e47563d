#include "sync/store/cache_database.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>

#include "sync/log.h"
#include "sync/store/cache_schema.h"
#include "sync/unicode_case.h"

namespace tenantsync {

namespace {

// The cache and its folder must be writable (SQLite keeps -wal and -shm beside the file):
// say which one is not, rather than SQLite's later "attempt to write a readonly database".
Status create_private_file(const std::string& path) {
  std::string folder = std::filesystem::path(path).parent_path().string();
  if (folder.empty()) folder = ".";
  if (::access(folder.c_str(), W_OK | X_OK) != 0) {
    return make_error(ErrorKind::Io, "cache " + path + ": cannot write in its folder " + folder +
                                         " (" + std::strerror(errno) +
                                         "): the cache's -wal and -shm files are kept there");
  }
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) {
    return make_error(ErrorKind::Io, "cache " + path + ": cannot open for writing (" +
                                         std::strerror(errno) + "): check its owner and mode");
  }
  ::close(fd);
  return {};
}

bool file_exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

enum class FileKind { Absent, Empty, Sqlite, Foreign };

// What is at the path, from its first bytes: every SQLite database starts with this
// header, and tenantsync never leaves a cache without it once SQLite has written it.
FileKind inspect(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return FileKind::Absent;
    // Unreadable: let the open that follows say why, naming the file.
    return FileKind::Sqlite;
  }
  static constexpr char kHeader[] = "SQLite format 3";  // 16 bytes with its NUL
  char head[sizeof kHeader] = {};
  ssize_t n = ::read(fd, head, sizeof head);
  ::close(fd);
  if (n < 0) return FileKind::Sqlite;
  if (n == 0) return FileKind::Empty;
  return n == static_cast<ssize_t>(sizeof head) && std::memcmp(head, kHeader, sizeof head) == 0
             ? FileKind::Sqlite
             : FileKind::Foreign;
}

Error refused_file(const std::string& path, const std::string& what) {
  return make_error(ErrorKind::Invalid,
                    "cache " + path + " " + what +
                        ": tenantsync does not start a new cache over it (its journal would be "
                        "lost without a word); check the `cache` setting, or move the file away "
                        "if a new cache is meant",
                    "cache-not-tenantsync");
}

Error damaged_file(const std::string& path, const Error& cause) {
  return make_error(ErrorKind::Io,
                    "cache " + path + " is damaged (" + cause.message + "); " + kRepairDamagedCache,
                    "cache-damaged");
}

struct Checked {
  std::unique_ptr<Database> db;
  std::optional<Error> corrupt;  // set: the file is not a healthy database
};

Status configure(Database& db, const CacheOpenOptions& options) {
  if (int rc = register_any_case(db.handle()); rc != SQLITE_OK) {
    return db.error("register the any_case collation", rc);
  }
  return db.exec("PRAGMA busy_timeout = " + std::to_string(options.busy_timeout_ms) +
                     "; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = OFF",
                 "configure connection");
}

// Opens the file and decides whether it is a healthy database (any tenantsync schema).
Result<Checked> open_and_check(const std::string& path, const CacheOpenOptions& options) {
  auto db = Database::open(path, /*create=*/false);
  if (!db.ok()) return db.error();
  Checked out;
  auto corrupt = [&](Error e) -> Result<Checked> {
    out.db.reset();
    out.corrupt = std::move(e);
    return std::move(out);
  };
  Status s = configure(**db, options);
  if (!s.ok())
    return is_cache_corruption(s.error()) ? corrupt(s.error()) : Result<Checked>(s.error());
  auto version = (*db)->query_int("PRAGMA user_version");
  if (!version.ok()) {
    return is_cache_corruption(version.error()) ? corrupt(version.error())
                                                : Result<Checked>(version.error());
  }
  if (*version > kCacheSchemaVersion) return newer_schema_error(path, *version);
  if (*version == 0) {
    auto tables = (*db)->query_int("SELECT count(*) FROM sqlite_master");
    if (!tables.ok()) {
      return is_cache_corruption(tables.error()) ? corrupt(tables.error())
                                                 : Result<Checked>(tables.error());
    }
    if (*tables > 0) {
      return make_error(ErrorKind::Invalid, "cache " + path +
                                                " is an SQLite database but not a tenantsync "
                                                "cache; choose another file or remove it");
    }
    // A new cache: its page size can only be chosen now, before anything is written.
    s = (*db)->exec("PRAGMA page_size = " + std::to_string(kNewCachePageSize), "set page size");
    if (!s.ok()) return s.error();
  } else {
    // A schema version, but is it ours? Another program's database may set one too.
    auto ours = (*db)->query_int(
        "SELECT count(*) FROM sqlite_master WHERE type = 'table' "
        "AND name IN ('tenants', 'users', 'sync_state')");
    if (!ours.ok()) {
      return is_cache_corruption(ours.error()) ? corrupt(ours.error())
                                               : Result<Checked>(ours.error());
    }
    if (*ours != 3) {
      return make_error(ErrorKind::Invalid, "cache " + path +
                                                " is an SQLite database but not a tenantsync "
                                                "cache; choose another file or remove it");
    }
  }
  s = (*db)->exec("PRAGMA journal_mode = WAL", "enable WAL");
  if (!s.ok())
    return is_cache_corruption(s.error()) ? corrupt(s.error()) : Result<Checked>(s.error());
  if (options.verify) {
    auto check = (*db)->prepare("PRAGMA quick_check(5)");
    if (!check.ok()) {
      return is_cache_corruption(check.error()) ? corrupt(check.error())
                                                : Result<Checked>(check.error());
    }
    std::string problems;
    for (;;) {
      auto row = check->step();
      if (!row.ok()) {
        return is_cache_corruption(row.error()) ? corrupt(row.error())
                                                : Result<Checked>(row.error());
      }
      if (!*row) break;
      std::string line = check->column_text(0);
      if (line == "ok") continue;
      problems += (problems.empty() ? "" : "; ") + line;
    }
    if (!problems.empty()) {
      return corrupt(make_error(ErrorKind::Io, "cache " + path + ": quick_check: " + problems));
    }
  }
  out.db = std::move(db).value();
  return out;
}

std::string aside_name(const std::string& path, Clock& clock) {
  std::time_t secs = std::chrono::system_clock::to_time_t(clock.now());
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm);
  std::string base = path + ".corrupt-" + stamp;
  std::string name = base;
  for (int i = 1; file_exists(name); ++i) name = base + "-" + std::to_string(i);
  return name;
}

// Moves the file (and its WAL) aside; the -shm index is derived data and is removed.
Result<std::string> move_aside(const std::string& path, Clock& clock) {
  std::string target = aside_name(path, clock);
  if (std::rename(path.c_str(), target.c_str()) != 0) {
    return make_error(ErrorKind::Io, "cache " + path + ": cannot move the corrupt file to " +
                                         target + ": " + std::strerror(errno));
  }
  std::string wal = path + "-wal";
  if (file_exists(wal)) (void)std::rename(wal.c_str(), (target + "-wal").c_str());
  std::string shm = path + "-shm";
  if (file_exists(shm)) (void)std::remove(shm.c_str());
  return target;
}

}  // namespace

bool is_cache_corruption(const Error& e) {
  if (e.code.rfind("sqlite:", 0) != 0) return false;
  return is_corruption_code(std::atoi(e.code.c_str() + 7));
}

Result<std::unique_ptr<CacheDatabase>> CacheDatabase::open(const std::string& path, Clock& clock,
                                                           const CacheOpenOptions& options) {
  std::unique_ptr<CacheDatabase> cache(new CacheDatabase(path, clock));
  FileKind kind = inspect(path);
  if (kind == FileKind::Empty) return refused_file(path, "is an empty file (0 bytes)");
  if (kind == FileKind::Foreign) return refused_file(path, "is not an SQLite database");
  Status s = create_private_file(path);
  if (!s.ok()) return s.error();

  auto checked = open_and_check(path, options);
  if (!checked.ok()) return checked.error();
  if (checked->corrupt && !options.repair) return damaged_file(path, *checked->corrupt);
  if (checked->corrupt) {
    auto moved = move_aside(path, clock);
    if (!moved.ok()) return moved.error();
    log_warn("cache file is corrupt; moved aside and rebuilt empty (the next mirror refills it)",
             {{"cache", path}, {"moved_to", *moved}, {"error", checked->corrupt->message}});
    cache->moved_aside_to_ = *moved;
    s = create_private_file(path);
    if (!s.ok()) return s.error();
    checked = open_and_check(path, options);
    if (!checked.ok()) return checked.error();
    if (checked->corrupt) return *checked->corrupt;
  }
  cache->writer_ = std::move(checked->db);
  // The writer keeps SQLite's default page cache (2 MB): a mirror writes each tenant's rows
  // together, so a bigger one (16 MB before) bought no speed and cost its size in peak RSS.
  s = migrate_cache_schema(*cache->writer_);
  if (!s.ok()) return s.error();

  cache->options_ = options;
  auto reader = cache->open_reader();
  if (!reader.ok()) return reader.error();
  cache->idle_readers_.push_back(std::move(reader).value());
  cache->open_readers_ = 1;
  // Without a connection of its own the writer checkpoints as SQLite does by default.
  auto own = Database::open(path, /*create=*/false);
  if (own.ok() && configure(**own, options).ok()) {
    cache->checkpointer_ =
        std::make_unique<WalCheckpointer>(*cache->writer_, std::move(own).value());
  }
  return cache;
}

Result<std::unique_ptr<Database>> CacheDatabase::open_reader() const {
  auto reader = Database::open(path_, /*create=*/false);
  if (!reader.ok()) return reader.error();
  Status s = configure(**reader, options_);
  if (s.ok()) s = (*reader)->exec("PRAGMA query_only = ON", "configure reader");
  if (!s.ok()) return s.error();
  return std::move(reader).value();
}

std::unique_ptr<Database> CacheDatabase::take_reader() {
  std::unique_lock<std::mutex> lock(read_mu_);
  for (;;) {
    if (!idle_readers_.empty()) {
      auto reader = std::move(idle_readers_.back());
      idle_readers_.pop_back();
      return reader;
    }
    if (open_readers_ < max_readers_) {
      auto reader = open_reader();
      if (reader.ok()) {
        ++open_readers_;
        return std::move(reader).value();
      }
      // The first reader opened with the file; the others are only for speed.
      log_warn("cache: cannot open another read connection; readers take turns",
               {{"cache", path_}, {"error", reader.error().describe()}});
      max_readers_ = open_readers_;
    }
    reader_returned_.wait(lock, [&] { return !idle_readers_.empty(); });
  }
}

void CacheDatabase::give_back(std::unique_ptr<Database> reader) {
  {
    std::lock_guard<std::mutex> lock(read_mu_);
    idle_readers_.push_back(std::move(reader));
  }
  reader_returned_.notify_one();
}

}  // namespace tenantsync
