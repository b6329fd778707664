#include "library/store.hpp"

#include <sqlite3.h>

#include <array>
#include <filesystem>
#include <functional>
#include <utility>

#include "trackprint/trackprint.hpp"

namespace trackprint::library {
namespace {

constexpr std::array<TrackStatus, 4> kStatuses{TrackStatus::pending, TrackStatus::analysed,
                                               TrackStatus::failed, TrackStatus::missing};
constexpr std::array<ErrorKind, 8> kErrorKinds{
    ErrorKind::io,          ErrorKind::not_audio, ErrorKind::no_audio,      ErrorKind::decode,
    ErrorKind::unsupported, ErrorKind::too_short, ErrorKind::invalid_input, ErrorKind::internal};

TrackStatus status_named(std::string_view name) {
  for (const TrackStatus s : kStatuses) {
    if (to_string(s) == name) return s;
  }
  throw Failure(ErrorKind::invalid_input, "unknown track status '" + std::string(name) + "'");
}

std::optional<ErrorKind> error_kind_named(std::string_view name) {
  for (const ErrorKind k : kErrorKinds) {
    if (to_string(k) == name) return k;
  }
  return std::nullopt;
}

// The columns after the identity, in table order; the dimensions come from kDimensions.
std::string dimension_columns(std::string_view suffix) {
  std::string out;
  for (const auto& d : kDimensions) {
    out += ", \"";
    out += d.name;
    out += '"';
    out += suffix;
  }
  return out;
}

// Migration i takes a store from user_version i to i + 1; never edit one that has shipped.
std::vector<std::string> migrations() {
  return {
      "CREATE TABLE tracks ("
      " id INTEGER PRIMARY KEY,"
      " path TEXT NOT NULL UNIQUE,"
      " size INTEGER NOT NULL,"
      " mtime_ns INTEGER NOT NULL,"
      " status TEXT NOT NULL CHECK (status IN ('pending','analysed','failed','missing')),"
      " error_kind TEXT,"
      " reason TEXT,"
      " fingerprint_version INTEGER,"
      " engine_version TEXT,"
      " analysed_at TEXT,"
      " analysis_s REAL,"
      " duration_s REAL,"
      " sample_rate INTEGER,"
      " channels INTEGER,"
      " codec TEXT" +
          dimension_columns(" REAL") +
          ");"
          "CREATE INDEX tracks_status ON tracks(status);",
  };
}

struct DbCloser {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
using Db = std::unique_ptr<sqlite3, DbCloser>;

struct StatementFinalizer {
  void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
};

// One prepared statement; binds are 1-based like SQLite's.
class Statement {
 public:
  Statement(sqlite3* db, const std::string& sql) : db_(db) {
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v2(db, sql.c_str(), static_cast<int>(sql.size()), &s, nullptr) !=
        SQLITE_OK) {
      throw Failure(ErrorKind::io, sqlite3_errmsg(db));
    }
    stmt_.reset(s);
  }

  Statement& bind(int i, std::int64_t v) {
    check(sqlite3_bind_int64(stmt_.get(), i, v));
    return *this;
  }
  Statement& bind(int i, double v) {
    check(sqlite3_bind_double(stmt_.get(), i, v));
    return *this;
  }
  Statement& bind(int i, const std::string& v) {
    check(
        sqlite3_bind_text(stmt_.get(), i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT));
    return *this;
  }
  Statement& bind_null(int i) {
    check(sqlite3_bind_null(stmt_.get(), i));
    return *this;
  }

  // True while a row is available.
  bool step() {
    const int rc = sqlite3_step(stmt_.get());
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    throw Failure(ErrorKind::io, sqlite3_errmsg(db_));
  }
  void run() {
    while (step()) {
    }
    reset();
  }
  void reset() {
    sqlite3_reset(stmt_.get());
    sqlite3_clear_bindings(stmt_.get());
  }

  bool is_null(int col) const { return sqlite3_column_type(stmt_.get(), col) == SQLITE_NULL; }
  std::int64_t int64(int col) const { return sqlite3_column_int64(stmt_.get(), col); }
  double real(int col) const { return sqlite3_column_double(stmt_.get(), col); }
  std::string text(int col) const {
    const auto* p = sqlite3_column_text(stmt_.get(), col);
    return p == nullptr ? std::string() : std::string(reinterpret_cast<const char*>(p));
  }

