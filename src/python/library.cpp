// trackprint.Library: the SQLite store of a music collection's fingerprints
// (include/trackprint/library.hpp) from Python. scan() releases the GIL and takes it back only
// to call the progress callable, on the calling thread; the library is used by one thread at
// a time, which a lock per Library enforces (waited for with the GIL released).
#include <nanobind/ndarray.h>
#include <nanobind/stl/optional.h>
#include <nanobind/stl/pair.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/string_view.h>
#include <nanobind/stl/vector.h>

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "bindings.hpp"
#include "errors.hpp"
#include "library/walker.hpp"
#include "trackprint/library.hpp"
#include "trackprint/similarity.hpp"

namespace nb = nanobind;
using namespace nb::literals;

namespace trackprint::python {
namespace {

// One path (str, bytes, PathLike) or an iterable of them.
std::vector<std::string> fs_paths(nb::handle roots) {
  std::vector<std::string> paths;
  if (PyUnicode_Check(roots.ptr()) || PyBytes_Check(roots.ptr()) ||
      PyObject_HasAttrString(roots.ptr(), "__fspath__")) {
    paths.push_back(fs_path(roots));
  } else {
    for (nb::handle root : roots) paths.push_back(fs_path(root));
  }
  return paths;
}

// The rows of a Parquet dataset (trackprint/dataset.py's columns, each a list, None where a
// row has no value) as the store's records.
std::vector<TrackRecord> records_of(nb::handle columns) {
  const auto column = [&columns](const char* name) {
    nb::object value = columns[name];
    if (!PyList_Check(value.ptr()))
      raise_invalid(std::string("column '") + name + "' must be a list");
    return nb::borrow<nb::list>(value);
  };
  const nb::list path = column("path"), size = column("size"), mtime = column("mtime_ns"),
                 status = column("status"), kind = column("error_kind"), reason = column("reason"),
                 version = column("fingerprint_version"), engine = column("engine_version"),
                 at = column("analysed_at"), seconds = column("analysis_s"),
                 duration = column("duration_s"), rate = column("sample_rate"),
                 channels = column("channels"), codec = column("codec");
  // Datasets written before numbers versions have no such column: their rows read as outdated.
  const bool has_numbers_version = PyMapping_HasKeyString(columns.ptr(), "numbers_version") != 0;
  std::vector<nb::list> values;
  for (const DimensionInfo& d : kDimensions) values.push_back(column(std::string(d.name).c_str()));
  const std::size_t n = nb::len(path);
  const auto text_or_empty = [](nb::handle item) {
    return item.is_none() ? std::string() : nb::cast<std::string>(item);
  };
  std::vector<TrackRecord> out(n);
  for (std::size_t i = 0; i < n; ++i) {
    TrackRecord& t = out[i];
    t.path = fs_path(path[i]);
    t.size = nb::cast<std::int64_t>(size[i]);
    t.mtime_ns = nb::cast<std::int64_t>(mtime[i]);
    const std::string state = nb::cast<std::string>(status[i]);
    t.status = state == "analysed" ? TrackStatus::analysed
               : state == "failed" ? TrackStatus::failed
                                   : TrackStatus::pending;  // refused by merge(), naming the row
    if (!kind[i].is_none()) {
      const std::string k = nb::cast<std::string>(kind[i]);
      t.error_kind = error_kind_named(k);
      if (!t.error_kind) raise_invalid("row for " + t.path + ": unknown error kind '" + k + "'");
    }
    t.reason = text_or_empty(reason[i]);
    t.engine_version = text_or_empty(engine[i]);
    t.analysed_at = text_or_empty(at[i]);
    t.analysis_s = seconds[i].is_none() ? 0.0 : nb::cast<double>(seconds[i]);
    if (t.status == TrackStatus::analysed) {
      Fingerprint fp;
      fp.version = nb::cast<int>(version[i]);
      if (has_numbers_version) {
        nb::object n = columns["numbers_version"][i];
        t.numbers_version = n.is_none() ? 0 : nb::cast<int>(n);
      }
      fp.duration_s = nb::cast<double>(duration[i]);
      fp.sample_rate = nb::cast<int>(rate[i]);
      fp.channels = nb::cast<int>(channels[i]);
      fp.codec = text_or_empty(codec[i]);
      for (std::size_t d = 0; d < kDimensionCount; ++d)
        fp.values[d] = nb::cast<double>(values[d][i]);
      t.fingerprint = std::move(fp);
    }
  }
  return out;
}

// A track named by path (str, bytes, PathLike) or by id (int), as the library's get() takes it.
std::string track_key(nb::handle path_or_id) {
  return PyLong_Check(path_or_id.ptr()) ? std::to_string(nb::cast<std::int64_t>(path_or_id))
                                        : fs_path(path_or_id);
}

// One key or an iterable of keys (a str or a path is one key, not its characters).
std::vector<std::string> track_keys(nb::handle keys) {
  std::vector<std::string> out;
  if (keys.is_none()) return out;
  if (PyLong_Check(keys.ptr()) || PyUnicode_Check(keys.ptr()) || PyBytes_Check(keys.ptr()) ||
      PyObject_HasAttrString(keys.ptr(), "__fspath__")) {
    out.push_back(track_key(keys));
  } else {
    for (nb::handle k : keys) out.push_back(track_key(k));
  }
  return out;
}

// A similar track, a playlist entry: the track and its distance (from the seed, or from the
// entry before it).
struct Match {
  TrackRecord track;
  double distance = 0;
};

struct DuplicateFiles {
  std::vector<TrackRecord> tracks;
  double distance = 0;
};

class PyLibrary {
 public:
  PyLibrary(nb::handle db_path, bool read_only) {
    const std::string path = db_path.is_none() ? default_library_path() : fs_path(db_path);
    std::optional<Result<Library>> opened;
    {
      nb::gil_scoped_release unlocked;
      opened.emplace(
          Library::open(path, read_only ? Library::Mode::read_only : Library::Mode::read_write));
    }
    if (!opened->ok()) raise(opened->error());
    library_ = std::make_unique<Library>(std::move(opened->value()));
  }

