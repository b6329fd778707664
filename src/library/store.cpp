#include "library/store.hpp"

#include <sqlite3.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <utility>

#include "library/utc_now.hpp"
#include "trackprint/numbers_version.hpp"
#include "trackprint/trackprint.hpp"

namespace trackprint::library {
namespace {

constexpr std::array<TrackStatus, 4> kStatuses{TrackStatus::pending, TrackStatus::analysed,
                                               TrackStatus::failed, TrackStatus::missing};

TrackStatus status_named(std::string_view name) {
  for (const TrackStatus s : kStatuses) {
    if (to_string(s) == name) return s;
  }
  throw Failure(ErrorKind::invalid_input, "unknown track status '" + std::string(name) + "'");
}

// The dimension columns, named as in kDimensions, for the statements this build runs. The
// migrations below never use it: they are the schema as it shipped.
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

// The folder of `path` cannot be written: SQLite could not make a -shm file there.
bool on_read_only_medium(const std::string& path) {
  const auto folder = std::filesystem::path(path).parent_path();
  return access(folder.empty() ? "." : folder.c_str(), W_OK) != 0;
}

bool has_wal_content(const std::string& path) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(path + "-wal", ec);
  return !ec && size > 0;
}

// A path as the path of an SQLite URI (file:...): '%', '?' and '#' percent-encoded.
std::string uri_path(const std::string& path) {
  std::string out;
  for (const char c : path) {
    if (c == '%' || c == '?' || c == '#') {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", static_cast<unsigned char>(c));
      out += buf;
    } else {
      out += c;
    }
  }
  return out;
}

// Migration i takes a store from user_version i to i + 1. Each is fixed text, never edited once
// it has shipped (a store written by any release must stay readable): a change to the schema,
// kDimensions' included, is a new migration at the end.
const std::vector<std::string>& migrations() {
  static const std::vector<std::string> all{
      // 0 -> 1 (trackprint 0.1.0): the tracks.
      "CREATE TABLE tracks ("
      " id INTEGER PRIMARY KEY,"
      " path TEXT NOT NULL UNIQUE,"
      " size INTEGER NOT NULL,"
      " mtime_ns INTEGER NOT NULL,"
      " status TEXT NOT NULL CHECK (status IN ('pending','analysed','failed','missing')),"
      " error_kind TEXT, reason TEXT, fingerprint_version INTEGER, engine_version TEXT,"
      " analysed_at TEXT, analysis_s REAL, duration_s REAL, sample_rate INTEGER,"
      " channels INTEGER, codec TEXT,"
      " \"sub_bass_pct\" REAL, \"bass_pct\" REAL, \"low_mid_pct\" REAL, \"mid_pct\" REAL,"
      " \"upper_mid_pct\" REAL, \"presence_pct\" REAL, \"air_pct\" REAL, \"lufs\" REAL,"
      " \"crest_db\" REAL, \"bass_mid_ratio\" REAL, \"tempo_bpm\" REAL,"
      " \"rhythm_stability\" REAL, \"transient_density\" REAL, \"silence_ratio\" REAL,"
      " \"spectral_centroid\" REAL, \"spectral_rolloff\" REAL, \"spectral_flatness\" REAL,"
      " \"harmonic_ratio\" REAL, \"pitch_stability\" REAL, \"chroma_energy\" REAL,"
      " \"dynamic_range_variation\" REAL, \"loudness_variation_std\" REAL,"
      " \"peak_consistency\" REAL, \"stereo_width\" REAL, \"phase_correlation\" REAL);"
      "CREATE INDEX tracks_status ON tracks(status);",
      // 1 -> 2: the numbers version (which bits the engine computes) decides whether a stored
      // fingerprint is current; files in flight are marked before their analysis starts, so
      // that a scan that dies in a file is known by the next one (docs/store.md, Crashes).
      "ALTER TABLE tracks ADD COLUMN numbers_version INTEGER;"
      "CREATE TABLE in_flight ("
      " path TEXT PRIMARY KEY,"
      " alone INTEGER NOT NULL DEFAULT 0,"
      " alone_deaths INTEGER NOT NULL DEFAULT 0);",
      // 2 -> 3: tags beside the fingerprint (rows analysed before have tags_read = 0; the next
      // scan reads their tags without analysing them again), and the fitted similarity metrics.
      "ALTER TABLE tracks ADD COLUMN title TEXT;"
      "ALTER TABLE tracks ADD COLUMN artist TEXT;"
      "ALTER TABLE tracks ADD COLUMN album TEXT;"
      "ALTER TABLE tracks ADD COLUMN album_artist TEXT;"
      "ALTER TABLE tracks ADD COLUMN genre TEXT;"
      "ALTER TABLE tracks ADD COLUMN track_number INTEGER;"
      "ALTER TABLE tracks ADD COLUMN date TEXT;"
      "ALTER TABLE tracks ADD COLUMN musicbrainz_recording_id TEXT;"
      "ALTER TABLE tracks ADD COLUMN tags_read INTEGER NOT NULL DEFAULT 0;"
      "CREATE TABLE metrics ("
      " id INTEGER PRIMARY KEY,"
      " name TEXT NOT NULL,"
      " normalisation TEXT NOT NULL CHECK (normalisation IN ('minmax','zscore')),"
      " fitted_at TEXT NOT NULL,"
      " tracks INTEGER NOT NULL,"
      " fingerprints_digest TEXT NOT NULL);"
      "CREATE TABLE metric_dimensions ("
      " metric_id INTEGER NOT NULL REFERENCES metrics(id) ON DELETE CASCADE,"
      " position INTEGER NOT NULL,"
      " dimension TEXT NOT NULL,"
      " centre REAL NOT NULL,"
      " scale REAL NOT NULL,"
      " weight REAL NOT NULL,"
      " PRIMARY KEY (metric_id, position));",
  };
  return all;
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

constexpr std::array<const char*, 8> kTagColumns{
    "title", "artist",       "album", "album_artist",
    "genre", "track_number", "date",  "musicbrainz_recording_id"};

// What record_from reads, in its order. A store of an older schema (opened read-only, so not
// migrated) reads as its release wrote it: before schema 2 its fingerprints are outdated (no
// numbers version), before schema 3 its tags are all absent.
std::string record_columns(int schema) {
  std::string out =
      "id, path, size, mtime_ns, status, error_kind, reason, fingerprint_version, engine_version,"
      " analysed_at, analysis_s, duration_s, sample_rate, channels, codec" +
      dimension_columns("") + (schema >= 2 ? ", numbers_version" : ", NULL");
  for (const char* c : kTagColumns) out += schema >= 3 ? std::string(", ") + c : ", NULL";
  return out;
}
constexpr int kFirstDimensionColumn = 15;
constexpr int kNumbersVersionColumn = kFirstDimensionColumn + static_cast<int>(kDimensionCount);
constexpr int kFirstTagColumn = kNumbersVersionColumn + 1;

// Current: made by this spec version and this numbers version (the release version does not
// matter: a release that changes no bit recomputes nothing).
bool is_current(const Statement& s, int version_col, int numbers_col) {
  return !s.is_null(version_col) && s.int64(version_col) == kFingerprintVersion &&
         !s.is_null(numbers_col) && s.int64(numbers_col) == kNumbersVersion;
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
  t.numbers_version =
      s.is_null(kNumbersVersionColumn) ? 0 : static_cast<int>(s.int64(kNumbersVersionColumn));
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
    t.outdated = t.status == TrackStatus::analysed && !is_current(s, 7, kNumbersVersionColumn);
  }
  const int c = kFirstTagColumn;
  t.tags.title = s.text(c);
  t.tags.artist = s.text(c + 1);
  t.tags.album = s.text(c + 2);
  t.tags.album_artist = s.text(c + 3);
  t.tags.genre = s.text(c + 4);
  if (!s.is_null(c + 5)) t.tags.track_number = static_cast<int>(s.int64(c + 5));
  t.tags.date = s.text(c + 6);
  t.tags.musicbrainz_recording_id = s.text(c + 7);
  return t;
}

// Binds the eight tag columns from `first` on; an absent tag is NULL.
void bind_tags(Statement& s, int first, const Tags& t) {
  const auto text = [&s](int i, const std::string& v) {
    if (v.empty()) {
      s.bind_null(i);
    } else {
      s.bind(i, v);
    }
  };
  text(first, t.title);
  text(first + 1, t.artist);
  text(first + 2, t.album);
  text(first + 3, t.album_artist);
  text(first + 4, t.genre);
  if (t.track_number) {
    s.bind(first + 5, static_cast<std::int64_t>(*t.track_number));
  } else {
    s.bind_null(first + 5);
  }
  text(first + 6, t.date);
  text(first + 7, t.musicbrainz_recording_id);
}

}  // namespace

