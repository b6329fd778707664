// The SQLite store: one row per track (docs/store.md). The only file that sees SQLite's types.
// Every method throws trackprint::Failure (kind io, the reason from SQLite) when the database
// fails; a Store is used by one thread at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "trackprint/library.hpp"

namespace trackprint::library {

// The schema this build writes; PRAGMA user_version holds the store's.
inline constexpr int kSchemaVersion = 3;

// What planning a scan needs to know of a row.
struct KnownRow {
  std::int64_t id = 0;
  std::string path;
  std::int64_t size = 0;
  std::int64_t mtime_ns = 0;
  TrackStatus status = TrackStatus::pending;
  bool has_fingerprint = false;
  bool has_error = false;
  bool current = false;    // fingerprint of this build's fingerprint and numbers versions
  bool tags_read = false;  // false for rows analysed before the store kept tags
};

// A file whose analysis had started and not been stored when the store was last written.
struct InFlight {
  std::string path;
  bool alone = false;             // it was being retried alone
  std::int64_t alone_deaths = 0;  // scans that died while retrying it alone, before this one
};

// A finished analysis, as the writer stores it.
struct AnalysisResult {
  std::string path;
  std::int64_t size = 0;
  std::int64_t mtime_ns = 0;
  std::optional<Fingerprint> fingerprint;  // or:
  std::optional<Error> error;
  Tags tags;               // with a fingerprint
  bool tags_only = false;  // an unchanged analysed row whose tags were read now (nothing else)
  double analysis_s = 0;
  std::string analysed_at;     // UTC, ISO 8601
  std::string engine_version;  // of the analysis; empty: this build's
  // Of the analysis (a fingerprint's): 0 this build's, -1 unknown (stored NULL: outdated).
  int numbers_version = 0;
  bool from_sidecar = false;
  std::optional<Error> warning;  // a sidecar that could not be written
};

class Store {
 public:
  // Opens (and in read_write mode creates and migrates) the store at `path`. Throws Failure:
  // io when it cannot be opened or created, invalid_input when the file is not a trackprint
  // store (not SQLite, another program's database, a newer schema); such a file is left as is.
  Store(const std::string& path, bool read_only);
  Store(Store&&) noexcept;
  Store& operator=(Store&&) noexcept;
  ~Store();

  const std::string& path() const;
  int schema_version() const;

  // Batches: the writer groups many rows in one transaction.
  void begin();
  void commit();
  void rollback();  // never throws: called while another failure is on its way

  std::vector<KnownRow> known_rows();
  // A new or changed file: a pending row with this identity and no fingerprint or error.
  void put_pending(const std::string& path, std::int64_t size, std::int64_t mtime_ns);
  void set_status(std::int64_t id, TrackStatus status);
  void remove(std::int64_t id);
  // A file renamed: its row keeps its id, identity, values and error.
  void set_path(std::int64_t id, const std::string& path);
  // Stores a finished analysis (and clears its in-flight mark).
  void put_result(const AnalysisResult& result);
  // The rows of the files inside folder `dir` (at any depth), by path.
  std::vector<KnownRow> rows_under(const std::string& dir);
  // The tags of an analysed row, read after the fact (the row's values are kept).
  void put_tags(const std::string& path, const Tags& tags);

  // Files in flight: marked (and committed) before an analysis starts, cleared with its result.
  std::vector<InFlight> in_flight();
  void mark_in_flight(const std::string& path, bool alone, std::int64_t alone_deaths);
  void clear_in_flight(const std::string& path);
  // The file's analysis killed the process (docs/store.md): failed, kind crashed.
  void put_crashed(const std::string& path, const std::string& reason,
                   const std::string& analysed_at);

  LibraryStatus status();
  std::optional<TrackRecord> by_path(const std::string& path);
  std::optional<TrackRecord> by_id(std::int64_t id);
  std::vector<TrackRecord> analysed();
  FingerprintTable fingerprint_table();

  std::optional<StoredMetric> metric(const std::string& name);
  StoredMetric put_metric(const StoredMetric& metric);  // in its own transaction

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace trackprint::library