  nb::object path() const { return path_text(library_->path()); }

  ScanSummary scan(nb::handle roots, int jobs, bool retry_failed, bool prune, bool sidecars,
                   double max_duration, nb::handle progress) {
    const std::vector<std::string> paths = fs_paths(roots);
    if (!(max_duration > 0)) raise_invalid("max_duration must be more than 0 seconds");
    if (jobs < 0)
      raise_invalid("jobs must be 0 (one per core) or more, not " + std::to_string(jobs));
    if (!progress.is_none() && !PyCallable_Check(progress.ptr())) {
      raise_invalid("progress must be a callable taking a ScanProgress");
    }
    ScanOptions options;
    options.jobs = jobs;
    options.retry_failed = retry_failed;
    options.prune = prune;
    options.sidecars = sidecars;
    options.max_duration_s = max_duration;
    // The first Python exception (the callable's, or KeyboardInterrupt from Ctrl-C) cancels the
    // scan; it is raised once scan() has committed what was finished.
    std::optional<nb::python_error> failure;
    nb::object callable = nb::borrow(progress);
    options.progress = [&](const ScanProgress& p) {
      nb::gil_scoped_acquire locked;
      if (failure) return false;
      try {
        if (PyErr_CheckSignals() != 0) throw nb::python_error();
        if (callable.is_none()) return true;
        nb::object answer = callable(nb::cast(p, nb::rv_policy::copy));
        return answer.is_none() || PyObject_IsTrue(answer.ptr()) == 1;
      } catch (nb::python_error& e) {
        failure.emplace(std::move(e));
        return false;
      } catch (const std::exception& e) {
        // A conversion failure inside nanobind: keep it as a Python error too.
        PyErr_SetString(PyExc_RuntimeError, e.what());
        failure.emplace();
        return false;
      }
    };
    std::optional<ScanSummary> summary;
    {
      refuse_reentry();
      nb::gil_scoped_release unlocked;
      const std::lock_guard<std::mutex> held(busy_);
      scanning_ = std::this_thread::get_id();
      summary.emplace(library_->scan(paths, options));
      indexes_.clear();  // the fingerprints may have changed: the next query loads them again
      scanning_ = std::thread::id();
    }
    if (failure) {
      failure->restore();
      throw nb::python_error();
    }
    if (summary->store_error) raise(*summary->store_error);
    return std::move(*summary);
  }