 private:
  void check(int rc) const {
    if (rc != SQLITE_OK) throw Failure(ErrorKind::io, sqlite3_errmsg(db_));
  }
  sqlite3* db_;
  std::unique_ptr<sqlite3_stmt, StatementFinalizer> stmt_;
};

void exec(sqlite3* db, const std::string& sql) {
  char* message = nullptr;
  if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
    std::string reason = message != nullptr ? message : sqlite3_errmsg(db);
    sqlite3_free(message);
    throw Failure(ErrorKind::io, reason);
  }
}

std::int64_t single_int(sqlite3* db, const std::string& sql) {
  Statement s(db, sql);
  return s.step() ? s.int64(0) : 0;
}

const std::string kRecordColumns =
    "id, path, size, mtime_ns, status, error_kind, reason, fingerprint_version, engine_version,"
    " analysed_at, analysis_s, duration_s, sample_rate, channels, codec" +
    dimension_columns("");
constexpr int kFirstDimensionColumn = 15;

bool is_current(const Statement& s, int version_col, int engine_col) {
  return !s.is_null(version_col) && s.int64(version_col) == kFingerprintVersion &&
         s.text(engine_col) == engine_version();
}

TrackRecord record_from(const Statement& s) {
  TrackRecord t;
  t.id = s.int64(0);
  t.path = s.text(1);
  t.size = s.int64(2);
  t.mtime_ns = s.int64(3);
  t.status = status_named(s.text(4));
  if (!s.is_null(5)) t.error_kind = error_kind_named(s.text(5)).value_or(ErrorKind::internal);
  t.reason = s.text(6);
  t.engine_version = s.text(8);
  t.analysed_at = s.text(9);
  t.analysis_s = s.real(10);
  if (!s.is_null(7)) {
    Fingerprint fp;
    fp.version = static_cast<int>(s.int64(7));
    fp.duration_s = s.real(11);
    fp.sample_rate = static_cast<int>(s.int64(12));
    fp.channels = static_cast<int>(s.int64(13));
    fp.codec = s.text(14);
    for (std::size_t i = 0; i < kDimensionCount; ++i)
      fp.values[i] = s.real(kFirstDimensionColumn + static_cast<int>(i));
    t.fingerprint = std::move(fp);
    t.outdated = t.status == TrackStatus::analysed && !is_current(s, 7, 8);
  }
  return t;
}

}  // namespace

struct Store::Impl {
  std::string path;
  Db db;
  int schema = 0;
  std::optional<Statement> put_result;
  std::optional<Statement> put_pending;

  // The store's state, checked before anything is written so a foreign file stays untouched.
  void check_is_store(bool read_only) {
    const auto not_store = [](const std::string& why) {
      return Failure(ErrorKind::invalid_input, "not a readable trackprint store: " + why);
    };
    std::int64_t objects = 0;
    try {
      objects = single_int(db.get(), "SELECT count(*) FROM sqlite_schema");
      schema = static_cast<int>(single_int(db.get(), "PRAGMA user_version"));
    } catch (const Failure& e) {
      throw not_store(e.reason());
    }
    if (schema > kSchemaVersion) {
      throw not_store("its schema is version " + std::to_string(schema) +
                      ", newer than this trackprint reads (" + std::to_string(kSchemaVersion) +
                      ")");
    }
    if (schema == 0 && objects > 0)
      throw not_store("an SQLite database of another program (it has tables, no schema version)");
    if (schema == 0 && read_only) throw not_store("an empty database");
    if (schema > 0) {
      try {
        Statement probe(db.get(), "SELECT " + kRecordColumns + " FROM tracks LIMIT 0");
      } catch (const Failure& e) {
        throw not_store("its tracks table is not the expected one (" + e.reason() + ")");
      }
    }
  }

  void migrate() {
    const auto all = migrations();
    if (schema >= static_cast<int>(all.size())) return;
    exec(db.get(), "BEGIN IMMEDIATE");
    try {
      // Another process may have migrated between our check and the lock.
      schema = static_cast<int>(single_int(db.get(), "PRAGMA user_version"));
      for (; schema < static_cast<int>(all.size()); ++schema) {
        exec(db.get(), all[static_cast<std::size_t>(schema)]);
        exec(db.get(), "PRAGMA user_version = " + std::to_string(schema + 1));
      }
      exec(db.get(), "COMMIT");
    } catch (...) {
      sqlite3_exec(db.get(), "ROLLBACK", nullptr, nullptr, nullptr);
      throw;
    }
  }
};

