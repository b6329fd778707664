// trackprint.Library: the SQLite store of a music collection's fingerprints
// (include/trackprint/library.hpp) from Python. scan() releases the GIL and takes it back only
// to call the progress callable, on the calling thread; the library is used by one thread at
// a time, which a lock per Library enforces (waited for with the GIL released).
#include <nanobind/ndarray.h>
#include <nanobind/stl/optional.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/string_view.h>
#include <nanobind/stl/vector.h>

#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "bindings.hpp"
#include "errors.hpp"
#include "trackprint/library.hpp"

namespace nb = nanobind;
using namespace nb::literals;

namespace trackprint::python {
namespace {

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
    std::vector<std::string> paths;
    if (PyUnicode_Check(roots.ptr()) || PyBytes_Check(roots.ptr()) ||
        PyObject_HasAttrString(roots.ptr(), "__fspath__")) {
      paths.push_back(fs_path(roots));
    } else {
      for (nb::handle root : roots) paths.push_back(fs_path(root));
    }
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

  std::unique_ptr<Library> library_;
  mutable std::mutex busy_;
  std::atomic<std::thread::id> scanning_{};
};

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
      .def("fingerprints", &PyLibrary::fingerprints,
           "(paths, values): the analysed tracks' paths, ordered by path, and their "
           "fingerprints as an (n, 25) float64 array, row i for paths[i], columns in spec order.")
      .def("__repr__", [](const PyLibrary& lib) {
        return nb::str("<trackprint.Library {}>").format(lib.path());
      });

  m.def(
      "default_library_path", [] { return path_text(default_library_path()); },
      "$XDG_DATA_HOME/trackprint/library.db, or ~/.local/share/trackprint/library.db.");
}

}  // namespace trackprint::python