struct Store::Impl {
  std::string path;
  Db db;
  int schema = 0;
  std::optional<Statement> put_result;
  std::optional<Statement> put_pending;
  std::optional<Statement> put_tags;
  std::optional<Statement> by_id;

  void open(const std::string& name, int flags) {
    db.reset();
    sqlite3* raw = nullptr;
    const int rc = sqlite3_open_v2(name.c_str(), &raw, flags, nullptr);
    db.reset(raw);
    if (rc != SQLITE_OK) {
      throw Failure(ErrorKind::io, std::string("cannot open: ") +
                                       (raw != nullptr ? sqlite3_errmsg(raw) : sqlite3_errstr(rc)));
    }
    sqlite3_busy_timeout(raw, 10000);
    sqlite3_extended_result_codes(raw, 1);
  }

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
    if (schema < 0) throw not_store("its schema version is " + std::to_string(schema));
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
        Statement probe(db.get(), "SELECT " + record_columns(schema) + " FROM tracks LIMIT 0");
        if (schema >= 2)
          Statement in_flight(db.get(), "SELECT path, alone, alone_deaths FROM in_flight LIMIT 0");
        if (schema >= 3) {
          Statement metrics(db.get(),
                            "SELECT id, name, normalisation, fitted_at, tracks, fingerprints_digest"
                            " FROM metrics LIMIT 0");
          Statement dimensions(db.get(),
                               "SELECT metric_id, position, dimension, centre, scale, weight"
                               " FROM metric_dimensions LIMIT 0");
        }
      } catch (const Failure& e) {
        throw not_store("its tracks table is not the expected one (" + e.reason() + ")");
      }
    }
  }

  void migrate() {
    const auto& all = migrations();
    if (schema >= static_cast<int>(all.size())) return;
    exec(db.get(), "BEGIN IMMEDIATE");
    try {
      // Another process may have migrated between our check and the lock.
      schema = static_cast<int>(single_int(db.get(), "PRAGMA user_version"));
      if (schema < 0 || schema > kSchemaVersion)
        throw Failure(ErrorKind::invalid_input,
                      "not a readable trackprint store: its schema "
                      "version became " +
                          std::to_string(schema));
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
  const int flags = read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
  impl_->open(path, flags);
  if (read_only) {
    try {
      impl_->check_is_store(true);
    } catch (const Failure&) {
      // A store in WAL mode needs its -shm file, which SQLite cannot create on a read-only
      // medium (a backup disc, a read-only mount). With no -wal left to replay, the file alone
      // is the whole store and cannot change under us: it is opened as immutable.
      if (!on_read_only_medium(path) || has_wal_content(path)) throw;
      impl_->open("file:" + uri_path(path) + "?immutable=1", flags | SQLITE_OPEN_URI);
      impl_->check_is_store(true);
    }
  } else {
    impl_->check_is_store(false);
    // Migrated first: a migration that fails (a damaged or foreign schema) rolls back and
    // leaves the file byte for byte as it was, which switching to WAL first would not.
    impl_->migrate();
    // WAL: readers (status, export) never block the writer; NORMAL sync is still safe against
    // a killed process (only a power cut may lose the last commits, never corrupt them).
    exec(impl_->db.get(), "PRAGMA journal_mode = WAL");
    exec(impl_->db.get(), "PRAGMA synchronous = NORMAL");
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
void Store::rollback() {
  sqlite3_exec(impl_->db.get(), "ROLLBACK", nullptr, nullptr, nullptr);
}

namespace {

const char* const kKnownRowColumns =
    "SELECT id, path, size, mtime_ns, status, fingerprint_version, numbers_version, error_kind,"
    " tags_read FROM tracks";

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
    r.tags_read = s.int64(8) != 0;
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
        " numbers_version = NULL,"
        " analysed_at = NULL, analysis_s = NULL, duration_s = NULL, sample_rate = NULL,"
        " channels = NULL, codec = NULL" +
            dimension_columns(" = NULL") +
            ", title = NULL, artist = NULL, album = NULL, album_artist = NULL, genre = NULL,"
            " track_number = NULL, date = NULL, musicbrainz_recording_id = NULL, tags_read = 0");
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
  Statement(impl_->db.get(),
            "DELETE FROM in_flight WHERE path = (SELECT path FROM tracks WHERE id = ?1)")
      .bind(1, id)
      .run();
  Statement(impl_->db.get(), "DELETE FROM tracks WHERE id = ?1").bind(1, id).run();
}

std::vector<InFlight> Store::in_flight() {
  std::vector<InFlight> out;
  if (impl_->schema < 2) return out;
  Statement s(impl_->db.get(), "SELECT path, alone, alone_deaths FROM in_flight ORDER BY path");
  while (s.step()) out.push_back({s.text(0), s.int64(1) != 0, s.int64(2)});
  return out;
}

void Store::mark_in_flight(const std::string& path, bool alone, std::int64_t alone_deaths) {
  Statement(impl_->db.get(),
            "INSERT INTO in_flight (path, alone, alone_deaths) VALUES (?1, ?2, ?3)"
            " ON CONFLICT(path) DO UPDATE SET alone = ?2, alone_deaths = ?3")
      .bind(1, path)
      .bind(2, static_cast<std::int64_t>(alone ? 1 : 0))
      .bind(3, alone_deaths)
      .run();
}

void Store::clear_in_flight(const std::string& path) {
  Statement(impl_->db.get(), "DELETE FROM in_flight WHERE path = ?1").bind(1, path).run();
}

void Store::put_crashed(const std::string& path, const std::string& reason,
                        const std::string& analysed_at) {
  Statement(impl_->db.get(),
            "UPDATE tracks SET status = 'failed', error_kind = 'crashed', reason = ?2,"
            " fingerprint_version = NULL, numbers_version = NULL, analysed_at = ?3,"
            " engine_version = ?4, analysis_s = NULL, duration_s = NULL, sample_rate = NULL,"
            " channels = NULL, codec = NULL" +
                dimension_columns(" = NULL") + " WHERE path = ?1")
      .bind(1, path)
      .bind(2, reason)
      .bind(3, analysed_at)
      .bind(4, std::string(engine_version()))
      .run();
  clear_in_flight(path);
}

void Store::put_result(const AnalysisResult& r) {
  // The columns: 1-14 the file and its analysis, then the dimensions, the numbers version,
  // the tags and whether they were read.
  constexpr int kNumbers = 15 + static_cast<int>(kDimensionCount);
  constexpr int kFirstTag = kNumbers + 1;
  constexpr int kTagsRead = kFirstTag + static_cast<int>(kTagColumns.size());
  if (!impl_->put_result) {
    std::string names =
        "path, size, mtime_ns, status, error_kind, reason, fingerprint_version,"
        " engine_version, analysed_at, analysis_s, duration_s, sample_rate,"
        " channels, codec" +
        dimension_columns("") + ", numbers_version";
    for (const char* c : kTagColumns) names += std::string(", ") + c;
    names += ", tags_read";
    std::string values;
    std::string updates;
    for (int i = 1; i <= kTagsRead; ++i) values += (i > 1 ? ", ?" : "?") + std::to_string(i);
    // Every column but the path is replaced, so no value of an earlier analysis survives.
    std::size_t start = names.find(',') + 2;
    for (int i = 2; i <= kTagsRead; ++i) {
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
  s.bind(8, r.engine_version.empty() ? std::string(engine_version()) : r.engine_version);
  s.bind(9, r.analysed_at).bind(10, r.analysis_s);
  if (r.fingerprint) {
    const Fingerprint& fp = *r.fingerprint;
    s.bind(4, std::string("analysed")).bind_null(5).bind_null(6);
    s.bind(7, static_cast<std::int64_t>(fp.version)).bind(11, fp.duration_s);
    s.bind(12, static_cast<std::int64_t>(fp.sample_rate));
    s.bind(13, static_cast<std::int64_t>(fp.channels)).bind(14, fp.codec);
    for (std::size_t i = 0; i < kDimensionCount; ++i)
      s.bind(15 + static_cast<int>(i), fp.values[i]);
    if (r.numbers_version < 0)
      s.bind_null(kNumbers);
    else
      s.bind(kNumbers, static_cast<std::int64_t>(r.numbers_version != 0 ? r.numbers_version
                                                                        : kNumbersVersion));
    bind_tags(s, kFirstTag, r.tags);
    s.bind(kTagsRead, std::int64_t{1});
  } else {
    const Error& e = r.error.value();
    s.bind(4, std::string("failed")).bind(5, std::string(to_string(e.kind))).bind(6, e.reason);
    for (int i = 7; i < kTagsRead; ++i) {
      if (i != 8 && i != 9 && i != 10) s.bind_null(i);
    }
    s.bind(kTagsRead, std::int64_t{0});
  }
  s.run();
  clear_in_flight(r.path);
}

void Store::put_tags(const std::string& path, const Tags& tags) {
  if (!impl_->put_tags) {
    std::string sets;
    for (std::size_t i = 0; i < kTagColumns.size(); ++i) {
      sets += std::string(kTagColumns[i]) + " = ?" + std::to_string(i + 1) + ", ";
    }
    impl_->put_tags.emplace(impl_->db.get(), "UPDATE tracks SET " + sets +
                                                 "tags_read = 1 WHERE path = ?" +
                                                 std::to_string(kTagColumns.size() + 1));
  }
  Statement& s = *impl_->put_tags;
  bind_tags(s, 1, tags);
  s.bind(static_cast<int>(kTagColumns.size()) + 1, path);
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
  if (impl_->schema >= 2) {
    Statement outdated(db,
                       "SELECT count(*) FROM tracks WHERE status = 'analysed' AND"
                       " (fingerprint_version IS NOT ?1 OR numbers_version IS NOT ?2)");
    outdated.bind(1, static_cast<std::int64_t>(kFingerprintVersion))
        .bind(2, static_cast<std::int64_t>(kNumbersVersion));
    if (outdated.step()) st.outdated = outdated.int64(0);
    for (const InFlight& f : in_flight()) st.in_flight.push_back(f.path);
  } else {
    st.outdated = st.analysed;
  }
  Statement kinds(db,
                  "SELECT error_kind, count(*) FROM tracks WHERE status = 'failed'"
                  " GROUP BY error_kind ORDER BY error_kind");
  while (kinds.step()) {
    st.failed_by_kind.emplace_back(error_kind_named(kinds.text(0)).value_or(ErrorKind::internal),
                                   kinds.int64(1));
  }
  Statement failures(db, "SELECT " + record_columns(impl_->schema) +
                             " FROM tracks WHERE status = 'failed' ORDER BY path");
  while (failures.step()) st.failures.push_back(record_from(failures));
  return st;
}

std::optional<TrackRecord> Store::by_path(const std::string& path) {
  Statement s(impl_->db.get(),
              "SELECT " + record_columns(impl_->schema) + " FROM tracks WHERE path = ?1");
  s.bind(1, path);
  if (!s.step()) return std::nullopt;
  return record_from(s);
}

std::optional<TrackRecord> Store::by_id(std::int64_t id) {
  // Kept prepared: the similarity commands look up every track they print.
  if (!impl_->by_id) {
    impl_->by_id.emplace(impl_->db.get(),
                         "SELECT " + record_columns(impl_->schema) + " FROM tracks WHERE id = ?1");
  }
  Statement& s = *impl_->by_id;
  s.bind(1, id);
  std::optional<TrackRecord> out;
  if (s.step()) out = record_from(s);
  s.reset();
  return out;
}

std::vector<TrackRecord> Store::analysed() {
  Statement s(impl_->db.get(), "SELECT " + record_columns(impl_->schema) +
                                   " FROM tracks WHERE status = 'analysed' ORDER BY path");
  std::vector<TrackRecord> out;
  while (s.step()) out.push_back(record_from(s));
  return out;
}

FingerprintTable Store::fingerprint_table() {
  sqlite3* db = impl_->db.get();
  FingerprintTable table;
  // Sized first: a million rows grow no vector past what they need.
  const auto n = static_cast<std::size_t>(
      single_int(db, "SELECT count(*) FROM tracks WHERE status = 'analysed'"));
  table.ids.reserve(n);
  table.durations_s.reserve(n);
  table.values.reserve(n * kDimensionCount);
  Statement s(db, "SELECT id, duration_s" + dimension_columns("") +
                      " FROM tracks WHERE status = 'analysed' ORDER BY id");
  while (s.step()) {
    table.ids.push_back(s.int64(0));
    table.durations_s.push_back(s.real(1));
    for (std::size_t i = 0; i < kDimensionCount; ++i)
      table.values.push_back(s.real(2 + static_cast<int>(i)));
  }
  return table;
}

std::optional<StoredMetric> Store::metric(const std::string& name) {
  if (impl_->schema < 3) return std::nullopt;  // read-only, from before metrics were kept
  sqlite3* db = impl_->db.get();
  Statement s(db,
              "SELECT id, name, normalisation, fitted_at, tracks, fingerprints_digest FROM metrics"
              " WHERE name = ?1 ORDER BY id DESC LIMIT 1");
  s.bind(1, name);
  if (!s.step()) return std::nullopt;
  StoredMetric m;
  m.id = s.int64(0);
  m.name = s.text(1);
  m.normalisation = s.text(2);
  m.fitted_at = s.text(3);
  m.tracks = s.int64(4);
  m.fingerprints_digest = s.text(5);
  Statement dims(db,
                 "SELECT position, dimension, centre, scale, weight FROM metric_dimensions"
                 " WHERE metric_id = ?1 ORDER BY position");
  dims.bind(1, m.id);
  std::size_t seen = 0;
  while (dims.step()) {
    const auto i = static_cast<std::size_t>(dims.int64(0));
    if (i >= kDimensionCount || dims.text(1) != kDimensions[i].name) {
      throw Failure(
          ErrorKind::invalid_input,
          "metric " + std::to_string(m.id) + " has an unknown dimension '" + dims.text(1) + "'");
    }
    m.centre[i] = dims.real(2);
    m.scale[i] = dims.real(3);
    m.weight[i] = dims.real(4);
    ++seen;
  }
  // A metric of other dimensions (a later fingerprint's) is not this build's: fit again.
  if (seen != kDimensionCount) return std::nullopt;
  return m;
}

StoredMetric Store::put_metric(const StoredMetric& metric) {
  sqlite3* db = impl_->db.get();
  StoredMetric m = metric;
  m.fitted_at = utc_now();
  exec(db, "BEGIN IMMEDIATE");
  try {
    Statement insert(db,
                     "INSERT INTO metrics (name, normalisation, fitted_at, tracks,"
                     " fingerprints_digest) VALUES (?1, ?2, ?3, ?4, ?5)");
    insert.bind(1, m.name).bind(2, m.normalisation).bind(3, m.fitted_at).bind(4, m.tracks);
    insert.bind(5, m.fingerprints_digest).run();
    m.id = sqlite3_last_insert_rowid(db);
    Statement dim(db,
                  "INSERT INTO metric_dimensions (metric_id, position, dimension, centre, scale,"
                  " weight) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
    for (std::size_t i = 0; i < kDimensionCount; ++i) {
      dim.bind(1, m.id).bind(2, static_cast<std::int64_t>(i));
      dim.bind(3, std::string(kDimensions[i].name)).bind(4, m.centre[i]);
      dim.bind(5, m.scale[i]).bind(6, m.weight[i]).run();
    }
    // Only the newest fit of a name is ever read.
    Statement old(db,
                  "DELETE FROM metric_dimensions WHERE metric_id IN"
                  " (SELECT id FROM metrics WHERE name = ?1 AND id < ?2)");
    old.bind(1, m.name).bind(2, m.id).run();
    Statement old_metrics(db, "DELETE FROM metrics WHERE name = ?1 AND id < ?2");
    old_metrics.bind(1, m.name).bind(2, m.id).run();
    exec(db, "COMMIT");
  } catch (...) {
    sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
  return m;
}

}  // namespace trackprint::library
