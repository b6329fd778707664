#include "similarity/exact_search.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <queue>

#include "similarity/distance_kernel.hpp"
#include "similarity/metric.hpp"

namespace trackprint::similarity {
namespace {

constexpr std::size_t kChunkBlocks = 64;  // 2048 rows: their distances stay in L1
constexpr std::int64_t kNoLimit = std::numeric_limits<std::int64_t>::max();

struct Candidate {
  std::int32_t squared = 0;  // in levels
  std::uint32_t row = 0;
};

}  // namespace

ExactSearch::ExactSearch(std::vector<double> normalised_rows, const Weights& weights)
    : rows_(std::move(normalised_rows)), weights_(weights), quantised_(rows_, weights) {}

std::vector<Neighbour> ExactSearch::nearest(const double* query, std::size_t n,
                                            std::span<const std::uint32_t> excluded) const {
  std::vector<Neighbour> out;
  if (n == 0 || size() == 0) return out;
  std::array<std::int16_t, kDimensionCount> levels{};
  const double query_error = quantised_.quantise(query, levels.data());
  // |s*sqrt(D) - d| <= e(row) + e(query) <= max_error + query_error for every row, so a row of
  // the true top N has sqrt(D) <= sqrt(tau) + 2 * slack, with tau the N-th smallest D. The slack
  // is widened by a part in a million for the rounding of these few double operations.
  const double slack =
      (2 * (quantised_.max_error() + query_error) / quantised_.step()) * (1 + 1e-6) + 1e-6;
  const auto limit_for = [slack](std::int32_t tau) {
    const double root = std::sqrt(static_cast<double>(tau)) + slack;
    return static_cast<std::int64_t>(std::floor(root * root));
  };

  std::priority_queue<std::int32_t> best;  // the N smallest D so far (largest on top)
  std::int64_t limit = kNoLimit;
  std::vector<Candidate> candidates;
  std::size_t prune_at = 4 * n + 256;
  std::array<std::int32_t, kChunkBlocks * QuantisedRows::kBlockRows> squared{};
  const std::size_t rows = size();
  for (std::size_t block = 0; block < quantised_.blocks(); block += kChunkBlocks) {
    const std::size_t count = std::min(kChunkBlocks, quantised_.blocks() - block);
    const std::int32_t least =
        squared_distances(quantised_.data() + block * QuantisedRows::kBlockValues, count,
                          levels.data(), squared.data());
    const std::size_t first = block * QuantisedRows::kBlockRows;
    const std::size_t last = std::min(rows, first + count * QuantisedRows::kBlockRows);
    if (least > limit) continue;  // once the N best are known, most chunks hold nothing near
    for (std::size_t r = first; r < last; ++r) {
      const std::int32_t d = squared[r - first];
      if (d > limit) continue;
      const auto row = static_cast<std::uint32_t>(r);
      if (std::binary_search(excluded.begin(), excluded.end(), row)) continue;
      candidates.push_back({d, row});
      if (best.size() < n) {
        best.push(d);
      } else if (d < best.top()) {
        best.pop();
        best.push(d);
      }
      if (best.size() == n) limit = limit_for(best.top());
      if (candidates.size() > prune_at) {
        std::erase_if(candidates, [limit](const Candidate& c) { return c.squared > limit; });
        prune_at = std::max(prune_at, 2 * candidates.size());  // many ties: prune less often
      }
    }
  }
  std::erase_if(candidates, [limit](const Candidate& c) { return c.squared > limit; });

  out.reserve(candidates.size());
  for (const Candidate& c : candidates)
    out.push_back({c.row, distance(weights_, row(c.row), query)});
  const auto closer = [](const Neighbour& a, const Neighbour& b) {
    return a.distance < b.distance || (a.distance == b.distance && a.row < b.row);
  };
  if (out.size() > n) {
    std::partial_sort(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(n), out.end(), closer);
    out.resize(n);
  } else {
    std::sort(out.begin(), out.end(), closer);
  }
  return out;
}

}  // namespace trackprint::similarity
