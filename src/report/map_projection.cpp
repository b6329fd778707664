#include "report/map_projection.hpp"

#include <Eigen/Dense>
#include <cmath>

namespace trackprint::report {

MapProjection principal_components(std::span<const double> rows, std::size_t width) {
  MapProjection out;
  const std::size_t n = width == 0 ? 0 : rows.size() / width;
  out.x.assign(n, 0.0f);
  out.y.assign(n, 0.0f);
  if (n == 0) return out;
  const auto w = static_cast<Eigen::Index>(width);
  const Eigen::Map<const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>
      data(rows.data(), static_cast<Eigen::Index>(n), w);
  const Eigen::RowVectorXd mean = data.colwise().mean();
  const Eigen::MatrixXd centred = data.rowwise() - mean;
  const Eigen::MatrixXd covariance =
      (centred.transpose() * centred) / static_cast<double>(std::max<std::size_t>(1, n - 1));
  const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> solver(covariance);
  const double total = std::max(0.0, solver.eigenvalues().sum());
  for (int k = 0; k < 2 && k < w; ++k) {
    const Eigen::Index column = w - 1 - k;  // eigenvalues come in increasing order
    Eigen::VectorXd axis = solver.eigenvectors().col(column);
    Eigen::Index largest = 0;
    axis.cwiseAbs().maxCoeff(&largest);
    if (axis(largest) < 0) axis = -axis;
    out.explained[static_cast<std::size_t>(k)] =
        total > 0 ? std::max(0.0, solver.eigenvalues()(column)) / total : 0.0;
    out.axes[static_cast<std::size_t>(k)].assign(axis.data(), axis.data() + w);
    const Eigen::VectorXd projected = centred * axis;
    std::vector<float>& coord = k == 0 ? out.x : out.y;
    for (std::size_t i = 0; i < n; ++i) {
      coord[i] = static_cast<float>(projected(static_cast<Eigen::Index>(i)));
    }
  }
  return out;
}

}  // namespace trackprint::report
