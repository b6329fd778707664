// trackprint._trackprint.ExtractionQueue: the C++ extraction queue
// (include/trackprint/extraction_queue.hpp) for trackprint.Queue (trackprint/_queue.py), which
// adds the callback, the iterator and asyncio on top. Every call releases the GIL while it
// waits or works; next_result() takes it back only to build the result it hands over. The queue
// is thread-safe in C++ (its own mutexes), so nothing here relies on the GIL.
#include <nanobind/stl/optional.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

#include <chrono>
#include <cmath>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "bindings.hpp"
#include "errors.hpp"
#include "trackprint/extraction_queue.hpp"
#include "trackprint/library.hpp"

namespace nb = nanobind;
using namespace nb::literals;

namespace trackprint::python {
namespace {

class PyQueue {
 public:
  PyQueue(nb::handle db_path, int workers, bool retry_failed, bool sidecars, double max_duration) {
    if (workers < 0)
      raise_invalid("workers must be 0 (one per core) or more, not " + std::to_string(workers));
    if (!(max_duration > 0)) raise_invalid("max_duration must be more than 0 seconds");
    const std::string path = db_path.is_none() ? default_library_path() : fs_path(db_path);
    QueueOptions options;
    options.workers = workers;
    options.retry_failed = retry_failed;
    options.sidecars = sidecars;
    options.max_duration_s = max_duration;
    std::optional<Result<ExtractionQueue>> opened;
    {
      nb::gil_scoped_release unlocked;
      opened.emplace(ExtractionQueue::open(path, std::move(options)));
    }
    if (!opened->ok()) raise(opened->error());
    queue_ = std::make_unique<ExtractionQueue>(std::move(opened->value()));
  }

  bool submit(nb::handle path, int priority) {
    const std::string p = fs_path(path);
    nb::gil_scoped_release unlocked;
    return queue_->submit(p, priority);
  }

  std::size_t submit_many(nb::handle paths, int priority) {
    std::vector<std::string> all;
    for (nb::handle p : paths) all.push_back(fs_path(p));
    nb::gil_scoped_release unlocked;
    return queue_->submit_many(all, priority);
  }

  bool cancel(nb::handle path) {
    const std::string p = fs_path(path);
    nb::gil_scoped_release unlocked;
    return queue_->cancel(p);
  }

  void pause() {
    nb::gil_scoped_release unlocked;
    queue_->pause();
  }

  void resume() {
    nb::gil_scoped_release unlocked;
    queue_->resume();
  }

  QueueStatus status() const {
    nb::gil_scoped_release unlocked;
    return queue_->status();
  }

  // ("result", QueueResult), ("timeout", None) or ("closed", None).
  nb::tuple next_result(std::optional<double> timeout_s) {
    std::optional<std::chrono::milliseconds> timeout;
    if (timeout_s) {
      if (!(*timeout_s >= 0)) raise_invalid("timeout must be None or at least 0 seconds");
      timeout = std::chrono::milliseconds(std::llround(std::min(*timeout_s, 1e9) * 1000));
    }
    QueueResult r;
    ExtractionQueue::Wait got{};
    {
      nb::gil_scoped_release unlocked;
      got = queue_->next_result(r, timeout);
    }
    switch (got) {
      case ExtractionQueue::Wait::result:
        return nb::make_tuple("result", nb::cast(std::move(r)));
      case ExtractionQueue::Wait::timeout:
        return nb::make_tuple("timeout", nb::none());
      case ExtractionQueue::Wait::closed:
        break;
    }
    return nb::make_tuple("closed", nb::none());
  }

  nb::list close(bool wait) {
    std::vector<std::string> dropped;
    {
      nb::gil_scoped_release unlocked;
      dropped = queue_->close(wait);
    }
    nb::list out;
    for (const std::string& p : dropped) out.append(path_text(p));
    return out;
  }

  nb::object store_path() const { return path_text(queue_->store_path()); }

 private:
  std::unique_ptr<ExtractionQueue> queue_;
};

nb::object error_or_none(const std::optional<Error>& e) {
  return e ? error_object(*e) : nb::none();
}

}  // namespace

void bind_queue(nb::module_& m) {
  nb::class_<QueueResult>(m, "QueueResult",
                          "One file done by a trackprint.Queue: stored, then handed over.")
      .def_prop_ro(
          "path", [](const QueueResult& r) { return path_text(r.path); }, "Absolute.")
      .def_ro("fingerprint", &QueueResult::fingerprint, "The Fingerprint, or None if it failed.")
      .def_prop_ro(
          "error", [](const QueueResult& r) { return error_or_none(r.error); },
          "The failure as a trackprint.Error (not raised), or None.")
      .def_ro("from_store", &QueueResult::from_store,
              "Answered from the store without analysis (same size, mtime and versions).")
      .def_ro("analysis_seconds", &QueueResult::analysis_s, "Wall time of the analysis.")
      .def_ro("priority", &QueueResult::priority, "The priority it was taken at.")
      .def("__repr__", [](const QueueResult& r) {
        const char* what = r.error ? "failed" : r.from_store ? "from store" : "analysed";
        return nb::str("<trackprint.QueueResult {} {}>").format(what, path_text(r.path));
      });

  nb::class_<QueueStatus>(m, "QueueStatus", "A trackprint.Queue's counts.")
      .def_ro("pending", &QueueStatus::pending, "Submitted, not started.")
      .def_ro("running", &QueueStatus::running, "Started, not yet stored.")
      .def_ro("done", &QueueStatus::done, "Handed over: analysed, failed or from the store.")
      .def_ro("failed", &QueueStatus::failed, "Of done, failures.")
      .def_ro("tracks_per_s", &QueueStatus::tracks_per_s,
              "done / the seconds the queue had work (paused time not counted).")
      .def_ro("paused", &QueueStatus::paused)
      .def_ro("closed", &QueueStatus::closed)
      .def_prop_ro(
          "store_error", [](const QueueStatus& s) { return error_or_none(s.store_error); },
          "The store's failure (the queue then stopped), or None.")
      .def("__repr__", [](const QueueStatus& s) {
        return "<trackprint.QueueStatus " + std::to_string(s.pending) + " pending, " +
               std::to_string(s.running) + " running, " + std::to_string(s.done) + " done, " +
               std::to_string(s.failed) + " failed>";
      });

  nb::class_<PyQueue>(m, "ExtractionQueue", "The engine of trackprint.Queue (use that).")
      .def(nb::init<nb::handle, int, bool, bool, double>(), "db_path"_a, "workers"_a,
           "retry_failed"_a, "sidecars"_a, "max_duration"_a)
      .def("submit", &PyQueue::submit, "path"_a, "priority"_a)
      .def("submit_many", &PyQueue::submit_many, "paths"_a, "priority"_a)
      .def("cancel", &PyQueue::cancel, "path"_a)
      .def("pause", &PyQueue::pause)
      .def("resume", &PyQueue::resume)
      .def("status", &PyQueue::status)
      .def("next_result", &PyQueue::next_result, "timeout"_a.none())
      .def("close", &PyQueue::close, "wait"_a)
      .def_prop_ro("store_path", &PyQueue::store_path);
}

}  // namespace trackprint::python