  LibraryStatus status() const {
    return unwrap(locked([this] { return library_->status(); }));
  }

  std::optional<TrackRecord> get(nb::handle path_or_id) const {
    const std::string key = PyLong_Check(path_or_id.ptr())
                                ? std::to_string(nb::cast<std::int64_t>(path_or_id))
                                : fs_path(path_or_id);
    return unwrap(locked([this, &key] { return library_->get(key); }));
  }

  std::vector<TrackRecord> tracks() const {
    return unwrap(locked([this] { return library_->tracks(); }));
  }

  MergeSummary merge(nb::handle columns) {
    const std::vector<TrackRecord> records = records_of(columns);
    return unwrap(locked([this, &records] { return library_->merge(records); }));
  }

  std::vector<Match> similar(nb::handle path_or_id, std::size_t n, const std::string& metric) {
    const std::string key = track_key(path_or_id);
    return unwrap(locked([&]() -> Result<std::vector<Match>> {
      auto index = index_for(metric);
      if (!index.ok()) return index.error();
      auto id = index.value()->find(key);
      if (!id.ok()) return id.error();
      return matches(index.value()->similar(id.value(), n));
    }));
  }

  std::vector<Match> playlist(nb::handle seeds, std::size_t n, nb::handle to, int max_per_artist,
                              int max_per_album, double min_distance, const std::string& metric) {
    const std::vector<std::string> seed_keys = track_keys(seeds);
    const std::vector<std::string> to_keys = track_keys(to);
    if (seed_keys.empty()) raise_invalid("a playlist needs a seed");
    if (max_per_artist < 0 || max_per_album < 0 || !(min_distance >= 0))
      raise_invalid("caps and min_distance are 0 (none) or more");
    return unwrap(locked([&]() -> Result<std::vector<Match>> {
      auto index = index_for(metric);
      if (!index.ok()) return index.error();
      std::vector<std::int64_t> seed_ids;
      PlaylistOptions options;
      options.length = n;
      options.max_per_artist = max_per_artist;
      options.max_per_album = max_per_album;
      options.min_distance = min_distance;
      for (const auto* keys : {&seed_keys, &to_keys}) {
        for (const std::string& k : *keys) {
          auto id = index.value()->find(k);
          if (!id.ok()) return id.error();
          (keys == &seed_keys ? seed_ids : options.to).push_back(id.value());
        }
      }
      auto list = index.value()->playlist(seed_ids, options);
      if (!list.ok()) return list.error();
      return matches(list.value());
    }));
  }

  std::vector<DuplicateFiles> duplicates() const {
    return unwrap(locked([this]() -> Result<std::vector<DuplicateFiles>> {
      auto groups = find_duplicates(*library_);
      if (!groups.ok()) return groups.error();
      std::vector<DuplicateFiles> out;
      for (const DuplicateGroup& g : groups.value()) {
        DuplicateFiles files{{}, g.distance};
        for (const std::int64_t id : g.ids) {
          auto t = library_->by_id(id);
          if (!t.ok()) return t.error();
          if (t.value()) files.tracks.push_back(std::move(*t.value()));
        }
        out.push_back(std::move(files));
      }
      return out;
    }));
  }

