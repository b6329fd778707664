// Normalisation of the 25 dimensions, fitted on the library, so that a tempo in BPM and a
// fraction in 0..1 weigh alike: v -> (v - centre) / scale per dimension. Pure arithmetic over
// rows of doubles; the same rows give the same bits on every run.
#pragma once

#include <array>
#include <cstddef>
#include <span>
#include <string_view>

#include "trackprint/dimensions.hpp"

namespace trackprint::similarity {

enum class Normalisation {
  minmax,  // robust min-max (Auralis): 5th to 95th percentile onto 0..1, clipped to 0..1
  zscore,  // mean 0, standard deviation 1, not clipped
};
std::string_view to_string(Normalisation n);

struct Normaliser {
  Normalisation kind = Normalisation::minmax;
  std::array<double, kDimensionCount> centre{};
  std::array<double, kDimensionCount> scale{};  // 0: a constant dimension, ignored (always 0)

  double apply(std::size_t dim, double v) const;
  // One row of kDimensionCount raw values into `out` (may be the same array).
  void apply_row(const double* raw, double* out) const;
};

// The p-th quantile (0..1) of `values` by linear interpolation between order statistics
// (numpy's default method). Reorders `values`; needs at least one.
double quantile(std::span<double> values, double p);

// Fitted on `rows` (whole rows of kDimensionCount values, row-major). minmax: centre = the 5th
// percentile, scale = 95th - 5th; where the two coincide (a dimension most tracks share, like a
// silence ratio of 0), the column's min and max instead; where those coincide too, scale 0.
// zscore: the mean and the population standard deviation (0 for a constant column).
// No rows: centre 0, scale 0.
Normaliser fit_normaliser(Normalisation kind, std::span<const double> rows);

}  // namespace trackprint::similarity
