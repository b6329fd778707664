// A blocking queue of bounded size between the analysis workers and the store's writer: a
// worker that is ahead of the writer waits, so memory stays at a few results per worker.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <optional>

namespace trackprint::library {

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

  // No more pushes: pop() returns closed once the queue is drained.
  void close() {
    const std::lock_guard lock(mutex_);
    closed_ = true;
    not_empty_.notify_all();
    not_full_.notify_all();
  }

  enum class Wait { item, timeout, closed };
  // Waits up to `timeout` for an item (zero: takes one only if it is there), or without a
  // timeout until there is one: an idle queue costs no CPU.
  Wait pop(T& out, std::optional<std::chrono::milliseconds> timeout = std::nullopt) {
    std::unique_lock lock(mutex_);
    const auto ready = [&] { return !items_.empty() || closed_; };
    if (!timeout) {
      not_empty_.wait(lock, ready);
    } else if (!not_empty_.wait_for(lock, *timeout, ready)) {
      return Wait::timeout;
    }
    if (items_.empty()) return Wait::closed;
    out = std::move(items_.front());
    items_.pop_front();
    not_full_.notify_one();
    return Wait::item;
  }

 private:
  std::mutex mutex_;
  std::condition_variable not_empty_;
  std::condition_variable not_full_;
  std::deque<T> items_;
  std::size_t capacity_;
  bool closed_ = false;
};

}  // namespace trackprint::library
