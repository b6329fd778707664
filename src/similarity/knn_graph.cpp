#include "similarity/knn_graph.hpp"

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <thread>

namespace trackprint::similarity {

std::vector<std::vector<Neighbour>> knn_graph(const ExactSearch& search, std::size_t k,
                                              int threads) {
  const std::size_t n = search.size();
  std::vector<std::vector<Neighbour>> graph(n);
  if (threads <= 0) threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  constexpr std::size_t kRowsPerTask = 64;  // few enough to share the rows out evenly
  std::atomic<std::size_t> next{0};
  std::exception_ptr failure;
  std::mutex failure_mutex;
  const auto work = [&] {
    try {
      for (std::size_t first = next.fetch_add(kRowsPerTask); first < n;
           first = next.fetch_add(kRowsPerTask)) {
        for (std::size_t r = first; r < std::min(n, first + kRowsPerTask); ++r) {
          const auto self = static_cast<std::uint32_t>(r);
          graph[r] = search.nearest(search.row(r), k, {&self, 1});
        }
      }
    } catch (...) {
      const std::lock_guard lock(failure_mutex);
      if (!failure) failure = std::current_exception();
      next = n;  // the others stop at their next task
    }
  };
  {
    std::vector<std::jthread> pool;
    for (int t = 1; t < std::min<int>(threads, static_cast<int>(n / kRowsPerTask) + 1); ++t)
      pool.emplace_back(work);
    work();
  }
  if (failure) std::rethrow_exception(failure);
  return graph;
}

}  // namespace trackprint::similarity
