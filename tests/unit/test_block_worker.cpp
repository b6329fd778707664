// The hand-off of y's blocks to a second thread (analysis/block_worker.hpp): each consumer gets
// every sample of its stream in order, and the shared consumer is fed by whichever thread would
// otherwise wait, so that the held route's two threads stay busy whichever has more to do.
#include <gtest/gtest.h>

#include <chrono>
#include <cstddef>
#include <stdexcept>
#include <thread>
#include <vector>

#include "analysis/block_worker.hpp"

namespace trackprint::analysis {
namespace {

using std::chrono::microseconds;

constexpr std::size_t kBlock = 2000;  // about what a decoder hands over at a time
// A batch is queued once it holds 16384 samples or more: nine blocks.
constexpr std::size_t batches_of(std::size_t blocks) {
  return (blocks + 8) / 9;
}

struct Received {
  std::vector<float> y, side, shared;
};

// Pushes `blocks` blocks of y (values 0, 1, 2, ...) and of a side stream (negated), waiting
// `producer_pause` after each, with a worker that takes `worker_pause` per batch and a shared
// consumer that takes `shared_pause` per batch.
BlockWorker::SharedFeeds run(std::size_t blocks, microseconds producer_pause,
                             microseconds worker_pause, microseconds shared_pause, Received& got) {
  BlockWorker worker(
      [&](BlockWorker::Stream stream, std::span<const float> x) {
        std::vector<float>& to = stream == BlockWorker::Stream::y ? got.y : got.side;
        to.insert(to.end(), x.begin(), x.end());
        std::this_thread::sleep_for(worker_pause);
      },
      [&](std::span<const float> x) {
        got.shared.insert(got.shared.end(), x.begin(), x.end());
        std::this_thread::sleep_for(shared_pause);
      });
  std::vector<float> block(kBlock), side(kBlock);
  for (std::size_t b = 0; b < blocks; ++b) {
    for (std::size_t i = 0; i < kBlock; ++i) {
      block[i] = static_cast<float>(b * kBlock + i);
      side[i] = -block[i];
    }
    worker.push(block);
    worker.push(side, BlockWorker::Stream::side);
    std::this_thread::sleep_for(producer_pause);
  }
  worker.finish();
  return worker.shared_feeds();
}

void expect_in_order(const Received& got, std::size_t blocks) {
  const std::size_t n = blocks * kBlock;
  ASSERT_EQ(got.y.size(), n);
  ASSERT_EQ(got.side.size(), n);
  ASSERT_EQ(got.shared.size(), n);
  for (std::size_t i = 0; i < n; ++i) {
    ASSERT_EQ(got.y[i], static_cast<float>(i)) << i;
    ASSERT_EQ(got.side[i], -static_cast<float>(i)) << i;
    ASSERT_EQ(got.shared[i], static_cast<float>(i)) << i;
  }
}

TEST(BlockWorker, ASlowWorkerLeavesTheSharedConsumerToTheProducer) {
  Received got;
  // 400 blocks are 45 batches, more than the queue's 32: the producer finds it full.
  const auto feeds = run(400, microseconds(0), microseconds(3000), microseconds(0), got);
  expect_in_order(got, 400);
  EXPECT_GT(feeds.by_producer, 0u);
  EXPECT_EQ(feeds.by_producer + feeds.by_worker + feeds.at_finish, batches_of(400));
}

TEST(BlockWorker, ASlowProducerLeavesTheSharedConsumerToTheWorker) {
  Received got;
  const auto feeds = run(200, microseconds(300), microseconds(0), microseconds(0), got);
  expect_in_order(got, 200);
  EXPECT_GT(feeds.by_worker, 0u);
  EXPECT_EQ(feeds.by_producer + feeds.by_worker + feeds.at_finish, batches_of(200));
}

TEST(BlockWorker, ASlowSharedConsumerStillGetsEveryBatchInOrder) {
  Received got;
  const auto feeds = run(200, microseconds(0), microseconds(0), microseconds(2000), got);
  expect_in_order(got, 200);
  EXPECT_EQ(feeds.by_producer + feeds.by_worker + feeds.at_finish, batches_of(200));
}

TEST(BlockWorker, FinishRethrowsWhatTheSharedConsumerThrew) {
  std::size_t fed = 0;
  BlockWorker worker([](BlockWorker::Stream, std::span<const float>) {},
                     [&fed](std::span<const float>) {
                       if (++fed == 2) throw std::runtime_error("shared consumer failed");
                     });
  const std::vector<float> block(kBlock, 1.0f);
  for (int b = 0; b < 100; ++b) worker.push(block);
  EXPECT_THROW(
      {
        try {
          worker.finish();
        } catch (const std::runtime_error& e) {
          EXPECT_STREQ(e.what(), "shared consumer failed");
          throw;
        }
      },
      std::runtime_error);
  EXPECT_EQ(fed, 2u);  // nothing is fed after the throw
}

}  // namespace
}  // namespace trackprint::analysis
