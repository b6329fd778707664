#include "features/column_pool.hpp"

#include <algorithm>
#include <stdexcept>

#include "dsp/db.hpp"

namespace trackprint::features {

ColumnPool::ColumnPool(std::size_t rows, std::size_t max_columns)
    : rows_(rows), max_columns_(std::max<std::size_t>(max_columns, 1)) {
  if (rows == 0) throw std::invalid_argument("ColumnPool: no rows");
  sums_.reserve(max_columns_ * rows_ + rows_);
}

void ColumnPool::push(std::span<const float> columns) {
  for (std::size_t at = 0; at + rows_ <= columns.size(); at += rows_) {
    if (partial_count_ == 0) {
      if (done_ / rows_ == max_columns_) halve();
      if (partial_count_ == 0) sums_.resize(done_ + rows_, 0.0);
    }
    double* partial = sums_.data() + done_;
    for (std::size_t r = 0; r < rows_; ++r) partial[r] += static_cast<double>(columns[at + r]);
    if (++partial_count_ == factor_) {
      done_ += rows_;
      partial_count_ = 0;
    }
  }
}

// Pairs of finished columns become one; an odd one out becomes the partial column (it holds
// half the new factor's frames).
void ColumnPool::halve() {
  const std::size_t n = done_ / rows_;
  for (std::size_t c = 0; c < n / 2; ++c) {
    for (std::size_t r = 0; r < rows_; ++r) {
      sums_[c * rows_ + r] = sums_[2 * c * rows_ + r] + sums_[(2 * c + 1) * rows_ + r];
    }
  }
  if (n % 2 == 1) {
    std::copy_n(sums_.begin() + static_cast<std::ptrdiff_t>((n - 1) * rows_), rows_,
                sums_.begin() + static_cast<std::ptrdiff_t>((n / 2) * rows_));
    partial_count_ = factor_;
  }
  factor_ *= 2;
  done_ = (n / 2) * rows_;
  sums_.resize(done_ + (partial_count_ > 0 ? rows_ : 0));
}

std::vector<float> ColumnPool::finish_db() const {
  const std::size_t n = columns();
  std::vector<float> mean(n * rows_);
  for (std::size_t c = 0; c < n; ++c) {
    const bool partial = c * rows_ == done_;
    const auto count = static_cast<double>(partial ? partial_count_ : factor_);
    for (std::size_t r = 0; r < rows_; ++r) {
      mean[c * rows_ + r] = static_cast<float>(sums_[c * rows_ + r] / count);
    }
  }
  if (mean.empty()) return mean;
  const float peak = *std::max_element(mean.begin(), mean.end());
  dsp::power_to_db(mean, mean, peak > 0 ? peak : 1.0f);
  return mean;
}

}  // namespace trackprint::features
