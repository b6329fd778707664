// Hands y's blocks to a consumer on a thread of its own, in order, through the engine's bounded
// queue, so that a second core can take some of a track's families. The consumer gets exactly
// the blocks it would get inline, so the result does not change.
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

  void push(std::span<const float> y);  // a copy of y goes to the queue
  // Waits for the consumer to take every block; rethrows what it threw.
  void finish();

 private:
  static constexpr std::size_t kDepth = 16;
  void run();

  std::function<void(std::span<const float>)> consume_;
  BoundedQueue<std::vector<float>> queue_{kDepth};
  std::exception_ptr error_;  // written by the thread, read after join()
  std::thread thread_;        // last: it starts once everything it uses exists
};

}  // namespace trackprint::analysis
