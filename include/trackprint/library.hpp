// trackprint library: fingerprints of a whole music collection, kept in one SQLite file.
//
//   #include <trackprint/library.hpp>
//
//   auto lib = trackprint::Library::open(trackprint::default_library_path());
//   if (!lib.ok()) { std::cerr << lib.error().message() << '\n'; return 1; }
//   trackprint::ScanOptions options;  // every core; unchanged files are skipped
//   options.progress = [](const trackprint::ScanProgress& p) {
//     std::cerr << p.done << '/' << p.total << '\n';
//     return true;  // false cancels the scan (finished tracks are still committed)
//   };
//   trackprint::ScanSummary s = lib.value().scan({"/music"}, options);
//   for (const trackprint::TrackRecord& t : lib.value().tracks().value())
//     std::cout << t.path << ' ' << (*t.fingerprint)[trackprint::Dim::tempo_bpm] << '\n';
//
// A Library is one open store; use it from one thread at a time (scan() runs its own threads).
// watch() scans, then keeps the store current as files change until a StopSignal is raised.
// The store's schema is documented in docs/store.md for programs that read it directly.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "trackprint/error.hpp"
#include "trackprint/export.hpp"
#include "trackprint/fingerprint.hpp"
#include "trackprint/limits.hpp"
#include "trackprint/tags.hpp"