Store::Store(const std::string& path, bool read_only) : impl_(std::make_unique<Impl>()) {
  impl_->path = path;
  std::error_code ec;
  if (read_only && !std::filesystem::exists(path, ec)) {
    throw Failure(ErrorKind::io, "no store here yet (run 'trackprint scan DIR' first)");
  }
  if (!read_only) {
    const auto folder = std::filesystem::path(path).parent_path();
    if (!folder.empty()) std::filesystem::create_directories(folder, ec);
  }
  sqlite3* raw = nullptr;
  const int flags = read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
  const int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  impl_->db.reset(raw);
  if (rc != SQLITE_OK) {
    throw Failure(ErrorKind::io, std::string("cannot open: ") +
                                     (raw != nullptr ? sqlite3_errmsg(raw) : sqlite3_errstr(rc)));
  }
  sqlite3_busy_timeout(raw, 10000);
  sqlite3_extended_result_codes(raw, 1);
  impl_->check_is_store(read_only);
  if (!read_only) {
    // WAL: readers (status, export) never block the writer; NORMAL sync is still safe against
    // a killed process (only a power cut may lose the last commits, never corrupt them).
    exec(raw, "PRAGMA journal_mode = WAL");
    exec(raw, "PRAGMA synchronous = NORMAL");
    impl_->migrate();
  }
}

Store::Store(Store&&) noexcept = default;
Store& Store::operator=(Store&&) noexcept = default;
Store::~Store() = default;

const std::string& Store::path() const {
  return impl_->path;
}
int Store::schema_version() const {
  return impl_->schema;
}

void Store::begin() {
  exec(impl_->db.get(), "BEGIN IMMEDIATE");
}
void Store::commit() {
  exec(impl_->db.get(), "COMMIT");
}

namespace {

const char* const kKnownRowColumns =
    "SELECT id, path, size, mtime_ns, status, fingerprint_version, engine_version, error_kind"
    " FROM tracks";

std::vector<KnownRow> known_rows_of(Statement& s) {
  std::vector<KnownRow> rows;
  while (s.step()) {
    KnownRow r;
    r.id = s.int64(0);
    r.path = s.text(1);
    r.size = s.int64(2);
    r.mtime_ns = s.int64(3);
    r.status = status_named(s.text(4));
    r.has_fingerprint = !s.is_null(5);
    r.current = is_current(s, 5, 6);
    r.has_error = !s.is_null(7);
    rows.push_back(std::move(r));
  }
  return rows;
}

}  // namespace

std::vector<KnownRow> Store::known_rows() {
  Statement s(impl_->db.get(), kKnownRowColumns);
  return known_rows_of(s);
}

std::vector<KnownRow> Store::rows_under(const std::string& dir) {
  // Paths are compared as bytes (BINARY collation): every path starting "dir/" sorts between
  // "dir/" and "dir0" ('0' follows '/'), whatever its encoding.
  Statement s(impl_->db.get(),
              std::string(kKnownRowColumns) + " WHERE path >= ?1 AND path < ?2 ORDER BY path");
  const std::string prefix = dir == "/" ? dir : dir + "/";
  std::string end = prefix;
  end.back() = static_cast<char>(end.back() + 1);
  s.bind(1, prefix).bind(2, end);
  return known_rows_of(s);
}

void Store::set_path(std::int64_t id, const std::string& path) {
  Statement(impl_->db.get(), "UPDATE tracks SET path = ?1 WHERE id = ?2")
      .bind(1, path)
      .bind(2, id)
      .run();
}

void Store::put_pending(const std::string& path, std::int64_t size, std::int64_t mtime_ns) {
  if (!impl_->put_pending) {
    impl_->put_pending.emplace(
        impl_->db.get(),
        "INSERT INTO tracks (path, size, mtime_ns, status) VALUES (?1, ?2, ?3, 'pending')"
        " ON CONFLICT(path) DO UPDATE SET size = ?2, mtime_ns = ?3, status = 'pending',"
        " error_kind = NULL, reason = NULL, fingerprint_version = NULL, engine_version = NULL,"
        " analysed_at = NULL, analysis_s = NULL, duration_s = NULL, sample_rate = NULL,"
        " channels = NULL, codec = NULL" +
            dimension_columns(" = NULL"));
  }
  impl_->put_pending->bind(1, path).bind(2, size).bind(3, mtime_ns).run();
}

void Store::set_status(std::int64_t id, TrackStatus status) {
  Statement(impl_->db.get(), "UPDATE tracks SET status = ?1 WHERE id = ?2")
      .bind(1, std::string(to_string(status)))
      .bind(2, id)
      .run();
}

void Store::remove(std::int64_t id) {
  Statement(impl_->db.get(), "DELETE FROM tracks WHERE id = ?1").bind(1, id).run();
}

