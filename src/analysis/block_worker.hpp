// Hands y's blocks (and, beside them, a stereo file's resampled side) to a consumer on a thread
// of its own, each stream in order, through the engine's bounded queue, so that a second core
// can take some of a track's families. The blocks are gathered into batches of kBatchSamples
// first: a decoded block is ~2000 samples of y, and waking the consumer that often cost the
// producer more than the copies. The consumer gets the same samples of each stream in the same
// order (the families sum blocks of any size alike): the same result.
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
  enum class Stream { y, side };
  explicit BlockWorker(std::function<void(Stream, std::span<const float>)> consume);
  BlockWorker(const BlockWorker&) = delete;
  BlockWorker& operator=(const BlockWorker&) = delete;
  ~BlockWorker();  // closes the queue and waits for the thread

  // A copy of the samples goes to the queue (in a batch of their stream).
  void push(std::span<const float> samples, Stream stream = Stream::y);
  // Waits for the consumer to take every block; rethrows what it threw.
  void finish();

 private:
  static constexpr std::size_t kBatchSamples = 16384;  // 0.74 s of y
  static constexpr std::size_t kDepth = 32;
  void run();

  struct Batch {
    Stream stream = Stream::y;
    std::vector<float> samples;
  };
  void queue_batch(Stream stream);
  std::function<void(Stream, std::span<const float>)> consume_;
  BoundedQueue<Batch> queue_{kDepth};
  std::vector<float> batches_[2];  // of each stream: pushed, not yet queued
  std::exception_ptr error_;       // written by the thread, read after join()
  std::thread thread_;             // last: it starts once everything it uses exists
};

}  // namespace trackprint::analysis
