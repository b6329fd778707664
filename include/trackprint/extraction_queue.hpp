// trackprint extraction queue: a music app's background fingerprinting, as long-lived as the
// app. Files are submitted with a priority (a track about to play goes first), analysed by
// worker threads and written to the library store as `Library::scan` writes them; each result
// then comes back to the app.
//
//   #include <trackprint/extraction_queue.hpp>
//
//   auto q = trackprint::ExtractionQueue::open(trackprint::default_library_path());
//   if (!q.ok()) { std::cerr << q.error().message() << '\n'; return 1; }
//   q.value().submit_many(paths);             // priority 0
//   q.value().submit("/music/next.flac", 10);  // overtakes everything pending
//   trackprint::QueueResult r;
//   while (q.value().next_result(r) == trackprint::ExtractionQueue::Wait::result) ...
//
// Every method may be called from any thread. Idle (nothing pending, or paused), the queue's
// threads wait on condition variables and use no CPU.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "trackprint/error.hpp"
#include "trackprint/export.hpp"
#include "trackprint/fingerprint.hpp"
#include "trackprint/limits.hpp"

namespace trackprint {

// One submitted file, done: in the store, committed, before it is handed over.
struct QueueResult {
  std::string path;                        // absolute, as submitted
  std::optional<Fingerprint> fingerprint;  // or:
  std::optional<Error> error;
  // Answered from the store without analysis: the file's size and mtime, the fingerprint and
  // engine versions were those stored (a failure is answered likewise unless retry_failed).
  bool from_store = false;
  double analysis_s = 0;  // wall time of the analysis (0 from the store)
  int priority = 0;       // the priority it was taken at
};

struct QueueStatus {
  std::int64_t pending = 0;  // submitted, not started
  std::int64_t running = 0;  // started, result not yet committed
  std::int64_t done = 0;     // results handed over (analysed, failed or from the store)
  std::int64_t failed = 0;   // of `done`, failures
  double tracks_per_s = 0;   // done / the time the queue had work (paused time not counted)
  bool paused = false;
  bool closed = false;
  std::optional<Error> store_error;  // the store failed: the queue stopped taking files
};

struct QueueOptions {
  int workers = 0;            // analysis threads; 0 = one per core
  bool retry_failed = false;  // analyse a stored failure again even when the file is unchanged
  bool sidecars = false;      // read and write `.25d` sidecars, as ScanOptions::sidecars
  // Longer files fail with kind too_long, as ScanOptions::max_duration_s.
  double max_duration_s = kDefaultMaxDurationSeconds;
  // The workers' nice value (Linux, per thread): background work yields the CPU to the app's
  // own threads (its UI, its event loop) whenever they want it, and costs nothing otherwise.
  int worker_nice = 10;
  // Called on the queue's writer thread with each result once it is committed, instead of
  // keeping it for next_result(). Keep it short: the writer waits for it.
  std::function<void(const QueueResult&)> on_result;
};

class TRACKPRINT_API ExtractionQueue {
 public:
  // Opens (or creates) the store at `store_path` and starts the workers. The queue holds the
  // store's scan lock until it is closed: a scan of the same store meanwhile says it is busy.
  static Result<ExtractionQueue> open(const std::string& store_path, QueueOptions options = {});

  ExtractionQueue(ExtractionQueue&&) noexcept;
  ExtractionQueue& operator=(ExtractionQueue&&) noexcept;
  ~ExtractionQueue();  // close(false)

  // Queues `path` (made absolute). Higher priorities are taken first, equal ones in the order
  // submitted. A path already pending takes the new priority (and its place among that
  // priority's files, as if submitted now). False when it was already pending at that priority,
  // or the queue is closed.
  bool submit(const std::string& path, int priority = 0);
  // The number of paths queued or re-prioritised.
  std::size_t submit_many(const std::vector<std::string>& paths, int priority = 0);
  // Takes a pending path out of the queue: true if it was pending (it gets no result). A file
  // already being analysed is finished.
  bool cancel(const std::string& path);
  // No file is started while paused; the files being analysed are finished.
  void pause();
  void resume();
  QueueStatus status() const;

  enum class Wait { result, timeout, closed };
  // The next result not handed to on_result, waiting up to `timeout` (without one: until there
  // is one). closed: the queue is closed and every result has been taken.
  Wait next_result(QueueResult& out,
                   std::optional<std::chrono::milliseconds> timeout = std::nullopt);

  // Stops taking files and returns once every file started is committed (and handed over),
  // then releases the store's scan lock. wait: the pending files are analysed first (even
  // when paused); else they are dropped and returned. Later calls do nothing and return
  // nothing; next_result() still hands over what is kept.
  std::vector<std::string> close(bool wait = true);

  // The store's file (absolute).
  const std::string& store_path() const;

 private:
  struct Impl;
  explicit ExtractionQueue(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace trackprint