void Store::put_result(const AnalysisResult& r) {
  if (!impl_->put_result) {
    std::string names =
        "path, size, mtime_ns, status, error_kind, reason, fingerprint_version,"
        " engine_version, analysed_at, analysis_s, duration_s, sample_rate,"
        " channels, codec" +
        dimension_columns("");
    std::string values;
    std::string updates;
    constexpr int kColumns = 14 + static_cast<int>(kDimensionCount);
    for (int i = 1; i <= kColumns; ++i) values += (i > 1 ? ", ?" : "?") + std::to_string(i);
    // Every column but the path is replaced, so no value of an earlier analysis survives.
    std::size_t start = names.find(',') + 2;
    for (int i = 2; i <= kColumns; ++i) {
      const std::size_t end = names.find(',', start);
      updates +=
          (i > 2 ? ", " : "") + names.substr(start, end - start) + " = ?" + std::to_string(i);
      start = end == std::string::npos ? end : end + 2;
    }
    impl_->put_result.emplace(impl_->db.get(), "INSERT INTO tracks (" + names + ") VALUES (" +
                                                   values + ") ON CONFLICT(path) DO UPDATE SET " +
                                                   updates);
  }
  Statement& s = *impl_->put_result;
  s.bind(1, r.path).bind(2, r.size).bind(3, r.mtime_ns);
  s.bind(8, std::string(engine_version())).bind(9, r.analysed_at).bind(10, r.analysis_s);
  if (r.fingerprint) {
    const Fingerprint& fp = *r.fingerprint;
    s.bind(4, std::string("analysed")).bind_null(5).bind_null(6);
    s.bind(7, static_cast<std::int64_t>(fp.version)).bind(11, fp.duration_s);
    s.bind(12, static_cast<std::int64_t>(fp.sample_rate));
    s.bind(13, static_cast<std::int64_t>(fp.channels)).bind(14, fp.codec);
    for (std::size_t i = 0; i < kDimensionCount; ++i)
      s.bind(15 + static_cast<int>(i), fp.values[i]);
  } else {
    const Error& e = r.error.value();
    s.bind(4, std::string("failed")).bind(5, std::string(to_string(e.kind))).bind(6, e.reason);
    for (int i = 7; i <= 14 + static_cast<int>(kDimensionCount); ++i) {
      if (i != 8 && i != 9 && i != 10) s.bind_null(i);
    }
  }
  s.run();
}

LibraryStatus Store::status() {
  LibraryStatus st;
  st.path = impl_->path;
  st.schema_version = impl_->schema;
  sqlite3* db = impl_->db.get();
  Statement counts(db, "SELECT status, count(*) FROM tracks GROUP BY status");
  while (counts.step()) {
    const std::int64_t n = counts.int64(1);
    st.tracks += n;
    switch (status_named(counts.text(0))) {
      case TrackStatus::pending:
        st.pending = n;
        break;
      case TrackStatus::analysed:
        st.analysed = n;
        break;
      case TrackStatus::failed:
        st.failed = n;
        break;
      case TrackStatus::missing:
        st.missing = n;
        break;
    }
  }
  Statement outdated(db,
                     "SELECT count(*) FROM tracks WHERE status = 'analysed' AND"
                     " (fingerprint_version IS NOT ?1 OR engine_version IS NOT ?2)");
  outdated.bind(1, static_cast<std::int64_t>(kFingerprintVersion))
      .bind(2, std::string(engine_version()));
  if (outdated.step()) st.outdated = outdated.int64(0);
  Statement kinds(db,
                  "SELECT error_kind, count(*) FROM tracks WHERE status = 'failed'"
                  " GROUP BY error_kind ORDER BY error_kind");
  while (kinds.step()) {
    st.failed_by_kind.emplace_back(error_kind_named(kinds.text(0)).value_or(ErrorKind::internal),
                                   kinds.int64(1));
  }
  Statement failures(
      db, "SELECT " + kRecordColumns + " FROM tracks WHERE status = 'failed' ORDER BY path");
  while (failures.step()) st.failures.push_back(record_from(failures));
  return st;
}

std::optional<TrackRecord> Store::by_path(const std::string& path) {
  Statement s(impl_->db.get(), "SELECT " + kRecordColumns + " FROM tracks WHERE path = ?1");
  s.bind(1, path);
  if (!s.step()) return std::nullopt;
  return record_from(s);
}

std::optional<TrackRecord> Store::by_id(std::int64_t id) {
  Statement s(impl_->db.get(), "SELECT " + kRecordColumns + " FROM tracks WHERE id = ?1");
  s.bind(1, id);
  if (!s.step()) return std::nullopt;
  return record_from(s);
}

std::vector<TrackRecord> Store::analysed() {
  Statement s(impl_->db.get(),
              "SELECT " + kRecordColumns + " FROM tracks WHERE status = 'analysed' ORDER BY path");
  std::vector<TrackRecord> out;
  while (s.step()) out.push_back(record_from(s));
  return out;
}

}  // namespace trackprint::library
