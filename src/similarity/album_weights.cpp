#include "similarity/album_weights.hpp"

#include <algorithm>
#include <map>
#include <vector>

namespace trackprint::similarity {

Weights learn_album_weights(std::span<const double> rows, std::span<const int> album) {
  std::map<int, std::vector<std::size_t>> members;
  for (std::size_t r = 0; r < album.size(); ++r) {
    if (album[r] >= 0) members[album[r]].push_back(r);
  }
  std::erase_if(members, [](const auto& m) { return m.second.size() < 2; });
  std::size_t n = 0;
  for (const auto& [a, rs] : members) n += rs.size();
  const std::size_t groups = members.size();
  Weights w{};
  if (groups < 2) return *weight_preset("equal");
  for (std::size_t d = 0; d < kDimensionCount; ++d) {
    double total = 0;
    for (const auto& [a, rs] : members)
      for (const std::size_t r : rs) total += rows[r * kDimensionCount + d];
    const double mean = total / static_cast<double>(n);
    double between = 0, within = 0;
    for (const auto& [a, rs] : members) {
      double sum = 0;
      for (const std::size_t r : rs) sum += rows[r * kDimensionCount + d];
      const double album_mean = sum / static_cast<double>(rs.size());
      between += static_cast<double>(rs.size()) * (album_mean - mean) * (album_mean - mean);
      for (const std::size_t r : rs) {
        const double e = rows[r * kDimensionCount + d] - album_mean;
        within += e * e;
      }
    }
    const double ms_between = between / static_cast<double>(groups - 1);
    const double ms_within = within / static_cast<double>(n - groups);
    w[d] = ms_within > 0 ? std::max(0.0, ms_between / ms_within - 1) : 0;
  }
  const Weights out = normalised_weights(w);
  return std::all_of(out.begin(), out.end(), [](double v) { return v == 0; })
             ? *weight_preset("equal")
             : out;
}

}  // namespace trackprint::similarity
