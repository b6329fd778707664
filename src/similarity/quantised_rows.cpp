#include "similarity/quantised_rows.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace trackprint::similarity {

QuantisedRows::QuantisedRows(std::span<const double> normalised_rows, const Weights& weights)
    : rows_(normalised_rows.size() / kDimensionCount) {
  for (std::size_t d = 0; d < kDimensionCount; ++d) sqrt_weight_[d] = std::sqrt(weights[d]);
  std::array<double, kDimensionCount> high{};
  low_.fill(std::numeric_limits<double>::infinity());
  high.fill(-std::numeric_limits<double>::infinity());
  for (std::size_t r = 0; r < rows_; ++r) {
    for (std::size_t d = 0; d < kDimensionCount; ++d) {
      const double z = sqrt_weight_[d] * normalised_rows[r * kDimensionCount + d];
      low_[d] = std::min(low_[d], z);
      high[d] = std::max(high[d], z);
    }
  }
  double widest = 0;
  for (std::size_t d = 0; d < kDimensionCount; ++d) {
    if (rows_ == 0) low_[d] = 0;
    widest = std::max(widest, rows_ == 0 ? 0.0 : high[d] - low_[d]);
  }
  step_ = widest > 0 ? widest / kMaxLevel : 1;

  const std::size_t values = blocks() * kBlockValues;
  data_ = hwy::AllocateAligned<std::int16_t>(std::max<std::size_t>(values, 1));
  std::fill(data_.get(), data_.get() + values, std::int16_t{0});
  std::array<std::int16_t, kDimensionCount> levels{};
  for (std::size_t r = 0; r < rows_; ++r) {
    max_error_ =
        std::max(max_error_, quantise(&normalised_rows[r * kDimensionCount], levels.data()));
    for (std::size_t d = 0; d < kDimensionCount; ++d)
      data_[index(r / kBlockRows, d, r % kBlockRows)] = levels[d];
  }
}

double QuantisedRows::quantise(const double* normalised, std::int16_t* levels) const {
  double squared_error = 0;
  for (std::size_t d = 0; d < kDimensionCount; ++d) {
    const double z = sqrt_weight_[d] * normalised[d];
    const double level = std::clamp(std::round((z - low_[d]) / step_), 0.0, double{kMaxLevel});
    levels[d] = static_cast<std::int16_t>(level);
    const double e = low_[d] + step_ * level - z;
    squared_error += e * e;
  }
  return std::sqrt(squared_error);
}

}  // namespace trackprint::similarity
