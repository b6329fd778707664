// A blocking queue of bounded size between threads: a producer that is ahead of its consumer
// waits, so memory stays at a few items. The one queue of the engine: the scan's and the
// queue's workers hand results to the store's writer through it, and a track's decoding hands
// y's blocks to the families on a second thread (analysis/block_worker.hpp).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>

namespace trackprint {

template <class T>
class BoundedQueue {
 public:
  explicit BoundedQueue(std::size_t capacity) : capacity_(capacity) {}

  // False (the item dropped) once the queue is closed.
  bool push(T item) {
    std::unique_lock lock(mutex_);
    not_full_.wait(lock, [&] { return items_.size() < capacity_ || closed_; });
    if (closed_) return false;
    items_.push_back(std::move(item));
    not_empty_.notify_one();
    return true;
  }

  enum class Offer { taken, full, closed };
  // push() without the wait: a producer with other work can do it rather than wait for room.
  // `item` is moved from only when taken.
  Offer try_push(T& item) {
    const std::lock_guard lock(mutex_);
    if (closed_) return Offer::closed;
    if (items_.size() >= capacity_) return Offer::full;
    items_.push_back(std::move(item));
    not_empty_.notify_one();
    return Offer::taken;
  }

  // No more pushes: pop() returns Wait::closed once the queue is drained, and a producer
  // waiting for room is released.
  void close() {
    const std::lock_guard lock(mutex_);
    closed_ = true;
    not_empty_.notify_all();
    not_full_.notify_all();
  }

  enum class Wait { item, timeout, closed };
  // Waits up to `timeout` for an item (zero: takes one only if it is there).
  Wait pop(T& out, std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    if (!not_empty_.wait_for(lock, timeout, [&] { return !items_.empty() || closed_; }))
      return Wait::timeout;
    return take(out);
  }
  // Waits for an item as long as it takes (an idle queue costs no CPU): Wait::item or
  // Wait::closed.
  Wait pop(T& out) {
    std::unique_lock lock(mutex_);
    not_empty_.wait(lock, [&] { return !items_.empty() || closed_; });
    return take(out);
  }

 private:
  Wait take(T& out) {  // with the lock held
    if (items_.empty()) return Wait::closed;
    out = std::move(items_.front());
    items_.pop_front();
    not_full_.notify_one();
    return Wait::item;
  }

  std::mutex mutex_;
  std::condition_variable not_empty_;
  std::condition_variable not_full_;
  std::deque<T> items_;
  std::size_t capacity_;
  bool closed_ = false;
};

}  // namespace trackprint
