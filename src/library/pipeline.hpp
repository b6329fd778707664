// The analysis workers and the store's one writer, which the scan, the extraction queue and the
// watch share: workers take files from a source and analyse them (or have them answered from the
// store), the writer commits their results and any change sent to it in batches, and reports
// each item once its batch is committed. A file is marked in flight, and the mark committed,
// before its analysis starts: what a crash leaves (docs/store.md, Crashes). Idle, every thread
// waits on a condition variable.
#pragma once

#include <atomic>
#include <functional>
#include <future>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "core/bounded_queue.hpp"
#include "library/store.hpp"
#include "library/walker.hpp"
#include "trackprint/limits.hpp"

namespace trackprint::library {

// What the writer takes: a result to store, a change to the store, or both; or the in-flight
// mark of a file about to be analysed (what a crash leaves behind, docs/store.md).
struct WriterItem {
  std::optional<AnalysisResult> result;   // tags_only: only its tags are written
  bool write_result = true;               // false: answered from the store, already there
  std::function<void(Store&)> change;     // a rename, a file gone, a row restored
  std::function<void()> committed;        // called on the writer thread once it is committed
  std::string starting;                   // set: mark this file in flight, commit, then answer
  std::promise<bool>* started = nullptr;  // true once the mark is on disk; false: do not start
};

// How each file is analysed.
struct AnalysisSettings {
  bool sidecars = false;
  double max_duration_s = kDefaultMaxDurationSeconds;
  // The real folders a sidecar may be written in (none given: the file's own folder).
  std::vector<std::string> sidecar_folders;
  // The scan's own stop: once set, the analyses in hand end within a fraction of a second with
  // kind cancelled, and such a result is not stored (the file stays as it was; its in-flight
  // mark is cleared, since it did not crash).
  const std::atomic<bool>* cancel = nullptr;
};

// True for a result that ended at AnalysisSettings::cancel.
bool was_cancelled(const AnalysisResult& r);

struct PipelineHooks {
  // Called by each worker for its next file; nullopt ends that worker. May block.
  std::function<std::optional<FoundFile>()> next;
  // Optional: an answer for `file` without analysing it (the store already has it).
  std::function<std::optional<WriterItem>(const FoundFile& file)> recall;
  // On the writer thread, for each item once its batch is committed, in the order written.
  std::function<void(WriterItem& item)> committed;
  // On the writer thread, once: the store failed, nothing more is written (items are dropped).
  std::function<void(const Error& error)> store_failed;
  // On the writer thread, last: every worker has ended and everything is committed.
  std::function<void()> finished;
  // Optional: true once no more file may start; a worker then gets no in-flight mark.
  std::function<bool()> stopping;
};

// The identity (size, mtime) stored with a result is the one seen just before reading, and it
// must still hold after: a file changed or gone meanwhile fails (io) and is read again later.
AnalysisResult analyse(const FoundFile& file, const AnalysisSettings& settings);

// The folders of the roots with every symlink resolved: sidecars are written only inside them.
std::vector<std::string> real_folders(const std::vector<std::string>& roots);

// Tags are a convenience: a file whose container cannot be probed now has none, and keeps its
// fingerprint.
Tags read_tags_or_none(const std::string& path);

// The tags of a row analysed before the store kept them (tags_only); nothing else of it changes.
AnalysisResult tags_of(const FoundFile& file);

class Pipeline {
 public:
  // Starts `workers` workers (at `worker_nice`, when above 0) and the writer. Each file is
  // marked in flight (committed) before its analysis starts.
  Pipeline(Store& store, int workers, AnalysisSettings settings, PipelineHooks hooks,
           int worker_nice = 0);
  // Waits for the workers to end and the writer to commit everything (join()).
  ~Pipeline();
  Pipeline(const Pipeline&) = delete;
  Pipeline& operator=(const Pipeline&) = delete;

  // Hands the writer a change (from any thread, while a worker still runs); false once the
  // pipeline is ending.
  bool send(WriterItem item);
  void join();

 private:
  void work(int nice);
  void write();

  Store& store_;
  AnalysisSettings settings_;
  PipelineHooks hooks_;
  BoundedQueue<WriterItem> items_;
  std::atomic<int> running_;
  std::vector<std::jthread> workers_;
  std::jthread writer_;
};

}  // namespace trackprint::library
