// Hands y's blocks to a consumer on a thread of its own, in order, through the engine's bounded
// queue, so that a second core can take some of a track's families. The blocks are gathered
// into batches of kBatchSamples first: a decoded block is ~2000 samples of y, and waking the
// consumer that often cost the producer more than the copies. The consumer gets the same
// samples in the same order (the families sum blocks of any size alike): the same result.
#pragma once

#include <exception>
#include <functional>
#include <span>
#include <thread>
#include <vector>

#include "core/bounded_queue.hpp"

namespace trackprint::analysis {

class BlockWorker {
 public:
  explicit BlockWorker(std::function<void(std::span<const float>)> consume);
  BlockWorker(const BlockWorker&) = delete;
  BlockWorker& operator=(const BlockWorker&) = delete;
  ~BlockWorker();  // closes the queue and waits for the thread

  void push(std::span<const float> y);  // a copy of y goes to the queue (in a batch)
  // Waits for the consumer to take every block; rethrows what it threw.
  void finish();

 private:
  static constexpr std::size_t kBatchSamples = 16384;  // 0.74 s of y
  static constexpr std::size_t kDepth = 32;
  void run();

  std::function<void(std::span<const float>)> consume_;
  BoundedQueue<std::vector<float>> queue_{kDepth};
  std::vector<float> batch_;  // pushed, not yet queued
  std::exception_ptr error_;  // written by the thread, read after join()
  std::thread thread_;        // last: it starts once everything it uses exists
};

}  // namespace trackprint::analysis
