#include "similarity/sonic_path.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <numeric>
#include <stdexcept>

#include "similarity/metric.hpp"

namespace trackprint::similarity {
namespace {

// `total` shared in proportion to `lengths` by largest remainder (ties to the earlier leg).
std::vector<std::size_t> shares_of(std::size_t total, const std::vector<double>& lengths) {
  const std::size_t legs = lengths.size();
  std::vector<std::size_t> out(legs, 0);
  const double sum = std::accumulate(lengths.begin(), lengths.end(), 0.0);
  std::vector<double> exact(legs);
  for (std::size_t i = 0; i < legs; ++i) {
    exact[i] = sum > 0 ? static_cast<double>(total) * lengths[i] / sum
                       : static_cast<double>(total) / static_cast<double>(legs);
    out[i] = static_cast<std::size_t>(std::floor(exact[i]));
  }
  std::size_t given = std::accumulate(out.begin(), out.end(), std::size_t{0});
  std::vector<std::size_t> order(legs);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return exact[a] - std::floor(exact[a]) > exact[b] - std::floor(exact[b]);
  });
  for (std::size_t k = 0; given < total; ++k, ++given) ++out[order[k % legs]];
  return out;
}

}  // namespace

std::vector<std::uint32_t> sonic_path(const ExactSearch& search,
                                      std::span<const std::uint32_t> waypoints,
                                      const PlaylistLimits& limits, const TrackFacts& facts) {
  if (waypoints.size() < 2 || limits.length < waypoints.size())
    throw std::invalid_argument("sonic_path: needs two waypoints and room for them");
  PlaylistSelection chosen(search, limits, facts);
  for (const std::uint32_t w : waypoints) chosen.add(w);  // never picked along the way
  std::vector<double> lengths;
  for (std::size_t i = 0; i + 1 < waypoints.size(); ++i)
    lengths.push_back(
        distance(search.weights(), search.row(waypoints[i]), search.row(waypoints[i + 1])));
  const auto counts = shares_of(limits.length - waypoints.size(), lengths);

  std::vector<std::uint32_t> path{waypoints[0]};
  std::array<double, kDimensionCount> point{};
  for (std::size_t leg = 0; leg + 1 < waypoints.size(); ++leg) {
    const double* a = search.row(waypoints[leg]);
    const double* b = search.row(waypoints[leg + 1]);
    for (std::size_t j = 1; j <= counts[leg]; ++j) {
      const double t = static_cast<double>(j) / static_cast<double>(counts[leg] + 1);
      for (std::size_t d = 0; d < kDimensionCount; ++d) point[d] = a[d] + t * (b[d] - a[d]);
      const std::vector<std::uint32_t> taken = chosen.sorted_rows();
      for (std::size_t want = 16;; want *= 4) {
        bool found = false;
        for (const Neighbour& nb : search.nearest(point.data(), want, taken)) {
          if (!chosen.admits(nb.row)) continue;
          chosen.add(nb.row);
          path.push_back(nb.row);
          found = true;
          break;
        }
        if (found || want >= search.size()) break;
      }
    }
    path.push_back(waypoints[leg + 1]);
  }
  return path;
}

}  // namespace trackprint::similarity
