// The library's normalised rows as small integers, for the brute-force pass of an exact search:
// each value, weighted (sqrt(w) folded in, so that the metric is plain L2), is rounded to one of
// 8192 levels of one common step s. The L2 distance between two such rows is then s * sqrt(D)
// with D an integer sum computed exactly, and it differs from the true distance by at most the
// two rows' rounding errors (triangle inequality): a bound the search uses to keep every row
// that could be in the true top N, which it then ranks in double precision.
//
// Rows sit in blocks of kBlockRows. Inside a block the dimensions go in pairs (0-1, 2-3, ...,
// 24 with a zero): a pair holds each row's two values side by side, row after row, so that one
// multiply-add of 16-bit pairs (pmaddwd) gives each row's share of two dimensions in one 32-bit
// lane, and no horizontal sum is ever needed.
#pragma once

#include <hwy/aligned_allocator.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "similarity/weights.hpp"

namespace trackprint::similarity {

class QuantisedRows {
 public:
  static constexpr std::size_t kBlockRows = 32;
  static constexpr std::size_t kPairs = (kDimensionCount + 1) / 2;
  static constexpr std::size_t kBlockValues = kPairs * 2 * kBlockRows;
  // 13 bits: a difference fits int16, and 25 squared differences sum below 2^31.
  static constexpr int kMaxLevel = 8191;

  // Where dimension `dim` of the row in `lane` of block `block` sits in data().
  static constexpr std::size_t index(std::size_t block, std::size_t dim, std::size_t lane) {
    return block * kBlockValues + (dim / 2) * 2 * kBlockRows + lane * 2 + dim % 2;
  }

  QuantisedRows(std::span<const double> normalised_rows, const Weights& weights);

  std::size_t rows() const { return rows_; }
  std::size_t blocks() const { return (rows_ + kBlockRows - 1) / kBlockRows; }
  // blocks() * kBlockValues levels, laid out as index() says; the pad dimension and the lanes
  // past rows() are zeros.
  const std::int16_t* data() const { return data_.get(); }
  double step() const { return step_; }
  double max_error() const { return max_error_; }  // the largest rounding error of any row

  // A normalised row (a library row or any point) as levels; returns its rounding error, in
  // the metric's distance units.
  double quantise(const double* normalised, std::int16_t* levels) const;

 private:
  std::size_t rows_ = 0;
  std::array<double, kDimensionCount> sqrt_weight_{};
  std::array<double, kDimensionCount> low_{};
  double step_ = 1;
  double max_error_ = 0;
  hwy::AlignedFreeUniquePtr<std::int16_t[]> data_;
};

}  // namespace trackprint::similarity
