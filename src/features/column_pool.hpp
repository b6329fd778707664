// Pools a spectrogram's columns for display as they arrive: consecutive columns are averaged
// (in power), and the number pooled into each doubles whenever the budget would be passed, so a
// track of any length ends with at most `max_columns` columns and nothing track-sized is held.
// The result depends only on the columns and their order, not on how they were handed over.
#pragma once

#include <cstddef>
#include <span>
#include <vector>

namespace trackprint::features {

class ColumnPool {
 public:
  ColumnPool(std::size_t rows, std::size_t max_columns);

  // One column (`rows` values of power), or several frame-major.
  void push(std::span<const float> columns);
  // Columns pooled so far (the last may hold fewer frames than the others).
  std::size_t columns() const { return done_ / rows_ + (partial_count_ > 0 ? 1 : 0); }
  std::size_t frames_per_column() const { return factor_; }
  // Mean power of every column in dB below the greatest (power_to_db with ref = max, floored at
  // -80 dB), column-major.
  std::vector<float> finish_db() const;

 private:
  void halve();
  std::size_t rows_, max_columns_;
  std::size_t factor_ = 1;         // frames per finished column
  std::vector<double> sums_;       // finished columns (sums of `factor_` frames), then partial
  std::size_t done_ = 0;           // values of sums_ in finished columns
  std::size_t partial_count_ = 0;  // frames in the partial column
};

}  // namespace trackprint::features