namespace trackprint {

// $XDG_DATA_HOME/trackprint/library.db, or ~/.local/share/trackprint/library.db.
TRACKPRINT_API std::string default_library_path();

// A snapshot of a running scan.
struct ScanProgress {
  enum class Phase { walking, analysing, finished };
  Phase phase = Phase::walking;
  std::int64_t found = 0;           // audio files seen so far (by extension)
  std::int64_t total = 0;           // files this scan analyses (known once walking ends)
  std::int64_t done = 0;            // of `total`, written to the store (analysed or failed)
  std::int64_t failed = 0;          // of `done`, failures
  double elapsed_s = 0;             // since the analysis phase began
  double tracks_per_s = 0;          // done / elapsed_s
  double eta_s = -1;                // -1 until a rate is known
  std::vector<Error> new_failures;  // failures written since the previous call
};

struct ScanOptions {
  int jobs = 0;               // analysis workers; 0 = one per core
  bool retry_failed = false;  // analyse failed files again even when unchanged
  bool prune = false;         // delete the rows of files no longer found (else: marked missing)
  // Read and write `.25d` sidecars (`song.flac.25d`, JSON): a sidecar whose size, mtime and
  // versions match is used instead of an analysis; each analysis writes one.
  bool sidecars = false;
  // Files longer than this (declared or decoded) fail with kind too_long instead of being
  // analysed; the default is 6 hours (trackprint/limits.hpp).
  double max_duration_s = kDefaultMaxDurationSeconds;
  // Called on the thread that called scan() (never on a worker): once when the total is known,
  // before any file is analysed, then about 10 times a second, and once at the end (phase
  // finished, return value ignored), with no lock of the library held: a Python binding may take
  // the GIL in it. Returning false cancels: no new file is started, the files being analysed stop
  // within a fraction of a second and stay as they were (pending; not failed), and everything
  // finished is committed before scan() returns; the callback is then called only once more, at
  // the end. An exception from it cancels the same way and is rethrown by scan() once the threads
  // have stopped.
  std::function<bool(const ScanProgress&)> progress;
};

struct ScanSummary {
  std::int64_t found = 0;          // audio files under the roots
  std::int64_t unchanged = 0;      // skipped: same path, size, mtime and versions
  std::int64_t analysed = 0;       // fingerprinted by this scan (analysis or sidecar)
  std::int64_t from_sidecars = 0;  // of `analysed`, taken from a trusted sidecar
  std::int64_t failed = 0;         // failed in this scan (recorded with kind and reason)
  std::int64_t missing = 0;        // rows whose file is gone (marked missing, or deleted by prune)
  // Of `unchanged`, tracks analysed before the store kept tags, whose tags were read now (their
  // fingerprints are kept: only the container is opened).
  std::int64_t tags_read = 0;
  bool cancelled = false;
  double seconds = 0;
  // Folders that could not be read, symlink loops, sidecars that could not be written.
  std::vector<Error> warnings;
  std::optional<Error> store_error;  // the store failed; the scan stopped
};

enum class TrackStatus { pending, analysed, failed, missing };
TRACKPRINT_API std::string_view to_string(TrackStatus status);

struct TrackRecord {
  std::int64_t id = 0;
  std::string path;  // absolute, as walked (symlinks not resolved)
  std::int64_t size = 0;
  std::int64_t mtime_ns = 0;
  TrackStatus status = TrackStatus::pending;
  std::optional<Fingerprint> fingerprint;  // the last one computed (also kept while missing)
  Tags tags;                               // read with the fingerprint; empty when none
  std::optional<ErrorKind> error_kind;     // set when status == failed
  std::string reason;
  std::string engine_version;  // of the analysis that produced the row
  int numbers_version = 0;     // of that analysis (0 for a store older than numbers versions)
  std::string analysed_at;     // UTC, ISO 8601
  double analysis_s = 0;       // wall time of that analysis
  bool outdated = false;       // fingerprint of another fingerprint or numbers version
};

struct LibraryStatus {
  std::string path;
  int schema_version = 0;
  std::int64_t tracks = 0;  // rows
  std::int64_t analysed = 0;
  std::int64_t pending = 0;
  std::int64_t failed = 0;
  std::int64_t missing = 0;
  std::int64_t outdated = 0;  // analysed rows whose fingerprint a rescan recomputes
  std::vector<std::pair<ErrorKind, std::int64_t>> failed_by_kind;
  std::vector<TrackRecord> failures;  // path, kind and reason of each failed track
  // Files whose analysis has started and not been stored: those of a running scan, or left by
  // a scan that died (the next scan retries each alone; see docs/store.md).
  std::vector<std::string> in_flight;
};

// One change watch() made to the store (or a word about how it watches).
struct WatchEvent {
  enum class Kind {
    watching,   // the first scan is done; `detail`: "inotify" or "rescans every N s"
    analysed,   // `path` fingerprinted and stored
    failed,     // `path` stored as failed; `error` says why
    unchanged,  // `path` was written to but is as stored (same size, mtime, versions)
    renamed,    // `from` is now `path`: the row moved, its fingerprint kept (no analysis)
    missing,    // `path` is gone: marked missing (its fingerprint kept)
    removed,    // `path` is gone: its row deleted (prune)
    warning,    // `detail`: no inotify, out of watches, events lost; what watch() does instead
  };
  Kind kind = Kind::analysed;
  std::string path;
  std::string from;
  std::optional<Error> error;
  std::string detail;
  double analysis_s = 0;
  const ScanSummary* scanned = nullptr;  // watching: the first scan's summary (for the call)
};
TRACKPRINT_API std::string_view to_string(WatchEvent::Kind kind);

// Asks a running watch() to stop, from another thread or a signal handler.
class TRACKPRINT_API StopSignal {
 public:
  StopSignal();
  ~StopSignal();
  StopSignal(const StopSignal&) = delete;
  StopSignal& operator=(const StopSignal&) = delete;
  // Async-signal-safe: an atomic store and one write(2).
  void request() noexcept;
  bool requested() const noexcept { return requested_.load(); }
  int fd() const noexcept { return fd_; }  // readable once requested (an eventfd)

