// The k-nearest-neighbour graph of a library: every row's exact top k (itself left out), as
// Auralis builds it with k = 10. Rows are shared among threads; each row's list depends only on
// the data, so the graph is the same for any number of threads.
#pragma once

#include <cstddef>
#include <vector>

#include "similarity/exact_search.hpp"

namespace trackprint::similarity {

// graph[r] = the k rows nearest to row r, nearest first. threads <= 0: one per core.
std::vector<std::vector<Neighbour>> knn_graph(const ExactSearch& search, std::size_t k,
                                              int threads = 0);

}  // namespace trackprint::similarity