  // (paths, values): every analysed track's path, and its fingerprint as row i of an (n, 25)
  // float64 array, ordered by path.
  nb::tuple fingerprints() const {
    const std::vector<TrackRecord> all = tracks();
    std::vector<const TrackRecord*> analysed;
    for (const TrackRecord& t : all) {
      if (t.fingerprint) analysed.push_back(&t);
    }
    auto* values = new double[analysed.size() * kDimensionCount];
    nb::capsule owner(values, [](void* p) noexcept { delete[] static_cast<double*>(p); });
    nb::list paths;
    for (std::size_t i = 0; i < analysed.size(); ++i) {
      paths.append(path_text(analysed[i]->path));
      std::copy(analysed[i]->fingerprint->values.begin(), analysed[i]->fingerprint->values.end(),
                values + i * kDimensionCount);
    }
    nb::ndarray<nb::numpy, double, nb::ndim<2>> array(values, {analysed.size(), kDimensionCount},
                                                      owner);
    return nb::make_tuple(paths, array);
  }

 private:
  // Runs a query on this thread with the lock held, waiting for it with the GIL released so
  // that a scan in another thread (which takes the GIL for its progress calls) can finish.
  template <class F>
  auto locked(F&& query) const -> decltype(query()) {
    refuse_reentry();
    nb::gil_scoped_release unlocked;
    const std::lock_guard<std::mutex> held(busy_);
    return query();
  }

  // The progress callable runs on the scanning thread, inside scan(): a query from there
  // would wait for the scan to end, forever.
  void refuse_reentry() const {
    if (scanning_ == std::this_thread::get_id()) {
      throw std::runtime_error("a Library cannot be used from its own scan's progress callable");
    }
  }

  template <class T>
  static T unwrap(Result<T> result) {
    if (!result.ok()) raise(result.error());
    return std::move(result.value());
  }

  // The index of a metric, built on first use and kept until this Library scans again (with
  // the lock held).
  Result<const SimilarityIndex*> index_for(const std::string& metric) {
    auto it = indexes_.find(metric);
    if (it == indexes_.end()) {
      auto index = SimilarityIndex::open(*library_, metric);
      if (!index.ok()) return index.error();
      it = indexes_.emplace(metric, std::move(index.value())).first;
    }
    return &it->second;
  }

  Result<std::vector<Match>> matches(const std::vector<SimilarTrack>& found) const {
    std::vector<Match> out;
    for (const SimilarTrack& s : found) {
      auto t = library_->by_id(s.id);
      if (!t.ok()) return t.error();
      if (t.value()) out.push_back({std::move(*t.value()), s.distance});
    }
    return out;
  }

