// The extraction queue's engine (include/trackprint/extraction_queue.hpp) on a store someone else
// opened and locked: ExtractionQueue wraps it, and the watch feeds it the files that changed.
// Pending files are ordered by priority, then submission; workers take them through the
// pipeline (library/pipeline.hpp), asking a read-only connection to the store first whether the
// file is already there with the same identity and versions.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "library/pipeline.hpp"
#include "library/store.hpp"
#include "trackprint/extraction_queue.hpp"

namespace trackprint::library {

class QueueCore {
 public:
  // `store` is written only by the queue's writer until close() returns. Sidecars are
  // written inside `sidecar_folders` (none: each file's own folder).
  QueueCore(Store& store, QueueOptions options, std::vector<std::string> sidecar_folders = {});
  ~QueueCore();
  QueueCore(const QueueCore&) = delete;
  QueueCore& operator=(const QueueCore&) = delete;

  bool submit(const std::string& absolute_path, int priority);
  bool cancel(const std::string& absolute_path);
  // Cancels every pending file inside folder `dir`; returns them.
  std::vector<std::string> cancel_under(const std::string& dir);
  void pause();
  void resume();
  QueueStatus status() const;
  ExtractionQueue::Wait next_result(QueueResult& out,
                                    std::optional<std::chrono::milliseconds> timeout);
  std::vector<std::string> close(bool wait);
  // A change for the store, written by the queue's writer in order with the results; only
  // before close().
  bool send(WriterItem item);

 private:
  struct Key {
    int priority;
    std::uint64_t seq;
    bool operator<(const Key& o) const {
      return priority != o.priority ? priority > o.priority : seq < o.seq;
    }
  };
  enum class Closing { no, drain, now };

  std::optional<FoundFile> next_file();
  std::optional<WriterItem> recall(const FoundFile& file);
  void committed(WriterItem& item);
  void update_busy_locked();

  QueueOptions options_;
  std::mutex close_mutex_;  // one close() at a time
  Store recall_store_;      // a read-only connection, for recall() only
  std::mutex recall_mutex_;

  mutable std::mutex mutex_;
  std::condition_variable work_ready_;
  std::condition_variable result_ready_;
  std::map<Key, std::string> order_;
  std::unordered_map<std::string, Key> pending_;
  std::unordered_map<std::string, int> taken_priority_;  // running: the priority it had
  std::uint64_t next_seq_ = 0;
  bool paused_ = false;
  Closing closing_ = Closing::no;
  bool closed_ = false;
  std::int64_t running_ = 0;
  std::int64_t done_ = 0;
  std::int64_t failed_ = 0;
  std::optional<Error> store_error_;
  std::deque<QueueResult> results_;
  std::optional<std::chrono::steady_clock::time_point> busy_since_;
  std::chrono::steady_clock::duration busy_total_{};

  std::optional<Pipeline> pipeline_;  // last: its threads stop before the rest goes
};

}  // namespace trackprint::library
