#include "analysis/block_worker.hpp"

namespace trackprint::analysis {

BlockWorker::BlockWorker(std::function<void(Stream, std::span<const float>)> consume)
    : consume_(std::move(consume)), thread_([this] { run(); }) {}

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
  queue_.push(Batch{stream, std::move(batch)});
  batch = std::vector<float>();
  batch.reserve(room);
}

void BlockWorker::finish() {
  queue_batch(Stream::y);
  queue_batch(Stream::side);
  queue_.close();
  thread_.join();
  if (error_) std::rethrow_exception(error_);
}

void BlockWorker::run() {
  Batch batch;
  while (queue_.pop(batch) == BoundedQueue<Batch>::Wait::item) {
    if (error_) continue;  // drain, so that the producer never waits forever
    try {
      consume_(batch.stream, batch.samples);
    } catch (...) {
      error_ = std::current_exception();
    }
  }
}

}  // namespace trackprint::analysis
