#include "analysis/block_worker.hpp"

#include <chrono>

namespace trackprint::analysis {

BlockWorker::BlockWorker(Consumer consume, SharedConsumer shared)
    : consume_(std::move(consume)), shared_(std::move(shared)), thread_([this] { run(); }) {}

BlockWorker::~BlockWorker() {
  queue_.close();
  if (thread_.joinable()) thread_.join();
}

void BlockWorker::push(std::span<const float> samples, Stream stream) {
  std::vector<float>& batch = batches_[static_cast<int>(stream)];
  batch.insert(batch.end(), samples.begin(), samples.end());
  if (batch.size() >= kBatchSamples) queue_batch(stream);
}

void BlockWorker::queue_batch(Stream stream) {
  std::vector<float>& batch = batches_[static_cast<int>(stream)];
  if (batch.empty()) return;
  const std::size_t room = batch.size();
  Batch item{stream, std::make_shared<const std::vector<float>>(std::move(batch))};
  batch = std::vector<float>();
  batch.reserve(room);
  if (stream == Stream::y && shared_) {
    const std::lock_guard lock(pending_mutex_);
    pending_.push_back(item.samples);
  }
  // Rather than wait for room, feed the shared consumer: the worker is the busier thread.
  for (;;) {
    if (queue_.try_push(item) != BoundedQueue<Batch>::Offer::full) return;
    if (!feed_shared(Feeder::producer)) break;
  }
  queue_.push(std::move(item));
}

bool BlockWorker::shared_lags() {
  const std::lock_guard lock(pending_mutex_);
  return pending_.size() > kSharedLag;
}

bool BlockWorker::feed_shared(Feeder who, bool wait) {
  if (!shared_) return false;
  std::unique_lock feeding(feeding_mutex_, std::defer_lock);
  if (wait) {
    feeding.lock();
  } else if (!feeding.try_lock()) {
    return false;
  }
  Samples next;
  {
    const std::lock_guard lock(pending_mutex_);
    if (pending_.empty()) return false;
    next = std::move(pending_.front());
    pending_.pop_front();
  }
  if (!shared_error_) {  // after a throw, the rest is dropped
    try {
      shared_(*next);
    } catch (...) {
      shared_error_ = std::current_exception();
    }
  }
  ++(who == Feeder::producer ? feeds_.by_producer
     : who == Feeder::worker ? feeds_.by_worker
                             : feeds_.at_finish);
  return true;
}

void BlockWorker::finish() {
  queue_batch(Stream::y);
  queue_batch(Stream::side);
  queue_.close();
  // The worker drains the queue while this thread feeds the shared consumer what is left (no
  // batch is added now, so once pending_ is seen empty the shared consumer has had them all).
  while (feed_shared(Feeder::finish, true)) {
  }
  thread_.join();
  if (error_) std::rethrow_exception(error_);
  if (shared_error_) std::rethrow_exception(shared_error_);
}

void BlockWorker::run() {
  using Wait = BoundedQueue<Batch>::Wait;
  for (;;) {
    Batch batch;
    Wait got = queue_.pop(batch, std::chrono::milliseconds(0));
    if (got == Wait::timeout) {
      // Rather than wait for the next batch, feed the shared consumer: the producer is the
      // busier thread.
      if (feed_shared(Feeder::worker)) continue;
      got = queue_.pop(batch);
    }
    if (got == Wait::closed) return;
    if (error_) continue;  // drain, so that the producer never waits forever
    try {
      consume_(batch.stream, *batch.samples);
    } catch (...) {
      error_ = std::current_exception();
    }
    if (shared_lags()) feed_shared(Feeder::worker);
  }
}

}  // namespace trackprint::analysis