 private:
  std::atomic<bool> requested_{false};
  int fd_ = -1;
};

struct WatchOptions {
  // The first scan's options; its jobs are also the workers of what follows, and prune decides
  // between marking a vanished file missing and deleting its row.
  ScanOptions scan;
  // A file is analysed once nothing has written to it for this long after it was closed, so
  // a copy in progress is analysed once, whole.
  std::chrono::milliseconds settle{2000};
  // Without inotify (unavailable, out of watches, or `poll`): a rescan of the roots this often.
  std::chrono::milliseconds rescan_interval{300'000};
  bool poll = false;  // rescans only (file systems whose changes inotify does not see)
  // Called on the thread that called watch(), for each change once it is committed.
  std::function<void(const WatchEvent&)> on_event;
};

// What Library::merge() did with the rows it was given.
struct MergeSummary {
  std::int64_t added = 0;      // paths the store did not have
  std::int64_t replaced = 0;   // rows overwritten: another identity, version or status
  std::int64_t unchanged = 0;  // the store had this result already (same identity and versions)
  std::int64_t kept = 0;       // the store's row is newer (a later mtime) or has a fingerprint
                               // where the row given has only a failure of the same file
};

// Every analysed track's fingerprint and no more, ordered by id: what the similarity layer
// loads (a million tracks in ~210 MB, where whole TrackRecords would take several times that).
struct FingerprintTable {
  std::vector<std::int64_t> ids;
  std::vector<double> values;  // ids.size() rows of kDimensionCount values, spec order
  std::vector<double> durations_s;
  std::size_t size() const { return ids.size(); }
};

// A similarity metric fitted on the library, kept in the store so that every query uses the
// metric that built the graph. The similarity layer fits and interprets it (docs/store.md): a
// value v of dimension i becomes (v - centre[i]) / scale[i] (clipped to 0..1 when the
// normalisation is "minmax"), and enters the distance with weight[i].
struct StoredMetric {
  std::int64_t id = 0;  // given by the store when saved; ids only grow
  std::string name;     // "auralis", "equal", "auralis-zscore", ...
  std::string normalisation;
  std::array<double, kDimensionCount> centre{};
  std::array<double, kDimensionCount> scale{};
  std::array<double, kDimensionCount> weight{};
  std::int64_t tracks = 0;          // the fingerprints it was fitted on
  std::string fingerprints_digest;  // of those fingerprints: a refit is due when it changes
  std::string fitted_at;            // UTC, ISO 8601, set when saved
};

class TRACKPRINT_API Library {
 public:
  enum class Mode { read_write, read_only };
  // Opens the store at `path`, creating it (and its folder) in read_write mode. A file that is
  // not a trackprint store is an error naming it; it is never modified.
  static Result<Library> open(const std::string& path, Mode mode = Mode::read_write);

  Library(Library&&) noexcept;
  Library& operator=(Library&&) noexcept;
  ~Library();

  // The store's file (absolute).
  const std::string& path() const;

  // Walks `roots` (directories or files) and brings the store up to date with them.
  ScanSummary scan(const std::vector<std::string>& roots, const ScanOptions& options = {});

  // scan(), then keeps the store current until `stop` is requested: files closed after writing
  // (once settled), created, moved in, renamed (the row follows, no analysis), deleted or
  // moved out (missing). Holds the store's scan lock throughout. Returns the first scan's
  // summary; store_error when the store failed or is busy.
  ScanSummary watch(const std::vector<std::string>& roots, const WatchOptions& options,
                    const StopSignal& stop);

  // Queries fail only when the store cannot be read (the error names it and says why).
  Result<LibraryStatus> status() const;
  // The track with this path (made absolute) or, for a number, this id; nullopt if none.
  Result<std::optional<TrackRecord>> get(const std::string& path_or_id) const;
  // Every analysed track with its fingerprint, ordered by path.
  Result<std::vector<TrackRecord>> tracks() const;
  // The track with this id (and nothing else); nullopt if none.
  Result<std::optional<TrackRecord>> by_id(std::int64_t id) const;
  // Every analysed track's id, values and duration.
  Result<FingerprintTable> fingerprint_table() const;

  // The last metric saved under `name`, if any (a store older than metrics has none).
  Result<std::optional<StoredMetric>> metric(const std::string& name) const;
  // Saves `metric` under a new id (returned with fitted_at set), replacing older fits of its
  // name. Fails on a store opened read_only.
  Result<StoredMetric> save_metric(const StoredMetric& metric);

  // Writes results made elsewhere (a cluster's Parquet dataset, another store) into this one,
  // each exactly as a scan writes its own: `status` analysed with a fingerprint, or failed
  // with error_kind and reason; path (made absolute), size, mtime_ns, engine_version,
  // analysed_at and analysis_s are stored as given, id and outdated are ignored. A row of the
  // store is replaced unless it is the same result, of a newer file, or a fingerprint where
  // the row given is a failure of the same file (MergeSummary). One transaction: a row that is
  // neither analysed nor failed is an invalid_input error and nothing is written.
  Result<MergeSummary> merge(const std::vector<TrackRecord>& records);

 private:
  struct Impl;
  explicit Library(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace trackprint
