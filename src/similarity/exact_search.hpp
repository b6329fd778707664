// Exact nearest neighbours by brute force. One pass over the QuantisedRows with the integer
// kernel finds every row that could be among the N nearest (the rounding bound keeps all of
// them); those few are then ranked by the metric's own formula in double precision. The result
// is the exact top N of that formula: ties (equal double distances) go to the lower row, and rows
// are held in store id order, so to the lower id.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "similarity/quantised_rows.hpp"
#include "similarity/weights.hpp"

namespace trackprint::similarity {

struct Neighbour {
  std::uint32_t row = 0;
  double distance = 0;
  bool operator==(const Neighbour&) const = default;
};

class ExactSearch {
 public:
  // `normalised_rows`: n rows of kDimensionCount normalised values, row-major.
  ExactSearch(std::vector<double> normalised_rows, const Weights& weights);

  std::size_t size() const { return quantised_.rows(); }
  const double* row(std::size_t i) const { return &rows_[i * kDimensionCount]; }
  const Weights& weights() const { return weights_; }

  // The `n` rows nearest to `query` (a normalised row: a library row or any point), nearest
  // first; the rows in `excluded` (sorted ascending) are never returned.
  std::vector<Neighbour> nearest(const double* query, std::size_t n,
                                 std::span<const std::uint32_t> excluded = {}) const;

 private:
  std::vector<double> rows_;
  Weights weights_;
  QuantisedRows quantised_;
};

}  // namespace trackprint::similarity
