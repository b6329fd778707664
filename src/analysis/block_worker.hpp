// Hands y's blocks (and, beside them, a stereo file's resampled side) to a consumer on a thread
// of its own, each stream in order, through the engine's bounded queue, so that a second core
// can take some of a track's families. The blocks are gathered into batches of kBatchSamples
// first: a decoded block is ~2000 samples of y, and waking the consumer that often cost the
// producer more than the copies. The consumer gets the same samples of each stream in the same
// order (the families sum blocks of any size alike): the same result.
//
// A second consumer of y, the shared one, may run on either thread: which of the two threads
// has more to do depends on the file (its codec, rate and channels decide the decoding
// thread's share) and on the machine, so no fixed split keeps both busy. The shared consumer
// is fed y's batches in order, one thread at a time, by whichever thread would otherwise wait:
// the producer when the queue is full, the worker when it is empty. It is fed the same batches
// whichever thread feeds it: the same result.
#pragma once

#include <cstddef>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <thread>
#include <vector>

#include "core/bounded_queue.hpp"

namespace trackprint::analysis {

class BlockWorker {
 public:
  enum class Stream { y, side };
  using Consumer = std::function<void(Stream, std::span<const float>)>;
  using SharedConsumer = std::function<void(std::span<const float>)>;
  // `consume` runs on the worker thread; `shared` (if any) on either, one thread at a time.
  explicit BlockWorker(Consumer consume, SharedConsumer shared = {});
  BlockWorker(const BlockWorker&) = delete;
  BlockWorker& operator=(const BlockWorker&) = delete;
  ~BlockWorker();  // closes the queue and waits for the thread; what `shared` has not had is lost

  // A copy of the samples goes to the queue (in a batch of their stream).
  void push(std::span<const float> samples, Stream stream = Stream::y);
  // Waits for both consumers to take every block; rethrows what either threw.
  void finish();

  // How many of y's batches the shared consumer was fed by the producer instead of waiting for
  // room, by the worker instead of waiting for a batch (or because it lagged), and by finish().
  struct SharedFeeds {
    std::size_t by_producer = 0, by_worker = 0, at_finish = 0;
  };
  SharedFeeds shared_feeds() const { return feeds_; }

 private:
  static constexpr std::size_t kBatchSamples = 16384;  // 0.74 s of y
  static constexpr std::size_t kDepth = 32;
  // Batches of y the shared consumer may lag behind before the worker feeds it even when it is
  // not idle (when the two threads are so evenly loaded that neither ever waits), so that the
  // batches it holds stay a few seconds of audio.
  static constexpr std::size_t kSharedLag = kDepth;
  using Samples = std::shared_ptr<const std::vector<float>>;
  struct Batch {
    Stream stream = Stream::y;
    Samples samples;
  };
  void run();
  void queue_batch(Stream stream);
  enum class Feeder { producer, worker, finish };
  // Feeds the shared consumer its next batch unless another thread is feeding it (or, with
  // `wait`, once that thread is done); false when it fed nothing.
  bool feed_shared(Feeder who, bool wait = false);
  bool shared_lags();

  Consumer consume_;
  SharedConsumer shared_;
  BoundedQueue<Batch> queue_{kDepth};
  std::vector<float> batches_[2];  // of each stream: pushed, not yet queued
  std::exception_ptr error_;       // written by the thread, read after join()

  std::mutex pending_mutex_;         // guards pending_
  std::deque<Samples> pending_;      // y's batches the shared consumer has not had, in order
  std::mutex feeding_mutex_;         // held by the thread feeding the shared consumer
  std::exception_ptr shared_error_;  // guarded by feeding_mutex_
  SharedFeeds feeds_;                // guarded by feeding_mutex_

  std::thread thread_;  // last: it starts once everything it uses exists
};

}  // namespace trackprint::analysis
