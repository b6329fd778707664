#include "library/queue_core.hpp"

#include <sys/stat.h>

#include <utility>

#include "library/scanner.hpp"
#include "library/walker.hpp"
#include "trackprint/numbers_version.hpp"
#include "trackprint/trackprint.hpp"

namespace trackprint::library {

QueueCore::QueueCore(Store& store, QueueOptions options, std::vector<std::string> sidecar_folders)
    : options_(std::move(options)), recall_store_(store.path(), /*read_only=*/true) {
  PipelineHooks hooks;
  hooks.next = [this] { return next_file(); };
  hooks.recall = [this](const FoundFile& f) { return recall(f); };
  hooks.committed = [this](WriterItem& item) { committed(item); };
  hooks.store_failed = [this](const Error& e) {
    const std::lock_guard lock(mutex_);
    store_error_ = e;
    closing_ = Closing::now;  // nothing more can be stored
    order_.clear();
    pending_.clear();
    work_ready_.notify_all();
  };
  AnalysisSettings settings;
  settings.sidecars = options_.sidecars;
  settings.max_duration_s = options_.max_duration_s;
  settings.sidecar_folders = std::move(sidecar_folders);
  pipeline_.emplace(store, worker_count(options_.workers), std::move(settings), std::move(hooks),
                    options_.worker_nice);
}

QueueCore::~QueueCore() {
  close(false);
}

void QueueCore::update_busy_locked() {
  const auto now = std::chrono::steady_clock::now();
  const bool busy = running_ > 0 || (!order_.empty() && !paused_);
  if (busy && !busy_since_) busy_since_ = now;
  if (!busy && busy_since_) {
    busy_total_ += now - *busy_since_;
    busy_since_.reset();
  }
}

bool QueueCore::submit(const std::string& path, int priority) {
  const std::lock_guard lock(mutex_);
  if (closing_ != Closing::no) return false;
  const auto it = pending_.find(path);
  if (it != pending_.end()) {
    if (it->second.priority == priority) return false;
    order_.erase(it->second);
    pending_.erase(it);
  }
  const Key key{priority, next_seq_++};
  order_.emplace(key, path);
  pending_.emplace(path, key);
  update_busy_locked();
  work_ready_.notify_one();
  return true;
}

bool QueueCore::cancel(const std::string& path) {
  const std::lock_guard lock(mutex_);
  const auto it = pending_.find(path);
  if (it == pending_.end()) return false;
  order_.erase(it->second);
  pending_.erase(it);
  update_busy_locked();
  return true;
}

std::vector<std::string> QueueCore::cancel_under(const std::string& dir) {
  std::vector<std::string> out;
  const std::lock_guard lock(mutex_);
  for (auto it = order_.begin(); it != order_.end();) {
    if (is_under(it->second, dir) && it->second != dir) {
      pending_.erase(it->second);
      out.push_back(std::move(it->second));
      it = order_.erase(it);
    } else {
      ++it;
    }
  }
  update_busy_locked();
  return out;
}

void QueueCore::pause() {
  const std::lock_guard lock(mutex_);
  paused_ = true;
  update_busy_locked();
}

void QueueCore::resume() {
  const std::lock_guard lock(mutex_);
  paused_ = false;
  update_busy_locked();
  work_ready_.notify_all();
}

QueueStatus QueueCore::status() const {
  const std::lock_guard lock(mutex_);
  QueueStatus s;
  s.pending = static_cast<std::int64_t>(order_.size());
  s.running = running_;
  s.done = done_;
  s.failed = failed_;
  s.paused = paused_;
  s.closed = closing_ != Closing::no;
  s.store_error = store_error_;
  auto busy = busy_total_;
  if (busy_since_) busy += std::chrono::steady_clock::now() - *busy_since_;
  const double seconds = std::chrono::duration<double>(busy).count();
  if (seconds > 0) s.tracks_per_s = static_cast<double>(done_) / seconds;
  return s;
}

std::optional<FoundFile> QueueCore::next_file() {
  std::unique_lock lock(mutex_);
  work_ready_.wait(lock, [&] { return closing_ != Closing::no || (!paused_ && !order_.empty()); });
  if (closing_ == Closing::now || order_.empty()) return std::nullopt;
  const auto first = order_.begin();
  FoundFile file{first->second, 0, 0};
  taken_priority_[file.path] = first->first.priority;
  pending_.erase(first->second);
  order_.erase(first);
  ++running_;
  update_busy_locked();
  return file;
}

std::optional<WriterItem> QueueCore::recall(const FoundFile& file) {
  struct stat st {};
  if (stat(file.path.c_str(), &st) != 0) return std::nullopt;  // the analysis says why
  const auto size = static_cast<std::int64_t>(st.st_size);
  const auto mtime_ns =
      static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
  std::optional<TrackRecord> row;
  try {
    const std::lock_guard lock(recall_mutex_);
    row = recall_store_.by_path(file.path);
  } catch (const Failure&) {
    return std::nullopt;  // unreadable now: analyse, and let the writer meet the problem
  }
  if (!row || row->size != size || row->mtime_ns != mtime_ns) return std::nullopt;
  // Current as the store counts it: this spec version and this numbers version.
  const bool current = row->fingerprint && row->fingerprint->version == kFingerprintVersion &&
                       row->numbers_version == kNumbersVersion;
  const bool failure = row->error_kind.has_value() && !options_.retry_failed;
  if (!current && !failure) return std::nullopt;

  WriterItem item;
  AnalysisResult& r = item.result.emplace();
  r.path = file.path;
  r.size = size;
  r.mtime_ns = mtime_ns;
  if (current) {
    r.fingerprint = row->fingerprint;
  } else {
    r.error = Error{*row->error_kind, file.path, row->reason};
  }
  item.write_result = false;
  if (row->status == TrackStatus::missing) {
    // Back, unchanged: its row returns to what it was, as a scan would have it.
    const TrackStatus back = current ? TrackStatus::analysed : TrackStatus::failed;
    item.change = [id = row->id, back](Store& store) { store.set_status(id, back); };
  }
  return item;
}

void QueueCore::committed(WriterItem& item) {
  if (!item.result) return;  // a change sent by the watch
  AnalysisResult& r = *item.result;
  QueueResult out;
  out.path = r.path;
  out.fingerprint = std::move(r.fingerprint);
  out.error = std::move(r.error);
  out.from_store = !item.write_result;
  out.analysis_s = r.analysis_s;
  {
    const std::lock_guard lock(mutex_);
    const auto taken = taken_priority_.find(r.path);
    if (taken != taken_priority_.end()) {
      out.priority = taken->second;
      taken_priority_.erase(taken);
    }
    --running_;
    ++done_;
    if (out.error) ++failed_;
    update_busy_locked();
    if (!options_.on_result) {
      results_.push_back(out);
      result_ready_.notify_one();
    }
  }
  if (options_.on_result) options_.on_result(out);
}

ExtractionQueue::Wait QueueCore::next_result(QueueResult& out,
                                             std::optional<std::chrono::milliseconds> timeout) {
  std::unique_lock lock(mutex_);
  const auto ready = [&] { return !results_.empty() || closed_; };
  if (!timeout) {
    result_ready_.wait(lock, ready);
  } else if (!result_ready_.wait_for(lock, *timeout, ready)) {
    return ExtractionQueue::Wait::timeout;
  }
  if (results_.empty()) return ExtractionQueue::Wait::closed;
  out = std::move(results_.front());
  results_.pop_front();
  return ExtractionQueue::Wait::result;
}

std::vector<std::string> QueueCore::close(bool wait) {
  const std::lock_guard closing(close_mutex_);
  std::vector<std::string> dropped;
  {
    const std::lock_guard lock(mutex_);
    if (closing_ == Closing::no) {
      closing_ = wait ? Closing::drain : Closing::now;
      paused_ = false;
      if (!wait) {
        for (auto& [key, path] : order_) dropped.push_back(std::move(path));
        order_.clear();
        pending_.clear();
      }
      update_busy_locked();
      work_ready_.notify_all();
    } else if (closed_) {
      return dropped;
    }
  }
  pipeline_.reset();  // waits for every file started to be committed and handed over
  const std::lock_guard lock(mutex_);
  closed_ = true;
  result_ready_.notify_all();
  return dropped;
}

bool QueueCore::send(WriterItem item) {
  return pipeline_ && pipeline_->send(std::move(item));
}

}  // namespace trackprint::library
