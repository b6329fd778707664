#include "analysis/block_worker.hpp"

namespace trackprint::analysis {

BlockWorker::BlockWorker(std::function<void(std::span<const float>)> consume)
    : consume_(std::move(consume)), thread_([this] { run(); }) {}

BlockWorker::~BlockWorker() {
  queue_.close();
  if (thread_.joinable()) thread_.join();
}

void BlockWorker::push(std::span<const float> y) {
  batch_.insert(batch_.end(), y.begin(), y.end());
  if (batch_.size() < kBatchSamples) return;
  queue_.push(std::move(batch_));
  batch_ = std::vector<float>();
  batch_.reserve(kBatchSamples + y.size());
}

void BlockWorker::finish() {
  if (!batch_.empty()) queue_.push(std::move(batch_));
  queue_.close();
  thread_.join();
  if (error_) std::rethrow_exception(error_);
}

void BlockWorker::run() {
  std::vector<float> block;
  while (queue_.pop(block) == BoundedQueue<std::vector<float>>::Wait::item) {
    if (error_) continue;  // drain, so that the producer never waits forever
    try {
      consume_(block);
    } catch (...) {
      error_ = std::current_exception();
    }
  }
}

}  // namespace trackprint::analysis
