#include "similarity/normalisation.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

namespace trackprint::similarity {

std::string_view to_string(Normalisation n) {
  return n == Normalisation::minmax ? "minmax" : "zscore";
}

double Normaliser::apply(std::size_t dim, double v) const {
  if (scale[dim] == 0) return 0;
  const double x = (v - centre[dim]) / scale[dim];
  return kind == Normalisation::minmax ? std::clamp(x, 0.0, 1.0) : x;
}

void Normaliser::apply_row(const double* raw, double* out) const {
  for (std::size_t i = 0; i < kDimensionCount; ++i) out[i] = apply(i, raw[i]);
}

double quantile(std::span<double> values, double p) {
  const double h = static_cast<double>(values.size() - 1) * p;
  const auto k = static_cast<std::size_t>(std::floor(h));
  std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(k), values.end());
  const double lo = values[k];
  if (k + 1 >= values.size()) return lo;
  // After nth_element everything past k is >= values[k]: the next order statistic is its least.
  const double hi =
      *std::min_element(values.begin() + static_cast<std::ptrdiff_t>(k) + 1, values.end());
  return lo + (h - static_cast<double>(k)) * (hi - lo);
}

Normaliser fit_normaliser(Normalisation kind, std::span<const double> rows) {
  Normaliser out;
  out.kind = kind;
  const std::size_t n = rows.size() / kDimensionCount;
  if (n == 0) return out;
  std::vector<double> column(n);
  for (std::size_t d = 0; d < kDimensionCount; ++d) {
    for (std::size_t r = 0; r < n; ++r) column[r] = rows[r * kDimensionCount + d];
    if (kind == Normalisation::zscore) {
      double sum = 0;
      for (const double v : column) sum += v;
      const double mean = sum / static_cast<double>(n);
      double squares = 0;
      for (const double v : column) squares += (v - mean) * (v - mean);
      out.centre[d] = mean;
      out.scale[d] = std::sqrt(squares / static_cast<double>(n));
      continue;
    }
    const double lo = quantile(column, 0.05);
    const double hi = quantile(column, 0.95);
    if (hi > lo) {
      out.centre[d] = lo;
      out.scale[d] = hi - lo;
      continue;
    }
    const auto [min, max] = std::minmax_element(column.begin(), column.end());
    out.centre[d] = *min;
    out.scale[d] = *max - *min;
  }
  return out;
}

}  // namespace trackprint::similarity