  std::unique_ptr<Library> library_;
  std::map<std::string, SimilarityIndex> indexes_;
  mutable std::mutex busy_;
  std::atomic<std::thread::id> scanning_{};
};

nb::object optional_text(const std::string& s) {
  return s.empty() ? nb::none() : nb::object(text(s));
}

nb::list errors_list(const std::vector<Error>& errors) {
  nb::list out;
  for (const Error& e : errors) out.append(error_object(e));
  return out;
}

std::string_view phase_name(ScanProgress::Phase phase) {
  switch (phase) {
    case ScanProgress::Phase::walking:
      return "walking";
    case ScanProgress::Phase::analysing:
      return "analysing";
    case ScanProgress::Phase::finished:
      return "finished";
  }
  return "unknown";
}

// The audio files under `roots` as a scan finds them: ([(path, size, mtime_ns)], [Error]).
nb::tuple find_audio_files(nb::handle roots) {
  std::vector<std::string> absolute;
  for (const std::string& root : fs_paths(roots)) absolute.push_back(library::absolute_path(root));
  library::WalkResult walked;
  {
    nb::gil_scoped_release unlocked;
    walked = library::walk(absolute, [](std::int64_t) { return true; });
  }
  nb::list files;
  std::set<std::string_view> seen;  // a file reached from two roots counts once, as in a scan
  for (const library::FoundFile& f : walked.files) {
    if (seen.insert(f.path).second)
      files.append(nb::make_tuple(path_text(f.path), f.size, f.mtime_ns));
  }
  return nb::make_tuple(files, errors_list(walked.errors));
}

}  // namespace

void bind_library(nb::module_& m) {
  nb::class_<ScanProgress>(m, "ScanProgress",
                           "A snapshot of a running scan, passed to scan()'s progress callable.")
      .def_prop_ro(
          "phase", [](const ScanProgress& p) { return phase_name(p.phase); },
          "'walking' (finding files), 'analysing' or 'finished'.")
      .def_ro("found", &ScanProgress::found, "Audio files seen so far.")
      .def_ro("total", &ScanProgress::total, "Files this scan analyses (known once walking ends).")
      .def_ro("done", &ScanProgress::done, "Of total, written to the store (analysed or failed).")
      .def_ro("failed", &ScanProgress::failed, "Of done, failures.")
      .def_ro("elapsed", &ScanProgress::elapsed_s, "Seconds since the analysis phase began.")
      .def_ro("tracks_per_s", &ScanProgress::tracks_per_s, "done / elapsed.")
      .def_prop_ro(
          "eta",
          [](const ScanProgress& p) -> std::optional<double> {
            if (p.eta_s < 0) return std::nullopt;
            return p.eta_s;
          },
          "Seconds left, estimated; None until a rate is known.")
      .def_prop_ro(
          "new_failures", [](const ScanProgress& p) { return errors_list(p.new_failures); },
          "trackprint.Error objects (not raised) for the failures since the previous call.")
      .def("__repr__", [](const ScanProgress& p) {
        return "<trackprint.ScanProgress " + std::string(phase_name(p.phase)) + " " +
               std::to_string(p.done) + "/" + std::to_string(p.total) + ", " +
               std::to_string(p.failed) + " failed>";
      });

  nb::class_<ScanSummary>(m, "ScanSummary", "What a scan did.")
      .def_ro("found", &ScanSummary::found, "Audio files under the roots.")
      .def_ro("unchanged", &ScanSummary::unchanged,
              "Skipped: same path, size, mtime and versions as stored.")
      .def_ro("analysed", &ScanSummary::analysed, "Fingerprinted by this scan.")
      .def_ro("from_sidecars", &ScanSummary::from_sidecars,
              "Of analysed, taken from a trusted .25d sidecar.")
      .def_ro("failed", &ScanSummary::failed, "Failed in this scan (stored with kind and reason).")
      .def_ro("missing", &ScanSummary::missing, "Stored tracks whose file is gone.")
      .def_ro("cancelled", &ScanSummary::cancelled,
              "True when the progress callable returned False.")
      .def_ro("seconds", &ScanSummary::seconds, "Wall time of the scan.")
      .def_prop_ro(
          "warnings", [](const ScanSummary& s) { return errors_list(s.warnings); },
          "trackprint.Error objects (not raised): unreadable folders, symlink loops, sidecars "
          "that could not be written.")
      .def("__repr__", [](const ScanSummary& s) {
        return "<trackprint.ScanSummary found " + std::to_string(s.found) + ", analysed " +
               std::to_string(s.analysed) + ", unchanged " + std::to_string(s.unchanged) +
               ", failed " + std::to_string(s.failed) + ", missing " + std::to_string(s.missing) +
               (s.cancelled ? ", cancelled>" : ">");
      });

  nb::class_<Tags>(m, "Tags", "A file's tags, as read when it was scanned; None when absent.")
      .def_prop_ro("title", [](const Tags& t) { return optional_text(t.title); })
      .def_prop_ro("artist", [](const Tags& t) { return optional_text(t.artist); })
      .def_prop_ro("album", [](const Tags& t) { return optional_text(t.album); })
      .def_prop_ro("album_artist", [](const Tags& t) { return optional_text(t.album_artist); })
      .def_prop_ro("genre", [](const Tags& t) { return optional_text(t.genre); })
      .def_ro("track_number", &Tags::track_number, "The number before any '/total'.")
      .def_prop_ro("date", [](const Tags& t) { return optional_text(t.date); })
      .def_prop_ro("musicbrainz_recording_id",
                   [](const Tags& t) { return optional_text(t.musicbrainz_recording_id); })
      .def(
          "as_dict",
          [](const Tags& t) {
            nb::dict d;
            d["title"] = optional_text(t.title);
            d["artist"] = optional_text(t.artist);
            d["album"] = optional_text(t.album);
            d["album_artist"] = optional_text(t.album_artist);
            d["genre"] = optional_text(t.genre);
            d["track_number"] = t.track_number ? nb::cast(*t.track_number) : nb::none();
            d["date"] = optional_text(t.date);
            d["musicbrainz_recording_id"] = optional_text(t.musicbrainz_recording_id);
            return d;
          },
          "{name: value} of the eight tags, the store's column names.")
      .def("__repr__", [](const Tags& t) {
        return nb::str("<trackprint.Tags {!r} by {!r}>")
            .format(optional_text(t.title), optional_text(t.artist));
      });

  nb::class_<TrackRecord>(m, "Track", "One track of the library: its file, status and fingerprint.")
      .def_ro("id", &TrackRecord::id, "The store's row id.")
      .def_prop_ro(
          "path", [](const TrackRecord& t) { return path_text(t.path); },
          "Absolute, as walked (symlinks not resolved).")
      .def_ro("size", &TrackRecord::size, "Bytes, when analysed.")
      .def_ro("mtime_ns", &TrackRecord::mtime_ns, "Modification time, when analysed.")
      .def_prop_ro(
          "status", [](const TrackRecord& t) { return to_string(t.status); },
          "'pending', 'analysed', 'failed' or 'missing'.")
      .def_ro("fingerprint", &TrackRecord::fingerprint,
              "The last fingerprint computed (kept while the file is missing), or None.")
      .def_prop_ro(
          "error",
          [](const TrackRecord& t) -> nb::object {
            if (!t.error_kind) return nb::none();
            return error_object(*t.error_kind, t.reason, path_text(t.path));
          },
          "For a failed track, its trackprint.Error (not raised); else None.")
      .def_ro("engine_version", &TrackRecord::engine_version, "The engine version of the analysis.")
      .def_ro("numbers_version", &TrackRecord::numbers_version,
              "The numbers version of the analysis (0: a store older than numbers versions).")
      .def_ro("analysed_at", &TrackRecord::analysed_at, "When, in UTC (ISO 8601).")
      .def_ro("analysis_seconds", &TrackRecord::analysis_s, "Wall time of the analysis.")
      .def_ro("outdated", &TrackRecord::outdated,
              "True when another fingerprint or engine version made it; a scan recomputes it.")
      .def_ro("tags", &TrackRecord::tags, "The file's tags (trackprint.Tags).")
      .def("__repr__", [](const TrackRecord& t) {
        // Formatted in Python: a path need not be UTF-8.
        return nb::str("<trackprint.Track {} {}>")
            .format(text(to_string(t.status)), path_text(t.path));
      });

  nb::class_<LibraryStatus>(m, "LibraryStatus", "Counts of the library's tracks by status.")
      .def_prop_ro(
          "path", [](const LibraryStatus& s) { return path_text(s.path); }, "The store's file.")
      .def_ro("schema_version", &LibraryStatus::schema_version, "The store's schema version.")
      .def_ro("tracks", &LibraryStatus::tracks, "All rows.")
      .def_ro("analysed", &LibraryStatus::analysed, "Tracks with a fingerprint.")
      .def_ro("pending", &LibraryStatus::pending, "Found, not yet analysed.")
      .def_ro("failed", &LibraryStatus::failed, "Tracks that could not be fingerprinted.")
      .def_ro("missing", &LibraryStatus::missing, "Tracks whose file is gone.")
      .def_ro("outdated", &LibraryStatus::outdated,
              "Analysed tracks that a scan would recompute (older versions).")
      .def_prop_ro(
          "failed_by_kind",
          [](const LibraryStatus& s) {
            nb::dict out;
            for (const auto& [kind, count] : s.failed_by_kind) out[text(to_string(kind))] = count;
            return out;
          },
          "{kind: count} of the failed tracks.")
      .def_ro("failures", &LibraryStatus::failures, "The failed tracks, as Track objects.")
      .def_prop_ro(
          "in_flight",
          [](const LibraryStatus& s) {
            nb::list out;
            for (const std::string& p : s.in_flight) out.append(path_text(p));
            return out;
          },
          "Paths being analysed, or left in flight by a scan that died (retried alone next).")
      .def("__repr__", [](const LibraryStatus& s) {
        return "<trackprint.LibraryStatus " + std::to_string(s.tracks) +
               " tracks: " + std::to_string(s.analysed) + " analysed, " + std::to_string(s.failed) +
               " failed, " + std::to_string(s.pending) + " pending, " + std::to_string(s.missing) +
               " missing>";
      });

  nb::class_<Match>(m, "Similar", "A track and its distance, in the metric of the query.")
      .def_ro("track", &Match::track, "The trackprint.Track.")
      .def_ro("distance", &Match::distance,
              "From the seed (similar), or from the entry before (playlist; 0 for the first).")
      .def_prop_ro(
          "path", [](const Match& s) { return path_text(s.track.path); }, "The track's path.")
      .def("__repr__", [](const Match& s) {
        return nb::str("<trackprint.Similar {} at {}>").format(path_text(s.track.path), s.distance);
      });

  nb::class_<DuplicateFiles>(m, "DuplicateGroup", "Files that are the same recording.")
      .def_ro("tracks", &DuplicateFiles::tracks, "The files, as Track objects, by id.")
      .def_ro("distance", &DuplicateFiles::distance,
              "The largest recording distance within the group (1 is the limit).")
      .def("__repr__", [](const DuplicateFiles& g) {
        return "<trackprint.DuplicateGroup of " + std::to_string(g.tracks.size()) + " files>";
      });

  nb::class_<PyLibrary>(m, "Library",
                        "A music collection's fingerprints, kept in one SQLite file. Library() "
                        "opens (or creates) the store; scan() brings it up to date with folders.")
      .def(nb::init<nb::handle, bool>(), "db_path"_a = nb::none(), nb::kw_only(),
           "read_only"_a = false,
           "Opens the store at db_path (default: $XDG_DATA_HOME/trackprint/library.db), "
           "creating it unless read_only. A file that is not a trackprint store raises an "
           "Error naming it and is left untouched.")
      .def_prop_ro("path", &PyLibrary::path, "The store's file (absolute).")
      .def("scan", &PyLibrary::scan, "paths"_a, nb::kw_only(), "jobs"_a = 0,
           "retry_failed"_a = false, "prune"_a = false, "sidecars"_a = false,
           "max_duration"_a = kDefaultMaxDurationSeconds, "progress"_a = nb::none(),
           "Walks `paths` (folders or files; one path or a list) and fingerprints what is new or "
           "changed, `jobs` files at once (0: one per core); files over `max_duration` seconds "
           "fail (kind too_long). One scan of a store at a time: another one raises "
           "FileReadError 'store busy'. `progress(ScanProgress)` is called "
           "on this thread about 10 times a second; returning False, or raising, cancels the "
           "scan (finished tracks stay committed; the exception is re-raised). Ctrl-C cancels "
           "likewise. Releases the GIL while it works. Returns a ScanSummary.")
      .def("status", &PyLibrary::status, "Counts by status, and the failures.")
      .def("get", &PyLibrary::get, "path_or_id"_a,
           "The Track with this path (made absolute) or row id, or None.")
      .def("tracks", &PyLibrary::tracks, "Every analysed track, ordered by path.")
      .def("merge", &PyLibrary::merge, "columns"_a,
           "Writes rows made elsewhere into the store, each as a scan writes its own. `columns` "
           "maps the names of a trackprint Parquet dataset's columns (path, size, mtime_ns, "
           "status, error_kind, reason, fingerprint_version, engine_version, analysed_at, "
           "analysis_s, duration_s, sample_rate, channels, codec and the 25 dimensions) to "
           "lists, one item per row. A stored row is replaced unless it holds the same result, "
           "a newer file, or a fingerprint where the new row is a failure of the same file. One "
           "transaction. Returns a MergeSummary.")
      .def("fingerprints", &PyLibrary::fingerprints,
           "(paths, values): the analysed tracks' paths, ordered by path, and their "
           "fingerprints as an (n, 25) float64 array, row i for paths[i], columns in spec order.")
      .def("similar", &PyLibrary::similar, "path_or_id"_a, "n"_a = 10, nb::kw_only(),
           "metric"_a = "auralis",
           "The n tracks nearest to a track of the library (never itself), nearest first, as "
           "Similar objects (track, distance); exact, ties to the lower id. Metrics: auralis, "
           "equal, auralis-zscore, equal-zscore. A track not in the store, or without a "
           "fingerprint, raises an Error.")
      .def("playlist", &PyLibrary::playlist, "seeds"_a, "n"_a = 30, "to"_a = nb::none(),
           nb::kw_only(), "max_per_artist"_a = 0, "max_per_album"_a = 0, "min_distance"_a = 0.0,
           "metric"_a = "auralis",
           "n entries starting with the first seed: the tracks nearest the seeds (one track or a "
           "list) in an order that flows or, with `to` (one track or a list of waypoints), a "
           "sonic path ending at the last. No duplicate recordings, no two entries closer than "
           "min_distance, at most max_per_artist / max_per_album of each (0: no cap). Similar "
           "objects whose distance is the step from the entry before.")
      .def("duplicates", &PyLibrary::duplicates,
           "Groups of files that are the same recording (another encoding, rate or copy), as "
           "DuplicateGroup objects.")
      .def("__repr__", [](const PyLibrary& lib) {
        return nb::str("<trackprint.Library {}>").format(lib.path());
      });

  nb::class_<MergeSummary>(m, "MergeSummary", "What Library.merge() did with the rows.")
      .def_ro("added", &MergeSummary::added, "Rows of paths the store did not have.")
      .def_ro("replaced", &MergeSummary::replaced,
              "Rows overwritten (another identity, version or status).")
      .def_ro("unchanged", &MergeSummary::unchanged,
              "Rows the store held already (same identity and versions).")
      .def_ro("kept", &MergeSummary::kept,
              "Store rows kept: of a newer file, or a fingerprint where the row was a failure.")
      .def("__repr__", [](const MergeSummary& s) {
        return "<trackprint.MergeSummary added " + std::to_string(s.added) + ", replaced " +
               std::to_string(s.replaced) + ", unchanged " + std::to_string(s.unchanged) +
               ", kept " + std::to_string(s.kept) + ">";
      });

  m.def("find_audio_files", &find_audio_files, "paths"_a,
        "The audio files under `paths` (folders or files; one path or a list), found exactly as "
        "Library.scan() finds them (by extension, recursively, following symlinks, each folder "
        "once): ([(path, size, mtime_ns), ...] in walk order with each path once, [Error, ...] "
        "for folders that could not be read and symlink loops).");
  m.def(
      "default_library_path", [] { return path_text(default_library_path()); },
      "$XDG_DATA_HOME/trackprint/library.db, or ~/.local/share/trackprint/library.db.");
}

}  // namespace trackprint::python
