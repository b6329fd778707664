#include "similarity/playlist.hpp"

#include <algorithm>
#include <limits>
#include <map>

#include "similarity/metric.hpp"

namespace trackprint::similarity {
namespace {

constexpr std::size_t kTwoOptLimit = 500;

double between(const ExactSearch& search, std::uint32_t a, std::uint32_t b) {
  return distance(search.weights(), search.row(a), search.row(b));
}

}  // namespace

std::vector<std::uint32_t> flowing_order(const ExactSearch& search,
                                         std::vector<std::uint32_t> rows) {
  const std::size_t n = rows.size();
  if (n < 3) return rows;
  // Nearest-neighbour chain from the first row (ties to the lower row, for determinism).
  for (std::size_t i = 1; i < n; ++i) {
    std::size_t best = i;
    double best_d = std::numeric_limits<double>::infinity();
    for (std::size_t j = i; j < n; ++j) {
      const double d = between(search, rows[i - 1], rows[j]);
      if (d < best_d || (d == best_d && rows[j] < rows[best])) {
        best = j;
        best_d = d;
      }
    }
    std::swap(rows[i], rows[best]);
  }
  // 2-opt on the open path: reversing rows[i..j] replaces the edges (i-1, i) and (j, j+1). Each
  // pass is quadratic: long playlists keep the chain as it is.
  if (n > kTwoOptLimit) return rows;
  for (int pass = 0; pass < 50; ++pass) {
    bool improved = false;
    for (std::size_t i = 1; i + 1 < n; ++i) {
      for (std::size_t j = i + 1; j < n; ++j) {
        double before = between(search, rows[i - 1], rows[i]);
        double after = between(search, rows[i - 1], rows[j]);
        if (j + 1 < n) {
          before += between(search, rows[j], rows[j + 1]);
          after += between(search, rows[i], rows[j + 1]);
        }
        if (after < before - 1e-12) {
          std::reverse(rows.begin() + static_cast<std::ptrdiff_t>(i),
                       rows.begin() + static_cast<std::ptrdiff_t>(j) + 1);
          improved = true;
        }
      }
    }
    if (!improved) break;
  }
  return rows;
}

std::vector<std::uint32_t> seed_playlist(const ExactSearch& search,
                                         std::span<const std::uint32_t> seeds,
                                         const PlaylistLimits& limits, const TrackFacts& facts) {
  std::vector<std::uint32_t> sorted_seeds(seeds.begin(), seeds.end());
  std::sort(sorted_seeds.begin(), sorted_seeds.end());
  sorted_seeds.erase(std::unique(sorted_seeds.begin(), sorted_seeds.end()), sorted_seeds.end());
  // The pool: each seed's nearest rows, scored by the distance to the nearest seed. Should the
  // rules reject too many, the pool grows and the choice starts over.
  for (std::size_t pool = 4 * limits.length + 32;; pool *= 4) {
    PlaylistSelection chosen(search, limits, facts);
    for (const std::uint32_t s : seeds) {
      if (!chosen.contains(s)) chosen.add(s);
    }
    std::map<std::uint32_t, double> score;
    for (const std::uint32_t s : sorted_seeds) {
      for (const Neighbour& nb : search.nearest(search.row(s), pool, sorted_seeds)) {
        const auto [it, fresh] = score.emplace(nb.row, nb.distance);
        if (!fresh) it->second = std::min(it->second, nb.distance);
      }
    }
    std::vector<Neighbour> ranked;
    for (const auto& [row, d] : score) ranked.push_back({row, d});
    std::sort(ranked.begin(), ranked.end(), [](const Neighbour& a, const Neighbour& b) {
      return a.distance < b.distance || (a.distance == b.distance && a.row < b.row);
    });
    for (const Neighbour& nb : ranked) {
      if (chosen.full()) break;
      if (chosen.admits(nb.row)) chosen.add(nb.row);
    }
    if (chosen.full() || pool >= search.size()) return flowing_order(search, chosen.rows());
  }
}

}  // namespace trackprint::similarity
