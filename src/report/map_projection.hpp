// The library's 2-D map: the metric's rows (where Euclidean distance is the similarity metric)
// projected on their first two principal components, so the map keeps as much of the spread
// as any flat picture can and two tracks far apart on it are far apart in the metric.
#pragma once

#include <array>
#include <cstddef>
#include <span>
#include <vector>

namespace trackprint::report {

struct MapProjection {
  std::vector<float> x, y;            // one point per row
  std::array<double, 2> explained{};  // share of the total variance along each axis
  // Each axis as a direction in the rows' space (kDimensionCount weights), e.g. to name it.
  std::array<std::vector<double>, 2> axes;
};

// PCA of `rows` (n rows of `width` values, row-major) by the eigenvectors of their covariance
// (Eigen's self-adjoint solver). Each axis is signed so that its largest weight is positive,
// which makes the map the same on every run.
MapProjection principal_components(std::span<const double> rows, std::size_t width);

}  // namespace trackprint::report
