// The public face of the extraction queue (include/trackprint/extraction_queue.hpp): a store
// of its own, locked and watched for crashes for the queue's life, and the engine of
// library/queue_core.hpp.
#include "trackprint/extraction_queue.hpp"

#include <mutex>
#include <optional>
#include <utility>

#include "library/crash_witness.hpp"
#include "library/queue_core.hpp"
#include "library/scan_lock.hpp"
#include "library/store.hpp"
#include "library/walker.hpp"

namespace trackprint {

struct ExtractionQueue::Impl {
  Impl(library::Store s, library::ScanLock l, QueueOptions options)
      : store(std::move(s)),
        lock(std::move(l)),
        witness(std::in_place, store.path()),
        core(store, std::move(options)) {}
  library::Store store;
  std::mutex lock_mutex;
  std::optional<library::ScanLock> lock;  // released by close()
  // Before the workers start: a crash leaves its files marked in flight and this mark, so the
  // next scan blames what it retries alone, as after a crashed scan. Released by close().
  std::optional<library::CrashWitness> witness;
  library::QueueCore core;  // last: it stops before the store closes
};

Result<ExtractionQueue> ExtractionQueue::open(const std::string& store_path, QueueOptions options) {
  const std::string path = library::absolute_path(store_path);
  try {
    library::Store store(path, /*read_only=*/false);
    std::string busy;
    std::optional<library::ScanLock> lock = library::ScanLock::take(path, busy);
    if (!lock) return Error{ErrorKind::io, path, busy};
    return ExtractionQueue(
        std::make_unique<Impl>(std::move(store), std::move(*lock), std::move(options)));
  } catch (const Failure& e) {
    return Error{e.kind(), path, e.reason()};
  } catch (const std::exception& e) {
    return Error{ErrorKind::io, path, e.what()};
  }
}

ExtractionQueue::ExtractionQueue(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ExtractionQueue::ExtractionQueue(ExtractionQueue&&) noexcept = default;
ExtractionQueue& ExtractionQueue::operator=(ExtractionQueue&&) noexcept = default;
ExtractionQueue::~ExtractionQueue() = default;

bool ExtractionQueue::submit(const std::string& path, int priority) {
  return impl_->core.submit(library::absolute_path(path), priority);
}

std::size_t ExtractionQueue::submit_many(const std::vector<std::string>& paths, int priority) {
  std::size_t queued = 0;
  for (const std::string& p : paths) queued += submit(p, priority) ? 1 : 0;
  return queued;
}

bool ExtractionQueue::cancel(const std::string& path) {
  return impl_->core.cancel(library::absolute_path(path));
}

void ExtractionQueue::pause() {
  impl_->core.pause();
}

void ExtractionQueue::resume() {
  impl_->core.resume();
}

QueueStatus ExtractionQueue::status() const {
  return impl_->core.status();
}

ExtractionQueue::Wait ExtractionQueue::next_result(
    QueueResult& out, std::optional<std::chrono::milliseconds> timeout) {
  return impl_->core.next_result(out, timeout);
}

std::vector<std::string> ExtractionQueue::close(bool wait) {
  std::vector<std::string> dropped = impl_->core.close(wait);
  const std::lock_guard held(impl_->lock_mutex);
  impl_->witness.reset();
  impl_->lock.reset();  // nothing more is written: another scan or queue may have the store
  return dropped;
}

const std::string& ExtractionQueue::store_path() const {
  return impl_->store.path();
}

}  // namespace trackprint
